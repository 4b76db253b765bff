// The messages between the editor extension (client/runtimeClient.ts) and the runtime host process
// (host/main.ts, dist/runtimeHost.js), which the extension starts with `child_process.fork` and talks to over
// its IPC channel. One file, read by both sides.

import type { RunRequest, RunResult } from '../runtime/cocobase/run';
import type { RunChanges } from '../runtime/store/changes';
import type { LogEntry } from '../runtime/parse/logs';

/** What the data explorer and the database commands ask of the host process. */
export type DbRequest =
  | { op: 'collections' }
  | { op: 'documents'; collection: string; limit: number }
  | { op: 'app-users'; limit: number }
  | { op: 'reset' }
  | { op: 'export' }
  | { op: 'import'; fixture: unknown; replace: boolean }
  | { op: 'parse-classes' }
  | { op: 'parse-objects'; className: string; limit: number }
  /** The executions log (runs fired by serve, hooks, schedules), newest first, from `since` (ISO 8601) on. */
  | { op: 'executions'; since: string; limit: number };

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
  /** A session token to run as (its user, as X-Parse-Session-Token gives it). */
  sessionToken?: string;
  timeoutMs: number;
}

/** What `cloudfn parse … --json` prints, plus the time taken and whether the database file was written. */
export interface ParseHostResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  logs: LogEntry[];
  /** When a handler failed: the stack of what Cloud Code threw (the editor links its frames). */
  stack?: string;
  timeMs: number;
  wrote: boolean;
  /** The Parse objects the request created, updated and deleted (nothing when it failed before writing). */
  changes: RunChanges;
}

/**
 * The schedules the host fires while it runs: those of these project folders (none: off), on the real clock or
 * on one that many milliseconds ahead of it (the Triggers view's time travel; negative: behind).
 */
export interface ScheduleSettings {
  projects: string[];
  clockOffsetMs: number | null;
  timeoutMs: number;
}

export type ClientToHost =
  | { type: 'run'; id: number; run: RunRequest }
  | { type: 'schedules'; settings: ScheduleSettings }
  | { type: 'cancel' }
  | { type: 'db'; id: number; request: DbRequest }
  | { type: 'parse'; id: number; request: ParseHostRequest };

export type HostToClient =
  | { type: 'ready'; bootMs: number; snapshot: boolean }
  | { type: 'fatal'; message: string }
  /** A one-line warning for the editor's log (the runtime process runs without the permission model). */
  | { type: 'warning'; message: string }
  /** A line for the editor's log (a schedule fired by the host, and how it ended). */
  | { type: 'log'; message: string }
  /** Printed lines (or Parse log lines) of a request, in batches. */
  | { type: 'output'; id: number; lines: string[] }
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
