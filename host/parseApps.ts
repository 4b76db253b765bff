// The Parse apps of the editor's runtime host process: one ParseApp per Cloud Code file, over the host's one
// handle on the database, reloaded when a file of its cloud folder changed (the database is kept). Answers the
// editor's Parse requests as `cloudfn parse … --json` does: `{status, body, logs}`, a handler that never
// answers ends as Parse's "Script timed out" (124), background work (afterSave, jobs) is waited for, and the
// database file is written before the answer.

import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../runtime/store/store';
import type { ParseHostRequest, ParseHostResult } from './protocol';
import { UsageError } from '../runtime/usageError';
import { CloudLoadError, ParseApp, type LogEntry, type ParseResponse } from '../runtime/parse/app';
import { answerWithin } from '../runtime/parse/deadlines';

/** The keys of the emulated app: those of `cloudfn serve` and the CLI (the seed's curl example). */
const keys = { appId: 'appId', masterKey: 'masterKey' };

interface LoadedApp {
  app: ParseApp;
  store: Store;
  signature: string;
}

export class EditorParseApps {
  private readonly apps = new Map<string, LoadedApp>();
  private sink: ((entry: LogEntry) => void) | undefined;

  constructor(private readonly openStore: () => Promise<Store>) {}

  /** Forgets every app (the database was replaced): the next request loads its Cloud Code again. */
  reset(): void {
    this.apps.clear();
  }

  /** Answers one request; `onLog` sees each log entry as it happens. Rejects with UsageError when the Cloud Code does not load. */
  async handle(request: ParseHostRequest, onLog?: (entry: LogEntry) => void): Promise<ParseHostResult> {
    const started = performance.now();
    const store = await this.openStore();
    const app = this.appFor(request.cloudFile, store);
    app.syncTimeoutMs = request.timeoutMs;
    app.takeLogs();
    app.classes.changes.take();
    this.sink = onLog;
    try {
      const response = await answerWithin(app.handle({
        method: request.method, path: request.path, body: request.body, master: request.master,
        userId: request.userId, headers: { 'user-agent': 'cloudfn-vscode' },
      }), request.timeoutMs);
      const settled = await app.settle(Math.max(0, request.timeoutMs - (performance.now() - started)));
      if (!settled) app.log('warn', `background work was still running after ${request.timeoutMs / 1000} s; saved what was written until then`);
      app.classes.flush();
      const wrote = store.dirty;
      if (wrote) store.save();
      return {
        status: response.status, body: response.body, headers: response.headers, logs: app.takeLogs(),
        timeMs: performance.now() - started, wrote, changes: app.classes.changes.take(),
      };
    } finally {
      this.sink = undefined;
    }
  }

  private appFor(cloudFile: string, store: Store): ParseApp {
    if (!fs.existsSync(cloudFile)) throw new UsageError(`cannot read cloud code '${cloudFile}': no such file`);
    const signature = folderSignature(path.dirname(cloudFile));
    let loaded = this.apps.get(cloudFile);
    if (loaded && loaded.store !== store) loaded = undefined;
    if (!loaded) {
      const app = new ParseApp({ store, cloudFile, ...keys, onLog: (entry) => this.sink?.(entry) });
      loaded = { app, store, signature: '' };
      this.apps.set(cloudFile, loaded);
    }
    loaded.app.activate();
    if (loaded.signature !== signature) {
      try {
        loaded.app.loadCloud();
      } catch (error) {
        if (error instanceof CloudLoadError) throw new UsageError(error.message);
        throw error;
      }
      loaded.signature = signature;
    }
    return loaded.app;
  }
}

/** Names, sizes and modification times of the folder's source files (not node_modules): changes when one is edited. */
export function folderSignature(folder: string, limit = 2000): string {
  const parts: string[] = [];
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (parts.length >= limit || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(c|m)?js$|\.json$/.test(entry.name)) {
        try {
          const stat = fs.statSync(full);
          parts.push(`${full}:${stat.size}:${stat.mtimeMs}`);
        } catch {
          // Deleted meanwhile.
        }
      }
    }
  };
  walk(folder);
  return parts.join('\n');
}
