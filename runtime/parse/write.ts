// The write pipeline of the REST emulation (as Parse Server's RestWrite, and its delete): validate the
// request, run the before-trigger, take what it changed, store through ParseClasses, build Parse Server's
// response, run the after-trigger. Creates, updates and deletes of every class, _User included, go through it.

import { isDeepStrictEqual } from 'node:util';
import { hashPassword } from '../store/passwords';
import { allows, createSession, type Auth } from './auth';
import { checkClassName, newObjectId, type ParseClasses } from './classes';
import { baseRequest, inflate, type ParseObject } from './cloudRequests';
import type { AppContext } from './context';
import { ParseCode, ParseFailure, objectNotFound } from './errors';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { isBcryptHash } from './bcrypt';
import { checkFileValue } from './files';
import { isRelationOp, takeRelationOps } from './relations';
import { classAccess, type ClassAccess } from './permissions';
import { matchesWhere } from './query';
import { enforceSchema, newFieldKeys } from './schemas';
import { maybeRunTrigger } from './triggers';
import { isObject, isOp, jsonCopy, jsonText, publicView, type ParseRecord } from './values';

/** Creates (objectId undefined) or updates an object, with beforeSave/afterSave. */
export async function saveObject(ctx: AppContext, className: string, objectId: string | undefined, request: ParseRequest): Promise<ParseResponse> {
  // Validate: the class name, the object to update, a user's username and password; then the request's user.
  checkClassName(className);
  const access = classAccess(ctx, request, className, objectId ? 'update' : 'create');
  const { auth } = access;
  const original = objectId ? ctx.classes.get(className, objectId) : undefined;
  if (objectId && !original) throw notFound(className, auth);
  if (original && className === '_User' && !auth.master && auth.user?.objectId !== objectId) throw new ParseFailure(ParseCode.sessionMissing, 'Permission denied');
  if (original && !mayWrite(original, access)) throw notFound(className, auth);
  const relations = takeRelationOps(request.body, original);
  for (const value of Object.values(relations.body)) checkFileValue(value);
  let data = className === '_User' ? prepareUser(ctx.classes, relations.body, original, auth.master) : { ...relations.body };
  const base = baseRequest(ctx, request);

  // beforeSave: what it changed in the object becomes the data to store, and is echoed in the response; a key
  // the client sent that the trigger reverted or unset comes back as the original value or a Delete.
  let changedByTrigger: string[] = [];
  let relationsByTrigger: ReturnType<typeof takeRelationOps> | undefined;
  const before = await maybeRunTrigger(ctx, 'beforeSave', { className, original, object: () => objectToSave(ctx, className, original, data) }, base);
  if (before) {
    const saveJson = before.object._getSaveJSON() as Json;
    changedByTrigger = Object.keys(saveJson).filter((key) => !isDeepStrictEqual(saveJson[key], data[key]));
    const dirty = new Set(before.object.dirtyKeys() as string[]);
    for (const key of Object.keys(data)) {
      if (key.startsWith('_') || key.includes('.') || dirty.has(key) || key in saveJson) continue;
      saveJson[key] = original ? original[key] : { __op: 'Delete' };
      if (saveJson[key] === undefined) delete saveJson[key];
      changedByTrigger.push(key);
    }
    const internal = Object.fromEntries(Object.entries(data).filter(([key]) => key.startsWith('_')));
    data = { ...saveJson, ...internal };
    // Relation operators the trigger added (`object.relation(key).add(…)`) are written like the client's; the
    // response leaves them out, as Parse Server strips operators from it.
    changedByTrigger = changedByTrigger.filter((key) => !isRelationOp(data[key]));
    relationsByTrigger = takeRelationOps(data, original);
    data = relationsByTrigger.body;
    ctx.logs.add('info', `beforeSave triggered for ${className} for user ${(base.user as ParseObject)?.id} with:\n  Input: ${jsonText(publicView(request.body))}\n  Result: ${jsonText({ object: publicView(saveJson) })}`);
  }

  // Store, and build the response.
  // A write that adds fields to a class needs its addField permission too (checked after beforeSave, as on Parse).
  if (!auth.master && newFieldKeys(ctx.classes, className, data).length > 0) {
    const adding = classAccess(ctx, request, className, 'addField', original ? 'update' : 'create');
    if (original && !mayWrite(original, adding)) throw objectNotFound();
  }
  for (const key of enforceSchema(ctx.classes, className, data, !objectId)) if (!changedByTrigger.includes(key)) changedByTrigger.push(key);
  const newId = objectId ?? newObjectId();
  // A user may always read and write itself: a signup's ACL (by default no one else's) gets the new user's
  // entry, and so does an ACL a user sets on itself (Parse Server keeps users from locking themselves out).
  if (className === '_User' && !objectId) data.ACL = { ...(isObject(data.ACL) ? data.ACL : {}), [newId]: { read: true, write: true } };
  if (className === '_User' && objectId && isObject(data.ACL) && !auth.master) data.ACL = { ...data.ACL, [objectId]: { read: true, write: true } };
  // A role always has its two relations, users and roles.
  if (className === '_Role' && !objectId) {
    data.users ??= { __type: 'Relation', className: '_User' };
    data.roles ??= { __type: 'Relation', className: '_Role' };
  }
  const { record: saved, opResults } = objectId ? ctx.classes.update(className, objectId, data) : ctx.classes.create(className, data, newId);
  relations.apply(ctx.classes, className, saved.objectId);
  relationsByTrigger?.apply(ctx.classes, className, saved.objectId);
  const shape: ResponseShape = { update: objectId !== undefined, data: { ...data, createdAt: saved.createdAt, updatedAt: saved.updatedAt }, original, changedByTrigger };
  let response = withTriggerChanges(objectId ? { updatedAt: saved.updatedAt, ...opResults } : { objectId: saved.objectId, createdAt: saved.createdAt, ...opResults }, shape);
  // A signup opens a session.
  if (className === '_User' && !objectId) {
    const provider = isObject(data.authData) ? Object.keys(data.authData)[0] ?? 'password' : 'password';
    response.sessionToken = createSession(ctx.classes, saved.objectId, { action: 'signup', authProvider: provider }, request.installationId).sessionToken;
  }

  // afterSave: a returned plain object replaces the response; otherwise the response shows what the object
  // (or a returned Parse.Object) holds that the request did not send.
  await maybeRunTrigger(ctx, 'afterSave', { className, record: saved, original }, base, (returned, object) => {
    if (returned && typeof returned === 'object' && !(returned instanceof ctx.Parse.Object)) {
      response = jsonCopy(returned) as Json;
      return;
    }
    const source = (returned instanceof ctx.Parse.Object ? returned : object) as ParseObject;
    response = withTriggerChanges(source.toJSON() as Json, shape);
  });
  return { status: objectId ? 200 : 201, body: response };
}

