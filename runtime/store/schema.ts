// The local database's schema, in CocoBASE's shape: projects, collections, documents (JSON `data`) and
// app_users, plus the Parse dialect's parse_objects and a `meta` table holding the schema version. Also the
// JSON shapes that queries return, written once as SQL so that every query builds results the same way.

import { randomUUID } from 'node:crypto';
import type { Database } from 'sql.js';

/** Version written to `meta.schema_version`; bump it with a new entry in `migrations`. */
export const schemaVersion = 5;

/** The one project of a local database; `:project_id` in raw queries binds its id. */
export const defaultProject = { id: 'local-project', name: 'Local project' } as const;

/** Timestamps are ISO 8601 strings in UTC with milliseconds, e.g. `2026-11-21T12:00:00.000Z`. */
export const nowIso = (): string => new Date(Date.now()).toISOString();

/** Ids are uuid4 strings. */
export const newId = (): string => randomUUID();

/** `migrations[i]` moves a database from schema version i to i + 1 (version 0 is an empty database). */
const migrations: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE projects (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     created_at TEXT NOT NULL);
   CREATE TABLE collections (
     id TEXT PRIMARY KEY,
     project_id TEXT NOT NULL REFERENCES projects(id),
     name TEXT NOT NULL,
     webhook_url TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     UNIQUE (project_id, name));
   CREATE TABLE documents (
     id TEXT PRIMARY KEY,
     collection_id TEXT NOT NULL REFERENCES collections(id),
     data TEXT NOT NULL DEFAULT '{}',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL);
   CREATE INDEX documents_collection ON documents(collection_id);
   CREATE TABLE app_users (
     id TEXT PRIMARY KEY,
     project_id TEXT NOT NULL REFERENCES projects(id),
     email TEXT NOT NULL COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     data TEXT NOT NULL DEFAULT '{}',
     roles TEXT NOT NULL DEFAULT '[]',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     UNIQUE (project_id, email));`,
  // Parse Cloud Code dialect (runtime/parse/): objects of Parse classes. `data` is the JSON of the object's
  // fields other than objectId/createdAt/updatedAt; rowid keeps insertion order (Parse's default order).
  `CREATE TABLE parse_objects (
     class_name TEXT NOT NULL,
     object_id TEXT NOT NULL,
     data TEXT NOT NULL DEFAULT '{}',
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (class_name, object_id));`,
  // The current CocoBASE API: relationships between app users (store/relationships.ts; rowid keeps the order
  // they were made in), local sign-in tokens that db.find_user(auth_token=...) resolves (only a hash of each
  // token is kept), and the index behind the default order of db.query (newest first).
  `CREATE TABLE user_relationships (
     project_id TEXT NOT NULL REFERENCES projects(id),
     user_id TEXT NOT NULL,
     related_user_id TEXT NOT NULL,
     relationship_type TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (project_id, user_id, relationship_type, related_user_id));
   CREATE INDEX user_relationships_related ON user_relationships(project_id, related_user_id, relationship_type);
   CREATE TABLE app_user_tokens (
     token_hash TEXT PRIMARY KEY,
     project_id TEXT NOT NULL REFERENCES projects(id),
     user_id TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT);
   CREATE INDEX documents_newest ON documents(collection_id, created_at DESC, id);`,
  // Triggers (runtime/cocobase/triggers/): the log of every execution of a function (the newest 500 per
  // function are kept; `parent_id` names the execution whose write fired a hook or webhook), the run records
  // of each schedule and its totals.
  `CREATE TABLE executions (
     id TEXT PRIMARY KEY,
     project_id TEXT NOT NULL REFERENCES projects(id),
     function_name TEXT NOT NULL,
     triggered_by TEXT NOT NULL,
     trigger_detail TEXT,
     status TEXT NOT NULL,
     started_at TEXT NOT NULL,
     duration_ms REAL NOT NULL,
     payload TEXT NOT NULL DEFAULT '{}',
     logs TEXT NOT NULL DEFAULT '',
     result TEXT,
     error TEXT,
     status_code INTEGER,
     parent_id TEXT);
   CREATE INDEX executions_function ON executions(project_id, function_name, started_at DESC);
   CREATE INDEX executions_started ON executions(project_id, started_at DESC);
   CREATE TABLE schedule_runs (
     project_id TEXT NOT NULL REFERENCES projects(id),
     schedule_name TEXT NOT NULL,
     execution_id TEXT,
     ran_at TEXT NOT NULL,
     duration_ms REAL NOT NULL,
     status TEXT NOT NULL,
     result TEXT,
     error TEXT);
   CREATE INDEX schedule_runs_name ON schedule_runs(project_id, schedule_name, ran_at DESC);
   CREATE TABLE schedule_state (
     project_id TEXT NOT NULL REFERENCES projects(id),
     schedule_name TEXT NOT NULL,
     last_run_at TEXT,
     last_status TEXT,
     last_error TEXT,
     total_runs INTEGER NOT NULL DEFAULT 0,
     failed_runs INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (project_id, schedule_name));`,
  // The fire time a process (serve, the editor's runtime host) last claimed for a schedule, so that two of them
  // on the same database run it once (runtime/cocobase/triggers/scheduleClaims.ts).
  `ALTER TABLE schedule_state ADD COLUMN claimed_fire_at TEXT;
   ALTER TABLE schedule_state ADD COLUMN claimed_by TEXT;
   ALTER TABLE schedule_state ADD COLUMN claimed_at TEXT;`,
];

/** The schema version of a database, or undefined when it has no `meta` table (not a cloudfn database). */
export function readSchemaVersion(db: Database): number | undefined {
  const hasMeta = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (hasMeta.length === 0) return undefined;
  const rows = db.exec("SELECT value FROM meta WHERE key = 'schema_version'");
  return rows.length === 0 ? 0 : Number(rows[0].values[0][0]);
}

/**
 * Brings a database from `fromVersion` (0 for an empty one) to the current schema and makes sure the
 * default project exists. The caller owns the transaction.
 */
export function applySchema(db: Database, fromVersion: number, now: string): void {
  for (let version = fromVersion; version < schemaVersion; version++) db.exec(migrations[version]);
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [String(schemaVersion)]);
  db.run('INSERT OR IGNORE INTO projects (id, name, created_at) VALUES (?, ?, ?)', [defaultProject.id, defaultProject.name, now]);
}

/** Creates the current schema and the default project in an empty database. */
export function createSchema(db: Database, now: string = nowIso()): void {
  applySchema(db, 0, now);
}

/** JSON of a document row (table `documents`), in the shape `db.*document*` calls return. */
export const documentJsonSql = `json_object('id', documents.id, 'collection_id', documents.collection_id, `
  + `'data', json(documents.data), 'created_at', documents.created_at, 'updated_at', documents.updated_at)`;

/** JSON of a collection row (table `collections`). */
export const collectionJsonSql = `json_object('id', collections.id, 'name', collections.name, `
  + `'webhook_url', collections.webhook_url, 'created_at', collections.created_at, 'updated_at', collections.updated_at)`;

/** JSON of an app user row (table `app_users`); the password hash is never part of it. */
export const appUserJsonSql = `json_object('id', app_users.id, 'email', app_users.email, 'data', json(app_users.data), `
  + `'roles', json(app_users.roles), 'created_at', app_users.created_at, 'updated_at', app_users.updated_at)`;
