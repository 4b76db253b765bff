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

const limits: { name: string; source: string; errorType: string; timeoutMs?: number; withinMs: number }[] = [
  { name: 'a Python loop is interrupted at the time limit', source: 'def main():\n    db.create_document("t", {"x": 1})\n    while True:\n        pass', errorType: 'TimeoutError', timeoutMs: 500, withinMs: 3_000 },
  { name: 'C-level work is terminated at the time limit', source: 'def main():\n    return sum(range(10**13))', errorType: 'TimeoutError', timeoutMs: 500, withinMs: 8_000 },
  { name: 'code that swallows the interrupt is terminated', source: 'def main():\n    while True:\n        try:\n            while True:\n                pass\n        except:\n            pass', errorType: 'TimeoutError', timeoutMs: 500, withinMs: 8_000 },
  { name: 'a single allocation above the memory limit fails at once', source: 'def main():\n    return len(bytearray(2_000_000_000))', errorType: 'MemoryError', withinMs: 2_000 },
  { name: 'a memory bomb is stopped at the memory limit', source: 'def main():\n    hoard = []\n    while True:\n        hoard.append("x" * 1000000 + str(len(hoard)))', errorType: 'MemoryError', withinMs: 15_000 },
  { name: 'deep recursion is a RecursionError', source: 'def down(n):\n    return down(n + 1)\ndef main():\n    return down(0)', errorType: 'RecursionError', withinMs: 8_000 },
  { name: 'a huge string is refused at once', source: 'def main():\n    return len("a" * 10**10)', errorType: 'OverflowError', withinMs: 3_000 },
];

test('the first run creates a document the limits tests count', async () => {
  const result = await supervisor.run(runRequest('def main():\n    return db.create_document("t", {"x": 0})["data"]'));
  assert.deepEqual(result.result, { x: 0 });
});

for (const limit of limits) {
  test(limit.name, async () => {
    const started = performance.now();
    const result = await supervisor.run(runRequest(limit.source, { timeoutMs: limit.timeoutMs ?? 20_000 }));
    const elapsed = performance.now() - started;
    assert.equal(result.success, false);
    assert.equal(result.error_type, limit.errorType, `${result.error}`);
    assert.ok(elapsed < limit.withinMs, `stopped after ${elapsed.toFixed(0)} ms`);
    assert.equal(result.committed, false);
    await assertNextRunWorks();
  });
}

test('with a 64 MB limit, bytearray(2_000_000_000) is a MemoryError at once; 40 MB fit, and the runtime is reused', async () => {
  const small = new PythonSupervisor({ dbPath: path.join(dir, 'small.db'), memoryLimitMb: 64 });
  try {
    await small.start();
    const started = performance.now();
    const result = await small.run(runRequest('def main():\n    data = bytearray(2_000_000_000)\n    return len(data)'));
    assert.ok(performance.now() - started < 2_000, `stopped after ${(performance.now() - started).toFixed(0)} ms`);
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
