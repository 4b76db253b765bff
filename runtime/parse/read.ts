// The read side of the REST emulation (as Parse Server's RestQuery): a query's REST parameters (`where` as
// JSON text or an object, order, keys, include, limit, skip, count) checked and run over ParseClasses, and one
// object by its objectId.

import { checkClassName, type FindOptions, type ParseClasses } from './classes';
import { ParseCode, ParseFailure, objectNotFound } from './errors';
import type { Json, ParseResponse } from './rest';
import { tooDeep } from '../jsonLimits';

const queryParameters = ['where', 'order', 'keys', 'include', 'limit', 'skip', 'count', 'excludeKeys', 'readPreference', 'includeReadPreference', 'subqueryReadPreference', 'hint', 'explain'];

/** GET classes/CLASS: the objects matching the query in `body`. */
export function findObjects(classes: ParseClasses, className: string, body: Json): ParseResponse {
  const where = decodeJsonParameter(body.where, 'where');
  if (where !== undefined && (where === null || typeof where !== 'object' || Array.isArray(where))) throw new ParseFailure(ParseCode.invalidQuery, 'where must be an object');
  const number = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));
  const options: FindOptions = {
    where: where as Json | undefined,
    order: typeof body.order === 'string' ? body.order : undefined,
    keys: typeof body.keys === 'string' ? body.keys : undefined,
    include: typeof body.include === 'string' ? body.include : undefined,
    limit: number(body.limit),
    skip: number(body.skip),
    count: body.count === 1 || body.count === true || body.count === '1' || body.count === 'true',
  };
  for (const key of Object.keys(body)) {
    if (!queryParameters.includes(key)) throw new ParseFailure(ParseCode.invalidQuery, `Invalid parameter for query: ${key}`);
  }
  if (body.excludeKeys !== undefined || body.explain !== undefined) throw new ParseFailure(ParseCode.invalidQuery, 'excludeKeys and explain are not supported by cloudfn\'s local Parse emulation');
  checkClassName(className);
  return { status: 200, body: classes.find(className, options) };
}

/** GET classes/CLASS/ID: one object (with `include` and `keys`); 101 when there is none. */
export function getObject(classes: ParseClasses, className: string, objectId: string, body: Json): ParseResponse {
  const { results } = classes.find(className, {
    where: { objectId },
    include: typeof body.include === 'string' ? body.include : undefined,
    keys: typeof body.keys === 'string' ? body.keys : undefined,
    limit: 1,
  });
  if (!results[0]) throw objectNotFound();
  return { status: 200, body: results[0] };
}

/** A query parameter sent as JSON text (in a GET's query string) decoded; other values as they are. */
function decodeJsonParameter(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    throw new ParseFailure(ParseCode.invalidJson, `invalid JSON in ${what}`);
  }
  const deep = tooDeep(decoded);
  if (deep) throw new ParseFailure(ParseCode.invalidJson, `invalid JSON in ${what}: ${deep}`);
  return decoded;
}