/** What Parse Server's response of a save is made from: the data stored, the original, what triggers changed. */
interface ResponseShape {
  update: boolean;
  data: Json;
  original: ParseRecord | undefined;
  changedByTrigger: string[];
}

/**
 * Parse Server's response of a save (RestWrite's _updateResponseWithData): the keys always shown (objectId and
 * createdAt of a create, updatedAt of an update), the other values unless empty, pointers or what the client
 * sent or already had; then each key a trigger changed, a Delete shown as `{"__op": "Delete"}`.
 */
function withTriggerChanges(json: Json, shape: ResponseShape): Json {
  const response: Json = { ...json };
  const kept = shape.update ? ['updatedAt'] : ['objectId', 'createdAt'];
  if (shape.update) delete response.objectId;
  delete response.className;
  delete response.__type;
  for (const [key, value] of Object.entries(response)) {
    if (kept.includes(key)) continue;
    if (value === null || value === undefined || (isObject(value) && value.__type === 'Pointer')
      || isDeepStrictEqual(shape.data[key], value) || isDeepStrictEqual(shape.original?.[key], value)) delete response[key];
  }
  for (const key of shape.changedByTrigger) {
    const value = shape.data[key];
    if (!Object.prototype.hasOwnProperty.call(response, key)) response[key] = value;
    if (isOp(response[key])) {
      delete response[key];
      if (isObject(value) && value.__op === 'Delete') response[key] = { __op: 'Delete' };
    }
  }
  return response;
}

/**
 * The failure for an object that is not there or may not be written: 101, but for a _User written without
 * the master key 206 "Permission denied" (Parse Server's handleSessionMissingError, sanitized).
 */
function notFound(className: string, auth: Auth): ParseFailure {
  return className === '_User' && !auth.master ? new ParseFailure(ParseCode.sessionMissing, 'Permission denied') : objectNotFound();
}

