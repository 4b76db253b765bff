#!/usr/bin/env node
// Runs Parse-SDK-JS's own integration suite (`integration/test`, with its own cloud code) against
// `cloudfn serve`, as a new user would point it at it: a developer recipe, not part of `npm test` or CI.
//
//   node scripts/parse-suites/sdk.mjs /path/to/Parse-SDK-JS [--sdk DIR] [--all] [--files A.js,B.js]
//                                     [--port 1337] [--reference postgres://…]
//
// The checkout needs `integration/test` and, in its node_modules, jasmine, uuid, ws and xmlhttprequest
// (`npm install` there does it). The SDK under test is the checkout's built `node.js` + `lib/`, or
// `--sdk DIR` (an installed `parse` package, e.g. parse-server's). `npm run build` first: the suite runs
// the built `bin/cloudfn.js serve` on http://localhost:1337/parse with the suite's app id, master key and
// `integration/test/cloud/main.js`. The suite's helper.js (an in-process parse-server) is replaced by one
// with the same globals; its `clear` between specs (TestUtils.destroyAllDataPermanently) becomes a restart
// of `serve` on a fresh database when the spec wrote anything — what a user has, without running the app's
// delete triggers as clearing through the REST API would. `reconfigureServer` with options is not
// emulated: such specs are counted out of scope, as are whole files for features cloudfn does not emulate
// (LiveQuery, Push, Polygons, LocalDatastore, React Native, EventuallyQueue, the browser dist); `--all`
// runs those files too (except the browser dist, which needs puppeteer). Prints passed/failed per file and
// every failing spec with its first error line; exit 0 when all ran specs passed, 1 otherwise.
// `--reference DATABASE_URI` runs the same specs, with the suite's own helper.js, against the reference
// parse-server 9.10 of the peer suite (`.peer/parse-server`, scripts/install-parse-peer.sh) on that
// PostgreSQL database instead: which failures are cloudfn's, and which the reference shares. `--port` moves
// the server (and the specs' `localhost:1337` URLs) elsewhere when 1337 is taken.

import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printResults, runJasmine, startServe } from './serve.mjs';

const outOfScopeFiles = ['ParseLiveQueryTest.js', 'ParsePushTest.js', 'ParsePolygonTest.js', 'ParseLocalDatastoreTest.js',
  'ParseReactNativeTest.js', 'ParseEventuallyQueueTest.js', 'ParseDistTest.js'];
const notRunnable = ['ParseDistTest.js'];
const notEmulated = 'cloudfn suite: not emulated';

const { values, positionals } = parseArgs({ allowPositionals: true, options: {
  sdk: { type: 'string' }, reference: { type: 'string' }, port: { type: 'string', default: '1337' }, all: { type: 'boolean', default: false }, files: { type: 'string' },
} });
if (positionals.length !== 1) {
  console.error('usage: node scripts/parse-suites/sdk.mjs /path/to/Parse-SDK-JS [--sdk DIR] [--all] [--files A.js,B.js]');
  process.exit(2);
}
const checkout = resolve(positionals[0]);
const port = Number(values.port);
const sdk = resolve(values.sdk ?? checkout);
const tests = join(checkout, 'integration', 'test');
for (const [path, what] of [[tests, 'integration/test'], [join(sdk, 'node.js'), 'the SDK (node.js; build it or give --sdk)'],
  [join(checkout, 'node_modules', 'jasmine'), 'jasmine in its node_modules (npm install)']]) {
  if (!existsSync(path)) { console.error(`sdk.mjs: ${path} is missing: ${what}`); process.exit(2); }
}

