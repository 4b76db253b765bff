#!/usr/bin/env node
// The cloudfn command: a thin launcher for the bundled CLI in dist/ (built by `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('cloudfn: dist/cli.js is missing; run `npm run build` first\n');
  process.exit(2);
}
require(bundle);
