// Parse queries over stored objects, as the Parse SDK sends them: `where` with equality (pointers, objectId,
// arrays containing a value), $gt/$gte/$lt/$lte/$ne/$eq/$in/$nin/$all/$containedBy/$exists/$regex(+$options)/
// $or/$and/$nor, GeoPoints ($nearSphere with a maximum distance, $within $box, $geoWithin $centerSphere or
// $polygon), a local $text search, then order (nearest first for $nearSphere), skip, limit, keys and count.
// Any other operator fails loudly with a Parse error (102). Regular expressions run on RE2 (linear time).

import { isDeepStrictEqual } from 'node:util';
import { RE2JS } from 're2js';
import { ParseCode, ParseFailure } from './errors';
import type { Json } from './rest';
import { isObject, isPointer } from './values';

/** Dates compare by their ISO string (createdAt/updatedAt are stored as ISO strings). */
function comparable(value: unknown): unknown {
  if (isObject(value) && value.__type === 'Date' && typeof value.iso === 'string') return value.iso;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** Equality as Parse Server on PostgreSQL answers it. */
export function valuesEqual(stored: unknown, wanted: unknown): boolean {
  // null equals a missing field (SQL's IS NULL; a field saved as null is not stored).
  if (wanted === null) return stored === undefined || stored === null;
  if (isPointer(wanted)) {
    if (isPointer(stored)) return stored.objectId === wanted.objectId && stored.className === wanted.className;
    if (Array.isArray(stored)) return stored.some((item) => valuesEqual(item, wanted));
    return false;
  }
  // A pointer column holds the objectId on PostgreSQL: equality with a plain id string matches it.
  if (typeof wanted === 'string' && isPointer(stored)) return stored.objectId === wanted;
  if (Array.isArray(stored) && !Array.isArray(wanted)) return stored.some((item) => valuesEqual(item, wanted));
  const a = comparable(stored);
  const b = comparable(wanted);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  return isDeepStrictEqual(a, b);
}

function compare(stored: unknown, bound: unknown): number | undefined {
  const a = comparable(stored);
  const b = comparable(bound);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

const unsupported = (what: string): ParseFailure =>
  new ParseFailure(ParseCode.invalidQuery, `bad constraint: ${what} is not supported by cloudfn's local Parse emulation`);

/** The value of `key` in `record`; a dotted key reaches into objects. */
export function fieldValue(record: Json, key: string): unknown {
  if (!key.includes('.')) return record[key];
  let value: unknown = record;
  for (const part of key.split('.')) value = isObject(value) ? value[part] : undefined;
  return value;
}

/** Compiled patterns by flags and source: a query tests one pattern against every object of a class. */
const compiledPatterns = new Map<string, RE2JS>();

/**
 * A `$regex` with its `$options` (i, m, s, x as Parse Server accepts them), compiled by RE2 (re2js): matching
 * takes time linear in the text, so a pattern such as `^(a+)+$` cannot stall the server as a backtracking
 * engine would. RE2 has no backreferences or lookarounds: such a pattern is refused (102).
 */
function regexFrom(pattern: unknown, options: unknown): RE2JS {
  if (typeof pattern !== 'string') throw new ParseFailure(ParseCode.invalidQuery, 'bad $regex: not a string');
  const flags = typeof options === 'string' ? options : '';
  const known = [...new Set(flags.replace(/x/g, ''))];
  if (known.some((flag) => !'ims'.includes(flag))) throw new ParseFailure(ParseCode.invalidQuery, `bad $options value for query: ${flags}`);
  const key = `${flags}/${pattern}`;
  const cached = compiledPatterns.get(key);
  if (cached) return cached;
  // The SDK quotes literal text as \Q...\E (startsWith, endsWith, contains); with x, whitespace and #-comments
  // outside those quotes are dropped.
  const source = pattern.split(/(\\Q[\s\S]*?(?:\\E|$))/).map((part, i) => (
    i % 2 === 1 ? RE2JS.quote(part.replace(/^\\Q|\\E$/g, '')) : flags.includes('x') ? part.replace(/\s+|#.*$/gm, '') : part)).join('');
  const bits = (known.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) | (known.includes('m') ? RE2JS.MULTILINE : 0) | (known.includes('s') ? RE2JS.DOTALL : 0);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, bits);
  } catch (error) {
    throw new ParseFailure(ParseCode.invalidQuery, `bad $regex: ${(error as Error).message}`);
  }
  if (compiledPatterns.size >= 256) compiledPatterns.clear();
  compiledPatterns.set(key, compiled);
  return compiled;
}

function matchesConstraint(value: unknown, constraint: Json): boolean {
  for (const [op, operand] of Object.entries(constraint)) {
    switch (op) {
      case '$eq': if (!valuesEqual(value, operand)) return false; break;
      case '$ne': if (valuesEqual(value, operand)) return false; break;
      case '$gt': case '$gte': case '$lt': case '$lte': {
        if (Array.isArray(value)) {
          if (!value.some((item) => matchesConstraint(item, { [op]: operand }))) return false;
          break;
        }
        const order = compare(value, operand);
        if (order === undefined) return false;
        if (op === '$gt' && !(order > 0)) return false;
        if (op === '$gte' && !(order >= 0)) return false;
        if (op === '$lt' && !(order < 0)) return false;
        if (op === '$lte' && !(order <= 0)) return false;
        break;
      }
      case '$in': case '$nin': {
        if (!Array.isArray(operand)) throw new ParseFailure(ParseCode.invalidQuery, `bad ${op} value`);
        const found = operand.some((item) => valuesEqual(value, item));
        if (found !== (op === '$in')) return false;
        break;
      }
      case '$all': {
        if (!Array.isArray(operand)) throw new ParseFailure(ParseCode.invalidQuery, 'bad $all value');
        if (!Array.isArray(value) || !operand.every((item) => value.some((v) => valuesEqual(v, item)))) return false;
        break;
      }
      case '$exists': if ((value !== undefined && value !== null) !== Boolean(operand)) return false; break;
      case '$regex': if (typeof value !== 'string' || !regexFrom(operand, constraint.$options).test(value)) return false; break;
      case '$options': break;
      case '$containedBy': {
        if (!Array.isArray(operand)) throw new ParseFailure(ParseCode.invalidJson, 'bad $containedBy: should be an array');
        if (!Array.isArray(value) || !value.every((item) => operand.some((allowed) => valuesEqual(item, allowed)))) return false;
        break;
      }
      case '$nearSphere': {
        const distance = geoDistance(value, operand);
        const max = maxDistance(constraint);
        if (distance === undefined || (max !== undefined && distance > max)) return false;
        break;
      }
      case '$maxDistance': case '$maxDistanceInRadians': case '$maxDistanceInKilometers': case '$maxDistanceInMiles': break;
      case '$within': case '$geoWithin': if (!withinShape(value, operand)) return false; break;
      case '$text': if (!matchesText(value, operand)) return false; break;
      default: throw unsupported(op);
    }
  }
  return true;
}

const supportedOperators = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$all', '$exists', '$regex', '$options', '$containedBy',
  '$nearSphere', '$maxDistance', '$maxDistanceInRadians', '$maxDistanceInKilometers', '$maxDistanceInMiles', '$within', '$geoWithin', '$text']);

/** Throws a Parse error (102) for any operator this emulation does not run, before any object is read. */
export function checkWhere(where: Json): void {
  for (const [key, condition] of Object.entries(where)) {
    if (key === '$or' || key === '$and' || key === '$nor') {
      if (!Array.isArray(condition)) throw new ParseFailure(ParseCode.invalidQuery, `bad ${key} value`);
      for (const sub of condition) checkWhere(isObject(sub) ? sub : {});
      continue;
    }
    if (key.startsWith('$') || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(key)) throw new ParseFailure(ParseCode.invalidKeyName, `Invalid key name: ${key}`);
    if (isObject(condition) && condition.__type === undefined) {
      for (const op of Object.keys(condition)) if (op.startsWith('$') && !supportedOperators.has(op)) throw unsupported(op);
      if ('$regex' in condition) regexFrom(condition.$regex, condition.$options);
    }
  }
}

/** Whether `record` matches a Parse `where` object. */
export function matchesWhere(record: Json, where: Json): boolean {
  for (const [key, condition] of Object.entries(where)) {
    if (key === '$or' || key === '$and' || key === '$nor') {
      if (!Array.isArray(condition)) throw new ParseFailure(ParseCode.invalidQuery, `bad ${key} value`);
      const results = condition.map((sub) => matchesWhere(record, isObject(sub) ? sub : {}));
      if (key === '$or' && !results.some(Boolean)) return false;
      if (key === '$and' && !results.every(Boolean)) return false;
      if (key === '$nor' && results.some(Boolean)) return false;
      continue;
    }
    if (key.startsWith('$')) throw unsupported(key);
    const value = fieldValue(record, key);
    const isConstraint = isObject(condition) && condition.__type === undefined && Object.keys(condition).some((k) => k.startsWith('$'));
    if (isConstraint) {
      if (!matchesConstraint(value, condition)) return false;
    } else if (!valuesEqual(value, condition)) {
      return false;
    }
  }
  return true;
}

/** One key of Parse's `order`: the field (dotted reaches into objects) and its direction (1 or -1). */
export interface OrderKey {
  key: string;
  sign: 1 | -1;
}

/** The keys of Parse's `order` ("-stars,createdAt"), each checked as Parse Server checks field names (105). */
export function orderKeys(order: string): OrderKey[] {
  const keys = order.split(',').map((key) => key.trim()).filter(Boolean).map((key): OrderKey => (
    key.startsWith('-') ? { key: key.slice(1), sign: -1 } : { key, sign: 1 }));
  for (const { key } of keys) {
    if (!/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(key)) throw new ParseFailure(ParseCode.invalidKeyName, `Invalid field name: ${key}.`);
  }
  return keys;
}

/**
 * Whether `value` is one SQL orders as this module does (classes.ts lets SQLite order by such fields): a
 * number, a string, a boolean, a Date, or nothing (null and missing values come first, last when descending).
 */
export function sqlOrderable(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return true;
  return isObject(value) && value.__type === 'Date' && typeof value.iso === 'string';
}

/** Sorts by Parse's `order` ("-stars,createdAt"); missing values sort first, as on Parse Server. */
export function sortRecords(records: Json[], order: string | OrderKey[]): void {
  const keys = typeof order === 'string' ? orderKeys(order) : order;
  records.sort((a, b) => {
    for (const { key, sign } of keys) {
      const x = fieldValue(a, key);
      const y = fieldValue(b, key);
      if (x === y) continue;
      if (x === undefined || x === null) return -sign;
      if (y === undefined || y === null) return sign;
      const order = compare(x, y) ?? String(JSON.stringify(comparable(x))).localeCompare(String(JSON.stringify(comparable(y))));
      if (order !== 0) return order * sign;
    }
    return 0;
  });
}

/** Drops the `excludeKeys` of a record (top-level names; objectId, createdAt and updatedAt stay). */
export function excludeKeys(record: Json, keys: string): Json {
  const excluded = new Set(keys.split(',').map((key) => key.trim()).filter((key) => !['objectId', 'createdAt', 'updatedAt'].includes(key)));
  return Object.fromEntries(Object.entries(record).filter(([key]) => !excluded.has(key)));
}

/** Keeps only the `keys` of a record (plus objectId, createdAt, updatedAt and ACL, as Parse Server does). */
export function selectKeys(record: Json, keys: string): Json {
  const wanted = new Set(keys.split(',').map((key) => key.trim().split('.')[0]!));
  const selected: Json = {};
  for (const [key, value] of Object.entries(record)) {
    // Relation fields come with every object, whatever `keys` says (Parse Server adds them from the schema).
    if (wanted.has(key) || key === 'objectId' || key === 'createdAt' || key === 'updatedAt' || key === 'ACL' || (isObject(value) && value.__type === 'Relation')) selected[key] = value;
  }
  return selected;
}

/** The Earth's radius Parse uses to turn radians into kilometres and miles. */
const earthKm = 6371;
const earthMiles = 3958.8;

const isGeoPoint = (value: unknown): value is { latitude: number; longitude: number } =>
  isObject(value) && typeof value.latitude === 'number' && typeof value.longitude === 'number';

/** The great-circle distance between two GeoPoints, in radians; undefined unless both are GeoPoints. */
function geoDistance(a: unknown, b: unknown): number | undefined {
  if (!isGeoPoint(a) || !isGeoPoint(b)) return undefined;
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLng = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A $nearSphere's maximum distance in radians, from whichever unit the query gives. */
function maxDistance(constraint: Json): number | undefined {
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  return number(constraint.$maxDistance) ?? number(constraint.$maxDistanceInRadians)
    ?? (number(constraint.$maxDistanceInKilometers) !== undefined ? number(constraint.$maxDistanceInKilometers)! / earthKm : undefined)
    ?? (number(constraint.$maxDistanceInMiles) !== undefined ? number(constraint.$maxDistanceInMiles)! / earthMiles : undefined);
}

/** Whether a GeoPoint lies within a $box, a $centerSphere ([[lng, lat], radians]) or a $polygon. */
function withinShape(value: unknown, shape: unknown): boolean {
  if (!isGeoPoint(value) || !isObject(shape)) return false;
  if (Array.isArray(shape.$box)) {
    const [sw, ne] = shape.$box as unknown[];
    if (!isGeoPoint(sw) || !isGeoPoint(ne)) throw new ParseFailure(ParseCode.invalidJson, 'bad $box: two GeoPoints are needed');
    // Corners in either order: the box is the one they span (PostgreSQL's box, as Parse Server uses it).
    const [south, north] = [Math.min(sw.latitude, ne.latitude), Math.max(sw.latitude, ne.latitude)];
    const [west, east] = [Math.min(sw.longitude, ne.longitude), Math.max(sw.longitude, ne.longitude)];
    return value.latitude >= south && value.latitude <= north && value.longitude >= west && value.longitude <= east;
  }
  if (Array.isArray(shape.$centerSphere)) {
    const [center, radius] = shape.$centerSphere as unknown[];
    const point = Array.isArray(center) ? { longitude: Number(center[0]), latitude: Number(center[1]) } : center;
    const distance = geoDistance(value, point);
    if (distance === undefined || typeof radius !== 'number') throw new ParseFailure(ParseCode.invalidJson, 'bad $geoWithin value; $centerSphere should be [[longitude, latitude], radius]');
    return distance <= radius;
  }
  if (shape.$polygon !== undefined) {
    const points = polygonPoints(shape.$polygon);
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [yi, xi] = points[i]!;
      const [yj, xj] = points[j]!;
      if (onSegment(value.latitude, value.longitude, yi, xi, yj, xj)) return true;
      if ((yi > value.latitude) !== (yj > value.latitude) && value.longitude < ((xj - xi) * (value.latitude - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  throw unsupported('this $within/$geoWithin shape');
}

/**
 * The [latitude, longitude] corners of a `$geoWithin` `$polygon`, checked as Parse Server on PostgreSQL checks
 * them (107): a Polygon or an array of at least 3 GeoPoints or [longitude, latitude] pairs.
 */
function polygonPoints(polygon: unknown): [number, number][] {
  const bad = (detail = ''): ParseFailure => new ParseFailure(ParseCode.invalidJson, `bad $geoWithin value${detail}`);
  let points: unknown[];
  if (isObject(polygon) && polygon.__type === 'Polygon') {
    if (!Array.isArray(polygon.coordinates) || polygon.coordinates.length < 3) throw bad('; Polygon.coordinates should contain at least 3 lon/lat pairs');
    // Read as [longitude, latitude] pairs, as Parse Server's adapters read them here.
    points = polygon.coordinates as unknown[];
  } else if (Array.isArray(polygon)) {
    if (polygon.length < 3) throw bad('; $polygon should contain at least 3 GeoPoints');
    points = polygon;
  } else {
    throw bad("; $polygon should be Polygon object or Array of Parse.GeoPoint's");
  }
  return points.map((point) => {
    if (Array.isArray(point) && point.length === 2 && typeof point[0] === 'number' && typeof point[1] === 'number') return [point[1], point[0]];
    if (!isGeoPoint(point)) throw bad();
    return [point.latitude, point.longitude];
  });
}

/** Whether (y, x) lies on the segment from (y1, x1) to (y2, x2): a polygon's border is inside it. */
function onSegment(y: number, x: number, y1: number, x1: number, y2: number, x2: number): boolean {
  const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
  return Math.abs(cross) < 1e-12 && x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && y >= Math.min(y1, y2) && y <= Math.max(y1, y2);
}

/**
 * A local full-text `$text` search: every word of `$search.$term` appears in the field, case- and
 * diacritic-insensitively unless `$caseSensitive`/`$diacriticSensitive` say otherwise (no stemming, no
 * language rules, no score).
 */
function matchesText(value: unknown, operand: unknown): boolean {
  const search = isObject(operand) && isObject(operand.$search) ? operand.$search : undefined;
  if (!search || typeof search.$term !== 'string') throw new ParseFailure(ParseCode.invalidJson, 'bad $text: $search.$term should be a string');
  if (typeof value !== 'string') return false;
  const fold = (text: string): string => {
    let folded = search.$diacriticSensitive === true ? text : text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (search.$caseSensitive !== true) folded = folded.toLowerCase();
    return folded;
  };
  const words = new Set(fold(value).split(/[^\p{L}\p{N}]+/u));
  return fold(search.$term).split(/[^\p{L}\p{N}]+/u).filter(Boolean).every((word) => words.has(word));
}

/** The $nearSphere of a `where` (its field and point), which orders results nearest first. */
export function nearSphereOf(where: Json): { key: string; point: unknown } | undefined {
  for (const [key, condition] of Object.entries(where)) {
    if (isObject(condition) && condition.$nearSphere !== undefined) return { key, point: condition.$nearSphere };
  }
  return undefined;
}

/** Sorts records nearest first to `near.point`. */
export function sortByDistance(records: Json[], near: { key: string; point: unknown }): void {
  const distance = (record: Json): number => geoDistance(fieldValue(record, near.key), near.point) ?? Infinity;
  records.sort((a, b) => distance(a) - distance(b));
}
