// The real Parse JS SDK (`parse/node`, pinned) as Cloud Code sees it: its transport replaced in-process with
// Parse.CoreManager.setRESTController so that every query/save/run goes to our REST emulation; single-instance
// objects disabled (as Parse Server does); and the Backbone-era `{success, error}` options of the seed accepted
// again on find/get/first/count/save/destroy/fetch/saveAll/destroyAll/fetchAll/Cloud.run, with a warning.
// Each SDK call becomes one REST request (sdkRequest) with the SDK's own keys taken out of its body.

import type { Json, ParseRequest } from './rest';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The Parse SDK module (typed loosely: it is extended at run time with the server's Parse.Cloud API). */
export type ParseSdk = any;

/** A REST call of the SDK, answered by the emulation. */
export interface SdkRoute {
  (method: string, path: string, data: Record<string, unknown>, options: Record<string, any>): Promise<{ status: number; body: unknown; headers?: Record<string, string> }>;
}

let sdk: ParseSdk | undefined;

/** Keys the SDK adds to bodies that are not data. */
const metaKeys = ['_method', '_ApplicationId', '_JavaScriptKey', '_ClientVersion', '_MasterKey', '_InstallationId', '_SessionToken', '_context', '_RevocableSession', '_MaintenanceKey', '_ClientKey', '_RestAPIKey'];

/** A request of the SDK inside Cloud Code: master only with useMasterKey, no user unless a session token is given. */
export function sdkRequest(method: string, route: string, data: Json, options: Record<string, any>): ParseRequest {
  const body: Json = { ...data };
  for (const key of metaKeys) delete body[key];
  return {
    method, path: route, body, master: options.useMasterKey === true,
    sessionToken: typeof options.sessionToken === 'string' ? options.sessionToken : undefined,
    installationId: typeof options.installationId === 'string' ? options.installationId : undefined,
    context: options.context && typeof options.context === 'object' ? options.context : undefined,
    headers: {},
  };
}

/**
 * The SDK module, bundled by scripts/build.mjs into every bundle that uses this file (the CLI's and the
 * editor's runtime host: the .vsix ships no node_modules); its LiveQuery and crypto parts load on first use.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireSdk = (): ParseSdk => require('parse/node');

/** Requires the SDK module ahead of time (node caches it), e.g. while sql.js compiles. */
export function preloadParseSdk(): void {
  requireSdk();
}

/** Loads the SDK once per process and routes its transport to `route`. */
export function loadParseSdk(route: SdkRoute, keys: { appId: string; masterKey: string }, warnLegacy: (what: string) => void): ParseSdk {
  if (sdk) return sdk;
  const Parse: ParseSdk = requireSdk();
  Parse.initialize(keys.appId, undefined, keys.masterKey);
  Parse.serverURL = 'http://127.0.0.1/parse';
  Parse.Object.disableSingleInstance();
  Parse.CoreManager.setRESTController({
    request(method: string, path: string, data: Record<string, unknown> | undefined, options: Record<string, any> | undefined) {
      const opts = options ?? {};
      const pause = breather();
      return (pause ? pause.then(() => route(method, path, data ?? {}, opts)) : route(method, path, data ?? {}, opts)).then(({ status, body, headers }) => {
        if (status >= 200 && status < 300) {
          const copy = body === undefined ? {} : JSON.parse(JSON.stringify(body));
          return opts.returnStatus ? { ...copy, _status: status, _headers: headers ?? {} } : copy;
        }
        const error = (body ?? {}) as { code?: number; error?: string; message?: string };
        throw new Parse.Error(error.code, error.error ?? error.message ?? JSON.stringify(body));
      });
    },
    ajax() {
      return Promise.reject(new Error('cloudfn: the Parse SDK transport is in-process; ajax() is not available'));
    },
  });
  patchLegacyOptions(Parse, warnLegacy);
  sdk = Parse;
  return Parse;
}

/** When the current turn of the event loop began (the first in-process request since the last pause). */
let turnStartedAt: number | undefined;

/**
 * A pause of one event-loop turn when Cloud Code has kept the loop busy with in-process requests for 10 ms:
 * such requests are promises only, and a chain of them (an afterSave that saves its object, again and again)
 * would otherwise never let the process answer /health or handle SIGTERM. Undefined when no pause is due.
 */
function breather(): Promise<void> | undefined {
  const now = performance.now();
  if (turnStartedAt === undefined) {
    turnStartedAt = now;
    setImmediate(() => { turnStartedAt = undefined; });
    return undefined;
  }
  if (now - turnStartedAt < 10) return undefined;
  return new Promise((resolve) => setImmediate(resolve));
}

/** Calls `success(value)` / `error(...)` of a Backbone-style options argument around a promise-returning method. */
function acceptCallbacks(owner: any, name: string, label: string, warnLegacy: (what: string) => void, errorGetsModel: boolean): void {
  const original = owner[name];
  if (typeof original !== 'function') return;
  owner[name] = function legacyCallbacks(this: unknown, ...args: unknown[]) {
    const index = args.findIndex((arg) => arg !== null && typeof arg === 'object' && !Array.isArray(arg)
      && (typeof (arg as any).success === 'function' || typeof (arg as any).error === 'function'));
    if (index < 0) return original.apply(this, args);
    const { success, error, ...rest } = args[index] as any;
    args[index] = rest;
    warnLegacy(`${label}({success, error})`);
    return Promise.resolve().then(() => original.apply(this, args)).then(
      (value: unknown) => { if (success) success(value); return value; },
      (failure: unknown) => {
        if (!error) throw failure;
        if (errorGetsModel) error(this, failure); else error(failure);
        return undefined;
      });
  };
}

function patchLegacyOptions(Parse: ParseSdk, warnLegacy: (what: string) => void): void {
  for (const name of ['find', 'first', 'get', 'count', 'each', 'findAll']) acceptCallbacks(Parse.Query.prototype, name, `query.${name}`, warnLegacy, false);
  for (const name of ['save', 'destroy', 'fetch']) acceptCallbacks(Parse.Object.prototype, name, `object.${name}`, warnLegacy, true);
  for (const name of ['saveAll', 'destroyAll', 'fetchAll']) acceptCallbacks(Parse.Object, name, `Parse.Object.${name}`, warnLegacy, false);
  acceptCallbacks(Parse.Cloud, 'run', 'Parse.Cloud.run', warnLegacy, false);
}
