// Build: one esbuild bundle per process into dist/ (CLI, runtime process, snapshot builder), Pyodide's and
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
  // The lean bundle of `cloudfn parse`/`serve` (bin/cloudfn.js picks it): the Parse dialect only.
  parse: 'cli/parseMain.ts',
  // The lean bundle of `cloudfn test` the editor's Testing view runs.
  testRunner: 'cli/testMain.ts',
  runtimeProcess: 'runtime/cocobase/runtimeProcessMain.ts',
  makeSnapshot: 'runtime/cocobase/makeSnapshot.ts',
  runtimeHost: 'host/main.ts',
};
const optional = {
  server: 'server/main.ts', pythonCompiler: 'server/pythonCompilerProcess.ts',
  extension: 'client/extension.ts', extensionMain: 'client/extensionMain.ts', languageClient: 'client/languageClient.ts',
};
for (const [name, file] of Object.entries(optional)) if (fs.existsSync(path.join(root, file))) entries[name] = file;

// The Parse SDK is bundled (one file instead of ~90 resolved and compiled at start-up). Two of its modules
// that Cloud Code on a server does not need before it uses them are replaced by stubs that load the real,
// unbundled module from the installed `parse` package on first use: WebSocketController (`ws`, for
// LiveQuery) and CryptoController (`crypto-js`, for an encrypted local storage).
const lazyParseSdkParts = {
  name: 'lazy-parse-sdk-parts',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/(WebSocketController|CryptoController)$/ }, (args) =>
      /[\\/]parse[\\/]lib[\\/]node$/.test(args.resolveDir) ? { path: args.path.slice(2), namespace: 'lazy-parse-sdk-part' } : undefined);
    builder.onLoad({ filter: /.*/, namespace: 'lazy-parse-sdk-part' }, (args) => {
      const load = `require(require('node:path').join(require.resolve(['parse', 'node'].join('/')), '..', 'lib', 'node', '${args.path}.js')).default`;
      const contents = args.path === 'WebSocketController'
        ? `let WebSocket; exports.__esModule = true;
           exports.default = function LazyWebSocket(...args) { WebSocket ??= ${load}; return new WebSocket(...args); };`
        : `let real; const load = () => (real ??= ${load}); exports.__esModule = true;
           exports.default = { encrypt: (obj, key) => load().encrypt(obj, key), decrypt: (text, key) => load().decrypt(text, key) };`;
      return { contents, loader: 'js' };
    });
  },
};

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
  plugins: [lazyParseSdkParts],
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
copyFiles(path.join(root, 'client', 'views', 'runPanel', 'media'), path.join(dist, 'media'), ['runPanel.js', 'runPanel.css']);
copyFiles(path.join(path.dirname(require.resolve('@vscode/codicons/package.json')), 'dist'), path.join(dist, 'media'), ['codicon.css', 'codicon.ttf']);

// The snapshot is rebuilt only when its key (Pyodide version + prelude + sandbox policy) changed.
execFileSync(process.execPath, [path.join(dist, 'makeSnapshot.js'), '--if-stale'], { stdio: 'inherit' });
console.log('built dist/');
