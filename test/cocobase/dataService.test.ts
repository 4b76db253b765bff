// The data service's db methods: shapes, normal cases and CocoBASE's miss semantics (None, [], False, 0),
// plus the argument checks users see as Python exceptions. Cases are tables where the methods share a rule.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { dbObject } from '../../runtime/cocobase/apiModel';
import { DataService } from '../../runtime/cocobase/dataService';
import { assertDataError, isoTimestamp, openHarness, uuid4, type Harness } from '../store/support';

const documentKeys = ['id', 'collection_id', 'data', 'created_at', 'updated_at'];
const collectionKeys = ['id', 'name', 'webhook_url', 'created_at', 'updated_at'];
const modelMethods = dbObject.members.map((member) => member.name);
const emptyPage = { data: [], total: 0, has_more: false, limit: 10, offset: 0 };

test('every db method of the API model is an operation of the service', () => {
  for (const name of modelMethods) assert.ok(DataService.operations.includes(name), name);
});

describe('misses', () => {
  // [method, arguments, result]: lookups give None, queries [], deletes False, counts 0; None ids are misses.
  const cases: [string, Record<string, unknown>, unknown][] = [
    ['get_collections', {}, []],
    ['get_collection', { name: 'nope' }, null],
    ['update_collection', { name: 'nope', webhook_url: 'https://x.test' }, null],
    ['delete_collection', { name: 'nope' }, false],
    ['get_documents', { collection: 'nope' }, []],
    ['get_documents', { collection: 'nope', filters: { status: 'active' }, limit: 5 }, []],
    ['get_documents', { collection: 'users', filters: { status: 'nobody has this' } }, []],
    ['get_document', { collection: 'nope', document_id: 'x' }, null],
    ['get_document', { collection: 'users', document_id: 'missing-id' }, null],
    ['get_document', { collection: 'users', document_id: null }, null],
    ['get_document', { collection: 'users', document_id: '' }, null],
    ['update_document', { collection: 'users', document_id: 'missing-id', data: { a: 1 } }, null],
    ['update_document', { collection: 'nope', document_id: null, data: { a: 1 } }, null],
    ['update_document_fields', { collection: 'users', document_id: 'missing-id', fields: { a: 1 } }, null],
    ['update_document_fields', { collection: 'users', document_id: null, fields: {} }, null],
    ['delete_document', { collection: 'users', document_id: 'missing-id' }, false],
    ['delete_document', { collection: 'users', document_id: null }, false],
    ['delete_document', { collection: 'nope', document_id: 'x' }, false],
    ['count_documents', { collection: 'nope' }, 0],
    ['count_documents', { collection: 'nope', filters: { a: 1 } }, 0],
    ['search_documents', { collection: 'nope', search_term: 'x' }, []],
    ['search_documents', { collection: 'users', search_term: 'zzz-not-there' }, []],
    ['get_app_users', {}, []],
    ['get_app_user', { user_id: 'missing-id' }, null],
    ['get_app_user', { user_id: null }, null],
    ['get_app_user_by_email', { email: 'nobody@example.com' }, null],
    ['get_app_user_by_email', { email: null }, null],
    ['update_app_user', { user_id: 'missing-id', data: { a: 1 } }, null],
    ['update_app_user', { user_id: null, roles: ['x'] }, null],
    ['delete_app_user', { user_id: 'missing-id' }, false],
    ['delete_app_user', { user_id: null }, false],
    ['count_app_users', {}, 0],
    ['execute_raw_query', { query: 'SELECT * FROM app_users' }, []],
    // The current API (more in currentApi.test.ts): pages are empty, lookups None, aggregates 0 or None.
    ['query', { collection_name: 'nope' }, emptyPage],
    ['query', { collection_name: 'users', '**': { status: 'nobody has this' } }, emptyPage],
    ['find_one', { collection_name: 'nope' }, null],
    ['find_one', { collection_name: 'users', '**': { status_in: 'x,y' } }, null],
    ['query_users', { '**': { email: 'nobody@example.com' } }, emptyPage],
    ['find_user', { '**': { email: 'nobody@example.com' } }, null],
    ['find_user', { auth_token: 'not-a-token' }, null],
    ['count_documents', { collection: 'nope', '**': { age_gt: 1 } }, 0],
    ['count_documents', { collection: 'users', '**': { status_ne: 'active' } }, 0],
    ['aggregate_documents', { collection: 'nope', field: 'a', operation: 'sum' }, { value: 0, count: 0 }],
    ['aggregate_documents', { collection: 'users', field: 'nothing', operation: 'avg' }, { value: null, count: 0 }],
    ['group_by_field', { collection: 'nope', field: 'a' }, { groups: [] }],
    ['bulk_update_documents', { collection: 'users', updates: [{ id: 'missing-id', a: 1 }] }, { count: 0, failed: 1 }],
    ['bulk_update_documents', { collection: 'nope', updates: [{ id: 'x' }] }, { count: 0, failed: 1 }],
    ['bulk_delete_documents', { collection: 'users', ids: ['missing-id'] }, { count: 0 }],
    ['bulk_delete_documents', { collection: 'nope', ids: ['x'] }, { count: 0 }],
    ['get_user_relationships', { user_id: 'missing-id', relationship_type: 'friends' }, emptyPage],
    ['get_user_collections', { user_id: 'missing-id', collection_name: 'users' }, emptyPage],
    ['get_user_collections', { user_id: 'missing-id', collection_name: 'nope' }, emptyPage],
    ['list_app_users', {}, []],
  ];
  let h: Harness;
  before(async () => {
    h = await openHarness();
    h.call('create_document', { collection: 'users', data: { name: 'only one', status: 'active' } });
  });
  for (const [method, args, expected] of cases) {
    test(`${method}(${JSON.stringify(args)}) → ${JSON.stringify(expected)}`, () => {
      const result = h.call(method, args);
      // get_collections sees the one collection the setup created.
      if (method === 'get_collections') assert.deepEqual(result.map((c: { name: string }) => c.name), ['users']);
      else assert.deepEqual(result, expected);
    });
  }
  test('every method that can miss has a case, and the others are creates', () => {
    // Creates, and the relationship calls (which need app users: currentApi.test.ts covers their misses).
    const covered = new Set([...cases.map(([method]) => method), 'create_collection', 'create_document', 'create_app_user',
      'bulk_create_documents', 'add_user_relationship', 'remove_user_relationship']);
    assert.deepEqual(modelMethods.filter((name) => !covered.has(name)), []);
  });
});

