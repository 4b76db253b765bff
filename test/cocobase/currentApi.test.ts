// The current db API (the spec's §3) call by call, hits and misses, over test/fixtures/query/fixture.json:
// pages, populate and select, find_one/find_user, count_documents(**filters), aggregation and grouping, bulk
// writes, user relationships and the argument checks. Cases are tables of [method, arguments, result]; each
// table starts from a fresh import of the fixture.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { exportFixture, importFixture } from '../../runtime/store/fixtures';
import { assertMatches, repoRoot } from '../helpers';
import { assertDataError, openHarness, type Harness } from '../store/support';

const fixture = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'query', 'fixture.json'), 'utf8'));
const at = (day: number) => `2025-01-0${day}T10:00:00.000Z`;
const ann = { id: 'u1', email: 'ann@example.com', data: { plan: 'pro', age: 30 }, roles: ['admin', 'user'], created_at: at(1) };
const bob = { id: 'u2', email: 'bob@example.com', data: { plan: 'free', age: '25' }, roles: ['user'], created_at: at(2) };
const tech = { id: 't1', created_at: at(1), updated_at: at(1), label: 'tech', owner_id: 'u1' };
const life = { id: 't2', created_at: at(2), updated_at: at(2), label: 'life' };
const page = (data: unknown[], total: number, more = {}) => ({ data, total, has_more: false, limit: 10, offset: 0, ...more });

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
  importFixture(h.store, fixture, { replace: true });
});

type Case = [method: string, args: Record<string, unknown>, expected: unknown];
function table(cases: Case[]): void {
  for (const [method, args, expected] of cases) {
    test(`${method}(${JSON.stringify(args)})`, () => assertMatches(h.call(method, args), expected));
  }
}

