// The CocoBASE data service behind the `db` object of a cloud function: every db method of the API model,
// with CocoBASE's shapes and miss semantics (None, [], False, 0), over a Store. The Python bridge calls
// `call(op, argsJson)` with named arguments as JSON and gets JSON text back; results are built as JSON in
// SQL, and user data goes from the argument text to the database without a JavaScript round trip, so key
// order and JSON types are kept exactly.

import type { SqlValue, Statement } from 'sql.js';
import { dbObject, type ApiFunction } from './apiModel';
import { Args, DataError, pyRepr, pyTypeName, type ParamSpec } from '../store/callArguments';
import { isObject, type JsonObject } from '../jsonValues';
import { ChangeTracker, maxChangeItems, type RunChanges } from '../store/changes';
import { AutoIndexes, filterClauses, icontains, icontainsFunction, keyPath, searchClause, type Clause } from '../store/documentQuery';
import { hashPassword } from '../store/passwords';
import { appUserJsonSql, collectionJsonSql, documentJsonSql, newId, nowIso } from '../store/schema';
import type { Store } from '../store/store';
import { forgetUser } from '../store/relationships';
import { defineQueryFunctions } from './query/compile';
import { exactToPlain, parseExact } from './query/exactJson';
import { extraKeywordsKey, QueryReads } from './query/service';
import { QueryWrites, type WriteEnv } from './query/writes';
import { errorMessage } from '../errorMessage';

export { DataError, type PyErrorType } from '../store/callArguments';
export { verifyPassword } from '../store/passwords';

type Handler = (args: Args) => string;

/** Parameters of every db method, read from the API model (required = no default). */
const modelParams: Record<string, ParamSpec[]> = Object.fromEntries(
  dbObject.members
    .filter((member): member is ApiFunction => member.kind === 'function')
    .map((member) => [member.name, [
      ...member.params.map((param) => ({ name: param.name, required: param.default === undefined })),
      // The current API's keyword filters arrive as one dict under this key.
      ...(member.extraKeywords ? [{ name: extraKeywordsKey, required: false }] : []),
    ]]),
);

/** Operations of the runtime's Python side that are not part of the user API. */
const internalParams: Record<string, ParamSpec[]> = {
  /** The id of a collection, created when missing. */
  ensure_collection: [{ name: 'name', required: true }],
  /** Fresh document ids (random UUIDs, as the store makes them) for create_document's batches. */
  new_ids: [{ name: 'count', required: true }],
};

/** Most ids one new_ids call hands out (the Python side asks for at most its insert batch). */
const maxNewIds = 4096;

const rawQueryRule = 'execute_raw_query() only runs read-only SELECT/WITH statements';

/** Most keys one json_set() call sets (SQLite limits function arguments). */
const keysPerJsonSet = 50;

/** Separators of insertDocumentRecords: between records, and between the fields of a record. */
export const recordSeparator = '\x1e';
export const fieldSeparator = '\x1f';

export class DataService {
  private readonly changes = new ChangeTracker();
  private readonly indexes: AutoIndexes;
  private readonly handlers: Record<string, Handler>;
  private readonly reads: QueryReads;
  private cachedProjectId: string | undefined;

