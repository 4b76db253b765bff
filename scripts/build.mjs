// Build: one esbuild bundle per process into dist/ (CLI, runtime worker, snapshot builder), Pyodide's and
// sql.js's wasm/stdlib files copied beside them, then the Python memory snapshot when it is out of date.

import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
fs.mkdirSync(dist, { recursive: true });

const entries = {
  cli: 'cli/main.ts',
  runtimeWorker: 'runtime/python/worker.ts',
  makeSnapshot: 'runtime/python/makeSnapshot.ts',
  runtimeHost: 'runtime/hostProcess.ts',
  parseSdk: 'runtime/parse/sdkBundle.ts',
};
const optional = {
  server: 'server/main.ts', pythonCompiler: 'server/pythonCompilerProcess.ts',
  extension: 'client/extension.ts', extensionMain: 'client/extensionMain.ts', languageClient: 'client/languageClient.ts',
};
for (const [name, file] of Object.entries(optional)) if (fs.existsSync(path.join(root, file))) entries[name] = file;

await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  loader: { '.py': 'text' },
  // The extension's entry point loads its main bundle at activation, timed; the main bundle loads the
  // language client's bundle after activation.
  external: ['vscode', './extensionMain.js', './languageClient.js'],
  logLevel: 'warning',
});

function copyFiles(fromDir, toDir, names) {
  fs.mkdirSync(toDir, { recursive: true });
  for (const name of names) {
    const from = path.join(fromDir, name);
    const to = path.join(toDir, name);
    const stat = fs.statSync(from);
    if (fs.existsSync(to) && fs.statSync(to).size === stat.size && fs.statSync(to).mtimeMs >= stat.mtimeMs) continue;
    fs.copyFileSync(from, to);
  }
}
const pyodideDir = path.dirname(require.resolve('pyodide/package.json'));
copyFiles(pyodideDir, path.join(dist, 'pyodide'), ['pyodide.asm.wasm', 'pyodide.asm.mjs', 'python_stdlib.zip', 'pyodide-lock.json', 'package.json']);
copyFiles(path.dirname(require.resolve('sql.js')), path.join(dist, 'sqljs'), ['sql-wasm.wasm']);
// The run panel's webview files and the codicon font it uses.
copyFiles(path.join(root, 'client', 'runPanel', 'media'), path.join(dist, 'media'), ['runPanel.js', 'runPanel.css']);
copyFiles(path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist'), path.join(dist, 'media'), ['codicon.css', 'codicon.ttf']);

// The snapshot is rebuilt only when its key (Pyodide version + prelude + sandbox policy) changed.
execFileSync(process.execPath, [path.join(dist, 'makeSnapshot.js'), '--if-stale'], { stdio: 'inherit' });
console.log('built dist/');
