// The server half of Parse.Cloud, which the Node SDK lacks: define, job and the save/delete triggers, kept in a
// registry that is emptied when the cloud file reloads; Parse Server's built-in validators (fields, required,
// type, options, default, constant, requireUser, requireMaster) and its error resolution (a thrown string or
// Error → 141, a Parse.Error keeps its code, validator failures → 142); and the legacy Backbone-era calling
// conventions of the seed (`response.success/error`, `status.message/success/error`).

import { ParseCode, resolveError } from './errors';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Handler = (request: any, response?: any) => unknown;
export type Validator = Record<string, any> | ((request: any) => unknown);

export interface Registered {
  handler: Handler;
  validator?: Validator;
}

export type TriggerType = 'beforeSave' | 'afterSave' | 'beforeDelete' | 'afterDelete' | 'beforeFind' | 'afterFind';

/** Trigger types that this emulation runs; others are accepted by define-time calls but never fire (logged). */
export const runTriggerTypes: TriggerType[] = ['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete'];

export class CloudRegistry {
  readonly functions = new Map<string, Registered>();
  readonly jobs = new Map<string, Registered>();
  readonly triggers = new Map<string, Registered>();

  trigger(type: TriggerType, className: string): Registered | undefined {
    return this.triggers.get(`${type}:${className}`);
  }

  clear(): void {
    this.functions.clear();
    this.jobs.clear();
    this.triggers.clear();
  }
}

/** The class name of a trigger's first argument: a string, or a class such as Parse.User. */
export function triggerClassName(target: unknown): string {
  if (typeof target === 'string') return target;
  if (typeof target === 'function') {
    const fromStatic = (target as { className?: unknown }).className;
    if (typeof fromStatic === 'string') return fromStatic;
    try {
      const instance = new (target as new () => { className?: unknown })();
      if (typeof instance.className === 'string') return instance.className;
    } catch {
      // Not constructible without arguments: fall through.
    }
  }
  throw new TypeError('Parse.Cloud trigger: the first argument must be a class name or a Parse.Object subclass');
}

/** Runs a define/trigger validator as Parse Server does (failures are 142 unless a Parse.Error says otherwise). */
export async function runValidator(validator: Validator | undefined, request: any): Promise<void> {
  if (!validator) return;
  try {
    if (typeof validator === 'function') await validator(request);
    else await builtInValidator(validator, request);
  } catch (error) {
    throw resolveError(error, ParseCode.validationError, 'Validation failed.');
  }
}

/** Parse Server's builtInTriggerValidator, for the options it documents. */
async function builtInValidator(options: Record<string, any>, request: any): Promise<void> {
  if (request.master && !options.validateMasterKey) return;
  let user = request.user;
  if (!user && request.object && request.object.className === '_User' && !request.object.existed()) user = request.object;
  if ((options.requireUser || options.requireAnyUserRoles || options.requireAllUserRoles) && !user) {
    throw 'Validation failed. Please login to continue.';
  }
  if (options.requireMaster && !request.master) {
    throw 'Validation failed. Master key is required to complete this request.';
  }
  const params: Record<string, unknown> = request.object ? request.object.toJSON() : (request.params ?? {});
  const required = (key: string): void => {
    if (params[key] === undefined || params[key] === null) throw `Validation failed. Please specify data for ${key}.`;
  };
  const typeName = (type: unknown): string => {
    const match = typeof type === 'function' ? type.toString().match(/^\s*function (\w+)/) : null;
    return (match ? match[1]! : '').toLowerCase();
  };
  const checkOptions = async (opt: Record<string, any>, key: string, value: unknown): Promise<void> => {
    if (typeof opt.options === 'function') {
      let result: unknown;
      try {
        result = await opt.options(value);
      } catch (error) {
        if (!error) throw opt.error || `Validation failed. Invalid value for ${key}.`;
        throw opt.error || (error as Error).message || error;
      }
      if (!result && result !== undefined && result !== null) throw opt.error || `Validation failed. Invalid value for ${key}.`;
      return;
    }
    const allowed: unknown[] = Array.isArray(opt.options) ? opt.options : [opt.options];
    if (!allowed.includes(value)) throw opt.error || `Validation failed. Invalid option for ${key}. Expected: ${allowed.join(', ')}`;
  };
  if (Array.isArray(options.fields)) {
    for (const key of options.fields) required(key);
  } else if (options.fields && typeof options.fields === 'object') {
    const pending: Promise<void>[] = [];
    for (const [key, opt] of Object.entries(options.fields as Record<string, any>)) {
      let value = params[key];
      if (typeof opt === 'string') required(opt);
      if (opt && typeof opt === 'object') {
        if (opt.default !== undefined && opt.default !== null && (value === undefined || value === null)) {
          value = typeof opt.default === 'function' ? opt.default() : opt.default;
          params[key] = value;
          if (request.params && !request.object) request.params[key] = value;
          if (request.object) request.object.set(key, value);
        }
        if (opt.constant && request.object) {
          if (request.original) request.object.revert(key);
          else if (opt.default !== undefined && opt.default !== null) request.object.set(key, opt.default);
        }
        if (opt.required) required(key);
        const optional = !opt.required && value === undefined;
        if (!optional) {
          if (opt.type) {
            const expected = typeName(opt.type);
            const actual = Array.isArray(value) ? 'array' : typeof value;
            if (actual !== expected) throw `Validation failed. Invalid type for ${key}. Expected: ${expected}`;
          }
          if (opt.options) pending.push(checkOptions(opt, key, value));
        }
      }
    }
    await Promise.all(pending);
  }
  if (Array.isArray(options.requireUserKeys)) {
    for (const key of options.requireUserKeys) {
      if (!user || user.get(key) === undefined || user.get(key) === null) throw `Validation failed. Please set data for ${key} on your account.`;
    }
  }
}

