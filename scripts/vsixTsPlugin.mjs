// Adds the TypeScript server plugin (client/tsPlugin) and the Parse SDK's type definitions to the packaged
// .vsix as extension/node_modules/cloudfn-parse-types/: tsserver loads a contributed plugin from the
// extension's node_modules only, and `vsce package --no-dependencies` never packs node_modules.
// Usage: node scripts/vsixTsPlugin.mjs dist/cloudfn.vsix

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const yauzl = require('yauzl');
const yazl = require('yazl');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const vsix = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'cloudfn.vsix'));
const prefix = 'extension/node_modules/cloudfn-parse-types/';

const added = new Map();
for (const name of ['index.js', 'package.json']) added.set(prefix + name, fs.readFileSync(path.join(root, 'client', 'tsPlugin', name)));
const typesDir = path.join(root, 'node_modules', 'parse', 'types');
for (const name of fs.readdirSync(typesDir)) if (name.endsWith('.d.ts')) added.set(`${prefix}types/${name}`, fs.readFileSync(path.join(typesDir, name)));

const entries = await new Promise((resolve, reject) => {
  yauzl.open(vsix, { lazyEntries: true }, (error, zip) => {
    if (error) return reject(error);
    const read = [];
    zip.on('entry', (entry) => {
      if (entry.fileName.startsWith(prefix)) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks = [];
        stream.on('data', (chunk) => chunks.push(chunk));
        stream.on('end', () => { read.push([entry.fileName, Buffer.concat(chunks)]); zip.readEntry(); });
      });
    });
    zip.on('end', () => resolve(read));
    zip.readEntry();
  });
});

const out = new yazl.ZipFile();
for (const [name, data] of entries) {
  // The package's content types must name every extension it holds (.ts is new).
  const content = name === '[Content_Types].xml' && !data.toString().includes('Extension=".ts"')
    ? Buffer.from(data.toString().replace('</Types>', '<Default Extension=".ts" ContentType="text/plain"/></Types>'))
    : data;
  out.addBuffer(content, name);
}
for (const [name, data] of added) out.addBuffer(data, name);
out.end();
const tmp = vsix + '.tmp';
await new Promise((resolve, reject) => out.outputStream.pipe(fs.createWriteStream(tmp)).on('close', resolve).on('error', reject));
fs.renameSync(tmp, vsix);
console.log(`added ${added.size} files of the TypeScript plugin cloudfn-parse-types to ${path.relative(process.cwd(), vsix)} (${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB)`);
