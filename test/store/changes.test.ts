// Change tracking for a run: exact counts, the first changes listed with before/after values, never a
// password hash, and takeChanges() starting the next run from zero.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxChangeItems } from '../../runtime/store/changes';
import { openHarness } from './support';

test('creates, updates and deletes of every kind are counted and listed', async () => {
  const h = await openHarness();
  const doc = h.call('create_document', { collection: 'users', data: { name: 'John' } });
  h.call('update_document_fields', { collection: 'users', document_id: doc.id, fields: { status: 'active' } });
  h.call('update_document', { collection: 'users', document_id: 'missing', data: {} });
  const user = h.call('create_app_user', { email: 'a@example.com', password: 'top-secret' });
  h.call('update_app_user', { user_id: user.id, password: 'even-more-secret', roles: ['admin'] });
  h.call('update_collection', { name: 'users', webhook_url: 'https://hook.test' });
  h.call('delete_document', { collection: 'users', document_id: doc.id });
  h.call('delete_app_user', { user_id: user.id });
  h.call('get_documents', { collection: 'users' });

  const changes = h.service.takeChanges();
  assert.deepEqual([changes.created, changes.updated, changes.deleted, changes.truncated], [3, 3, 2, false]);
  assert.deepEqual(changes.items.map((i) => [i.op, i.kind, i.collection ?? null]), [
    ['create', 'collection', 'users'],
    ['create', 'document', 'users'],
    ['update', 'document', 'users'],
    ['create', 'app_user', null],
    ['update', 'app_user', null],
    ['update', 'collection', 'users'],
    ['delete', 'document', 'users'],
    ['delete', 'app_user', null],
  ]);
  const update = changes.items[2]!;
  assert.equal(update.id, doc.id);
  assert.deepEqual((update.before as { data: unknown }).data, { name: 'John' });
  assert.deepEqual((update.after as { data: unknown }).data, { name: 'John', status: 'active' });
  assert.deepEqual((changes.items[4]!.after as { roles: unknown }).roles, ['admin']);
  assert.doesNotMatch(JSON.stringify(changes), /password|scrypt|secret/);
  assert.deepEqual(h.service.takeChanges(), { created: 0, updated: 0, deleted: 0, items: [], truncated: false });
});

test(`at most ${maxChangeItems} changes are listed; the counts stay exact`, async () => {
  const h = await openHarness();
  for (let i = 0; i < maxChangeItems + 50; i++) h.call('create_document', { collection: 'many', data: { i } });
  const changes = h.service.takeChanges();
  assert.equal(changes.created, maxChangeItems + 51);
  assert.equal(changes.items.length, maxChangeItems);
  assert.ok(changes.truncated);
});

test('deleting a collection counts its documents as deleted', async () => {
  const h = await openHarness();
  for (let i = 0; i < 3; i++) h.call('create_document', { collection: 'doomed', data: { i } });
  h.service.takeChanges();
  h.call('delete_collection', { name: 'doomed' });
  const changes = h.service.takeChanges();
  assert.equal(changes.deleted, 4);
  assert.deepEqual(changes.items.map((i) => [i.op, i.kind, i.collection]), [['delete', 'collection', 'doomed']]);
  assert.ok(changes.truncated, 'the documents are counted but not listed');
});

test('bulk inserts count as creates; only the first ones are listed', async () => {
  const h = await openHarness();
  const collectionId = h.service.ensureCollection('bulk');
  h.call('create_document', { collection: 'bulk', data: { before: true } });
  const rows = Array.from({ length: maxChangeItems + 100 }, (_, i) => [`id-${i}`, collectionId, JSON.stringify({ i }), '2026-01-01T00:00:00.000Z'].join('\x1f'));
  assert.equal(h.service.insertDocumentRecords(rows.join('\x1e')), rows.length);
  const changes = h.service.takeChanges();
  assert.equal(changes.created, rows.length + 2);
  assert.equal(changes.items.length, maxChangeItems);
  assert.deepEqual(changes.items[2], {
    op: 'create', kind: 'document', collection: 'bulk', id: 'id-0',
    after: { id: 'id-0', collection_id: collectionId, data: { i: 0 }, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' },
  });
  assert.equal(changes.items.at(-1)!.id, `id-${maxChangeItems - 3}`);
  assert.ok(changes.truncated);
});
