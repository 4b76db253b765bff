// Parse Server's validators of define() and the triggers: a function, or the built-in options (fields as a list
// or as an object with required, type, options, default, constant, error; requireUser, requireMaster,
// requireUserKeys, validateMasterKey). A failure is 142 unless a Parse.Error says otherwise.

import { ParseCode, resolveError } from './errors';
import type { Validator } from './registry';

/* eslint-disable @typescript-eslint/no-explicit-any */
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
