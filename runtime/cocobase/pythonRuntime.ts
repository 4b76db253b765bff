// Starts Pyodide with the sandbox prelude installed: from the build's memory snapshot when it matches this
// prelude and Pyodide version (about 0.3 s), otherwise from scratch (about 2 s). Also builds that snapshot.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { loadPyodide, version as pyodideVersion, type PyodideAPI } from 'pyodide';
import preludeSource from './sandbox/prelude.py';
import { sandboxPolicy } from './apiModel';
import { pyodideDir, snapshotFile, snapshotKeyFile } from '../assets';
import { loadCreatePyodideModule } from './asmScript';

/** File name of the prelude's frames; tracebacks shown to users keep only frames of the user's file. */
export const preludeFilename = '<cloudfn-runtime>';
const preludeModule = 'cloudfn_prelude';
const policyJson = JSON.stringify(sandboxPolicy());

/** Identifies a snapshot: it is only valid for this Pyodide, this prelude and this sandbox policy. */
export function snapshotKey(): string {
  return crypto.createHash('sha256').update(`${pyodideVersion}\n${preludeSource}\n${policyJson}`).digest('hex');
}

/** The prelude module's functions called from JavaScript. */
export interface Prelude {
  run(source: string, filename: string, requestJson: string): string;
  attach(call: (op: string, args: string) => string, insertRows: (rows: string) => string, emit: (line: string) => void, seed: number): void;
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

function installPrelude(py: PyodideAPI): void {
  py.runPython(`
import sys, types
module = types.ModuleType(${JSON.stringify(preludeModule)})
exec(compile(${JSON.stringify(preludeSource)}, ${JSON.stringify(preludeFilename)}, "exec"), module.__dict__)
sys.modules[module.__name__] = module
module.setup(${JSON.stringify(policyJson)})
del sys, types, module
`);
}

function readSnapshot(): Uint8Array | undefined {
  try {
    if (fs.readFileSync(snapshotKeyFile(), 'utf8').trim() !== snapshotKey()) return undefined;
    return fs.readFileSync(snapshotFile());
  } catch {
    return undefined;
  }
}

/** A ready interpreter with the prelude installed. */
export async function startPython(): Promise<{ py: PyodideAPI; prelude: Prelude; fromSnapshot: boolean }> {
  const snapshot = readSnapshot();
  const py = await boot(snapshot);
  if (!snapshot) installPrelude(py);
  const prelude = py.pyimport(preludeModule) as unknown as Prelude;
  return { py, prelude, fromSnapshot: snapshot !== undefined };
}

/** Builds the memory snapshot of an interpreter with the prelude installed, and its key file. */
export async function writeSnapshot(): Promise<{ bytes: number }> {
  const py = await boot();
  installPrelude(py);
  const snapshot = (py as unknown as { makeMemorySnapshot(): Uint8Array }).makeMemorySnapshot();
  fs.writeFileSync(snapshotFile(), snapshot);
  fs.writeFileSync(snapshotKeyFile(), snapshotKey() + '\n');
  return { bytes: snapshot.length };
}
