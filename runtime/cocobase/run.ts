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
  /**
   * The function's file on disk: its project (the nearest cloudfn.json, secrets, templates, http mocks) is
   * read from there for each run. Without it the run has the defaults (project "local", no mocks).
   */
  functionPath?: string;
  /** Whether http calls without a mock may go to the network in this run (default: refused). */
  allowNetwork?: boolean;
  /** What started the run; `manual` (the CLI, the editor) by default. */
  triggeredBy?: TriggeredBy;
  /** The id to record the run's execution under, when its caller records it (the editor's run panel knows its runs by it). */
  executionId?: string;
  /** The run's project context, read by the supervisor from functionPath (never set by clients). */
  context?: RunContext;
  /**
   * Tests: the run's transaction is rolled back at its end even when it succeeds, so the database stays as it
   * was (the next test starts from the same state with nothing to reload) and nothing is saved. The result
   * still lists the run's changes, and `committed` says whether it would have saved.
   */
  discardWrites?: boolean;
  /**
   * Tests: the wall clock the run sees, an ISO 8601 instant (millisecond precision), frozen for the whole run:
   * time.time(), datetime.now()/utcnow(), date.today() and the store's timestamps all read it. Monotonic
   * clocks (time.monotonic, perf_counter, the time limit) keep running.
   */
  frozenNow?: string;
  /**
   * Asks the runtime to record the run in the executions log itself: with the run's writes in its own
   * transaction when it commits (one journal entry), else in a small transaction after the rollback. The
   * result's message then says how that went (RunRecording). Not done for a run stopped by killing its process.
   */
  record?: RunRecordSpec;
}

/** The execution record a runtime writes of its run: what the caller knows of it (the rest is the run's). */
export interface RunRecordSpec {
  /** The execution's id, chosen by the caller (the parent of what the run's writes fire). */
  id: string;
  function_name: string;
  triggered_by: TriggeredBy;
  trigger_detail: string | null;
  payload: Record<string, unknown>;
  /** ISO 8601: when the caller started the run. */
  started_at: string;
}

/** What came of a runtime's recording of its run (RunRequest.record). */
export interface RunRecording {
  /** False when the record could not be written; `error` says why. */
  recorded: boolean;
  error: string | null;
  /** The collections the run's committed writes went to that have a webhook_url (their webhooks are due). */
  webhook_collections: string[];
}

export type TriggeredBy = 'manual' | 'http' | 'schedule' | 'db-event';

/** A local answer to an outgoing http call, matched on method (any when absent) and URL. */
export interface HttpMock {
  method?: string;
  /** The full URL; without a query it answers any query; a trailing `*` matches every URL it starts. */
  url: string;
  status?: number;
  headers?: Record<string, string>;
  /** The body as JSON (content-type application/json), or `body` as text. */
  json?: unknown;
  body?: string;
  /** Instead of an answer: the call fails with ConnectionError and this message. */
  error?: string;
  /** The file the mock was read from (`fetch.http.json`, `cloudfn.json`), set by cloudfn. */
  file?: string;
}

/** What a run's sandbox knows of its project (snake_case: it is read by the Python side as it is). */
export interface RunContext {
  project_file: string | null;
  project_id: string;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
  /** Templates of the project's templates/ folder: path relative to it → text. */
  templates: Record<string, string>;
  http_mocks: HttpMock[];
  static_base_url: string;
  allow_network: boolean;
  /** How to add a mock for this function, as the refusal of an http call says it. */
  mock_hint: string;
  /** Problems to tell the user about (a secrets file git would track). */
  warnings: string[];
}

/** A mail a run sent: recorded in the outbox, never sent. */
export interface OutboxMail {
  to: string[];
  subject: string;
  body: string | null;
  template_id: string | null;
  context: Record<string, unknown> | null;
}

/** An outgoing http call of a run. */
export interface HttpCall {
  method: string;
  url: string;
  /** The answer's status; null when the call was refused or failed. */
  status: number | null;
  source: 'mock' | 'network' | 'refused';
  duration_ms: number;
  /** The file of the mock that answered (`fetch.http.json`, `cloudfn.json`); only on calls a mock answered. */
  mock_file?: string;
}

/** The side effects a run reports instead of performing them (spec §6). */
export interface RunEffects {
  outbox: OutboxMail[];
  http_calls: HttpCall[];
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
  /** Mails the run sent (recorded, not sent), also when it failed afterwards. */
  outbox: OutboxMail[];
  /** Outgoing http calls of the run: answered by a mock, sent to the network, or refused. */
  http_calls: HttpCall[];
  /** What started the run. */
  triggered_by: TriggeredBy;
  /** `text/html; charset=utf-8` when the function returned rendered HTML (`result` is then its text), else null. */
  content_type: string | null;
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

/** What a run stopped at its time limit says (the runtime and its supervisor word it the same). */
export function timeLimitMessage(timeoutMs: number): string {
  return `the function did not finish within its ${formatSeconds(timeoutMs)} time limit`;
}

/** Milliseconds as seconds for messages: `20 s`, `0.25 s`. */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(2)} s`;
}

/** Milliseconds rounded to the microsecond, as results report times. */
export const roundMs = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * The result of a run that failed: the function raised, was stopped (time limit, memory, cancel) or could not
 * start. It returned nothing and wrote nothing (its writes were rolled back).
 */
export function failedRunResult(failure: RunFailure, lines: readonly string[], executionTimeMs: number,
  timings: RunTimings = { run_ms: 0, commit_ms: 0, save_ms: 0 }, effects: RunEffects = { outbox: [], http_calls: [] },
  triggeredBy: TriggeredBy = 'manual'): RunResult {
  const error = `${failure.type}: ${failure.message}`;
  return {
    success: false, result: null, result_json: 'null', output: outputText(lines), error, execution_time: roundMs(executionTimeMs),
    status_code: null, error_type: failure.type, error_line: failure.line ?? null,
    traceback: failure.traceback === undefined ? `${error}\n` : failure.traceback,
    changes: emptyChanges(), committed: false, timings, ...effects, triggered_by: triggeredBy, content_type: null,
  };
}