/** Deletes an object, with beforeDelete/afterDelete. */
export async function deleteObject(ctx: AppContext, className: string, objectId: string, request: ParseRequest): Promise<ParseResponse> {
  checkClassName(className);
  const existing = ctx.classes.get(className, objectId);
  if (!existing && className !== '_User') throw objectNotFound();
  const access = classAccess(ctx, request, className, 'delete');
  const { auth } = access;
  if (className === '_User' && !auth.master && !auth.user) throw new ParseFailure(ParseCode.sessionMissing, 'Insufficient auth to delete user');
  if (!existing || !mayWrite(existing, access)) throw notFound(className, auth);
  if (className === '_Session' && !auth.master && (existing.user as { objectId?: string } | undefined)?.objectId !== auth.user?.objectId) throw objectNotFound();
  const base = baseRequest(ctx, request);
  await maybeRunTrigger(ctx, 'beforeDelete', { className, record: existing }, base);
  ctx.classes.remove(className, objectId);
  await maybeRunTrigger(ctx, 'afterDelete', { className, record: existing }, base);
  return { status: 200, body: {} };
}

/** Whether the object's ACL lets the request write it, and its user fields do when only pointer permissions grant the write. */
function mayWrite(record: ParseRecord, access: ClassAccess): boolean {
  if (!allows(record.ACL, access.auth, 'write')) return false;
  return access.pointerWhere === undefined || (access.pointerWhere !== null && matchesWhere(record, access.pointerWhere));
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

/**
 * _User: username and password are required on create (unless authData logs in); the password is stored
 * hashed, never shown. With the master key, a user may come with the bcrypt `_hashed_password` Parse Server
 * stored for it instead (an imported user, who logs in with the same password); no other request may set it.
 */
function prepareUser(classes: ParseClasses, body: Json, original: ParseRecord | undefined, master: boolean): Json {
  const prepared = { ...body };
  if (prepared._hashed_password !== undefined && !(master && typeof prepared._hashed_password === 'string' && isBcryptHash(prepared._hashed_password) && prepared.password === undefined)) {
    throw new ParseFailure(ParseCode.invalidKeyName, 'Invalid field name: _hashed_password.');
  }
  if (!original && isObject(prepared.authData) && prepared.username === undefined) prepared.username = randomUsername();
  if (!original && !isObject(prepared.authData) && prepared._hashed_password === undefined) {
    if (typeof prepared.username !== 'string' || !prepared.username) throw new ParseFailure(ParseCode.usernameMissing, 'bad or missing username');
    if (typeof prepared.password !== 'string' || !prepared.password) throw new ParseFailure(ParseCode.passwordMissing, 'password is required');
  }
  if (typeof prepared.username === 'string') {
    const taken = classes.find('_User', { where: { username: prepared.username }, limit: 1 }).results[0];
    if (taken && taken.objectId !== original?.objectId) throw new ParseFailure(ParseCode.usernameTaken, 'Account already exists for this username.');
  }
  // authData is merged into the user's providers; a provider set to null is unlinked (an anonymous user that
  // signs up with a username and password), and a user left with none has no authData, as on Parse Server.
  if (isObject(prepared.authData)) {
    const merged = { ...(isObject(original?.authData) ? original.authData : {}), ...prepared.authData };
    for (const [provider, data] of Object.entries(merged)) if (data === null) delete merged[provider];
    if (Object.keys(merged).length) prepared.authData = merged;
    else if (original?.authData !== undefined) prepared.authData = { __op: 'Delete' };
    else delete prepared.authData;
  }
  if (typeof prepared.password === 'string') {
    prepared._hashed_password = hashPassword(prepared.password, passwordCost);
    delete prepared.password;
  }
  return prepared;
}

/**
 * scrypt's cost for new app users' passwords: N = 2^10, about 1.5 ms a hash on an idle core here (2^11 was the
 * larger part of a login under load). Parse Server uses bcrypt (cost 10, ~70 ms); a local tool logs in test
 * users, and a login must stay within its 10 ms budget. Stored hashes record their own cost, so older ones
 * (and Parse Server's bcrypt hashes) still verify.
 */
const passwordCost = 1024;

/** The username Parse Server gives a user signed up by authData alone: 25 random letters and digits. */
function randomUsername(): string {
  return (newObjectId() + newObjectId() + newObjectId()).slice(0, 25);
}
