// The query language of the current db API (spec §4) as the checker sees it: which calls take query filters
// (keyword filters such as `db.query('posts', status_ne='x')`, or a `filters` dict of the query language),
// which records they read (a collection or the app users), the field names known of those records (the local
// database's documents, the record's own keys and the file's own writes and filters), the relations a
// `populate` may follow, and whether a filter key ends in a misspelt operator. The operators, the key syntax
// and the relation rule are the runtime's own (runtime/cocobase/query/filters.ts and compile.ts).

import type { SyntaxNode } from '@lezer/common';
import { dbObject, type ApiFunction } from '../../runtime/cocobase/apiModel';
import { operators, parseKey, type Operator } from '../../runtime/cocobase/query/filters';
import { relationTarget } from '../../runtime/cocobase/query/compile';
import type { LocalSchema } from '../localCollections';
import { argumentLiteral, calledFunction, plainStringAt, type Inference } from './apiTargets';
import type { CallArgument, CallSite, DocumentAnalysis } from './documentAnalysis';

/** The records a query reads: the documents of a named collection, or the project's app users. */
export type QueryTarget = { kind: 'collection'; name: string } | { kind: 'users' };

/** A db call that takes query filters; `target` is undefined when its collection is not a literal. */
export interface QueryCall {
  fn: ApiFunction;
  /** True when the call takes keyword filters (`**filters`), false when only a `filters` dict. */
  keywordFilters: boolean;
  target: QueryTarget | undefined;
}

/** The own keys of the records a query reads, valid in filters, `sort` and `select` whatever the fields. */
export const ownKeys: Record<QueryTarget['kind'], readonly string[]> = {
  collection: ['id', 'created_at', 'updated_at'],
  users: ['id', 'email', 'created_at', 'roles'],
};

/** The records a db call reads, from its `collection`/`collection_name` argument (none: the app users). */
function targetOf(analysis: DocumentAnalysis, call: CallSite, fn: ApiFunction): QueryTarget | undefined {
  const index = fn.params.findIndex((p) => p.name === 'collection' || p.name === 'collection_name');
  if (index < 0) return { kind: 'users' };
  const literal = argumentLiteral(analysis, call, index, fn.params[index]!.name);
  return literal ? { kind: 'collection', name: literal.value } : undefined;
}

/** Names of the db functions that take query filters, to skip other calls without resolving them. */
const queryFunctionNames = new Set(dbObject.members.filter((m): m is ApiFunction => m.kind === 'function'
  && (m.keywordsName !== undefined || m.params.some((p) => p.queryFilters))).map((m) => m.name));

/** What each call of an analysis calls without inference, resolved once per analysis (each resolution walks the tree). */
const dbCallCache = new WeakMap<DocumentAnalysis, Map<CallSite, ReturnType<typeof calledFunction>>>();

function dbFunctionCalled(analysis: DocumentAnalysis, call: CallSite): { owner: string; fn: ApiFunction } | undefined {
  let cache = dbCallCache.get(analysis);
  if (!cache) dbCallCache.set(analysis, cache = new Map());
  if (!cache.has(call)) cache.set(call, calledFunction(analysis, call));
  const called = cache.get(call);
  return called?.owner === 'db' ? called : undefined;
}

/** The query call a call site makes, or undefined when it is not a db call taking query filters. */
export function queryCallOf(analysis: DocumentAnalysis, call: CallSite, infer: Inference = 'none'): QueryCall | undefined {
  const name = call.calleePath?.[call.calleePath.length - 1];
  if (name !== undefined && !queryFunctionNames.has(name)) return undefined;
  const called = infer === 'none' ? dbFunctionCalled(analysis, call) : calledFunction(analysis, call, infer);
  if (called?.owner !== 'db') return undefined;
  const keywordFilters = called.fn.keywordsName !== undefined;
  if (!keywordFilters && !called.fn.params.some((p) => p.queryFilters)) return undefined;
  return { fn: called.fn, keywordFilters, target: targetOf(analysis, call, called.fn) };
}

/** A string key of a dict literal, with the span of its text between the quotes. */
export interface LiteralKey {
  value: string;
  from: number;
  to: number;
}

