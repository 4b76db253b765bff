// The current API's db reads: query, find_one, query_users, find_user, get_user_collections,
// get_user_relationships, count_documents' `**filters`, aggregate_documents and group_by_field. Each compiles
// its filters to one SQL statement over the store (compile.ts), reads one page of rows and shapes them as
// exact JSON (records.ts). Writes (bulk, relationships) are in writes.ts.

import { createHash } from 'node:crypto';
import type { SqlValue } from 'sql.js';
import type { Args } from '../../store/callArguments';
import { isObject, type JsonObject } from '../../jsonValues';
import { jsonPath, sqlString, type Clause, type Fail } from '../../store/documentQuery';
import { relatedUsersSql } from '../../store/relationships';
import { numberKindFunction, QueryCompiler, type QueryEnv, type Source, type Target } from './compile';
import { stringifyExact, type Exact, type ExactObject } from './exactJson';
import { isEmpty, parseFilters, type FilterSet } from './filters';
import { pageOptions, type PageOptions } from './pageArguments';
import { applySelect, documentColumnsSql, flatDocument, populate, populateTree, selectTree, userColumnsSql, userRecord } from './records';

/** The key under which the Python side sends a method's `**filters`. */
export const extraKeywordsKey = '**';

/** Extra SQL of a read: a join, a WHERE term and an order that replaces the default one. */
interface Extra {
  join?: string;
  where?: string;
  order?: string;
}

const aggregateOperations = ['sum', 'avg', 'min', 'max', 'count'];

/** Up to this many matches, a page in the default order sorts them rather than walking the newest-first index. */
const fewMatches = 2000;

export class QueryReads {
  constructor(private readonly env: QueryEnv) {}

  readonly handlers: Record<string, (a: Args) => string> = {
    query: (a) => this.documents(a, 'collection_name', this.extraFilters(a), pageOptions(a)),
    find_one: (a) => this.first(this.documentTarget(a, 'collection_name'), this.extraFilters(a), a),
    query_users: (a) => this.page({ kind: 'user' }, parseFilters(this.extraFilters(a), a.fail.bind(a)), pageOptions(a), a.fail.bind(a)),
    find_user: (a) => this.findUser(a),
    get_user_collections: (a) => this.userCollections(a),
    get_user_relationships: (a) => this.relationships(a),
    aggregate_documents: (a) => this.aggregate(a),
    group_by_field: (a) => this.groupBy(a),
  };

  /**
   * The WHERE term of count_documents' `**filters` on the documents of a collection read under the alias r0;
   * its numbered placeholders follow the `earlier` parameters of the statement.
   */
  countClause(collectionId: string, filters: JsonObject, fail: Fail, earlier: SqlValue[]): Clause {
    const compiler = new QueryCompiler(this.env, fail, earlier);
    const source = compiler.source({ kind: 'document', collectionId }, true);
    return { sql: compiler.where(parseFilters(filters, fail), source), params: compiler.params };
  }

  /** `**filters` of a call (an empty dict when the method was called without them). */
  extraFilters(a: Args): JsonObject {
    const value = a.get(extraKeywordsKey);
    return isObject(value) ? value : {};
  }

  private documentTarget(a: Args, parameter: string): Target | undefined {
    const id = this.env.collectionId(a.name(parameter));
    return id === undefined ? undefined : { kind: 'document', collectionId: id };
  }

  private documents(a: Args, parameter: string, filters: JsonObject, options: PageOptions, extra?: (c: QueryCompiler, s: Source) => Extra): string {
    const target = this.documentTarget(a, parameter);
    const set = parseFilters(filters, a.fail.bind(a));
    if (!target) return pageJson([], 0, options);
    return this.page(target, set, options, a.fail.bind(a), extra);
  }

  private first(target: Target | undefined, filters: JsonObject, a: Args, extra?: (c: QueryCompiler, s: Source) => Extra): string {
    const options = { ...pageOptions(a), sort: null, descending: false, limit: 1, offset: 0 };
    const set = parseFilters(filters, a.fail.bind(a));
    if (!target) return 'null';
    const { records } = this.read(target, set, options, a.fail.bind(a), extra, false);
    return records.length === 0 ? 'null' : stringifyExact(records[0]!);
  }