describe('reads: pages, populate, select', () => {
  table([
    ['query', { collection_name: 'posts', limit: 2, offset: 1, select: ['title'] },
      page([{ id: 'p7', title: 'Eta' }, { id: 'p6', title: 'zeta' }], 8, { has_more: true, limit: 2, offset: 1 })],
    ['query', { collection_name: 'posts', limit: 0 }, page([], 8, { has_more: true, limit: 0 })],
    ['query', { collection_name: 'posts', offset: 10, select: 'title' }, page([], 8, { offset: 10 })],
    ['query', { collection_name: 'posts', '**': { id: 'p8' } },
      page([{ id: 'p8', created_at: at(8), updated_at: at(8), title: 'theta', count: 100.5, nested: { a: { b: 2 } } }], 1)],
    ['query', { collection_name: 'posts', '**': { id: 'p1' }, populate: ['topic', 'writer'], select: ['topic.label', 'writer.email', 'writer_id'] },
      page([{ id: 'p1', topic: { label: 'tech' }, writer: { email: 'ann@example.com' }, writer_id: 'u1' }], 1)],
    ['query', { collection_name: 'posts', '**': { id: 'p3' }, populate: 'topic', select: ['topic'] }, page([{ id: 'p3', topic: [tech, life] }], 1)],
    ['query', { collection_name: 'posts', '**': { id: 'p3' }, populate: ['topic'], select: ['topic.label', 'title'] },
      page([{ id: 'p3', topic: [{ label: 'tech' }, { label: 'life' }], title: 'Gamma ray' }], 1)],
    ['query', { collection_name: 'posts', '**': { id: 'p1' }, populate: ['topic.owner'], select: ['topic.owner'] }, page([{ id: 'p1', topic: { owner: ann } }], 1)],
    ['query', { collection_name: 'posts', '**': { id: 'p5' }, populate: ['topic', 'writer'], select: ['topic', 'writer'] }, page([{ id: 'p5', topic: null }], 1)],
    ['query', { collection_name: 'posts', '**': { id: 'p4' }, populate: ['writer:appuser', 'topic:topics'], select: ['writer.email', 'topic'] },
      page([{ id: 'p4', writer: { email: 'bob@example.com' } }], 1)],
    ['query', { collection_name: 'posts', '**': { id: 'p1' }, populate: ['topic:nope'], select: ['topic'] }, page([{ id: 'p1', topic: null }], 1)],
    ['query', { collection_name: 'posts', sort: 'price', order: 'Desc', limit: 3, select: [] }, page([{ id: 'p6' }, { id: 'p2' }, { id: 'p7' }], 8, { has_more: true, limit: 3 })],
    ['query', { collection_name: 'posts', sort: 'price', '**': { price_gte: 100 }, select: ['price'] }, page([{ id: 'p1', price: 100 }, { id: 'p7', price: 250 }, { id: 'p6', price: 'abc' }], 3)],
    ['find_one', { collection_name: 'posts', '**': { status: 'open' }, select: ['title'] }, { id: 'p6', title: 'zeta' }],
    ['find_one', { collection_name: 'topics', '**': { label_startswith: 'T' } }, tech],
    ['find_one', { collection_name: 'topics', '**': { label: 'none' } }, null],
    ['find_one', { collection_name: 'nope' }, null],
    ['find_user', { '**': { email: 'ANN@example.com' } }, ann],
    ['find_user', { '**': { plan_in: 'free,pro' }, select: ['email'] }, { id: 'u2', email: 'bob@example.com' }],
    ['find_user', { '**': { roles: 'nobody' } }, null],
    ['query_users', { sort: 'email', limit: 2, select: ['email', 'data.plan'] },
      page([{ id: 'u1', email: 'ann@example.com', data: { plan: 'pro' } }, { id: 'u2', email: 'bob@example.com', data: { plan: 'free' } }], 3, { has_more: true, limit: 2 })],
    ['query_users', { '**': { 'data.plan': 'pro' } }, page([], 0)],
    ['list_app_users', { limit: 1, offset: 1 }, [{ ...bob, updated_at: at(2) }]],
    ['count_documents', { collection: 'posts', filters: { status: 'open' }, '**': { price_gte: 1 } }, 2],
    ['count_documents', { collection: 'posts', '**': { '[or]flag': true, '[or]flag_2': false } }, 2],
    ['count_documents', { collection: 'posts', '**': {} }, 8],
  ]);

  test('populate on users reads the relation id from data and adds the record to data', () => {
    h.call('update_app_user', { user_id: 'u1', data: { best_friend_id: 'u2', team_ids: ['t2', 'gone'] } });
    const user = h.call('find_user', { '**': { id: 'u1' }, populate: ['best_friend', 'team:topics'], select: ['data.best_friend.email', 'data.team'] });
    assert.deepEqual(user, { id: 'u1', data: { best_friend: { email: 'bob@example.com' }, team: [life] } });
  });

  test('find_user(auth_token=...) resolves a token kept as a hash; expired and unknown tokens give None', () => {
    const hash = (token: string) => createHash('sha256').update(token).digest('hex');
    h.store.run("INSERT INTO app_user_tokens VALUES (?, 'local-project', 'u2', ?, NULL), (?, 'local-project', 'u1', ?, '2000-01-01T00:00:00.000Z')",
      [hash('good'), at(1), hash('old'), at(1)]);
    assert.equal(h.call('find_user', { auth_token: 'good' }).email, 'bob@example.com');
    assert.equal(h.call('find_user', { auth_token: 'good', '**': { plan: 'pro' } }), null);
    assert.equal(h.call('find_user', { auth_token: 'old' }), null);
    assert.equal(h.call('find_user', { auth_token: 'nope' }), null);
  });

  test('get_user_collections: the documents whose user_id is that user', () => {
    h.call('bulk_create_documents', { collection: 'orders', documents: [{ user_id: 'u1', n: 1 }, { user_id: 'u2', n: 2 }, { user_id: 'u1', n: 3 }] });
    const all = h.call('get_user_collections', { user_id: 'u1', collection_name: 'orders', sort: 'n', select: ['n'] });
    assert.deepEqual(all.data.map((d: { n: number }) => d.n), [1, 3]);
    assert.equal(h.call('get_user_collections', { user_id: 'u1', collection_name: 'orders', filters: { n_gt: 1 } }).total, 1);
  });
});

