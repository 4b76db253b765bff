// The journal beside a database file: an append-only file of the runs committed since the database file was
// last written, each entry a frame `CFJ1 <length> <sha-256 prefix>\n<JSON>\n` so that a torn or damaged
// tail is recognised and ignored. An entry names the database file it applies to and its place in the
// sequence; its rows are full row images, so replaying it needs nothing but the entries before it.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { SqlValue } from 'sql.js';
import { crashPoint } from './crashPoints';
import { storeConfined, syncFile, writeThroughFlags } from './storeConfinement';

/** One committed run (or several saved together): what it did to the database, as final row states. */
export interface JournalEntry {
  /** The database file the entry applies to: its checkpoint id and change counter (see Store). */
  base: string;
  /** 1 for the first entry after a checkpoint, then +1 per entry. */
  seq: number;
  /** CREATE INDEX / DROP INDEX statements, run before the rows. */
  schema: string[];
  /** Rows removed: [table, rowid]. */
  deletes: [string, number][];
  /** Rows as they are now, per table: column names, then rows of [rowid, ...values]. */
  rows: Record<string, { columns: string[]; values: EncodedValue[][] }>;
}

/** A column value in JSON: blobs and non-finite numbers are tagged objects. */
export type EncodedValue = string | number | null | { b: string } | { n: string };

/** A valid frame of the journal and where it ends. */
export interface JournalFrame {
  entry: JournalEntry;
  end: number;
}

export interface JournalScan {
  frames: JournalFrame[];
  /** Identity of the journal file (inode), to notice that it was replaced. */
  ino: number;
  /** Size of the file when read; bytes past the last valid frame are a torn or stale tail. */
  size: number;
}

const magic = 'CFJ1';
/** A frame header is at most this long: magic, length, checksum and the separators. */
const maxHeaderBytes = 64;

export function encodeValue(value: SqlValue): EncodedValue {
  if (value instanceof Uint8Array) return { b: Buffer.from(value).toString('base64') };
  if (typeof value === 'number' && !Number.isFinite(value)) return { n: String(value) };
  return value;
}

export function decodeValue(value: EncodedValue): SqlValue {
  if (value === null || typeof value !== 'object') return value;
  return 'b' in value ? new Uint8Array(Buffer.from(value.b, 'base64')) : Number(value.n);
}

function checksum(payload: Buffer): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 32);
}

/** The bytes of one journal frame. */
export function frameEntry(entry: JournalEntry): Buffer {
  const payload = Buffer.from(JSON.stringify(entry), 'utf8');
  return Buffer.concat([Buffer.from(`${magic} ${payload.length} ${checksum(payload)}\n`, 'latin1'), payload, Buffer.from('\n')]);
}

/**
 * The valid frames of the journal from byte `from` on, up to the first torn, damaged or unreadable one.
 * Undefined when there is no journal.
 */
export function scanJournal(file: string, from: number): JournalScan | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) return undefined;
    const size = stats.size;
    const bytes = Buffer.allocUnsafe(Math.max(0, size - from));
    let read = 0;
    while (read < bytes.length) {
      const n = fs.readSync(fd, bytes, read, bytes.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return { frames: parseFrames(bytes.subarray(0, read), from), ino: stats.ino, size: from + read };
  } finally {
    fs.closeSync(fd);
  }
}

function parseFrames(bytes: Buffer, offset: number): JournalFrame[] {
  const frames: JournalFrame[] = [];
  let at = 0;
  while (at < bytes.length) {
    const newline = bytes.indexOf(10, at);
    if (newline < 0 || newline - at > maxHeaderBytes) break;
    const [tag, lengthText, sum] = bytes.toString('latin1', at, newline).split(' ');
    const length = Number(lengthText);
    if (tag !== magic || !Number.isSafeInteger(length) || length < 0 || !sum) break;
    const start = newline + 1;
    const end = start + length;
    if (end + 1 > bytes.length || bytes[end] !== 10) break;
    const payload = bytes.subarray(start, end);
    if (checksum(payload) !== sum) break;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(payload.toString('utf8')) as JournalEntry;
    } catch {
      break;
    }
    at = end + 1;
    frames.push({ entry, end: offset + at });
  }
  return frames;
}

/** Who a new journal file must belong to: the database file's mode and owner. */
export interface FileOwnership {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Writes `frame` at byte `at` of the journal (cutting off whatever follows: a torn tail or entries of an
 * older database file), creating the file with `ownership`, and makes it durable before returning.
 */
export function appendFrame(file: string, frame: Buffer, at: number, ownership: FileOwnership | undefined): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | writeThroughFlags(), ownership ? ownership.mode & 0o777 : 0o644);
  try {
    const stats = fs.fstatSync(fd);
    if (stats.size === 0 && ownership) applyOwnership(fd, stats, ownership);
    if (stats.size !== at) fs.ftruncateSync(fd, at);
    if (process.env.CLOUDFN_STORE_CRASH_AT === 'journal-half-written') {
      fs.writeSync(fd, frame, 0, frame.length >> 1, at);
      syncFile(fd);
      crashPoint('journal-half-written');
    }
    let written = 0;
    while (written < frame.length) written += fs.writeSync(fd, frame, written, frame.length - written, at + written);
    syncFile(fd);
  } finally {
    fs.closeSync(fd);
  }
  crashPoint('journal-written');
}

/**
 * Gives a file we created the database file's mode and owner (the owner only where we may: as root). The
 * confined runtime process may not change modes: its files keep the mode they were created with, which is the
 * database file's less what the umask removes (never more open than the database file).
 */
export function applyOwnership(fd: number, stats: fs.Stats, ownership: FileOwnership): void {
  if ((stats.mode & 0o7777) !== (ownership.mode & 0o7777) && !storeConfined()) fs.fchmodSync(fd, ownership.mode & 0o7777);
  if (stats.uid !== ownership.uid || stats.gid !== ownership.gid) {
    try {
      fs.fchownSync(fd, ownership.uid, ownership.gid);
    } catch {
      // Only root may give a file away; anyone else creates files they own, as any editor would.
    }
  }
}