/** A legacy handler takes a second `response`/`status` argument. */
export const isLegacy = (handler: Handler): boolean => handler.length >= 2;

/** What a function handler produced: its value, and a status/headers set through the legacy response object. */
export interface FunctionOutcome {
  value: unknown;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * Calls a define() handler: `handler(request)` awaited, or the legacy `handler(request, response)` answered by
 * `response.success(value)` / `response.error(error)` (with `response.status(n)` and `response.header(k, v)`).
 */
export function invokeFunction(handler: Handler, request: any): Promise<FunctionOutcome> {
  if (!isLegacy(handler)) return Promise.resolve().then(() => handler(request)).then((value) => ({ value }));
  return new Promise((resolve, reject) => {
    const outcome: FunctionOutcome = { value: undefined };
    const response = {
      success(value?: unknown) { outcome.value = value; resolve(outcome); },
      error(error?: unknown) { reject(error ?? undefined); },
      status(code: number) { outcome.status = code; return response; },
      header(key: string, value: string) { (outcome.headers ??= {})[key] = String(value); return response; },
    };
    Promise.resolve().then(() => handler(request, response)).catch(reject);
  });
}

/**
 * Calls a before-trigger: `handler(request)` awaited, or the legacy `handler(request, response)` answered by
 * `response.success()` / `response.error(message)`.
 */
export function invokeBeforeTrigger(handler: Handler, request: any): Promise<unknown> {
  if (!isLegacy(handler)) return Promise.resolve().then(() => handler(request));
  return new Promise((resolve, reject) => {
    const response = {
      success(value?: unknown) { resolve(value); },
      error(error?: unknown) { reject(error ?? undefined); },
    };
    Promise.resolve().then(() => handler(request, response)).catch(reject);
  });
}

/** The final state a job reports to _JobStatus. */
export interface JobOutcome {
  status: 'succeeded' | 'failed';
  message?: unknown;
}

/**
 * Calls a job: `handler(request)` (its result is the success message, a throw fails it), or the legacy
 * `handler(request, status)` that ends with `status.success(message)` / `status.error(message)`.
 */
export function invokeJob(handler: Handler, request: any, setMessage: (message: unknown) => void): Promise<JobOutcome> {
  if (!isLegacy(handler)) {
    return Promise.resolve().then(() => handler(request)).then(
      (message) => ({ status: 'succeeded' as const, message }),
      (error) => ({ status: 'failed' as const, message: error }));
  }
  return new Promise((resolve) => {
    const status = {
      message(message: unknown) { setMessage(message); },
      success(message?: unknown) { resolve({ status: 'succeeded', message }); },
      error(message?: unknown) { resolve({ status: 'failed', message }); },
    };
    Promise.resolve().then(() => handler(request, status)).catch((error) => resolve({ status: 'failed', message: error }));
  });
}