describe('argument checks', () => {
  // [method, arguments, Python exception, message].
  const cases: [string, Record<string, unknown>, 'TypeError' | 'ValueError', RegExp | string][] = [
    ['get_documents', { collection: '' }, 'ValueError', 'get_documents(): collection must not be empty'],
    ['get_documents', { collection: 5 }, 'TypeError', 'get_documents(): collection must be a str, got int'],
    ['get_documents', { collection: null }, 'TypeError', 'get_documents(): collection must be a str, got NoneType'],
    ['get_documents', { collection: 'u', limit: -1 }, 'ValueError', 'get_documents(): limit must be a non-negative int, got -1'],
    ['get_documents', { collection: 'u', limit: 1.5 }, 'TypeError', 'get_documents(): limit must be an int, got float'],
    ['get_documents', { collection: 'u', limit: true }, 'TypeError', 'get_documents(): limit must be an int, got bool'],
    ['get_documents', { collection: 'u', offset: -2 }, 'ValueError', /offset must be a non-negative int/],
    ['get_documents', { collection: 'u', filters: ['status'] }, 'TypeError', 'get_documents(): filters must be a dict, got list'],
    ['get_documents', { collection: 'u', foo: 1 }, 'TypeError', "get_documents(): got an unexpected keyword argument 'foo'"],
    ['create_document', { collection: 'u' }, 'TypeError', "create_document(): missing required argument 'data'"],
    ['create_document', { collection: 'u', data: [1, 2] }, 'TypeError', 'create_document(): data must be a dict, got list'],
    ['create_document', { collection: 'u', data: 'text' }, 'TypeError', 'create_document(): data must be a dict, got str'],
    ['get_document', { collection: 'u', document_id: 5 }, 'TypeError', 'get_document(): document_id must be a str, got int'],
    ['update_document', { collection: 'u', document_id: 'x', data: null }, 'TypeError', 'update_document(): data must be a dict, got NoneType'],
    ['update_document_fields', { collection: 'u', document_id: 'x', fields: 3 }, 'TypeError', /fields must be a dict/],
    ['search_documents', { collection: 'u', search_term: 3 }, 'TypeError', /search_term must be a str/],
    ['search_documents', { collection: 'u', search_term: 'a', search_fields: 'name' }, 'TypeError', /search_fields must be a list of str, got str/],
    ['search_documents', { collection: 'u', search_term: 'a', search_fields: ['name', 1] }, 'TypeError', /search_fields\[1\] must be a str, got int/],
    ['create_collection', { name: '' }, 'ValueError', 'create_collection(): name must not be empty'],
    ['create_collection', { name: 'x', webhook_url: 5 }, 'TypeError', /webhook_url must be a str/],
    ['create_app_user', { email: 'not-an-email', password: 'pw' }, 'ValueError', "create_app_user(): email 'not-an-email' is not an email address"],
    ['create_app_user', { email: 'a@b.c', password: '' }, 'ValueError', 'create_app_user(): password must not be empty'],
    ['create_app_user', { email: 'a@b.c', password: 'pw', roles: 'admin' }, 'TypeError', /roles must be a list of str/],
    ['get_app_users', { limit: -5 }, 'ValueError', /limit must be a non-negative int/],
    ['execute_raw_query', { query: 'SELECT 1', params: [1] }, 'TypeError', /params must be a dict/],
  ];
  let h: Harness;
  before(async () => {
    h = await openHarness();
  });
  for (const [method, args, pyType, message] of cases) {
    test(`${method}(${JSON.stringify(args)}) raises ${pyType}`, () => assertDataError(() => h.call(method, args), pyType, message));
  }
  test('arguments that are not JSON are a ValueError', () => {
    assertDataError(() => h.service.call('get_documents', '{"collection": "u", "limit": NaN}'), 'ValueError', /not valid JSON/);
  });
  test('an unknown operation is an internal error, not a user one', () => {
    assert.throws(() => h.service.call('drop_everything', '{}'), /unknown db operation 'drop_everything'/);
  });
});

