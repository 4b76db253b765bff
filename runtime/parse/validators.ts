// Parse Server's validators of define() and the triggers: a function, or the built-in options (fields as a list
// or as an object with required, type, options, default, constant, error; requireUser, requireMaster,
// requireUserKeys as a list or with options, requireAnyUserRoles, requireAllUserRoles, validateMasterKey,
// skipWithMasterKey). A failure is 142 unless a Parse.Error says otherwise.
// The options are checked when the handler is registered: an unknown key or a wrong type fails loudly.

import { userRolesOf } from './cloudRequests';
import { ParseCode, resolveError } from './errors';
import type { Validator } from './registry';

/* eslint-disable @typescript-eslint/no-explicit-any */
type OptionType = 'boolean' | 'array' | 'object' | 'function' | 'string' | 'any';

/** The options Parse Server's validators take, and the types each accepts. */
const validatorOptions: Record<string, OptionType[]> = {
  requireUser: ['boolean'], requireAnyUserRoles: ['array', 'function'], requireAllUserRoles: ['array', 'function'],
  requireMaster: ['boolean'], validateMasterKey: ['boolean'], skipWithMasterKey: ['boolean'],
  requireUserKeys: ['array', 'object'], fields: ['array', 'object'], rateLimit: ['object'],
};
const fieldOptions: Record<string, OptionType[]> = {
  type: ['any'], constant: ['boolean'], default: ['any'], options: ['array', 'function', 'any'], required: ['boolean'], error: ['string'],
};

function optionType(value: unknown): OptionType {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'boolean' || typeof value === 'function' || typeof value === 'string' ? typeof value as OptionType : 'object';
}

function checkOption(table: Record<string, OptionType[]>, key: string, value: unknown): void {
  const types = table[key];
  if (!types) throw new Error(`${key} is not a supported parameter for Cloud Function validations.`);
  const type = optionType(value);
  if (!types.includes(type) && !types.includes('any')) throw new Error(`Invalid type for Cloud Function validation key ${key}. Expected ${types.join('|')}, actual ${type}`);
}

/** Checks a validator's options when it is registered, as Parse Server does: unknown keys and wrong types throw. */
export function checkValidator(validator: Validator | undefined): void {
  if (!validator || typeof validator === 'function') return;
  for (const [key, value] of Object.entries(validator)) {
    checkOption(validatorOptions, key, value);
    if (key !== 'fields' || Array.isArray(value)) continue;
    for (const field of Object.values(value as Record<string, unknown>)) {
      if (field && typeof field === 'object') for (const [option, setting] of Object.entries(field)) checkOption(fieldOptions, option, setting);
    }
  }
}

/** A trigger whose validator says skipWithMasterKey is not run for a request with the master key. */
export const skipsWithMasterKey = (validator: Validator | undefined, request: any): boolean =>
  Boolean(validator && typeof validator === 'object' && validator.skipWithMasterKey && request.master);

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
          value = opt.default;
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
  // Roles: the user's (with those inherited), matched against requireAnyUserRoles/requireAllUserRoles, each a
  // list or a function answering one.
  let anyRoles = options.requireAnyUserRoles;
  let allRoles = options.requireAllUserRoles;
  const [roles, resolvedAny, resolvedAll] = await Promise.all([
    anyRoles || allRoles ? userRolesOf(request) : [],
    typeof anyRoles === 'function' ? anyRoles() : undefined,
    typeof allRoles === 'function' ? allRoles() : undefined,
  ]);
  if (Array.isArray(resolvedAny)) anyRoles = resolvedAny;
  if (Array.isArray(resolvedAll)) allRoles = resolvedAll;
  if (anyRoles && !(anyRoles as string[]).some((role) => roles.includes(`role:${role}`))) {
    throw 'Validation failed. User does not match the required roles.';
  }
  if (allRoles) {
    for (const role of allRoles as string[]) if (!roles.includes(`role:${role}`)) throw 'Validation failed. User does not match all the required roles.';
  }
  const userKeys = options.requireUserKeys || [];
  if (Array.isArray(userKeys)) {
    for (const key of userKeys) {
      if (!user) throw 'Please login to make this request.';
      if (user.get(key) === undefined || user.get(key) === null) throw `Validation failed. Please set data for ${key} on your account.`;
    }
  } else if (typeof userKeys === 'object') {
    const pending: Promise<void>[] = [];
    for (const [key, opt] of Object.entries(userKeys as Record<string, any>)) {
      if (opt.options) pending.push(checkOptions(opt, key, user.get(key)));
    }
    await Promise.all(pending);
  }
}