  constructor(private readonly store: Store) {
    this.indexes = new AutoIndexes(store);
    store.defineFunction(icontainsFunction, icontains);
    defineQueryFunctions(store);
    store.onInvalidate(() => {
      this.cachedProjectId = undefined;
    });
    this.handlers = {
      get_collections: () => this.getCollections(),
      get_collection: (a) => this.getCollection(a),
      create_collection: (a) => this.createCollection(a),
      update_collection: (a) => this.updateCollection(a),
      delete_collection: (a) => this.deleteCollection(a),
      create_document: (a) => this.createDocument(a),
      get_documents: (a) => this.getDocuments(a),
      get_document: (a) => this.getDocument(a),
      update_document: (a) => this.updateDocument(a),
      update_document_fields: (a) => this.updateDocumentFields(a),
      delete_document: (a) => this.deleteDocument(a),
      count_documents: (a) => this.countDocuments(a),
      search_documents: (a) => this.searchDocuments(a),
      get_app_users: (a) => this.getAppUsers(a),
      get_app_user: (a) => this.getAppUser(a),
      get_app_user_by_email: (a) => this.getAppUserByEmail(a),
      create_app_user: (a) => this.createAppUser(a),
      update_app_user: (a) => this.updateAppUser(a),
      delete_app_user: (a) => this.deleteAppUser(a),
      count_app_users: () => this.countAppUsers(),
      execute_raw_query: (a) => this.executeRawQuery(a),
      ensure_collection: (a) => JSON.stringify(this.collectionId(a.name('name'), true)),
      new_ids: (a) => JSON.stringify(Array.from({ length: Math.min(a.offset('count'), maxNewIds) }, newId)),
      list_app_users: (a) => this.getAppUsers(a),
    };
    // The current API (runtime/cocobase/query/): reads with the query language, bulk writes, relationships.
    const projectId = (): string => this.projectId;
    const env: WriteEnv = {
      store,
      indexes: this.indexes,
      changes: this.changes,
      get projectId() {
        return projectId();
      },
      collectionId: (name) => this.collectionId(name, false),
      ensureCollection: (name) => this.collectionId(name, true),
      mergeSql,
    };
    this.reads = new QueryReads(env);
    Object.assign(this.handlers, this.reads.handlers, new QueryWrites(env).handlers);
  }

  /** Names of the operations `call` accepts: the model's db methods and the internal ones. */
  static readonly operations: readonly string[] = [...Object.keys(modelParams), ...Object.keys(internalParams)];

  /**
   * The operations that only read. Every other one takes the store's write lock before it starts
   * (Store.prepareToWrite, in a transaction that takes it at its first write), where no statement is
   * half-way, so that what it reads and what it writes both follow the others' commits. A read that writes
   * after all (an automatic index) takes it at that statement.
   */
  static readonly readOperations: ReadonlySet<string> = new Set([
    'get_collections', 'get_collection', 'get_documents', 'get_document', 'count_documents', 'search_documents', 'get_app_users',
    'get_app_user', 'get_app_user_by_email', 'count_app_users', 'execute_raw_query', 'list_app_users', 'query', 'find_one',
    'query_users', 'find_user', 'get_user_collections', 'get_user_relationships', 'aggregate_documents', 'group_by_field',
  ]);

  /**
   * Runs one db operation. `argsJson` is a JSON object of named arguments, named as in the API model; the
   * result is JSON text. Mistakes the user should see as Python exceptions throw DataError.
   */
  call(op: string, argsJson: string): string {
    const params = modelParams[op] ?? internalParams[op];
    const handler = this.handlers[op];
    if (!params || !handler) throw new Error(`unknown db operation '${op}'`);
    let values: unknown;
    try {
      // Integers of 16 digits or more may be beyond a double's 2^53: those arguments keep them exact.
      values = /\d{16}/.test(argsJson) ? exactToPlain(parseExact(argsJson)) : JSON.parse(argsJson);
    } catch {
      throw new DataError('ValueError', `${op}(): the arguments are not valid JSON (NaN and Infinity cannot be stored)`);
    }
    if (!isObject(values)) throw new Error(`${op}(): the arguments must be a JSON object`);
    if (!DataService.readOperations.has(op)) this.store.prepareToWrite();
    return handler(new Args(op, params, values, argsJson));
  }

  /** `call` for JavaScript callers: arguments as an object, the result parsed. */
  invoke(op: string, args: JsonObject = {}): unknown {
    return JSON.parse(this.call(op, JSON.stringify(args)));
  }

  /** What was created, updated and deleted since the last call (the current run), clearing it. */
  takeChanges(): RunChanges {
    return this.changes.take();
  }

