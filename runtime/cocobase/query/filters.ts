// The keys and values of the current API's filters (`status_ne="closed"`, `"[or:authors]author_id_2": x`),
// parsed into conditions: a field path, an operator and a checked value, each in the plain AND list or in a
// named OR group. Keys are read as the spec's §4 says; values are checked here so that the SQL compiler only
// sees well-formed ones.

import type { Fail } from '../../store/documentQuery';
import { pyRepr, pyTypeName } from '../../store/callArguments';

/** The operators of the query language, in the order the docs list them. */
export const operators = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'startswith', 'endswith', 'in', 'notin', 'isnull'] as const;
export type Operator = (typeof operators)[number];

/** A scalar a filter compares with (a BigInt is an int beyond 2^53, kept exact). */
export type Scalar = string | number | bigint | boolean | null;

/** One condition: `path` (dotted segments) `op` `value`. */
export type Condition =
  | { path: string[]; op: 'eq' | 'ne'; value: Scalar }
  | { path: string[]; op: 'gt' | 'gte' | 'lt' | 'lte'; value: string | number | bigint }
  | { path: string[]; op: 'contains' | 'startswith' | 'endswith'; value: string }
  | { path: string[]; op: 'in' | 'notin'; value: Scalar[] }
  | { path: string[]; op: 'isnull'; value: boolean };

/** Conditions ANDed together, and OR groups (by name; '' is the anonymous one), ANDed with them. */
export interface FilterSet {
  all: Condition[];
  groups: Map<string, Condition[]>;
}

const suffix = new RegExp(`^(.+?)__?(${operators.join('|')})$`);
const orPrefix = /^\[or(?::([^\]]*))?\](.*)$/;

/** A key split into its OR group (undefined outside a group), field path and operator. */
export function parseKey(key: string): { group: string | undefined; path: string[]; op: Operator } {
  const bracket = orPrefix.exec(key);
  const rest = bracket ? bracket[2]! : key;
  const match = suffix.exec(rest);
  let field = match ? match[1]! : rest;
  const op = (match ? match[2]! : 'eq') as Operator;
  // In a bracketed key a `_<digits>` right after the field name only makes the key unique.
  if (bracket) field = field.replace(/_\d+$/, '');
  return { group: bracket ? bracket[1] ?? '' : undefined, path: field.split('.'), op };
}

/** The conditions of a filters dict (or of `**filters`); bad values are TypeErrors/ValueErrors naming the key. */
export function parseFilters(filters: Record<string, unknown>, fail: Fail): FilterSet {
  const set: FilterSet = { all: [], groups: new Map() };
  for (const [key, value] of Object.entries(filters)) {
    const { group, path, op } = parseKey(key);
    if (path.some((segment) => segment === '')) fail('ValueError', `filter ${pyRepr(key)} names no field`);
    const condition = checkValue(key, path, op, value, fail);
    if (group === undefined) set.all.push(condition);
    else set.groups.set(group, [...(set.groups.get(group) ?? []), condition]);
  }
  return set;
}

/** True for a filter set without any condition. */
export function isEmpty(set: FilterSet): boolean {
  return set.all.length === 0 && set.groups.size === 0;
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value);
}

function checkValue(key: string, path: string[], op: Operator, value: unknown, fail: Fail): Condition {
  const wrong = (expected: string): never => fail('TypeError', `filter ${pyRepr(key)} must be ${expected}, got ${pyTypeName(value)}`);
  switch (op) {
    case 'eq': case 'ne':
      return isScalar(value) ? { path, op, value } : wrong('a str, int, float, bool or None');
    case 'gt': case 'gte': case 'lt': case 'lte':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? { path, op, value } : wrong('a str, int or float');
    case 'contains': case 'startswith': case 'endswith':
      if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint') return { path, op, value: String(value) };
      return typeof value === 'string' ? { path, op, value } : wrong('a str');
    case 'in': case 'notin': {
      if (typeof value === 'string') return { path, op, value: value.split(',').map((item) => item.trim()) };
      if (!Array.isArray(value)) return wrong('a comma-separated str or a list');
      const bad = value.find((item) => !isScalar(item));
      if (bad !== undefined) fail('TypeError', `filter ${pyRepr(key)} must list str, int, float, bool or None items, got ${pyTypeName(bad)}`);
      return { path, op, value: value as Scalar[] };
    }
    case 'isnull': {
      const text = typeof value === 'string' ? value.toLowerCase() : value;
      if (text === true || text === 'true' || text === '1') return { path, op, value: true };
      if (text === false || text === 'false' || text === '0') return { path, op, value: false };
      return fail('ValueError', `filter ${pyRepr(key)} must be True, False, "true", "false", "1" or "0", got ${pyRepr(value)}`);
    }
  }
}

/** A string that is a number in the query language's sense (`"100"`, `"-2.5"`, `"1e3"`). */
export const numericText = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number a string or number stands for, or undefined (booleans and other strings are not numbers). */
export function numberOf(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  return typeof value === 'string' && numericText.test(value) ? Number(value) : undefined;
}
