// The Python supervisor: owns the Python runtime process (runtimeProcess.ts: Pyodide in a confined Node
// process) and its watchdogs. It runs one function at a time, streams its print() lines, stops it at its time
// limit (a KeyboardInterrupt first, then killing the process for C-level loops) or at its memory ceiling, and
// starts a fresh process after such a stop. A run's wait for the database's write lock (another process
// writes) does not count against its time limit; the process gives up waiting after `lockWaitMs`.

import { failedRunResult, formatSeconds, timeLimitMessage, type RunRecording, type RunRequest, type RunResult } from './run';
import { answerHttp } from './httpBridge';
import { loadRunContext } from './project';
import type { WorkerToSupervisor } from './workerProtocol';
import { startRuntimeProcess, type RuntimeProcess } from './runtimeProcess';
import { UsageError } from '../usageError';

export interface PythonSupervisorOptions {
  dbPath: string;
  /** Memory ceiling of a run, in MB: Pyodide's heap beyond its start size, and growth of the runtime process's resident memory. */
  memoryLimitMb?: number;
  /** Time between the interrupt and terminating the worker, for code that ignores the interrupt. */
  graceMs?: number;
  /** Where a warning about the runtime's confinement goes (one line; stderr by default). */
  onWarning?: (message: string) => void;
  /**
   * How long a run's first write waits for the database's write lock before the run fails with a
   * DatabaseBusyError (default 30 s; CLOUDFN_LOCK_TIMEOUT_MS overrides it). The wait is not run time.
   */
  lockWaitMs?: number;
  /** Hears when a run starts (`true`) and stops waiting for the database's write lock. */
  onLockWait?: (waiting: boolean) => void;
}

/** How long a run waits for the write lock by default: longer than another run's default time limit (20 s). */
const defaultLockWaitMs = 30_000;
/** How long after the process's own give-up the supervisor stops a run that still reports waiting. */
const lockWaitSlackMs = 2_000;

export const defaultMemoryLimitMb = 512;
const watchdogIntervalMs = 10;
/** Every how many watchdog ticks a pending run's supervisor breaks a stale lock the run may be waiting for. */
const staleLockTicks = 10;

interface PendingRun {
  id: number;
  allowNetwork: boolean;
  /** The run's time limit, in performance.now() milliseconds: a network call does not wait beyond it. */
  deadline: number;
  resolve(result: RunResult, recording?: RunRecording): void;
  reject(error: Error): void;
  onOutput?: (line: string) => void;
  /** The process started or stopped waiting for the write lock. */
  onLockWait(waiting: boolean): void;
  lines: string[];
  started: number;
}

export class PythonSupervisor {
  private worker: RuntimeProcess | null = null;
  private ready: Promise<{ bootMs: number; snapshot: boolean }> | null = null;
  private pending: PendingRun | null = null;
  private nextId = 1;
  /** Stops the pending run as cancelled by its user; set while a run is pending. */
  private cancelPending: (() => void) | null = null;
  private readonly memoryLimitMb: number;
  private readonly graceMs: number;
  private readonly lockWaitMs: number;

  constructor(private readonly options: PythonSupervisorOptions) {
    this.memoryLimitMb = options.memoryLimitMb ?? defaultMemoryLimitMb;
    this.graceMs = options.graceMs ?? 250;
    this.lockWaitMs = options.lockWaitMs ?? (Number(process.env.CLOUDFN_LOCK_TIMEOUT_MS) || defaultLockWaitMs);
  }

