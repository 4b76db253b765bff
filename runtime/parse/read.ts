// The read side of the REST emulation (as Parse Server's RestQuery): a query's REST parameters (`where` as
// JSON text or an object, order, keys, excludeKeys, include, limit, skip, count) checked; beforeFind may change
// the query; the constraints that name other objects ($relatedTo, $inQuery, $notInQuery, $select, $dontSelect)
// resolved to plain ones; the query run over ParseClasses with only what the request may read (class-level and
// pointer permissions, object ACLs, a user's own sessions) and without its protected fields; the objects it
// includes read the same way, through their own class (include.ts); afterFind may change the results. One
// object by its objectId is a query too.

import { aclEntries, type Auth } from './auth';
import { checkClassName, defaultLimit, type FindOptions } from './classes';
import { baseRequest, inflate, type ParseObject } from './cloudRequests';
import type { AppContext } from './context';
import { ParseCode, ParseFailure, objectNotFound, resolveError } from './errors';
import { withFileUrls } from './files';
import { includeObjects } from './include';
import type { Registered } from './registry';
import { owningIds, relatedIds } from './relations';
import { fieldsOf, type FieldType } from './schemas';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { runValidator, skipsWithMasterKey } from './validators';
import { parseUserJson } from '../jsonLimits';
import { classAccess } from './permissions';
import { isObject, isPointer, type ParseRecord } from './values';

const queryParameters = ['where', 'order', 'keys', 'include', 'limit', 'skip', 'count', 'excludeKeys', 'readPreference', 'includeReadPreference', 'subqueryReadPreference', 'hint', 'explain',
  'redirectClassNameForKey', 'includeAll', 'comment'];

/** GET classes/CLASS: the objects matching the query in the request's body. */
export async function findObjects(ctx: AppContext, className: string, request: ParseRequest): Promise<ParseResponse> {
  const body = request.body;
  for (const key of Object.keys(body)) {
    if (!queryParameters.includes(key)) throw new ParseFailure(ParseCode.invalidQuery, `Invalid parameter for query: ${key}`);
  }
  if (body.explain !== undefined) throw new ParseFailure(ParseCode.invalidQuery, 'explain is not supported by cloudfn\'s local Parse emulation');
  const where = decodeJsonParameter(body.where, 'where');
  if (where !== undefined && (where === null || typeof where !== 'object' || Array.isArray(where))) throw new ParseFailure(ParseCode.invalidQuery, 'where must be an object');
  const number = (value: unknown): number | undefined => (value === undefined ? undefined : Number(value));
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  checkClassName(className);
  // The SDK's relation query (`parent.relation(key).query()`) asks for the relation's target class this way.
  const target = typeof body.redirectClassNameForKey === 'string' ? redirectedClass(ctx, className, body.redirectClassNameForKey) : undefined;
  const found = await runQuery(ctx, target ?? className, request, {
    where: where as Json | undefined, order: storedNames(text(body.order)), keys: text(body.keys), excludeKeys: text(body.excludeKeys),
    include: body.includeAll !== undefined && body.includeAll !== false ? '*' : text(body.include), limit: number(body.limit), skip: number(body.skip),
    count: body.count === 1 || body.count === true || body.count === '1' || body.count === 'true',
  }, false);
  if (body.redirectClassNameForKey === undefined) return { status: 200, body: found };
  // Each result names its class once a redirect was asked for, even when the key named no relation (Parse Server 9.10).
  return { status: 200, body: { ...found, results: found.results.map((result) => ({ ...result, className: target ?? className })) } };
}

/** An `order` with the database's names of the dates (`_created_at`, `-_updated_at`) read as Parse Server reads them. */
function storedNames(order: string | undefined): string | undefined {
  return order?.replace(/(^|,)(\s*-?)_(created|updated)_at\b/g, (_match, start: string, sign: string, which: string) => `${start}${sign}${which}At`);
}

/** The target class of `key` when it is a Relation field of `className` (as Parse Server's redirectClassNameForKey), else undefined. */
function redirectedClass(ctx: AppContext, className: string, key: string): string | undefined {
  const type = fieldsOf(ctx.classes, className)[key];
  return type?.type === 'Relation' ? type.targetClass : undefined;
}