  /**
   * Inserts the documents the Python side batched for create_document (ids, timestamps and collection ids,
   * from `ensureCollection`, are its own); returns how many. Records are separated by \x1e, fields (id,
   * collection_id, data JSON, timestamp) by \x1f — raw control characters never occur in JSON text — and go
   * through one cached prepared statement, bound where they lie in one copy of the text in SQLite's memory
   * (Store.runForEachRecord), so the data text reaches SQLite untouched. All or nothing.
   */
  insertDocumentRecords(records: string): number {
    if (records === '') return 0;
    // The records the change list can still show (it lists the first maxChangeItems changes of a run).
    const room = this.changes.wantsItems ? maxChangeItems : 0;
    const listed = room > 0 ? records.split(recordSeparator, room).map((record) => record.split(fieldSeparator)) : [];
    let inserted: number;
    this.store.run('SAVEPOINT cloudfn_bulk_insert');
    try {
      // The timestamp is bound once for both columns.
      inserted = this.store.runForEachRecord('INSERT INTO documents (id, collection_id, data, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)',
        records, { record: recordSeparator, field: fieldSeparator, fields: 4 });
      this.store.run('RELEASE cloudfn_bulk_insert');
    } catch (error) {
      this.store.run('ROLLBACK TO cloudfn_bulk_insert');
      this.store.run('RELEASE cloudfn_bulk_insert');
      throw new DataError('ValueError', `create_document(): cannot insert the batch (${(error as Error).message})`);
    }
    this.recordBulkCreates(listed, inserted);
    return inserted;
  }

  /** The id of a collection, created (and recorded as a change) when it does not exist. */
  ensureCollection(name: string): string {
    const args = new Args('ensure_collection', internalParams.ensure_collection!, { name }, JSON.stringify({ name }));
    return this.collectionId(args.name('name'), true);
  }

  // Collections.

  private getCollections(): string {
    return this.store.jsonArray(`SELECT ${collectionJsonSql} FROM collections WHERE project_id = ? ORDER BY rowid`, [this.projectId]);
  }

  private getCollection(a: Args): string {
    const id = this.collectionId(a.name('name'), false);
    return id === undefined ? 'null' : this.collectionJson(id);
  }

  private createCollection(a: Args): string {
    const name = a.name('name');
    const webhookUrl = a.optionalText('webhook_url');
    const existing = this.collectionId(name, false);
    return this.collectionJson(existing ?? this.insertCollection(name, webhookUrl));
  }

  private updateCollection(a: Args): string {
    const name = a.name('name');
    const webhookUrl = a.optionalText('webhook_url');
    const newName = a.optionalName('new_name');
    const id = this.collectionId(name, false);
    if (id === undefined) return 'null';
    if (webhookUrl === null && (newName === null || newName === name)) return this.collectionJson(id);
    if (newName !== null && newName !== name && this.collectionId(newName, false) !== undefined) {
      a.fail('ValueError', `a collection named ${pyRepr(newName)} already exists`);
    }
    const before = this.changes.wantsItems ? this.collectionJson(id) : undefined;
    const json = this.store.value(
      `UPDATE collections SET webhook_url = coalesce(?, webhook_url), name = coalesce(?, name), updated_at = ? WHERE id = ? RETURNING ${collectionJsonSql}`,
      [webhookUrl, newName, nowIso(), id],
    ) as string;
    this.changes.add('update', 'collection', () => ({ collection: newName ?? name, id, before: parse(before), after: parse(json) }));
    return json;
  }

  private deleteCollection(a: Args): string {
    const name = a.name('name');
    const id = this.collectionId(name, false);
    if (id === undefined) return 'false';
    const before = this.changes.wantsItems ? this.collectionJson(id) : undefined;
    const documents = this.store.atomically(() => {
      const count = this.store.run('DELETE FROM documents WHERE collection_id = ?', [id]);
      this.store.run('DELETE FROM collections WHERE id = ?', [id]);
      return count;
    });
    this.changes.add('delete', 'collection', () => ({ collection: name, id, before: parse(before) }));
    this.changes.addUnlisted('delete', documents);
    return 'true';
  }

  // Documents.

  private createDocument(a: Args): string {
    const collection = a.name('collection');
    a.dict('data');
    const collectionId = this.collectionId(collection, true);
    const id = newId();
    const now = nowIso();
    const json = this.store.value(
      `INSERT INTO documents (id, collection_id, data, created_at, updated_at) VALUES (?, ?, json_extract(?, '$.data'), ?, ?) RETURNING ${documentJsonSql}`,
      [id, collectionId, a.raw, now, now],
    ) as string;
    this.changes.add('create', 'document', () => ({ collection, id, after: parse(json) }));
    return json;
  }

  private getDocuments(a: Args): string {
    const where = this.documentsWhere(a);
    const limit = a.limit('limit');
    const offset = a.offset('offset');
    if (!where) return '[]';
    return this.store.jsonArray(
      `SELECT ${documentJsonSql} FROM documents WHERE ${where.sql} ORDER BY rowid LIMIT ? OFFSET ?`,
      [...where.params, limit ?? -1, offset],
    );
  }

