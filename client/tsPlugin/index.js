// cloudfn-parse-types: a TypeScript server plugin (contributes.typescriptServerPlugins) that gives Parse Cloud
// Code files the type definitions of the Parse SDK the runtime uses (`parse` 8.6.2, with its `parse/node`
// augmentation declaring Parse.Cloud.define/job/beforeSave… and their request types). The editor's own
// JavaScript service then completes and explains `Parse.Cloud.*`, `request.*` and the SDK, with no setup:
// the SDK's declarations (`export as namespace Parse`) are added as root files of every project holding a
// file under a `cloud` folder. Packaged into the .vsix as node_modules/cloudfn-parse-types by
// scripts/vsixTsPlugin.mjs (tsserver loads plugins from the contributing extension's node_modules).
'use strict';

const path = require('path');

/** A file of Cloud Code: a .js file under a folder named `cloud` (the default of cloudfn.parse.cloudGlobs). */
function isCloudFile(fileName) {
  return /\.(c|m)?js$/.test(fileName) && /(^|[\\/])cloud[\\/]/.test(fileName) && !/[\\/]node_modules[\\/]/.test(fileName);
}

function init() {
  const typeFiles = ['index.d.ts', 'node.d.ts'].map((name) => path.join(__dirname, 'types', name).replace(/\\/g, '/'));
  return {
    create(info) {
      const host = info.languageServiceHost;
      const original = host.getScriptFileNames.bind(host);
      host.getScriptFileNames = () => {
        const names = original();
        if (!names.some(isCloudFile)) return names;
        return names.concat(typeFiles.filter((file) => !names.includes(file)));
      };
      info.project.projectService.logger.info(`cloudfn-parse-types: Parse SDK types from ${path.dirname(typeFiles[0])} for Cloud Code files`);
      return info.languageService;
    },
  };
}

init.isCloudFile = isCloudFile;
module.exports = init;
