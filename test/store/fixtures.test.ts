// Fixtures: export → import round trips, users without passwords, merging or replacing, and bad fixtures
// refused with the bad path named and nothing written.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportFixture, FixtureError, importFixture, type Fixture } from '../../runtime/store/fixtures';
import { verifyPassword } from '../../runtime/store/passwords';
import { openHarness, type Harness } from './support';

/** A database with two collections and two users. */
async function populated(): Promise<Harness> {
  const h = await openHarness();
  h.call('create_collection', { name: 'products', webhook_url: 'https://example.com/hook' });
  h.call('create_document', { collection: 'products', data: { name: 'Laptop', price: 999.5, tags: ['a'] } });
  h.call('create_document', { collection: 'products', data: { name: 'Mouse', nested: { deep: [1, { x: null }] } } });
  h.call('create_document', { collection: 'users', data: { name: 'John', active: true } });
  h.call('create_app_user', { email: 'jane@example.com', password: 'secret', data: { level: 'senior' }, roles: ['admin'] });
  h.call('create_app_user', { email: 'bob@example.com', password: 'other' });
  return h;
}

const passwordHash = (h: Harness, email: string): string =>
  h.store.value('SELECT password_hash FROM app_users WHERE email = ?', [email]) as string;

describe('export and import', () => {
  test('the export has the documented format and no passwords', async () => {
    const fixture = exportFixture((await populated()).store);
    assert.equal(fixture.format, 'cloudfn-fixture');
    assert.equal(fixture.version, 1);
    assert.deepEqual(fixture.collections.map((c) => [c.name, c.webhook_url, c.documents.length]), [['products', 'https://example.com/hook', 2], ['users', null, 1]]);
    assert.deepEqual(Object.keys(fixture.collections[0]!.documents[0]!), ['id', 'data', 'created_at', 'updated_at']);
    assert.deepEqual(fixture.app_users.map((u) => Object.keys(u)), [['id', 'email', 'data', 'roles', 'created_at'], ['id', 'email', 'data', 'roles', 'created_at']]);
    assert.doesNotMatch(JSON.stringify(fixture), /password|scrypt/);
  });

  test('round trip: importing an export into an empty database gives the same export', async () => {
    const fixture = JSON.parse(JSON.stringify(exportFixture((await populated()).store))) as Fixture;
    const target = await openHarness();
    const counts = importFixture(target.store, fixture, { replace: true });
    assert.deepEqual(counts, { collections: 2, documents: 3, app_users: 2, user_relationships: 0 });
    assert.deepEqual(exportFixture(target.store), fixture);
    // Exported users had no password: no password opens their account.
    assert.ok(!verifyPassword(passwordHash(target, 'jane@example.com'), 'secret'));
  });

  test('replace removes what the fixture does not have', async () => {
    const h = await populated();
    importFixture(h.store, { format: 'cloudfn-fixture', version: 1, collections: [{ name: 'only', documents: [{ data: { a: 1 } }] }] }, { replace: true });
    const after = exportFixture(h.store);
    assert.deepEqual(after.collections.map((c) => c.name), ['only']);
    assert.deepEqual(after.app_users, []);
  });

  test('merge keeps existing data, updates by id and keeps passwords the fixture does not set', async () => {
    const h = await populated();
    const fixture = exportFixture(h.store);
    fixture.collections[0]!.documents[0]!.data = { name: 'Laptop Pro' };
    fixture.collections[0]!.webhook_url = null;
    fixture.app_users[0]!.roles = ['user'];
    fixture.app_users.push({ id: 'new-user', email: 'new@example.com', data: {}, roles: [], created_at: '2026-01-01T10:00:00+02:00', password: 'pw' });
    h.call('create_document', { collection: 'extra', data: {} });
    const counts = importFixture(h.store, fixture, { replace: false });
    assert.deepEqual(counts, { collections: 2, documents: 3, app_users: 3, user_relationships: 0 });
    const after = exportFixture(h.store);
    assert.deepEqual(after.collections.map((c) => c.name), ['products', 'users', 'extra']);
    assert.equal(after.collections[0]!.documents[0]!.data.name, 'Laptop Pro');
    assert.equal(after.collections[0]!.webhook_url, null);
    assert.deepEqual(after.app_users.map((u) => [u.email, u.roles]), [['jane@example.com', ['user']], ['bob@example.com', []], ['new@example.com', []]]);
    assert.equal(after.app_users[2]!.created_at, '2026-01-01T08:00:00.000Z');
    assert.ok(verifyPassword(passwordHash(h, 'jane@example.com'), 'secret'), 'an existing user keeps the password');
    assert.ok(verifyPassword(passwordHash(h, 'new@example.com'), 'pw'), 'a given password is hashed');
    // Importing the same fixture again changes nothing.
    importFixture(h.store, fixture, { replace: false });
    assert.deepEqual(exportFixture(h.store), after);
  });

  test('given ids and timestamps are kept; missing ones are made', async () => {
    const h = await openHarness();
    importFixture(h.store, {
      format: 'cloudfn-fixture', version: 1,
      collections: [{ name: 'c', webhook_url: null, documents: [
        { id: 'doc-1', data: { x: 1 }, created_at: '2025-05-05T05:05:05.000Z', updated_at: '2025-06-06T06:06:06Z' },
        { data: { x: 2 } },
      ] }],
    }, { replace: false });
    assert.deepEqual(h.call('get_document', { collection: 'c', document_id: 'doc-1' }), {
      id: 'doc-1', collection_id: h.call('get_collection', { name: 'c' }).id, data: { x: 1 },
      created_at: '2025-05-05T05:05:05.000Z', updated_at: '2025-06-06T06:06:06.000Z',
    });
    const second = h.call('get_documents', { collection: 'c' })[1];
    assert.equal(second.updated_at, second.created_at);
    assert.ok(second.id.length > 10);
  });
});

