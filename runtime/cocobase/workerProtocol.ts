// The messages between the Python supervisor (runtime/cocobase/supervisor.ts) and its runtime process
// (runtime/cocobase/runtimeProcessMain.ts, over the process's IPC channel).

import type { RunRecording, RunRequest, RunResult } from './run';
import type { SaveHandOff } from '../store/storeConfinement';

/** What the worker is started with. */
export interface WorkerData {
  dbPath: string;
  interruptBuffer: SharedArrayBuffer;
}

/** A run for the process; its first write waits at most `lockWaitMs` for the database's write lock. */
export type SupervisorToWorker = { type: 'run'; id: number; run: RunRequest; lockWaitMs: number };

export type WorkerToSupervisor =
  | { type: 'ready'; bootMs: number; snapshot: boolean }
  | { type: 'fatal'; usage: boolean; message: string }
  | { type: 'output'; id: number; line: string }
  /**
   * `handOff`: the run saved, and the supervisor makes the save durable and releases its lock before passing
   * the result on. `recording`: how the run's own execution record went, when the run asked for one.
   */
  | { type: 'result'; id: number; result: RunResult; handOff?: SaveHandOff; recording?: RunRecording }
  /**
   * An http call of run `id` for the network (httpBridge.ts). It does not travel over the IPC channel: the
   * process writes it on its http pipe and blocks there; runtimeProcess.ts reads it and emits it as a message.
   */
  | { type: 'http'; id: number; call: number; request: string }
  | { type: 'usage-error'; id: number; message: string }
  /**
   * Run `id` started (`waiting`) or stopped waiting for the database's write lock, which another process
   * holds: the supervisor's clock for the run's time limit stands still meanwhile.
   */
  | { type: 'lock-wait'; id: number; waiting: boolean };
