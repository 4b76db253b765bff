// Limits of a run: the time limit stops Python loops (interrupt) and C-level work (kill, fresh process),
// Pyodide's memory cap (and the watchdog behind it) stops memory bombs and single huge allocations at once,
// deep recursion is a RecursionError — and the next run works.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import { runRequest, tempDir } from '../helpers';

const dir = tempDir();
let supervisor: PythonSupervisor;
before(async () => {
  supervisor = new PythonSupervisor({ dbPath: path.join(dir, 'limits.db'), memoryLimitMb: 256 });
  await supervisor.start();
});
after(() => supervisor.dispose());

async function assertNextRunWorks(): Promise<void> {
  const result = await supervisor.run(runRequest('def main():\n    return {"ok": db.count_documents("t")}'));
  assert.equal(result.error, null);
  assert.deepEqual(result.result, { ok: 1 });
}

const limits: { name: string; source: string; errorType: string; timeoutMs?: number }[] = [
  { name: 'a Python loop is interrupted at the time limit', source: 'def main():\n    db.create_document("t", {"x": 1})\n    while True:\n        pass', errorType: 'TimeoutError', timeoutMs: 500 },
  { name: 'C-level work is terminated at the time limit', source: 'def main():\n    return sum(range(10**13))', errorType: 'TimeoutError', timeoutMs: 500 },
  { name: 'code that swallows the interrupt is terminated', source: 'def main():\n    while True:\n        try:\n            while True:\n                pass\n        except:\n            pass', errorType: 'TimeoutError', timeoutMs: 500 },
  { name: 'a single allocation above the memory limit fails at once', source: 'def main():\n    return len(bytearray(2_000_000_000))', errorType: 'MemoryError' },
  { name: 'a memory bomb is stopped at the memory limit', source: 'def main():\n    hoard = []\n    while True:\n        hoard.append("x" * 1000000 + str(len(hoard)))', errorType: 'MemoryError' },
  { name: 'deep recursion is a RecursionError', source: 'def down(n):\n    return down(n + 1)\ndef main():\n    return down(0)', errorType: 'RecursionError' },
  { name: 'a huge string is refused at once', source: 'def main():\n    return len("a" * 10**10)', errorType: 'OverflowError' },
];

test('the first run creates a document the limits tests count', async () => {
  const result = await supervisor.run(runRequest('def main():\n    return db.create_document("t", {"x": 0})["data"]'));
  assert.deepEqual(result.result, { x: 0 });
});

for (const limit of limits) {
  test(limit.name, async () => {
    const result = await supervisor.run(runRequest(limit.source, { timeoutMs: limit.timeoutMs ?? 20_000 }));
    assert.equal(result.success, false);
    assert.equal(result.error_type, limit.errorType, `${result.error}`);
    // Which limit stopped it, not how fast (speed is the bench's): a time limit names itself.
    if (limit.timeoutMs) assert.match(result.error!, /within its 0\.50 s time limit/);
    assert.equal(result.committed, false);
    await assertNextRunWorks();
  });
}

test('with a 64 MB limit, bytearray(2_000_000_000) is a MemoryError at once; 40 MB fit, and the runtime is reused', async () => {
  const small = new PythonSupervisor({ dbPath: path.join(dir, 'small.db'), memoryLimitMb: 64 });
  try {
    await small.start();
    const result = await small.run(runRequest('def main():\n    data = bytearray(2_000_000_000)\n    return len(data)'));
    assert.equal(result.error_type, 'MemoryError', `${result.error}`);
    assert.match(result.error!, /memory limit/);
    assert.equal(result.error_line, 2);
    for (let round = 0; round < 3; round++) {
      const fits = await small.run(runRequest('def main():\n    return len(bytearray(40_000_000))'));
      assert.equal(fits.result, 40_000_000, `${fits.error}`);
    }
  } finally {
    await small.dispose();
  }
});

test('a time limit the process reaches before the supervisor\'s timer runs (a busy host) names the limit all the same', async () => {
  const running = supervisor.run(runRequest('def main():\n    while True:\n        pass', { timeoutMs: 300 }));
  // A timer callback holds the host's thread past the deadline: the process interrupts itself meanwhile, and
  // its result is read (the poll phase) before the supervisor's deadline timer runs (the next timers phase).
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_500), 100);
  const result = await running;
  assert.equal(result.error_type, 'TimeoutError');
  assert.match(result.error!, /within its 0\.30 s time limit/);
});
