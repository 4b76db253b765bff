// The query language compiled to SQL over the store: conditions on a document's or user's fields, on its own
// columns (id, timestamps, email, roles), inside lists (any item), and across relationships (`topic.label`
// follows `topic_id`). A field of the queried collection gets an automatic expression index, and a probe of
// that index tells which kinds of values the field holds, so that a condition on a field holding only numbers
// (or only text) compiles to a plain index range; the semantics are the same whatever the probe finds.

import type { SqlValue } from 'sql.js';
import { jsonPath, sqlString, type AutoIndexes, type Fail } from '../../store/documentQuery';
import type { Store } from '../../store/store';
import { numberOf, numericText, type Condition, type FilterSet, type Scalar } from './filters';

/** Which records a query reads: the documents of a collection or the project's app users. */
export type Target = { kind: 'document'; collectionId: string } | { kind: 'user' };

/** What the compiler reads from the store. */
export interface QueryEnv {
  store: Store;
  projectId: string;
  indexes: AutoIndexes;
  /** The id of a collection by name, or undefined. */
  collectionId(name: string): string | undefined;
}

/** A table alias bound to a target; `main` for the queried records (whose fields get indexes and probes). */
export interface Source {
  alias: string;
  target: Target;
  main?: boolean;
}

/** Kinds of values a field holds besides numbers and null (a probe's answer; all true when unknown). */
interface Kinds {
  text: boolean;
  array: boolean;
  object: boolean;
  bool: boolean;
}
const anyKind: Kinds = { text: true, array: true, object: true, bool: true };

/**
 * A field as SQL: `value` is its SQL value (json_extract's: text, numbers, 1/0 for booleans, JSON text for
 * lists and objects), `type` its JSON type, `json` its JSON text; `list` is the JSON column and path that
 * json_each() reads for the any-item rule (absent for columns and list items).
 */
interface FieldRef {
  value: string;
  type: string;
  json: string;
  list?: { column: string; path: string };
  kinds: Kinds;
}

/** Columns of the records themselves; other keys are fields of `data`. */
const documentColumns = ['id', 'created_at', 'updated_at'];
const userColumns = ['id', 'email', 'created_at', 'roles'];

/** The SQL function that gives 1 for integer text, 2 for other numeric text, 0 otherwise. */
export const numberKindFunction = 'cloudfn_number_kind';
/** The SQL function for case-insensitive text operators on non-ASCII needles: (op, text, needle). */
export const textMatchFunction = 'cloudfn_text_match';

/** Registers the SQL functions the compiled queries call. */
export function defineQueryFunctions(store: Store): void {
  store.defineFunction(numberKindFunction, (text) => {
    if (typeof text !== 'string' || !numericText.test(text)) return 0;
    return /^[+-]?\d+$/.test(text) ? 1 : 2;
  });
  store.defineFunction(textMatchFunction, (op, text, needle) => {
    if (typeof text !== 'string' || typeof needle !== 'string') return 0;
    const folded = text.toLowerCase();
    if (op === 'contains') return folded.includes(needle) ? 1 : 0;
    return (op === 'startswith' ? folded.startsWith(needle) : folded.endsWith(needle)) ? 1 : 0;
  });
}

/** Plural of a relation name, as the platform forms collection names: y→ies, s→ses, else +s. */
export function plural(name: string): string {
  if (name.endsWith('y')) return `${name.slice(0, -1)}ies`;
  if (name.endsWith('s')) return `${name}ses`;
  return `${name}s`;
}

const userCollectionNames = new Set(['users', 'app_users', 'appusers']);

/**
 * The records a relation name leads to: `X:appuser` and `X:<collection>` force the target; otherwise the
 * collection plural(X) if it exists, else the collection X, else app users. Undefined for a forced
 * collection that does not exist.
 */
export function relationTarget(env: Pick<QueryEnv, 'collectionId'>, name: string, forced?: string): Target | undefined {
  if (forced !== undefined) {
    if (['appuser', 'appusers', 'app_user', 'app_users', 'user', 'users'].includes(forced.toLowerCase())) return { kind: 'user' };
    const id = env.collectionId(forced);
    return id === undefined ? undefined : { kind: 'document', collectionId: id };
  }
  const many = plural(name);
  if (userCollectionNames.has(many)) return { kind: 'user' };
  const id = env.collectionId(many) ?? env.collectionId(name);
  return id === undefined ? { kind: 'user' } : { kind: 'document', collectionId: id };
}

