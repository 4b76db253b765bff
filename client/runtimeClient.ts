// The editor's side of the runtime host process (dist/runtimeHost.js): starts it in the background, sends it
// runs and database requests over IPC with the typed messages of host/protocol.ts, reports its state, and
// starts it again when it crashes. No VS Code API here, so tests drive it against the real host process.

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { DbRequest, HostProcessOptions, HostToClient, ParseHostRequest, ParseHostResult, ScheduleSettings } from '../host/protocol';
import type { RunRequest, RunResult } from '../runtime/cocobase/run';
import { UsageError } from '../runtime/usageError';

export type RuntimeState =
  | { kind: 'starting' }
  | { kind: 'ready'; bootMs: number; snapshot: boolean }
  | { kind: 'running'; file: string; since: number }
  | { kind: 'stopped'; reason: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onOutput?: (line: string) => void;
}

export interface RuntimeClientOptions extends HostProcessOptions {
  /** The host bundle to fork. */
  hostScript: string;
  /** Whether the host may start (the editor's workspace trust: the host runs the workspace's code). */
  mayStart?: () => boolean;
  /** Extra time a Parse request gets beyond its own time limit before the host is restarted. */
  parseGraceMs?: number;
  /** Crashes tolerated within a minute before the client stops restarting the host. */
  maxRestartsPerMinute?: number;
  /** Where the host's warnings go (the editor's log). */
  onWarning?: (message: string) => void;
  /** Where the host's other lines go (the schedules it fires). */
  onLog?: (message: string) => void;
}

export class RuntimeClient {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;
  private crashes: number[] = [];
  private stateListeners: ((state: RuntimeState) => void)[] = [];
  private lastReady: RuntimeState = { kind: 'starting' };
  private current: RuntimeState = { kind: 'stopped', reason: 'not started' };
  private readyWaiters: { resolve(): void; reject(error: Error): void }[] = [];
  /** Runs, Parse requests and database requests go one at a time: they share the database file. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Stops the Parse request in progress (restarting the host); set while one runs. */
  private stopParse: (() => void) | undefined;
  /** The schedules the host fires, sent again to each host process started. */
  private schedules: ScheduleSettings | undefined;

  constructor(private options: RuntimeClientOptions) {}

  get state(): RuntimeState {
    return this.current;
  }

  onDidChangeState(listener: (state: RuntimeState) => void): { dispose(): void } {
    this.stateListeners.push(listener);
    return { dispose: () => { this.stateListeners = this.stateListeners.filter((l) => l !== listener); } };
  }

  /** Starts the host process if it is not running; resolves when it can run functions. */
  start(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('the runtime client was disposed'));
    if (this.options.mayStart && !this.options.mayStart()) {
      return Promise.reject(new UsageError('the runtime does not start in an untrusted workspace (it runs this workspace\'s code)'));
    }
    if (!this.child) this.spawn();
    if (this.current.kind === 'ready' || this.current.kind === 'running') return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Runs a function; rejects with UsageError for bad inputs (unknown user, unreadable database). */
  run(request: RunRequest, onOutput?: (line: string) => void): Promise<RunResult> {
    return this.whileRunning(request.filename, () => this.request<RunResult>({ type: 'run', run: request }, onOutput));
  }

  /** Sends a Parse request (function, job, save, delete) to the host's ParseApp of that cloud file; log lines stream to onLog. */
  parse(request: ParseHostRequest, onLog?: (line: string) => void): Promise<ParseHostResult> {
    return this.whileRunning(path.basename(request.cloudFile), async () => {
      // Cloud Code runs on the host's own thread: a loop that never yields can only be stopped with the process.
      let timer: NodeJS.Timeout | undefined;
      const stopped = new Promise<never>((_, reject) => {
        const stop = (message: string): void => {
          reject(new Error(message));
          void this.restart().catch(() => undefined);
        };
        this.stopParse = () => stop('Cancelled: the Parse request was cancelled; the runtime process was restarted');
        timer = setTimeout(() => stop(`TimeoutError: the Cloud Code did not finish within ${request.timeoutMs / 1000} s; the runtime process was restarted`),
          request.timeoutMs + (this.options.parseGraceMs ?? 2000));
      });
      try {
        return await Promise.race([this.request<ParseHostResult>({ type: 'parse', request }, onLog), stopped]);
      } finally {
        clearTimeout(timer);
        this.stopParse = undefined;
      }
    });
  }

  /** Stops what is running: a Python run through its interrupt, a Parse request by restarting the host. */
  cancel(): void {
    if (this.stopParse) this.stopParse();
    else if (this.child?.connected) this.child.send({ type: 'cancel' });
  }

