// Where the runtime's assets live: Pyodide's and sql.js's wasm/stdlib files and the Python memory snapshot.
// Bundles in dist/ find them beside themselves; sources run by tsx (tests, bench) fall back to node_modules.

import fs from 'node:fs';
import path from 'node:path';

/** The folder of the running bundle (dist/) or of this source file (runtime/). */
const here = __dirname;
/**
 * The folder of a package file, or a path that does not exist when the package is not installed (the
 * editor extension ships dist/ without node_modules). A variable id keeps bundlers from inlining it.
 */
function packageDir(id: string): string {
  try {
    return path.dirname(require.resolve(id));
  } catch {
    return path.join(here, 'node_modules-missing');
  }
}

function firstExisting(candidates: string[]): string {
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`runtime asset not found; looked in:\n  ${candidates.join('\n  ')}\nrun \`npm run build\` first`);
}

/** The dist/ folder: beside a bundle, or the repository's dist/ when running from sources. */
export const distDir: string = fs.existsSync(path.join(here, 'runtimeProcess.js')) ? here : path.resolve(here, '..', 'dist');

/** Folder holding sql-wasm.wasm. */
export function sqlJsDir(): string {
  return path.dirname(firstExisting([
    path.join(distDir, 'sqljs', 'sql-wasm.wasm'),
    path.join(packageDir('sql.js'), 'sql-wasm.wasm'),
  ]));
}

/** Pyodide's indexURL: the folder of pyodide.asm.wasm, python_stdlib.zip and pyodide-lock.json. */
export function pyodideDir(): string {
  return path.dirname(firstExisting([
    path.join(distDir, 'pyodide', 'pyodide.asm.wasm'),
    path.join(packageDir('pyodide/package.json'), 'pyodide.asm.wasm'),
  ]));
}

/** The compiled runtime process bundle (always from dist/: the process runs plain JavaScript). */
export function runtimeProcessBundle(): string {
  return firstExisting([path.join(distDir, 'runtimeProcess.js')]);
}

/** The Pyodide memory snapshot written by the build, and its key file (hash of the Pyodide version, the sandbox package and its policy). */
export const snapshotFile = (): string => path.join(distDir, 'python.snapshot');
export const snapshotKeyFile = (): string => path.join(distDir, 'python.snapshot.key');
