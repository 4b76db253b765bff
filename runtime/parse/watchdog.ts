// The event-loop watchdog of `cloudfn parse …` and `cloudfn serve`: JavaScript that holds the main thread
// longer than the time limit without going back to the event loop is stopped. The `vm` time limit of
// deadlines.ts covers a handler's synchronous part only; this covers everything else that can spin — Cloud
// Code after an `await` (a microtask), in a timer or in a job, and the emulation itself. A worker thread
// watches a heartbeat that the main thread's event loop writes into shared memory; when it is older than the
// limit and the main thread has also spent that long running since it (its CPU time, read from /proc on
// Linux: a thread waiting for a loaded machine's CPU, or blocked, is not spinning; wall time elsewhere), the
// worker stops the running JavaScript through the inspector's Runtime.terminateExecution, which V8 delivers
// as an interrupt (the way a debugger pauses a busy loop). The event loop then runs on: timers fire,
// the request's answer (124) is sent, /health answers, SIGTERM is handled. What was stopped is lost with the
// microtasks queued behind it, so a request cut short that way is answered by its own time limit. Work that
// nothing waits for (a job) can run under a label (`runWatched`: an async function named after it awaits the
// work): just before a stop, the worker has the main thread evaluate a probe, which runs inside the spinning
// code and reads its stack — V8's async stack traces name the awaiting labelled function — and the stop's
// listeners (`onLoopStop`) get the labels found, so a stopped job is recorded as failed instead of running
// for ever. Code that no await leads to (a legacy `(request, status)` job's `.then` callbacks, a bare
// `setTimeout`) has no such async stack: a label can also stand for a function's source (`watchSource`), and a
// stop whose stack runs through that source — the function, or a closure written inside it — names the label.
// (Not an AsyncLocalStorage: its async hooks make Node abort the process when a stop unbalances them.)

import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** How often the main thread's event loop proves it is alive. */
const heartbeatMs = 100;

/**
 * Added to the request's time limit: a synchronous spin is stopped first by its `vm` limit, which answers
 * more cleanly (the handler's caller sees an exception), and a heartbeat is up to heartbeatMs old.
 */
const graceMs = 500;

/**
 * Slots of the shared memory: the last heartbeat, the limit, the stops so far. Times are in ms since `base`,
 * as 32-bit integers compared modulo 2^32 (so that a server running for weeks does not overflow them).
 */
const slot = { heartbeat: 0, limit: 1, stops: 2 } as const;

/** The global symbol key of the probe the watcher has the main thread evaluate just before a stop. */
const probeKey = 'cloudfn.watchdog.probe';

/** The prefix of the names of the functions that run labelled work. */
const labelPrefix = 'cloudfnWatched_';

/** The labels of the work the probe found on the stack of the code being stopped. */
let stoppedLabels: string[] = [];

/** Where the code being stopped was: its stack's frames (file, 1-based line and column). */
interface Frame {
  file: string;
  line: number;
  column: number;
}
let stoppedFrames: Frame[] = [];

/** The functions whose source stands for a label (`watchSource`). */
const watchedSources = new Map<string, Set<(...args: never[]) => unknown>>();

const stopListeners = new Set<(labels: string[], timeoutMs: number) => void>();

/**
 * Runs `work` under `label` (letters, digits and _): an async function named after the label awaits it, so
 * that code of the work spinning after its awaits has that function on its async stack.
 */
export function runWatched<T>(label: string, work: () => T | Promise<T>): Promise<T> {
  const labelled = async (): Promise<T> => await work();
  Object.defineProperty(labelled, 'name', { value: `${labelPrefix}${label}` });
  return labelled();
}

/** Calls `listener` after each stop with the labels of the work that was stopped and the time limit it ran past. */
export function onLoopStop(listener: (labels: string[], timeoutMs: number) => void): () => void {
  stopListeners.add(listener);
  return () => stopListeners.delete(listener);
}

/**
 * Lets `fn`'s source stand for `label` until the returned function is called: a stop whose stack runs through
 * that source (in `fn`, or in a callback written inside it) names the label to the stop's listeners.
 */
export function watchSource(label: string, fn: (...args: never[]) => unknown): () => void {
  const functions = watchedSources.get(label) ?? new Set();
  watchedSources.set(label, functions.add(fn));
  return () => {
    functions.delete(fn);
    if (functions.size === 0) watchedSources.delete(label);
  };
}