describe('collections', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
  });

  test('create_collection returns the collection; creating it again returns it unchanged', () => {
    const created = h.call('create_collection', { name: 'products', webhook_url: 'https://example.com/webhook' });
    assert.deepEqual(Object.keys(created), collectionKeys);
    assert.match(created.id, uuid4);
    assert.match(created.created_at, isoTimestamp);
    assert.equal(created.webhook_url, 'https://example.com/webhook');
    assert.deepEqual(h.call('create_collection', { name: 'products', webhook_url: 'https://other.test' }), created);
    assert.deepEqual(h.call('create_collection', { name: 'plain' }).webhook_url, null);
  });

  test('get_collection and get_collections, oldest first', () => {
    assert.equal(h.call('get_collection', { name: 'products' }).name, 'products');
    assert.deepEqual(h.call('get_collections').map((c: { name: string }) => c.name), ['products', 'plain']);
  });

  test('update_collection changes only the given fields', () => {
    const before = h.call('get_collection', { name: 'products' });
    const hooked = h.call('update_collection', { name: 'products', webhook_url: 'https://new-webhook.com' });
    assert.equal(hooked.webhook_url, 'https://new-webhook.com');
    assert.equal(hooked.name, 'products');
    assert.equal(hooked.id, before.id);
    assert.equal(hooked.created_at, before.created_at);
    const renamed = h.call('update_collection', { name: 'products', new_name: 'goods', webhook_url: null });
    assert.equal(renamed.name, 'goods');
    assert.equal(renamed.webhook_url, 'https://new-webhook.com');
    assert.equal(h.call('get_collection', { name: 'products' }), null);
    assert.deepEqual(h.call('update_collection', { name: 'goods' }), renamed);
  });

  test('update_collection refuses a name that is taken', () => {
    assertDataError(() => h.call('update_collection', { name: 'goods', new_name: 'plain' }), 'ValueError',
      "update_collection(): a collection named 'plain' already exists");
  });

  test('delete_collection deletes its documents', () => {
    const doc = h.call('create_document', { collection: 'doomed', data: { a: 1 } });
    h.call('create_document', { collection: 'doomed', data: { a: 2 } });
    h.call('create_document', { collection: 'kept', data: { a: 3 } });
    assert.equal(h.call('delete_collection', { name: 'doomed' }), true);
    assert.equal(h.call('get_collection', { name: 'doomed' }), null);
    assert.equal(h.call('get_document', { collection: 'doomed', document_id: doc.id }), null);
    assert.equal(h.call('count_documents', { collection: 'doomed' }), 0);
    assert.equal(h.store.value('SELECT count(*) FROM documents WHERE id = ?', [doc.id]), 0);
    assert.equal(h.call('count_documents', { collection: 'kept' }), 1);
    assert.equal(h.call('delete_collection', { name: 'doomed' }), false);
  });
});

