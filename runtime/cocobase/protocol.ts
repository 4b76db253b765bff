// The typed messages between a client (the CLI, later the editor) and the runtime host, and between the host
// and its Pyodide worker. One definition, so that what the CLI's tests prove holds for every client.

/** The request a function sees as `request`/`req`. */
export interface RequestSpec {
  payload: Record<string, unknown>;
  query: Record<string, string>;
  headers: Record<string, string>;
  method: string;
  /** ISO 8601 UTC time the request was received. */
  timestamp: string;
}

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

/** What a run changed in the database: defined once, by the store's change tracker. */
export type { ChangeItem, RunChanges } from '../store/changes';
import type { RunChanges } from '../store/changes';
export { emptyChanges } from '../store/changes';

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
  result: unknown;
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
  timings: { run_ms: number; commit_ms: number; save_ms: number };
}

/** A problem with the run's inputs rather than with the function (unknown user, unreadable database). */
export class UsageError extends Error {
  override name = 'UsageError';
}

// Messages between the host (main thread) and the worker.

export interface WorkerData {
  dbPath: string;
  interruptBuffer: SharedArrayBuffer;
}

export type HostToWorker = { type: 'run'; id: number; run: RunRequest };

export type WorkerToHost =
  | { type: 'ready'; bootMs: number; snapshot: boolean }
  | { type: 'fatal'; usage: boolean; message: string }
  | { type: 'output'; id: number; line: string }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'usage-error'; id: number; message: string };

// Messages between a client (the editor extension) and the runtime host process (dist/runtimeHost.js),
// which a client starts with `child_process.fork` and talks to over its IPC channel.

/** What the data explorer and the database commands ask of the host process. */
export type DbRequest =
  | { op: 'collections' }
  | { op: 'documents'; collection: string; limit: number }
  | { op: 'app-users'; limit: number }
  | { op: 'reset' }
  | { op: 'export' }
  | { op: 'import'; fixture: unknown; replace: boolean }
  | { op: 'parse-classes' }
  | { op: 'parse-objects'; className: string; limit: number };

/** One Parse REST request of the editor (a code lens), answered by the host's ParseApp for that cloud file. */
export interface ParseHostRequest {
  /** Absolute path of the Cloud Code entry file (cloud/main.js). */
  cloudFile: string;
  method: 'POST' | 'PUT' | 'DELETE';
  /** Under the mount: `functions/NAME`, `jobs/NAME`, `classes/CLASS[/ID]`. */
  path: string;
  body: Record<string, unknown>;
  master: boolean;
  /** A `_User` objectId to run as (request.user). */
  userId?: string;
  timeoutMs: number;
}

/** What `cloudfn parse … --json` prints, plus the time taken and whether the database file was written. */
export interface ParseHostResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  timeMs: number;
  wrote: boolean;
  /** The Parse objects the request created, updated and deleted (nothing when it failed before writing). */
  changes: RunChanges;
}

export type ClientToHost =
  | { type: 'run'; id: number; run: RunRequest }
  | { type: 'cancel' }
  | { type: 'db'; id: number; request: DbRequest }
  | { type: 'parse'; id: number; request: ParseHostRequest };

export type HostToClient =
  | { type: 'ready'; bootMs: number; snapshot: boolean }
  | { type: 'fatal'; message: string }
  | { type: 'output'; id: number; line: string }
  | { type: 'result'; id: number; result: RunResult }
  /** A request failed: `usage` for bad inputs (unknown user, unreadable database), else an internal error. */
  | { type: 'error'; id: number; usage: boolean; message: string }
  | { type: 'db-result'; id: number; value: unknown }
  | { type: 'parse-result'; id: number; result: ParseHostResult };

/** Options of the host process, passed as one JSON argument. */
export interface HostProcessOptions {
  dbPath: string;
  memoryLimitMb: number;
}
