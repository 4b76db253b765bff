// Fixtures: the database as a JSON file to share or seed (`cloudfn db export|import`). Collections carry
// their documents; app users carry no password or hash (an imported user may bring a "password", which is
// hashed), and relationships between app users travel in an optional `user_relationships` list (ids as in the
// file: import keeps given ids, so a fixture can hold relations by id). Import checks the whole fixture first
// and names the bad path, e.g. `collections[2].documents[0].data must be an object`.

import { isObject, type JsonObject } from '../jsonValues';
import { hashPassword, unusablePasswordHash } from './passwords';
import { exportRelationships, insertRelationship, type Relationship } from './relationships';
import { newId, nowIso } from './schema';
import type { Store } from './store';

export const fixtureFormat = 'cloudfn-fixture';
export const fixtureVersion = 1;

export interface FixtureDocument {
  id: string;
  data: JsonObject;
  created_at: string;
  updated_at: string;
}

export interface FixtureCollection {
  name: string;
  webhook_url: string | null;
  documents: FixtureDocument[];
}

export interface FixtureAppUser {
  id: string;
  email: string;
  data: JsonObject;
  roles: string[];
  created_at: string;
  /** Only in fixtures written by hand: the password to hash on import. Exports never contain it. */
  password?: string;
}

export interface Fixture {
  format: typeof fixtureFormat;
  version: typeof fixtureVersion;
  collections: FixtureCollection[];
  app_users: FixtureAppUser[];
  /** Relationships between app users (db.add_user_relationship); exports leave the key out when there are none. */
  user_relationships?: Relationship[];
}

/** What an import wrote. */
export interface ImportCounts {
  collections: number;
  documents: number;
  app_users: number;
  user_relationships: number;
}

/** A fixture that cannot be imported; the message names the bad path. Nothing was written. */
export class FixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureError';
  }
}

/** The project's collections (with their documents) and app users, oldest first. */
export function exportFixture(store: Store): Fixture {
  const projectId = store.projectId;
  const collections = store.rows('SELECT id, name, webhook_url FROM collections WHERE project_id = ? ORDER BY rowid', [projectId])
    .map(([id, name, webhookUrl]): FixtureCollection => ({
      name: name as string,
      webhook_url: webhookUrl as string | null,
      documents: JSON.parse(store.jsonArray(
        `SELECT json_object('id', id, 'data', json(data), 'created_at', created_at, 'updated_at', updated_at)
         FROM documents WHERE collection_id = ? ORDER BY rowid`,
        [id],
      )) as FixtureDocument[],
    }));
  const appUsers = JSON.parse(store.jsonArray(
    `SELECT json_object('id', id, 'email', email, 'data', json(data), 'roles', json(roles), 'created_at', created_at)
     FROM app_users WHERE project_id = ? ORDER BY rowid`,
    [projectId],
  )) as FixtureAppUser[];
  const relationships = exportRelationships(store, projectId);
  const fixture: Fixture = { format: fixtureFormat, version: fixtureVersion, collections, app_users: appUsers };
  if (relationships.length > 0) fixture.user_relationships = relationships;
  return fixture;
}

/**
 * Writes a fixture into the database, as one unit. With `replace`, the project's collections, documents and
 * app users are removed first; otherwise the fixture is merged: collections by name, documents and users by
 * id (the fixture's values win, existing users keep their password unless the fixture gives one). Ids and
 * timestamps are kept when given. Throws FixtureError, writing nothing, when the fixture is not valid.
 */
export function importFixture(store: Store, fixture: unknown, options: { replace: boolean }): ImportCounts {
  const checked = checkFixture(fixture);
  const projectId = store.projectId;
  return store.atomically(() => {
    if (options.replace) {
      store.run('DELETE FROM documents WHERE collection_id IN (SELECT id FROM collections WHERE project_id = ?)', [projectId]);
      store.run('DELETE FROM collections WHERE project_id = ?', [projectId]);
      store.run('DELETE FROM app_users WHERE project_id = ?', [projectId]);
      store.run('DELETE FROM user_relationships WHERE project_id = ?', [projectId]);
    }
    const counts: ImportCounts = { collections: 0, documents: 0, app_users: 0, user_relationships: 0 };
    const now = nowIso();
    for (const collection of checked.collections) {
      const collectionId = store.value(
        `INSERT INTO collections (id, project_id, name, webhook_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project_id, name) DO UPDATE SET webhook_url = excluded.webhook_url, updated_at = excluded.updated_at
         RETURNING id`,
        [newId(), projectId, collection.name, collection.webhook_url, now, now],
      ) as string;
      counts.collections++;
      for (const document of collection.documents) {
        store.run(
          `INSERT INTO documents (id, collection_id, data, created_at, updated_at) VALUES (?, ?, json(?), ?, ?)
           ON CONFLICT (id) DO UPDATE SET collection_id = excluded.collection_id, data = excluded.data,
             created_at = excluded.created_at, updated_at = excluded.updated_at`,
          [document.id, collectionId, JSON.stringify(document.data), document.created_at, document.updated_at],
        );
        counts.documents++;
      }
    }
    checked.app_users.forEach((user, index) => {
      const owner = store.value('SELECT id FROM app_users WHERE project_id = ? AND email = ?', [projectId, user.email]);
      if (owner !== undefined && owner !== user.id) {
        throw new FixtureError(`app_users[${index}].email '${user.email}' is already taken by another app user in the database`);
      }
      const given = user.password !== undefined;
      store.run(
        `INSERT INTO app_users (id, project_id, email, password_hash, data, roles, created_at, updated_at)
         VALUES (?, ?, ?, ?, json(?), json(?), ?, ?)
         ON CONFLICT (id) DO UPDATE SET email = excluded.email, data = excluded.data, roles = excluded.roles,
           created_at = excluded.created_at, updated_at = excluded.updated_at,
           password_hash = iif(?, excluded.password_hash, app_users.password_hash)`,
        [user.id, projectId, user.email, given ? hashPassword(user.password!) : unusablePasswordHash(),
          JSON.stringify(user.data), JSON.stringify(user.roles), user.created_at, user.created_at, given ? 1 : 0],
      );
      counts.app_users++;
    });
    for (const relationship of checked.user_relationships ?? []) {
      insertRelationship(store, projectId, relationship);
      counts.user_relationships++;
    }
    return counts;
  });
}

