// A query's `include` (as Parse Server's RestQuery.handleInclude): the pointers it names — and those that
// dotted `keys`/`excludeKeys` name (`keys=author.email` includes `author`) — replaced by the objects they point
// to, path by path ("a.b" includes `a`, then `b` in the included objects), each class's objects read by one
// query that the caller runs as the request may (read.ts: permissions, ACLs, protected fields, find triggers).
// A pointer whose object is not found is dropped.

import type { Json } from './rest';
import { isObject, isPointer } from './values';

/** Reads the objects of one class an include names (with the `keys`/`excludeKeys` given for them). */
export type IncludeReader = (className: string, objectIds: string[], keys?: string, excludeKeys?: string) => Promise<Json[]>;

/** What of a query an include depends on. */
interface IncludeOptions {
  include?: string;
  keys?: string;
  excludeKeys?: string;
}

/** The results with the included objects in place of their pointers. */
export async function includeObjects(results: Json[], options: IncludeOptions, read: IncludeReader): Promise<Json[]> {
  for (const path of includePaths(results, options)) {
    const byClass = new Map<string, Set<string>>();
    for (const pointer of findPointers(results, path)) {
      const ids = byClass.get(pointer.className) ?? new Set<string>();
      byClass.set(pointer.className, ids.add(pointer.objectId));
    }
    if (byClass.size === 0) continue;
    const found = new Map<string, Json>();
    const keys = subKeys(options.keys, path, true);
    const excluded = subKeys(options.excludeKeys, path, false);
    for (const [className, ids] of byClass) {
      for (const object of await read(className, [...ids], keys, excluded)) found.set(`${className}/${String(object.objectId)}`, { ...object, __type: 'Object', className });
    }
    results = results.map((record) => replacePointers(record, path, found) as Json);
  }
  return results;
}

/** The include paths of a query, shortest first, each with its prefixes (`*`: every pointer field of the results). */
function includePaths(results: Json[], options: IncludeOptions): string[][] {
  const dotted = [options.keys, options.excludeKeys].flatMap((list) => (list ?? '').split(','))
    .map((key) => key.trim()).filter((key) => key.includes('.')).map((key) => key.slice(0, key.lastIndexOf('.')));
  const listed = [...(options.include ?? '').split(','), ...dotted].map((path) => path.trim()).filter(Boolean);
  const paths = new Set<string>();
  for (const path of listed) {
    if (path === '*') {
      for (const record of results) for (const [key, value] of Object.entries(record)) if (isPointer(value)) paths.add(key);
      continue;
    }
    const parts = path.split('.');
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('.'));
  }
  return [...paths].map((path) => path.split('.')).sort((a, b) => a.length - b.length);
}

/**
 * The `keys` (or `excludeKeys`) an included object at `path` gets: for "author.email", `email` at `author`.
 * Keys go one level deeper than the path (a deeper include needs its field); excluded keys only at the last.
 */
function subKeys(list: string | undefined, path: string[], deeper: boolean): string | undefined {
  if (!list) return undefined;
  const wanted = new Set<string>();
  for (const key of list.split(',').map((item) => item.trim().split('.'))) {
    if (!path.every((part, i) => key[i] === part)) continue;
    if (deeper ? key.length > path.length : key.length === path.length + 1) wanted.add(key[path.length]!);
  }
  return wanted.size ? [...wanted].join(',') : undefined;
}

/** The pointers at `path` in a value (arrays are walked; an included object is walked into). */
function findPointers(value: unknown, path: string[]): { className: string; objectId: string }[] {
  if (Array.isArray(value)) return value.flatMap((item) => findPointers(item, path));
  if (!isObject(value)) return [];
  if (path.length === 0) return value.__type === 'Pointer' && typeof value.className === 'string' && typeof value.objectId === 'string' ? [value as { className: string; objectId: string }] : [];
  return findPointers(value[path[0]!], path.slice(1));
}

/** A value with the pointers at `path` replaced by the objects found (a pointer to none is dropped). */
function replacePointers(value: unknown, path: string[], found: Map<string, Json>): unknown {
  if (Array.isArray(value)) return value.map((item) => replacePointers(item, path, found)).filter((item) => item !== undefined);
  if (!isObject(value)) return value;
  if (path.length === 0) return value.__type === 'Pointer' ? found.get(`${String(value.className)}/${String(value.objectId)}`) : value;
  const [head, ...rest] = path;
  if (!value[head!]) return value;
  const replaced = replacePointers(value[head!], rest, found);
  const copy: Json = { ...value };
  if (replaced === undefined) delete copy[head!];
  else copy[head!] = replaced;
  return copy;
}