  private findUser(a: Args): string {
    const token = a.given('auth_token') ? a.text('auth_token') : null;
    if (token === null) return this.first({ kind: 'user' }, this.extraFilters(a), a);
    const userId = this.env.store.value(
      `SELECT user_id FROM app_user_tokens WHERE project_id = ? AND token_hash = ? AND (expires_at IS NULL OR expires_at > ?)`,
      [this.env.projectId, createHash('sha256').update(token).digest('hex'), new Date().toISOString()],
    ) as string | undefined;
    if (userId === undefined) return 'null';
    return this.first({ kind: 'user' }, this.extraFilters(a), a, (c, s) => ({ where: `${s.alias}.id = ${c.bind(userId)}` }));
  }

  private userCollections(a: Args): string {
    const userId = a.id('user_id');
    const filters = { ...(a.optionalDict('filters') ?? {}) };
    const options = pageOptions(a);
    if (userId === null) return this.documents(a, 'collection_name', filters, { ...options, limit: 0 });
    return this.documents(a, 'collection_name', filters, options, (c, s) => ({
      where: `json_extract(${s.alias}.data, '$.user_id') = ${c.bind(userId)}`,
    }));
  }

  private relationships(a: Args): string {
    const userId = a.id('user_id');
    const type = a.name('relationship_type');
    const filters = a.optionalDict('filters') ?? {};
    const options = pageOptions(a);
    if (userId === null) return pageJson([], 0, options);
    const set = parseFilters(filters, a.fail.bind(a));
    const related = relatedUsersSql(type);
    const values = [this.env.projectId, userId, related.storedType];
    return this.page({ kind: 'user' }, set, options, a.fail.bind(a), (c, s) => {
      let next = 0;
      const sql = related.sql.replace(/\?/g, () => c.bind(values[next++]!));
      return { join: `JOIN (${sql}) AS rel ON rel.other = ${s.alias}.id`, order: 'rel.created_at DESC, rel.seq DESC' };
    });
  }

  private page(target: Target, set: FilterSet, options: PageOptions, fail: Fail, extra?: (c: QueryCompiler, s: Source) => Extra): string {
    const { total, records } = this.read(target, set, options, fail, extra, true);
    return pageJson(records, total, options);
  }

  /** The records of one page (shaped), and the total number of matches when `withTotal`. */
  private read(target: Target, set: FilterSet, options: PageOptions, fail: Fail, extra: ((c: QueryCompiler, s: Source) => Extra) | undefined, withTotal: boolean): { total: number; records: ExactObject[] } {
    const compiler = new QueryCompiler(this.env, fail);
    const source = compiler.source(target, true);
    const { table, scope } = compiler.from(source);
    const more = extra?.(compiler, source) ?? {};
    const where = [scope, isEmpty(set) ? undefined : compiler.where(set, source), more.where].filter(Boolean).join(' AND ');
    const from = more.join ? `${table} ${more.join}` : table;
    const total = withTotal ? Number(this.env.store.value(`SELECT count(*) FROM ${from} WHERE ${where}`, compiler.params)) : 0;
    if (options.limit === 0) return { total, records: [] };
    const alias = source.alias;
    // Newest first reads the documents_newest index until the page is full: quick when matches are many, a
    // long walk when they are few. Few matches (counted up to a bound) are sorted instead: the unary `+`
    // keeps SQLite from ordering by that index.
    const few = !more.order && options.sort === null && (withTotal ? total
      : Number(this.env.store.value(`SELECT count(*) FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${fewMatches + 1})`, compiler.params))) <= fewMatches;
    const own = few ? '+' : '';
    let order = more.order ? `${more.order}, ${alias}.id` : `${own}${alias}.created_at DESC, ${own}${alias}.id`;
    if (options.sort !== null) {
      const value = compiler.sortValue(options.sort, source);
      order = `(${value} IS NULL), ${value} ${options.descending ? 'DESC' : 'ASC'}, ${order}`;
    }
    const columns = target.kind === 'document' ? documentColumnsSql(alias) : userColumnsSql(alias);
    const rows = this.env.store.rows(
      `SELECT ${columns} FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${options.limit} OFFSET ${options.offset}`,
      compiler.params,
    );
    let records = rows.map(target.kind === 'document' ? flatDocument : userRecord);
    if (options.populate.length > 0) populate(this.env, records, target.kind, populateTree(options.populate));
    if (options.select !== null) {
      const tree = selectTree(options.select);
      records = records.map((record) => applySelect(record, tree));
    }
    return { total, records };
  }

