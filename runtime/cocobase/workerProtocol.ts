// The messages between the Python supervisor (runtime/cocobase/supervisor.ts) and its runtime process
// (runtime/cocobase/runtimeProcessMain.ts, over the process's IPC channel).

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
  | { type: 'usage-error'; id: number; message: string };