/** GET classes/CLASS/ID: one object (with `include` and `keys`); 101 when there is none or it may not be read. */
export async function getObject(ctx: AppContext, className: string, objectId: string, request: ParseRequest): Promise<ParseResponse> {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const { results } = await runQuery(ctx, className, request, {
    where: { objectId }, include: text(request.body.include), keys: text(request.body.keys), excludeKeys: text(request.body.excludeKeys), limit: 1,
  }, true);
  if (!results[0]) throw objectNotFound();
  return { status: 200, body: results[0] };
}

/** Runs a query as `request`'s user may: beforeFind, the constraints resolved, ACLs applied, afterFind. */
async function runQuery(ctx: AppContext, className: string, request: ParseRequest, options: FindOptions, isGet: boolean): Promise<{ results: Json[]; count?: number | [] }> {
  const access = classAccess(ctx, request, className, isGet ? 'get' : options.count && options.limit === 0 ? 'count' : 'find');
  const { auth, pointerWhere } = access;
  const query = await beforeFind(ctx, className, request, options, isGet);
  // Only pointer permissions grant the read, and the request has no user: nothing is found. Parse Server's
  // count is then its empty list of results (`"count": []`, peer suite), and so it is here; a get is 101.
  if (pointerWhere === null && isGet) throw objectNotFound();
  if (pointerWhere === null) return options.count ? { results: [], count: [] } : { results: [] };
  const resolved = resolveWhere(ctx, className, query.where ?? {}, auth);
  const where = pointerWhere ? { $and: [resolved, pointerWhere] } : resolved;
  const ownSessions = className === '_Session' && !auth.master;
  const found = ctx.classes.find(className, {
    ...query, where, redact: access.redact,
    readableBy: auth.master ? undefined : aclEntries(auth),
    filter: ownSessions ? (record) => (record.user as { objectId?: string } | undefined)?.objectId === auth.user?.objectId : undefined,
  });
  const withUrls = found.results.map((record) => withFileUrls(ctx, request, record));
  const results = await includeObjects(withUrls, query, (included, ids, keys, excludeKeys) => readIncluded(ctx, request, included, ids, keys, excludeKeys));
  return afterFind(ctx, className, request, { ...found, results }, () => triggerQuery(ctx, className, request, query, isGet), isGet);
}

/**
 * The objects of one class an include names, read as Parse Server's includePath reads them: a get of that
 * class as the request's user — its CLP (a refusal, or pointer permissions without a user, fails the whole
 * read), ACLs, protected fields and find triggers; an included user shows no authData or session token but
 * to the master key.
 */
async function readIncluded(ctx: AppContext, request: ParseRequest, className: string, objectIds: string[], keys?: string, excludeKeys?: string): Promise<Json[]> {
  const where: Json = { objectId: objectIds.length === 1 ? objectIds[0] : { $in: objectIds } };
  const { results } = await runQuery(ctx, className, request, { where, keys, excludeKeys, limit: objectIds.length }, true);
  if (className !== '_User' || request.master) return results;
  return results.map(({ sessionToken: _token, authData: _authData, ...shown }) => shown);
}

/** The query as beforeFind leaves it (changed through request.query, or a query it returns). */
async function beforeFind(ctx: AppContext, className: string, request: ParseRequest, options: FindOptions, isGet: boolean): Promise<FindOptions> {
  const registered = ctx.registry.trigger('beforeFind', className);
  if (!registered) return options;
  const query = triggerQuery(ctx, className, request, options, isGet);
  const cloudRequest: Json = { ...baseRequest(ctx, request), triggerName: 'beforeFind', query, count: Boolean(options.count), isGet };
  const { ran, returned: result } = await callFindTrigger(registered, cloudRequest);
  if (!ran) return options;
  const json = (result instanceof ctx.Parse.Query ? result : query).toJSON() as Json;
  const join = (value: unknown): string | undefined => (Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : undefined);
  return {
    where: json.where as Json, limit: (json.limit as number | undefined) ?? options.limit, skip: json.skip as number | undefined, order: join(json.order),
    keys: join(json.keys), excludeKeys: join(json.excludeKeys), include: join(json.include), count: options.count,
  };
}

/**
 * The query a find trigger sees, as Parse Server builds it from the REST options (a find's limit defaults to
 * 100 there) with Query.withJSON. No option is given as undefined: withJSON keeps keys it does not know, such
 * as excludeKeys, as extra options that toJSON writes back over what the trigger changed.
 */