/** Builds one SQL statement's text and its numbered parameters. */
export class QueryCompiler {
  readonly params: SqlValue[];
  private aliases = 0;

  /** `earlier`: parameters of the statement that come before this compiler's placeholders. */
  constructor(private readonly env: QueryEnv, private readonly fail: Fail, earlier: readonly SqlValue[] = []) {
    this.params = [...earlier];
  }

  /** A placeholder bound to `value`; a BigInt is bound as its text and cast back to a 64-bit integer. */
  bind(value: SqlValue | bigint): string {
    if (typeof value === 'bigint') {
      this.params.push(value.toString());
      return `CAST(?${this.params.length} AS INTEGER)`;
    }
    this.params.push(value);
    return `?${this.params.length}`;
  }

  /** A fresh table alias for a target. */
  source(target: Target, main = false): Source {
    return { alias: `r${this.aliases++}`, target, main };
  }

  /** FROM and the scoping WHERE term of a target under an alias. */
  from(source: Source): { table: string; scope: string } {
    const { alias, target } = source;
    return target.kind === 'document'
      ? { table: `documents AS ${alias}`, scope: `${alias}.collection_id = ${this.bind(target.collectionId)}` }
      : { table: `app_users AS ${alias}`, scope: `${alias}.project_id = ${this.bind(this.env.projectId)}` };
  }

  /** The WHERE term of a filter set on a source ('1' when it has no condition). */
  where(set: FilterSet, source: Source): string {
    const terms = set.all.map((condition) => this.condition(condition, source));
    for (const group of set.groups.values()) terms.push(`(${group.map((condition) => this.condition(condition, source)).join(' OR ')})`);
    return terms.length === 0 ? '1' : terms.join(' AND ');
  }

  /** An ORDER BY expression for a sort field: its SQL value (null/missing sort last, handled by the caller). */
  sortValue(field: string, source: Source): string {
    return this.field(field.split('.'), source, false).value;
  }

  private condition(condition: Condition, source: Source): string {
    if (condition.path.length > 1) return this.relationCondition(condition, source);
    return this.fieldCondition(condition, this.field(condition.path, source, true));
  }

  private isColumn(source: Source, path: string[]): boolean {
    return path.length === 1 && (source.target.kind === 'document' ? documentColumns : userColumns).includes(path[0]!);
  }

  /**
   * `X.rest` on a record holding X_id (or the list X_ids): the condition on `rest` of the related record(s);
   * on a record holding neither, the nested path. A user's relation ids are fields of its `data` too.
   */
  private relationCondition(condition: Condition, source: Source): string {
    const [name, ...rest] = condition.path;
    const target = relationTarget(this.env, name!)!;
    const data = `${source.alias}.data`;
    const idPath = sqlString(jsonPath(`${name}_id`, this.fail));
    const idsPath = sqlString(jsonPath(`${name}_ids`, this.fail));
    const inner = { ...condition, path: rest } as Condition;
    const one = this.source(target);
    const oneFrom = this.from(one);
    const many = this.source(target);
    const manyFrom = this.from(many);
    const item = `j${this.aliases++}`;
    const nested = this.fieldCondition(condition, this.field(condition.path, source, false));
    return `(CASE WHEN json_type(${data}, ${idPath}) NOT IN ('null') THEN EXISTS (SELECT 1 FROM ${oneFrom.table} WHERE ${oneFrom.scope} `
      + `AND ${one.alias}.id = json_extract(${data}, ${idPath}) AND ${this.condition(inner, one)}) `
      + `WHEN json_type(${data}, ${idsPath}) = 'array' THEN EXISTS (SELECT 1 FROM json_each(${data}, ${idsPath}) AS ${item} `
      + `JOIN ${manyFrom.table} ON ${many.alias}.id = ${item}.value WHERE ${manyFrom.scope} AND ${this.condition(inner, many)}) `
      + `ELSE ${nested} END)`;
  }

