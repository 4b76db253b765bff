// The lifecycle of a Parse request run locally, shared by the `cloudfn parse` commands and the editor's host:
// the app opened over the database with its Cloud Code (for `serve` too), then each request answered within
// its time limit (a handler that never answers ends as Parse's "Script timed out", 124), the background work it
// left (an afterSave's promise, a job) waited for, the database file written, and the answer returned as
// `cloudfn parse … --json` prints it, `{status, body, logs}`, with what the request changed.

import fs from 'node:fs';
import { Store } from '../store/store';
import type { RunChanges } from '../store/changes';
import { ParseApp } from './app';
import { missingCloudFile } from './cloudLoader';
import { answerWithin } from './deadlines';
import type { LogEntry } from './logs';
import { preloadParseSdk } from './sdk';
import type { Json } from './rest';

/** The keys of the emulated app, unless `serve` is given others: the values of the seed's curl example. */
export const defaultAppKeys = { appId: 'appId', masterKey: 'masterKey' };

export interface OpenOptions {
  cloudFile: string;
  /** A missing cloud file means an app without Cloud Code (the default file), instead of an error. */
  cloudOptional: boolean;
  dbPath: string;
  keys: { appId: string; masterKey: string };
  onLog?: (entry: LogEntry) => void;
}

/**
 * Opens the database and the app, and loads the Cloud Code; `app.cloudCode.file` is undefined when an
 * optional cloud file is missing. Throws CloudLoadError and DatabaseFileError.
 */
export async function openParseApp(options: OpenOptions): Promise<ParseApp> {
  if (!options.cloudOptional && !fs.existsSync(options.cloudFile)) throw missingCloudFile(options.cloudFile);
  // sql.js compiles its wasm in the background while the Parse SDK loads (~50 ms of plain require).
  const opening = Store.open(options.dbPath);
  opening.catch(() => undefined);
  preloadParseSdk();
  const store = await opening;
  const cloudFile = fs.existsSync(options.cloudFile) ? options.cloudFile : undefined;
  const app = new ParseApp({ store, cloudFile, ...options.keys, onLog: options.onLog });
  app.cloudCode.load();
  return app;
}

/** One request of the CLI or the editor, under the mount. */
export interface SessionRequest {
  method: string;
  path: string;
  body: Json;
  master: boolean;
  /** A `_User` objectId to run as (request.user). */
  userId?: string;
  /** A session token to run as (its user, as X-Parse-Session-Token gives it; 209 when unknown or expired). */
  sessionToken?: string;
}

export interface SessionOptions {
  timeoutMs: number;
  /** The request's User-Agent header. */
  userAgent: string;
  /** When the caller's work on the request began (performance.now()); its time limit counts from there. */
  startedAt?: number;
}

/** The answer, the log since it was last taken, the time taken, and whether (and what) it wrote. */
export interface SessionOutcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  logs: LogEntry[];
  timeMs: number;
  wrote: boolean;
  changes: RunChanges;
}

/** Answers one request on `app` and writes the database file. */
export async function answerRequest(app: ParseApp, request: SessionRequest, options: SessionOptions): Promise<SessionOutcome> {
  const started = options.startedAt ?? performance.now();
  const { timeoutMs } = options;
  app.syncTimeoutMs = timeoutMs;
  app.classes.changes.take();
  const response = await answerWithin(() => app.handle({ ...request, headers: { 'user-agent': options.userAgent } }), timeoutMs);
  // Work the handler left running (an afterSave's unreturned promise, a job) finishes before the database is saved.
  const settled = await app.work.settle(Math.max(0, timeoutMs - (performance.now() - started)));
  if (!settled) app.logs.add('warn', `background work was still running after ${timeoutMs / 1000} s; saved what was written until then`);
  const wrote = app.persist();
  return {
    status: response.status, body: response.body, headers: response.headers, logs: app.logs.take(),
    timeMs: performance.now() - started, wrote, changes: app.classes.changes.take(),
  };
}
