// The write pipeline of the REST emulation (as Parse Server's RestWrite, and its delete): validate the
// request, run the before-trigger, take what it changed, store through ParseClasses, build Parse Server's
// response, run the after-trigger. Creates, updates and deletes of every class, _User included, go through it.

import { isDeepStrictEqual } from 'node:util';
import { checkClassName, type ParseClasses } from './classes';
import { baseRequest, inflate, type ParseObject } from './cloudRequests';
import type { AppContext } from './context';
import { ParseCode, ParseFailure, objectNotFound } from './errors';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { maybeRunTrigger } from './triggers';
import { isOp, jsonCopy, jsonText, publicView, type ParseRecord } from './values';

/** Creates (objectId undefined) or updates an object, with beforeSave/afterSave. */
export async function saveObject(ctx: AppContext, className: string, objectId: string | undefined, request: ParseRequest): Promise<ParseResponse> {
  // Validate: the class name, the object to update, a user's username and password; then the request's user.
  checkClassName(className);
  const original = objectId ? ctx.classes.get(className, objectId) : undefined;
  if (objectId && !original) throw objectNotFound();
  let data = className === '_User' ? prepareUser(ctx.classes, request.body, original) : { ...request.body };
  const base = baseRequest(ctx, request);

  // beforeSave: what it changed in the object becomes the data to store, and is echoed in the response.
  let changedByTrigger: string[] = [];
  const before = await maybeRunTrigger(ctx, 'beforeSave', { className, original, object: () => objectToSave(ctx, className, original, data) }, base);
  if (before) {
    const saveJson = before.object._getSaveJSON() as Json;
    changedByTrigger = Object.keys(saveJson).filter((key) => !isDeepStrictEqual(saveJson[key], data[key]));
    const internal = Object.fromEntries(Object.entries(data).filter(([key]) => key.startsWith('_')));
    data = { ...saveJson, ...internal };
    ctx.logs.add('info', `beforeSave triggered for ${className} for user ${(base.user as ParseObject)?.id} with:\n  Input: ${jsonText(publicView(request.body))}\n  Result: ${jsonText({ object: publicView(saveJson) })}`);
  }

  // Store, and build the response.
  const { record: saved, opResults } = objectId ? ctx.classes.update(className, objectId, data) : ctx.classes.create(className, data);
  let response: Json = objectId ? { updatedAt: saved.updatedAt, ...opResults } : { objectId: saved.objectId, createdAt: saved.createdAt, ...opResults };
  for (const key of changedByTrigger) {
    if (saved[key] === undefined) continue;
    response[key] = saved[key];
  }

  // afterSave: a returned Parse.Object (or plain object) replaces the response.
  await maybeRunTrigger(ctx, 'afterSave', { className, record: saved, original }, base, (returned) => {
    if (returned instanceof ctx.Parse.Object) {
      response = afterSaveResponse((returned as ParseObject).toJSON() as Json, data);
    } else if (returned && typeof returned === 'object') {
      response = jsonCopy(returned) as Json;
    }
  });
  return { status: objectId ? 200 : 201, body: response };
}

/** Deletes an object, with beforeDelete/afterDelete. */
export async function deleteObject(ctx: AppContext, className: string, objectId: string, request: ParseRequest): Promise<ParseResponse> {
  checkClassName(className);
  const existing = ctx.classes.get(className, objectId);
  if (!existing) throw objectNotFound();
  const base = baseRequest(ctx, request);
  await maybeRunTrigger(ctx, 'beforeDelete', { className, record: existing }, base);
  ctx.classes.remove(className, objectId);
  await maybeRunTrigger(ctx, 'afterDelete', { className, record: existing }, base);
  return { status: 200, body: {} };
}

/** The object a beforeSave sees: the stored original (or a new object) with the request's data set. */
function objectToSave(ctx: AppContext, className: string, original: ParseRecord | undefined, data: Json): ParseObject {
  const object = original ? inflate(ctx, className, original) : ctx.Parse.Object.fromJSON({ className });
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith('_')) continue;
    object.set(key, isOp(value) ? value : ctx.Parse._decode(null, value));
  }
  return object;
}

/** _User: username and password are required on create; the password is stored hashed, never shown. */
function prepareUser(classes: ParseClasses, body: Json, original: ParseRecord | undefined): Json {
  const prepared = { ...body };
  if (!original) {
    if (typeof prepared.username !== 'string' || !prepared.username) throw new ParseFailure(ParseCode.usernameMissing, 'bad or missing username');
    if (typeof prepared.password !== 'string' || !prepared.password) throw new ParseFailure(ParseCode.passwordMissing, 'password is required');
  }
  if (typeof prepared.username === 'string') {
    const taken = classes.find('_User', { where: { username: prepared.username }, limit: 1 }).results[0];
    if (taken && taken.objectId !== original?.objectId) throw new ParseFailure(ParseCode.usernameTaken, 'Account already exists for this username.');
  }
  if (typeof prepared.password === 'string') {
    // Logins are not emulated: the password is kept only as a marker that one was set, never as text.
    prepared._hashed_password = 'set';
    delete prepared.password;
  }
  return prepared;
}

/** Parse Server's response when an afterSave returns a Parse.Object: its JSON without pointers, nulls and unchanged values. */
function afterSaveResponse(json: Json, data: Json): Json {
  const response: Json = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === 'objectId' || key === 'createdAt') { response[key] = value; continue; }
    if (value === null || value === undefined) continue;
    if (typeof value === 'object' && (value as Json).__type === 'Pointer') continue;
    if (isDeepStrictEqual(data[key], value)) continue;
    response[key] = value;
  }
  return response;
}
