// Brings runs the editor did not start into the run panel as they happen: when the database file (or its
// journal) changes, and every two seconds while the editor's own `serve` runs, it reads the executions log's
// new records through the runtime host and adds them to the run history (an HTTP call to serve, a hook, a
// webhook, a schedule). Only runs that started after the window opened are shown.

import * as vscode from 'vscode';
import path from 'node:path';
import type { ExecutionRecord } from '../../../runtime/cocobase/triggers/executions';
import type { RuntimeClient } from '../../runtimeClient';
import type { RunPanel } from './runPanel';
import { errorMessage } from '../../../runtime/errorMessage';

/** Records read per look at the log. */
const readLimit = 50;
const pollMs = 2000;

export class ExecutionFeed implements vscode.Disposable {
  /** Start time of the oldest record still wanted (ISO 8601), and the ids of those seen at or after it. */
  private since = new Date().toISOString();
  private seen = new Map<string, string>();
  private watcher: vscode.Disposable | undefined;
  private readonly timer: NodeJS.Timeout;
  private reading: Promise<void> | undefined;
  private again = false;

  /**
   * `fileOf`: a function's file from its name in the log ('' when unknown); `polling`: whether to look every two
   * seconds (while the editor's serve runs: its writes may not reach the file watcher).
   */
  constructor(private readonly runtime: RuntimeClient, private readonly panel: RunPanel, private readonly fileOf: (functionName: string) => string,
    private readonly polling: () => boolean, private readonly onError: (message: string) => void) {
    this.timer = setInterval(() => { if (this.polling()) this.check(); }, pollMs);
  }

  /** Watches the database file and its journal; called again when the setting names another file. */
  watch(dbPath: string): void {
    this.watcher?.dispose();
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(dbPath)), `${path.basename(dbPath)}*`));
    let timer: NodeJS.Timeout | undefined;
    const changed = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => this.check(), 300);
    };
    const subscriptions = [watcher.onDidChange(changed), watcher.onDidCreate(changed)];
    this.watcher = { dispose: () => { clearTimeout(timer); for (const subscription of subscriptions) subscription.dispose(); watcher.dispose(); } };
  }

  /** Reads the log's new records (once at a time; a change meanwhile reads again after). */
  check(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.read().catch((error: unknown) => this.onError(`executions log: ${errorMessage(error)}`)).finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        this.check();
      }
    });
  }

  private async read(): Promise<void> {
    // The host is not started for this: a window that ran nothing has no runtime to ask.
    if (this.runtime.state.kind !== 'ready' && this.runtime.state.kind !== 'running') return;
    const records = await this.runtime.db<ExecutionRecord[]>({ op: 'executions', since: this.since, limit: readLimit });
    const fresh = records.filter((record) => !this.seen.has(record.id));
    if (fresh.length === 0) return;
    for (const record of fresh) this.seen.set(record.id, record.started_at);
    // Later reads start at the newest record's time; ids seen before it are no longer needed.
    this.since = records.reduce((newest, record) => (record.started_at > newest ? record.started_at : newest), this.since);
    for (const [id, startedAt] of this.seen) if (startedAt < this.since) this.seen.delete(id);
    this.panel.addExecutions(fresh, this.fileOf);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.watcher?.dispose();
  }
}
