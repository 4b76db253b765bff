// Starts Pyodide with the sandbox package (./sandbox) installed: from the build's memory snapshot when it
// matches this package, policy and Pyodide version (about 0.3 s), otherwise from scratch (about 2 s). Also
// builds that snapshot.

import crypto from 'node:crypto';
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadPyodide, version as pyodideVersion, type PyodideAPI } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';
import { sandboxFiles, sandboxPackage, vendorFiles } from './sandbox';
import { sandboxPolicy } from './apiModel';
import { pyodideDir, snapshotFile, snapshotKeyFile } from '../assets';
import { loadCreatePyodideModule, type CreatePyodideModule } from './asmScript';

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
    createPyodideModule: moduleFactory(dir, snapshot),
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

/**
 * Pyodide's module factory, wrapped so that the snapshot's bytes are freed as soon as Pyodide has copied them
 * into the interpreter's memory (its API.restoreSnapshot), before the rest of the start allocates: about 15 MB
 * less at the start's peak than freeing them after it. Without the script, or with a Pyodide whose module has
 * no such function, startPython frees them after the start.
 */
function moduleFactory(dir: string, snapshot: Uint8Array | undefined): CreatePyodideModule | undefined {
  const create = loadCreatePyodideModule(dir);
  if (!create || !snapshot) return create;
  return async (settings) => {
    const module = (await create(settings)) as { API?: { restoreSnapshot?: (bytes: Uint8Array) => unknown } };
    const api = module.API;
    const restore = api?.restoreSnapshot;
    if (api && typeof restore === 'function') {
      api.restoreSnapshot = (bytes) => {
        try {
          return restore(bytes);
        } finally {
          release(snapshot);
        }
      };
    }
    return module;
  };
}

/**
 * Frees the snapshot's bytes (31 MB) once they are in the interpreter's memory. Pyodide keeps its options, and
 * with them the snapshot, for the life of the process; moving the bytes out of their buffer (a transfer to a
 * clone that is dropped at once) leaves that reference holding an empty buffer, and a collection of the young
 * generation (a few ms) frees the clone now rather than at some later collection. Does nothing the second time.
 */
function release(snapshot: Uint8Array): void {
  if (snapshot.byteLength === 0) return;
  // A file of megabytes has a buffer of its own (never one of Node's pooled small buffers): it can be moved.
  const bytes = snapshot.buffer as ArrayBuffer;
  structuredClone(bytes, { transfer: [bytes] });
  v8.setFlagsFromString('--expose-gc');
  // Only a context made after the flag has `gc`; this one is dropped at once and never reaches user code.
  const collect = vm.runInNewContext('gc') as (options: { type: 'minor' }) => void;
  // The flag is put back at once: V8's code caches carry a hash of the flags, and the build writes Pyodide's
  // code cache in a process that went through here; with the flag left on, every later start rejected it.
  v8.setFlagsFromString('--no-expose-gc');
  collect({ type: 'minor' });
}

/** A ready interpreter with the sandbox installed. */
export async function startPython(): Promise<{ py: PyodideAPI; prelude: Prelude; fromSnapshot: boolean }> {
  const snapshot = readSnapshot();
  const py = await boot(snapshot);
  if (snapshot) release(snapshot);
  else installSandbox(py);
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
