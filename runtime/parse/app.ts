// One local Parse app: the user's Cloud Code (loaded with plain `require`, reloadable), the Parse SDK routed
// to our REST emulation, and the emulation itself over the store — functions, jobs (_JobStatus), classes with
// beforeSave/afterSave/beforeDelete/afterDelete, batch — answering with Parse Server's statuses and bodies.
// `serve`, the `parse` CLI commands and the SDK inside Cloud Code all go through `handle()`.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { format, isDeepStrictEqual } from 'node:util';
import type { Store } from '../store/store';
import { ParseClasses, checkClassName, type FindOptions } from './classes';
import {
  CloudRegistry, invokeBeforeTrigger, invokeFunction, invokeJob, isLegacy, runValidator,
  triggerClassName, type Handler, type Registered, type TriggerType, type Validator,
} from './cloud';
import { HttpFailure, ParseCode, ParseFailure, resolveError } from './errors';
import { httpRequest, type HttpRequestOptions } from './httpRequest';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { isOp, jsonCopy, jsonText, publicView, type ParseRecord } from './values';
import { loadParseSdk, type ParseSdk } from './sdk';
import { callWithDeadline } from './deadlines';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type { ParseRequest, ParseResponse };

export type LogLevel = 'info' | 'warn' | 'error';
export interface LogEntry {
  level: LogLevel;
  message: string;
}

export interface ParseAppOptions {
  store: Store;
  /** The Cloud Code entry file (cloud/main.js); undefined for an app without Cloud Code. */
  cloudFile?: string;
  appId: string;
  masterKey: string;
  /** Called for every log entry as it happens (serve prints them). */
  onLog?: (entry: LogEntry) => void;
}

/** The Cloud Code file could not be loaded (missing, or it threw: syntax error, failing require). */
export class CloudLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloudLoadError';
  }
}

/** Keys the SDK adds to bodies that are not data. */
const metaKeys = ['_method', '_ApplicationId', '_JavaScriptKey', '_ClientVersion', '_MasterKey', '_InstallationId', '_SessionToken', '_context', '_RevocableSession', '_MaintenanceKey', '_ClientKey', '_RestAPIKey'];

/** The warning for each Backbone-era style the seed documents (and current Parse Server rejects). */
const legacyWarning = (what: string): string =>
  `legacy ${what}: cloudfn runs it as the Cloud Code guide describes, but current Parse Server (9.x) no longer accepts it`;

let currentApp: ParseApp | undefined;

export class ParseApp {
  readonly registry = new CloudRegistry();
  readonly classes: ParseClasses;
  readonly Parse: ParseSdk;
  /** Log entries since the last takeLogs(). */
  private logs: LogEntry[] = [];
  /** Requests and HTTP calls still running, and jobs not finished: settle() waits for them. */
  private active = 0;
  private readonly jobs = new Set<Promise<void>>();
  private readonly warned = new Set<string>();
  /**
   * The limit on the synchronous part of each handler call, in ms (the CLI and the editor set it to the
   * request's time limit); undefined, as on Parse Server (`serve`): none.
   */
  syncTimeoutMs: number | undefined;

  constructor(private readonly options: ParseAppOptions) {
    this.classes = new ParseClasses(options.store);
    currentApp = this;
    this.Parse = loadParseSdk(
      (method, route, data, opts) => (currentApp ?? this).handleSdkRequest(method, route, data, opts),
      { appId: options.appId, masterKey: options.masterKey },
      (what) => (currentApp ?? this).warnLegacy(what));
    this.installCloudApi();
    installConsole((level, message) => (currentApp ?? this).log(level, message));
  }

  /** Makes this app the one the (process-wide) Parse SDK and Parse.Cloud route to, when a process holds several. */
  activate(): void {
    currentApp = this;
  }

  get store(): Store {
    return this.options.store;
  }

  // Logs.

  log(level: LogLevel, message: string): void {
    const entry = { level, message };
    this.logs.push(entry);
    this.options.onLog?.(entry);
  }

  takeLogs(): LogEntry[] {
    const taken = this.logs;
    this.logs = [];
    this.warned.clear();
    return taken;
  }

