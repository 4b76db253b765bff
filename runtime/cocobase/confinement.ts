// The runtime process's side of its confinement (the supervisor's side is runtimeProcess.ts). The process was
// started with Node's permission model and an empty environment; here it checks that the model is on, talks
// to its supervisor over the IPC channel, leaves to the supervisor what the model keeps the store from doing
// (fsync, the folder, judging other processes' locks: storeConfinement.ts), stops Python at the run's
// deadline by itself (its supervisor cannot reach its memory), caps Pyodide's memory, and, once Pyodide and
// the store are loaded, locks down what the permission model of Node 20 leaves open: sockets (net, tls,
// dgram, dns, http, fetch...), signals to other processes, and Pyodide's JavaScript modules in Python's
// import system.

import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import dns from 'node:dns';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import inspector from 'node:inspector';
import net from 'node:net';
import tls from 'node:tls';
import type { PyodideAPI } from 'pyodide';
import type { RuntimeProcessInit } from './runtimeProcess';
import { confineStore } from '../store/storeConfinement';
import type { SupervisorToWorker, WorkerData, WorkerToSupervisor } from './workerProtocol';

/** The margin after the supervisor's own deadline: its message names the limit, so it should stop the run first. */
const deadlineMarginMs = 5;

/** What the process runs with: the supervisor's channel and the data a worker thread was started with. */
export interface SupervisorChannel {
  port: { postMessage(message: WorkerToSupervisor): void; on(event: 'message', listener: (message: SupervisorToWorker) => void): void };
  data: WorkerData;
}

const init = JSON.parse(process.argv[2] ?? '{}') as RuntimeProcessInit;
/** The run's deadline (performance.now() milliseconds), or undefined between runs. */
let deadline: number | undefined;

/**
 * Refuses to run when the process was started without the permission model (a wrong start), unless its
 * supervisor found no Node that has it and said so (runtimeNode.ts) or a test asked for it.
 */
