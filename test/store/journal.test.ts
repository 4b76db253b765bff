// The journal and the file around it, in one process: a run's save appends one entry instead of rewriting
// the file, other handles replay it (inserts, updates, deletes, REPLACE and new indexes alike), a torn or
// foreign tail is ignored, a large journal is folded into the file; and the file stays the user's (mode,
// symlink, leftovers of dead processes, stale locks).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { releaseLockOfDeadProcess } from '../../runtime/store/fileLock';
import { DatabaseLockedError, Store } from '../../runtime/store/store';
import { freshDir, openHarness, type Harness } from './support';

const journalOf = (file: string): string => `${file}.cloudfn-journal`;
const lockOf = (file: string): string => `${file}.cloudfn-lock`;

/** Runs `body` as one run of `h`: begin, body, commit, save. */
function inRun<T>(h: Harness, body: () => T): T {
  h.store.begin();
  const result = body();
  h.store.commit();
  h.store.save();
  return result;
}

/** Every row of every table, to compare two handles' databases. */
function dump(h: Harness): unknown {
  const tables = h.store.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((row) => String(row[0]));
  return Object.fromEntries(tables.map((table) => [table, h.store.rows(`SELECT rowid, * FROM "${table}" ORDER BY rowid`)]));
}

/** A pid that no process has: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

async function savedHarness(): Promise<Harness> {
  const h = await openHarness();
  h.store.save();
  return h;
}

describe('the journal', () => {
  test('a run is appended to the journal; the database file is not rewritten', async () => {
    const h = await savedHarness();
    const before = fs.statSync(h.file);
    inRun(h, () => h.call('create_document', { collection: 'users', data: { name: 'Ann' } }));
    const after = fs.statSync(h.file);
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.ok(fs.statSync(journalOf(h.file)).size > 0);
    assert.ok(!fs.existsSync(lockOf(h.file)), 'the lock is released after the save');
    const reopened = await openHarness(h.file);
    assert.equal(reopened.call('count_documents', { collection: 'users', filters: { name: 'Ann' } }), 1);
  });

  test('another handle replays inserts, updates, deletes, REPLACE and new indexes before its run', async () => {
    const a = await savedHarness();
    const b = await openHarness(a.file);
    const ids = inRun(a, () => [1, 2, 3].map((i) => a.call('create_document', { collection: 'items', data: { i } }).id as string));
    inRun(a, () => {
      a.call('update_document', { collection: 'items', document_id: ids[0], data: { i: 10 } });
      a.call('delete_document', { collection: 'items', document_id: ids[1] });
      a.call('create_app_user', { email: 'x@example.com', password: 'secret-1', data: {} });
      a.call('get_documents', { collection: 'items', filters: { i: 3 } });
      a.store.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('note', 'one')");
    });
    inRun(a, () => a.store.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('note', 'two')"));
    b.store.begin();
    assert.deepEqual(dump(b), dump(a));
    const indexes = (h: Harness): unknown => h.store.rows("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name");
    assert.deepEqual(indexes(b), indexes(a));
    b.call('create_document', { collection: 'items', data: { i: 4 } });
    b.store.commit();
    b.store.save();
    assert.equal(a.store.reloadIfChangedOnDisk(), true);
    assert.deepEqual(dump(a), dump(b));
    assert.deepEqual(dump(await openHarness(a.file)), dump(b));
  });

  test('a torn tail is ignored, and cut off by the next save', async () => {
    const h = await savedHarness();
    inRun(h, () => h.call('create_document', { collection: 'items', data: { n: 1 } }));
    const journal = journalOf(h.file);
    const whole = fs.readFileSync(journal);
    fs.appendFileSync(journal, whole.subarray(0, whole.length - 5));
    const reader = await openHarness(h.file);
    assert.equal(reader.call('count_documents', { collection: 'items' }), 1);
    inRun(reader, () => reader.call('create_document', { collection: 'items', data: { n: 2 } }));
    assert.equal((await openHarness(h.file)).call('count_documents', { collection: 'items' }), 2);
    assert.ok(h.store.reloadIfChangedOnDisk());
    assert.equal(h.call('count_documents', { collection: 'items' }), 2);
  });

  test('a damaged entry ends the journal: later entries are not applied', async () => {
    const h = await savedHarness();
    inRun(h, () => h.call('create_document', { collection: 'items', data: { n: 1 } }));
    inRun(h, () => h.call('create_document', { collection: 'items', data: { n: 2 } }));
    const journal = journalOf(h.file);
    const bytes = fs.readFileSync(journal);
    const flipAt = bytes.indexOf('"n":1');
    bytes[flipAt + 4] = '7'.charCodeAt(0);
    fs.writeFileSync(journal, bytes);
    assert.equal((await openHarness(h.file)).call('count_documents', { collection: 'items' }), 0);
  });

  test('a large journal is folded into the database file, and the journal removed', async () => {
    const h = await savedHarness();
    // The file's bytes, not its inode: a checkpoint's new file may reuse the inode an earlier one freed.
    const before = fs.readFileSync(h.file);
    process.env.CLOUDFN_STORE_CHECKPOINT_BYTES = '2000';
    try {
      for (let i = 0; i < 8; i++) inRun(h, () => h.call('create_document', { collection: 'items', data: { i, text: 'x'.repeat(300) } }));
    } finally {
      delete process.env.CLOUDFN_STORE_CHECKPOINT_BYTES;
    }
    assert.ok(!fs.readFileSync(h.file).equals(before), 'the file was rewritten');
    assert.ok(!fs.existsSync(journalOf(h.file)) || fs.statSync(journalOf(h.file)).size < 2000);
    assert.equal((await openHarness(h.file)).call('count_documents', { collection: 'items' }), 8);
  });

  test('a journal left from before a checkpoint (crash before its removal) is ignored', async () => {
    const h = await savedHarness();
    inRun(h, () => h.call('create_document', { collection: 'items', data: {} }));
    const stale = fs.readFileSync(journalOf(h.file));
    h.store.reset();
    h.store.save();
    fs.writeFileSync(journalOf(h.file), stale);
    const reopened = await openHarness(h.file);
    assert.deepEqual(reopened.call('get_collections'), []);
    inRun(reopened, () => reopened.call('create_document', { collection: 'fresh', data: {} }));
    assert.deepEqual((await openHarness(h.file)).call('get_collections').map((c: { name: string }) => c.name), ['fresh']);
  });

  test('unsaved changes made outside a run lose to another handle\'s save, and saying so', async () => {
    const a = await savedHarness();
    const b = await openHarness(a.file);
    a.call('create_document', { collection: 'items', data: { from: 'a' } });
    inRun(b, () => b.call('create_document', { collection: 'items', data: { from: 'b' } }));
    assert.throws(() => a.store.save(), /another process wrote the database/);
    assert.deepEqual(a.call('get_documents', { collection: 'items' }).map((d: { data: { from: string } }) => d.data.from), ['b']);
  });
});

describe('the file stays the user\'s', () => {
  test('mode: a 0600 database stays 0600, and so does its journal', async () => {
    const h = await savedHarness();
    fs.chmodSync(h.file, 0o600);
    inRun(h, () => h.call('create_document', { collection: 'items', data: {} }));
    assert.equal(fs.statSync(journalOf(h.file)).mode & 0o777, 0o600);
    h.store.reset();
    h.store.save();
    assert.equal(fs.statSync(h.file).mode & 0o777, 0o600);
  });

  test('symlink: written through to its target, the link kept, the journal beside the target', async () => {
    const dir = freshDir();
    const target = path.join(dir, 'real', 'data.db');
    const link = path.join(dir, 'link.db');
    const h = await openHarness(target);
    h.store.save();
    fs.symlinkSync(path.relative(dir, target), link);
    const viaLink = await openHarness(link);
    inRun(viaLink, () => viaLink.call('create_document', { collection: 'items', data: {} }));
    viaLink.store.reset();
    viaLink.store.save();
    inRun(viaLink, () => viaLink.call('create_document', { collection: 'after', data: {} }));
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.ok(fs.existsSync(journalOf(target)));
    assert.ok(!fs.existsSync(journalOf(link)));
    assert.deepEqual((await openHarness(target)).call('get_collections').map((c: { name: string }) => c.name), ['after']);
  });

  test('leftovers: temporary files of dead processes are removed at open, a live one\'s kept', async () => {
    const h = await savedHarness();
    const dead = `${h.file}.tmp-${deadPid()}-abcdef012345`;
    const live = `${h.file}.tmp-${process.ppid}-abcdef012345`;
    fs.writeFileSync(dead, 'partial');
    fs.writeFileSync(live, 'being written');
    await Store.open(h.file);
    assert.ok(!fs.existsSync(dead));
    assert.ok(fs.existsSync(live));
  });

  test('locks: a dead process\'s lock is broken; a live one is waited for, then named', async () => {
    const h = await savedHarness();
    fs.writeFileSync(lockOf(h.file), JSON.stringify({ host: (await import('node:os')).hostname(), pid: deadPid(), thread: 0, token: 'dead' }));
    inRun(h, () => h.call('create_document', { collection: 'items', data: {} }));
    assert.ok(!fs.existsSync(lockOf(h.file)));
    fs.writeFileSync(lockOf(h.file), JSON.stringify({ host: (await import('node:os')).hostname(), pid: process.ppid, thread: 0, token: 'live' }));
    process.env.CLOUDFN_LOCK_TIMEOUT_MS = '150';
    try {
      assert.throws(() => h.store.begin(), (error: unknown) => error instanceof DatabaseLockedError && new RegExp(`process ${process.ppid}`).test(error.message));
    } finally {
      delete process.env.CLOUDFN_LOCK_TIMEOUT_MS;
      fs.rmSync(lockOf(h.file));
    }
    assert.equal(h.call('count_documents', { collection: 'items' }), 1);
  });

  test('locks: another handle of the same thread fails at once; an exited process\'s lock is released for it, no other', async () => {
    const a = await savedHarness();
    const b = await openHarness(a.file);
    a.store.begin();
    assert.throws(() => b.store.begin(), /another handle of this thread/);
    a.store.rollback();
    const hostname = (await import('node:os')).hostname();
    // A live pid that the runtime's supervisor knows has exited: its lock goes; another process's lock stays.
    fs.writeFileSync(lockOf(a.file), JSON.stringify({ host: hostname, pid: process.ppid, thread: 0, token: 'child' }));
    releaseLockOfDeadProcess(lockOf(a.file), process.ppid + 1);
    assert.ok(fs.existsSync(lockOf(a.file)));
    releaseLockOfDeadProcess(lockOf(a.file), process.ppid);
    assert.ok(!fs.existsSync(lockOf(a.file)));
    b.store.begin();
    b.store.rollback();
  });
});