/** The fixture with every optional field filled in; throws FixtureError at the first problem. */
function checkFixture(input: unknown): Fixture {
  const fixture = objectAt(input, 'the fixture', ['format', 'version', 'collections', 'app_users', 'user_relationships']);
  if (fixture.format !== fixtureFormat) throw new FixtureError(`format must be "${fixtureFormat}"`);
  if (fixture.version !== fixtureVersion) throw new FixtureError(`version must be ${fixtureVersion} (this cloudfn reads version ${fixtureVersion})`);
  const now = nowIso();
  const documentIds = new Map<string, string>();
  const collectionNames = new Map<string, string>();
  const collections = listAt(fixture.collections, 'collections').map((item, c): FixtureCollection => {
    const at = `collections[${c}]`;
    const collection = objectAt(item, at, ['name', 'webhook_url', 'documents']);
    const name = stringAt(collection.name, `${at}.name`);
    unique(collectionNames, name, `${at}.name`);
    const webhookUrl = collection.webhook_url === undefined || collection.webhook_url === null ? null : stringAt(collection.webhook_url, `${at}.webhook_url`, true);
    const documents = listAt(collection.documents, `${at}.documents`).map((entry, d): FixtureDocument => {
      const where = `${at}.documents[${d}]`;
      const document = objectAt(entry, where, ['id', 'data', 'created_at', 'updated_at']);
      const id = document.id === undefined ? newId() : stringAt(document.id, `${where}.id`);
      unique(documentIds, id, `${where}.id`);
      const createdAt = timestampAt(document.created_at, `${where}.created_at`, now);
      return {
        id,
        data: objectAt(document.data, `${where}.data`),
        created_at: createdAt,
        updated_at: timestampAt(document.updated_at, `${where}.updated_at`, createdAt),
      };
    });
    return { name, webhook_url: webhookUrl, documents };
  });
  const userIds = new Map<string, string>();
  const emails = new Map<string, string>();
  const appUsers = listAt(fixture.app_users, 'app_users').map((item, u): FixtureAppUser => {
    const at = `app_users[${u}]`;
    const user = objectAt(item, at, ['id', 'email', 'data', 'roles', 'created_at', 'password']);
    const id = user.id === undefined ? newId() : stringAt(user.id, `${at}.id`);
    unique(userIds, id, `${at}.id`);
    const email = stringAt(user.email, `${at}.email`);
    if (!email.includes('@')) throw new FixtureError(`${at}.email must be an email address`);
    unique(emails, email.toLowerCase(), `${at}.email`);
    const roles = user.roles === undefined ? [] : listAt(user.roles, `${at}.roles`);
    roles.forEach((role, r) => stringAt(role, `${at}.roles[${r}]`));
    const checked: FixtureAppUser = {
      id,
      email,
      data: user.data === undefined ? {} : objectAt(user.data, `${at}.data`),
      roles: roles as string[],
      created_at: timestampAt(user.created_at, `${at}.created_at`, now),
    };
    if (user.password !== undefined) checked.password = stringAt(user.password, `${at}.password`);
    return checked;
  });
  const relationships = listAt(fixture.user_relationships, 'user_relationships').map((item, r): Relationship => {
    const at = `user_relationships[${r}]`;
    const relationship = objectAt(item, at, ['user_id', 'related_user_id', 'relationship_type', 'created_at']);
    return {
      user_id: stringAt(relationship.user_id, `${at}.user_id`),
      related_user_id: stringAt(relationship.related_user_id, `${at}.related_user_id`),
      relationship_type: stringAt(relationship.relationship_type, `${at}.relationship_type`),
      created_at: timestampAt(relationship.created_at, `${at}.created_at`, now),
    };
  });
  return { format: fixtureFormat, version: fixtureVersion, collections, app_users: appUsers, user_relationships: relationships };
}

/** An object; with `keys`, any other key is reported (a typo would otherwise be ignored silently). */
function objectAt(value: unknown, at: string, keys?: string[]): JsonObject {
  if (!isObject(value)) throw new FixtureError(`${at} must be an object`);
  const unknown = keys && Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined) throw new FixtureError(`${at} has an unknown key "${unknown}" (known: ${keys!.join(', ')})`);
  return value;
}

/** A list; missing means empty. */
function listAt(value: unknown, at: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FixtureError(`${at} must be a list`);
  return value;
}

function stringAt(value: unknown, at: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) throw new FixtureError(`${at} must be a non-empty string`);
  return value;
}

/** An ISO 8601 timestamp with a time zone, normalized to UTC with milliseconds; `fallback` when missing. */
function timestampAt(value: unknown, at: string, fallback: string): string {
  if (value === undefined) return fallback;
  const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
  const time = typeof value === 'string' && pattern.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) throw new FixtureError(`${at} must be an ISO 8601 timestamp with a time zone, like "2026-01-31T12:00:00.000Z"`);
  return new Date(time).toISOString();
}

function unique(seen: Map<string, string>, key: string, at: string): void {
  const first = seen.get(key);
  if (first !== undefined) throw new FixtureError(`${at} '${key}' appears twice (also at ${first})`);
  seen.set(key, at);
}
