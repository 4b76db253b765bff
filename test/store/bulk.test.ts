// The bulk insert path the Python side uses for batched creates, and the performance it and the filtered
// queries must keep on 100,000 documents (figures are printed as test diagnostics).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSchema } from '../../runtime/store/schema';
import { loadSqlJs } from '../../runtime/store/sqlite';
import { assertDataError, openHarness } from './support';

const now = '2026-11-21T12:00:00.000Z';

/** A record as the Python side writes it: compact JSON with ASCII escapes, fields separated by \x1f. */
const pythonRecord = (id: string, collectionId: string, data: string): string => [id, collectionId, data, now].join('\x1f');

test('insertDocumentRecords inserts documents as given, keeping key order and escapes', async () => {
  const h = await openHarness();
  const collectionId = h.service.ensureCollection('people');
  assert.equal(h.service.ensureCollection('people'), collectionId);
  const records = [
    pythonRecord('id-1', collectionId, '{"b":1,"2":"two","name":"Jos\\u00e9","ok":true,"none":null}'),
    pythonRecord('id-2', collectionId, '{"nested":{"list":[1,2.5,{"x":"y"}]},"big":123456789012345678901234567890,"e":1e+300,"s":"\\ud800\\u001e"}'),
  ];
  assert.equal(h.service.insertDocumentRecords(records.join('\x1e')), 2);
  const text = h.service.call('get_document', JSON.stringify({ collection: 'people', document_id: 'id-1' }));
  assert.match(text, /"data":\{"b":1,"2":"two","name":"Jos\\u00e9","ok":true,"none":null\}/);
  assert.deepEqual(JSON.parse(text), {
    id: 'id-1', collection_id: collectionId, data: { b: 1, 2: 'two', name: 'José', ok: true, none: null }, created_at: now, updated_at: now,
  });
  assert.deepEqual(h.call('get_documents', { collection: 'people', filters: { 'nested.list': null } }).map((d: { id: string }) => d.id), ['id-1']);
  assert.deepEqual(h.call('search_documents', { collection: 'people', search_term: 'josé' }).map((d: { id: string }) => d.id), ['id-1']);
  assert.equal(h.service.insertDocumentRecords(''), 0);
  // The run's change list shows each document as the store reads it back.
  const listed = h.service.takeChanges().items.filter((change) => change.kind === 'document');
  assert.deepEqual(listed.map((item) => item.id), ['id-1', 'id-2']);
  for (const item of listed) {
    assert.deepEqual(item.after, JSON.parse(h.service.call('get_document', JSON.stringify({ collection: 'people', document_id: item.id }))));
  }
});

test('the ensure_collection operation', async () => {
  const h = await openHarness();
  const collectionId = h.call('ensure_collection', { name: 'ops' });
  assert.equal(h.call('get_collection', { name: 'ops' }).id, collectionId);
  assert.equal(h.service.insertDocumentRecords([pythonRecord('a', collectionId, '{"n":1}'), pythonRecord('b', collectionId, '{"n":2}')].join('\x1e')), 2);
  assert.equal(h.call('count_documents', { collection: 'ops', filters: { n: 2 } }), 1);
});

test('the new_ids operation hands out distinct random UUIDs, at most 4096 at a time', async () => {
  const h = await openHarness();
  const ids = h.call('new_ids', { count: 3 }) as string[];
  assert.equal(ids.length, 3);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set([...ids, ...(h.call('new_ids', { count: 10_000 }) as string[])]).size, 3 + 4096);
  assert.deepEqual(h.call('new_ids', { count: 0 }), []);
  assertDataError(() => h.call('new_ids', { count: -1 }), 'ValueError', /count must be a non-negative int/);
  assertDataError(() => h.call('new_ids', {}), 'TypeError', /count/);
});

test('bad records are a ValueError and insert nothing', async () => {
  const h = await openHarness();
  const collectionId = h.service.ensureCollection('c');
  const bad: [string, string][] = [
    ['an unknown collection', pythonRecord('x', 'no-such-collection', '{}')],
    ['a missing data dict', ['x', collectionId].join('\x1f')],
    ['a duplicate id', [pythonRecord('dup', collectionId, '{}'), pythonRecord('dup', collectionId, '{}')].join('\x1e')],
  ];
  for (const [what, records] of bad) {
    assertDataError(() => h.service.insertDocumentRecords(records), 'ValueError', /^create_document\(\): cannot insert the batch/);
    assert.equal(h.call('count_documents', { collection: 'c' }), 0, what);
  }
});