  private countDocuments(a: Args): string {
    const where = this.documentsWhere(a);
    const more = this.reads.extraFilters(a);
    if (!where) return '0';
    if (Object.keys(more).length === 0) return String(this.store.value(`SELECT count(*) FROM documents WHERE ${where.sql}`, where.params));
    // Keyword filters (the query language) AND the older equality filters.
    const extra = this.reads.countClause(where.params[0] as string, more, a.fail.bind(a), where.params);
    return String(this.store.value(`SELECT count(*) FROM documents AS r0 WHERE ${where.sql} AND ${extra.sql}`, extra.params));
  }

  private searchDocuments(a: Args): string {
    const collection = a.name('collection');
    const term = a.text('search_term');
    const fields = a.optionalStringList('search_fields');
    const limit = a.limit('limit');
    const search = searchClause(term, fields, a.fail.bind(a));
    const collectionId = this.collectionId(collection, false);
    if (collectionId === undefined) return '[]';
    const sql = search ? `collection_id = ? AND ${search.sql}` : 'collection_id = ?';
    return this.store.jsonArray(
      `SELECT ${documentJsonSql} FROM documents WHERE ${sql} ORDER BY rowid LIMIT ?`,
      [collectionId, ...(search?.params ?? []), limit ?? -1],
    );
  }

  private getDocument(a: Args): string {
    const found = this.findDocument(a);
    return found ? this.documentJson(found.collectionId, found.id) ?? 'null' : 'null';
  }

  private updateDocument(a: Args): string {
    a.dict('data');
    return this.changeDocument(a, `json_extract(?1, '$.data')`);
  }

  private updateDocumentFields(a: Args): string {
    const keys = Object.keys(a.dict('fields'));
    if (keys.length === 0) return this.getDocument(a);
    return this.changeDocument(a, mergeSql('data', keys), keys.flatMap((key) => [keyPath(key), `$.fields${keyPath(key).slice(1)}`]));
  }

  private deleteDocument(a: Args): string {
    const found = this.findDocument(a);
    if (!found) return 'false';
    const before = this.changes.wantsItems ? this.documentJson(found.collectionId, found.id) : undefined;
    const deleted = this.store.run('DELETE FROM documents WHERE id = ? AND collection_id = ?', [found.id, found.collectionId]) > 0;
    if (deleted) this.changes.add('delete', 'document', () => ({ collection: found.collection, id: found.id, before: parse(before) }));
    return String(deleted);
  }

  /**
   * Sets a document's data to `dataSql` (where ?1 is the arguments' JSON text and ?2, ?3... are
   * `extraParams`) and returns the updated document, or 'null' when it does not exist.
   */
  private changeDocument(a: Args, dataSql: string, extraParams: string[] = []): string {
    const found = this.findDocument(a);
    if (!found) return 'null';
    const before = this.changes.wantsItems ? this.documentJson(found.collectionId, found.id) : undefined;
    const last = extraParams.length + 1;
    const json = this.store.value(
      `UPDATE documents SET data = ${dataSql}, updated_at = ?${last + 1} WHERE id = ?${last + 2} AND collection_id = ?${last + 3} RETURNING ${documentJsonSql}`,
      [a.raw, ...extraParams, nowIso(), found.id, found.collectionId],
    ) as string | undefined;
    if (json === undefined) return 'null';
    this.changes.add('update', 'document', () => ({ collection: found.collection, id: found.id, before: parse(before), after: parse(json) }));
    return json;
  }

  /** The document named by the `collection` and `document_id` arguments, when both exist. */
  private findDocument(a: Args): { collection: string; collectionId: string; id: string } | undefined {
    const collection = a.name('collection');
    const id = a.id('document_id');
    if (id === null) return undefined;
    const collectionId = this.collectionId(collection, false);
    return collectionId === undefined ? undefined : { collection, collectionId, id };
  }

