// Starts Pyodide with the sandbox package (./sandbox) installed: from the build's memory snapshot when it
// matches this package, policy and Pyodide version (about 0.3 s), otherwise from scratch (about 2 s). Also
// builds that snapshot.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { loadPyodide, version as pyodideVersion, type PyodideAPI } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import { sandboxFiles, sandboxPackage, vendorFiles } from './sandbox';
import { sandboxPolicy } from './apiModel';
import { pyodideDir, snapshotFile, snapshotKeyFile } from '../assets';
import { loadCreatePyodideModule } from './asmScript';

/** The folder the package's files are written to while it is imported (removed afterwards, never on sys.path). */
const installDir = '/cloudfn';
const policyJson = JSON.stringify(sandboxPolicy());

/** Identifies a snapshot: it is only valid for this Pyodide, every file of the sandbox package and this policy. */
export function snapshotKey(): string {
  const hash = crypto.createHash('sha256').update(`${pyodideVersion}\n`);
  for (const [name, source] of Object.entries({ ...sandboxFiles, ...vendorFiles })) hash.update(`${name}\n${source.length}\n${source}\n`);
  return hash.update(policyJson).digest('hex');
}

/** The sandbox package's functions called from JavaScript (entry.py). */
export interface Prelude {
  run(source: string, filename: string, requestJson: string): string;
  attach(call: (op: string, args: string) => string, insertRows: (rows: string) => string, emit: (line: string) => void): void;
}

async function boot(snapshot?: Uint8Array): Promise<PyodideAPI> {
  const dir = pyodideDir();
  return loadPyodide({
    indexURL: dir + '/',
    // Pyodide's module as a script with a code cache when the build wrote one (see asmScript.ts).
    createPyodideModule: loadCreatePyodideModule(dir),
    // The `js` module sees an empty object: user code must never reach the worker's globals.
    jsglobals: {},
    env: { HOME: '/home/pyodide', TZ: 'UTC' },
    stdout: () => undefined,
    stderr: () => undefined,
    ...(snapshot ? { _loadSnapshot: snapshot } : { _makeSnapshot: true }),
  } as Parameters<typeof loadPyodide>[0]);
}

/**
 * Imports the sandbox package from files written for the import only, then runs its setup(). The vendored
 * packages (Jinja2, MarkupSafe) are written beside it and imported by it; every module stays in sys.modules.
 */
function installSandbox(py: PyodideAPI): void {
  const files = [
    ...Object.entries(sandboxFiles).map(([name, source]) => [`${sandboxPackage}/${name}`, source] as const),
    ...Object.entries(vendorFiles),
  ];
  const folders = [...new Set(files.map(([name]) => `${installDir}/${name.slice(0, name.lastIndexOf('/'))}`))];
  for (const folder of folders) py.FS.mkdirTree(folder);
  for (const [name, source] of files) py.FS.writeFile(`${installDir}/${name}`, source);
  // In a namespace of its own: __main__ keeps no name of the install.
  const namespace = py.toPy({}) as PyProxy;
  try {
    py.runPython(`
import sys
sys.path.insert(0, ${JSON.stringify(installDir)})
try:
    import ${sandboxPackage}
finally:
    sys.path.remove(${JSON.stringify(installDir)})
    for path in [path for path in sys.path_importer_cache if (path + "/").startswith(${JSON.stringify(installDir + '/')})]:
        del sys.path_importer_cache[path]
${sandboxPackage}.setup(${JSON.stringify(policyJson)})
`, { globals: namespace });
  } finally {
    // A start from the snapshot has no such files (the file system is not in it): a fresh start neither.
    for (const [name] of files) py.FS.unlink(`${installDir}/${name}`);
    for (const folder of folders) py.FS.rmdir(folder);
    py.FS.rmdir(installDir);
    namespace.destroy();
  }
}

function readSnapshot(): Uint8Array | undefined {
  try {
    if (fs.readFileSync(snapshotKeyFile(), 'utf8').trim() !== snapshotKey()) return undefined;
    return fs.readFileSync(snapshotFile());
  } catch {
    return undefined;
  }
}

/** A ready interpreter with the sandbox installed. */
export async function startPython(): Promise<{ py: PyodideAPI; prelude: Prelude; fromSnapshot: boolean }> {
  const snapshot = readSnapshot();
  const py = await boot(snapshot);
  if (!snapshot) installSandbox(py);
  const prelude = py.pyimport(sandboxPackage) as unknown as Prelude;
  return { py, prelude, fromSnapshot: snapshot !== undefined };
}

/** Builds the memory snapshot of an interpreter with the sandbox installed, and its key file. */
export async function writeSnapshot(): Promise<{ bytes: number }> {
  const py = await boot();
  installSandbox(py);
  const snapshot = (py as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot();
  fs.writeFileSync(snapshotFile(), snapshot);
  fs.writeFileSync(snapshotKeyFile(), snapshotKey() + '\n');
  return { bytes: snapshot.length };
}
