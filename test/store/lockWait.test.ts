// A run's wait for the database's write lock, through the real supervisor and runtime process: the wait does
// not count against the run's time limit (the process tells the supervisor when it starts and stops waiting),
// a wait longer than the supervisor's lockWaitMs fails the run with a DatabaseBusyError that the function's
// own code cannot swallow, and a run that only reads never waits at all.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import { FileLock } from '../../runtime/store/fileLock';
import { runRequest } from '../helpers';
import { freshDir, openHarness } from './support';

const writer = 'def main():\n    before = db.count_documents("runs")\n    db.create_document("runs", {"n": before})\n    return before\n';
const swallowing = 'def main():\n    try:\n        db.create_document("runs", {"n": -1})\n    except Exception as error:\n        return str(error)\n    return "written"\n';
const reader = 'def main():\n    return db.count_documents("runs")\n';

/** A saved database in a folder of its own, and a lock handle on it for the test to hold. */
async function database(): Promise<{ db: string; lock: FileLock }> {
  const db = path.join(freshDir(), 'lock.db');
  const h = await openHarness(db);
  h.store.save();
  h.store.close();
  return { db, lock: new FileLock(`${db}.cloudfn-lock`) };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `events` holds `value` (polled; the runs here start within seconds). */
async function until(events: boolean[], value: boolean): Promise<void> {
  while (!events.includes(value)) await sleep(20);
}

const supervisors: PythonSupervisor[] = [];
after(async () => {
  await Promise.all(supervisors.map((supervisor) => supervisor.dispose()));
});

describe('a run waiting for the write lock', () => {
  test('the wait does not count against the time limit; a read-only run does not wait at all', async () => {
    const { db, lock } = await database();
    const events: boolean[] = [];
    const supervisor = new PythonSupervisor({ dbPath: db, onLockWait: (waiting) => events.push(waiting) });
    supervisors.push(supervisor);
    await supervisor.start();
    lock.acquire();
    let run: ReturnType<PythonSupervisor['run']>;
    try {
      const read = await supervisor.run(runRequest(reader, { timeoutMs: 1000 }));
      assert.equal(read.success, true, read.error ?? '');
      assert.deepEqual(events, [], 'a read-only run never waits for the lock');
      run = supervisor.run(runRequest(writer, { timeoutMs: 1000 }));
      await until(events, true);
      // Held for longer than the run's whole time limit after the run began waiting.
      await sleep(1500);
    } finally {
      lock.release();
    }
    const result = await run;
    assert.equal(result.success, true, result.error ?? '');
    assert.equal(result.committed, true);
    assert.deepEqual(events, [true, false]);
  });

  test('a wait longer than lockWaitMs fails the run as DatabaseBusyError, even when its code catches the error', async () => {
    const { db, lock } = await database();
    const supervisor = new PythonSupervisor({ dbPath: db, lockWaitMs: 300 });
    supervisors.push(supervisor);
    lock.acquire();
    try {
      for (const source of [writer, swallowing]) {
        const result = await supervisor.run(runRequest(source));
        assert.equal(result.success, false);
        assert.equal(result.error_type, 'DatabaseBusyError');
        assert.match(result.error ?? '', /the database is busy: the database is being written by .* the run wrote nothing/);
        assert.equal(result.committed, false);
      }
    } finally {
      lock.release();
    }
    const next = await supervisor.run(runRequest(writer));
    assert.equal(next.success, true, next.error ?? '');
    assert.equal(next.result, 0, 'nothing of the busy runs was written');
    assert.equal(next.committed, true);
  });
});