  /**
   * The WHERE clause for the `collection` and `filters` arguments, creating the indexes its filters need;
   * undefined when the collection does not exist.
   */
  private documentsWhere(a: Args): Clause | undefined {
    const collection = a.name('collection');
    const filters = a.optionalDict('filters');
    const { clauses, paths } = filterClauses(filters ?? {}, a.fail.bind(a));
    const collectionId = this.collectionId(collection, false);
    if (collectionId === undefined) return undefined;
    for (const path of paths) this.indexes.ensure(path);
    return {
      sql: ['collection_id = ?', ...clauses.map((clause) => clause.sql)].join(' AND '),
      params: [collectionId, ...clauses.flatMap((clause) => clause.params)],
    };
  }

  /**
   * Records bulk-inserted documents as creates, listing the first ones only: their items are built from the
   * records (the data text parsed as the store's own JSON of the row would be), not read back.
   */
  private recordBulkCreates(first: string[][], inserted: number): void {
    this.changes.addMany('create', inserted, (room) => {
      const names = new Map<string, string>();
      const nameOf = (collectionId: string): string => {
        let name = names.get(collectionId);
        if (name === undefined) {
          name = String(this.store.value('SELECT name FROM collections WHERE id = ?', [collectionId]));
          names.set(collectionId, name);
        }
        return name;
      };
      return first.slice(0, room).map(([id, collectionId, data, timestamp]) => ({
        op: 'create', kind: 'document', collection: nameOf(collectionId!), id: id!,
        after: { id, collection_id: collectionId, data: JSON.parse(data!) as object, created_at: timestamp, updated_at: timestamp },
      }));
    });
  }

  // App users.

  private getAppUsers(a: Args): string {
    const limit = a.limit('limit');
    const offset = a.offset('offset');
    return this.store.jsonArray(
      `SELECT ${appUserJsonSql} FROM app_users WHERE project_id = ? ORDER BY rowid LIMIT ? OFFSET ?`,
      [this.projectId, limit ?? -1, offset],
    );
  }

  private getAppUser(a: Args): string {
    const id = a.id('user_id');
    return (id !== null && this.appUserJson(id)) || 'null';
  }

  private getAppUserByEmail(a: Args): string {
    const email = a.id('email');
    if (email === null) return 'null';
    const id = this.appUserIdByEmail(email);
    return (id !== undefined && this.appUserJson(id)) || 'null';
  }

  private createAppUser(a: Args): string {
    const email = this.email(a);
    const password = this.password(a);
    a.optionalDict('data');
    a.optionalStringList('roles');
    if (this.appUserIdByEmail(email) !== undefined) a.fail('ValueError', `email ${pyRepr(email)} is already taken`);
    const id = newId();
    const now = nowIso();
    const json = this.store.value(
      `INSERT INTO app_users (id, project_id, email, password_hash, data, roles, created_at, updated_at)
       VALUES (?2, ?3, ?4, ?5, coalesce(json_extract(?1, '$.data'), '{}'), coalesce(json_extract(?1, '$.roles'), '[]'), ?6, ?6)
       RETURNING ${appUserJsonSql}`,
      [a.raw, id, this.projectId, email, hashPassword(password), now],
    ) as string;
    this.changes.add('create', 'app_user', () => ({ id, after: parse(json) }));
    return json;
  }

  private updateAppUser(a: Args): string {
    const id = a.id('user_id');
    const data = a.optionalDict('data');
    const roles = a.optionalStringList('roles');
    const email = a.given('email') ? this.email(a) : null;
    const password = a.given('password') ? this.password(a) : null;
    if (id === null) return 'null';
    const before = this.appUserJson(id);
    if (before === undefined) return 'null';
    if (email !== null) {
      const owner = this.appUserIdByEmail(email);
      if (owner !== undefined && owner !== id) a.fail('ValueError', `email ${pyRepr(email)} is already taken`);
    }
    // ?1 is the arguments' JSON text, ?2 the user id, ?3 the time; the SET clauses add their own values.
    const sets: string[] = [];
    const params: SqlValue[] = [a.raw, id, nowIso()];
    const bind = (value: string): string => `?${params.push(value)}`;
    const dataKeys = Object.keys(data ?? {});
    if (dataKeys.length > 0) {
      const first = params.length + 1;
      dataKeys.forEach((key) => params.push(keyPath(key), `$.data${keyPath(key).slice(1)}`));
      sets.push(`data = ${mergeSql('data', dataKeys, first)}`);
    }
    if (roles !== null) sets.push(`roles = json_extract(?1, '$.roles')`);
    if (email !== null) sets.push(`email = ${bind(email)}`);
    if (password !== null) sets.push(`password_hash = ${bind(hashPassword(password))}`);
    if (sets.length === 0) return before;
    const json = this.store.value(
      `UPDATE app_users SET ${sets.join(', ')}, updated_at = ?3 WHERE id = ?2 RETURNING ${appUserJsonSql}`,
      params,
    ) as string;
    this.changes.add('update', 'app_user', () => ({ id, before: parse(before), after: parse(json) }));
    return json;
  }

