// The write lock of a database file, shared by every process and thread that writes it: a lock file created
// with O_EXCL beside the database, holding its owner (host, pid, the process's start time, thread, a random
// token). Node has no flock/fcntl locks without native addons, so a killed owner is detected instead: a lock
// whose process is gone (or whose pid now belongs to a newer process) is stale and broken, under a second,
// short-lived lock so that two processes breaking it at once cannot remove a fresh lock. The confined runtime
// process cannot look at other processes: there a lock of another process counts as live, and its supervisor
// breaks the stale ones (breakLockIfStale) and hands the lock over (handOff, releaseHandedOff).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { threadId } from 'node:worker_threads';
import { crashPoint } from './crashPoints';
import { storeConfined } from './storeConfinement';

/** Who holds a lock, as written in its file. */
interface LockOwner {
  host: string;
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), telling a reused pid from its first owner. */
  started?: number;
  thread: number;
  token: string;
}

/** The lock is held by a live owner and stayed held longer than the caller waits. */
export class DatabaseLockedError extends Error {
  constructor(readonly file: string, owner: string, waitedMs: number) {
    super(`the database is being written by ${owner} and stayed locked for ${Math.round(waitedMs / 1000)} s (lock file ${file})`);
    this.name = 'DatabaseLockedError';
  }
}

/** A lock file whose content cannot be read (its owner died while writing it) is stale after this long. */
const unreadableStaleMs = 5_000;
/** How long a writer waits for the lock by default; CLOUDFN_LOCK_TIMEOUT_MS overrides it. */
const defaultTimeoutMs = 120_000;
/** How long a writer waits for the lock: CLOUDFN_LOCK_TIMEOUT_MS (tests), else two minutes. */
export function lockTimeoutMs(): number {
  return Number(process.env.CLOUDFN_LOCK_TIMEOUT_MS) || defaultTimeoutMs;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (the store's API is synchronous; runs hold the lock for milliseconds). */
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

let ownStart: number | undefined | null = null;

/** The start time of process `pid` (Linux /proc), or undefined where it cannot be read. */
function processStart(pid: number | 'self'): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'another process';
  if (owner.pid === process.pid && owner.host === os.hostname()) return `this process (thread ${owner.thread})`;
  return `process ${owner.pid}${owner.host === os.hostname() ? '' : ` on ${owner.host}`}`;
}

/**
 * Whether the owner of a lock is certainly gone: its process is dead, or its pid was reused. The confined
 * process cannot tell (it may not signal or read /proc of other processes): it waits, and its supervisor
 * breaks the lock if the owner is gone.
 */
function ownerIsGone(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return false;
  if (owner.pid === process.pid || storeConfined()) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const started = processStart(owner.pid);
  return owner.started !== undefined && started !== undefined && started !== owner.started;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(text) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.token === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function ageMs(file: string): number {
  const stats = fs.statSync(file, { throwIfNoEntry: false });
  return stats ? Date.now() - stats.mtimeMs : 0;
}

/** One writer's hold on the lock file `file`. */
export class FileLock {
  private token: string | undefined;

  constructor(readonly file: string) {}

  get held(): boolean {
    return this.token !== undefined;
  }

  /**
   * Takes the lock, waiting for a live owner to release it and breaking it when its owner is gone. Throws
   * DatabaseLockedError after `timeoutMs`, and at once when another handle of this very thread holds it
   * (waiting would never end). `onWait` hears `true` when the lock is found held and waiting begins, and
   * `false` when the wait ends (taken or given up); an uncontended lock calls it never.
   */
  acquire(timeoutMs = lockTimeoutMs(), onWait?: (waiting: boolean) => void): void {
    if (this.token) return;
    let waiting = false;
    try {
      this.take(timeoutMs, () => {
        if (waiting) return;
        waiting = true;
        onWait?.(true);
      });
    } finally {
      if (waiting) onWait?.(false);
    }
  }

  private take(timeoutMs: number, onWait: () => void): void {
    if (ownStart === null) ownStart = processStart('self');
    const owner: LockOwner = { host: os.hostname(), pid: process.pid, started: ownStart, thread: threadId, token: randomBytes(12).toString('hex') };
    const started = performance.now();
    let pause = 1;
    for (;;) {
      try {
        const fd = fs.openSync(this.file, 'wx', 0o644);
        try {
          fs.writeSync(fd, JSON.stringify(owner));
        } finally {
          fs.closeSync(fd);
        }
        this.token = owner.token;
        crashPoint('lock-taken');
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = readText(this.file);
      if (text === undefined) continue;
      const current = parseOwner(text);
      if (current ? ownerIsGone(current) : ageMs(this.file) > unreadableStaleMs) {
        breakStale(this.file, text);
        continue;
      }
      if (current && current.pid === process.pid && current.thread === threadId && current.host === owner.host) {
        throw new DatabaseLockedError(this.file, `another handle of this thread`, 0);
      }
      const waited = performance.now() - started;
      if (waited > timeoutMs) throw new DatabaseLockedError(this.file, describeOwner(current), waited);
      onWait();
      sleep(pause);
      pause = Math.min(pause * 2, 25);
    }
  }

  /** Releases the lock when this handle holds it. */
  release(): void {
    const token = this.token;
    if (!token) return;
    this.token = undefined;
    releaseHandedOff(this.file, token);
  }

  /**
   * Gives up this handle's hold without removing the lock file, and returns its token: the caller's
   * supervisor releases the lock with releaseHandedOff once it has made the save durable.
   */
  handOff(): string | undefined {
    const token = this.token;
    this.token = undefined;
    return token;
  }
}

/** Removes the lock file `file` when it is still the hold with `token`. */
export function releaseHandedOff(file: string, token: string): void {
  const current = parseOwner(readText(file) ?? '');
  if (current?.token === token) fs.rmSync(file, { force: true });
}

/**
 * Removes the lock file when it still holds `staleText`, under a short-lived break lock: of two processes
 * that found the same stale lock, the second one sees that it changed and leaves the new one alone.
 */
function breakStale(file: string, staleText: string): void {
  const breaker = `${file}.break`;
  let fd: number;
  try {
    fd = fs.openSync(breaker, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A breaker killed in the microseconds it holds the break lock leaves it behind.
    if (ageMs(breaker) > unreadableStaleMs) fs.rmSync(breaker, { force: true });
    else sleep(1);
    return;
  }
  try {
    if (readText(file) === staleText) fs.rmSync(file, { force: true });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(breaker, { force: true });
  }
}

/**
 * Breaks the lock file `file` when its owner is gone, for the supervisor of a confined runtime process that
 * is waiting for it (the process cannot tell a dead owner from a live one). True when it was broken.
 */
export function breakLockIfStale(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const text = readText(file);
  if (text === undefined) return false;
  const owner = parseOwner(text);
  if (owner ? !ownerIsGone(owner) : ageMs(file) <= unreadableStaleMs) return false;
  breakStale(file, text);
  return true;
}

/**
 * Removes the lock file `file` when process `pid` holds it: for the supervisor of a runtime process that has
 * exited (killed at its time limit or memory ceiling, it could not release it itself).
 */
export function releaseLockOfDeadProcess(file: string, pid: number): void {
  const current = parseOwner(readText(file) ?? '');
  if (current && current.pid === pid && current.host === os.hostname()) fs.rmSync(file, { force: true });
}