  /** Sets the schedules the host fires while it runs (this host and the next ones). */
  setSchedules(settings: ScheduleSettings): void {
    if (JSON.stringify(settings) === JSON.stringify(this.schedules)) return;
    this.schedules = settings;
    if (this.child?.connected) this.child.send({ type: 'schedules', settings });
  }

  db<T>(request: DbRequest): Promise<T> {
    return this.serialize(async () => {
      await this.start();
      return this.request<T>({ type: 'db', request });
    });
  }

  /** Runs `work` in its turn, on a started host, with the state "running `file`" meanwhile. */
  private whileRunning<T>(file: string, work: () => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      await this.start();
      this.setState({ kind: 'running', file, since: Date.now() });
      try {
        return await work();
      } finally {
        if (this.current.kind === 'running') this.setState(this.lastReady);
      }
    });
  }

  /** Runs `work` after everything queued before it, whether that succeeded or failed. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the host process and starts a new one with these options (e.g. another database path). */
  async restart(options?: Partial<HostProcessOptions>): Promise<void> {
    this.options = { ...this.options, ...options };
    this.crashes = [];
    this.stop('restarting');
    await this.start();
  }

  dispose(): void {
    this.disposed = true;
    this.stop('disposed');
    this.stateListeners = [];
  }

  private request<T>(message: { type: 'run'; run: RunRequest } | { type: 'db'; request: DbRequest } | { type: 'parse'; request: ParseHostRequest }, onOutput?: (line: string) => void): Promise<T> {
    const child = this.child;
    if (!child) return Promise.reject(new Error('the runtime is not running'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onOutput });
      child.send({ ...message, id }, (error) => {
        if (!error) return;
        this.pending.delete(id);
        reject(new Error(`the runtime process did not take the request: ${error.message}`));
      });
    });
  }

  private spawn(): void {
    this.setState({ kind: 'starting' });
    const { hostScript, dbPath, memoryLimitMb } = this.options;
    const child = fork(hostScript, [JSON.stringify({ dbPath, memoryLimitMb } satisfies HostProcessOptions)], {
      // In VS Code's Electron, a forked process must run as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    if (this.schedules) child.send({ type: 'schedules', settings: this.schedules });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    child.on('message', (message: HostToClient) => {
      if (this.child === child) this.onMessage(message);
    });
    // A failed fork or a send after the channel closed: the exit handler (if the process ran) restarts it.
    child.on('error', (error) => {
      if (this.child !== child) return;
      if (child.pid === undefined || child.exitCode !== null) {
        this.child = undefined;
        this.failAll(new Error(`the runtime process failed: ${error.message}`));
        this.setState({ kind: 'stopped', reason: `the runtime process failed: ${error.message}` });
      }
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      const reason = `the runtime process exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`;
      this.failAll(new Error(reason));
      this.setState({ kind: 'stopped', reason });
      if (!this.disposed) this.restartAfterCrash();
    });
  }

  private restartAfterCrash(): void {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < 60_000), now];
    if (this.crashes.length > (this.options.maxRestartsPerMinute ?? 3)) {
      this.setState({ kind: 'stopped', reason: 'the runtime process keeps crashing; use "cloudfn: Restart Runtime" to try again' });
      return;
    }
    this.spawn();
  }

  private onMessage(message: HostToClient): void {
    switch (message.type) {
      case 'ready':
        this.lastReady = { kind: 'ready', bootMs: message.bootMs, snapshot: message.snapshot };
        this.setState(this.lastReady);
        for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        break;
      case 'fatal':
        // The host cannot start (e.g. an unreadable database): stop it; the next request tries again.
        for (const waiter of this.readyWaiters.splice(0)) waiter.reject(new UsageError(message.message));
        this.stop(message.message);
        break;
      case 'warning':
        this.options.onWarning?.(message.message);
        break;
      case 'log':
        this.options.onLog?.(message.message);
        break;
      case 'output': {
        const onOutput = this.pending.get(message.id)?.onOutput;
        if (onOutput) for (const line of message.lines) onOutput(line);
        break;
      }
      case 'result':
      case 'parse-result':
      case 'db-result': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.resolve(message.type === 'db-result' ? message.value : message.result);
        break;
      }
      case 'error': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        pending?.reject(message.usage ? new UsageError(message.message) : new Error(message.message));
        break;
      }
    }
  }

  private stop(reason: string): void {
    const child = this.child;
    this.child = undefined;
    this.failAll(new Error(`the runtime stopped: ${reason}`));
    if (child) {
      child.removeAllListeners('exit');
      child.removeAllListeners('message');
      child.on('error', () => undefined);
      child.kill('SIGKILL');
    }
    this.setState({ kind: 'stopped', reason });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
  }

  private setState(state: RuntimeState): void {
    this.current = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
