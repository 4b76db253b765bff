// The write lock taken at a transaction's first write (begin({ lockOnFirstWrite })), in one process with two
// handles of one file: a transaction that only reads never takes the lock (nor waits for it), the first write
// takes it and catches up with what others committed meanwhile (journal entries replayed, or a file another
// handle checkpointed reloaded, with the open savepoints kept), nothing of either side is lost, a rollback
// after catching up keeps the others' commits, and a lock that stays held fails the write and the
// transaction's later writes alike; and, over random interleavings of two handles' runs (with checkpoints),
// every committed document is in the file and every run reads every commit made before it began.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, test } from 'node:test';
import { DataService } from '../../runtime/cocobase/dataService';
import { DatabaseLockedError } from '../../runtime/store/store';
import { openHarness, type Harness } from './support';

const lockOf = (file: string): string => `${file}.cloudfn-lock`;
const lazily = { lockOnFirstWrite: true };

/** Two handles of one saved database file. */
async function twoHandles(): Promise<[Harness, Harness]> {
  const a = await openHarness();
  a.store.save();
  return [a, await openHarness(a.file)];
}

/** One committed, saved run of `h` (the lock taken at begin, as the CLI's commands do). */
function commitRun(h: Harness, body: () => void): void {
  h.store.begin();
  body();
  h.store.commit();
  h.store.save();
}

const titles = (h: Harness, collection: string): string[] =>
  (h.call('get_documents', { collection }) as Array<{ data: { title: string } }>).map((doc) => doc.data.title).sort();