  private aggregate(a: Args): string {
    const field = a.name('field');
    const operation = a.text('operation');
    if (!aggregateOperations.includes(operation)) {
      a.fail('ValueError', `operation must be one of ${aggregateOperations.map((name) => `'${name}'`).join(', ')}, got '${operation}'`);
    }
    const set = parseFilters(a.optionalDict('filters') ?? {}, a.fail.bind(a));
    const target = this.documentTarget(a, 'collection');
    const empty = operation === 'sum' || operation === 'count' ? 0 : null;
    if (!target) return JSON.stringify({ value: empty, count: 0 });
    const compiler = new QueryCompiler(this.env, a.fail.bind(a));
    const source = compiler.source(target, true);
    const { table, scope } = compiler.from(source);
    const value = compiler.sortValue(field, source);
    const where = `${scope} AND ${compiler.where(set, source)}`;
    if (operation === 'count') {
      const counted = Number(this.env.store.value(`SELECT count(${value}) FROM ${table} WHERE ${where}`, compiler.params));
      return JSON.stringify({ value: counted, count: counted });
    }
    const type = field.includes('.') || !['id', 'created_at', 'updated_at'].includes(field)
      ? `json_type(${source.alias}.data, ${sqlString(jsonPath(field, a.fail.bind(a)))})` : "'text'";
    // Numbers (never booleans) and numeric text: integer text stays an integer, so a sum of integers is one.
    const number = `(CASE WHEN ${type} IN ('integer', 'real') THEN ${value} WHEN ${type} = 'text' THEN `
      + `CASE ${numberKindFunction}(${value}) WHEN 1 THEN CAST(${value} AS INTEGER) WHEN 2 THEN CAST(${value} AS REAL) END END)`;
    const sql = { sum: `sum(${number})`, avg: `avg(${number})`, min: `min(${number})`, max: `max(${number})` }[operation as 'sum']!;
    // An integer result is read as text: a sum beyond 2^53 keeps every digit, as Python's would.
    const [result, resultType, integerText, counted] = this.env.store.row(
      `SELECT ${sql}, typeof(${sql}), CAST(${sql} AS TEXT), count(${number}) FROM ${table} WHERE ${where}`, compiler.params,
    )!;
    const json = result === null ? JSON.stringify(empty) : resultType === 'integer' ? integerText as string : realJson(result as number);
    return `{"value": ${json}, "count": ${Number(counted)}}`;
  }

  private groupBy(a: Args): string {
    const field = a.name('field');
    const set = parseFilters(a.optionalDict('filters') ?? {}, a.fail.bind(a));
    const target = this.documentTarget(a, 'collection');
    if (!target) return '{"groups": []}';
    const compiler = new QueryCompiler(this.env, a.fail.bind(a));
    const source = compiler.source(target, true);
    const { table, scope } = compiler.from(source);
    const value = compiler.sortValue(field, source);
    const json = field.includes('.') || !['id', 'created_at', 'updated_at'].includes(field)
      ? `(${source.alias}.data -> ${sqlString(jsonPath(field, a.fail.bind(a)))})` : `json_quote(${value})`;
    const key = `nullif(${json}, 'null')`;
    const rows = this.env.store.rows(
      `SELECT ${key} AS k, count(*) AS n, min(${value}) AS v FROM ${table} WHERE ${scope} AND ${compiler.where(set, source)}
       GROUP BY k ORDER BY n DESC, (k IS NULL), v, k`,
      compiler.params,
    );
    const groups = rows.map(([k, n]) => `{"key": ${k === null ? 'null' : k as string}, "count": ${Number(n)}}`);
    return `{"groups": [${groups.join(', ')}]}`;
  }
}

/** A real from SQLite as JSON text that Python reads back as a float: a whole value keeps a fraction. */
function realJson(value: number): string {
  const text = String(value);
  return Number.isInteger(value) && !/e/i.test(text) ? `${text}.0` : text;
}

/** The page shape: `{"data", "total", "has_more", "limit", "offset"}`. */
function pageJson(records: Exact[], total: number, options: PageOptions): string {
  const hasMore = options.offset + records.length < total;
  return `{"data": [${records.map(stringifyExact).join(', ')}], "total": ${total}, "has_more": ${hasMore}, "limit": ${options.limit}, "offset": ${options.offset}}`;
}
