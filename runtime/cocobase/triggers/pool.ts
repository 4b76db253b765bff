// A small pool of Python runtimes for `serve` and the triggers: each run takes an idle runtime (one
// PythonSupervisor, with its own time limit and memory ceiling) or waits in line for one, so a slow function
// does not hold the others. Runtimes start on first use; the size defaults to the machine's cores (2 to 4).

import os from 'node:os';
import { PythonSupervisor } from '../supervisor';
import type { RunRequest, RunResult } from '../run';

export interface RuntimePoolOptions {
  dbPath: string;
  size?: number;
  memoryLimitMb?: number;
}

/** The default pool size: the cores available, at least 2 (a slow run must not hold a second), at most 4. */
export const defaultPoolSize = (): number => Math.min(4, Math.max(2, os.availableParallelism()));

export class RuntimePool {
  private readonly runtimes: PythonSupervisor[] = [];
  private readonly idle: PythonSupervisor[] = [];
  private readonly waiting: Array<(runtime: PythonSupervisor) => void> = [];
  private inFlight = 0;
  private readonly idleListeners: Array<() => void> = [];
  readonly size: number;

  constructor(private readonly options: RuntimePoolOptions) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
  }

  /** Runs one function on the next free runtime. */
  async run(request: RunRequest, onOutput?: (line: string) => void): Promise<RunResult> {
    this.inFlight++;
    const runtime = await this.take();
    try {
      return await runtime.run(request, onOutput);
    } finally {
      this.give(runtime);
      this.inFlight--;
      if (this.inFlight === 0) for (const listener of this.idleListeners) listener();
    }
  }

  /** Whether no run is going on or waiting. */
  get isIdle(): boolean {
    return this.inFlight === 0;
  }

  /** Calls `listener` each time the last run in flight ends. */
  onIdle(listener: () => void): void {
    this.idleListeners.push(listener);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.runtimes.map((runtime) => runtime.dispose()));
  }

  private take(): Promise<PythonSupervisor> {
    const free = this.idle.pop();
    if (free) return Promise.resolve(free);
    if (this.runtimes.length < this.size) {
      const runtime = new PythonSupervisor({ dbPath: this.options.dbPath, memoryLimitMb: this.options.memoryLimitMb });
      this.runtimes.push(runtime);
      return Promise.resolve(runtime);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(runtime: PythonSupervisor): void {
    const next = this.waiting.shift();
    if (next) next(runtime);
    else this.idle.push(runtime);
  }
}
