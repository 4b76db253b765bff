// The Store and its file: new files, dirty tracking, transactions, atomic saves, reloads after another
// process wrote the file, and files that are not ours (left byte for byte unchanged).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { defaultProject, schemaVersion } from '../../runtime/store/schema';
import { loadSqlJs } from '../../runtime/store/sqlite';
import { DatabaseFileError, Store } from '../../runtime/store/store';
import { freshDir, openHarness } from './support';

const newFile = (): string => path.join(freshDir(), 'nested', 'folder', 'db.sqlite');

describe('new databases', () => {
  test('a missing file is a new database, written on the first save into new folders', async () => {
    const h = await openHarness(newFile());
    assert.ok(!fs.existsSync(h.file));
    assert.ok(h.store.dirty, 'the schema of a new file is unsaved');
    assert.equal(h.store.projectId, defaultProject.id);
    assert.equal(h.store.value("SELECT value FROM meta WHERE key = 'schema_version'"), String(schemaVersion));
    assert.equal(h.store.value('SELECT name FROM projects'), 'Local project');
    h.store.save();
    assert.ok(fs.existsSync(h.file));
    assert.ok(!h.store.dirty);
    assert.deepEqual(fs.readdirSync(path.dirname(h.file)), ['db.sqlite'], 'no temporary file is left behind');
  });

  test('an empty file is a new database too', async () => {
    const file = newFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    const store = await Store.open(file);
    assert.equal(store.projectId, defaultProject.id);
  });
});

describe('dirty, transactions and saving', () => {
  test('writes make the store dirty; a save cleans it; the data survives reopening', async () => {
    const h = await openHarness(newFile());
    h.store.save();
    h.store.begin();
    const doc = h.call('create_document', { collection: 'users', data: { name: 'John' } });
    h.store.commit();
    assert.ok(h.store.dirty);
    h.store.save();
    assert.ok(!h.store.dirty);
    // Prepared statements are reused after an export.
    assert.equal(h.call('get_document', { collection: 'users', document_id: doc.id }).data.name, 'John');
    const reopened = await openHarness(h.file);
    assert.ok(!reopened.store.dirty);
    assert.deepEqual(reopened.call('get_document', { collection: 'users', document_id: doc.id }), doc);
  });

  test('a rollback undoes the run and leaves a clean store clean', async () => {
    const h = await openHarness(newFile());
    h.store.save();
    h.store.begin();
    h.call('create_document', { collection: 'users', data: { name: 'John' } });
    h.call('count_documents', { collection: 'users', filters: { name: 'John' } });
    h.store.rollback();
    assert.ok(!h.store.dirty);
    assert.deepEqual(h.call('get_collections'), []);
    h.store.rollback();
  });

  test('a rollback keeps earlier unsaved changes marked', async () => {
    const h = await openHarness(newFile());
    h.call('create_document', { collection: 'users', data: {} });
    h.store.begin();
    h.call('create_document', { collection: 'users', data: {} });
    h.store.rollback();
    assert.ok(h.store.dirty);
    assert.equal(h.call('count_documents', { collection: 'users' }), 1);
  });

  test('misuse of transactions is refused', async () => {
    const h = await openHarness(newFile());
    assert.throws(() => h.store.commit(), /no transaction is open/);
    h.store.begin();
    assert.throws(() => h.store.begin(), /already open/);
    assert.throws(() => h.store.save(), /transaction is open/);
    assert.throws(() => h.store.reset(), /transaction is open/);
    h.store.commit();
  });

  test('reset starts over with an empty database', async () => {
    const h = await openHarness(newFile());
    h.call('create_document', { collection: 'users', data: {} });
    h.store.save();
    h.store.reset();
    assert.ok(h.store.dirty);
    assert.deepEqual(h.call('get_collections'), []);
    assert.equal(h.store.projectId, defaultProject.id);
    h.store.save();
    assert.deepEqual((await openHarness(h.file)).call('get_collections'), []);
  });

  test('the prepared statement cache frees old statements and keeps working', async () => {
    const h = await openHarness(newFile());
    for (let i = 0; i < 600; i++) assert.equal(h.store.value(`SELECT ${i} + ?`, [1]), i + 1);
    assert.equal(h.call('count_app_users'), 0);
  });
});