  /** Warns once per batch of logs about a legacy style. */
  warnLegacy(what: string): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.log('warn', legacyWarning(what));
  }

  private logger(): Record<string, (...args: unknown[]) => void> {
    const at = (level: LogLevel) => (...args: unknown[]) => this.log(level, format(...args));
    return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('info'), verbose: at('info'), silly: at('info'), log: at('info') };
  }

  // Cloud Code.

  /** Loads (or reloads) the cloud file: the registry is emptied and the file and its local modules re-required. */
  loadCloud(): void {
    const file = this.options.cloudFile;
    if (!file) return;
    const resolved = path.resolve(file);
    if (!fs.existsSync(resolved)) throw new CloudLoadError(`cannot read cloud code '${file}': no such file`);
    const folder = path.dirname(resolved) + path.sep;
    for (const key of Object.keys(nodeRequire.cache)) {
      if (key.startsWith(folder) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete nodeRequire.cache[key];
    }
    const previous = new CloudRegistry();
    for (const kind of ['functions', 'jobs', 'triggers'] as const) for (const [k, v] of this.registry[kind]) previous[kind].set(k, v);
    this.registry.clear();
    try {
      requireFresh(resolved);
    } catch (error) {
      for (const kind of ['functions', 'jobs', 'triggers'] as const) {
        this.registry[kind].clear();
        for (const [k, v] of previous[kind]) this.registry[kind].set(k, v);
      }
      throw new CloudLoadError(describeLoadError(file, error));
    }
  }

  private installCloudApi(): void {
    const Parse = this.Parse;
    (globalThis as any).Parse = Parse;
    const cloud = Parse.Cloud;
    const app = (): ParseApp => currentApp ?? this;
    const check = (kind: string, name: unknown, handler: unknown): void => {
      if (typeof handler !== 'function') throw new TypeError(`Parse.Cloud.${kind}: the handler must be a function`);
      if (kind !== 'trigger' && (typeof name !== 'string' || !name)) throw new TypeError(`Parse.Cloud.${kind}: the name must be a non-empty string`);
    };
    // Handlers are called through a deadline when the app has one; the wrapper keeps the handler's arity,
    // which tells the legacy (request, response) style apart.
    const guarded = (handler: Handler): Handler => {
      const wrapper = function (this: unknown, ...args: Parameters<Handler>): unknown {
        const limit = app().syncTimeoutMs;
        return limit === undefined ? handler.apply(this, args) : callWithDeadline(() => handler.apply(this, args), limit);
      };
      Object.defineProperty(wrapper, 'length', { value: handler.length });
      return wrapper as Handler;
    };
    cloud.define = (name: string, handler: Handler, validator?: Validator) => {
      check('define', name, handler);
      app().registry.functions.set(name, { handler: guarded(handler), validator });
    };
    cloud.job = (name: string, handler: Handler) => {
      check('job', name, handler);
      app().registry.jobs.set(name, { handler: guarded(handler) });
    };
    for (const type of ['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete', 'beforeFind', 'afterFind'] as TriggerType[]) {
      cloud[type] = (target: unknown, handler: Handler, validator?: Validator) => {
        check('trigger', target, handler);
        const className = triggerClassName(target);
        if (type === 'beforeFind' || type === 'afterFind') {
          app().log('warn', `Parse.Cloud.${type}('${className}') is registered but cloudfn does not run find triggers yet`);
        }
        app().registry.triggers.set(`${type}:${className}`, { handler: guarded(handler), validator });
      };
    }
    for (const type of ['beforeLogin', 'afterLogin', 'afterLogout', 'beforePasswordResetRequest', 'beforeConnect', 'beforeSubscribe', 'afterLiveQueryEvent', 'onLiveQueryEvent']) {
      cloud[type] = () => app().log('warn', `Parse.Cloud.${type} is accepted but never runs in cloudfn (no logins or LiveQuery)`);
    }
    cloud.httpRequest = (options: HttpRequestOptions) => {
      const current = app();
      current.warnLegacy('Parse.Cloud.httpRequest (removed in Parse Server 6.0)');
      current.active++;
      return httpRequest(options).finally(() => { current.active--; });
    };
  }

  // Requests.

  /** Answers one REST request as Parse Server would. Never throws. */
  async handle(request: ParseRequest): Promise<ParseResponse> {
    this.active++;
    try {
      return await this.route(request);
    } catch (error) {
      if (error instanceof ParseFailure || error instanceof HttpFailure) return { status: error.status, body: error.body };
      this.log('error', `Uncaught internal server error. ${error instanceof Error ? error.stack : String(error)}`);
      return { status: 500, body: { code: ParseCode.internalServerError, message: 'Internal server error.' } };
    } finally {
      this.active--;
    }
  }

  /** A request of the SDK inside Cloud Code: master only with useMasterKey, no user unless a session token is given. */
  private handleSdkRequest(method: string, route: string, data: Json, options: Record<string, any>): Promise<ParseResponse> {
    const body: Json = { ...data };
    for (const key of metaKeys) delete body[key];
    return this.handle({
      method, path: route, body, master: options.useMasterKey === true,
      sessionToken: typeof options.sessionToken === 'string' ? options.sessionToken : undefined,
      installationId: typeof options.installationId === 'string' ? options.installationId : undefined,
      context: options.context && typeof options.context === 'object' ? options.context : undefined,
      headers: {},
    });
  }

  private async route(request: ParseRequest): Promise<ParseResponse> {
    const parts = request.path.replace(/^\/+|\/+$/g, '').split('/').map(decodeURIComponent);
    const method = request.method.toUpperCase();
    const [head, name, id, ...extra] = parts;
    if (head === 'functions' && name && !id && method === 'POST') return this.callFunction(name, request);
    if (head === 'jobs' && name && !id && method === 'POST') return this.startJob(name, request);
    if (head === 'batch' && !name && method === 'POST') return this.batch(request);
    if ((head === 'classes' || head === 'users') && !extra.length) {
      const className = head === 'users' ? '_User' : name;
      const objectId = head === 'users' ? name : id;
      if (head === 'users' && id) return notRoute(method, request.path);
      if (!className) return notRoute(method, request.path);
      if (!objectId && method === 'GET') return this.find(className, request);
      if (!objectId && method === 'POST') return this.save(className, undefined, request);
      if (objectId && method === 'GET') return this.getObject(className, objectId, request);
      if (objectId && method === 'PUT') return this.save(className, objectId, request);
      if (objectId && method === 'DELETE') return this.destroy(className, objectId, request);
    }
    if (head === 'health' && method === 'GET') return { status: 200, body: { status: 'ok' } };
    return notRoute(method, request.path);
  }

  /** The user of a request: by session token (`_Session`) or by objectId; undefined when anonymous. */
  private requestUser(request: ParseRequest): any {
    let userId = request.userId;
    if (request.sessionToken) {
      const session = this.classes.find('_Session', { where: { sessionToken: request.sessionToken }, limit: 1 }).results[0];
      const pointer = session?.user as { objectId?: string } | undefined;
      if (!pointer?.objectId) throw new ParseFailure(ParseCode.invalidSessionToken, 'Invalid session token');
      userId = pointer.objectId;
    }
    if (!userId) return undefined;
    const record = this.classes.get('_User', userId);
    if (!record) throw new ParseFailure(ParseCode.objectNotFound, `user ${userId} not found in _User`);
    return this.inflate('_User', record);
  }

  /** A Parse.Object (or subclass such as Parse.User) holding a stored record. */
  inflate(className: string, record: Json): any {
    return this.Parse.Object.fromJSON({ ...publicView(record), className });
  }

  private baseRequest(request: ParseRequest): Json {
    return {
      master: request.master,
      user: this.requestUser(request),
      installationId: request.installationId,
      log: this.logger(),
      headers: request.headers ?? {},
      ip: request.ip ?? '127.0.0.1',
      context: request.context ?? {},
    };
  }

  // Functions.

  private async callFunction(name: string, request: ParseRequest): Promise<ParseResponse> {
    const fn = this.registry.functions.get(name);
    if (!fn) throw new ParseFailure(ParseCode.scriptFailed, `Invalid function: "${name}"`);
    const params = decodeParams(request.body);
    const cloudRequest: Json = { ...this.baseRequest(request), params, functionName: name };
    const user = (cloudRequest.user as any)?.id;
    try {
      await runValidator(fn.validator, cloudRequest);
      const outcome = await invokeFunction(fn.handler, cloudRequest);
      const result = this.Parse._encode(outcome.value);
      this.log('info', `Ran cloud function ${name} for user ${user} with:\n  Input: ${jsonText(request.body)}\n  Result: ${jsonText(result)}`);
      return { status: outcome.status ?? 200, body: jsonCopy({ result }), headers: outcome.headers };
    } catch (error) {
      const failure = error instanceof ParseFailure ? error : resolveError(error);
      this.log('error', `Failed running cloud function ${name} for user ${user} with:\n  Input: ${jsonText(request.body)}\n  Error: ${jsonText(failure.body)}`);
      throw failure;
    }
  }

  // Jobs.

  private async startJob(name: string, request: ParseRequest): Promise<ParseResponse> {
    if (!request.master) throw new HttpFailure(403, 'Permission denied');
    const job = this.registry.jobs.get(name);
    if (!job) throw new ParseFailure(ParseCode.scriptFailed, 'Invalid job.');
    const { record } = this.classes.create('_JobStatus', { jobName: name, status: 'running', source: 'api', ACL: {} });
    const jobId = record.objectId;
    if (isLegacy(job.handler)) this.warnLegacy(`job "${name}" with (request, status) and status.message/success/error`);
    const setMessage = (message: unknown): void => {
      if (typeof message === 'string' && message) this.classes.update('_JobStatus', jobId, { message });
    };
    const cloudRequest = {
      params: { ...request.body }, headers: request.headers ?? {}, log: this.logger(), ip: request.ip ?? '127.0.0.1',
      jobName: name, jobId, master: true, message: setMessage,
    };
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => invokeJob(job.handler, cloudRequest, setMessage))
      .then(({ status, message }) => {
        const update: Json = { status, finishedAt: { __type: 'Date', iso: new Date().toISOString() } };
        if (typeof message === 'string' && message) update.message = message;
        else if (message instanceof Error && typeof message.message === 'string') update.message = message.message;
        this.classes.update('_JobStatus', jobId, update);
        this.log(status === 'failed' ? 'error' : 'info', `Job ${name} (_JobStatus ${jobId}) ${status}${update.message !== undefined ? `: ${String(update.message)}` : ''}`);
      })
      .catch((error) => this.log('error', `Job ${name} could not record its status: ${String(error)}`));
    const tracked = run.finally(() => this.jobs.delete(tracked));
    this.jobs.add(tracked);
    return { status: 200, body: {}, headers: { 'X-Parse-Job-Status-Id': jobId } };
  }

  // Classes.

  private find(className: string, request: ParseRequest): ParseResponse {
    const body = request.body;
    const parseJson = (value: unknown, what: string): unknown => {
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch {
        throw new ParseFailure(ParseCode.invalidJson, `invalid JSON in ${what}`);
      }
    };
    const where = parseJson(body.where, 'where');
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
      if (!['where', 'order', 'keys', 'include', 'limit', 'skip', 'count', 'excludeKeys', 'readPreference', 'includeReadPreference', 'subqueryReadPreference', 'hint', 'explain'].includes(key)) {
        throw new ParseFailure(ParseCode.invalidQuery, `Invalid parameter for query: ${key}`);
      }
    }
    if (body.excludeKeys !== undefined || body.explain !== undefined) throw new ParseFailure(ParseCode.invalidQuery, 'excludeKeys and explain are not supported by cloudfn\'s local Parse emulation');
    checkClassName(className);
    return { status: 200, body: this.classes.find(className, options) };
  }

  private getObject(className: string, objectId: string, request: ParseRequest): ParseResponse {
    const { results } = this.classes.find(className, {
      where: { objectId },
      include: typeof request.body.include === 'string' ? request.body.include : undefined,
      keys: typeof request.body.keys === 'string' ? request.body.keys : undefined,
      limit: 1,
    });
    if (!results[0]) throw new ParseFailure(ParseCode.objectNotFound, 'Object not found.');
    return { status: 200, body: results[0] };
  }

  /** Create (objectId undefined) or update, with beforeSave/afterSave. */
  private async save(className: string, objectId: string | undefined, request: ParseRequest): Promise<ParseResponse> {
    checkClassName(className);
    let body: Json = { ...request.body };
    const original = objectId ? this.classes.get(className, objectId) : undefined;
    if (objectId && !original) throw new ParseFailure(ParseCode.objectNotFound, 'Object not found.');
    if (className === '_User') body = this.prepareUser(body, original);
    const base = this.baseRequest(request);
    let changedByTrigger: string[] = [];

    const before = this.registry.trigger('beforeSave', className);
    if (before) {
      const object = original ? this.inflate(className, original) : this.Parse.Object.fromJSON({ className });
      for (const [key, value] of Object.entries(body)) {
        if (key.startsWith('_')) continue;
        object.set(key, isOp(value) ? value : this.Parse._decode(null, value));
      }
      const cloudRequest: Json = {
        ...base, triggerName: 'beforeSave', object,
        original: original ? this.inflate(className, original) : undefined,
      };
      await this.runBeforeTrigger('beforeSave', className, before, cloudRequest);
      const saveJson = object._getSaveJSON() as Json;
      changedByTrigger = Object.keys(saveJson).filter((key) => !isDeepStrictEqual(saveJson[key], body[key]));
      const internal = Object.fromEntries(Object.entries(body).filter(([key]) => key.startsWith('_')));
      body = { ...saveJson, ...internal };
      this.log('info', `beforeSave triggered for ${className} for user ${(base.user as any)?.id} with:\n  Input: ${jsonText(publicView(request.body))}\n  Result: ${jsonText({ object: publicView(saveJson) })}`);
    }

    let saved: ParseRecord;
    let response: Json;
    let status: number;
    if (objectId) {
      const { record, opResults } = this.classes.update(className, objectId, body);
      saved = record;
      response = { updatedAt: record.updatedAt, ...opResults };
      status = 200;
    } else {
      const { record, opResults } = this.classes.create(className, body);
      saved = record;
      response = { objectId: record.objectId, createdAt: record.createdAt, ...opResults };
      status = 201;
    }
    for (const key of changedByTrigger) {
      if (saved[key] === undefined) continue;
      response[key] = saved[key];
    }

    const after = this.registry.trigger('afterSave', className);
    if (after) {
      const cloudRequest: Json = {
        ...base, triggerName: 'afterSave', object: this.inflate(className, saved),
        original: original ? this.inflate(className, original) : undefined,
      };
      try {
        await runValidator(after.validator, cloudRequest);
        const returned: any = await Promise.resolve().then(() => after.handler(cloudRequest));
        if (returned instanceof this.Parse.Object) {
          response = afterSaveResponse(returned.toJSON() as Json, body);
        } else if (returned && typeof returned === 'object') {
          response = jsonCopy(returned) as Json;
        }
      } catch (error) {
        const failure = resolveError(error);
        this.log('error', `afterSave failed for ${className} for user ${(base.user as any)?.id}:\n  Input: ${jsonText(publicView(saved))}\n  Error: ${jsonText(failure.body)}`);
      }
    }
    return { status, body: response };
  }

  /** _User: username and password are required on create; the password is stored hashed, never shown. */
  private prepareUser(body: Json, original: ParseRecord | undefined): Json {
    const prepared = { ...body };
    if (!original) {
      if (typeof prepared.username !== 'string' || !prepared.username) throw new ParseFailure(ParseCode.usernameMissing, 'bad or missing username');
      if (typeof prepared.password !== 'string' || !prepared.password) throw new ParseFailure(ParseCode.passwordMissing, 'password is required');
    }
    if (typeof prepared.username === 'string') {
      const taken = this.classes.find('_User', { where: { username: prepared.username }, limit: 1 }).results[0];
      if (taken && taken.objectId !== original?.objectId) throw new ParseFailure(ParseCode.usernameTaken, 'Account already exists for this username.');
    }
    if (typeof prepared.password === 'string') {
      // Logins are not emulated: the password is kept only as a marker that one was set, never as text.
      prepared._hashed_password = 'set';
      delete prepared.password;
    }
    return prepared;
  }

  /** Runs a before-trigger (warning for the legacy style): its validator, then its handler; a throw refuses the write. */
  private async runBeforeTrigger(type: 'beforeSave' | 'beforeDelete', className: string, before: Registered, cloudRequest: Json): Promise<void> {
    if (isLegacy(before.handler)) this.warnLegacy(`${type}("${className}") with (request, response) and response.success/error`);
    try {
      await runValidator(before.validator, cloudRequest);
      await invokeBeforeTrigger(before.handler, cloudRequest);
    } catch (error) {
      throw resolveError(error);
    }
  }

  private async destroy(className: string, objectId: string, request: ParseRequest): Promise<ParseResponse> {
    checkClassName(className);
    const existing = this.classes.get(className, objectId);
    if (!existing) throw new ParseFailure(ParseCode.objectNotFound, 'Object not found.');
    const base = this.baseRequest(request);
    const before = this.registry.trigger('beforeDelete', className);
    if (before) {
      const cloudRequest: Json = { ...base, triggerName: 'beforeDelete', object: this.inflate(className, existing) };
      await this.runBeforeTrigger('beforeDelete', className, before, cloudRequest);
    }
    this.classes.remove(className, objectId);
    const after = this.registry.trigger('afterDelete', className);
    if (after) {
      const cloudRequest: Json = { ...base, triggerName: 'afterDelete', object: this.inflate(className, existing) };
      try {
        await runValidator(after.validator, cloudRequest);
        await Promise.resolve().then(() => after.handler(cloudRequest));
      } catch (error) {
        const failure = resolveError(error);
        this.log('error', `afterDelete failed for ${className} for user ${(base.user as any)?.id}:\n  Input: ${jsonText(publicView(existing))}\n  Error: ${jsonText(failure.body)}`);
      }
    }
    return { status: 200, body: {} };
  }

  // Batch.

  private async batch(request: ParseRequest): Promise<ParseResponse> {
    const requests = request.body.requests;
    if (!Array.isArray(requests)) throw new ParseFailure(ParseCode.invalidJson, 'requests must be an array');
    const results: unknown[] = [];
    for (const item of requests as Json[]) {
      const itemPath = typeof item.path === 'string' ? item.path : '';
      const match = /^\/(?:parse|1)\/(.*)$/.exec(itemPath);
      if (!match) throw new ParseFailure(ParseCode.invalidJson, `cannot route batch path ${itemPath}`);
      const response = await this.handle({
        ...request, method: String(item.method ?? 'GET'), path: match[1]!, body: (item.body as Json | undefined) ?? {},
      });
      results.push(response.status >= 200 && response.status < 300 ? { success: response.body } : { error: response.body });
    }
    return { status: 200, body: results };
  }

  // Background work.

  /** Waits until no request, HTTP call or job is running (or `timeoutMs` passed); true when everything settled. */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > deadline) return false;
      const busy = this.active > 0 || this.jobs.size > 0;
      await new Promise((resolve) => (busy ? setTimeout(resolve, 1) : setImmediate(resolve)));
      quiet = this.active === 0 && this.jobs.size === 0 ? quiet + 1 : 0;
    }
    return true;
  }
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


