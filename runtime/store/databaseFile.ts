// The database file and the files beside it, kept as the user set them up: a symlinked database is written
// through to its target (the journal and the lock live beside the target), a rewritten file keeps its mode
// and owner, and temporary files that dead processes left behind are removed.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { crashPoint } from './crashPoints';
import { applyOwnership, type FileOwnership } from './journal';
import { storeConfined, syncFile, writeThroughFlags } from './storeConfinement';
import { describeFileError, makeFolders, openRegularFile, statUserFile, UnreadableFileError } from '../userFiles';

/** The database file cannot be used; the file was left exactly as it was. */
export class DatabaseFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`cannot read database ${file}: ${reason} (left unchanged)`);
    this.name = 'DatabaseFileError';
  }
}

/** The database could not be written (the folder is missing rights, the disk is full); the file is unchanged. */
export class DatabaseWriteError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`cannot write database ${file}: ${reason} (left unchanged)`);
    this.name = 'DatabaseWriteError';
  }
}

/** What identifies one version of the database file on disk. */
export interface DiskState {
  mtimeMs: number;
  size: number;
  ino: number;
}

/** The database file a path stands for, and the files beside it. */
export interface DatabasePaths {
  /** The file as named (absolute). */
  file: string;
  /** The file written: the end of the symlink chain when `file` is a symlink, else `file`. */
  target: string;
  journal: string;
  lock: string;
}

/**
 * The largest database file that is opened: sql.js holds the whole database in WebAssembly memory, which
 * cannot grow past 2 GiB here.
 */
const maxDatabaseBytes = 2 ** 31 - 1;

export function databasePaths(file: string): DatabasePaths {
  const target = symlinkTarget(file);
  return { file, target, journal: `${target}.cloudfn-journal`, lock: `${target}.cloudfn-lock` };
}

/** Where the chain of symlinks starting at `file` ends (which may not exist yet). */
function symlinkTarget(file: string): string {
  return symlinkChain(file).at(-1)!;
}

/** `file` and every path its chain of symlinks goes through, up to the end of the chain. */
export function symlinkChain(file: string): string[] {
  const chain = [file];
  let current = file;
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      link = fs.readlinkSync(current);
    } catch {
      break;
    }
    current = path.resolve(path.dirname(current), link);
    chain.push(current);
  }
  return chain;
}

export function fileState(stats: fs.Stats): DiskState {
  return { mtimeMs: stats.mtimeMs, size: stats.size, ino: stats.ino };
}

export function sameState(a: DiskState | undefined, b: DiskState | undefined): boolean {
  if (!a || !b) return a === b;
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/** The stats of the database file, or undefined when it does not exist; throws DatabaseFileError. */
export function databaseStats(file: string): fs.Stats | undefined {
  return asDatabaseError(file, () => statUserFile(file));
}

/** A database file's bytes and stats, read through one descriptor so that both describe the same version. */
export interface DatabaseBytes {
  bytes: Buffer;
  stats: fs.Stats;
}

/** The file's bytes and stats, or undefined when it does not exist; throws DatabaseFileError. */
export function readDatabaseFile(file: string): DatabaseBytes | undefined {
  const opened = asDatabaseError(file, () => openRegularFile(file, maxDatabaseBytes));
  if (!opened) return undefined;
  const bytes = bufferWithRoom(opened.stats.size);
  return finishRead(file, opened, bytes, () => 0);
}

/** Files from this size on are read in the background; smaller ones take less than a turn of the event loop. */
const backgroundReadBytes = 8 * 2 ** 20;

/**
 * readDatabaseFile reading a large file in the background (libuv's thread pool), so that opening a large
 * database overlaps with whatever else the process starts (Pyodide, in a run's worker).
 */
export async function readDatabaseFileInBackground(file: string): Promise<DatabaseBytes | undefined> {
  const opened = asDatabaseError(file, () => openRegularFile(file, maxDatabaseBytes));
  if (!opened) return undefined;
  const bytes = bufferWithRoom(opened.stats.size);
  if (bytes.length < backgroundReadBytes) return finishRead(file, opened, bytes, () => 0);
  let first: number | Error;
  try {
    first = await new Promise<number>((resolve, reject) => {
      fs.read(opened.fd, bytes, 0, bytes.length, 0, (error, count) => (error ? reject(error) : resolve(count)));
    });
  } catch (error) {
    first = error as Error;
  }
  return finishRead(file, opened, bytes, () => {
    if (first instanceof Error) throw first;
    return first;
  });
}

/**
 * Reads what `start()` (the bytes already read) left of the file, closes it and returns its bytes; a file
 * that shrank meanwhile gives what it still held.
 */
function finishRead(file: string, opened: { fd: number; stats: fs.Stats }, bytes: Buffer, start: () => number): DatabaseBytes {
  try {
    let read = start();
    while (read < bytes.length) {
      const n = fs.readSync(opened.fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: read === bytes.length ? bytes : bufferWithRoomOf(bytes.subarray(0, read)), stats: opened.stats };
  } catch (error) {
    throw new DatabaseFileError(file, describeFileError(error));
  } finally {
    fs.closeSync(opened.fd);
  }
}

/**
 * A buffer of `size` bytes with room after them for the database to grow. sql.js keeps a database's bytes as
 * its in-memory file (taken with `bytes.slice(0, size)`, whose length is the file's capacity) and copies the
 * whole file into a larger buffer when a write grows it past that: for a 130 MB database, a second copy and
 * ~130 MB more resident memory in a run that adds one page. Handing it the room up front (1/16 of the file,
 * at least 1 MiB; untouched pages cost no memory) avoids that copy; were sql.js to take the bytes otherwise,
 * it would simply copy them as before.
 */
function bufferWithRoom(size: number): Buffer {
  const backing = Buffer.allocUnsafeSlow(size + Math.max(2 ** 20, Math.ceil(size / 16)));
  const bytes = backing.subarray(0, size);
  Object.defineProperty(bytes, 'slice', {
    value: (start?: number, end?: number): Buffer => (start === 0 && end === size ? backing : backing.subarray(start ?? 0, end ?? size)),
  });
  return bytes;
}

/** `bytes` (a file that shrank while being read) in a buffer with room. */
function bufferWithRoomOf(bytes: Buffer): Buffer {
  const copy = bufferWithRoom(bytes.length);
  bytes.copy(copy);
  return copy;
}

/** Runs a read of the database file, turning an unreadable path into a DatabaseFileError. */
function asDatabaseError<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnreadableFileError) throw new DatabaseFileError(file, error.reason);
    throw error;
  }
}

