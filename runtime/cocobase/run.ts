// One run of a CocoBASE cloud function, as every client (the CLI, the editor) and the runtime see it: the
// request the function gets (one shape, one builder), the run that carries it, and the result, a superset of
// CocoBASE's response.

import { emptyChanges, type RunChanges } from '../store/changes';

/** The request a function sees as `request`/`req`. */
export interface RequestSpec {
  payload: Record<string, unknown>;
  query: Record<string, string>;
  headers: Record<string, string>;
  method: string;
  /** ISO 8601 UTC time the request was received. */
  timestamp: string;
}

/**
 * A request as a client describes it (CLI flags, an entry of a payloads file, the last run): the request
 * without its time of arrival, and the app user it runs as.
 */
export type RequestInput = Omit<RequestSpec, 'timestamp'> & {
  /** App user for `request.user`, by email or id; null for an anonymous request. */
  user: string | null;
};

/** The input of a request with nothing in it: an anonymous POST with an empty payload. */
export const emptyRequestInput = (): RequestInput => ({ payload: {}, query: {}, headers: {}, user: null, method: 'POST' });

/** One run of a cloud function. */
export interface RunRequest {
  source: string;
  /** The file name shown in tracebacks (as the user gave it). */
  filename: string;
  request: RequestSpec;
  /** App user for `request.user`, by email or id; null for an anonymous request. */
  user: string | null;
  timeoutMs: number;
}

/**
 * The run of a function's source with a request, built the same way by every client: the client's default
 * headers first, the user's (lower-cased) headers over them, the method upper-cased, the time it was received.
 */
export function buildRunRequest(code: Pick<RunRequest, 'source' | 'filename' | 'timeoutMs'>, input: RequestInput, userAgent: string,
  now: Date = new Date()): RunRequest {
  const headers = Object.fromEntries(Object.entries(input.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    ...code,
    user: input.user,
    request: {
      payload: input.payload,
      query: input.query,
      headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...headers },
      method: input.method.toUpperCase(),
      timestamp: now.toISOString(),
    },
  };
}

/** The exception a function raised, as the sandbox reports it. */
export interface RunError {
  type: string;
  message: string;
  line: number | null;
  column: number | null;
  traceback: string;
}

/** The outcome of a run, a superset of CocoBASE's `{success, result, output, error, execution_time}`. */
export interface RunResult {
  success: boolean;
  /** The returned value as a JavaScript value: integers above 2^53 are rounded, `10.0` is 10 (use result_json). */
  result: unknown;
  /**
   * The returned value as the JSON text Python's `json.dumps` gives: exact integers, `10.0`, key order as in
   * the dict (integer-like keys included). "null" when the run failed. What clients show and send.
   */
  result_json: string;
  output: string;
  error: string | null;
  /** Milliseconds spent running the function (compile + execute + commit). */
  execution_time: number;
  /** HTTP status when the function returned a `(body, status)` tuple. */
  status_code: number | null;
  error_type: string | null;
  error_line: number | null;
  traceback: string | null;
  /** What the run changed in the database; empty when the run failed (its writes were rolled back). */
  changes: RunChanges;
  /** True when the run's writes were committed to the database file. */
  committed: boolean;
  /** Where the time went, in ms: the function itself (with its db calls), the commit, writing the file. */
  timings: RunTimings;
}

export interface RunTimings {
  run_ms: number;
  commit_ms: number;
  save_ms: number;
}

/** What a failed run reports: the error's type and message, and where the function raised it when it did. */
export interface RunFailure {
  type: string;
  message: string;
  line?: number | null;
  /** The Python traceback; by default the error line alone (a run stopped from outside has no Python frame). */
  traceback?: string | null;
}

/** The printed lines of a run as its `output` text. */
export function outputText(lines: readonly string[]): string {
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Milliseconds rounded to the microsecond, as results report times. */
export const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * The result of a run that failed: the function raised, was stopped (time limit, memory, cancel) or could not
 * start. It returned nothing and wrote nothing (its writes were rolled back).
 */
export function failedRunResult(failure: RunFailure, lines: readonly string[], executionTimeMs: number,
  timings: RunTimings = { run_ms: 0, commit_ms: 0, save_ms: 0 }): RunResult {
  const error = `${failure.type}: ${failure.message}`;
  return {
    success: false, result: null, result_json: 'null', output: outputText(lines), error, execution_time: roundMs(executionTimeMs),
    status_code: null, error_type: failure.type, error_line: failure.line ?? null,
    traceback: failure.traceback === undefined ? `${error}\n` : failure.traceback,
    changes: emptyChanges(), committed: false, timings,
  };
}
