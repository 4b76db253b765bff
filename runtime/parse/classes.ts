// Parse classes over the store's `parse_objects` table: objects with a 10-character objectId, createdAt and
// updatedAt, the update operators (Increment, Add, AddUnique, Remove, Delete) and queries (query.ts). No
// triggers here: the write pipeline (write.ts) runs them around these calls.

import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { sqlString } from '../store/documentQuery';
import { FirstUseIndexes } from '../store/firstUseIndexes';
import type { Store } from '../store/store';
import { ParseCode, ParseFailure, objectNotFound } from './errors';
import { checkWhere, excludeKeys, fieldValue, matchesWhere, nearSphereOf, orderKeys, selectKeys, sortByDistance, sortRecords, sqlOrderable, type OrderKey } from './query';
import type { Json } from './rest';
import { isObject, isPointer, publicView, type ParseRecord } from './values';
import { ChangeTracker } from '../store/changes';

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random bytes drawn 4 KiB at a time: one randomBytes() call per id costs more than the insert itself. */
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** A new objectId: 10 random alphanumeric characters, as Parse Server makes them. */
export function newObjectId(): string {
  if (poolOffset + 10 > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  let id = '';
  for (let i = 0; i < 10; i++) id += idAlphabet[pool[poolOffset++]! % idAlphabet.length];
  return id;
}

/** Parse Server's rule for class names: letters, digits and _, starting with a letter (or _ for system classes). */
export function checkClassName(className: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(className) && !/^_[A-Za-z][A-Za-z0-9_]*$/.test(className)) {
    throw new ParseFailure(ParseCode.invalidClassName, `Invalid classname: ${className}, classnames can only have alphanumeric characters and _, and must start with an alpha character `);
  }
}

const reservedFields = new Set(['objectId', 'createdAt', 'updatedAt']);

/** The emulation's own classes (schemas, relation links): kept in parse_objects, never shown as a run's changes. */
const isBookkeeping = (className: string): boolean => className === '_SCHEMA' || className.startsWith('_Join:');

/** The last timestamp given to a write, in ms. */
let lastWriteMs = 0;

/**
 * The time of a write as an ISO string, later than every earlier write's by at least 1 ms: objects created
 * one after another sort by createdAt in the order they were created.
 */
function nextTimestamp(): string {
  lastWriteMs = Math.max(Date.now(), lastWriteMs + 1);
  return new Date(lastWriteMs).toISOString();
}

/** A query as the REST API takes it (`where`, `order`, `keys`, `include`, `limit`, `skip`, `count`). */
export interface FindOptions {
  where?: Json;
  order?: string;
  keys?: string;
  excludeKeys?: string;
  /** Carried for the caller (read.ts includes through include.ts): `find` itself answers pointers as they are. */
  include?: string;
  limit?: number;
  skip?: number;
  count?: boolean;
  /**
   * Only objects whose ACL lets one of these entries read them (`*`, a user id, `role:NAME`) are found:
   * checked in SQL, so the others are never read. Undefined reads every object (the master key).
   */
  readableBy?: string[];
  /** Only the records it accepts are found; applied before skip, limit and count. */
  filter?: (record: ParseRecord) => boolean;
  /** What each found object shows the reader (protected fields removed); applied before keys. */
  redact?: (record: Json) => Json;
}

/** Parse Server's default page size. */
export const defaultLimit = 100;

/** The names of the indexes made for orders, and how many of them may be made (each slows writes a little). */
const orderIndexPrefix = 'parse_order_';
const maxOrderIndexes = 32;

export class ParseClasses {
  /** What the requests since the last `changes.take()` created, updated and deleted (for the run panel). */
  readonly changes = new ChangeTracker();

  /** The indexes made for orders, on first use. */
  private readonly orderIndexes: FirstUseIndexes;

