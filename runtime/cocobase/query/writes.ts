// The current API's db writes: bulk_create/update/delete_documents (each document counts as a single write
// in the run's changes) and the relationships between app users (store/relationships.ts). User data goes
// from the arguments' JSON text to SQLite untouched, as in the data service.

import type { Args } from '../../store/callArguments';
import { pyRepr, pyTypeName } from '../../store/callArguments';
import type { ChangeTracker } from '../../store/changes';
import { keyPath } from '../../store/documentQuery';
import { deleteRelationship, insertRelationship } from '../../store/relationships';
import { documentJsonSql, newId, nowIso } from '../../store/schema';
import type { QueryEnv } from './compile';
import { stringifyExact } from './exactJson';
import { documentColumnsSql, flatDocument } from './records';

/** What the writes need from the data service besides the store. */
export interface WriteEnv extends QueryEnv {
  changes: ChangeTracker;
  /** The id of a collection, created (and recorded) when missing. */
  ensureCollection(name: string): string;
  /** SQL merging top-level keys into a JSON column (the data service's, shared with update_document_fields). */
  mergeSql(column: string, keys: string[], first: number): string;
}

export class QueryWrites {
  constructor(private readonly env: WriteEnv) {}

  readonly handlers: Record<string, (a: Args) => string> = {
    bulk_create_documents: (a) => this.bulkCreate(a),
    bulk_update_documents: (a) => this.bulkUpdate(a),
    bulk_delete_documents: (a) => this.bulkDelete(a),
    add_user_relationship: (a) => this.addRelationship(a),
    remove_user_relationship: (a) => this.removeRelationship(a),
  };

  private list(a: Args, name: string): unknown[] {
    const value = a.get(name);
    if (!Array.isArray(value)) a.fail('TypeError', `${name} must be a list, got ${pyTypeName(value)}`);
    return value;
  }

  private bulkCreate(a: Args): string {
    const collection = a.name('collection');
    const documents = this.list(a, 'documents');
    documents.forEach((document, index) => {
      if (document === null || typeof document !== 'object' || Array.isArray(document)) {
        a.fail('TypeError', `documents[${index}] must be a dict, got ${pyTypeName(document)}`);
      }
    });
    const { store } = this.env;
    const collectionId = this.env.ensureCollection(collection);
    const now = nowIso();
    const insert = store.prepare(
      `INSERT INTO documents (id, collection_id, data, created_at, updated_at) VALUES (?, ?, json_extract(?, ?), ?, ?) RETURNING ${documentColumnsSql('documents')}`,
    );
    const created = store.atomically(() => documents.map((_, index) => {
      const id = newId();
      insert.bind([id, collectionId, a.raw, `$.documents[${index}]`, now, now]);
      insert.step();
      const row = insert.get();
      insert.reset();
      return flatDocument(row);
    }));
    this.env.changes.addMany('create', created.length, (room) => created.slice(0, room).map((document) => {
      const id = document.get('id') as string;
      return { op: 'create', kind: 'document', collection, id, after: JSON.parse(store.value(`SELECT ${documentJsonSql} FROM documents WHERE id = ?`, [id]) as string) as object };
    }));
    return `{"count": ${created.length}, "data": [${created.map(stringifyExact).join(', ')}]}`;
  }