/** The mode and owner files beside the database take: the database file's, or a new file's default. */
export function ownershipOf(stats: fs.Stats | undefined): FileOwnership | undefined {
  return stats && { mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid };
}

/**
 * Replaces the database file with `bytes` atomically: a temporary file beside the target with the old file's
 * mode and owner, fsync (O_DSYNC writes in the confined process), rename over the target, fsync of the folder
 * (by the supervisor, for the confined process). Creates missing parent folders. Returns the state of the
 * written file; throws DatabaseWriteError, leaving the old file in place.
 */
export function writeDatabaseFile(paths: DatabasePaths, bytes: Uint8Array): DiskState {
  const { target } = paths;
  const dir = path.dirname(target);
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  let written: DiskState;
  try {
    const ownership = ownershipOf(fs.statSync(target, { throwIfNoEntry: false }));
    const fd = createInFolder(temporary, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | writeThroughFlags(), ownership?.mode ?? 0o644);
    try {
      if (ownership) applyOwnership(fd, fs.fstatSync(fd), ownership);
      if (process.env.CLOUDFN_STORE_CRASH_AT === 'checkpoint-half-written') {
        fs.writeSync(fd, bytes, 0, bytes.length >> 1);
        crashPoint('checkpoint-half-written');
      }
      fs.writeFileSync(fd, bytes);
      syncFile(fd);
      // Taken from the descriptor: a stat after the rename could see another process's newer file.
      written = fileState(fs.fstatSync(fd));
    } finally {
      fs.closeSync(fd);
    }
    crashPoint('checkpoint-written');
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new DatabaseWriteError(paths.file, describeFileError(error));
  }
  syncFolder(dir);
  crashPoint('checkpoint-renamed');
  return written;
}

/**
 * Creates `file`, making its folder first when it is missing. The folder is only looked at then: the confined
 * runtime process may open the database's files but not its folder (its supervisor made the folder).
 */
function createInFolder(file: string, flags: number, mode: number): number {
  try {
    return fs.openSync(file, flags, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makeFolders(path.dirname(file));
  return fs.openSync(file, flags, mode);
}

/** Removes the temporary files that processes no longer running left beside the database (killed mid-write). */
export function removeLeftovers(paths: DatabasePaths): void {
  const dir = path.dirname(paths.target);
  const prefix = `${path.basename(paths.target)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    try {
      fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // A folder we may read but not write: the leftover stays, as it would have without us.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Makes a rename durable; folders cannot be opened for fsync on every platform, which is then skipped. The
 * confined process may not open the folder: its supervisor syncs it after the save (storeConfinement.ts).
 */
export function syncFolder(dir: string): void {
  if (storeConfined()) return;
  syncPath(dir);
}

/** Syncs a file or folder by path where the platform lets it be opened; nothing where it does not. */
export function syncPath(target: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows refuses to open folders: the rename is as durable as that platform makes it. A missing file
    // (a journal folded into the file) has nothing to sync.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
