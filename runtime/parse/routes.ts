// The route table of each resource of the REST API (functions, jobs, classes, users and sessions, files, schemas and config, batch, health): thin
// routers that take what the path names and hand the request to its pipeline.

import { aggregate } from './aggregate';
import type { AppContext } from './context';
import { runBatch } from './batch';
import { readConfig, updateConfig } from './config';
import { deleteFile, downloadFile, uploadFile } from './files';
import { callFunction, jobsData, startJob } from './functions';
import { findObjects, getObject } from './read';
import type { Route } from './router';
import { createSchema, deleteSchema, purgeClass, readSchemas, updateSchema } from './schemas';
import { checkPassword, currentSession, currentUser, getUser, login, loginAs, logout, signUp } from './users';
import { deleteObject, saveObject } from './write';

export function functionsRoutes(ctx: AppContext): Route[] {
  return [{ method: 'POST', path: 'functions/:functionName', handler: (request, { functionName }) => callFunction(ctx, functionName!, request) }];
}

/** jobs/NAME, and cloud_code/jobs/data (the jobs defined, for the dashboard; master key). */
export function jobsRoutes(ctx: AppContext): Route[] {
  return [
    { method: 'POST', path: 'jobs/:jobName', handler: (request, { jobName }) => startJob(ctx, jobName!, request) },
    { method: 'GET', path: 'cloud_code/jobs/data', handler: (request) => jobsData(ctx, request) },
  ];
}

/** files/NAME: upload and delete; files/APPID/NAME: download. */
export function filesRoutes(ctx: AppContext): Route[] {
  return [
    { method: 'POST', path: 'files/:name', handler: (request, { name }) => uploadFile(ctx, name!, request) },
    { method: 'GET', path: 'files/:appId/:name', handler: (request, { appId, name }) => downloadFile(ctx, appId!, name!, request) },
    { method: 'DELETE', path: 'files/:name', handler: (request, { name }) => deleteFile(ctx, name!, request) },
  ];
}

/** The routes of one class's objects under `prefix`: find and create, then get, update and delete by objectId. */
function objectRoutes(ctx: AppContext, prefix: string, classOf: (params: Record<string, string>) => string): Route[] {
  return [
    { method: 'GET', path: prefix, handler: (request, params) => findObjects(ctx, classOf(params), request) },
    { method: 'POST', path: prefix, handler: (request, params) => saveObject(ctx, classOf(params), undefined, request) },
    { method: 'GET', path: `${prefix}/:objectId`, handler: (request, params) => getObject(ctx, classOf(params), params.objectId!, request) },
    { method: 'PUT', path: `${prefix}/:objectId`, handler: (request, params) => saveObject(ctx, classOf(params), params.objectId!, request) },
    { method: 'DELETE', path: `${prefix}/:objectId`, handler: (request, params) => deleteObject(ctx, classOf(params), params.objectId!, request) },
  ];
}

export function classesRoutes(ctx: AppContext): Route[] {
  return [
    ...objectRoutes(ctx, 'classes/:className', (params) => params.className!),
    { method: 'GET', path: 'aggregate/:className', handler: (request, { className }) => aggregate(ctx, className!, request) },
  ];
}

/** Users and sessions: login, logout, me, verifyPassword, signup; users[/ID], sessions[/ID] and roles[/ID]. */
export function usersRoutes(ctx: AppContext): Route[] {
  const [findUsers, , , ...userById] = objectRoutes(ctx, 'users', () => '_User');
  return [
    { method: 'GET', path: 'login', handler: (request) => login(ctx, request) },
    { method: 'POST', path: 'login', handler: (request) => login(ctx, request) },
    { method: 'POST', path: 'loginAs', handler: (request) => loginAs(ctx, request) },
    { method: 'POST', path: 'logout', handler: (request) => logout(ctx, request) },
    { method: 'GET', path: 'verifyPassword', handler: (request) => checkPassword(ctx, request) },
    { method: 'POST', path: 'verifyPassword', handler: (request) => checkPassword(ctx, request) },
    { method: 'GET', path: 'users/me', handler: (request) => currentUser(ctx, request) },
    { method: 'GET', path: 'sessions/me', handler: (request) => currentSession(ctx, request) },
    { method: 'POST', path: 'users', handler: (request) => signUp(ctx, request) },
    findUsers!, { method: 'GET', path: 'users/:objectId', handler: (request, { objectId }) => getUser(ctx, objectId!, request) }, ...userById,
    ...objectRoutes(ctx, 'sessions', () => '_Session'),
    ...objectRoutes(ctx, 'roles', () => '_Role'),
  ];
}

export function batchRoutes(ctx: AppContext): Route[] {
  return [{ method: 'POST', path: 'batch', handler: (request) => runBatch(ctx, request) }];
}

/** schemas[/CLASS] and purge/CLASS (master key) and config. */
export function schemaRoutes(ctx: AppContext): Route[] {
  return [
    { method: 'GET', path: 'schemas', handler: (request) => readSchemas(ctx, request) },
    { method: 'GET', path: 'schemas/:className', handler: (request, { className }) => readSchemas(ctx, request, className!) },
    { method: 'POST', path: 'schemas/:className', handler: (request, { className }) => createSchema(ctx, request, className!) },
    { method: 'PUT', path: 'schemas/:className', handler: (request, { className }) => updateSchema(ctx, request, className!) },
    { method: 'DELETE', path: 'schemas/:className', handler: (request, { className }) => deleteSchema(ctx, request, className!) },
    { method: 'DELETE', path: 'purge/:className', handler: (request, { className }) => purgeClass(ctx, request, className!) },
    { method: 'GET', path: 'config', handler: (request) => readConfig(ctx, request) },
    { method: 'PUT', path: 'config', handler: (request) => updateConfig(ctx, request) },
  ];
}

/** GET health; a path below it answers the same. */
export function healthRoutes(): Route[] {
  return [{ method: 'GET', path: 'health/*', handler: () => ({ status: 200, body: { status: 'ok' } }) }];
}
