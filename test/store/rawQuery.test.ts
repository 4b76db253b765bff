// execute_raw_query: the seed's "Raw SQL Queries" example runs verbatim; parameters bind by name with
// :project_id always bound; anything that is not one read-only SELECT/WITH statement is a ValueError.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { defaultProject } from '../../runtime/store/schema';
import { assertDataError, openHarness, type Harness } from './support';

/** Copied verbatim from the seed (000_dd5001eeada80048.txt, "Raw SQL Queries"). */
const seedQuery = `
    SELECT 
        json_extract(data, '$.status') as status,
        COUNT(*) as count
    FROM documents d
    JOIN collections c ON d.collection_id = c.id
    WHERE c.project_id = :project_id 
      AND c.name = 'users'
    GROUP BY json_extract(data, '$.status')
    `;

const rule = /^execute_raw_query\(\) only runs read-only SELECT\/WITH statements/;

describe('execute_raw_query', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
    for (const status of ['active', 'inactive', 'active', 'pending', 'active']) h.call('create_document', { collection: 'users', data: { status } });
    h.call('create_document', { collection: 'others', data: { status: 'active' } });
  });

  test("the seed's query returns the status counts of the users collection", () => {
    assert.deepEqual(h.call('execute_raw_query', { query: seedQuery }), [
      { status: 'active', count: 3 },
      { status: 'inactive', count: 1 },
      { status: 'pending', count: 1 },
    ]);
  });

  test('named parameters bind with :, @ or $; :project_id is the local project', () => {
    const rows = h.call('execute_raw_query', {
      query: 'SELECT :project_id AS project, :status AS s, @n AS n, $flag AS flag, :obj AS obj, :none AS none',
      params: { status: 'active', n: 2.5, flag: true, obj: { a: [1] }, none: null },
    });
    assert.deepEqual(rows, [{ project: defaultProject.id, s: 'active', n: 2.5, flag: 1, obj: '{"a":[1]}', none: null }]);
    const counted = h.call('execute_raw_query', {
      query: "WITH u AS (SELECT data FROM documents d JOIN collections c ON c.id = d.collection_id WHERE c.name = :name) SELECT count(*) AS n FROM u",
      params: { ':name': 'users' },
    });
    assert.deepEqual(counted, [{ n: 5 }]);
  });

  test('comments before the statement and a trailing semicolon are fine', () => {
    assert.deepEqual(h.call('execute_raw_query', { query: '-- count\n/* all */ SELECT count(*) AS n FROM app_users;  -- done' }), [{ n: 0 }]);
  });

  test('project_id cannot be overridden', () => {
    assertDataError(() => h.call('execute_raw_query', { query: 'SELECT 1', params: { project_id: 'other' } }), 'ValueError', /:project_id is bound to your project/);
  });

  test('SQL errors are ValueErrors with SQLite\'s message', () => {
    assertDataError(() => h.call('execute_raw_query', { query: 'SELECT * FROM nope' }), 'ValueError', 'execute_raw_query(): no such table: nope');
  });

  // Statements that write, or more than one statement: each raises the rule, and nothing changes.
  const refused = [
    "INSERT INTO collections (id, project_id, name, created_at, updated_at) VALUES ('x', 'local-project', 'x', '', '')",
    "UPDATE documents SET data = '{}'",
    'DELETE FROM documents',
    'DROP TABLE documents',
    'CREATE TABLE evil (x)',
    'WITH x AS (SELECT 1) DELETE FROM documents',
    "WITH x AS (SELECT 1) INSERT INTO app_users SELECT * FROM app_users",
    "WITH x AS (SELECT 1) UPDATE documents SET data = '{}'",
    'SELECT 1; DELETE FROM documents',
    'SELECT 1; SELECT 2',
    'PRAGMA query_only = OFF',
    'PRAGMA writable_schema = ON',
    "ATTACH DATABASE ':memory:' AS other",
    'VACUUM',
    "REPLACE INTO meta VALUES ('schema_version', '99')",
    '  /* hidden */ delete from documents',
    '',
    '-- only a comment',
  ];
  for (const query of refused) {
    test(`refuses ${JSON.stringify(query)}`, () => {
      assertDataError(() => h.call('execute_raw_query', { query }), 'ValueError', rule);
    });
  }

  test('after refused statements nothing changed and writes through the service still work', () => {
    assert.equal(h.call('count_documents', { collection: 'users' }), 5);
    assert.equal(h.store.value("SELECT count(*) FROM sqlite_master WHERE name = 'evil'"), 0);
    assert.equal(h.store.value('PRAGMA query_only'), 0);
    h.call('create_document', { collection: 'users', data: { status: 'new' } });
    assert.equal(h.call('count_documents', { collection: 'users' }), 6);
  });

  test('secrets never come back: password hashes and Parse session tokens, however the query names them', () => {
    h.call('create_app_user', { email: 'secret@example.com', password: 'hunter2hunter2' });
    const hash = h.store.value("SELECT password_hash FROM app_users WHERE email = 'secret@example.com'");
    assert.ok(typeof hash === 'string' && hash.length > 10);
    h.store.database.run("INSERT INTO parse_objects (class_name, object_id, data, created_at, updated_at) VALUES ('_Session', 's1', '{\"sessionToken\":\"r:tok\",\"user\":\"u\"}', 'x', 'x')");
    const leaks = [
      'SELECT * FROM app_users',
      'SELECT password_hash AS p FROM main."APP_USERS"',
      'WITH t AS (SELECT * FROM [app_users]) SELECT group_concat(password_hash) AS p FROM t',
      'SELECT data FROM parse_objects',
      "SELECT json_extract(data, '$.sessionToken') AS t FROM Parse_Objects WHERE class_name = '_Session'",
    ];
    for (const query of leaks) {
      const text = JSON.stringify(h.call('execute_raw_query', { query }));
      assert.ok(!text.includes(String(hash)) && !text.includes('r:tok'), `${query} leaked: ${text}`);
    }
    // The scrub is undone: logins and the Parse session still see their secrets.
    assert.equal(h.store.value("SELECT password_hash FROM app_users WHERE email = 'secret@example.com'"), hash);
    assert.match(String(h.store.value("SELECT data FROM parse_objects WHERE object_id = 's1'")), /r:tok/);
  });
});