describe('bad fixtures', () => {
  const base = { format: 'cloudfn-fixture', version: 1 };
  const doc = { id: 'd', data: {} };
  // [fixture, message].
  const cases: [unknown, string | RegExp][] = [
    [null, 'the fixture must be an object'],
    [[], 'the fixture must be an object'],
    [{ version: 1 }, 'format must be "cloudfn-fixture"'],
    [{ ...base, version: 2 }, /^version must be 1/],
    [{ ...base, collection: [] }, /^the fixture has an unknown key "collection"/],
    [{ ...base, collections: {} }, 'collections must be a list'],
    [{ ...base, collections: [{ name: 'a' }, { name: 'b' }, 'c'] }, 'collections[2] must be an object'],
    [{ ...base, collections: [{ name: '' }] }, 'collections[0].name must be a non-empty string'],
    [{ ...base, collections: [{ name: 'a' }, { name: 'a' }] }, "collections[1].name 'a' appears twice (also at collections[0].name)"],
    [{ ...base, collections: [{ name: 'a', webhook_url: 3 }] }, /^collections\[0\]\.webhook_url must be/],
    [{ ...base, collections: [{ name: 'a', documents: [doc, doc, doc] }] }, "collections[0].documents[1].id 'd' appears twice (also at collections[0].documents[0].id)"],
    [{ ...base, collections: [{ name: 'a' }, { name: 'b' }, { name: 'c', documents: [{ data: [] }] }] }, 'collections[2].documents[0].data must be an object'],
    [{ ...base, collections: [{ name: 'a', documents: [{ id: 'x' }] }] }, 'collections[0].documents[0].data must be an object'],
    [{ ...base, collections: [{ name: 'a', documents: [{ data: {}, created_at: 'yesterday' }] }] }, /^collections\[0\]\.documents\[0\]\.created_at must be an ISO 8601 timestamp/],
    [{ ...base, collections: [{ name: 'a', documents: [{ data: {}, updated_at: '2025-01-01T00:00:00' }] }] }, /updated_at must be an ISO 8601 timestamp with a time zone/],
    [{ ...base, collections: [{ name: 'a', documents: [{ data: {}, extra: 1 }] }] }, /^collections\[0\]\.documents\[0\] has an unknown key "extra"/],
    [{ ...base, app_users: [{ email: 'a@b.c' }, { id: 'u' }] }, 'app_users[1].email must be a non-empty string'],
    [{ ...base, app_users: [{ email: 'nope' }] }, 'app_users[0].email must be an email address'],
    [{ ...base, app_users: [{ email: 'a@b.c' }, { email: 'A@B.C' }] }, "app_users[1].email 'a@b.c' appears twice (also at app_users[0].email)"],
    [{ ...base, app_users: [{ email: 'a@b.c', roles: ['x', 2] }] }, 'app_users[0].roles[1] must be a non-empty string'],
    [{ ...base, app_users: [{ email: 'a@b.c', password: 5 }] }, 'app_users[0].password must be a non-empty string'],
    [{ ...base, app_users: [{ email: 'a@b.c', password_hash: 'x' }] }, /^app_users\[0\] has an unknown key "password_hash"/],
    // Found while writing: the collection written before it is undone.
    [{ ...base, collections: [{ name: 'partial', documents: [{ data: {} }] }], app_users: [{ id: 'other', email: 'taken@example.com' }] },
      "app_users[0].email 'taken@example.com' is already taken by another app user in the database"],
  ];
  for (const [fixture, message] of cases) {
    test(typeof message === 'string' ? message : String(message), async () => {
      const h = await openHarness();
      h.call('create_document', { collection: 'existing', data: { keep: true } });
      h.call('create_app_user', { email: 'taken@example.com', password: 'pw' });
      const before = exportFixture(h.store);
      assert.throws(() => importFixture(h.store, fixture, { replace: false }), (error: unknown) => {
        assert.ok(error instanceof FixtureError, String(error));
        if (typeof message === 'string') assert.equal(error.message, message);
        else assert.match(error.message, message);
        return true;
      });
      assert.deepEqual(exportFixture(h.store), before, 'nothing was written');
    });
  }
});
