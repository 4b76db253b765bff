// How `filters` and `search_documents` become SQL over documents: JSON paths for dotted field names, equality
// terms that keep JSON types apart (True is not 1, None matches null or missing), search terms, and the
// automatic expression indexes that make filtered queries fast.

import type { SqlValue } from 'sql.js';
import { pyRepr, pyTypeName, type PyErrorType } from './callArguments';
import type { JsonObject } from '../jsonValues';
import { FirstUseIndexes } from './firstUseIndexes';
import type { Store } from './store';

/** A piece of a WHERE clause and the values its `?` placeholders bind. */
export interface Clause {
  sql: string;
  params: SqlValue[];
}

/** Reports a bad argument to the user (Args.fail: a DataError naming the method). */
export type Fail = (pyType: PyErrorType, message: string) => never;

/** The SQL function that matches case-insensitively when the search term is not plain ASCII. */
export const icontainsFunction = 'cloudfn_icontains';

/** Auto indexes kept at most; filters on further fields still work, unindexed. */
export const maxAutoIndexes = 32;
const autoIndexPrefix = 'auto_doc_';

/** An SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The SQLite JSON path of a field name, where dots reach into nested objects: `a.b` → `$.a.b`. Segments that
 * are not plain identifiers are quoted, with `"`, `\` and control characters written as \u escapes.
 * Empty segments are a ValueError.
 */
export function jsonPath(field: string, fail: Fail): string {
  const segments = field.split('.');
  if (segments.some((segment) => segment === '')) {
    fail('ValueError', `field name ${pyRepr(field)} has an empty part (a dot reaches into a nested field)`);
  }
  return '$' + segments.map((segment) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `.${segment}` : `."${escapeLabel(segment)}"`)).join('');
}

/** The JSON path of a top-level key taken literally (dots included), as `update_document_fields` sets it. */
export function keyPath(key: string): string {
  return `$."${escapeLabel(key)}"`;
}

function escapeLabel(segment: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped.
  return segment.replace(/["\\\u0000-\u001f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A placeholder for an integer beyond 2^53 (a BigInt): sql.js binds BigInts as text, so the decimal text is
 * bound and cast back to SQLite's 64-bit integer.
 */
export const bigIntSql = 'CAST(? AS INTEGER)';

/** The expression both the filter and its index use; SQLite only uses the index when they are identical. */
function fieldExpression(path: string): string {
  return `json_extract(data, ${sqlString(path)})`;
}

/**
 * The equality term of one filter. Booleans match only JSON true/false, numbers compare numerically (0 and
 * 1 never match booleans), strings never match objects or arrays, None matches null or a missing field.
 * Returns undefined for values that cannot be compared (lists, dicts).
 */
export function equalityClause(path: string, value: unknown): Clause | undefined {
  const expression = fieldExpression(path);
  const typeOf = `json_type(data, ${sqlString(path)})`;
  if (value === null) return { sql: `${expression} IS NULL`, params: [] };
  if (typeof value === 'boolean') return { sql: `${expression} = ? AND ${typeOf} = '${value}'`, params: [value ? 1 : 0] };
  if (typeof value === 'bigint') return { sql: `${expression} = ${bigIntSql}`, params: [value.toString()] };
  if (typeof value === 'number') {
    // json_extract() gives 1 and 0 for true and false: tell those apart only where they could collide.
    const notBoolean = value === 0 || value === 1 ? ` AND ${typeOf} IN ('integer', 'real')` : '';
    return { sql: `${expression} = ?${notBoolean}`, params: [value] };
  }
  if (typeof value === 'string') {
    // json_extract() gives objects and arrays as JSON text: tell those apart only where they could collide.
    const notContainer = /^[[{]/.test(value) ? ` AND ${typeOf} = 'text'` : '';
    return { sql: `${expression} = ?${notContainer}`, params: [value] };
  }
  return undefined;
}

/** The WHERE terms of a `filters` dict and the JSON paths it filters on. */
export function filterClauses(filters: JsonObject, fail: Fail): { clauses: Clause[]; paths: string[] } {
  const clauses: Clause[] = [];
  const paths: string[] = [];
  for (const [field, value] of Object.entries(filters)) {
    const path = jsonPath(field, fail);
    const clause = equalityClause(path, value) ?? fail('TypeError', `filter ${pyRepr(field)} must be a str, int, float, bool or None, got ${pyTypeName(value)}`);
    clauses.push(clause);
    paths.push(path);
  }
  return { clauses, paths };
}

/**
 * The WHERE term of a case-insensitive substring search over string values: under the given fields (strings
 * nested in lists or objects there count), or anywhere in `data` when `fields` is null. An empty term
 * matches every document.
 */
export function searchClause(term: string, fields: string[] | null, fail: Fail): Clause | undefined {
  if (term === '') return undefined;
  const needle = term.toLowerCase();
  // SQLite's lower() folds ASCII only; other terms go through a JavaScript function.
  const matches = /^[\x20-\x7e]*$/.test(term) ? 'instr(lower(atom), ?) > 0' : `${icontainsFunction}(atom, ?)`;
  const trees = fields === null ? ['json_tree(documents.data)'] : fields.map((field) => `json_tree(documents.data, ${sqlString(jsonPath(field, fail))})`);
  const exists = trees.map((tree) => `EXISTS (SELECT 1 FROM ${tree} WHERE type = 'text' AND ${matches})`);
  const params: SqlValue[] = exists.map(() => needle);
  let sql = `(${exists.join(' OR ')})`;
  // A quick test on the stored JSON text first: the longest run of the term made of printable ASCII
  // characters that JSON never escapes appears verbatim in the text of every matching document.
  const verbatim = (term.match(/[\x20\x21\x23-\x2e\x30-\x5b\x5d-\x7e]+/g) ?? []).reduce((a, b) => (b.length > a.length ? b : a), '');
  if (verbatim !== '') {
    sql = `instr(lower(documents.data), ?) > 0 AND ${sql}`;
    params.unshift(verbatim.toLowerCase());
  }
  return { sql, params };
}

/** The implementation of `cloudfn_icontains(text, lowercaseNeedle)`. */
export function icontains(text: SqlValue, needle: SqlValue): number {
  return typeof text === 'string' && typeof needle === 'string' && text.toLowerCase().includes(needle) ? 1 : 0;
}

/**
 * Creates, on first use of a filter path, an index on exactly the expression the filter uses, keyed by
 * collection first. Up to `maxAutoIndexes` of them exist; every index slows inserts a little.
 */
export class AutoIndexes {
  private readonly indexes: FirstUseIndexes;

  constructor(store: Store) {
    this.indexes = new FirstUseIndexes(store, autoIndexPrefix, maxAutoIndexes);
  }

  /** The name of the index of a path (derived from a hash, so any field name is safe). */
  static indexName(path: string): string {
    return FirstUseIndexes.nameOf(autoIndexPrefix, path);
  }

  ensure(path: string): void {
    this.indexes.ensure(path, (name) => `CREATE INDEX IF NOT EXISTS ${name} ON documents(collection_id, ${fieldExpression(path)})`);
  }
}
