// The `request` objects Cloud Code handlers receive, built here and nowhere else (as Parse Server's
// triggers.getRequestObject and getRequest): the part every request shares (master, user, installationId,
// log, headers, ip, context), then what triggers (triggerName, object, original), functions (params,
// functionName) and jobs (params, jobName, jobId, message) add.

import type { AppContext } from './context';
import { ParseCode, ParseFailure } from './errors';
import type { RunTriggerType } from './registry';
import type { Json, ParseRequest } from './rest';
import { publicView, type ParseRecord } from './values';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A Parse.Object of the SDK (typed loosely, as the SDK is). */
export type ParseObject = any;

/** A Parse.Object (or subclass such as Parse.User) holding a stored record. */
export function inflate(ctx: AppContext, className: string, record: Json): ParseObject {
  return ctx.Parse.Object.fromJSON({ ...publicView(record), className });
}

/** The user of a request: by session token (`_Session`) or by objectId; undefined when anonymous. */
function requestUser(ctx: AppContext, request: ParseRequest): ParseObject {
  let userId = request.userId;
  if (request.sessionToken) {
    const session = ctx.classes.find('_Session', { where: { sessionToken: request.sessionToken }, limit: 1 }).results[0];
    const pointer = session?.user as { objectId?: string } | undefined;
    if (!pointer?.objectId) throw new ParseFailure(ParseCode.invalidSessionToken, 'Invalid session token');
    userId = pointer.objectId;
  }
  if (!userId) return undefined;
  const record = ctx.classes.get('_User', userId);
  if (!record) throw new ParseFailure(ParseCode.objectNotFound, `user ${userId} not found in _User`);
  return inflate(ctx, '_User', record);
}

/** What every trigger and function request holds; throws when the session token or user is unknown. */
export function baseRequest(ctx: AppContext, request: ParseRequest): Json {
  return {
    master: request.master,
    user: requestUser(ctx, request),
    installationId: request.installationId,
    log: ctx.logs.requestLogger(),
    headers: request.headers ?? {},
    ip: request.ip ?? '127.0.0.1',
    context: request.context ?? {},
  };
}

/** A trigger's request: save triggers also get `original` (undefined for a new object). */
export function triggerRequest(ctx: AppContext, triggerName: RunTriggerType, base: Json, object: ParseObject, className: string, original: ParseRecord | undefined): Json {
  const request: Json = { ...base, triggerName, object };
  if (triggerName === 'beforeSave' || triggerName === 'afterSave') request.original = original ? inflate(ctx, className, original) : undefined;
  return request;
}

/** A define() handler's request. */
export function functionRequest(base: Json, functionName: string, params: unknown): Json {
  return { ...base, params, functionName };
}

/** A job's request: always with the master key, no user; `message` records a progress message. */
export function jobRequest(ctx: AppContext, request: ParseRequest, jobName: string, jobId: string, message: (message: unknown) => void): Json {
  return {
    params: { ...request.body }, headers: request.headers ?? {}, log: ctx.logs.requestLogger(), ip: request.ip ?? '127.0.0.1',
    jobName, jobId, master: true, message,
  };
}
