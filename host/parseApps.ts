// The Parse apps of the editor's runtime host process: one ParseApp per Cloud Code file, over the host's one
// handle on the database, kept between requests and reloaded when a source file of its cloud folder changed
// (the database is kept). Each request is answered as `cloudfn parse … --json` answers it (runtime/parse/
// session.ts), with its log entries streamed as they happen and, for a failed handler, the stack of what the
// Cloud Code threw.

import fs from 'node:fs';
import type { Store } from '../runtime/store/store';
import type { ParseHostRequest, ParseHostResult } from './protocol';
import { UsageError } from '../runtime/usageError';
import { ParseApp } from '../runtime/parse/app';
import { CloudLoadError, missingCloudFile } from '../runtime/parse/cloudLoader';
import type { LogEntry } from '../runtime/parse/logs';
import { answerRequest, defaultAppKeys } from '../runtime/parse/session';

export class EditorParseApps {
  private readonly apps = new Map<string, ParseApp>();
  /** Where the log entries of the request being answered go. */
  private sink: ((entry: LogEntry) => void) | undefined;

  constructor(private readonly openStore: () => Promise<Store>) {}

  /** Forgets every app (the database was replaced): the next request loads its Cloud Code again. */
  reset(): void {
    this.apps.clear();
  }

  /** Answers one request; `onLog` sees each log entry as it happens. Rejects with UsageError when the Cloud Code does not load. */
  async handle(request: ParseHostRequest, onLog?: (entry: LogEntry) => void): Promise<ParseHostResult> {
    const startedAt = performance.now();
    const store = await this.openStore();
    const app = this.appFor(request.cloudFile, store);
    // A request's logs are its own: not those of loading the Cloud Code, nor what earlier requests left.
    app.logs.take();
    this.sink = onLog;
    try {
      const { method, path, body, master, userId, sessionToken, timeoutMs } = request;
      const outcome = await answerRequest(app, { method, path, body, master, userId, sessionToken }, { timeoutMs, userAgent: 'cloudfn-vscode', startedAt });
      const stack = outcome.logs.map((entry) => app.logs.stackOf(entry)).filter((text) => text !== undefined).at(-1);
      return stack ? { ...outcome, stack } : outcome;
    } finally {
      this.sink = undefined;
    }
  }

  /** The app of a cloud file, current (the process-wide Parse SDK goes to it) and with its Cloud Code up to date. */
  private appFor(cloudFile: string, store: Store): ParseApp {
    try {
      if (!fs.existsSync(cloudFile)) throw missingCloudFile(cloudFile);
      let app = this.apps.get(cloudFile);
      if (!app || app.store !== store) {
        app = new ParseApp({ store, cloudFile, ...defaultAppKeys, onLog: (entry) => this.sink?.(entry) });
        this.apps.set(cloudFile, app);
      }
      app.activate();
      app.cloudCode.loadIfChanged();
      return app;
    } catch (error) {
      if (error instanceof CloudLoadError) throw new UsageError(error.message);
      throw error;
    }
  }
}
