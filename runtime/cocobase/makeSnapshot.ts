// Build step: writes dist/python.snapshot, the memory image that lets a run start in a fraction of a second,
// and Pyodide's module as a script with its V8 code cache (asmScript.ts). With --if-stale it keeps what is
// still valid: the snapshot when its key matches, the code cache when it matches the script and this Node.

import fs from 'node:fs';
import { snapshotKey, startPython, writeSnapshot } from './pythonRuntime';
import { isAsmCodeCacheFresh, writeAsmCodeCache, writeAsmScript } from './asmScript';
import { pyodideDir, snapshotFile, snapshotKeyFile } from '../assets';

function isFresh(): boolean {
  try {
    return fs.existsSync(snapshotFile()) && fs.readFileSync(snapshotKeyFile(), 'utf8').trim() === snapshotKey();
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const ifStale = process.argv.includes('--if-stale');
  const dir = pyodideDir();
  writeAsmScript(dir);
  if (!(ifStale && isFresh())) {
    const { bytes } = await writeSnapshot();
    console.log(`python snapshot: ${(bytes / 1e6).toFixed(1)} MB`);
  }
  if (!(ifStale && isAsmCodeCacheFresh(dir))) {
    // The cache is taken after a start from the snapshot, so it holds the code that start compiles.
    await startPython();
    console.log(`pyodide code cache: ${(writeAsmCodeCache(dir) / 1e6).toFixed(1)} MB`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('cannot build the python snapshot:', error);
    process.exit(1);
  },
);