describe('the write lock at the first write', () => {
  test('a transaction that only reads never takes the lock, even while another handle holds it', async () => {
    const [a, b] = await twoHandles();
    commitRun(b, () => b.call('create_document', { collection: 'posts', data: { title: 'one' } }));
    b.store.begin();
    assert.ok(fs.existsSync(lockOf(a.file)));
    let waited = false;
    a.store.begin({ ...lazily, onLockWait: () => { waited = true; } });
    assert.deepEqual(titles(a, 'posts'), ['one']);
    a.call('execute_raw_query', { query: 'SELECT count(*) AS n FROM app_users' });
    a.store.commit();
    assert.equal(a.store.dirty, false, 'a raw query on a secret table leaves nothing to save');
    assert.equal(waited, false);
    b.store.rollback();
    assert.ok(!fs.existsSync(lockOf(a.file)));
  });

  test('the first write catches up with the journal: both runs are kept, each once', async () => {
    const [a, b] = await twoHandles();
    a.store.begin(lazily);
    assert.deepEqual(titles(a, 'posts'), []);
    commitRun(b, () => b.call('create_document', { collection: 'posts', data: { title: 'from b' } }));
    assert.deepEqual(titles(a, 'posts'), [], 'before its first write, a run reads its snapshot');
    a.call('create_document', { collection: 'posts', data: { title: 'from a' } });
    assert.deepEqual(titles(a, 'posts'), ['from a', 'from b']);
    assert.ok(fs.existsSync(lockOf(a.file)), 'the lock is held from the first write');
    a.store.commit();
    a.store.save();
    assert.ok(!fs.existsSync(lockOf(a.file)));
    const fresh = await openHarness(a.file);
    assert.deepEqual(titles(fresh, 'posts'), ['from a', 'from b']);
    b.store.begin(lazily);
    assert.deepEqual(titles(b, 'posts'), ['from a', 'from b']);
    b.store.rollback();
  });

  test('a file checkpointed meanwhile is reloaded at the first write, with the open savepoints kept', async () => {
    const [a, b] = await twoHandles();
    commitRun(a, () => a.call('create_document', { collection: 'posts', data: { title: 'first' } }));
    a.store.begin(lazily);
    assert.deepEqual(titles(a, 'posts'), ['first']);
    process.env.CLOUDFN_STORE_CHECKPOINT_BYTES = '1';
    const before = fs.statSync(a.file).ino;
    try {
      commitRun(b, () => b.call('create_document', { collection: 'posts', data: { title: 'from b' } }));
    } finally {
      delete process.env.CLOUDFN_STORE_CHECKPOINT_BYTES;
    }
    assert.notEqual(fs.statSync(a.file).ino, before, 'b folded the journal into a new file');
    a.store.atomically(() => {
      a.store.atomically(() => a.call('create_document', { collection: 'posts', data: { title: 'from a' } }));
      assert.throws(() => a.store.atomically(() => {
        a.call('create_document', { collection: 'posts', data: { title: 'undone' } });
        throw new Error('undo this unit');
      }), /undo this unit/);
    });
    a.store.commit();
    a.store.save();
    assert.deepEqual(titles(await openHarness(a.file), 'posts'), ['first', 'from a', 'from b']);
  });

  test('prepareToWrite takes the lock ahead of an operation; a rollback after catching up keeps the others\' commits', async () => {
    const [a, b] = await twoHandles();
    a.store.begin(lazily);
    commitRun(b, () => b.call('create_document', { collection: 'posts', data: { title: 'from b' } }));
    a.store.prepareToWrite();
    assert.ok(fs.existsSync(lockOf(a.file)));
    assert.deepEqual(titles(a, 'posts'), ['from b']);
    a.call('create_document', { collection: 'posts', data: { title: 'rolled back' } });
    a.store.rollback();
    assert.ok(!fs.existsSync(lockOf(a.file)));
    assert.deepEqual(titles(a, 'posts'), ['from b']);
    commitRun(a, () => a.call('create_document', { collection: 'posts', data: { title: 'from a' } }));
    commitRun(b, () => b.call('create_document', { collection: 'posts', data: { title: 'b again' } }));
    assert.deepEqual(titles(await openHarness(a.file), 'posts'), ['b again', 'from a', 'from b']);
  });

  test('a read that writes after all (an automatic index) takes the lock at that statement, and saves the index', async () => {
    const [a, b] = await twoHandles();
    commitRun(b, () => b.call('create_document', { collection: 'posts', data: { title: 'one', rank: 1 } }));
    const indexes = (h: Harness): number => Number(h.store.value("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name GLOB 'auto_doc_*'"));
    const before = indexes(a);
    a.store.begin(lazily);
    assert.ok(!fs.existsSync(lockOf(a.file)));
    assert.equal(a.call('get_documents', { collection: 'posts', filters: { rank: 1 } }).length, 1);
    assert.ok(fs.existsSync(lockOf(a.file)), 'the index\'s CREATE took the lock');
    a.store.commit();
    a.store.save();
    assert.equal(indexes(await openHarness(a.file)), before + 1);
  });

  test('every read-only operation is one the data service knows', () => {
    for (const operation of DataService.readOperations) assert.ok(DataService.operations.includes(operation), operation);
  });

  test('a lock held too long fails the first write and every later one; reads go on; nothing is written', async () => {
    const [a, b] = await twoHandles();
    b.store.begin();
    const waits: boolean[] = [];
    a.store.begin({ ...lazily, lockWaitMs: 50, onLockWait: (waiting) => waits.push(waiting) });
    // b is another handle of this very thread: the wait would never end, so the lock fails at once.
    assert.throws(() => a.call('create_document', { collection: 'posts', data: { title: 'lost' } }), DatabaseLockedError);
    assert.ok(a.store.lockFailure instanceof DatabaseLockedError);
    assert.throws(() => a.store.prepareToWrite(), DatabaseLockedError);
    assert.deepEqual(titles(a, 'posts'), []);
    a.store.rollback();
    assert.equal(a.store.lockFailure, undefined);
    b.store.rollback();
    assert.deepEqual(waits, []);
    commitRun(a, () => a.call('create_document', { collection: 'posts', data: { title: 'later' } }));
    assert.deepEqual(titles(await openHarness(a.file), 'posts'), ['later']);
  });

  test('random interleavings of two handles: every commit is in the file, each run sees the commits before it', async () => {
    type Command = { handle: 0 | 1; kind: 'begin' | 'write' | 'commit' | 'rollback'; checkpoint: boolean };
    const command = fc.record({
      handle: fc.constantFrom(0 as const, 1 as const),
      kind: fc.constantFrom('begin' as const, 'write' as const, 'write' as const, 'commit' as const, 'rollback' as const),
      checkpoint: fc.boolean(),
    });
    await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 12, maxLength: 40 }), async (commands: Command[]) => {
      const handles = await twoHandles();
      const state = handles.map(() => ({ open: false, wrote: [] as string[], failed: false }));
      const committed = new Set<string>();
      let next = 0;
      const seen = (h: Harness): Set<string> => new Set(titles(h, 'docs'));
      for (const { handle, kind, checkpoint } of commands) {
        const h = handles[handle]!;
        const own = state[handle]!;
        const other = state[1 - handle]!;
        if (kind === 'begin') {
          if (own.open) continue;
          h.store.begin(lazily);
          Object.assign(own, { open: true, wrote: [], failed: false });
          assert.deepEqual(seen(h), committed, 'a run begins on every commit made before it');
        } else if (kind === 'write') {
          if (!own.open) continue;
          const title = `doc-${next++}`;
          const otherHolds = other.open && other.wrote.length > 0;
          if (own.failed || (own.wrote.length === 0 && otherHolds)) {
            assert.throws(() => h.call('create_document', { collection: 'docs', data: { title } }), DatabaseLockedError);
            own.failed = true;
            continue;
          }
          const firstWrite = own.wrote.length === 0;
          h.call('create_document', { collection: 'docs', data: { title } });
          own.wrote.push(title);
          if (firstWrite) {
            for (const title of committed) assert.ok(seen(h).has(title), `the first write caught up with ${title}`);
          }
        } else if (!own.open) {
          continue;
        } else if (kind === 'commit' && !own.failed) {
          h.store.commit();
          if (checkpoint) process.env.CLOUDFN_STORE_CHECKPOINT_BYTES = '1';
          try {
            h.store.save();
          } finally {
            delete process.env.CLOUDFN_STORE_CHECKPOINT_BYTES;
          }
          for (const title of own.wrote) committed.add(title);
          own.open = false;
        } else {
          h.store.rollback();
          own.open = false;
        }
      }
      for (const [i, h] of handles.entries()) if (state[i]!.open) h.store.rollback();
      const fresh = await openHarness(handles[0]!.file);
      assert.deepEqual(new Set(titles(fresh, 'docs')), committed);
      for (const h of [...handles, fresh]) h.store.close();
    }), { numRuns: 60 });
  });
});
