// The Python runtime's process, as its supervisor sees it: a Node process of its own (dist/runtimeProcess.js,
// from runtimeProcessMain.ts) started with Node's permission model (it may read only the runtime's assets and
// the database's files, write only the latter, start no process or thread, load no addon) and an empty
// environment, talking to the supervisor over its IPC channel. This object offers what the supervisor used of
// a worker thread: postMessage, terminate, stdout/stderr and the events 'message', 'error' and 'exit'; plus
// residentBytes() for the memory watchdog. It also does for the process what the permission model keeps it
// from doing (storeConfinement.ts): removing dead processes' leftovers before it starts, syncing the folder
// after a save before the result is passed on, releasing the write lock the save still holds, breaking the
// lock of a dead writer it waits for, and releasing its lock when it was killed. The process side is
// runtime/cocobase/confinement.ts; which Node runs it is runtimeNode.ts's choice.

import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, type Duplex } from 'node:stream';
import { pyodideDir, snapshotFile, snapshotKeyFile, sqlJsDir, runtimeProcessBundle } from '../assets';
import { makeFolders, statUserFile, UnreadableFileError } from '../userFiles';
import { DatabaseFileError } from '../store/store';
import { databasePaths, removeLeftovers, symlinkChain, syncPath, type DatabasePaths } from '../store/databaseFile';
import { breakLockIfStale, releaseHandedOff, releaseLockOfDeadProcess } from '../store/fileLock';
import type { SaveHandOff } from '../store/storeConfinement';
import { runtimeNode, type RuntimeNode } from './runtimeNode';
import { httpAnswerLine, httpPipeFd, type HttpPipeRequest } from './httpBridge';
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
  /** False when no Node with the permission model was found: the process runs with the other layers only. */
  permissionModel: boolean;
  unsafeTestHooks?: UnsafeTestHooks;
}

export interface RuntimeProcessOptions {
  dbPath: string;
  memoryLimitMb: number;
  unsafeTestHooks?: UnsafeTestHooks;
  /** Where the one-line warning goes when the process cannot be confined by the permission model (stderr by default). */
  onWarning?: (message: string) => void;
}

/** The runtime process: the supervisor's side of it. */
export class RuntimeProcess extends EventEmitter {
  readonly stdout: Readable;
  readonly stderr: Readable;
  private readonly exited: Promise<void>;
  /** The process's http pipe (httpBridge.ts): its calls come in as 'http' messages, answers go back here. */
  private readonly httpPipe: Duplex | undefined;

  /** `child` is undefined when the process was not started: it then reports `refusal` as a usage error and exits. */
  constructor(private readonly child: ChildProcess | undefined, private readonly paths: DatabasePaths, refusal?: string) {
    super();
    if (!child) {
      this.stdout = Readable.from([]);
      this.stderr = Readable.from([]);
      this.exited = Promise.resolve();
      this.httpPipe = undefined;
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
      // A save is made durable (and its lock released) before its result is passed on as committed.
      if (message.type === 'result' && message.handOff) this.completeSave(message.handOff);
      this.emit('message', message);
    });
    child.on('error', (error) => this.emit('error', error));
    this.httpPipe = child.stdio[httpPipeFd] as Duplex | undefined;
    if (this.httpPipe) {
      let unread = '';
      this.httpPipe.setEncoding('utf8');
      this.httpPipe.on('data', (chunk: string) => {
        unread += chunk;
        let end: number;
        while ((end = unread.indexOf('\n')) >= 0) {
          const line = unread.slice(0, end);
          unread = unread.slice(end + 1);
          try {
            const call = JSON.parse(line) as HttpPipeRequest;
            this.emit('message', { type: 'http', id: call.id, call: call.call, request: call.request } satisfies WorkerToSupervisor);
          } catch {
            // Not a call: ignored (the process only writes calls there).
          }
        }
      });
      // A process killed while its call was answered: nothing to write to.
      this.httpPipe.on('error', () => undefined);
    }
    child.on('exit', (code, signal) => {
      // A process killed in the middle of a run (time limit, memory ceiling, cancel) may hold the lock.
      if (child.pid !== undefined) ignoreFileErrors(() => releaseLockOfDeadProcess(paths.lock, child.pid!));
      this.emit('exit', code ?? signal);
    });
  }

  postMessage(message: unknown): void {
    if (this.child?.connected) this.child.send(message as object);
  }

  /** Writes the answer to an http call of the process (it is blocked reading its pipe for it). */
  answerHttp(call: number, answer: string): void {
    if (this.httpPipe && !this.httpPipe.destroyed) this.httpPipe.write(httpAnswerLine(call, answer));
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

  /**
   * Breaks the database's write lock when its owner is gone: the process, which may not look at other
   * processes, counts every lock of another process as live and waits; the supervisor calls this while a run
   * is pending.
   */
  breakStaleLock(): void {
    ignoreFileErrors(() => breakLockIfStale(this.paths.lock));
  }

  /**
   * What a save of the process leaves to the supervisor, in order: the folder's fsync (a checkpoint's rename,
   * a new journal's name; the process wrote its files with O_DSYNC, or they are synced here where the platform
   * has no O_DSYNC), the removal of a journal the checkpoint folded into the file, and the release of the
   * write lock, which the process still holds so that no other writer builds on a save that is not durable.
   * The paths are the supervisor's own: the process only says what was done.
   */
  private completeSave(handOff: SaveHandOff): void {
    const { target, journal, lock } = this.paths;
    if (fs.constants.O_DSYNC === undefined) {
      syncPath(journal);
      syncPath(target);
    }
    syncPath(path.dirname(target));
    ignoreFileErrors(() => {
      if (handOff.removeJournal) fs.rmSync(journal, { force: true });
    });
    ignoreFileErrors(() => releaseHandedOff(lock, handOff.lockToken));
  }
}