test('100,000 documents: bulk insert, then filtered count and get in a few ms', async (t) => {
  const count = 100_000;
  const statuses = ['active', 'pending', 'closed', 'refunded'];
  const dataOf = (i: number) => ({ name: `item ${i}`, status: statuses[i % 4], price: i * 1.5, tags: ['a', 'b'], sku: `sku-${i % 1000}` });
  const ids = Array.from({ length: count }, () => crypto.randomUUID());
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  const time = (work: () => unknown): number => {
    const started = performance.now();
    work();
    return performance.now() - started;
  };

  // Raw sql.js: one prepared insert per row, one transaction, default settings.
  const SQL = await loadSqlJs();
  const raw = new SQL.Database();
  createSchema(raw);
  const rawMs = time(() => {
    raw.run('BEGIN');
    const insert = raw.prepare('INSERT INTO documents (id, collection_id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < count; i++) insert.run([ids[i]!, 'collection-1', JSON.stringify(dataOf(i)), now, now]);
    insert.free();
    raw.run('COMMIT');
  });
  raw.close();

  const h = await openHarness();
  const collectionId = h.service.ensureCollection('orders');
  const records = ids.map((id, i) => pythonRecord(id, collectionId, JSON.stringify(dataOf(i)))).join('\x1e');
  h.store.begin();
  const bulkMs = time(() => assert.equal(h.service.insertDocumentRecords(records), count));
  const commitMs = time(() => h.store.commit());
  t.diagnostic(`insert ${count} rows: insertDocumentRecords ${bulkMs.toFixed(0)} ms (+ commit ${commitMs.toFixed(0)} ms); raw sql.js prepared insert per row ${rawMs.toFixed(0)} ms`);

  const indexMs = time(() => assert.equal(h.call('count_documents', { collection: 'orders', filters: { status: 'refunded' } }), count / 4));
  const probes: [string, Record<string, unknown>, (result: unknown) => void][] = [
    ['count_documents, 1 filter (25,000 matches)', { op: 'count_documents', collection: 'orders', filters: { status: 'refunded' } }, (r) => assert.equal(r, 25_000)],
    ['get_documents, 1 filter, limit=10', { op: 'get_documents', collection: 'orders', filters: { status: 'active' }, limit: 10 }, (r) => assert.equal((r as unknown[]).length, 10)],
    ['get_documents, selective filter (100 matches)', { op: 'get_documents', collection: 'orders', filters: { sku: 'sku-7' } }, (r) => assert.equal((r as unknown[]).length, 100)],
  ];
  for (const [label, { op, ...args }, check] of probes) {
    check(h.call(op as string, args));
    const times = Array.from({ length: 30 }, () => time(() => h.service.call(op as string, JSON.stringify(args))));
    t.diagnostic(`${label}: median ${median(times).toFixed(2)} ms`);
    // The goal is 3 ms; the bound leaves room for a busy machine.
    assert.ok(median(times) < 15, `${label} took ${median(times).toFixed(2)} ms`);
  }
  t.diagnostic(`first filtered call, creating the index: ${indexMs.toFixed(0)} ms`);
});

test('insertDocumentRecords stores each data text as given, all or nothing', async () => {
  const h = await openHarness();
  const collectionId = h.service.ensureCollection('people');
  const record = (id: string, data: string): string => pythonRecord(id, collectionId, data);
  assert.equal(h.service.insertDocumentRecords([record('r-1', '{"b":1,"2":"two","s":"a\\u001eb"}'), record('r-2', '{"n":null}')].join('\x1e')), 2);
  assert.match(h.service.call('get_document', JSON.stringify({ collection: 'people', document_id: 'r-1' })), /"data":\{"b":1,"2":"two","s":"a\\u001eb"\}/);
  assert.equal(h.call('count_documents', { collection: 'people' }), 2);
  assert.equal(h.service.insertDocumentRecords(''), 0);
  // A duplicate id in the middle of a batch: the whole batch is refused, nothing of it is kept.
  assertDataError(() => h.service.insertDocumentRecords([record('r-3', '{}'), record('r-1', '{}')].join('\x1e')), 'ValueError', /^create_document\(\): cannot insert the batch/);
  assertDataError(() => h.service.insertDocumentRecords('r-4\x1fonly-two-fields'), 'ValueError', /fewer than 4 fields/);
  assert.equal(h.call('count_documents', { collection: 'people' }), 2);
});