  constructor(private readonly store: Store) {
    store.onInvalidate(() => { this.classIndexChecked = false; });
    this.orderIndexes = new FirstUseIndexes(store, orderIndexPrefix, maxOrderIndexes);
  }

  /**
   * Groups the writes of one turn of the event loop into one transaction (committed on setImmediate): Parse
   * has no transactions, but SQLite's per-statement commit costs more than the insert (1,000 saves: ~2x).
   */
  private batchWrites(): void {
    if (this.store.inTransaction) return;
    this.store.begin();
    setImmediate(() => this.flush());
  }

  /** Commits the pending writes now (before saving the database file). */
  flush(): void {
    if (this.store.inTransaction) this.store.commit();
  }

  get(className: string, objectId: string): ParseRecord | undefined {
    const row = this.store.row('SELECT object_id, created_at, updated_at, data FROM parse_objects WHERE class_name = ? AND object_id = ?', [className, objectId]);
    return row && toRecord(row);
  }

  /** The stored records of a class whose fields equal `equal`'s values (internal fields included). */
  findRecords(className: string, equal: Json): ParseRecord[] {
    const entries = Object.entries(equal);
    for (const [key] of entries) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ParseFailure(ParseCode.invalidKeyName, `Invalid key name: ${key}`);
    const conditions = entries.map(([key]) => ` AND json_extract(data, '$.${key}') = ?`).join('');
    return this.store.rows(`SELECT object_id, created_at, updated_at, data FROM parse_objects WHERE class_name = ?${conditions} ORDER BY rowid`,
      [className, ...entries.map(([, value]) => value as string)]).map(toRecord);
  }

  /** The names of the classes that hold objects. */
  classNames(): string[] {
    return this.store.rows('SELECT DISTINCT class_name FROM parse_objects').map((row) => row[0] as string);
  }

  /** Every object of a class, oldest first. */
  all(className: string): ParseRecord[] {
    return this.store.rows('SELECT object_id, created_at, updated_at, data FROM parse_objects WHERE class_name = ? ORDER BY rowid', [className]).map(toRecord);
  }

  /**
   * Runs a query; returns `{results}` and, when asked, `count`. Without a count (or a `$nearSphere` without an
   * order), objects are read only until skip + limit of them match: in creation order, or in the order SQLite
   * gives them (`orderBy`: an index on the first key's value, made on first use). An order SQL cannot give
   * as Parse orders (a key holding other values than numbers, strings, booleans and Dates) sorts in JavaScript
   * every object that matched.
   */
  find(className: string, options: FindOptions): { results: Json[]; count?: number } {
    const where = options.where ?? {};
    checkWhere(where);
    const { filter } = options;
    const accepts = (record: ParseRecord): boolean => matchesWhere(record, where) && (!filter || filter(record));
    const near = nearSphereOf(where);
    const skip = options.skip ?? 0;
    const limit = options.limit ?? defaultLimit;
    const order = options.order ? orderKeys(options.order) : [];
    const sqlOrder = order.length ? this.orderBy(className, order) : undefined;
    let matches: Json[] | undefined;
    let count: number | undefined;
    if (!options.count && !(near && !order.length)) matches = this.firstMatches(className, where, options.readableBy, accepts, skip, limit, order, sqlOrder);
    if (!matches) {
      matches = [...this.scan(className, where, options.readableBy, sqlOrder)].filter(accepts);
      if (order.length && !(sqlOrder && matches.every((record) => order.every(({ key }) => sqlOrderable(fieldValue(record, key)))))) sortRecords(matches, order);
      else if (near && !order.length) sortByDistance(matches, near);
      count = matches.length;
      matches = limit === 0 ? [] : matches.slice(skip, skip + limit);
    }
    let results = matches.map(publicView);
    if (options.redact) results = results.map(options.redact);
    // Parse Server writes _JobStatus objects without updatedAt (seen on 9.10 with PostgreSQL, peer suite).
    if (className === '_JobStatus') results = results.map(({ updatedAt: _updatedAt, ...rest }) => rest);
    if (options.keys) results = results.map((record) => selectKeys(record, options.keys!));
    if (options.excludeKeys) results = results.map((record) => excludeKeys(record, options.excludeKeys!));
    return options.count ? { results, count } : { results };
  }

