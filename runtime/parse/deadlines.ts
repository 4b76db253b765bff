// Time limits of a Parse request run locally (the CLI, `serve` and the editor): an answer that never comes ends
// as Parse's "Script timed out" (124), and a handler that never yields (a synchronous endless loop, which no
// timer can interrupt on this thread) is stopped by V8 through `vm`; one that spins after an `await` is
// stopped by the event-loop watchdog (watchdog.ts) where one runs, and answered here.

import vm from 'node:vm';
import type { ParseResponse } from './rest';
import { loopStops } from './watchdog';

/** The message of a handler stopped for holding the thread past its limit. */
export const spinMessage = (timeoutMs: number): string =>
  `Script timed out: the handler ran for ${timeoutMs / 1000} s without yielding (an endless loop?)`;

/**
 * The answer of `run()` within `timeoutMs`. A handler that never answers (a legacy response never called)
 * ends as Parse's "Script timed out" (124), 504; one that the watchdog stopped meanwhile (it spun after an
 * await, or a query did) as the 400 of a synchronous spin. The answer's promise and its timer exist before
 * `run` starts, on the next microtask: what the watchdog stops is lost (the rest of its call stack and the
 * microtasks queued behind it), and the caller's reaction to the answer must not be part of it.
 */
export function answerWithin(run: () => Promise<ParseResponse>, timeoutMs: number): Promise<ParseResponse> {
  let timer: NodeJS.Timeout | undefined;
  const stopsBefore = loopStops();
  const answer = new Promise<ParseResponse>((resolve, reject) => {
    timer = setTimeout(() => resolve(loopStops() > stopsBefore
      ? { status: 400, body: { code: 124, error: spinMessage(timeoutMs) } }
      : { status: 504, body: { code: 124, error: `Script timed out: no answer after ${timeoutMs / 1000} s (did the handler call response.success/error?)` } }), timeoutMs);
    Promise.resolve().then(run).then(resolve, reject);
  });
  return answer.finally(() => clearTimeout(timer));
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
    if ((error as { code?: string } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new SyncTimeoutError(spinMessage(timeoutMs));
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
  wrapped.set(wrapper, fn);
  return wrapper as unknown as F;
}

/** The functions withSyncLimit wrapped, by wrapper. */
const wrapped = new WeakMap<object, (...args: never[]) => unknown>();

/** The function a withSyncLimit wrapper calls (the user's own, whose source the watchdog can find); others as they are. */
export const unwrapped = <F extends (...args: never[]) => unknown>(fn: F): ((...args: never[]) => unknown) => wrapped.get(fn) ?? fn;