/** The probe, run inside the spinning code: the labels of the work on its (async) stack, and its frames. */
function probe(): void {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = 200;
  try {
    const stack = new Error().stack ?? '';
    stoppedLabels = [...stack.matchAll(new RegExp(`at async ${labelPrefix}(\\w+)`, 'g'))].map((match) => match[1]!);
    // Structured call sites: the text of a stack may have been reshaped by user code (source maps).
    Error.prepareStackTrace = (_error, sites) => sites;
    const sites = new Error().stack as unknown as NodeJS.CallSite[];
    stoppedFrames = sites.flatMap((site) => {
      const file = site.getFileName();
      const line = site.getLineNumber();
      const column = site.getColumnNumber();
      return file && line && column ? [{ file, line, column }] : [];
    });
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * The labels whose watched source one of the frames lies in: the function's text (as `toString` gives it)
 * found in the frame's file around the frame's position. A function whose text is not in the file (a bound
 * or native one) names nothing.
 */
function labelsOfFrames(frames: Frame[]): string[] {
  if (frames.length === 0 || watchedSources.size === 0) return [];
  const texts = new Map<string, string | undefined>();
  const read = (file: string): string | undefined => {
    if (!texts.has(file)) {
      try {
        texts.set(file, file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) ? fs.readFileSync(file, 'utf8') : undefined);
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  const offset = (text: string, { line, column }: Frame): number => {
    let start = 0;
    for (let i = 1; i < line; i++) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) return -1;
      start = newline + 1;
    }
    return start + column - 1;
  };
  const labels: string[] = [];
  for (const [label, functions] of watchedSources) {
    const inside = [...functions].some((fn) => {
      const source = Function.prototype.toString.call(fn);
      return frames.some((frame) => {
        const text = read(frame.file);
        const at = text === undefined ? -1 : offset(text, frame);
        if (at < 0) return false;
        for (let found = text!.indexOf(source); found !== -1 && found <= at; found = text!.indexOf(source, found + 1)) {
          if (at < found + source.length) return true;
        }
        return false;
      });
    });
    if (inside) labels.push(label);
  }
  return labels;
}

/**
 * The watcher's code (run with eval: the bundles are single files). It connects to the main thread only to
 * stop it: a session left connected would make the process print "Waiting for the debugger to disconnect"
 * at exit.
 */
const watcher = `
const { workerData } = require('node:worker_threads');
const inspector = require('node:inspector');
const fs = require('node:fs');
const shared = new Int32Array(workerData.buffer);
const now = () => Math.round(performance.timeOrigin + performance.now() - workerData.base) | 0;
// The main thread's CPU time in ms (utime + stime of its /proc stat, in clock ticks of 1/100 s, Linux's
// USER_HZ; its thread id is the process id), or undefined where there is no /proc.
const statPath = '/proc/self/task/' + process.pid + '/stat';
const cpuMs = () => {
  try {
    const stat = fs.readFileSync(statPath, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
};
let beatSeen;
let cpuAtBeat;
setInterval(() => {
  const limit = Atomics.load(shared, ${slot.limit});
  const beat = Atomics.load(shared, ${slot.heartbeat});
  if (beat !== beatSeen) {
    beatSeen = beat;
    cpuAtBeat = cpuMs();
  }
  if (limit <= 0 || ((now() - beat) | 0) <= limit) return;
  // A thread that is descheduled (a loaded machine) or blocked uses no CPU: only one that spent the limit
  // running since its last heartbeat is stopped.
  const cpu = cpuMs();
  if (cpu !== undefined && cpuAtBeat !== undefined && cpu - cpuAtBeat <= limit) return;
  Atomics.store(shared, ${slot.heartbeat}, now());
  Atomics.add(shared, ${slot.stops}, 1);
  const session = new inspector.Session();
  session.connectToMainThread();
  // Both are delivered to the busy thread as interrupts, in order: the probe runs inside the spin, then it stops.
  session.post('Runtime.evaluate', { expression: ${JSON.stringify(`globalThis[Symbol.for('${probeKey}')]?.()`)} }, () => undefined);
  session.post('Runtime.terminateExecution', () => session.disconnect());
}, 25);
`;

/**
 * Node's bookkeeping of async contexts, which a stop leaves unbalanced (the stopped callback's context is
 * never popped). Node checks it at the end of each callback and aborts the process on a mismatch; the check
 * is switched off (what `--no-force-async-hooks-checks` does) and the stack emptied after each stop, as Node
 * itself does after an uncaught exception. Reached through process.binding (deprecated, still present).
 */
interface AsyncWrapBinding {
  async_hook_fields: Uint32Array;
  constants: { kCheck: number };
  clearAsyncIdStack: () => void;
}

function asyncWrap(): AsyncWrapBinding | undefined {
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    return (process as unknown as { binding: (name: string) => AsyncWrapBinding }).binding('async_wrap');
  } catch {
    return undefined;
  } finally {
    process.noDeprecation = quiet;
  }
}

let state: { shared: Int32Array; base: number; timeoutMs: number } | undefined;

const sinceBase = (base: number): number => Math.round(performance.timeOrigin + performance.now() - base) | 0;

/**
 * Starts the watchdog (once per process) or changes its limit: from now on, JavaScript that keeps the main
 * thread from its event loop for more than `timeoutMs` (plus a grace) is stopped. Without the inspector (a
 * Node built without it) there is no watchdog and false is returned.
 */
export function watchEventLoop(timeoutMs: number): boolean {
  const limitMs = Math.ceil(timeoutMs + graceMs);
  if (state) {
    Atomics.store(state.shared, slot.limit, limitMs);
    state.timeoutMs = timeoutMs;
    return true;
  }
  let worker: Worker;
  const base = performance.timeOrigin + performance.now();
  const shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  Atomics.store(shared, slot.limit, limitMs);
  try {
    worker = new Worker(watcher, { eval: true, workerData: { buffer: shared.buffer, base }, stdout: true, stderr: true });
  } catch {
    return false;
  }
  worker.on('error', () => { Atomics.store(shared, slot.limit, 0); });
  worker.unref();
  state = { shared, base, timeoutMs };
  (globalThis as Record<symbol, unknown>)[Symbol.for(probeKey)] = probe;
  const binding = asyncWrap();
  if (binding) binding.async_hook_fields[binding.constants.kCheck] = 0;
  let stopsSeen = 0;
  const beat = (): void => {
    Atomics.store(shared, slot.heartbeat, sinceBase(base));
    const stops = Atomics.load(shared, slot.stops);
    if (stops !== stopsSeen) {
      stopsSeen = stops;
      binding?.clearAsyncIdStack();
      const labels = [...new Set([...stoppedLabels, ...labelsOfFrames(stoppedFrames)])];
      stoppedLabels = [];
      stoppedFrames = [];
      for (const listener of stopListeners) listener(labels, state!.timeoutMs);
    }
  };
  beat();
  setInterval(beat, heartbeatMs).unref();
  return true;
}

/** How many times the watchdog stopped the main thread so far (0 when it does not run). */
export function loopStops(): number {
  return state ? Atomics.load(state.shared, slot.stops) : 0;
}