describe('aggregation and grouping', () => {
  table([
    ['aggregate_documents', { collection: 'posts', field: 'price', operation: 'sum' }, { value: 398.5, count: 6 }],
    ['aggregate_documents', { collection: 'posts', field: 'price', operation: 'avg' }, { value: 398.5 / 6, count: 6 }],
    ['aggregate_documents', { collection: 'posts', field: 'price', operation: 'min' }, { value: -3, count: 6 }],
    ['aggregate_documents', { collection: 'posts', field: 'price', operation: 'max', filters: { status: 'open' } }, { value: 100, count: 2 }],
    ['aggregate_documents', { collection: 'posts', field: 'price', operation: 'count' }, { value: 7, count: 7 }],
    ['aggregate_documents', { collection: 'posts', field: 'views', operation: 'sum' }, { value: 260, count: 2 }],
    ['aggregate_documents', { collection: 'posts', field: 'title', operation: 'max' }, { value: null, count: 0 }],
    ['aggregate_documents', { collection: 'posts', field: 'price', operation: 'sum', filters: { status: 'gone' } }, { value: 0, count: 0 }],
    ['group_by_field', { collection: 'posts', field: 'status' },
      { groups: [{ key: 'open', count: 3 }, { key: null, count: 2 }, { key: 'Open', count: 1 }, { key: 'closed', count: 1 }, { key: 'pending', count: 1 }] }],
    ['group_by_field', { collection: 'posts', field: 'flag', filters: { flag_isnull: false } }, { groups: [{ key: false, count: 1 }, { key: 1, count: 1 }, { key: true, count: 1 }] }],
    ['group_by_field', { collection: 'posts', field: 'address.city' }, { groups: [{ key: null, count: 6 }, { key: 'Berlin', count: 1 }, { key: 'Paris', count: 1 }] }],
  ]);

  test('a sum of integers stays an integer and a real keeps its fraction in the JSON text', () => {
    assert.match(h.service.call('aggregate_documents', JSON.stringify({ collection: 'posts', field: 'views', operation: 'sum' })), /"value": 260,/);
    h.call('bulk_create_documents', { collection: 'floats', documents: [{ x: 0.5 }, { x: 1.5 }] });
    assert.match(h.service.call('aggregate_documents', JSON.stringify({ collection: 'floats', field: 'x', operation: 'sum' })), /"value": 2\.0,/);
  });
});

describe('bulk writes', () => {
  test('bulk_create_documents: flat documents, the collection created, each a single write', () => {
    const text = h.service.call('bulk_create_documents', '{"collection": "new", "documents": [{"n": 1.0, "10": "a", "id": "mine"}, {}]}');
    assert.match(text, /"n":1\.0,"10":"a"\}/, 'exact JSON: 1.0 stays a float, key order kept, the own id wins');
    const result = JSON.parse(text);
    assert.equal(result.count, 2);
    assertMatches(result.data[1], { id: '<id>', created_at: '<timestamp>', updated_at: '<timestamp>' });
    assert.equal(h.call('count_documents', { collection: 'new' }), 2);
    assert.equal(h.service.takeChanges().created, 3, 'the collection and two documents');
  });

  test('bulk_update_documents merges fields; unknown ids are failed', () => {
    assert.deepEqual(h.call('bulk_update_documents', { collection: 'topics', updates: [{ id: 't1', label: 'TECH', rank: 1 }, { id: 'zz', label: 'x' }, { id: 't2' }] }),
      { count: 2, failed: 1 });
    assertMatches(h.call('find_one', { collection_name: 'topics', '**': { id: 't1' } }), { ...tech, updated_at: '<timestamp>', label: 'TECH', rank: 1 });
    assert.equal(h.service.takeChanges().updated, 2);
  });

  test('bulk_delete_documents counts what it deleted', () => {
    assert.deepEqual(h.call('bulk_delete_documents', { collection: 'posts', ids: ['p8', 'p8', 'nope', 't1'] }), { count: 1 });
    assert.equal(h.call('count_documents', { collection: 'posts' }), 7);
  });
});