describe('documents', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
  });

  test('create_document returns the document and creates its collection', () => {
    const doc = h.call('create_document', { collection: 'users', data: { name: 'John Doe', age: 30, roles: ['user'], status: 'active' } });
    assert.deepEqual(Object.keys(doc), documentKeys);
    assert.match(doc.id, uuid4);
    assert.equal(doc.collection_id, h.call('get_collection', { name: 'users' }).id);
    assert.deepEqual(doc.data, { name: 'John Doe', age: 30, roles: ['user'], status: 'active' });
    assert.match(doc.created_at, isoTimestamp);
    assert.equal(doc.updated_at, doc.created_at);
    assert.deepEqual(h.call('get_document', { collection: 'users', document_id: doc.id }), doc);
  });

  test('data keeps its key order and JSON types exactly (as Python dicts do)', () => {
    const text = h.service.call('create_document', JSON.stringify({ collection: 'order', data: { b: 1, 2: 'two', a: true, n: null, f: 1.5 } }));
    // JSON.stringify puts integer-like keys first; the stored data keeps the order of the argument text.
    const argsText = '{"collection": "order", "data": {"b": 1, "2": "two", "a": true, "n": null, "f": 1.5, "e": "caf\\u00e9"}}';
    const kept = h.service.call('create_document', argsText);
    assert.match(kept, /"data":\{"b":1,"2":"two","a":true,"n":null,"f":1.5,"e":"caf\\u00e9"\}/);
    assert.equal(JSON.parse(kept).data.e, 'café');
    assert.ok(text.includes('"a":true'));
  });

  test('the document of another collection is a miss', () => {
    const doc = h.call('create_document', { collection: 'a', data: { x: 1 } });
    h.call('create_collection', { name: 'b' });
    assert.equal(h.call('get_document', { collection: 'b', document_id: doc.id }), null);
    assert.equal(h.call('delete_document', { collection: 'b', document_id: doc.id }), false);
    assert.equal(h.call('update_document', { collection: 'b', document_id: doc.id, data: {} }), null);
  });

  test('get_documents: oldest first, limit and offset', () => {
    for (let i = 0; i < 5; i++) h.call('create_document', { collection: 'list', data: { i } });
    const all = h.call('get_documents', { collection: 'list' });
    assert.deepEqual(all.map((d: { data: { i: number } }) => d.data.i), [0, 1, 2, 3, 4]);
    const page = (limit: number | null, offset: number) =>
      h.call('get_documents', { collection: 'list', limit, offset }).map((d: { data: { i: number } }) => d.data.i);
    assert.deepEqual(page(2, 0), [0, 1]);
    assert.deepEqual(page(2, 3), [3, 4]);
    assert.deepEqual(page(null, 4), [4]);
    assert.deepEqual(page(0, 0), []);
    assert.deepEqual(page(10, 10), []);
  });

  test('update_document replaces the data', () => {
    const doc = h.call('create_document', { collection: 'users', data: { name: 'John', status: 'active' } });
    const updated = h.call('update_document', { collection: 'users', document_id: doc.id, data: { name: 'Jane', age: 28 } });
    assert.deepEqual(updated.data, { name: 'Jane', age: 28 });
    assert.equal(updated.created_at, doc.created_at);
    assert.ok(updated.updated_at >= doc.updated_at);
    assert.deepEqual(h.call('get_document', { collection: 'users', document_id: doc.id }), updated);
  });

  test('update_document_fields merges shallowly, keeping key positions like dict.update', () => {
    const doc = h.call('create_document', { collection: 'users', data: { a: 1, nested: { x: 1, y: 2 }, z: 'keep' } });
    const fields = { nested: { x: 9 }, a: null, 'new key "quoted"': [1, true], 'dotted.key': 'literal' };
    const text = h.service.call('update_document_fields', JSON.stringify({ collection: 'users', document_id: doc.id, fields }));
    const data = JSON.parse(text).data;
    assert.deepEqual(Object.entries(data), [['a', null], ['nested', { x: 9 }], ['z', 'keep'], ['new key "quoted"', [1, true]], ['dotted.key', 'literal']]);
    assert.deepEqual(h.call('update_document_fields', { collection: 'users', document_id: doc.id, fields: {} }), JSON.parse(text));
  });

  test('update_document_fields sets many keys at once', () => {
    const doc = h.call('create_document', { collection: 'wide', data: {} });
    const fields = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, i]));
    const updated = h.call('update_document_fields', { collection: 'wide', document_id: doc.id, fields });
    assert.deepEqual(updated.data, fields);
  });

  test('delete_document, then it is gone', () => {
    const doc = h.call('create_document', { collection: 'users', data: { name: 'gone' } });
    assert.equal(h.call('delete_document', { collection: 'users', document_id: doc.id }), true);
    assert.equal(h.call('get_document', { collection: 'users', document_id: doc.id }), null);
    assert.equal(h.call('delete_document', { collection: 'users', document_id: doc.id }), false);
  });

  test('count_documents counts a collection', () => {
    assert.equal(h.call('count_documents', { collection: 'list' }), 5);
    assert.equal(h.call('count_documents', { collection: 'list', filters: { i: 3 } }), 1);
    assert.equal(h.call('count_documents', { collection: 'list', filters: null }), 5);
  });
});
