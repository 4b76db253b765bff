// `cloudfn serve` started and stopped from the editor: the extension's own dist/parse.js (what bin/cloudfn.js
// runs for `serve`) forked as plain Node in the project's folder, on the editor's database, its output in an
// output channel, its state (stopped, starting, serving at a URL) for the Triggers view. SIGTERM stops it as
// Ctrl+C stops the CLI's (the database saved first).

import { fork, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { serveUrlOf } from './triggersModel';

export type ServeState =
  | { kind: 'stopped'; reason: string | null }
  | { kind: 'starting'; project: string }
  | { kind: 'serving'; project: string; url: string };

export interface ServeOptions {
  /** The project folder (where cloudfn.json is); also the process's working folder (cloud/main.js is read there). */
  project: string;
  dbPath: string;
  port: number;
  /** The scheduler's clock starts at this time (`--now`, ISO 8601) instead of the real one. */
  now?: string;
}

export class ServeProcess {
  private child: ChildProcess | undefined;
  private current: ServeState = { kind: 'stopped', reason: null };
  private listeners: ((state: ServeState) => void)[] = [];

  /** `script`: dist/parse.js of the extension; `onLine`: where the server's output goes. */
  constructor(private readonly script: string, private readonly onLine: (line: string) => void) {}

  get state(): ServeState {
    return this.current;
  }

  onDidChange(listener: (state: ServeState) => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => { this.listeners = this.listeners.filter((l) => l !== listener); } };
  }

  /** Starts serving `options.project` (stopping a serve of another project first). */
  start(options: ServeOptions): void {
    if (this.child) this.stop();
    const args = ['serve', '--port', String(options.port), '--db', options.dbPath, '--project', options.project, ...(options.now ? ['--now', options.now] : [])];
    this.onLine(`cloudfn ${args.join(' ')}`);
    const child = fork(this.script, args, {
      cwd: options.project,
      // In VS Code's Electron, a forked process must run as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    this.set({ kind: 'starting', project: options.project });
    let lastError = '';
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      this.onLine(line);
      const url = serveUrlOf(line);
      if (url && this.child === child) this.set({ kind: 'serving', project: options.project, url });
    });
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      this.onLine(line);
      if (line.trim()) lastError = line.trim();
    });
    child.on('error', (error) => {
      lastError = error.message;
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const reason = signal === 'SIGTERM' || code === 0 ? null : `exited (${signal ?? `code ${code}`})${lastError ? `: ${lastError}` : ''}`;
      this.onLine(`cloudfn serve ${reason ?? 'stopped'}`);
      this.set({ kind: 'stopped', reason });
    });
  }

  /** Stops the server: SIGTERM, so that it saves the database and ends its runtimes. */
  stop(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    this.set({ kind: 'stopped', reason: null });
  }

  private set(state: ServeState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }

  dispose(): void {
    this.stop();
    this.listeners = [];
  }
}
