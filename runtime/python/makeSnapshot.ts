// Build step: writes dist/python.snapshot, the memory image that lets a run start in a fraction of a second.
// With --if-stale it does nothing when the existing snapshot's key still matches.

import fs from 'node:fs';
import { snapshotKey, writeSnapshot } from './pythonRuntime';
import { snapshotFile, snapshotKeyFile } from '../paths';

function isFresh(): boolean {
  try {
    return fs.existsSync(snapshotFile()) && fs.readFileSync(snapshotKeyFile(), 'utf8').trim() === snapshotKey();
  } catch {
    return false;
  }
}

if (process.argv.includes('--if-stale') && isFresh()) {
  process.exit(0);
}
writeSnapshot().then(
  ({ bytes }) => {
    console.log(`python snapshot: ${(bytes / 1e6).toFixed(1)} MB`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error('cannot build the python snapshot:', error);
    process.exit(1);
  },
);
