// Read-only views of the local database for the editor's data explorer: collections with their document
// counts, a collection's documents, the app users (never their password hashes).

import type { Store } from './store';
import type { FixtureDocument } from './fixtures';

export interface CollectionSummary {
  name: string;
  documents: number;
}

export interface AppUserSummary {
  id: string;
  email: string;
  data: Record<string, unknown>;
  roles: string[];
  created_at: string;
}

export function listCollections(store: Store): CollectionSummary[] {
  return store.rows(
    `SELECT c.name, (SELECT count(*) FROM documents d WHERE d.collection_id = c.id)
     FROM collections c WHERE c.project_id = ? ORDER BY c.name`,
    [store.projectId],
  ).map(([name, documents]) => ({ name: name as string, documents: Number(documents) }));
}

/** The newest documents of a collection first; empty when the collection does not exist. */
export function listDocuments(store: Store, collection: string, limit: number): FixtureDocument[] {
  return JSON.parse(store.jsonArray(
    `SELECT json_object('id', d.id, 'data', json(d.data), 'created_at', d.created_at, 'updated_at', d.updated_at)
     FROM documents d JOIN collections c ON c.id = d.collection_id
     WHERE c.project_id = ? AND c.name = ? ORDER BY d.rowid DESC LIMIT ?`,
    [store.projectId, collection, limit],
  )) as FixtureDocument[];
}

export function listAppUsers(store: Store, limit: number): AppUserSummary[] {
  return JSON.parse(store.jsonArray(
    `SELECT json_object('id', id, 'email', email, 'data', json(data), 'roles', json(roles), 'created_at', created_at)
     FROM app_users WHERE project_id = ? ORDER BY email LIMIT ?`,
    [store.projectId, limit],
  )) as AppUserSummary[];
}

export interface ParseClassSummary {
  className: string;
  objects: number;
}

/** An object of a Parse class as the data explorer shows it: its REST JSON (objectId, dates, fields). */
export interface ParseObjectView {
  objectId: string;
  json: Record<string, unknown>;
}

/**
 * The Parse classes of the store (the Parse dialect's `parse_objects` table) with their object counts; the
 * dialect's bookkeeping (`_SCHEMA`, the relation links `_Join:KEY:CLASS`) is not a class, as on Parse Server.
 */
export function listParseClasses(store: Store): ParseClassSummary[] {
  return store.rows("SELECT class_name, count(*) FROM parse_objects WHERE class_name != '_SCHEMA' AND substr(class_name, 1, 6) != '_Join:' GROUP BY class_name ORDER BY class_name")
    .map(([className, objects]) => ({ className: className as string, objects: Number(objects) }));
}

/** The newest objects of a Parse class first, as REST JSON without internal fields (`_…`, as the REST API). */
export function listParseObjects(store: Store, className: string, limit: number): ParseObjectView[] {
  return store.rows('SELECT object_id, created_at, updated_at, data FROM parse_objects WHERE class_name = ? ORDER BY rowid DESC LIMIT ?', [className, limit])
    .map(([objectId, createdAt, updatedAt, data]) => {
      const fields = JSON.parse(data as string) as Record<string, unknown>;
      for (const key of Object.keys(fields)) if (key.startsWith('_')) delete fields[key];
      return { objectId: objectId as string, json: { objectId, createdAt, updatedAt, ...fields } };
    });
}
