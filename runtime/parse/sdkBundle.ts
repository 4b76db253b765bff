// The Parse JS SDK as one file (dist/parseSdk.js) for the editor's runtime host: the .vsix ships no
// node_modules, so the host loads the SDK from this bundle (runtime/parse/sdk.ts, setParseSdkModule).

module.exports = require('parse/node');