// A run folder shaped like the checkout, so that the specs' `require('../../node')` and `../../lib/…` find the SDK.
const run = mkdtempSync(join(tmpdir(), 'cloudfn-sdk-suite-'));
cpSync(join(checkout, 'integration'), join(run, 'integration'), { recursive: true });
writeFileSync(join(run, 'node.js'), `module.exports = require(${JSON.stringify(join(sdk, 'node.js'))});\n`);
writeFileSync(join(run, 'react-native.js'), `module.exports = require(${JSON.stringify(join(sdk, 'react-native.js'))});\n`);
symlinkSync(join(sdk, 'lib'), join(run, 'lib'));
symlinkSync(join(checkout, 'node_modules'), join(run, 'node_modules'));
const peer = resolve(fileURLToPath(import.meta.url), '../../../.peer/parse-server/node_modules/parse-server');
if (values.reference && realpathSync(sdk).startsWith(realpathSync(resolve(peer, '..')))) {
  // One module would serve both sides: the client's current user and keys would be the server's.
  console.error('sdk.mjs: with --reference, --sdk must be a copy of the SDK, not parse-server\'s own parse package');
  rmSync(run, { recursive: true, force: true });
  process.exit(2);
}
if (values.reference) {
  // The suite's own helper, its in-process parse-server taken from the peer install and pointed at PostgreSQL.
  const helper = join(run, 'integration', 'test', 'helper.js');
  writeFileSync(helper, readFileSync(helper, 'utf8').replaceAll("require('parse-server')", `require(${JSON.stringify(peer)})`)
    .replace('const port = 1337;', `const port = ${port};`).replaceAll('localhost:1337', `localhost:${port}`)
    .replace("'mongodb://localhost:27017/integration'", JSON.stringify(values.reference))
    // parse-server 9 refuses the suite's Android push settings without a Firebase account; push is out of scope.
    .replace(/\n {2}push: \{[\s\S]*?\n {2}\},/, '')
    // On PostgreSQL, clearing drops _SCHEMA too: it is made again, as parse-server's own spec helper does.
    .replace('await TestUtils.destroyAllDataPermanently(true);', `$&\n  await require(${JSON.stringify(join(peer, 'lib/Config'))}).get('integration').database.adapter.performInitialization({ VolatileClassesSchemas: require(${JSON.stringify(join(peer, 'lib/Controllers/SchemaController'))}).VolatileClassesSchemas });`));
  symlinkSync(join(sdk, 'dist'), join(run, 'dist'));
} else writeFileSync(join(run, 'integration', 'test', 'helper.js'), `// Replaces the suite's helper.js (written by cloudfn's scripts/parse-suites/sdk.mjs): the same globals,
// with \`cloudfn serve\` (restarted by the harness) instead of an in-process parse-server.
const Parse = require('../../node');
const dns = require('dns');
if (dns.setDefaultResultOrder) dns.setDefaultResultOrder('ipv4first');
const suite = globalThis.cloudfnSuite;
const notEmulated = (what) => new Error(${JSON.stringify(notEmulated)} + ': ' + what);
global.DiffObject = Parse.Object.extend('DiffObject');
global.Item = Parse.Object.extend('Item');
global.Parent = Parse.Object.extend('Parent');
global.Child = Parse.Object.extend('Child');
global.Container = Parse.Object.extend('Container');
global.TestPoint = Parse.Object.extend('TestPoint');
global.TestObject = Parse.Object.extend('TestObject');
// The in-process server object is not there: any use of it is out of scope.
const noServer = new Proxy({}, { get: (_target, key) => { if (key === 'then') return undefined; throw notEmulated('the parse-server object (' + String(key) + ')'); } });
global.reconfigureServer = async (changed = {}) => {
  if (Object.keys(changed).length) throw notEmulated('reconfigureServer(' + JSON.stringify(changed) + ')');
  await suite.restart();
  return noServer;
};
beforeAll(() => {
  Parse.initialize('integration');
  Parse.CoreManager.set('SERVER_URL', 'http://localhost:${port}/parse');
  Parse.CoreManager.set('MASTER_KEY', 'notsosecret');
});
afterEach(async () => {
  await Parse.User.logOut();
  Parse.Storage._clear();
  await suite.clear();
});
module.exports = { twitterAuthData: { id: '1506726799266430985', consumer_key: 'k', consumer_secret: 's', auth_token: 't', auth_token_secret: 'ts' } };
`);

// A spec file that throws while it loads (one written for another SDK version) would end the whole run:
// each is wrapped so that the throw becomes one out-of-scope spec naming the file.
for (const file of readdirSync(tests).filter((name) => name.endsWith('Test.js'))) {
  const path = join(run, 'integration', 'test', file);
  const source = readFileSync(path, 'utf8').replaceAll('localhost:1337', `localhost:${port}`);
  const strict = /^'use strict';/.test(source) ? "'use strict';\n" : '';
  writeFileSync(path, `${strict}try {\n${source}\n} catch (error) {\n  describe(${JSON.stringify(file)}, () => it('loads', () => { throw new Error(${JSON.stringify(notEmulated)} + ': the file does not load with this SDK: ' + error.message); }));\n}\n`);
}

const cloud = join(run, 'integration', 'test', 'cloud', 'main.js');
const start = () => startServe({ cloud, port, appId: 'integration', masterKey: 'notsosecret' });
let served = values.reference ? { stop: async () => {} } : await start();
globalThis.cloudfnSuite = {
  async restart() { await served.stop(); served = await start(); },
  async clear() { if (served.changed() || !served.running()) await this.restart(); },
};
process.env.TESTING = '1';

const chosen = values.files?.split(',');
const specFiles = readdirSync(tests).filter((file) => file.endsWith('Test.js'))
  .filter((file) => (chosen ? chosen.includes(file) : values.all ? !notRunnable.includes(file) : !outOfScopeFiles.includes(file)));
let ran = 0;
const results = await runJasmine({
  modulesDir: checkout, specDir: join(run, 'integration', 'test'), helpers: ['helper.js'], specFiles,
  classify: (result) => {
    const messages = result.failedExpectations.map((failure) => failure.message);
    if (!values.reference && messages.some((message) => message.includes('File upload by public is disabled.'))) {
      return `${notEmulated}: the suite's fileUpload.enableForPublic (public uploads are refused, Parse Server 9's default)`;
    }
    return messages.find((message) => message.includes(notEmulated))?.split('\n')[0];
  },
  onSpec: (result, reason) => { ran += 1; process.stdout.write(reason ? 's' : result.status === 'passed' ? '.' : result.status === 'failed' ? 'F' : '-'); if (ran % 80 === 0) process.stdout.write('\n'); },
});
process.stdout.write('\n\n');
await served.stop();
rmSync(run, { recursive: true, force: true });
const inScope = { ...results, files: new Map([...results.files].filter(([file]) => !outOfScopeFiles.includes(file))) };
const { failed } = printResults(results);
if (values.all || chosen) {
  const scoped = printResults({ files: inScope.files, failures: [], outOfScope: [] }, () => {});
  console.log(`\nwithin scope (without ${outOfScopeFiles.join(', ')}): ${scoped.passed} of ${scoped.passed + scoped.failed}`);
}
process.exit(failed ? 1 : 0);
