// The `request` objects Cloud Code handlers receive, built here and nowhere else (as Parse Server's
// triggers.getRequestObject and getRequest): the part every request shares (master, user, installationId,
// log, headers, ip, context), then what triggers (triggerName, object, original), functions (params,
// functionName) and jobs (params, jobName, jobId, message) add.

import type { AppContext } from './context';
import { authOf } from './auth';
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

/** The roles (`role:NAME`) of a request's user, kept out of sight on the request for the validators. */
const userRoles = Symbol('userRoles');

/** The roles (`role:NAME`, inherited ones too) of the user a Cloud Code request was made by; none without one. */
export function userRolesOf(request: Json): string[] {
  const roles = (request as { [userRoles]?: () => string[] })[userRoles];
  return roles ? roles() : [];
}

/** What every trigger and function request holds; throws when the session token or user is unknown. */
export function baseRequest(ctx: AppContext, request: ParseRequest): Json {
  const auth = authOf(ctx.classes, request);
  const user = auth.user ? inflate(ctx, '_User', auth.user) : undefined;
  if (user && auth.session) user._finishFetch({ sessionToken: auth.session.sessionToken });
  return {
    [userRoles]: () => [...auth.roles()],
    master: request.master,
    user,
    installationId: request.installationId,
    log: ctx.logs.requestLogger(),
    headers: request.headers ?? {},
    ip: request.ip ?? '127.0.0.1',
    context: request.context ?? {},
  };
}

/** A trigger's request: save triggers also get `original` (undefined for a new object). */
export function triggerRequest(ctx: AppContext, triggerName: RunTriggerType, base: Json, object: ParseObject, className: string, original: ParseRecord | undefined): Json {
  // Each trigger gets a copy of the request's context (without a prototype, as on Parse Server); triggers.ts
  // merges back what a save or delete trigger left in it.
  const request: Json = { ...base, triggerName, object, context: Object.assign(Object.create(null), base.context) };
  if (triggerName === 'beforeSave' || triggerName === 'afterSave') request.original = original ? inflate(ctx, className, original) : undefined;
  return request;
}

/** A define() handler's request. */
export function functionRequest(base: Json, functionName: string, params: unknown): Json {
  return { ...base, params, functionName };
}

/**
 * A job's request: always with the master key, no user; `message` records a progress message and, as on Parse
 * Server, answers a promise that resolves once it is recorded.
 */
export function jobRequest(ctx: AppContext, request: ParseRequest, jobName: string, jobId: string, message: (message: unknown) => void): Json {
  return {
    params: { ...request.body }, headers: request.headers ?? {}, log: ctx.logs.requestLogger(), ip: request.ip ?? '127.0.0.1',
    jobName, jobId, master: true, message: (text: unknown): Promise<void> => Promise.resolve().then(() => message(text)),
  };
}
