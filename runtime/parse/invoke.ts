// How Cloud Code handlers are called: the current style (`handler(request)`, awaited) and the seed's legacy
// Backbone-era conventions, told apart by the handler's arity — `response.success/error` (plus `status(n)` and
// `header(k, v)` in functions) and, in jobs, `status.message/success/error`.

import type { Handler } from './registry';

/* eslint-disable @typescript-eslint/no-explicit-any */
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
