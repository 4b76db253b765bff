// Time limits of a Parse request run locally (the CLI and the editor; `serve`, like Parse Server, has none):
// an answer that never comes ends as Parse's "Script timed out" (124), and a handler that never yields (a
// synchronous endless loop, which no timer can interrupt on this thread) is stopped by V8 through `vm`.

import vm from 'node:vm';
import type { ParseResponse } from './rest';

/** A handler that never answers (a legacy response never called) ends as Parse's "Script timed out" (124). */
export function answerWithin(promise: Promise<ParseResponse>, timeoutMs: number): Promise<ParseResponse> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ParseResponse>((resolve) => {
    timer = setTimeout(() => resolve({ status: 504, body: { code: 124, error: `Script timed out: no answer after ${timeoutMs / 1000} s (did the handler call response.success/error?)` } }), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The synchronous part of a handler ran past its limit; raised as Parse's "Script timed out" (124). */
export class SyncTimeoutError extends Error {
  readonly code = 124;
}

const call = new vm.Script('globalThis.__cloudfnDeadlineCall()', { filename: 'cloudfn-deadline.js' });

/**
 * Calls `fn` with V8's execution time limit (what `vm` offers: a watchdog thread interrupts this one): the
 * synchronous part of a handler, up to its first await. Nested calls (a handler running another) each
 * keep their own limit.
 */
export function callWithDeadline<T>(fn: () => T, timeoutMs: number): T {
  const global = globalThis as { __cloudfnDeadlineCall?: () => unknown };
  const previous = global.__cloudfnDeadlineCall;
  global.__cloudfnDeadlineCall = fn;
  try {
    return call.runInThisContext({ timeout: Math.max(1, Math.round(timeoutMs)) }) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new SyncTimeoutError(`Script timed out: the handler ran for ${timeoutMs / 1000} s without yielding (an endless loop?)`);
    }
    throw error;
  } finally {
    global.__cloudfnDeadlineCall = previous;
  }
}

/**
 * `fn` called through callWithDeadline when `limitMs()` gives a limit at call time (the current app's). The
 * wrapper keeps the function's arity, which tells a legacy (request, response) handler apart.
 */
export function withSyncLimit<F extends (...args: never[]) => unknown>(fn: F, limitMs: () => number | undefined): F {
  const wrapper = function (this: unknown, ...args: Parameters<F>): unknown {
    const limit = limitMs();
    return limit === undefined ? fn.apply(this, args) : callWithDeadline(() => fn.apply(this, args), limit);
  };
  Object.defineProperty(wrapper, 'length', { value: fn.length });
  return wrapper as unknown as F;
}