describe('reloading', () => {
  test('another process saving the file makes the store reload it', async () => {
    const first = await openHarness(newFile());
    first.store.save();
    assert.equal(first.store.reloadIfChangedOnDisk(), false);
    const second = await openHarness(first.file);
    second.call('create_document', { collection: 'users', data: { from: 'second' } });
    second.call('count_documents', { collection: 'users', filters: { from: 'second' } });
    second.store.save();
    assert.equal(first.store.reloadIfChangedOnDisk(), true);
    assert.equal(first.call('count_documents', { collection: 'users', filters: { from: 'second' } }), 1);
    assert.equal(first.store.reloadIfChangedOnDisk(), false);
  });

  test('a file that became unreadable is refused and the loaded database kept', async () => {
    const h = await openHarness(newFile());
    h.call('create_document', { collection: 'users', data: {} });
    h.store.save();
    const junk = randomBytes(8192);
    fs.writeFileSync(h.file, junk);
    assert.throws(() => h.store.reloadIfChangedOnDisk(), DatabaseFileError);
    assert.equal(h.call('count_documents', { collection: 'users' }), 1);
    assert.deepEqual(fs.readFileSync(h.file), junk);
  });

  test('a deleted file means a new, empty database', async () => {
    const h = await openHarness(newFile());
    h.call('create_document', { collection: 'users', data: {} });
    h.store.save();
    fs.rmSync(h.file);
    assert.equal(h.store.reloadIfChangedOnDisk(), true);
    assert.deepEqual(h.call('get_collections'), []);
  });
});

describe('files that are not ours are refused and left unchanged', () => {
  /** A saved cloudfn database with enough documents to span many pages. */
  const savedDatabase = async (): Promise<Buffer> => {
    const h = await openHarness(newFile());
    for (let i = 0; i < 300; i++) h.call('create_document', { collection: 'users', data: { i, text: 'x'.repeat(100) } });
    h.store.save();
    return fs.readFileSync(h.file);
  };
  const foreignDatabase = async (): Promise<Buffer> => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    db.run('INSERT INTO invoices (total) VALUES (12.5)');
    return Buffer.from(db.export());
  };
  const newerDatabase = async (): Promise<Buffer> => {
    const h = await openHarness(newFile());
    h.store.run("UPDATE meta SET value = '999' WHERE key = 'schema_version'");
    h.store.save();
    return fs.readFileSync(h.file);
  };
  // [what the file is, its bytes, the reason in the message].
  const cases: [string, () => Promise<Buffer>, RegExp][] = [
    ['random bytes', async () => randomBytes(4096), /file is not a database/],
    ['a text file', async () => Buffer.from('name,total\nbob,12\n'), /file is not a database/],
    ['a SQLite header and nothing else', async () => Buffer.from('SQLite format 3\0'.padEnd(100, '\0'), 'latin1'), /file is not a database/],
    ['a truncated database (half of its pages)', async () => {
      const bytes = await savedDatabase();
      return bytes.subarray(0, (bytes.length / 2) - ((bytes.length / 2) % 4096));
    }, /truncated/],
    ['a truncated database (cut inside a page)', async () => (await savedDatabase()).subarray(0, 10_000), /truncated or damaged/],
    ['a database with a damaged page', async () => {
      const bytes = Buffer.from(await savedDatabase());
      randomBytes(4096).copy(bytes, 4096 * 3);
      return bytes;
    }, /the file is damaged \(database disk image is malformed\)/],
    ['another application\'s SQLite database', foreignDatabase, /SQLite database, but not a cloudfn one/],
    ['a database from a newer cloudfn', newerDatabase, /newer cloudfn \(schema version 999/],
  ];
  for (const [what, bytesOf, reason] of cases) {
    test(what, async () => {
      const dir = freshDir();
      const file = path.join(dir, 'db.sqlite');
      const bytes = await bytesOf();
      fs.writeFileSync(file, bytes);
      await assert.rejects(Store.open(file), (error: unknown) => {
        assert.ok(error instanceof DatabaseFileError, String(error));
        assert.match(error.message, new RegExp(`^cannot read database ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
        assert.match(error.message, reason);
        assert.match(error.message, /\(left unchanged\)$/);
        return true;
      });
      assert.deepEqual(fs.readFileSync(file), bytes);
      assert.deepEqual(fs.readdirSync(dir), ['db.sqlite']);
    });
  }

  test('a folder', async () => {
    const dir = freshDir();
    await assert.rejects(Store.open(dir), /cannot read database .*: it is a folder, not a file \(left unchanged\)/);
  });

  test('createEmpty ignores such a file until its first save replaces it', async () => {
    const file = path.join(freshDir(), 'db.sqlite');
    fs.writeFileSync(file, 'not a database');
    const store = await Store.createEmpty(file);
    assert.equal(fs.readFileSync(file, 'utf8'), 'not a database');
    store.save();
    assert.equal((await Store.open(file)).projectId, defaultProject.id);
  });
});
