// Filters and search over documents: equality that keeps JSON types apart, dotted keys, None, case-insensitive
// substring search, and the automatic expression indexes (checked with EXPLAIN QUERY PLAN).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { AutoIndexes, filterClauses, jsonPath, maxAutoIndexes } from '../../runtime/store/documentQuery';
import { DataError } from '../../runtime/cocobase/dataService';
import { assertDataError, openHarness, type Harness } from './support';

/** The documents every filter and search case runs against, by name. */
const people: Record<string, Record<string, unknown>> = {
  ann: { status: 'active', flag: true, n: 1, score: 2.5, addr: { city: 'Paris', zip: '75001' }, tags: ['Admin', 'ops'], note: 'Likes Café crème' },
  bob: { status: 'active', flag: false, n: 0, score: 3, addr: { city: 'Lyon' }, tags: ['user'], note: null },
  cid: { status: 'inactive', flag: 1, n: 1.0, addr: { city: 'paris' }, s: '[1]', bio: 'JOHN smith' },
  dee: { status: 'pending', flag: 0, n: '1', s: [1], 'we"ird key': 'x', email: 'dee@example.com' },
  eve: { status: 'active', n: null, nested: { deep: { er: 'yes' } }, price: 10 },
};

const names = (documents: { data: { name: string } }[]): string[] => documents.map((d) => d.data.name);

describe('filters', () => {
  // [filters, names of the matching documents, oldest first].
  const cases: [Record<string, unknown>, string[]][] = [
    [{ status: 'active' }, ['ann', 'bob', 'eve']],
    [{ status: 'active', flag: true }, ['ann']],
    [{ flag: true }, ['ann']],
    [{ flag: false }, ['bob']],
    [{ flag: 1 }, ['cid']],
    [{ flag: 0 }, ['dee']],
    [{ n: 1 }, ['ann', 'cid']],
    [{ n: 1.0 }, ['ann', 'cid']],
    [{ n: '1' }, ['dee']],
    [{ n: 0 }, ['bob']],
    [{ score: 2.5 }, ['ann']],
    [{ score: 3 }, ['bob']],
    [{ n: null }, ['eve']],
    [{ note: null }, ['bob', 'cid', 'dee', 'eve']],
    [{ missing: null }, ['ann', 'bob', 'cid', 'dee', 'eve']],
    [{ 'addr.city': 'Paris' }, ['ann']],
    [{ 'addr.zip': '75001', status: 'active' }, ['ann']],
    [{ 'nested.deep.er': 'yes' }, ['eve']],
    [{ 'addr.city.nope': null }, ['ann', 'bob', 'cid', 'dee', 'eve']],
    [{ s: '[1]' }, ['cid']],
    [{ 'we"ird key': 'x' }, ['dee']],
    [{ status: 'nobody' }, []],
    [{}, ['ann', 'bob', 'cid', 'dee', 'eve']],
  ];
  let h: Harness;
  before(async () => {
    h = await openHarness();
    for (const [name, data] of Object.entries(people)) h.call('create_document', { collection: 'people', data: { name, ...data } });
  });
  for (const [filters, expected] of cases) {
    test(`${JSON.stringify(filters)} → ${expected.join(', ') || 'nothing'}`, () => {
      assert.deepEqual(names(h.call('get_documents', { collection: 'people', filters })), expected);
      assert.equal(h.call('count_documents', { collection: 'people', filters }), expected.length);
    });
  }
  test('filters on lists or dicts, and empty key parts, are refused', () => {
    assertDataError(() => h.call('get_documents', { collection: 'people', filters: { tags: ['user'] } }), 'TypeError',
      "get_documents(): filter 'tags' must be a str, int, float, bool or None, got list");
    assertDataError(() => h.call('count_documents', { collection: 'people', filters: { addr: { city: 'Lyon' } } }), 'TypeError', /got dict/);
    assertDataError(() => h.call('get_documents', { collection: 'people', filters: { 'addr..city': 'Lyon' } }), 'ValueError',
      "get_documents(): field name 'addr..city' has an empty part (a dot reaches into a nested field)");
  });
  test('numbers compare numerically whatever their JSON spelling (Python sends 1.0 for floats)', () => {
    for (const v of ['1.0', '1', '1e0']) h.service.call('create_document', `{"collection": "floats", "data": {"v": ${v}}}`);
    const count = (argsText: string): number => JSON.parse(h.service.call('count_documents', argsText));
    assert.equal(count('{"collection": "floats", "filters": {"v": 1.0}}'), 3);
    assert.equal(count('{"collection": "floats", "filters": {"v": 1}}'), 3);
  });
  test('limit and offset apply after filtering', () => {
    assert.deepEqual(names(h.call('get_documents', { collection: 'people', filters: { status: 'active' }, limit: 1, offset: 1 })), ['bob']);
  });
});