/** Function params as Parse Server gives them: Dates become Date objects (keeping __type/iso), recursively. */
function decodeParams(value: unknown): any {
  if (Array.isArray(value)) return value.map(decodeParams);
  if (value && typeof value === 'object') {
    const object = value as Json;
    if (object.__type === 'Date' && typeof object.iso === 'string') return Object.assign(new Date(object.iso), object);
    const decoded: Json = {};
    for (const [key, item] of Object.entries(object)) decoded[key] = decodeParams(item);
    return decoded;
  }
  return value;
}

function notRoute(method: string, route: string): ParseResponse {
  return { status: 404, body: `Cannot ${method.toUpperCase()} /parse/${route.replace(/^\/+/, '')}` };
}

/** Node's require (a variable keeps bundlers from following it): user code and its npm modules load as on Parse Server. */
const nodeRequire = createRequire(__filename);

/** require() of a file without the cache: reloads re-run it. */
function requireFresh(file: string): void {
  delete nodeRequire.cache[file];
  nodeRequire(file);
}

/** A one-line description of why the cloud file failed to load, with file:line for syntax errors. */
function describeLoadError(file: string, error: unknown): string {
  if (error instanceof SyntaxError && error.stack) {
    const where = error.stack.split('\n')[0]!;
    return `cloud code ${file} has a syntax error: ${error.message} (${where.replace(process.cwd() + path.sep, '')})`;
  }
  if (error instanceof Error) {
    const frame = error.stack?.split('\n').find((line) => line.includes(path.resolve(file)));
    return `cloud code ${file} failed to load: ${error.name}: ${error.message}${frame ? ` (${frame.trim().replace(/^at /, '')})` : ''}`;
  }
  return `cloud code ${file} failed to load: ${String(error)}`;
}

let consoleInstalled = false;

/** Routes console.* of Cloud Code into the app's logs (stdout stays free for --json). */
function installConsole(sink: (level: LogLevel, message: string) => void): void {
  if (consoleInstalled) return;
  consoleInstalled = true;
  // An unhandled rejection in Cloud Code is logged, as Parse Server does, instead of ending the process.
  process.on('unhandledRejection', (reason) => sink('error', `Unhandled rejection in Cloud Code: ${reason instanceof Error ? reason.stack : format(reason)}`));
  // So is an exception thrown outside a request (in a timer, an event handler): Parse Server's process would
  // end; here the answer already given (or the CLI's JSON) must not be lost, nor the editor's runtime.
  process.on('uncaughtException', (error) => sink('error', `Uncaught exception in Cloud Code: ${error.stack ?? String(error)}`));
  const at = (level: LogLevel) => (...args: unknown[]) => sink(level, format(...args));
  console.log = at('info');
  console.info = at('info');
  console.debug = at('info');
  console.warn = at('warn');
  console.error = at('error');
}