/** The syntax node of an argument's value (after `name=` or `**`). */
export function argumentValueNode(analysis: DocumentAnalysis, call: CallSite, arg: CallArgument): SyntaxNode | undefined {
  const argList = analysis.tree.resolveInner(call.argsFrom, 1).parent;
  if (argList?.name !== 'ArgList') return undefined;
  let found: SyntaxNode | undefined;
  for (let child = argList.firstChild; child; child = child.nextSibling) {
    if (child.from >= arg.from && child.to === arg.to) found = child;
  }
  return found;
}

/** The plain string keys of a dict literal (and of the dict literals a list literal holds). */
export function literalKeys(analysis: DocumentAnalysis, node: SyntaxNode | undefined): LiteralKey[] {
  if (!node) return [];
  if (node.name === 'ArrayExpression' || node.name === 'TupleExpression') {
    const keys: LiteralKey[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) keys.push(...literalKeys(analysis, child));
    return keys;
  }
  if (node.name !== 'DictionaryExpression') return [];
  const keys: LiteralKey[] = [];
  for (let key = node.firstChild; key; key = key.nextSibling) {
    if (key.name !== 'String' || !key.prevSibling || !/^[{,]$/.test(key.prevSibling.name)) continue;
    const literal = plainStringAt(analysis.text, key.from, key.to);
    if (literal) keys.push({ value: literal.value, from: literal.from + 1, to: literal.to - 1 });
  }
  return keys;
}

/** A filter key of a query call: a keyword argument's name, or a string key of `**{...}` or of a query `filters` dict. */
export interface FilterKey extends LiteralKey {
  /** True for a keyword argument (`status_ne=`), false for a dict key. */
  keyword: boolean;
}

/** The filter keys a query call passes (keyword filters, `**{...}` keys and keys of a query-language `filters` dict). */
export function filterKeys(analysis: DocumentAnalysis, call: CallSite, query: QueryCall): FilterKey[] {
  const keys: FilterKey[] = [];
  const params = query.fn.params;
  call.args.forEach((arg, index) => {
    if (arg.kind === 'keyword' && query.keywordFilters && !params.some((p) => p.name === arg.name)) {
      keys.push({ value: arg.name!, from: arg.nameFrom ?? arg.from, to: arg.nameTo ?? arg.to, keyword: true });
      return;
    }
    const param = arg.kind === 'keyword' ? params.find((p) => p.name === arg.name) : arg.kind === 'positional' ? params[index] : undefined;
    if ((arg.kind === 'doubleStar' && query.keywordFilters) || param?.queryFilters) {
      for (const key of literalKeys(analysis, argumentValueNode(analysis, call, arg))) keys.push({ ...key, keyword: false });
    }
  });
  return keys;
}

/** The field a key with a valid operator suffix names (`price_gte` → `price`), or undefined for a plain key. */
export function fieldOfOperatorKey(key: string): string | undefined {
  const parsed = parseKey(key);
  // parseKey reads a key without a suffix as an equality; an explicit `_eq` is the one equality suffix.
  const explicit = parsed.op !== 'eq' || /.__?eq$/.test(key);
  return explicit ? parsed.path.join('.') : undefined;
}

/** db calls that write or filter fields of their collection's records, and the parameters whose dict keys are fields. */
const fieldDictParameters = new Set(['data', 'fields', 'filters', 'documents', 'updates']);

/** Dict keys and query keys of one db call on the target, as field names. */
function fieldsOfCall(analysis: DocumentAnalysis, call: CallSite, fn: ApiFunction, plain: Set<string>, out: Set<string>, typingAt: number | undefined): void {
  call.args.forEach((arg, index) => {
    const param = arg.kind === 'keyword' ? fn.params.find((p) => p.name === arg.name) : arg.kind === 'positional' ? fn.params[index] : undefined;
    if (arg.kind === 'keyword' && !param && fn.keywordsName !== undefined) {
      const field = fieldOfOperatorKey(arg.name!);
      if (field !== undefined) out.add(field);
      else plain.add(arg.name!);
      return;
    }
    const isQueryDict = param?.queryFilters === true || (arg.kind === 'doubleStar' && fn.keywordsName !== undefined);
    if (!isQueryDict && !(param && fieldDictParameters.has(param.name))) return;
    for (const key of literalKeys(analysis, argumentValueNode(analysis, call, arg))) {
      if (typingAt !== undefined && key.from <= typingAt && typingAt <= key.to) continue;
      if (!isQueryDict) out.add(key.value);
      else {
        const field = fieldOfOperatorKey(key.value);
        if (field !== undefined) out.add(field);
        else plain.add(parseKey(key.value).path.join('.'));
      }
    }
  });
}

/** True when two targets name the same records. */
function sameTarget(a: QueryTarget | undefined, b: QueryTarget): boolean {
  return a !== undefined && a.kind === b.kind && (a.kind === 'users' || a.name === (b as { name: string }).name);
}

/** db calls that write the app users' `data`. */
const userDataCalls = new Set(['create_app_user', 'update_app_user']);

/**
 * The field names known of a query target: its own keys, the local database's keys and the file's own writes
 * and filters on it. `plainKeywords` also counts keyword filters without an operator (`status='x'`) as fields,
 * unless they end in a misspelt operator (`status_equal='x'`), as completion does; diagnostics leave them out,
 * since a misspelt operator reads as such a keyword. A dict key at `typingAt` (the one being completed) is not
 * counted.
 */
export function knownFields(analysis: DocumentAnalysis, target: QueryTarget, local: LocalSchema | undefined, plainKeywords: boolean,
  typingAt?: number): Set<string> {
  const fields = new Set<string>(ownKeys[target.kind]);
  const plain = new Set<string>();
  for (const key of (target.kind === 'users' ? local?.userFields : local?.fields?.get(target.name)) ?? []) fields.add(key);
  for (const call of analysis.calls) {
    const called = dbFunctionCalled(analysis, call);
    if (!called) continue;
    if (target.kind === 'users' && userDataCalls.has(called.fn.name)) {
      const index = called.fn.params.findIndex((p) => p.name === 'data');
      const arg = call.args[index]?.kind === 'positional' ? call.args[index] : call.args.find((a) => a.kind === 'keyword' && a.name === 'data');
      for (const key of literalKeys(analysis, arg && argumentValueNode(analysis, call, arg))) {
        if (typingAt === undefined || key.from > typingAt || typingAt > key.to) fields.add(key.value);
      }
      continue;
    }
    if (!sameTarget(targetOf(analysis, call, called.fn), target)) continue;
    if (target.kind === 'users' && called.fn.keywordsName === undefined && !called.fn.params.some((p) => p.queryFilters)) continue;
    fieldsOfCall(analysis, call, called.fn, plain, fields, typingAt);
  }
  if (plainKeywords) for (const key of [...plain].filter((key) => !misspeltOperator(key, fields))) fields.add(key);
  return fields;
}

/** A relation a `populate` may follow: `X` for a field `X_id` or `X_ids`, and the records it leads to. */
export interface Relation {
  name: string;
  target: QueryTarget;
}

/** The relations of a record with these fields, resolved like the runtime does against the local collections. */
export function relationsOf(fields: Iterable<string>, collections: ReadonlySet<string> | undefined): Relation[] {
  const relations = new Map<string, Relation>();
  for (const field of fields) {
    const match = /^([A-Za-z_]\w*?)_ids?$/.exec(field);
    if (!match || relations.has(match[1]!)) continue;
    const resolved = relationTarget({ collectionId: (name) => (collections?.has(name) ? name : undefined) }, match[1]!);
    const target: QueryTarget = resolved?.kind === 'document' ? { kind: 'collection', name: resolved.collectionId } : { kind: 'users' };
    relations.set(match[1]!, { name: match[1]!, target });
  }
  return [...relations.values()];
}

/** Spellings other query languages (Django, MongoDB, SQL) use for an operator. */
const operatorAliases: ReadonlyMap<string, Operator> = new Map([
  ['equal', 'eq'], ['equals', 'eq'], ['eql', 'eq'], ['neq', 'ne'], ['noteq', 'ne'], ['notequal', 'ne'],
  ['ge', 'gte'], ['geq', 'gte'], ['gteq', 'gte'], ['le', 'lte'], ['leq', 'lte'], ['lteq', 'lte'], ['nin', 'notin'],
  ['icontains', 'contains'], ['istartswith', 'startswith'], ['iendswith', 'endswith'],
]);

/** Optimal-string-alignment distance (a swap of two neighbours counts as one edit); small strings only. */
function swapDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The operator a suffix that is not one was surely meant to be, whatever the fields: another case (`GTE`), a
 * doubled letter (`gtt`, `ltee`; not for `in` and `ne`: `inn`, `nee`), another query language's spelling
 * (`equal`, `gteq`, `nin`, `icontains`), or one edit (insert, delete, replace, swap) away from an operator
 * of six letters or more (`contain`, `startwith`, `isnul`). Short near misses (`new` for `ne`, `id` for
 * `in`, `at` for `gt`, `en` for `ne`) are never enough: they are ordinary field names (`is_new`, `user_id`,
 * `created_at`, `title_en`).
 */
function surelyMeant(suffix: string): Operator | undefined {
  const lower = suffix.toLowerCase();
  const exact = operators.find((op) => op === lower);
  if (exact) return exact;
  const collapsed = lower.replace(/(.)\1+/g, '$1');
  const undoubled = operators.find((op) => op === collapsed && !['in', 'ne', 'isnull'].includes(op));
  if (undoubled) return undoubled;
  const alias = operatorAliases.get(lower);
  if (alias) return alias;
  return operators.find((op) => op.length >= 6 && swapDistance(lower, op) === 1);
}

/** The letters of a word in order, to compare anagrams. */
const sortedLetters = (word: string): string => [...word].sort().join('');

/**
 * The operator a suffix after a known field was meant to be: surely meant, or an anagram of a three-letter
 * operator (`get`, `tle`), or one edit from `notin` or two from an operator of six letters or more.
 */
function nearestOperator(suffix: string): Operator | undefined {
  const sure = surelyMeant(suffix);
  if (sure) return sure;
  const lower = suffix.toLowerCase();
  const anagram = operators.find((op) => op.length === 3 && sortedLetters(op) === sortedLetters(lower));
  if (anagram) return anagram;
  let best: Operator | undefined;
  let bestDistance = Infinity;
  for (const op of operators) {
    const distance = swapDistance(lower, op);
    if (op.length >= 5 && distance <= (op.length >= 6 ? 2 : 1) && distance < bestDistance) [best, bestDistance] = [op, distance];
  }
  return best;
}

/** A filter key whose suffix is a misspelt operator: the operator meant and the key with it. */
export interface MisspeltOperator {
  suffix: string;
  operator: Operator;
  replacement: string;
}

/**
 * Whether a filter key ends in a misspelt operator. Never for a key with a valid operator suffix or a key
 * that is a known field. With a known field before the suffix (`status` in `status_equal`), a suffix one edit
 * from an operator (two for the longer ones) is misspelt; otherwise only a suffix `surelyMeant` accepts is.
 */
export function misspeltOperator(key: string, fields: ReadonlySet<string>): MisspeltOperator | undefined {
  if (fieldOfOperatorKey(key) !== undefined) return undefined;
  const bracket = /^\[or(?::[^\]]*)?\]/.exec(key)?.[0] ?? '';
  const rest = key.slice(bracket.length);
  if (fields.has(rest) || (bracket && fields.has(rest.replace(/_\d+$/, '')))) return undefined;
  // Every split at an underscore whose left part is a known field, the longest field first.
  for (let at = rest.lastIndexOf('_'); at > 0; at = rest.lastIndexOf('_', at - 1)) {
    const separator = rest[at - 1] === '_' ? '__' : '_';
    const field = rest.slice(0, at + 1 - separator.length);
    const suffix = rest.slice(at + 1);
    if (!fields.has(field) || !/^[A-Za-z]+$/.test(suffix)) continue;
    const operator = nearestOperator(suffix);
    return operator && { suffix, operator, replacement: `${bracket}${field}${separator}${operator}` };
  }
  const split = /^(.+?)(__?)([A-Za-z]+)$/.exec(rest);
  const operator = split && surelyMeant(split[3]!);
  return operator ? { suffix: split[3]!, operator, replacement: `${bracket}${split[1]}${split[2]}${operator}` } : undefined;
}
