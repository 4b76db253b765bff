// How Cloud Code handlers are called: the current style (`handler(request)`, its value awaited) and the seed's
// legacy Backbone-era conventions — `response.success/error` (plus `status(n)` and `header(k, v)` in
// functions) and, in jobs, `status.message/success/error`. The two are told apart by use, not by arity: a
// function that declares a second parameter (Parse 9 passes functions a response object too), or a trigger or
// job whose source uses one, is given the response object, and whichever comes first answers —
// a call of that object, or the handler's own value (a promise's result, or a value returned synchronously).
// Only a plain function that returns nothing is waited for, and only while the work it started (its queries
// and saves) runs; after that it answers with nothing, as Parse Server 9 would.

import { unwrapped } from './deadlines';
import type { Handler } from './registry';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** What each handler's source says, read once: registered handlers are wrappers whose own source says nothing. */
const responseUse = new WeakMap<Handler, boolean>();

/**
 * A trigger or job that declares a second (`response`/`status`) parameter and uses it: it may answer through
 * it. One that declares it but never mentions it (or only as `typeof status`) is called as Parse Server 9
 * calls triggers and jobs, with the request alone. (Functions always get Parse 9's response object.)
 */
export function takesResponse(handler: Handler): boolean {
  let uses = responseUse.get(handler);
  if (uses === undefined) responseUse.set(handler, uses = usesSecondParameter(unwrapped(handler) as Handler));
  return uses;
}

/**
 * Whether a function's source mentions its second parameter in its body, other than after `typeof` (strings and
 * comments left out). A second parameter that is a pattern counts as used; a rest or defaulted one does not
 * count in the function's length, so none is declared.
 */
export function usesSecondParameter(handler: Handler): boolean {
  if (handler.length < 2) return false;
  const source = Function.prototype.toString.call(handler);
  const open = source.indexOf('(');
  if (open < 0) return true;
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < source.length && close < 0; i++) {
    const char = source[i];
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') { depth--; if (depth === 0) close = i; }
    else if (char === ',' && depth === 1) commas.push(i);
  }
  if (close < 0 || commas.length === 0) return true;
  const second = source.slice(commas[0]! + 1, commas[1] ?? close).split('=')[0]!.trim();
  if (!/^[A-Za-z_$][\w$]*$/.test(second)) return true;
  const body = source.slice(close + 1)
    .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ')
    .replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g, '""');
  const mention = new RegExp(`(typeof\\s+)?(?<![\\w$.])${second.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  for (const match of body.matchAll(mention)) if (!match[1]) return true;
  return false;
}

/** Waits until the work a handler started (SDK requests, httpRequest calls) has ended. */
export type WaitQuiet = () => Promise<void>;

/** What a function handler produced: its value, and a status/headers set through the legacy response object. */
export interface FunctionOutcome {
  value: unknown;
  status?: number;
  headers?: Record<string, string>;
}

/** Called when a handler uses its legacy response (or status) object, to warn once. */
export type OnLegacy = () => void;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';

/**
 * Calls `handler(request, response)` and settles with the first answer: `answer`/`fail` called through the
 * response object that `makeResponse` builds, the handler's value (`byValue`), or its throw. A plain function
 * returning undefined is given until `waitQuiet()` resolves to call its response object.
 */
function callByUse<T>(handler: Handler, request: any, waitQuiet: WaitQuiet,
  makeResponse: (answer: (value: T) => void, fail: (error: unknown) => void) => unknown,
  byValue: (value: unknown) => T, byThrow: (error: unknown) => T | Promise<never>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const answer = (value: T): void => { if (!settled) { settled = true; resolve(value); } };
    const fail = (error: unknown): void => { if (!settled) { settled = true; reject(error); } };
    const thrown = (error: unknown): void => {
      if (settled) return;
      Promise.resolve(byThrow(error)).then(answer, fail);
    };
    let returned: unknown;
    try {
      returned = handler(request, makeResponse(answer, fail));
    } catch (error) {
      thrown(error);
      return;
    }
    if (isThenable(returned)) {
      Promise.resolve(returned).then((value) => answer(byValue(value)), thrown);
    } else if (returned !== undefined) {
      answer(byValue(returned));
    } else {
      waitQuiet().then(() => answer(byValue(undefined)), thrown);
    }
  });
}

/**
 * Calls a define() handler: `handler(request)` awaited, or answered by the legacy `response.success(value)` /
 * `response.error(error)` (with `response.status(n)` and `response.header(k, v)`).
 */
export function invokeFunction(handler: Handler, request: any, waitQuiet: WaitQuiet, onLegacy: OnLegacy): Promise<FunctionOutcome> {
  if (handler.length < 2) return Promise.resolve().then(() => handler(request)).then((value) => ({ value }));
  const outcome: FunctionOutcome = { value: undefined };
  return callByUse<FunctionOutcome>(handler, request, waitQuiet, (answer, fail) => {
    const response = {
      success(value?: unknown) { onLegacy(); outcome.value = value; answer(outcome); },
      error(error?: unknown) { onLegacy(); fail(error ?? undefined); },
      status(code: number) { outcome.status = code; return response; },
      header(key: string, value: string) { (outcome.headers ??= {})[key] = String(value); return response; },
    };
    return response;
  }, (value) => ({ ...outcome, value }), (error) => Promise.reject(error));
}

/**
 * Calls a before-trigger: `handler(request)` awaited, or answered by the legacy `response.success()` /
 * `response.error(message)`.
 */
export function invokeBeforeTrigger(handler: Handler, request: any, waitQuiet: WaitQuiet, onLegacy: OnLegacy): Promise<void> {
  if (!takesResponse(handler)) return Promise.resolve().then(() => handler(request)).then(() => undefined);
  return callByUse<void>(handler, request, waitQuiet, (answer, fail) => ({
    success() { onLegacy(); answer(undefined); },
    error(error?: unknown) { onLegacy(); fail(error ?? undefined); },
  }), () => undefined, (error) => Promise.reject(error));
}

/** The final state a job reports to _JobStatus. */
export interface JobOutcome {
  status: 'succeeded' | 'failed';
  message?: unknown;
}

/**
 * Calls a job: `handler(request)` (its result is the success message, a throw fails it; `watch` awaits the
 * call), or the legacy `handler(request, status)` that ends with `status.success(message)` /
 * `status.error(message)`.
 */
export function invokeJob(handler: Handler, request: any, setMessage: (message: unknown) => void, waitQuiet: WaitQuiet, onLegacy: OnLegacy,
  watch: (call: () => unknown) => Promise<unknown> = async (call) => call()): Promise<JobOutcome> {
  const failed = (error: unknown): JobOutcome => ({ status: 'failed', message: error });
  if (!takesResponse(handler)) {
    return Promise.resolve().then(() => watch(() => handler(request))).then((message) => ({ status: 'succeeded' as const, message }), failed);
  }
  return callByUse<JobOutcome>(handler, request, waitQuiet, (answer) => ({
    message(message: unknown) { onLegacy(); setMessage(message); },
    success(message?: unknown) { onLegacy(); answer({ status: 'succeeded', message }); },
    error(message?: unknown) { onLegacy(); answer({ status: 'failed', message }); },
  }), (message) => ({ status: 'succeeded', message }), failed);
}
