// The client side of the CPython process (server/pythonCompilerProcess.ts): forked on the first request;
// answers are matched to requests by id; it runs at a lower priority than the server; the process is stopped
// after a minute without requests (its memory is returned) and forked again when needed.

import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir } from '../runtime/assets';
import type { CPythonSyntaxResult } from './analysis/cpythonSyntax';
import type { CompileAnswer, CompileRequest } from './pythonCompilerProcess';

/** The process entry: always the bundle in dist/ (it loads the prelude and Pyodide's files from there). */
function processEntry(): string {
  const bundle = path.join(distDir, 'pythonCompiler.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} not found; run \`npm run build\` first`);
  return bundle;
}

export class PythonCompiler {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: CPythonSyntaxResult) => void; reject: (error: Error) => void }>();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs = 60_000) {}

  /** CPython's syntax error for a source, or null when it compiles; rejects when the process fails. */
  compile(source: string): Promise<CPythonSyntaxResult> {
    let child: ChildProcess;
    try {
      child = this.start();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, source } satisfies CompileRequest);
    });
  }

  /** Stops the process (pending requests are rejected). */
  stop(): void {
    clearTimeout(this.idleTimer);
    this.child?.kill();
    this.child = undefined;
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(processEntry(), [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    // Off the keystroke path: on a busy machine, completion and diagnostics come first (Pyodide's start takes
    // about a second of CPU, each compile of a long file tens of milliseconds).
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, 10);
    } catch {
      // A platform without priorities: the process runs at the server's.
    }
    child.on('message', (answer: CompileAnswer) => this.answer(answer));
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      this.failAll(new Error('the CPython process exited'));
    });
    this.child = child;
    return child;
  }

  private answer(answer: CompileAnswer): void {
    const waiter = this.pending.get(answer.id);
    if (!waiter) return;
    this.pending.delete(answer.id);
    if ('failure' in answer) waiter.reject(new Error(answer.failure));
    else waiter.resolve(answer.result);
    if (this.pending.size === 0) {
      this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
