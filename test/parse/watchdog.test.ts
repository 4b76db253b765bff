// The event-loop watchdog judges by the main thread's CPU time: a thread that spins after going back to the
// event loop's callbacks is stopped, one that is blocked (Atomics.wait, which uses no CPU, standing for a
// thread descheduled on a loaded machine) for longer than the limit is not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../helpers';

const watchdog = path.join(repoRoot, 'runtime', 'parse', 'watchdog.ts');

/**
 * Runs `main` (a timer callback) in a child process with a watchdog of 0.2 s (a stop after 0.7 s with the
 * grace) and gives how many stops there were once the event loop is free again. The child loads the
 * TypeScript through tsx's require (not `--import tsx`, which its watcher thread would inherit and which
 * needs the main thread to start).
 */
function stopsAfter(main: string): number {
  const script = `
const { watchEventLoop, loopStops } = require('tsx/cjs/api').require(${JSON.stringify(watchdog)}, ${JSON.stringify(__filename)});
watchEventLoop(200);
setTimeout(() => { ${main} }, 200);
setTimeout(() => setTimeout(() => { console.log(loopStops()); process.exit(0); }, 200), 250);
`;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  return Number(child.stdout.trim());
}

test('JavaScript that spins in a timer is stopped and the event loop goes on', () => {
  assert.equal(stopsAfter('for (;;);'), 1);
});

test('a main thread blocked without using CPU for longer than the limit is not stopped', () => {
  assert.equal(stopsAfter('Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);'), 0);
});