  /** Starts the worker (if not started) and resolves when it can run functions. */
  start(): Promise<{ bootMs: number; snapshot: boolean }> {
    if (this.ready) return this.ready;
    const worker = startRuntimeProcess({ dbPath: this.options.dbPath, memoryLimitMb: this.memoryLimitMb, onWarning: this.options.onWarning });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.on('message', (message: WorkerToSupervisor) => {
        switch (message.type) {
          case 'ready': resolve({ bootMs: message.bootMs, snapshot: message.snapshot }); break;
          case 'fatal': reject(message.usage ? new UsageError(message.message) : new Error(message.message)); break;
          default: this.onRunMessage(message);
        }
      });
      worker.on('error', (error) => {
        reject(error);
        this.failPending(`the runtime process failed: ${error.message}`, 'RuntimeError');
        this.discardWorker(worker);
      });
      worker.on('exit', (codeOrSignal: number | string | null) => {
        reject(new Error('the runtime process exited while starting'));
        if (this.worker === worker) this.failPending(`the runtime process stopped unexpectedly (${typeof codeOrSignal === 'string' ? codeOrSignal : `exit code ${codeOrSignal}`})`, 'RuntimeError');
        this.discardWorker(worker);
      });
      worker.stdout.resume();
      worker.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    });
    this.ready.catch(() => this.discardWorker(worker));
    return this.ready;
  }

  /** Runs one function. Rejects with UsageError for bad inputs (unknown user, unreadable database). */
  async run(request: RunRequest, onOutput?: (line: string) => void): Promise<RunResult> {
    return (await this.runRecorded(request, onOutput)).result;
  }

  /**
   * Runs one function, with what came of the runtime's recording of it when the request asks for one
   * (`record`); `recording` is undefined when the runtime did not answer (its process was stopped), and the
   * caller then records the run itself.
   */
  async runRecorded(request: RunRequest, onOutput?: (line: string) => void): Promise<{ result: RunResult; recording?: RunRecording }> {
    if (this.pending) throw new Error('a function is already running in this runtime');
    // The project's files are read here, on the host side: the runtime process gets them as the run's context.
    const context = request.context ?? loadRunContext(request.functionPath, request.allowNetwork === true);
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<{ result: RunResult; recording?: RunRecording }>((resolve, reject) => {
      const baselineRss = worker.residentBytes();
      const started = performance.now();
      const run: PendingRun = {
        id, allowNetwork: context.allow_network, deadline: started + request.timeoutMs, resolve: (result) => resolve({ result }), reject, onOutput, onLockWait: () => {}, lines: [], started,
      };
      this.pending = run;
      let stopping: StopReason | null = null;
      const stopWorker = (reason: StopReason): void => {
        if (this.pending !== run) return;
        this.failPending(stopMessage(reason, request.timeoutMs, this.memoryLimitMb, this.lockWaitMs), stopErrorType[reason]);
        this.discardWorker(worker);
        void worker.terminate();
      };
      // The runtime process raises a KeyboardInterrupt itself at the deadline (Python loops stop at once and
      // keep the process); after the grace time, or at once for a cancel, the process is killed.
      const interrupt = (reason: 'timeout' | 'cancel'): void => {
        if (this.pending !== run || stopping) return;
        stopping = reason;
        grace = setTimeout(() => stopWorker(reason), reason === 'cancel' ? 0 : this.graceMs);
      };
      let timeout = setTimeout(() => interrupt('timeout'), request.timeoutMs);
      // While the process waits for the write lock, the time limit's clock stands still; a process that says
      // it waits longer than it may (it gives up after lockWaitMs) is stopped as busy.
      let waitStarted: number | undefined;
      let waitBackstop: NodeJS.Timeout | undefined;
      run.onLockWait = (waiting) => {
        if (stopping) return;
        if (waiting && waitStarted === undefined) {
          waitStarted = performance.now();
          clearTimeout(timeout);
          waitBackstop = setTimeout(() => {
            stopping = 'busy';
            stopWorker('busy');
          }, this.lockWaitMs + lockWaitSlackMs);
        } else if (!waiting && waitStarted !== undefined) {
          clearTimeout(waitBackstop);
          run.deadline += performance.now() - waitStarted;
          waitStarted = undefined;
          timeout = setTimeout(() => interrupt('timeout'), Math.max(0, run.deadline - performance.now()));
        }
        this.options.onLockWait?.(waiting);
      };
      this.cancelPending = () => interrupt('cancel');
      let grace: NodeJS.Timeout | undefined;
      let ticks = 0;
      const watchdog = setInterval(() => {
        // The process counts another process's lock as live (it cannot tell): a dead owner's lock is broken here.
        if (++ticks % staleLockTicks === 0) worker.breakStaleLock();
        if (worker.residentBytes() - baselineRss > this.memoryLimitMb * 1024 * 1024) {
          stopping = 'memory';
          stopWorker('memory');
        }
      }, watchdogIntervalMs);
      const cleanup = (): void => {
        this.cancelPending = null;
        clearTimeout(timeout);
        clearTimeout(waitBackstop);
        clearTimeout(grace);
        clearInterval(watchdog);
      };
      run.resolve = (result, recording) => {
        cleanup();
        // The process interrupts itself just after this deadline; on a loaded machine its result can come
        // before the deadline's timer here has run: it is the same time limit and gets the same message.
        if (!stopping && performance.now() >= run.deadline) stopping = 'timeout';
        if ((stopping === 'timeout' || stopping === 'cancel') && result.error_type === 'TimeoutError') {
          result.error_type = stopErrorType[stopping];
          result.error = `${result.error_type}: ${stopMessage(stopping, request.timeoutMs, this.memoryLimitMb, this.lockWaitMs)}`;
          result.traceback = result.traceback?.replace(/TimeoutError: .*\n?$/, `${result.error}\n`) ?? null;
        }
        resolve(recording ? { result, recording } : { result });
      };
      run.reject = (error) => {
        cleanup();
        reject(error);
      };
      worker.postMessage({ type: 'run', id, run: { ...request, context }, lockWaitMs: this.lockWaitMs });
    });
  }

  /** Stops the running function, if any: it ends with a `CancelledError` result and writes nothing. */
  cancel(): boolean {
    if (!this.cancelPending) return false;
    this.cancelPending();
    return true;
  }

  /** Whether a function is running. */
  get busy(): boolean {
    return this.pending !== null;
  }

  /** Stops the worker; the supervisor can be started again. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.failPending('the runtime was stopped', 'RuntimeError');
    this.discardWorker(worker);
    if (worker) await worker.terminate();
  }

  private onRunMessage(message: WorkerToSupervisor): void {
    const run = this.pending;
    if (!run || !('id' in message) || message.id !== run.id) return;
    if (message.type === 'output') {
      run.lines.push(message.line);
      run.onOutput?.(message.line);
    } else if (message.type === 'http') {
      const worker = this.worker;
      void answerHttp(message, run.allowNetwork, run.deadline).then((answer) => {
        if (this.pending === run && this.worker === worker) worker?.answerHttp(message.call, answer);
      });
    } else if (message.type === 'lock-wait') {
      run.onLockWait(message.waiting);
    } else if (message.type === 'result') {
      this.pending = null;
      run.resolve(message.result, message.recording);
    } else if (message.type === 'usage-error') {
      this.pending = null;
      run.reject(new UsageError(message.message));
    }
  }

  /** Ends the pending run with an error result; its writes are lost with the worker (never committed). */
  private failPending(message: string, errorType: string): void {
    const run = this.pending;
    if (!run) return;
    this.pending = null;
    run.resolve(failedRunResult({ type: errorType, message }, run.lines, performance.now() - run.started));
  }

  private discardWorker(worker: RuntimeProcess | null): void {
    if (worker && this.worker === worker) {
      this.worker = null;
      this.ready = null;
    }
  }
}

type StopReason = 'timeout' | 'memory' | 'cancel' | 'busy';

const stopErrorType: Record<StopReason, string> = { timeout: 'TimeoutError', memory: 'MemoryError', cancel: 'CancelledError', busy: 'DatabaseBusyError' };

function stopMessage(reason: StopReason, timeoutMs: number, memoryLimitMb: number, lockWaitMs: number): string {
  switch (reason) {
    case 'timeout': return timeLimitMessage(timeoutMs);
    case 'memory': return `the function used more than ${memoryLimitMb} MB of memory`;
    case 'cancel': return 'the run was cancelled';
    case 'busy': return `the database is busy: another process held its write lock for more than ${formatSeconds(lockWaitMs)}; the run wrote nothing`;
  }
}