  /** A field of a source as SQL; fields of the queried collection get an index and a probe. */
  private field(path: string[], source: Source, probe: boolean): FieldRef {
    const { alias, target } = source;
    if (this.isColumn(source, path)) {
      const column = `${alias}.${path[0]}`;
      if (path[0] === 'roles') {
        return { value: `json_extract(${column}, '$')`, type: `json_type(${column})`, json: `json(${column})`, list: { column, path: "'$'" }, kinds: anyKind };
      }
      return { value: column, type: "'text'", json: `json_quote(${column})`, kinds: { text: true, array: false, object: false, bool: false } };
    }
    const jsonPathText = jsonPath(path.join('.'), this.fail);
    const literal = sqlString(jsonPathText);
    const column = `${alias}.data`;
    const kinds = probe && source.main && target.kind === 'document' ? this.probe(target.collectionId, jsonPathText) : anyKind;
    return {
      value: `json_extract(${column}, ${literal})`,
      type: `json_type(${column}, ${literal})`,
      json: `(${column} -> ${literal})`,
      list: { column, path: literal },
      kinds,
    };
  }

  /** Which kinds of values a field of a collection holds, read from its automatic index. */
  private probe(collectionId: string, path: string): Kinds {
    this.env.indexes.ensure(path);
    const literal = sqlString(path);
    const value = `json_extract(data, ${literal})`;
    const type = `json_type(data, ${literal})`;
    const exists = (term: string) => `EXISTS (SELECT 1 FROM documents WHERE collection_id = ?1 AND ${term})`;
    const row = this.env.store.row(
      `SELECT ${exists(`${value} >= ''`)}, ${exists(`${value} >= '[' AND ${value} < '\\' AND ${type} = 'array'`)}, `
      + `${exists(`${value} >= '{' AND ${value} < '|' AND ${type} = 'object'`)}, ${exists(`${value} IN (0, 1) AND ${type} IN ('true', 'false')`)}`,
      [collectionId],
    )!;
    return { text: row[0] === 1, array: row[1] === 1, object: row[2] === 1, bool: row[3] === 1 };
  }

  private fieldCondition(condition: Condition, field: FieldRef): string {
    switch (condition.op) {
      case 'eq': return this.anyItem(field, (f) => this.equal(f, condition.value));
      case 'ne': return `NOT ifnull(${this.anyItem(field, (f) => this.equal(f, condition.value))}, 0)`;
      case 'in': return this.anyItem(field, (f) => this.oneOf(f, condition.value));
      case 'notin': return `NOT ifnull(${this.anyItem(field, (f) => this.oneOf(f, condition.value))}, 0)`;
      case 'isnull': return `${field.value} IS ${condition.value ? '' : 'NOT '}NULL`;
      case 'gt': case 'gte': case 'lt': case 'lte': {
        const { op, value } = condition;
        return this.anyItem(field, (f) => this.compare(f, op, value));
      }
      case 'contains': case 'startswith': case 'endswith': {
        const { op, value } = condition;
        return this.anyItem(field, (f) => this.textMatch(f, op, value));
      }
    }
  }

  /** `test` on the field's value, or on any item when the value is a list. */
  private anyItem(field: FieldRef, test: (field: FieldRef) => string): string {
    const direct = test(field);
    if (!field.list || !field.kinds.array) return direct;
    const item = `j${this.aliases++}`;
    const itemRef: FieldRef = {
      value: `${item}.value`, type: `${item}.type`, json: `(${field.list.column} -> ${item}.fullkey)`, kinds: anyKind,
    };
    const inList = `EXISTS (SELECT 1 FROM json_each(${field.list.column}, ${field.list.path}) AS ${item} WHERE ${test(itemRef)})`;
    return `(${direct} OR (${field.value} >= '[' AND ${field.value} < '\\' AND ${field.type} = 'array' AND ${inList}))`;
  }

