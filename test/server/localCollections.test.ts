// Collection names, field keys and app users' data keys from a real local database file (made with
// `cloudfn db import`): reading them, re-reading on an mtime change, no names for a missing or unreadable file,
// and `cloudfn check --db` (collections, and fields for misspelt query operators).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCollections, readCollectionNames, readLocalSchema } from '../../server/localCollections';

const repoRoot = path.join(__dirname, '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-collections-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Writes a fixture with these collections (and documents with these data, and app users with these data) and
 * imports it into a database file.
 */
function makeDatabase(file: string, names: string[], data: Record<string, object[]> = {}, users: object[] = []): void {
  const fixture = path.join(dir, `${path.basename(file)}.json`);
  const stamp = '2026-01-01T00:00:00Z';
  fs.writeFileSync(fixture, JSON.stringify({
    format: 'cloudfn-fixture', version: 1,
    app_users: users.map((fields, index) => ({ id: `user-${index}`, email: `u${index}@example.com`, data: fields, roles: [], created_at: stamp })),
    collections: names.map((name) => ({ name, webhook_url: null, documents: (data[name] ?? []).map((fields, index) => ({
      id: `${name}-${index}`, data: fields, created_at: stamp, updated_at: stamp })) })),
  }));
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/cloudfn.js'), 'db', 'import', fixture, '--db', file], { stdio: 'ignore' });
}

const database = path.join(dir, 'local.db');
makeDatabase(database, ['users', 'orders']);

const cases: Array<{ name: string; file: string; expected: string[] | undefined }> = [
  { name: 'an imported database', file: database, expected: ['orders', 'users'] },
  { name: 'a missing file', file: path.join(dir, 'missing.db'), expected: undefined },
  { name: 'a file that is not a database', file: path.join(dir, 'garbage.db'), expected: undefined },
];
fs.writeFileSync(path.join(dir, 'garbage.db'), 'this is not sqlite');

for (const { name, file, expected } of cases) {
  test(`collection names of ${name}`, async () => {
    const names = await readCollectionNames(file);
    assert.deepEqual(names && [...names].sort(), expected);
  });
}

test('field keys of each collection: top-level keys and dotted keys one level down, no array items', async () => {
  const file = path.join(dir, 'fields.db');
  makeDatabase(file, ['users', 'orders', 'empty'], {
    users: [{ name: 'Ann', address: { city: 'Oslo', geo: { lat: 1 }, zip_code: '1' } }, { name: 'Bo', tags: ['a', 'b'], 'odd key': 1 }],
    orders: [{ total: 3, user_id: 'u1', 'ship-to': 'x' }],
  });
  const schema = await readLocalSchema(file);
  assert.deepEqual(Object.fromEntries(schema!.fields!), {
    users: ['address', 'address.city', 'address.geo', 'address.zip_code', 'name', 'tags'],
    orders: ['ship-to', 'total', 'user_id'],
  });
});

test('field keys of the app users\' data, spelled like collection fields', async () => {
  const file = path.join(dir, 'users.db');
  makeDatabase(file, ['posts'], {}, [{ plan: 'pro', team_id: 't1', address: { city: 'Oslo' } }, { plan: 'free', tags: ['a'] }]);
  const schema = await readLocalSchema(file);
  assert.deepEqual(schema!.userFields, ['address', 'address.city', 'plan', 'tags', 'team_id']);
});

test('the live view re-reads the file when its mtime changes', async () => {
  const file = path.join(dir, 'live.db');
  makeDatabase(file, ['users']);
  let changes = 0;
  const live = new LocalCollections(file, () => { changes += 1; });
  await live.reload();
  assert.deepEqual([...live.current()!], ['users']);
  makeDatabase(file, ['users', 'invoices']);
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  live.current();
  const deadline = Date.now() + 5000;
  while (live.current()?.has('invoices') !== true && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
  assert.deepEqual([...live.current()!].sort(), ['invoices', 'users']);
  assert.equal(changes, 2);
});

/** Runs `cloudfn check` through the CLI bundle (it compiles in a Pyodide process; the test runner's output would mix into an in-process capture). */
async function check(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'cloudfn.js'), 'check', ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout };
}

const functionFile = path.join(dir, 'fn.py');
fs.writeFileSync(functionFile, "def main():\n    return db.get_documents('userz')\n");

test('check --db warns about a collection missing from the database, exit 0', { timeout: 60_000 }, async () => {
  assert.deepEqual(await check([functionFile, '--db', database]), {
    code: 0,
    stdout: `${functionFile}:2:29: warning unknown-collection collection 'userz' is not in the local database; did you mean 'users'?\n`,
  });
});

test('check --db with a missing database checks no collections', { timeout: 60_000 }, async () => {
  assert.deepEqual(await check([functionFile, '--db', path.join(dir, 'missing.db')]), { code: 0, stdout: '' });
});

test('check --db reads the database\'s fields for misspelt operators: a known field before a near-miss suffix', { timeout: 60_000 }, async () => {
  const file = path.join(dir, 'fields-check.db');
  makeDatabase(file, ['posts'], { posts: [{ status: 'open', title: 'x' }] });
  const source = path.join(dir, 'query.py');
  // `status_get` is flagged only when `status` is known to be a field; `title_en` never is.
  fs.writeFileSync(source, "def main():\n    return db.query('posts', status_get='open', title_en='x')\n");
  assert.deepEqual(await check([source, '--db', file]), {
    code: 0,
    stdout: `${source}:2:30: warning unknown-operator 'get' is not a query operator, so 'status_get' filters on a field of that name; did you mean 'status_gte'?\n`,
  });
  assert.deepEqual(await check([source, '--db', path.join(dir, 'missing.db')]), { code: 0, stdout: '' });
});
