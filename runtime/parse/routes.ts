// The route table of each resource of the REST API (functions, jobs, classes, users, batch, health): thin
// routers that take what the path names and hand the request to its pipeline.

import type { AppContext } from './context';
import { runBatch } from './batch';
import { callFunction, startJob } from './functions';
import { findObjects, getObject } from './read';
import type { Route } from './router';
import { deleteObject, saveObject } from './write';

export function functionsRoutes(ctx: AppContext): Route[] {
  return [{ method: 'POST', path: 'functions/:functionName', handler: (request, { functionName }) => callFunction(ctx, functionName!, request) }];
}

export function jobsRoutes(ctx: AppContext): Route[] {
  return [{ method: 'POST', path: 'jobs/:jobName', handler: (request, { jobName }) => startJob(ctx, jobName!, request) }];
}

/** The routes of one class's objects under `prefix`: find and create, then get, update and delete by objectId. */
function objectRoutes(ctx: AppContext, prefix: string, classOf: (params: Record<string, string>) => string): Route[] {
  return [
    { method: 'GET', path: prefix, handler: (request, params) => findObjects(ctx.classes, classOf(params), request.body) },
    { method: 'POST', path: prefix, handler: (request, params) => saveObject(ctx, classOf(params), undefined, request) },
    { method: 'GET', path: `${prefix}/:objectId`, handler: (request, params) => getObject(ctx.classes, classOf(params), params.objectId!, request.body) },
    { method: 'PUT', path: `${prefix}/:objectId`, handler: (request, params) => saveObject(ctx, classOf(params), params.objectId!, request) },
    { method: 'DELETE', path: `${prefix}/:objectId`, handler: (request, params) => deleteObject(ctx, classOf(params), params.objectId!, request) },
  ];
}

export function classesRoutes(ctx: AppContext): Route[] {
  return objectRoutes(ctx, 'classes/:className', (params) => params.className!);
}

/** users[/ID]: the objects of _User. */
export function usersRoutes(ctx: AppContext): Route[] {
  return objectRoutes(ctx, 'users', () => '_User');
}

export function batchRoutes(ctx: AppContext): Route[] {
  return [{ method: 'POST', path: 'batch', handler: (request) => runBatch(ctx, request) }];
}

/** GET health; a path below it answers the same. */
export function healthRoutes(): Route[] {
  return [{ method: 'GET', path: 'health/*', handler: () => ({ status: 200, body: { status: 'ok' } }) }];
}
