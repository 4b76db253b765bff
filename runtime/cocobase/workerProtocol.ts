// The messages between the Python supervisor (runtime/cocobase/supervisor.ts, on the main thread) and its
// Pyodide worker thread (runtime/cocobase/workerThread.ts).

import type { RunRequest, RunResult } from './run';

/** What the worker is started with. */
export interface WorkerData {
  dbPath: string;
  interruptBuffer: SharedArrayBuffer;
}

export type SupervisorToWorker = { type: 'run'; id: number; run: RunRequest };

export type WorkerToSupervisor =
  | { type: 'ready'; bootMs: number; snapshot: boolean }
  | { type: 'fatal'; usage: boolean; message: string }
  | { type: 'output'; id: number; line: string }
  | { type: 'result'; id: number; result: RunResult }
  /** An http call of run `id` for the network (httpBridge.ts): the answer goes into `buffer`, marked with `call`. */
  | { type: 'http'; id: number; call: number; request: string; buffer: SharedArrayBuffer }
  | { type: 'usage-error'; id: number; message: string };
