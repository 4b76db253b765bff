// The log of a Parse app: Cloud Code's `console.*` and `request.log.*`, Parse Server's "Ran cloud function…"
// lines, after-trigger errors and the warnings for legacy styles (once per batch of logs), kept until taken and
// passed on as they happen (serve prints them, the editor streams them).

import { format } from 'node:util';

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  message: string;
}

/** The warning for each Backbone-era style the seed documents (and current Parse Server rejects). */
const legacyWarning = (what: string): string =>
  `legacy ${what}: cloudfn runs it as the Cloud Code guide describes, but current Parse Server (9.x) no longer accepts it`;

export class AppLog {
  /** Entries since the last take(). */
  private entries: LogEntry[] = [];
  private readonly warned = new Set<string>();
  /** The stacks of failures, by their entry: for the editor's links, not part of the log's shape (the CLI's JSON). */
  private readonly stacks = new WeakMap<LogEntry, string>();

  constructor(private readonly onEntry?: (entry: LogEntry) => void) {}

  /** `stack`: for the entry of a handler's failure, the stack of what Cloud Code threw (kept aside, see stackOf). */
  add(level: LogLevel, message: string, stack?: string): void {
    const entry: LogEntry = { level, message };
    if (stack) this.stacks.set(entry, stack);
    this.entries.push(entry);
    this.onEntry?.(entry);
  }

  /** The stack of what Cloud Code threw, for an entry that reported a handler's failure. */
  stackOf(entry: LogEntry): string | undefined {
    return this.stacks.get(entry);
  }

  /** The entries since the last call; legacy styles are warned about again after it. */
  take(): LogEntry[] {
    const taken = this.entries;
    this.entries = [];
    this.warned.clear();
    return taken;
  }

  /** Warns once per batch of logs about a legacy style. */
  warnLegacy(what: string): void {
    if (this.warned.has(what)) return;
    this.warned.add(what);
    this.add('warn', legacyWarning(what));
  }

  /** `request.log` of a handler: Parse Server's logger levels, written to this log. */
  requestLogger(): Record<string, (...args: unknown[]) => void> {
    const at = (level: LogLevel) => (...args: unknown[]) => this.add(level, format(...args));
    return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('info'), verbose: at('info'), silly: at('info'), log: at('info') };
  }
}

let consoleRouted = false;

/**
 * Routes console.* of Cloud Code to `sink` (stdout stays free for --json), once per process, and logs what
 * would otherwise end the process: an unhandled rejection (as Parse Server does) and an exception thrown outside
 * a request (in a timer, an event handler), where Parse Server's process would end but here the answer already
 * given (or the CLI's JSON) must not be lost, nor the editor's runtime.
 */
export function routeConsole(sink: (level: LogLevel, message: string) => void): void {
  if (consoleRouted) return;
  consoleRouted = true;
  process.on('unhandledRejection', (reason) => sink('error', `Unhandled rejection in Cloud Code: ${reason instanceof Error ? reason.stack : format(reason)}`));
  process.on('uncaughtException', (error) => sink('error', `Uncaught exception in Cloud Code: ${error.stack ?? String(error)}`));
  const at = (level: LogLevel) => (...args: unknown[]) => sink(level, format(...args));
  console.log = at('info');
  console.info = at('info');
  console.debug = at('info');
  console.warn = at('warn');
  console.error = at('error');
}
