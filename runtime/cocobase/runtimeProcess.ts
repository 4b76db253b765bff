// The Python runtime's process, as its supervisor sees it: a Node process of its own (dist/runtimeProcess.js, from runtimeProcessMain.ts)
// started with Node's permission model (it may read only the runtime's assets and the database, write only the
// database, start no process or thread, load no addon) and an empty environment, talking to the supervisor
// over its IPC channel. This object offers what the supervisor used of a worker thread: postMessage,
// terminate, stdout/stderr and the events 'message', 'error' and 'exit'; plus residentBytes() for the memory
// watchdog. The process side is runtime/cocobase/confinement.ts.

import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pyodideDir, snapshotFile, snapshotKeyFile, sqlJsDir, runtimeProcessBundle } from '../assets';
import { makeFolders, statUserFile, UnreadableFileError } from '../userFiles';
import { DatabaseFileError } from '../store/store';
import { syncFolder as syncToDisk } from '../store/databaseFile';
import type { WorkerToSupervisor } from './workerProtocol';

/**
 * Test-only switches, never set by the CLI, the runtime host process or anything a user controls: only code
 * that constructs the runtime process itself (the defence-in-depth test) can pass them.
 */
export interface UnsafeTestHooks {
  /** Hands user code a live JavaScript `Function` constructor as the builtin `js_function` (the first wall fallen). */
  jsFunction?: boolean;
  /** Starts the process without its confinement (permissions, empty environment, lockdown), to show the test can fail. */
  unconfined?: boolean;
}

/** What the runtime process is started with (one JSON argument). */
export interface RuntimeProcessInit {
  dbPath: string;
  memoryLimitMb: number;
  unsafeTestHooks?: UnsafeTestHooks;
}

export interface RuntimeProcessOptions {
  dbPath: string;
  memoryLimitMb: number;
  unsafeTestHooks?: UnsafeTestHooks;
}

/** The runtime process: the supervisor's side of it. */
export class RuntimeProcess extends EventEmitter {
  readonly stdout: Readable;
  readonly stderr: Readable;
  private readonly exited: Promise<void>;

  /** `child` is undefined when the process was not started: it then reports `refusal` as a usage error and exits. */
  constructor(private readonly child: ChildProcess | undefined, dbPath: string, refusal?: string) {
    super();
    if (!child) {
      this.stdout = Readable.from([]);
      this.stderr = Readable.from([]);
      this.exited = Promise.resolve();
      setImmediate(() => {
        this.emit('message', { type: 'fatal', usage: true, message: refusal ?? 'the runtime was not started' } satisfies WorkerToSupervisor);
        this.emit('exit', 1);
      });
      return;
    }
    this.stdout = child.stdout!;
    this.stderr = child.stderr!;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (message: WorkerToSupervisor) => {
      // The process may not fsync (Node's permission model refuses it): its written database is synced here.
      if (message.type === 'result' && message.result.committed) {
        syncToDisk(dbPath);
        syncToDisk(path.dirname(dbPath));
      }
      this.emit('message', message);
    });
    child.on('error', (error) => this.emit('error', error));
    child.on('exit', (code, signal) => this.emit('exit', code ?? signal));
  }

  postMessage(message: unknown): void {
    if (this.child?.connected) this.child.send(message as object);
  }

  /** Kills the process (a run that ignores its interrupt, a stop, a memory stop): nothing of it survives. */
  async terminate(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** The process's resident memory in bytes where the platform tells it cheaply (Linux), else 0. */
  residentBytes(): number {
    try {
      if (this.child?.pid === undefined) return 0;
      const pages = Number(fs.readFileSync(`/proc/${this.child.pid}/statm`, 'latin1').split(' ')[1]);
      return pages * 4096;
    } catch {
      return 0;
    }
  }
}

/** Node's name of the permission model's switch: `--permission` from Node 22.13/23.5, before that experimental. */
function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

/**
 * The permission flags: read the runtime's own files (bundle, Pyodide, sql.js, snapshot) and the database
 * file with its temporary files (`FILE.tmp-…`, written then renamed over it); write only the latter. No
 * --allow-child-process, --allow-worker, --allow-addons or --allow-wasi: those stay refused.
 */
export function permissionArguments(dbPath: string): string[] {
  const database = path.resolve(dbPath);
  const databaseFiles = [database, `${database}.tmp-*`];
  let real: string | undefined;
  try {
    real = path.join(fs.realpathSync(path.dirname(database)), path.basename(database));
  } catch {
    real = undefined;
  }
  if (real && real !== database) databaseFiles.push(real, `${real}.tmp-*`);
  const assets = [runtimeProcessBundle(), pyodideDir(), sqlJsDir(), snapshotFile(), snapshotKeyFile()];
  return [
    permissionFlag(),
    ...[...assets, ...databaseFiles].map((file) => `--allow-fs-read=${file}`),
    ...databaseFiles.map((file) => `--allow-fs-write=${file}`),
  ];
}

/** The environment of the runtime process: nothing of the supervisor's, except what the platform needs to start Node. */
function runtimeEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // In VS Code, process.execPath is Electron: it must run as plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  if (process.platform === 'win32' && process.env.SystemRoot) env.SystemRoot = process.env.SystemRoot;
  return env;
}

/**
 * Why the database path cannot be granted to the process, or undefined: a grant of a folder would let the
 * process read everything in it, so anything but a regular file (or a missing one) is refused here, with the
 * words the store uses.
 */
function databaseRefusal(database: string): string | undefined {
  let stats: fs.Stats | undefined;
  try {
    stats = statUserFile(database);
  } catch (error) {
    return new DatabaseFileError(database, error instanceof UnreadableFileError ? error.reason : String(error)).message;
  }
  if (!stats || stats.isFile()) return undefined;
  return new DatabaseFileError(database, stats.isDirectory() ? 'it is a folder, not a file' : 'it is not a regular file').message;
}

/** Starts the runtime process for a database. */
export function startRuntimeProcess(options: RuntimeProcessOptions): RuntimeProcess {
  const unconfined = options.unsafeTestHooks?.unconfined === true;
  const database = path.resolve(options.dbPath);
  const refusal = databaseRefusal(database);
  if (refusal) return new RuntimeProcess(undefined, database, refusal);
  // The confined process cannot look at the database's folder (that would let it read its other files): a
  // missing folder is made here. A failure is left to the process, which reports the path as before.
  try {
    if (!fs.existsSync(path.dirname(database))) makeFolders(path.dirname(database));
  } catch {
    // Reported by the process when it opens or writes the database.
  }
  const init: RuntimeProcessInit = { dbPath: database, memoryLimitMb: options.memoryLimitMb, unsafeTestHooks: options.unsafeTestHooks };
  const child = fork(runtimeProcessBundle(), [JSON.stringify(init)], {
    execArgv: unconfined ? [] : [...permissionArguments(database), '--no-warnings'],
    env: unconfined ? process.env : runtimeEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  return new RuntimeProcess(child, database);
}