describe('search_documents', () => {
  // [search term, fields, names of the matching documents].
  const cases: [string, string[] | null, string[]][] = [
    ['paris', null, ['ann', 'cid']],
    ['PARIS', ['addr.city'], ['ann', 'cid']],
    ['paris', ['status'], []],
    ['john', null, ['cid']],
    ['John Smith', ['bio', 'note'], ['cid']],
    ['admin', ['tags'], ['ann']],
    ['admin', null, ['ann']],
    ['café', null, ['ann']],
    ['CAFÉ CR', ['note'], ['ann']],
    ['@example.', ['email'], ['dee']],
    ['yes', ['nested'], ['eve']],
    ['10', null, []],
    ['"', null, []],
    ['active', ['status'], ['ann', 'bob', 'cid', 'eve']],
    ['', null, ['ann', 'bob', 'cid', 'dee', 'eve']],
    ['x', ['we"ird key'], ['dee']],
  ];
  let h: Harness;
  before(async () => {
    h = await openHarness();
    for (const [name, data] of Object.entries(people)) h.call('create_document', { collection: 'people', data: { name, ...data } });
  });
  for (const [term, fields, expected] of cases) {
    test(`${JSON.stringify(term)} in ${fields ? fields.join(', ') : 'every string field'} → ${expected.join(', ') || 'nothing'}`, () => {
      const args = fields ? { collection: 'people', search_term: term, search_fields: fields } : { collection: 'people', search_term: term };
      assert.deepEqual(names(h.call('search_documents', args)), expected);
    });
  }
  test('limit', () => {
    assert.deepEqual(names(h.call('search_documents', { collection: 'people', search_term: 'a', limit: 2 })), ['ann', 'bob']);
  });
});

describe('automatic indexes', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
    for (let i = 0; i < 200; i++) h.call('create_document', { collection: 'orders', data: { status: ['a', 'b'][i % 2], sku: `s${i}`, 'odd key': i } });
  });
  const autoIndexes = (): string[] =>
    h.store.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name GLOB 'auto_doc_*' ORDER BY name").map((row) => row[0] as string);
  const fail = (pyType: string, message: string): never => {
    throw new Error(`${pyType}: ${message}`);
  };
  /** The query plan of a filtered query built exactly as the service builds it. */
  const plan = (filters: Record<string, unknown>, select: string): string => {
    const { clauses } = filterClauses(filters, fail);
    const where = ['collection_id = ?', ...clauses.map((c) => c.sql)].join(' AND ');
    return h.store.rows(`EXPLAIN QUERY PLAN SELECT ${select} FROM documents WHERE ${where} ORDER BY rowid`, ['x', ...clauses.flatMap((c) => c.params)])
      .map((row) => row[3]).join('\n');
  };

  test('a filter creates an index on exactly its expression, and queries use it', () => {
    assert.deepEqual(autoIndexes(), []);
    assert.equal(h.call('count_documents', { collection: 'orders', filters: { status: 'a' } }), 100);
    const name = AutoIndexes.indexName(jsonPath('status', fail));
    assert.deepEqual(autoIndexes(), [name]);
    assert.match(plan({ status: 'a' }, 'count(*)'), new RegExp(`USING COVERING INDEX ${name}`));
    assert.match(plan({ status: 'a' }, 'id'), new RegExp(`USING INDEX ${name}`));
    assert.doesNotMatch(plan({ status: 'a' }, 'id'), /TEMP B-TREE/);
    assert.ok(h.store.dirty, 'a new index is saved with the database');
  });

  test('booleans, numbers, None and quoted keys use their index too', () => {
    for (const filters of [{ flag: true }, { 'odd key': 1 }, { sku: null }, { 'a.b': 's1' }]) {
      h.call('get_documents', { collection: 'orders', filters, limit: 1 });
      const name = AutoIndexes.indexName(jsonPath(Object.keys(filters)[0]!, fail));
      assert.match(plan(filters, 'id'), new RegExp(`INDEX ${name}`), JSON.stringify(filters));
    }
  });

  test(`at most ${maxAutoIndexes} indexes are created; further filters still work`, () => {
    for (let i = 0; i < maxAutoIndexes + 5; i++) {
      assert.equal(h.call('count_documents', { collection: 'orders', filters: { [`f${i}`]: null } }), 200);
    }
    assert.equal(autoIndexes().length, maxAutoIndexes);
  });

  test('an index dropped by a rollback is created again', async () => {
    const other = await openHarness();
    other.call('create_document', { collection: 'c', data: { k: 1 } });
    const count = () => other.store.value("SELECT count(*) FROM sqlite_master WHERE name GLOB 'auto_doc_*'");
    other.store.begin();
    other.call('count_documents', { collection: 'c', filters: { k: 1 } });
    other.store.rollback();
    assert.equal(count(), 0);
    other.store.begin();
    other.call('count_documents', { collection: 'c', filters: { k: 1 } });
    other.store.commit();
    assert.equal(count(), 1);
  });

  test('DataError is what a bad field name raises through the service', () => {
    assert.throws(() => h.call('count_documents', { collection: 'orders', filters: { '.x': 1 } }), DataError);
  });
});