  private deleteAppUser(a: Args): string {
    const id = a.id('user_id');
    if (id === null) return 'false';
    const before = this.changes.wantsItems ? this.appUserJson(id) : undefined;
    const deleted = this.store.run('DELETE FROM app_users WHERE id = ? AND project_id = ?', [id, this.projectId]) > 0;
    if (deleted) forgetUser(this.store, this.projectId, id);
    if (deleted) this.changes.add('delete', 'app_user', () => ({ id, before: parse(before) }));
    return String(deleted);
  }

  private countAppUsers(): string {
    return String(this.store.value('SELECT count(*) FROM app_users WHERE project_id = ?', [this.projectId]));
  }

  private email(a: Args): string {
    const email = a.name('email');
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) a.fail('ValueError', `email ${pyRepr(email)} is not an email address`);
    return email;
  }

  private password(a: Args): string {
    const password = a.text('password');
    if (password === '') a.fail('ValueError', 'password must not be empty');
    return password;
  }

  // Raw queries.

  private executeRawQuery(a: Args): string {
    const query = a.text('query');
    const params = a.optionalDict('params');
    const keyword = firstKeyword(query);
    if (keyword !== 'SELECT' && keyword !== 'WITH') {
      throw new DataError('ValueError', `${rawQueryRule}; got ${keyword ? `a ${keyword} statement` : 'no statement'}`);
    }
    const bindings: Record<string, SqlValue> = {};
    for (const [name, value] of Object.entries(params ?? {})) {
      const bare = name.replace(/^[:@$]/, '');
      if (bare === 'project_id') a.fail('ValueError', ':project_id is bound to your project; do not pass it in params');
      for (const prefix of [':', '@', '$']) bindings[prefix + bare] = rawQueryValue(a, name, value);
    }
    for (const prefix of [':', '@', '$']) bindings[`${prefix}project_id`] = this.projectId;

    const db = this.store.database;
    const rows: JsonObject[] = [];
    let statement: Statement | undefined;
    const scrub = secretScrubs.filter((entry) => query.toLowerCase().includes(entry.table));
    // Secrets are blanked inside a savepoint that is rolled back after the query, so that no statement
    // (whatever its aliases, joins or functions) can read them; see secretScrubs.
    if (scrub.length > 0) db.run('SAVEPOINT raw_query_secrets');
    try {
      for (const entry of scrub) db.run(entry.sql);
      // Iterating prepares (never runs) each statement; it must run to the end to free them all.
      let count = 0;
      for (const _ of db.iterateStatements(query)) count++;
      if (count !== 1) throw new DataError('ValueError', `${rawQueryRule}; got ${count} statements, run them one per call`);
      statement = db.prepare(query);
      statement.bind(bindings);
      const columns = statement.getColumnNames();
      db.run('PRAGMA query_only = ON');
      try {
        while (statement.step()) {
          const values = statement.get();
          rows.push(Object.fromEntries(columns.map((column, index) => [column, rawResultValue(values[index])])));
        }
      } finally {
        db.run('PRAGMA query_only = OFF');
      }
    } catch (error) {
      if (error instanceof DataError) throw error;
      const message = errorMessage(error);
      if (/readonly/.test(message)) throw new DataError('ValueError', `${rawQueryRule}; this statement writes`);
      a.fail('ValueError', message);
    } finally {
      statement?.free();
      if (scrub.length > 0) db.run('ROLLBACK TO raw_query_secrets; RELEASE raw_query_secrets');
    }
    return JSON.stringify(rows);
  }

  // Shared lookups.

  private get projectId(): string {
    this.cachedProjectId ??= this.store.projectId;
    return this.cachedProjectId;
  }

  /** The id of a collection by name; with `create`, a missing collection is created (and recorded). */
  private collectionId(name: string, create: true): string;
  private collectionId(name: string, create: false): string | undefined;
  private collectionId(name: string, create: boolean): string | undefined {
    const id = this.store.value('SELECT id FROM collections WHERE project_id = ? AND name = ?', [this.projectId, name]) as string | undefined;
    return id === undefined && create ? this.insertCollection(name, null) : id;
  }

  private insertCollection(name: string, webhookUrl: string | null): string {
    const id = newId();
    const now = nowIso();
    const json = this.store.value(
      `INSERT INTO collections (id, project_id, name, webhook_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${collectionJsonSql}`,
      [id, this.projectId, name, webhookUrl, now, now],
    ) as string;
    this.changes.add('create', 'collection', () => ({ collection: name, id, after: parse(json) }));
    return id;
  }

  private collectionJson(id: string): string {
    return this.store.value(`SELECT ${collectionJsonSql} FROM collections WHERE id = ?`, [id]) as string;
  }

  private documentJson(collectionId: string, id: string): string | undefined {
    return this.store.value(`SELECT ${documentJsonSql} FROM documents WHERE id = ? AND collection_id = ?`, [id, collectionId]) as string | undefined;
  }

  private appUserJson(id: string): string | undefined {
    return this.store.value(`SELECT ${appUserJsonSql} FROM app_users WHERE id = ? AND project_id = ?`, [id, this.projectId]) as string | undefined;
  }

  /** The id of the user with this email, compared case-insensitively (the column's NOCASE collation). */
  private appUserIdByEmail(email: string): string | undefined {
    return this.store.value('SELECT id FROM app_users WHERE project_id = ? AND email = ?', [this.projectId, email]) as string | undefined;
  }

}