  /** Equality with the value rules of §4: types kept apart, strings also matching booleans and numbers. */
  private equal(field: FieldRef, value: Scalar): string {
    const { value: v, type: t, kinds } = field;
    if (value === null) return `${v} IS NULL`;
    if (typeof value === 'boolean') return kinds.bool ? `(${v} = ${value ? 1 : 0} AND ${t} = '${value}')` : '0';
    if (typeof value === 'number' || typeof value === 'bigint') return this.equalNumber(field, value);
    const terms: string[] = [];
    const container = /^[[{]/.test(value) && (kinds.array || kinds.object);
    terms.push(container ? `(${v} = ${this.bind(value)} AND ${t} = 'text')` : `${v} = ${this.bind(value)}`);
    if (t === "'text'") return terms[0]!;
    if ((value === 'true' || value === 'false') && kinds.bool) terms.push(`(${v} = ${value === 'true' ? 1 : 0} AND ${t} = '${value}')`);
    const number = numberOf(value);
    if (number !== undefined && (typeof number === 'bigint' || Number.isFinite(number))) terms.push(this.equalNumber(field, number));
    return terms.length === 1 ? terms[0]! : `(${terms.join(' OR ')})`;
  }

  private equalNumber(field: FieldRef, value: number | bigint): string {
    if (field.type === "'text'") return '0';
    const guard = field.kinds.bool && (value === 0 || value === 1) ? ` AND ${field.type} IN ('integer', 'real')` : '';
    return guard ? `(${field.value} = ${this.bind(value)}${guard})` : `${field.value} = ${this.bind(value)}`;
  }

  private oneOf(field: FieldRef, values: Scalar[]): string {
    if (values.length === 0) return '0';
    return `(${values.map((value) => this.equal(field, value)).join(' OR ')})`;
  }

  /**
   * `_gt _gte _lt _lte`: numerically when both sides are numbers (or numeric text), else as text (a number's
   * JSON text, a boolean's "true"/"false"). Missing and null never match; lists and objects match by item.
   */
  private compare(field: FieldRef, op: 'gt' | 'gte' | 'lt' | 'lte', value: string | number | bigint): string {
    const sqlOp = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
    const { value: v, type: t, kinds } = field;
    const number = numberOf(value);
    const text = typeof value === 'string' ? value : String(value);
    const notBoolean = kinds.bool ? ` AND (${v} NOT IN (0, 1) OR ${t} IN ('integer', 'real'))` : '';
    const branches: string[] = [];
    const isColumn = t === "'text'";
    if (!isColumn) {
      branches.push(number !== undefined
        ? `(${v} ${sqlOp} ${this.bind(number)} AND ${v} < ''${notBoolean})`
        : `(${v} < ''${notBoolean} AND ${field.json} ${sqlOp} ${this.bind(text)})`);
    }
    if (kinds.text) {
      const notContainer = !isColumn && (kinds.array || kinds.object) ? ` AND (substr(${v}, 1, 1) NOT IN ('[', '{') OR ${t} = 'text')` : '';
      const comparison = number !== undefined
        ? `CASE WHEN ${numberKindFunction}(${v}) > 0 THEN CAST(${v} AS REAL) ${sqlOp} ${this.bind(number)} ELSE ${v} ${sqlOp} ${this.bind(text)} END`
        : `${v} ${sqlOp} ${this.bind(text)}`;
      branches.push(`(${v} >= ''${notContainer} AND ${comparison})`);
    }
    if (kinds.bool && !isColumn) {
      branches.push(`(${v} IN (0, 1) AND ${t} IN ('true', 'false') AND ${t} ${sqlOp} ${this.bind(text)})`);
    }
    if (branches.length === 0) return '0';
    return branches.length === 1 ? branches[0]! : `(${branches.join(' OR ')})`;
  }

  /** `_contains _startswith _endswith`: case-insensitive on the text form (objects and lists never match). */
  private textMatch(field: FieldRef, op: 'contains' | 'startswith' | 'endswith', needle: string): string {
    const { value: v, type: t, kinds } = field;
    const textForm = t === "'text'" ? v
      : `(CASE typeof(${v}) WHEN 'text' THEN ${kinds.array || kinds.object ? `iif(${t} = 'text', ${v}, NULL)` : v} WHEN 'null' THEN NULL `
        + `ELSE ${kinds.bool ? `CASE ${t} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE ${field.json} END` : field.json} END)`;
    const folded = needle.toLowerCase();
    if (folded === '') return `${textForm} IS NOT NULL`;
    if (/[^\x20-\x7e]/.test(folded)) return `${textMatchFunction}('${op}', ${textForm}, ${this.bind(folded)})`;
    const bound = this.bind(folded);
    if (op === 'contains') return `instr(lower(${textForm}), ${bound}) > 0`;
    if (op === 'startswith') return `substr(lower(${textForm}), 1, length(${bound})) = ${bound}`;
    return `substr(lower(${textForm}), -length(${bound})) = ${bound}`;
  }
}