function triggerQuery(ctx: AppContext, className: string, request: ParseRequest, options: FindOptions, isGet: boolean): ParseObject {
  const given: Json = {
    where: options.where ?? {}, limit: isGet ? undefined : options.limit ?? defaultLimit, skip: options.skip, order: options.order, keys: options.keys,
    excludeKeys: options.excludeKeys, include: options.include, count: options.count ? 1 : undefined,
    ...readPreferencesOf(request.body),
  };
  return ctx.Parse.Query.fromJSON(className, Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)));
}

/** The read preferences a query was sent with (MongoDB's; only shown to beforeFind here). */
function readPreferencesOf(body: Json): Json {
  return Object.fromEntries(['readPreference', 'includeReadPreference', 'subqueryReadPreference'].filter((key) => typeof body[key] === 'string').map((key) => [key, body[key]]));
}

/** Runs a find trigger with its validator (skipped with the master key when it says so); a failure refuses the query. */
async function callFindTrigger(registered: Registered, cloudRequest: Json): Promise<{ ran: boolean; returned?: unknown }> {
  try {
    await runValidator(registered.validator, cloudRequest);
    if (skipsWithMasterKey(registered.validator, cloudRequest)) return { ran: false };
    return { ran: true, returned: await registered.handler(cloudRequest) };
  } catch (error) {
    throw resolveError(error);
  }
}

/**
 * The results as afterFind leaves them (Parse Server's maybeRunAfterFindTrigger): the objects it returns, or
 * the ones it was given, as JSON with their className; values it set that are objects (a pointer to a saved
 * object) come back whole, and what is not a Parse.Object becomes `{}`.
 */
async function afterFind(ctx: AppContext, className: string, request: ParseRequest, found: { results: Json[]; count?: number }, queryOf: () => ParseObject, isGet: boolean): Promise<{ results: Json[]; count?: number | [] }> {
  const registered = ctx.registry.trigger('afterFind', className);
  if (!registered) return found;
  const objects = found.results.map((record) => inflate(ctx, className, record));
  const cloudRequest: Json = { ...baseRequest(ctx, request), triggerName: 'afterFind', objects, query: queryOf(), isGet };
  const { ran, returned } = await callFindTrigger(registered, cloudRequest);
  if (!ran) return found;
  const list = (Array.isArray(returned) ? returned : objects) as unknown[];
  const results = list.map((object) => withObjects(ctx, object, className));
  return found.count === undefined ? { results } : { results, count: found.count };
}

/** Parse Server's toJSONwithObjects: an object's JSON with the values of its unsaved changes in full. */
function withObjects(ctx: AppContext, object: unknown, className: string): Json {
  if (!(object instanceof ctx.Parse.Object)) return isObject(object) && typeof object.toJSON === 'function' ? (object.toJSON as () => Json)() : {};
  const parseObject = object as ParseObject;
  const json = parseObject.toJSON() as Json;
  const pending = ctx.Parse.CoreManager.getObjectStateController().getPendingOps(parseObject._getStateIdentifier())[0] as Json;
  for (const key of Object.keys(pending ?? {})) {
    const value = parseObject.get(key);
    json[key] = value && typeof value._toFullJSON === 'function' ? value._toFullJSON() : value;
  }
  return { ...json, className: json.className ?? parseObject.className ?? className };
}

/**
 * `where` with the constraints that name other objects replaced by plain ones: `$relatedTo` by the objectIds
 * the relation holds, `$inQuery`/`$notInQuery` by `$in`/`$nin` of the pointers a subquery finds, and
 * `$select`/`$dontSelect` by `$in`/`$nin` of the values of a key in a subquery's results. Subqueries read
 * only what the request may read.
 */
