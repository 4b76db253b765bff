// The arguments the current API's reads share (`populate`, `select`, `sort`, `order`, `limit`, `offset`),
// checked as the spec's §4 says: limit and offset are non-negative ints, order is asc or desc in any case.

import type { Args } from '../../store/callArguments';
import { pyRepr, pyTypeName } from '../../store/callArguments';

/** How a page is read. */
export interface PageOptions {
  populate: string[];
  select: string[] | null;
  sort: string | null;
  descending: boolean;
  limit: number;
  offset: number;
}

/** A list of names: None, a str (one name, or several separated by commas) or a list of str. */
export function nameList(a: Args, name: string): string[] | null {
  const value = a.get(name);
  if (value === undefined || value === null) return null;
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items)) return a.fail('TypeError', `${name} must be a str or a list of str, got ${pyTypeName(value)}`);
  return items.map((item, index) => {
    if (typeof item !== 'string') return a.fail('TypeError', `${name}[${index}] must be a str, got ${pyTypeName(item)}`);
    const trimmed = item.trim();
    if (trimmed === '') return a.fail('ValueError', `${name} holds an empty name`);
    return trimmed;
  });
}

/** A non-negative int argument, `fallback` when not given. */
export function count(a: Args, name: string, fallback: number): number {
  const given = a.get(name);
  if (given === undefined) return fallback;
  const value = typeof given === 'bigint' ? Number(given) : given;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return a.fail('ValueError', `${name} must be a non-negative int, got ${typeof value === 'number' ? value : pyRepr(value)}`);
  }
  return value;
}

/** The page options of a call; parameters the method does not have take their defaults. */
export function pageOptions(a: Args): PageOptions {
  const order = a.get('order') ?? 'asc';
  if (typeof order !== 'string' || !['asc', 'desc'].includes(order.toLowerCase())) {
    a.fail('ValueError', `order must be 'asc' or 'desc', got ${pyRepr(order)}`);
  }
  const sort = a.get('sort');
  if (sort !== undefined && sort !== null && (typeof sort !== 'string' || sort === '')) {
    a.fail(typeof sort === 'string' ? 'ValueError' : 'TypeError', `sort must be a field name, got ${pyRepr(sort)}`);
  }
  return {
    populate: nameList(a, 'populate') ?? [],
    select: nameList(a, 'select'),
    sort: typeof sort === 'string' ? sort : null,
    descending: (order as string).toLowerCase() === 'desc',
    limit: count(a, 'limit', 10),
    offset: count(a, 'offset', 0),
  };
}