function assertConfined(): void {
  if (init.unsafeTestHooks?.unconfined || !init.permissionModel) return;
  const permission = (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
  if (!permission || permission.has('child') || permission.has('worker') || permission.has('fs.write', '/')) {
    throw new Error(`the runtime process is not confined: Node ${process.version} did not apply its permission model`);
  }
}

/**
 * The permission model refuses process.binding, which Emscripten's NODEFS calls once at Pyodide's start for
 * the file system's flag constants: it gets the same public constants; every other binding stays refused.
 */
function allowConstantsBinding(): void {
  const target = process as unknown as { binding(name: string): unknown };
  const binding = target.binding.bind(process);
  target.binding = (name) => (name === 'constants' ? { fs: fs.constants, os: os.constants } : binding(name));
}

/**
 * The supervisor's channel: the process's IPC channel; a run's message arms the run's deadline. A process
 * that finds itself unconfined reports it, serves nothing and exits.
 */
export function supervisorChannel(): SupervisorChannel {
  let refused = false;
  try {
    assertConfined();
    if (!init.unsafeTestHooks?.unconfined && init.permissionModel) allowConstantsBinding();
    // Always, so that the store behaves the same with or without the permission model: the lockdown below
    // takes process.kill, which judging other processes' locks needs.
    confineStore();
  } catch (error) {
    refused = true;
    process.send?.({ type: 'fatal', usage: false, message: (error as Error).message } satisfies WorkerToSupervisor, () => process.exit(1));
  }
  // A process whose supervisor is gone (killed) serves no one: it ends once the run in progress is over. A
  // lock its last save still holds is then stale (its pid is gone), and broken by the next writer.
  process.on('disconnect', () => process.exit(0));
  return {
    port: {
      postMessage(message) {
        if (refused) return;
        if (message.type === 'result' || message.type === 'usage-error') deadline = undefined;
        process.send?.(message);
      },
      on(_event, listener) {
        if (refused) return;
        process.on('message', (message: SupervisorToWorker) => {
          if (message.type === 'run') deadline = performance.now() + message.run.timeoutMs + deadlineMarginMs;
          listener(message);
        });
      },
    },
    data: { dbPath: init.dbPath, interruptBuffer: new SharedArrayBuffer(8) },
  };
}

/**
 * The run's time limit was reached elsewhere (an http call that the supervisor stopped waiting for, whose
 * answer makes the sandbox raise the interrupt itself): the deadline's own interrupt must not come again
 * while the run's outcome is being written.
 */
export function deadlineReached(): void {
  deadline = undefined;
}

/** When the current wait for the database's write lock began (performance.now()), or undefined. */
let lockWaitStarted: number | undefined;

/**
 * The run waits for the database's write lock (another process writes): the wait does not count against its
 * time limit. Python is not running meanwhile, so the deadline cannot pass unseen; lockWaitEnded() moves it
 * on by the wait's length.
 */
export function lockWaitBegan(): void {
  lockWaitStarted = performance.now();
}

/** The wait for the write lock ended: the run's deadline moves on by its length. */
export function lockWaitEnded(): void {
  if (lockWaitStarted === undefined) return;
  if (deadline !== undefined) deadline += performance.now() - lockWaitStarted;
  lockWaitStarted = undefined;
}

/**
 * Pyodide's interrupt buffer for this process: slot 0 reads 2 (SIGINT, a KeyboardInterrupt in Python) once
 * the run's deadline has passed, and slot 1 of `signals` is set then (the worker's sign that the time limit
 * was reached). Python reads slot 0 every few dozen bytecodes: a clock read is all it costs.
 */
function deadlineInterrupts(signals: Int32Array): ArrayLike<number> {
  return {
    length: 1,
    get 0(): number {
      if (deadline !== undefined && performance.now() >= deadline) {
        deadline = undefined;
        Atomics.store(signals, 1, 1);
        return 2;
      }
      return Atomics.load(signals, 0);
    },
    set 0(value: number) {
      Atomics.store(signals, 0, value);
    },
  } as ArrayLike<number>;
}

/** WebAssembly.Memory's prototype, as far as the cap uses it. */
interface MemoryPrototype {
  grow(this: { buffer: ArrayBuffer }, delta: number): number;
}

/**
 * Caps Pyodide's WebAssembly memory at its size now plus the memory limit: a larger allocation fails at once
 * (Python's MemoryError) instead of growing the process. Emscripten grows its memory through Memory#grow and
 * treats a throw as "out of memory"; other memories (sql.js's) are not affected.
 */
function capMemory(py: PyodideAPI, limitMb: number): void {
  const module = (py as unknown as { _module: { HEAP8: Int8Array } })._module;
  const maxBytes = module.HEAP8.buffer.byteLength + limitMb * 1024 * 1024;
  // The DOM library's WebAssembly types are not in this project's lib: the constructor's prototype, untyped.
  const prototype = (globalThis as unknown as { WebAssembly: { Memory: { prototype: MemoryPrototype } } }).WebAssembly.Memory.prototype;
  const grow = prototype.grow;
  prototype.grow = function (this: { buffer: ArrayBuffer }, delta: number): number {
    if (this.buffer === module.HEAP8.buffer && this.buffer.byteLength + delta * 65536 > maxBytes) {
      throw new RangeError(`the memory limit of ${limitMb} MB is reached`);
    }
    return grow.call(this, delta);
  };
}

function refusal(what: string): () => never {
  return () => {
    throw Object.assign(new Error(`${what} is not available in the cloudfn runtime`), { code: 'ERR_ACCESS_DENIED' });
  };
}

/** Replaces functions of an object with refusals (only those it has). */
function refuse(target: object, names: string[], what: string): void {
  const record = target as Record<string, unknown>;
  for (const name of names) if (typeof record[name] === 'function') record[name] = refusal(`${what}.${name}`);
}

const resolverMethods = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname',
  'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];

/**
 * What Node 20's permission model does not cover, closed after Pyodide and sql.js have loaded: every way to
 * open a socket (connects and listens end in net.Socket#connect and net.Server#listen; UDP, DNS, HTTP/2, the
 * inspector's port and fetch have their own entries), and signals to other processes. The module objects are
 * the process's single instances, so `require`, `import()` and `process.getBuiltinModule` all see the refusals.
 */
function lockDown(): void {
  refuse(net.Socket.prototype, ['connect'], 'net.Socket');
  refuse(net.Server.prototype, ['listen'], 'net.Server');
  refuse(net, ['connect', 'createConnection', 'createServer', '_createServerHandle'], 'net');
  refuse(tls, ['connect', 'createServer'], 'tls');
  refuse(dgram, ['createSocket', '_createSocketHandle'], 'dgram');
  refuse(dgram.Socket.prototype, ['bind', 'connect', 'send'], 'dgram.Socket');
  refuse(dns, resolverMethods, 'dns');
  refuse(dns.promises, resolverMethods, 'dns.promises');
  refuse(dns.Resolver.prototype, resolverMethods, 'dns.Resolver');
  refuse(dns.promises.Resolver.prototype, resolverMethods, 'dns.promises.Resolver');
  refuse(http, ['request', 'get', 'createServer'], 'http');
  refuse(https, ['request', 'get', 'createServer'], 'https');
  refuse(http2, ['connect', 'createServer', 'createSecureServer'], 'http2');
  refuse(inspector, ['open'], 'inspector');
  for (const name of ['fetch', 'WebSocket', 'EventSource']) delete (globalThis as Record<string, unknown>)[name];
  refuseSignalsToOthers();
}

/**
 * Signals to other processes are refused; a signal to this process itself stays possible (the crash tests'
 * injected SIGKILL): it harms nothing that `process.exit` could not. process.kill ends in process._kill, so
 * the check sits there.
 */
function refuseSignalsToOthers(): void {
  const target = process as unknown as { _kill(pid: number, signal: number): number };
  const kill = target._kill.bind(process);
  const refused = refusal('process.kill');
  target._kill = (pid, signal) => (pid === process.pid ? kill(pid, signal) : refused());
}

/** Pyodide's JavaScript modules (`js`, `pyodide_js`) leave the import system: its finder, not only sys.modules. */
function unregisterJavaScriptModules(py: PyodideAPI): void {
  for (const name of ['js', 'pyodide_js']) {
    try {
      py.unregisterJsModule(name);
    } catch {
      // Not registered in this start.
    }
  }
}

/** The test-only hook: user code gets the JavaScript `Function` constructor of this process as `js_function`. */
function exposeJavaScript(py: PyodideAPI): void {
  const builtins = py.pyimport('cloudfn_sandbox.entry')._safe_builtins as { set(key: string, value: unknown): void; destroy(): void };
  builtins.set('js_function', Function);
  builtins.destroy();
}

/** Confines the started runtime: interrupts at the deadline, the memory cap, the lockdown (and the test hook). */
export function confine(py: PyodideAPI, signals: Int32Array): void {
  py.setInterruptBuffer(deadlineInterrupts(signals) as Int32Array);
  capMemory(py, init.memoryLimitMb);
  unregisterJavaScriptModules(py);
  if (!init.unsafeTestHooks?.unconfined) lockDown();
  if (init.unsafeTestHooks?.jsFunction) exposeJavaScript(py);
}