describe('user relationships', () => {
  const related = (userId: string, type: string, more: Record<string, unknown> = {}) =>
    h.call('get_user_relationships', { user_id: userId, relationship_type: type, ...more }).data.map((user: { id: string }) => user.id);

  test('the fixture\'s relationships: follows both ways, friends as given, members of a group, newest first', () => {
    assert.deepEqual(related('u2', 'followers'), ['u3', 'u1']);
    assert.deepEqual(related('u1', 'following'), ['u2']);
    assert.deepEqual(related('u1', 'friends'), ['u3']);
    assert.deepEqual(related('u3', 'friends'), []);
    assert.deepEqual(related('t1', 'members'), ['u1']);
    assert.deepEqual(related('u2', 'followers', { filters: { plan: 'pro' } }), ['u1']);
    assert.deepEqual(related('u2', 'followers', { limit: 1, offset: 1 }), ['u1']);
  });

  test('add and remove, with their messages and misses', () => {
    const add = (args: Record<string, unknown>) => h.call('add_user_relationship', args);
    const remove = (args: Record<string, unknown>) => h.call('remove_user_relationship', args);
    assert.deepEqual(add({ user_id: 'u2', related_user_id: 'u1', relationship_type: 'following' }), { success: true, message: 'relationship added', bidirectional: false });
    assert.deepEqual(related('u1', 'followers'), ['u2']);
    assert.deepEqual(add({ user_id: 'u2', related_user_id: 'u1', relationship_type: 'following' }), { success: true, message: 'relationship already exists', bidirectional: false });
    add({ user_id: 'u2', related_user_id: 'u3', relationship_type: 'friends', bidirectional: true });
    assert.deepEqual(related('u3', 'friends'), ['u2']);
    add({ user_id: 'u3', related_user_id: 'u1', relationship_type: 'followers' });
    assert.deepEqual(related('u1', 'following'), ['u3', 'u2'], '(A, B, "followers") records B following A');
    add({ user_id: 'team-9', related_user_id: 'u2', relationship_type: 'members' });
    assert.deepEqual(related('team-9', 'members'), ['u2']);
    assert.deepEqual(remove({ user_id: 'u2', related_user_id: 'u3', relationship_type: 'friends', bidirectional: true }), { success: true, message: 'relationship removed', bidirectional: true });
    assert.deepEqual(related('u3', 'friends'), []);
    assert.deepEqual(remove({ user_id: 'u2', related_user_id: 'u3', relationship_type: 'friends' }), { success: false, message: 'relationship not found', bidirectional: false });
    assertDataError(() => add({ user_id: 'u1', related_user_id: 'nobody', relationship_type: 'following' }), 'ValueError', "add_user_relationship(): 'nobody' is not an app user");
  });

  test('deleting an app user removes its relationships; export and import carry them', () => {
    h.call('delete_app_user', { user_id: 'u3' });
    assert.deepEqual(related('u2', 'followers'), ['u1']);
    const exported = exportFixture(h.store);
    assert.deepEqual(exported.user_relationships, [fixture.user_relationships[0], fixture.user_relationships[3]]);
    assert.deepEqual(exported.collections[1]!.documents.map((d) => d.id), ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'], 'import kept the file\'s ids');
  });
});

describe('argument checks', () => {
  const cases: [string, Record<string, unknown>, 'TypeError' | 'ValueError', string][] = [
    ['query', { collection_name: 'posts', limit: -1 }, 'ValueError', 'query(): limit must be a non-negative int, got -1'],
    ['query', { collection_name: 'posts', offset: 'x' }, 'ValueError', "query(): offset must be a non-negative int, got 'x'"],
    ['query', { collection_name: 'posts', order: 'up' }, 'ValueError', "query(): order must be 'asc' or 'desc', got 'up'"],
    ['query', { collection_name: 'posts', sort: '' }, 'ValueError', "query(): sort must be a field name, got ''"],
    ['query', { collection_name: 'posts', populate: [1] }, 'TypeError', 'query(): populate[0] must be a str, got int'],
    ['query', { collection_name: 'posts', '**': { status: [1] } }, 'TypeError', "query(): filter 'status' must be a str, int, float, bool or None, got list"],
    ['query', { collection_name: 'posts', '**': { status_gt: null } }, 'TypeError', "query(): filter 'status_gt' must be a str, int or float, got NoneType"],
    ['query', { collection_name: 'posts', '**': { status_isnull: 'maybe' } }, 'ValueError', `query(): filter 'status_isnull' must be True, False, "true", "false", "1" or "0", got 'maybe'`],
    ['query', { collection_name: 'posts', '**': { status_in: { a: 1 } } }, 'TypeError', "query(): filter 'status_in' must be a comma-separated str or a list, got dict"],
    ['query', { collection_name: 'posts', '**': { 'a..b': 1 } }, 'ValueError', "query(): filter 'a..b' names no field"],
    ['query_users', { limit: 1.5 }, 'ValueError', 'query_users(): limit must be a non-negative int, got 1.5'],
    ['aggregate_documents', { collection: 'posts', field: 'price', operation: 'median' }, 'ValueError',
      "aggregate_documents(): operation must be one of 'sum', 'avg', 'min', 'max', 'count', got 'median'"],
    ['bulk_create_documents', { collection: 'posts', documents: [1] }, 'TypeError', 'bulk_create_documents(): documents[0] must be a dict, got int'],
    ['bulk_update_documents', { collection: 'posts', updates: [{ name: 'x' }] }, 'TypeError', "bulk_update_documents(): updates[0]['id'] must be a str, got NoneType"],
    ['bulk_delete_documents', { collection: 'posts', ids: 'p1' }, 'TypeError', 'bulk_delete_documents(): ids must be a list, got str'],
  ];
  for (const [method, args, pyType, message] of cases) {
    test(`${method}(${JSON.stringify(args)}) raises ${pyType}`, () => assertDataError(() => h.call(method, args), pyType, message));
  }
});