function resolveWhere(ctx: AppContext, className: string, where: Json, auth: Auth): Json {
  const resolved: Json = {};
  const and: Json[] = [];
  const sub = (subClass: unknown, subWhere: unknown): ParseRecord[] => {
    if (typeof subClass !== 'string') throw new ParseFailure(ParseCode.invalidQuery, 'bad subquery: no className');
    const inner = resolveWhere(ctx, subClass, isObject(subWhere) ? subWhere : {}, auth);
    return ctx.classes.find(subClass, { where: inner, limit: 1_000_000, readableBy: auth.master ? undefined : aclEntries(auth) }).results as ParseRecord[];
  };
  let fields: Record<string, FieldType> | undefined;
  for (const [key, condition] of Object.entries(where)) {
    if (key === '$relatedTo') {
      const { object, key: relationKey } = (isObject(condition) ? condition : {}) as { object?: Json; key?: unknown };
      if (!isObject(object) || typeof object.className !== 'string' || typeof relationKey !== 'string') throw new ParseFailure(ParseCode.invalidQuery, 'bad $relatedTo value');
      // An object not saved yet (a clone, say) holds no links: nothing is related, as on Parse Server.
      const ids = isPointer(object) ? relatedIds(ctx.classes, object.className, relationKey, object.objectId) : [];
      and.push({ objectId: { $in: ids } });
      continue;
    }
    if ((key === '$or' || key === '$and' || key === '$nor') && Array.isArray(condition)) {
      resolved[key] = condition.map((item) => resolveWhere(ctx, className, isObject(item) ? item : {}, auth));
      continue;
    }
    // Only a pointer constraint can name a relation's objects; the class's fields are read for those alone.
    if (namesPointers(condition) && (fields ??= fieldsOf(ctx.classes, className))[key]?.type === 'Relation') { and.push(...relationConstraint(ctx, className, key, condition)); continue; }
    if (!isObject(condition) || condition.__type !== undefined) { resolved[key] = condition; continue; }
    const plain: Json = {};
    for (const [op, operand] of Object.entries(condition)) {
      const spec = isObject(operand) ? operand : {};
      if (op === '$inQuery' || op === '$notInQuery') {
        const pointers = sub(spec.className, spec.where).map((record) => ({ __type: 'Pointer', className: spec.className, objectId: record.objectId }));
        and.push({ [key]: { [op === '$inQuery' ? '$in' : '$nin']: pointers } });
      } else if (op === '$select' || op === '$dontSelect') {
        const inner = isObject(spec.query) ? spec.query : {};
        if (typeof spec.key !== 'string') throw new ParseFailure(ParseCode.invalidQuery, `bad ${op} value`);
        const values = sub(inner.className, inner.where).map((record) => record[spec.key as string]).filter((value) => value !== undefined);
        and.push({ [key]: { [op === '$select' ? '$in' : '$nin']: values } });
      } else {
        plain[op] = operand;
      }
    }
    if (Object.keys(plain).length) resolved[key] = plain;
  }
  if (and.length) resolved.$and = [...(Array.isArray(resolved.$and) ? resolved.$and as Json[] : []), ...and];
  return resolved;
}

/** Whether a constraint is a pointer, or `$in`/`$nin`/`$ne` of pointers. */
function namesPointers(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  if (condition.__type === 'Pointer') return true;
  return [condition.$in, condition.$nin, condition.$ne].some((operand) => (Array.isArray(operand) ? operand : [operand]).some(isPointer));
}

/**
 * A constraint on a Relation field as Parse Server's reduceInRelation reads it: a pointer, `$in`, `$nin` or
 * `$ne` of pointers become `objectId` `$in`/`$nin` of the objects whose relation links to them.
 */
function relationConstraint(ctx: AppContext, className: string, key: string, condition: unknown): Json[] {
  const owners = (pointers: unknown): string[] => (Array.isArray(pointers) ? pointers : [pointers])
    .flatMap((pointer) => (isObject(pointer) && typeof pointer.objectId === 'string' ? owningIds(ctx.classes, className, key, pointer.objectId) : []));
  if (!isObject(condition)) return [];
  if (condition.__type === 'Pointer') return [{ objectId: { $in: owners(condition) } }];
  const constraints: Json[] = [];
  if (condition.$in !== undefined) constraints.push({ objectId: { $in: owners(condition.$in) } });
  if (condition.$nin !== undefined) constraints.push({ objectId: { $nin: owners(condition.$nin) } });
  if (condition.$ne !== undefined) constraints.push({ objectId: { $nin: owners(condition.$ne) } });
  return constraints;
}

/** A query parameter sent as JSON text (in a GET's query string) decoded; other values as they are. */
function decodeJsonParameter(value: unknown, what: string): unknown {
  if (typeof value !== 'string') return value;
  const decoded = parseUserJson(value);
  if ('invalid' in decoded) throw new ParseFailure(ParseCode.invalidJson, `invalid JSON in ${what}`);
  if (decoded.tooDeep) throw new ParseFailure(ParseCode.invalidJson, `invalid JSON in ${what}: ${decoded.tooDeep}`);
  return decoded.value;
}