  private bulkUpdate(a: Args): string {
    const collection = a.name('collection');
    const updates = this.list(a, 'updates');
    updates.forEach((update, index) => {
      if (update === null || typeof update !== 'object' || Array.isArray(update)) a.fail('TypeError', `updates[${index}] must be a dict, got ${pyTypeName(update)}`);
      const id = (update as Record<string, unknown>).id;
      if (typeof id !== 'string') a.fail('TypeError', `updates[${index}]['id'] must be a str, got ${pyTypeName(id)}`);
    });
    const { store } = this.env;
    const collectionId = this.env.collectionId(collection);
    if (collectionId === undefined) return `{"count": 0, "failed": ${updates.length}}`;
    let count = 0;
    store.atomically(() => updates.forEach((update, index) => {
      const { id, ...fields } = update as Record<string, unknown>;
      const keys = Object.keys(fields);
      const before = this.env.changes.wantsItems ? store.value(`SELECT ${documentJsonSql} FROM documents WHERE id = ? AND collection_id = ?`, [id as string, collectionId]) : undefined;
      const params = [a.raw, ...keys.flatMap((key) => [keyPath(key), `$.updates[${index}]${keyPath(key).slice(1)}`])];
      const last = params.length;
      const after = store.value(
        `UPDATE documents SET data = ${this.env.mergeSql('data', keys, 2)}, updated_at = ?${last + 1} WHERE id = ?${last + 2} AND collection_id = ?${last + 3} RETURNING ${documentJsonSql}`,
        [...params, nowIso(), id as string, collectionId],
      ) as string | undefined;
      if (after === undefined) return;
      count++;
      this.env.changes.add('update', 'document', () => ({ collection, id: id as string, before: JSON.parse(before as string) as object, after: JSON.parse(after) as object }));
    }));
    return `{"count": ${count}, "failed": ${updates.length - count}}`;
  }

  private bulkDelete(a: Args): string {
    const collection = a.name('collection');
    const ids = this.list(a, 'ids');
    ids.forEach((id, index) => {
      if (typeof id !== 'string') a.fail('TypeError', `ids[${index}] must be a str, got ${pyTypeName(id)}`);
    });
    const { store } = this.env;
    const collectionId = this.env.collectionId(collection);
    if (collectionId === undefined) return '{"count": 0}';
    let count = 0;
    store.atomically(() => {
      for (const id of new Set(ids as string[])) {
        const before = store.value(`DELETE FROM documents WHERE id = ? AND collection_id = ? RETURNING ${documentJsonSql}`, [id, collectionId]) as string | undefined;
        if (before === undefined) continue;
        count++;
        this.env.changes.add('delete', 'document', () => ({ collection, id, before: JSON.parse(before) as object }));
      }
    });
    return `{"count": ${count}}`;
  }

  /** The ids and type of a relationship call, checked: ids must be app users (a group id for "members"). */
  private relationshipArguments(a: Args): { userId: string; relatedUserId: string; type: string; bidirectional: boolean } {
    const userId = a.name('user_id');
    const relatedUserId = a.name('related_user_id');
    const type = a.name('relationship_type');
    const bidirectional = a.get('bidirectional') ?? false;
    if (typeof bidirectional !== 'boolean') a.fail('TypeError', `bidirectional must be a bool, got ${pyTypeName(bidirectional)}`);
    const mustBeUsers = type === 'members' ? [relatedUserId] : [userId, relatedUserId];
    for (const id of mustBeUsers) {
      const exists = this.env.store.value('SELECT 1 FROM app_users WHERE project_id = ? AND id = ?', [this.env.projectId, id]);
      if (exists === undefined) a.fail('ValueError', `${pyRepr(id)} is not an app user`);
    }
    return { userId, relatedUserId, type, bidirectional: bidirectional && type !== 'members' };
  }

  private addRelationship(a: Args): string {
    const { userId, relatedUserId, type, bidirectional } = this.relationshipArguments(a);
    const { store, projectId } = this.env;
    const now = nowIso();
    const added = store.atomically(() => {
      const forward = insertRelationship(store, projectId, { user_id: userId, related_user_id: relatedUserId, relationship_type: type, created_at: now });
      const reverse = bidirectional && insertRelationship(store, projectId, { user_id: relatedUserId, related_user_id: userId, relationship_type: type, created_at: now });
      return forward || reverse;
    });
    return JSON.stringify({ success: true, message: added ? 'relationship added' : 'relationship already exists', bidirectional });
  }

  private removeRelationship(a: Args): string {
    const { userId, relatedUserId, type, bidirectional } = this.relationshipArguments(a);
    const { store, projectId } = this.env;
    const removed = store.atomically(() => {
      const forward = deleteRelationship(store, projectId, userId, relatedUserId, type);
      const reverse = bidirectional && deleteRelationship(store, projectId, relatedUserId, userId, type);
      return forward || reverse;
    });
    return JSON.stringify({ success: removed, message: removed ? 'relationship removed' : 'relationship not found', bidirectional });
  }
}