  /**
   * The objects from skip to skip + limit that match, read in order until then; undefined when the order is
   * one SQL cannot give (no `sqlOrder`, or a key met a value SQL orders otherwise than Parse).
   */
  private firstMatches(className: string, where: Json, readableBy: string[] | undefined, accepts: (record: ParseRecord) => boolean,
    skip: number, limit: number, order: OrderKey[], sqlOrder: string | undefined): Json[] | undefined {
    if (order.length && !sqlOrder) return undefined;
    const matches: Json[] = [];
    let skipped = 0;
    if (limit <= 0) return matches;
    for (const record of this.scan(className, where, readableBy, sqlOrder)) {
      if (order.some(({ key }) => !sqlOrderable(fieldValue(record, key)))) return undefined;
      if (!accepts(record)) continue;
      if (skipped < skip) { skipped++; continue; }
      matches.push(record);
      if (matches.length >= limit) break;
    }
    return matches;
  }

  /**
   * The ORDER BY of Parse's order keys in SQL, ties in creation order, or undefined for a dotted key (values
   * nested in objects may be of any type). A field's SQL value is its JSON value, a Date's its ISO text: as
   * this module compares them when every value is a number, a string, a boolean or a Date (the schema keeps
   * a field to one type; the rows read are checked). An index on the first key's value, partial to the class
   * (so that other classes' writes do not maintain it), lets SQLite read the objects in that order without
   * sorting them; it is made on first use, up to `maxOrderIndexes` of them.
   */
  private orderBy(className: string, order: OrderKey[]): string | undefined {
    if (order.some(({ key }) => key.includes('.'))) return undefined;
    const columns: Record<string, string> = { objectId: 'object_id', createdAt: 'created_at', updatedAt: 'updated_at' };
    const expressions = order.map(({ key }) => columns[key] ?? `COALESCE(json_extract(data, '$.${key}.iso'), json_extract(data, '$.${key}'))`);
    this.ensureOrderIndex(className, expressions[0]!);
    return `${expressions.map((expression, i) => `${expression}${order[i]!.sign < 0 ? ' DESC' : ''}`).join(', ')}, rowid`;
  }

  private ensureOrderIndex(className: string, expression: string): void {
    this.orderIndexes.ensure(`${className}\n${expression}`,
      (name) => `CREATE INDEX ${name} ON parse_objects(class_name, ${expression}) WHERE class_name = ${sqlString(className)}`);
  }

  /**
   * The objects of a class in creation order, or in `orderBy`'s (one, for a `where` on an objectId), read from
   * a statement as they are asked for; with `readableBy`, only those whose ACL lets one of its entries read
   * them. A class's objects are found through an index on the class name, made on first use (it keeps them
   * in rowid order).
   */
  private *scan(className: string, where: Json, readableBy: string[] | undefined, orderBy?: string): Generator<ParseRecord> {
    this.ensureClassIndex();
    // An ordered read names its class as a literal: SQLite uses an index partial to a class only then.
    const params: string[] = orderBy ? [] : [className];
    let sql = `SELECT object_id, created_at, updated_at, data FROM parse_objects WHERE class_name = ${orderBy ? sqlString(className) : '?'}`;
    if (typeof where.objectId === 'string') {
      sql += ' AND object_id = ?';
      params.push(where.objectId);
    }
    if (readableBy) {
      // An object without an ACL object is public; otherwise one of the entries must have `"read": true`.
      sql += ` AND (json_type(data, '$.ACL') IS NOT 'object' OR EXISTS (SELECT 1 FROM json_each(data, '$.ACL') WHERE key IN (${readableBy.map(() => '?').join(', ')}) AND json_type(value, '$.read') = 'true'))`;
      params.push(...readableBy);
    }
    const statement = this.store.prepare(`${sql} ORDER BY ${orderBy ?? 'rowid'}`);
    try {
      statement.bind(params);
      while (statement.step()) yield toRecord(statement.get());
    } finally {
      statement.reset();
    }
  }

