#!/usr/bin/env node
// The cloudfn command: a thin launcher for the bundled CLI in dist/ (built by `npm run build`). `parse` and
// `serve` load the lean dist/parse.js (the Parse dialect only: a faster start), `test` the lean
// dist/testRunner.js (the test runner only, which takes the arguments after `test`); every other command dist/cli.js.
const path = require('node:path');
const fs = require('node:fs');
const command = process.argv[2];
const name = command === 'parse' || command === 'serve' ? 'parse.js' : command === 'test' ? 'testRunner.js' : 'cli.js';
if (name === 'testRunner.js') process.argv.splice(2, 1);
const bundle = path.join(__dirname, '..', 'dist', name);
if (!fs.existsSync(bundle)) {
  process.stderr.write(`cloudfn: dist/${name} is missing; run \`npm run build\` first\n`);
  process.exit(2);
}
require(bundle);