/**
 * Runs a clean-up of the database's files whose failure must not stop the supervisor (a folder that became
 * unwritable): the lock then stays, and is judged stale once its owner is gone.
 */
function ignoreFileErrors(action: () => void): void {
  try {
    action();
  } catch {
    // Left as it is; see above.
  }
}

/**
 * The permission flags: read the runtime's own files (bundle, Pyodide, sql.js, snapshot), the database's
 * symlink chain, the database file with its temporary files (`TARGET.tmp-…`, written then renamed over it),
 * its journal, its lock and the lock's break lock, and this process's own /proc/self/stat (its start time,
 * written in its lock); write only the database's files. Each file is named exactly: a trailing wildcard such
 * as `TARGET*` would be a plain prefix in Node 20 and also grant `TARGET-backup` or `TARGETs/...`. No
 * --allow-child-process, --allow-worker, --allow-addons or --allow-wasi: those stay refused.
 */
export function permissionArguments(dbPath: string, flag: string): string[] {
  const database = path.resolve(dbPath);
  const paths = databasePaths(database);
  const writable = new Set<string>();
  for (const target of withRealFolder(paths.target)) {
    for (const file of [target, `${target}.tmp-*`, `${target}.cloudfn-journal`, `${target}.cloudfn-lock`, `${target}.cloudfn-lock.break`]) writable.add(file);
  }
  const readable = new Set<string>([runtimeProcessBundle(), pyodideDir(), sqlJsDir(), snapshotFile(), snapshotKeyFile(), '/proc/self/stat']);
  for (const hop of symlinkChain(database)) for (const file of withRealFolder(hop)) readable.add(file);
  // Sorted: Node 20 aborts at start when a path is granted after two longer ones that it begins (its radix
  // tree's split node); in sorted order every path comes before the paths it begins.
  const sorted = (files: Iterable<string>): string[] => [...new Set(files)].sort();
  return [
    flag,
    ...sorted([...readable, ...writable]).map((file) => `--allow-fs-read=${file}`),
    ...sorted(writable).map((file) => `--allow-fs-write=${file}`),
  ];
}

/** `file`, and the same name in its folder with the folder's symlinks resolved when that differs. */
function withRealFolder(file: string): string[] {
  try {
    const real = path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
    return real === file ? [file] : [file, real];
  } catch {
    return [file];
  }
}

/**
 * The store's test switches that the runtime process honours (lock wait, checkpoint size, crash injection):
 * passed on when set, and nothing else of the supervisor's environment.
 */
const storeTestVariables = ['CLOUDFN_LOCK_TIMEOUT_MS', 'CLOUDFN_STORE_CHECKPOINT_BYTES', 'CLOUDFN_STORE_CRASH_AT'];

/** The environment of the runtime process: nothing of the supervisor's, except what the platform needs to start Node. */
function runtimeEnvironment(node: RuntimeNode): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // In VS Code, process.execPath is Electron: it must run as plain Node (and a system Node needs nothing).
  if (node.electron) env.ELECTRON_RUN_AS_NODE = '1';
  if (process.platform === 'win32' && process.env.SystemRoot) env.SystemRoot = process.env.SystemRoot;
  for (const name of storeTestVariables) if (process.env[name] !== undefined) env[name] = process.env[name];
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

let warned = false;

/** Starts the runtime process for a database. */
export function startRuntimeProcess(options: RuntimeProcessOptions): RuntimeProcess {
  const unconfined = options.unsafeTestHooks?.unconfined === true;
  const database = path.resolve(options.dbPath);
  const paths = databasePaths(database);
  const refusal = databaseRefusal(database);
  if (refusal) return new RuntimeProcess(undefined, paths, refusal);
  // The confined process cannot look at the database's folder (that would let it read its other files): a
  // missing folder is made here, and what killed processes left in it is removed here. A failure is left to
  // the process, which reports the path as before.
  try {
    if (!fs.existsSync(path.dirname(paths.target))) makeFolders(path.dirname(paths.target));
    removeLeftovers(paths);
  } catch {
    // Reported by the process when it opens or writes the database.
  }
  const node = runtimeNode();
  if (node.warning && !warned && !unconfined) {
    warned = true;
    (options.onWarning ?? ((message: string) => process.stderr.write(`cloudfn: warning: ${message}\n`)))(node.warning);
  }
  const init: RuntimeProcessInit = {
    dbPath: database, memoryLimitMb: options.memoryLimitMb, permissionModel: node.permissionFlag !== undefined, unsafeTestHooks: options.unsafeTestHooks,
  };
  const child = fork(runtimeProcessBundle(), [JSON.stringify(init)], {
    execPath: node.execPath,
    execArgv: unconfined || !node.permissionFlag ? [] : [...permissionArguments(database, node.permissionFlag), '--no-warnings'],
    env: unconfined ? process.env : runtimeEnvironment(node),
    // Slot 4 (httpPipeFd) is the http pipe: network calls that the supervisor makes for the process.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
    serialization: 'advanced',
  });
  return new RuntimeProcess(child, paths);
}