/**
 * SQL that sets the given top-level keys of JSON column `column` to values taken from the arguments' JSON
 * text (?1), keeping the other keys and the position of existing ones, like Python's dict.update.
 * Parameters ?first, ?first+1... hold each key's target path and its source path in the arguments.
 */
export function mergeSql(column: string, keys: string[], first = 2): string {
  let sql = column;
  for (let start = 0; start < keys.length; start += keysPerJsonSet) {
    const pairs = keys.slice(start, start + keysPerJsonSet).map((_, offset) => {
      const target = first + 2 * (start + offset);
      return `?${target}, ?1 -> ?${target + 1}`;
    });
    sql = `json_set(${sql}, ${pairs.join(', ')})`;
  }
  return sql;
}

/** The first SQL keyword of a query, after whitespace and comments, in upper case ('' when none). */
function firstKeyword(query: string): string {
  const start = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))*/.exec(query)?.[0].length ?? 0;
  return (/^[A-Za-z]+/.exec(query.slice(start))?.[0] ?? '').toUpperCase();
}

/**
 * Secrets a raw query must never read: app users' password hashes and the Parse dialect's session tokens and
 * password hashes. A query reads a table only by naming it, and SQLite folds only ASCII case, so a table
 * whose name the query text does not contain (case-insensitively) needs no scrub.
 */
const secretScrubs = [
  { table: 'app_users', sql: "UPDATE app_users SET password_hash = ''" },
  { table: 'app_user_tokens', sql: "UPDATE app_user_tokens SET token_hash = 'hidden-' || rowid" },
  {
    table: 'parse_objects',
    sql: "UPDATE parse_objects SET data = json_remove(data, '$.sessionToken', '$._hashed_password', '$._session_token', "
      + "'$._perishable_token', '$._email_verify_token') WHERE class_name IN ('_Session', '_User')",
  },
];

/** A raw query parameter as SQLite binds it: dicts and lists as JSON text, booleans as 1/0. */
function rawQueryValue(a: Args, name: string, value: unknown): SqlValue {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return a.fail('TypeError', `params[${pyRepr(name)}] cannot be bound, got ${pyTypeName(value)}`);
}

/** A raw query result value as JSON: blobs become base64 text. */
function rawResultValue(value: SqlValue): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
}

/** A JSON result parsed for a change item (only done for the items that are listed). */
function parse(json: string | undefined): object | undefined {
  return json === undefined ? undefined : (JSON.parse(json) as object);
}
