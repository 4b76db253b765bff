// Reading a file the user named (a database, a payload, a fixture) without trusting the path: a FIFO or a
// device never blocks the process, a folder or a path under a file gives a reason instead of an errno, and
// a file larger than the caller can hold is refused before a byte of it is read.

import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from './errorMessage';

/** A file that cannot be read, with a reason a user understands (e.g. "it is not a regular file"). */
export class UnreadableFileError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(reason);
    this.name = 'UnreadableFileError';
  }
}

/** Why opening `file` failed, in words, for the errno codes a user's path can cause. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'ENOTDIR': return 'a part of the path is a file, not a folder';
    case 'EISDIR': return 'it is a folder, not a file';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'too many symbolic links';
    case 'ENAMETOOLONG': return 'the path is too long';
    case 'ENXIO': case 'ENODEV': return 'it is not a regular file';
    default: return errorMessage(error);
  }
}

/**
 * The bytes of the regular file `file` and its stats, read through one descriptor, or undefined when the
 * file does not exist. Throws UnreadableFileError for anything else that is not a readable regular file of
 * at most `maxBytes`.
 */
export function readRegularFile(file: string, maxBytes: number): { bytes: Buffer; stats: fs.Stats } | undefined {
  const opened = openRegularFile(file, maxBytes);
  if (!opened) return undefined;
  try {
    return { bytes: fs.readFileSync(opened.fd), stats: opened.stats };
  } catch (error) {
    throw new UnreadableFileError(file, describeFileError(error));
  } finally {
    fs.closeSync(opened.fd);
  }
}

/**
 * Opens the regular file `file` for reading (never blocking on a FIFO) and checks it as readRegularFile
 * does; the caller reads and closes the descriptor. Undefined when the file does not exist.
 */
export function openRegularFile(file: string, maxBytes: number): { fd: number; stats: fs.Stats } | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UnreadableFileError(file, describeFileError(error));
  }
  try {
    const stats = fs.fstatSync(fd);
    if (stats.isDirectory()) throw new UnreadableFileError(file, 'it is a folder, not a file');
    if (!stats.isFile()) throw new UnreadableFileError(file, 'it is not a regular file');
    if (stats.size > maxBytes) {
      throw new UnreadableFileError(file, `it is ${formatBytes(stats.size)}, more than the ${formatBytes(maxBytes)} this can read`);
    }
    return { fd, stats };
  } catch (error) {
    fs.closeSync(fd);
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(file, describeFileError(error));
  }
}

/** The stats of `file` (following links), or undefined when it does not exist; throws UnreadableFileError. */
export function statUserFile(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw new UnreadableFileError(file, describeFileError(error));
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time: `fs.mkdirSync(…, { recursive: true })` loops
 * forever on some paths (e.g. under /proc/self in Node 20). Throws the first errno error.
 */
export function makeFolders(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const stats = fs.statSync(current, { throwIfNoEntry: false });
    if (stats) {
      if (!stats.isDirectory()) throw Object.assign(new Error(`not a directory: ${current}`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}