  /** Whether the index on class names is known to exist in the current database (a reload may drop it). */
  private classIndexChecked = false;

  private ensureClassIndex(): void {
    if (this.classIndexChecked) return;
    const exists = this.store.value("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'parse_objects_class'");
    if (!exists) {
      this.store.run('CREATE INDEX parse_objects_class ON parse_objects(class_name)');
      this.store.markDirty();
    }
    this.classIndexChecked = true;
  }

  /** Creates an object; returns the stored record and the values of operator fields (for the response). */
  create(className: string, body: Json, objectId = newObjectId()): { record: ParseRecord; opResults: Json } {
    if (!className.startsWith('_Join:')) checkClassName(className);
    const now = nextTimestamp();
    const { fields, opResults } = applyUpdate({}, body);
    this.batchWrites();
    this.store.run('INSERT INTO parse_objects (class_name, object_id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      [className, objectId, JSON.stringify(fields), now, now]);
    const record = { ...fields, objectId, createdAt: now, updatedAt: now };
    if (!isBookkeeping(className)) this.changes.add('create', 'object', () => ({ collection: className, id: objectId, after: record }));
    return { record, opResults };
  }

  /** Updates an object; throws 101 when it does not exist. */
  update(className: string, objectId: string, body: Json): { record: ParseRecord; before: ParseRecord; opResults: Json } {
    const before = this.get(className, objectId);
    if (!before) throw objectNotFound();
    const { objectId: _id, createdAt, updatedAt: _updated, ...current } = before;
    const { fields, opResults } = applyUpdate(current, body);
    const now = nextTimestamp();
    this.batchWrites();
    this.store.run('UPDATE parse_objects SET data = ?, updated_at = ? WHERE class_name = ? AND object_id = ?',
      [JSON.stringify(fields), now, className, objectId]);
    const record = { ...fields, objectId, createdAt, updatedAt: now };
    if (!isBookkeeping(className)) this.changes.add('update', 'object', () => ({ collection: className, id: objectId, before, after: record }));
    return { record, before, opResults };
  }

  /** Deletes an object; throws 101 when it does not exist. */
  remove(className: string, objectId: string): void {
    const before = this.changes.wantsItems ? this.get(className, objectId) : undefined;
    this.batchWrites();
    const changed = this.store.run('DELETE FROM parse_objects WHERE class_name = ? AND object_id = ?', [className, objectId]);
    if (changed === 0) throw objectNotFound();
    if (!isBookkeeping(className)) this.changes.add('delete', 'object', () => ({ collection: className, id: objectId, before }));
  }

}

function toRecord(row: unknown[]): ParseRecord {
  const fields = JSON.parse(row[3] as string) as Json;
  return { objectId: row[0] as string, createdAt: row[1] as string, updatedAt: row[2] as string, ...fields } as ParseRecord;
}

/** A Parse Object value in a body is stored as a pointer to it. */
function storedValue(value: unknown): unknown {
  if (isObject(value) && value.__type === 'Object' && typeof value.className === 'string' && typeof value.objectId === 'string') {
    return { __type: 'Pointer', className: value.className, objectId: value.objectId };
  }
  if (Array.isArray(value)) return value.map(storedValue);
  return value;
}

/** A field name as Parse Server accepts it: letters, digits and _, starting with a letter. */
const fieldNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Applies a REST body (values and `__op` operators) to `current`; returns the new fields and the operator
 * results. A dotted key (`"obj.a.b"`) sets, unsets or increments a value nested in an Object field, as Parse
 * Server does; its operator result is nested the same way (`{"obj": {"a": {"b": 3}}}`).
 */
export function applyUpdate(current: Json, body: Json): { fields: Json; opResults: Json } {
  const fields: Json = { ...current };
  const opResults: Json = {};
  for (const [key, raw] of Object.entries(body)) {
    if (reservedFields.has(key)) {
      throw new ParseFailure(ParseCode.invalidKeyName, `${key} is an invalid field name.`);
    }
    const path = key.split('.');
    if (path.some((part) => !fieldNamePattern.test(part)) && key !== 'ACL' && !key.startsWith('_')) {
      throw new ParseFailure(ParseCode.invalidKeyName, `Invalid field name: ${key}.`);
    }
    // Parse Server on PostgreSQL keeps a field set to null as SQL NULL, which reads leave out (peer suite): such a
    // field is unset. A null nested in an Object or an Array is kept, as there.
    if (raw === null && path.length === 1) {
      delete fields[key];
      continue;
    }
    // The object holding the last part of the key: the fields, or a copy of the nested objects on the way.
    let holder = fields;
    let results = opResults;
    for (const part of path.slice(0, -1)) {
      const next = isObject(holder[part]) ? { ...(holder[part] as Json) } : {};
      holder[part] = next;
      holder = next;
      results = (results[part] ??= {}) as Json;
    }
    const name = path[path.length - 1]!;
    const result = applyValue(holder, name, raw, key);
    if (result !== undefined) results[name] = result;
  }
  pruneEmpty(opResults);
  return { fields, opResults };
}

/** Operator results of nested keys that produced none leave empty objects behind: they are removed. */
function pruneEmpty(results: Json): void {
  for (const [key, value] of Object.entries(results)) {
    if (isObject(value) && value.__type === undefined && !Array.isArray(value)) {
      pruneEmpty(value);
      if (Object.keys(value).length === 0) delete results[key];
    }
  }
}

/** Sets `holder[name]` from one body value or operator; returns the operator's result for the response. */
function applyValue(holder: Json, name: string, raw: unknown, key: string): unknown {
  if (!(isObject(raw) && typeof raw.__op === 'string')) {
    holder[name] = storedValue(raw);
    return undefined;
  }
  const existing = holder[name];
  switch (raw.__op) {
    case 'Delete':
      delete holder[name];
      return undefined;
    case 'Increment': {
      const amount = raw.amount;
      if (typeof amount !== 'number') throw new ParseFailure(ParseCode.invalidJson, 'incrementing must provide a number');
      if (existing !== undefined && existing !== null && typeof existing !== 'number') {
        throw new ParseFailure(ParseCode.incorrectType, `schema mismatch for ${key}; expected ${typeof existing} but got Number`);
      }
      holder[name] = ((existing as number | undefined) ?? 0) + amount;
      return holder[name];
    }
    case 'Add': case 'AddUnique': case 'Remove': {
      if (!Array.isArray(raw.objects)) throw new ParseFailure(ParseCode.invalidJson, 'objects to add must be an array');
      const list = Array.isArray(existing) ? [...existing] : [];
      const objects = raw.objects.map(storedValue);
      const same = (a: unknown, b: unknown): boolean => (isPointer(a) && isPointer(b)) ? a.objectId === b.objectId && a.className === b.className : isDeepStrictEqual(a, b);
      if (raw.__op === 'Add') list.push(...objects);
      if (raw.__op === 'AddUnique') for (const item of objects) if (!list.some((x) => same(x, item))) list.push(item);
      const result = raw.__op === 'Remove' ? list.filter((x) => !objects.some((item) => same(x, item))) : list;
      holder[name] = result;
      return result;
    }
    default:
      throw new ParseFailure(ParseCode.commandUnavailable, `The ${String(raw.__op)} operator is not supported by cloudfn's local Parse emulation.`);
  }
}
