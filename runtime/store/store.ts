// The Store owns one sql.js database and the file it lives in: it opens and validates the file (never
// touching a file that is not ours), runs one transaction per run under the file's write lock (taken at
// begin, or, for runs, only before the first write: reads never wait), caches prepared statements, knows
// whether anything is unsaved, and saves a run as one entry of the journal beside the file (folding the
// journal into the file when it grows). Every process replays the journal's new entries before a run and
// again when it takes the lock, so each sees the others' commits and writes on top of all of them. The
// README's "Durability and concurrency" explains why.

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BindParams, Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { applySchema, createSchema, nowIso, readSchemaVersion, schemaVersion } from './schema';
import { loadSqlJs } from './sqlite';
import {
  databasePaths, databaseStats, DatabaseFileError, DatabaseWriteError, fileState, ownershipOf, readDatabaseFile,
  readDatabaseFileInBackground, removeLeftovers, sameState, writeDatabaseFile, type DatabaseBytes, type DatabasePaths,
  type DiskState,
} from './databaseFile';
import { DatabaseLockedError, FileLock, lockTimeoutMs } from './fileLock';
import { appendFrame, frameEntry, scanJournal, type JournalEntry } from './journal';
import { RowCapture } from './rowCapture';
import { runForEachRecord, type RecordFormat } from './textRecords';
import { storeConfined, type SaveHandOff } from './storeConfinement';
import { describeFileError, makeFolders } from '../userFiles';
import { errorMessage } from '../errorMessage';

export { DatabaseFileError, DatabaseWriteError } from './databaseFile';
export { DatabaseLockedError } from './fileLock';

/** Bytes every SQLite 3 file starts with. */
const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');
/** Prepared statements kept at most; the least recently used one is freed beyond that. */
const statementCacheSize = 256;
/** Files up to this size get SQLite's full quick_check on open; larger ones a check of their structure. */
const fullCheckBytes = 32 * 2 ** 20;

/** The database as loaded: the file's version, and how far into the journal it is. */
interface Synced {
  /** The database file the state was loaded from; undefined when there was none. */
  disk: DiskState | undefined;
  /** Which database file journal entries must name to apply to it; undefined when none can (never checkpointed). */
  baseKey: string | undefined;
  /** Identity of the journal file read, the end of the last entry applied and its sequence number. */
  journal: { ino: number; end: number; seq: number };
}

/** A database loaded from the file (with its journal replayed), and whether it differs from the file. */
interface Loaded {
  db: Database;
  synced: Synced;
  /** A new schema or a migration: the first save writes the whole file. */
  changedOnLoad: boolean;
}

/** What a catch-up with the file did. */
type CatchUp = 'current' | 'replayed' | 'reloaded';

/** How a transaction takes the file's write lock. */
export interface BeginOptions {
  /**
   * Only before the transaction's first writing statement (or prepareToWrite()), not at begin: a run that
   * only reads never takes it, so it never waits for a writer and never makes one wait. The run sees the
   * commits of others up to its first write (read committed), then holds the lock to its end.
   */
  lockOnFirstWrite?: boolean;
  /** How long the lock is waited for (at begin, or at the first write) before DatabaseLockedError (default: FileLock's). */
  lockWaitMs?: number;
  /** Hears `true` when the first write finds the lock held and starts waiting, `false` when the wait ends. */
  onLockWait?: (waiting: boolean) => void;
}

/** A transaction begun with lockOnFirstWrite that has not taken the lock yet. */
interface PendingLock {
  waitMs: number;
  onWait: ((waiting: boolean) => void) | undefined;
  /** Savepoints open in the transaction, outermost first: reopened when catching up restarts it. */
  savepoints: string[];
  /** Why the lock could not be taken: every later write of the transaction fails with it. */
  failure?: DatabaseLockedError;
}

/** First words of statements that never change the database's content (transaction control, reads). */
const nonWritingKeywords = new Set(['SELECT', 'VALUES', 'EXPLAIN', 'BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE']);

export class Store {
  private statements = new Map<string, Statement>();
  private functions = new Map<string, (...args: SqlValue[]) => SqlValue>();
  private invalidateListeners: Array<() => void> = [];
  private db!: Database;
  private capture!: RowCapture;
  private synced!: Synced;
  private readonly paths: DatabasePaths;
  private readonly lock: FileLock;
  /** The next save writes the whole file (new database, migration, reset, a table's definition changed). */
  private needsCheckpoint = false;
  /** The next save replaces the file whatever it holds now (createEmpty, reset): no catching up before. */
  private replaceOnSave = false;
  /** The unsaved changes were made while loading (schema, migration): a newer file simply supersedes them. */
  private unsavedFromLoad = false;
  /** Set by schema changes that total_changes() does not count (new indexes, reset). */
  private unsavedStructure = false;
  /** total_changes() when the database was last loaded or saved. */
  private changesAtSave = 0;
  /** Whether anything was unsaved when the current transaction began. */
  private dirtyAtBegin: boolean | undefined;
  /** In the confined runtime process: what the last save left to the supervisor (storeConfinement.ts). */
  private handOff: SaveHandOff | undefined;
  /** In the confined runtime process: the save being made folded the journal into the file. */
  private foldedJournal = false;
  /** Set while a transaction begun with lockOnFirstWrite has not written yet. */
  private pendingLock: PendingLock | undefined;

  private constructor(file: string, private readonly sql: SqlJsStatic, loaded: Loaded) {
    this.paths = databasePaths(file);
    this.lock = new FileLock(this.paths.lock);
    this.install(loaded);
  }

  get file(): string {
    return this.paths.file;
  }

  /**
   * Opens the database file (replaying its journal), or starts a new database (written on the first save)
   * when the file is missing. Throws DatabaseFileError, leaving the file untouched, when it is not a readable
   * cloudfn database. Removes temporary files that killed processes left beside it.
   */
  static async open(file: string): Promise<Store> {
    const sql = await loadSqlJs();
    const paths = databasePaths(path.resolve(file));
    // The confined runtime process may not list the folder: its supervisor removed them before starting it.
    if (!storeConfined()) removeLeftovers(paths);
    const first = await readDatabaseFileInBackground(paths.target);
    return new Store(paths.file, sql, loadSynced(sql, paths, first));
  }

  /**
   * A new, empty database for `file` that ignores whatever the file holds now (for `cloudfn db reset`): the
   * file is only replaced by the first save.
   */
  static async createEmpty(file: string): Promise<Store> {
    const sql = await loadSqlJs();
    const resolved = path.resolve(file);
    const stats = databaseStats(databasePaths(resolved).target);
    const store = new Store(resolved, sql, { db: newDatabase(sql), synced: emptySynced(stats && fileState(stats)), changedOnLoad: true });
    store.replaceOnSave = true;
    return store;
  }

  /** The underlying sql.js database, for queries the helpers below do not cover. */
  get database(): Database {
    return this.db;
  }

  /** Id of the database's project (the default project of a local database). */
  get projectId(): string {
    return String(this.value('SELECT id FROM projects ORDER BY rowid LIMIT 1'));
  }

  // Transactions.

  get inTransaction(): boolean {
    return this.dirtyAtBegin !== undefined;
  }

  /**
   * Starts the run's transaction: takes the file's write lock (waiting while another process or thread
   * writes) and replays what others committed, so the run sees every earlier commit and no other writer can
   * interleave with it. The lock is held until the run is saved or rolled back (or committed clean). Where
   * the lock file cannot be created (a read-only folder) the run goes on without it; saving it then fails.
   *
   * With `lockOnFirstWrite`, begin only replays what others committed (without the lock), and the lock is
   * taken before the first write: then, holding it, the store replays what others committed meanwhile
   * (ending the transaction, which has written nothing yet, and beginning it again with its savepoints), so
   * the write builds on every commit. A store with unsaved changes takes the lock at begin all the same.
   */
  begin(options: BeginOptions = {}): void {
    if (this.inTransaction) throw new Error('a transaction is already open');
    const lazy = options.lockOnFirstWrite === true && !this.lock.held && !this.dirty && !this.needsCheckpoint && !this.replaceOnSave;
    if (lazy) this.catchUp('unlocked');
    else if (this.takeLock(options.lockWaitMs)) this.catchUp('locked');
    const dirty = this.dirty;
    this.run('BEGIN');
    this.dirtyAtBegin = dirty;
    if (lazy) this.pendingLock = { waitMs: options.lockWaitMs ?? lockTimeoutMs(), onWait: options.onLockWait, savepoints: [] };
  }

  /**
   * In a transaction begun with lockOnFirstWrite: takes the write lock now (and catches up), at a point
   * where no statement is half-way, ahead of an operation that will write. Throws DatabaseLockedError when
   * the lock stayed held longer than the transaction waits; nothing to do when the lock is held already.
   */
  prepareToWrite(): void {
    if (this.pendingLock) this.lockForFirstWrite();
  }

  /** Why the current transaction could not take the write lock (its writes failed), or undefined. */
  get lockFailure(): DatabaseLockedError | undefined {
    return this.pendingLock?.failure;
  }

  /** Commits the run's transaction; releases the lock when there is nothing to save. */
  commit(): void {
    if (!this.inTransaction) throw new Error('no transaction is open');
    this.run('COMMIT');
    this.dirtyAtBegin = undefined;
    if (this.pendingLock) {
      this.pendingLock = undefined;
      // A transaction that never wrote may still have moved total_changes() (statements of a savepoint that
      // was rolled back, such as a raw query's): nothing of it is to be saved. A change that did get past the
      // write detection stays unsaved, and save() takes the lock and refuses it if others wrote meanwhile.
      if (this.dirty && !this.unsavedStructure && !this.capture.collect()) this.changesAtSave = this.totalChanges();
    }
    if (!this.dirty) this.lock.release();
  }

  /** Undoes the run's transaction and releases the lock; does nothing when none is open. */
  rollback(): void {
    if (!this.inTransaction) return;
    const wasDirty = this.dirtyAtBegin;
    this.dirtyAtBegin = undefined;
    this.pendingLock = undefined;
    this.run('ROLLBACK');
    if (!wasDirty) this.markSaved();
    this.lock.release();
    this.invalidate();
  }

  /** Runs `body` as one unit: when it throws, everything it wrote is undone (inside or outside a transaction). */
  atomically<T>(body: () => T): T {
    this.run('SAVEPOINT store_unit');
    try {
      const result = body();
      this.run('RELEASE store_unit');
      return result;
    } catch (error) {
      this.run('ROLLBACK TO store_unit');
      this.run('RELEASE store_unit');
      this.invalidate();
      throw error;
    }
  }

  // Persistence.

  /** True when something was written (data, indexes or the schema of a new file) since the last save. */
  get dirty(): boolean {
    return this.unsavedStructure || this.totalChanges() !== this.changesAtSave;
  }

  /** Records a change that total_changes() does not count (such as a new index), so that it gets saved. */
  markDirty(): void {
    this.unsavedStructure = true;
  }

  /**
   * Makes what was written since the last save durable and releases the write lock: one journal entry
   * (fsynced before this returns), or the whole file when the journal has grown past its limit, the schema
   * changed or the database is new. Changes made outside begin() are saved the same way, unless another
   * process wrote in between: then the file wins, they are dropped and DatabaseWriteError says so.
   */
  save(): void {
    if (this.inTransaction) throw new Error('cannot save while a transaction is open');
    // Nothing to write (a run that only read): no need to take the lock, which another writer may hold.
    if (!this.lock.held && !this.dirty && !this.replaceOnSave && !this.needsCheckpoint) return;
    let wrote = false;
    try {
      if (!this.lock.held) {
        this.takeLockForWrite();
        if (!this.replaceOnSave) {
          const hadOwnChanges = this.dirty && !this.unsavedFromLoad;
          if (this.catchUp('locked') === 'reloaded' && hadOwnChanges) {
            throw new DatabaseWriteError(this.file, 'another process wrote the database since these changes were made; they were dropped and the database reloaded');
          }
        }
      }
      wrote = this.writeChanges();
    } catch (error) {
      // What could not be written is dropped, so that it never reaches the file with a later save.
      if (error instanceof DatabaseWriteError) this.dropUnsaved();
      throw error;
    } finally {
      const token = wrote && storeConfined() ? this.lock.handOff() : undefined;
      if (token) this.handOff = { lockToken: token, removeJournal: this.foldedJournal };
      else this.lock.release();
      this.foldedJournal = false;
    }
  }

  /**
   * In the confined runtime process, what the last save that wrote left to the supervisor (the write lock is
   * still held until the supervisor releases it); undefined elsewhere or when nothing was written.
   */
  takeHandOff(): SaveHandOff | undefined {
    const handOff = this.handOff;
    this.handOff = undefined;
    return handOff;
  }

  /**
   * Replays what other processes committed since this store last read the file (or reloads it when it was
   * replaced). Returns true when the database changed. Unsaved changes of this store are dropped when others
   * wrote meanwhile: the file wins. Does nothing while this store holds the write lock (nobody else can have
   * written) or has a reset pending. Throws DatabaseFileError, keeping the current database, when the new
   * file is not readable.
   */
  reloadIfChangedOnDisk(): boolean {
    if (this.inTransaction || this.lock.held || this.replaceOnSave) return false;
    return this.catchUp('unlocked') !== 'current';
  }

  /** Replaces everything with a fresh, empty database (the next save replaces the file). */
  reset(): void {
    if (this.inTransaction) throw new Error('cannot reset while a transaction is open');
    this.replace({ db: newDatabase(this.sql), synced: this.synced, changedOnLoad: true });
    this.replaceOnSave = true;
  }

  /** Frees the database; the store cannot be used afterwards. */
  close(): void {
    this.lock.release();
    this.clearStatements();
    this.db.close();
  }

  // Queries.

  /**
   * A prepared statement for `sql`, reused across calls. Callers must reset it (the helpers below do). In a
   * transaction that has not taken the write lock yet, a writing statement takes it first.
   */
  prepare(sql: string): Statement {
    if (this.pendingLock) this.beforeStatement(this.pendingLock, sql);
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= statementCacheSize) {
        const [oldest, old] = this.statements.entries().next().value as [string, Statement];
        this.statements.delete(oldest);
        old.free();
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }

  /** Runs a writing statement; returns the number of rows it changed. */
  run(sql: string, params?: BindParams): number {
    const statement = this.prepare(sql);
    try {
      statement.bind(params);
      statement.step();
    } finally {
      statement.reset();
    }
    return this.db.getRowsModified();
  }

  /**
   * Runs the writing statement `sql` once per record of `records`, each record's fields bound as text to
   * ?1…?n (textRecords.ts); returns how many ran. Stops at the first record that fails, throwing its error.
   */
  runForEachRecord(sql: string, records: string, format: RecordFormat): number {
    return runForEachRecord(this.sql, this.db, this.prepare(sql), records, format);
  }

  /** All result rows, as arrays of column values. */
  rows(sql: string, params?: BindParams): SqlValue[][] {
    const statement = this.prepare(sql);
    const rows: SqlValue[][] = [];
    try {
      statement.bind(params);
      while (statement.step()) rows.push(statement.get());
    } finally {
      statement.reset();
    }
    return rows;
  }

  /** The first result row, or undefined. */
  row(sql: string, params?: BindParams): SqlValue[] | undefined {
    const statement = this.prepare(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.get() : undefined;
    } finally {
      statement.reset();
    }
  }

  /** The first column of the first result row, or undefined when there is no row. */
  value(sql: string, params?: BindParams): SqlValue | undefined {
    return this.row(sql, params)?.[0];
  }

  /** A JSON array of the first column of every row, for queries that build JSON objects in SQL. */
  jsonArray(sql: string, params?: BindParams): string {
    const statement = this.prepare(sql);
    const parts: string[] = [];
    try {
      statement.bind(params);
      while (statement.step()) parts.push(statement.get()[0] as string);
    } finally {
      statement.reset();
    }
    return `[${parts.join(',')}]`;
  }

  /** Registers an SQL function; it survives reloads, resets and exports. */
  defineFunction(name: string, implementation: (...args: SqlValue[]) => SqlValue): void {
    this.functions.set(name, implementation);
    this.db.create_function(name, implementation);
  }

  /** Calls `listener` whenever cached knowledge about the database may be stale (rollback, reload, reset). */
  onInvalidate(listener: () => void): void {
    this.invalidateListeners.push(listener);
  }

  // Internals.

  /**
   * In a transaction waiting to take the lock: keeps track of its savepoints, and takes the lock before a
   * statement that may write (anything but reads and transaction control; a PRAGMA that sets something).
   */
  private beforeStatement(pending: PendingLock, sql: string): void {
    const words = /^\s*([A-Za-z]+)(?:\s+(?:SAVEPOINT\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*))?/i.exec(sql);
    const keyword = words?.[1]?.toUpperCase() ?? '';
    const name = words?.[2];
    if (keyword === 'SAVEPOINT' && name) {
      pending.savepoints.push(name);
    } else if (keyword === 'RELEASE' && name) {
      const at = pending.savepoints.lastIndexOf(name);
      if (at >= 0) pending.savepoints.length = at;
    }
    if (nonWritingKeywords.has(keyword) || (keyword === 'PRAGMA' && !sql.includes('='))) return;
    if (keyword === 'WITH' && !/\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql)) return;
    this.lockForFirstWrite();
  }

  /**
   * Takes the write lock for a transaction begun with lockOnFirstWrite, then brings it up to date: when
   * others committed since it began, the transaction (which has written nothing) is committed, the store
   * catches up (replaying their journal entries, or reloading a file they replaced), and the transaction
   * begins again with the same savepoints open. From then on nobody else can write until this store saves
   * or rolls back. A lock that cannot be created (a read-only folder) leaves the run to go on as begin()
   * does; a lock held too long fails this write and every later one of the transaction.
   */
  private lockForFirstWrite(): void {
    const pending = this.pendingLock!;
    if (pending.failure) throw pending.failure;
    try {
      this.takeLockForWrite(pending.waitMs, pending.onWait);
    } catch (error) {
      if (error instanceof DatabaseWriteError) {
        this.pendingLock = undefined;
        return;
      }
      if (error instanceof DatabaseLockedError) pending.failure = error;
      throw error;
    }
    this.pendingLock = undefined;
    if (!this.othersCommitted()) {
      this.catchUp('locked');
      return;
    }
    if (this.capture.collect()) throw new Error('the store wrote before taking the write lock (a statement the write detection missed)');
    this.db.run('COMMIT');
    // Whatever total_changes() counted so far was undone (rolled-back savepoints): none of it is this run's.
    this.changesAtSave = this.totalChanges();
    try {
      this.catchUp('locked');
    } finally {
      this.db.run('BEGIN');
      for (const name of pending.savepoints) this.db.run(`SAVEPOINT ${name}`);
    }
  }

  /** Whether the file or its journal holds commits this store has not read (a cheap check: stat and scan). */
  private othersCommitted(): boolean {
    if (this.replaceOnSave) return false;
    const stats = databaseStats(this.paths.target);
    if (!sameState(stats && fileState(stats), this.synced.disk)) return true;
    return this.synced.baseKey !== undefined && newEntries(this.paths, this.synced).frames.length > 0;
  }

  private totalChanges(): number {
    return Number(this.value('SELECT total_changes()'));
  }

  private markSaved(): void {
    this.capture.sync();
    this.unsavedStructure = false;
    this.unsavedFromLoad = false;
    this.changesAtSave = this.totalChanges();
  }

  /** Takes the write lock; false when the folder does not let us create it (the run goes on read-only). */
  private takeLock(waitMs?: number): boolean {
    try {
      this.takeLockForWrite(waitMs);
      return true;
    } catch (error) {
      if (error instanceof DatabaseWriteError) return false;
      throw error;
    }
  }

  /**
   * Takes the write lock, creating the folder when it is missing (only then: the confined runtime process may
   * not look at it); throws DatabaseWriteError or DatabaseLockedError.
   */
  private takeLockForWrite(waitMs = lockTimeoutMs(), onWait?: (waiting: boolean) => void): void {
    try {
      try {
        this.lock.acquire(waitMs, onWait);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        makeFolders(path.dirname(this.paths.target));
        this.lock.acquire(waitMs, onWait);
      }
    } catch (error) {
      if (error instanceof DatabaseLockedError) throw error;
      throw new DatabaseWriteError(this.file, describeFileError(error));
    }
  }

  /**
   * Brings the database up to date with the file and its journal. With `locked`, the caller holds the write
   * lock, so what is read is final; without it, a torn entry being written is simply not read yet.
   */
  private catchUp(mode: 'locked' | 'unlocked'): CatchUp {
    if (this.replaceOnSave) return 'current';
    const stats = databaseStats(this.paths.target);
    const disk = stats && fileState(stats);
    const ownRows = this.totalChanges() !== this.changesAtSave;
    if (!sameState(disk, this.synced.disk)) return this.reload();
    if (!this.synced.baseKey) return 'current';
    const entries = newEntries(this.paths, this.synced);
    if (entries.frames.length === 0) {
      if (mode === 'locked') this.synced.journal = entries.position;
      return 'current';
    }
    if (ownRows) return this.reload();
    try {
      this.capture.apply(entries.frames.map((frame) => frame.entry));
    } catch (error) {
      throw new DatabaseFileError(this.paths.journal, `its entries do not apply (${errorMessage(error)})`);
    }
    this.synced.journal = entries.position;
    this.changesAtSave = this.totalChanges();
    this.clearStatements();
    this.invalidate();
    return 'replayed';
  }

  /** Goes back to what the file holds (best effort: a file that became unreadable keeps this state). */
  private dropUnsaved(): void {
    if (this.replaceOnSave) return;
    try {
      this.reload();
    } catch {
      // The error being reported already says the database was not written.
    }
  }

  private reload(): CatchUp {
    this.replace(loadSynced(this.sql, this.paths));
    return 'reloaded';
  }

  /**
   * Writes the unsaved changes, the caller holding the lock: a journal entry, or the whole file. False when
   * there was nothing to write.
   */
  private writeChanges(): boolean {
    if (this.needsCheckpoint || this.replaceOnSave || !this.synced.baseKey || !this.synced.disk) {
      this.checkpoint();
      return true;
    }
    const changes = this.capture.collect();
    if (!changes) {
      this.markSaved();
      return false;
    }
    if (changes.checkpoint) {
      this.checkpoint();
      return true;
    }
    const journal = this.synced.journal;
    const frame = frameEntry({ base: this.synced.baseKey, seq: journal.seq + 1, ...changes.body });
    const limit = checkpointBytes(this.synced.disk.size);
    if (journal.end + frame.length > limit) {
      this.checkpoint();
      return true;
    }
    try {
      appendFrame(this.paths.journal, frame, journal.end, ownershipOf(databaseStats(this.paths.target)));
    } catch (error) {
      throw new DatabaseWriteError(this.file, describeFileError(error));
    }
    const ino = fs.statSync(this.paths.journal).ino;
    this.synced.journal = { ino, end: journal.end + frame.length, seq: journal.seq + 1 };
    this.markSaved();
    return true;
  }

  /**
   * Writes the whole database as the new file (a new checkpoint id makes the old journal's entries not apply
   * to it), then removes the journal. A crash before the rename leaves the old file and its journal; after
   * it, the new file, with which the old journal no longer matches. In the confined runtime process the
   * supervisor removes the journal, once it has synced the folder: removing it before the rename is durable
   * could leave the old file without its journal.
   */
  private checkpoint(): void {
    const id = randomUUID();
    this.db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('checkpoint_id', ?)", [id]);
    const bytes = this.db.export();
    this.afterExport();
    const disk = writeDatabaseFile(this.paths, bytes);
    if (storeConfined()) this.foldedJournal = true;
    else fs.rmSync(this.paths.journal, { force: true });
    this.synced = emptySynced(disk, baseKeyOf(id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)));
    this.needsCheckpoint = false;
    this.replaceOnSave = false;
    this.markSaved();
  }

  /**
   * Connection settings and SQL functions, applied to every database this store holds. The database lives in
   * memory, so the rollback journal and temporary tables can too; a large page cache keeps big collections'
   * indexes from being re-read from sql.js's in-memory file (filtered counts over 100k documents: 3.9 → 2.8
   * ms). Recursive triggers make REPLACE's deletions visible to the row capture.
   */
  private configure(): void {
    this.db.run('PRAGMA foreign_keys = ON');
    this.db.run('PRAGMA journal_mode = MEMORY');
    this.db.run('PRAGMA temp_store = MEMORY');
    this.db.run('PRAGMA recursive_triggers = ON');
    this.db.run('PRAGMA cache_size = -65536');
    for (const [name, implementation] of this.functions) this.db.create_function(name, implementation);
  }

  /**
   * Older sql.js versions close and reopen the database in export(), freeing every prepared statement and
   * SQL function (1.16.0 exports through the backup API and keeps them). Start over in both cases.
   */
  private afterExport(): void {
    this.clearStatements();
    this.configure();
  }

  private clearStatements(): void {
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
  }

  /** Makes a loaded database this store's database. */
  private install(loaded: Loaded): void {
    this.db = loaded.db;
    this.synced = loaded.synced;
    this.configure();
    this.capture = new RowCapture(this.db);
    this.needsCheckpoint = loaded.changedOnLoad;
    this.unsavedFromLoad = loaded.changedOnLoad;
    this.replaceOnSave = false;
    this.unsavedStructure = loaded.changedOnLoad;
    this.changesAtSave = this.totalChanges();
  }

  private replace(loaded: Loaded): void {
    this.clearStatements();
    this.db.close();
    this.install(loaded);
    this.invalidate();
  }

  private invalidate(): void {
    for (const listener of this.invalidateListeners) listener();
  }
}

/**
 * The journal size past which a save folds it into the database file: the file's size / 32 (at least
 * 256 KiB), so that writing the whole file is rare and replaying the journal stays cheap next to loading the
 * file. CLOUDFN_STORE_CHECKPOINT_BYTES overrides it (tests).
 */
function checkpointBytes(fileSize: number): number {
  const forced = Number(process.env.CLOUDFN_STORE_CHECKPOINT_BYTES);
  return Number.isFinite(forced) && forced > 0 ? forced : Math.max(256 * 1024, fileSize / 32);
}

function emptySynced(disk: DiskState | undefined, baseKey?: string): Synced {
  return { disk, baseKey, journal: { ino: 0, end: 0, seq: 0 } };
}

/**
 * What journal entries name to apply to a file: its checkpoint id and SQLite's change counter (bytes 24-27,
 * which any other SQLite writer of the file bumps).
 */
function baseKeyOf(checkpointId: string, bytes: Buffer): string {
  return `${checkpointId}:${bytes.readUInt32BE(24)}`;
}

/** The journal's entries that follow `synced`, in order, and the position after the last of them. */
function newEntries(paths: DatabasePaths, synced: Synced): { frames: { entry: JournalEntry }[]; position: Synced['journal'] } {
  let scan = scanJournal(paths.journal, synced.journal.end);
  if (scan && scan.ino !== synced.journal.ino && synced.journal.end > 0) scan = scanJournal(paths.journal, 0);
  const position = { ...synced.journal };
  const frames: { entry: JournalEntry }[] = [];
  if (!scan) return { frames, position: { ino: 0, end: 0, seq: synced.journal.seq } };
  if (scan.ino !== synced.journal.ino) position.end = 0;
  position.ino = scan.ino;
  for (const frame of scan.frames) {
    if (frame.entry.base !== synced.baseKey) break;
    if (frame.entry.seq <= position.seq) {
      position.end = frame.end;
      continue;
    }
    if (frame.entry.seq !== position.seq + 1) break;
    frames.push(frame);
    position.seq = frame.entry.seq;
    position.end = frame.end;
  }
  return { frames, position };
}

/**
 * Loads the database file and replays its journal; retries when the file was replaced meanwhile (another
 * process checkpointed), so that the state is never older than the file was when loading began.
 */
function loadSynced(sql: SqlJsStatic, paths: DatabasePaths, first?: DatabaseBytes): Loaded {
  for (let attempt = 0; ; attempt++) {
    const onDisk = attempt === 0 && first ? first : readDatabaseFile(paths.target);
    if (!onDisk) return { db: newDatabase(sql), synced: emptySynced(undefined), changedOnLoad: true };
    const loaded = loadDatabase(sql, paths, onDisk.bytes, fileState(onDisk.stats));
    const now = databaseStats(paths.target);
    if (attempt >= 3 || (now && sameState(fileState(now), loaded.synced.disk))) return loaded;
    loaded.db.close();
  }
}

/** A new in-memory database with the current schema. */
function newDatabase(sql: SqlJsStatic): Database {
  const db = new sql.Database();
  inTransaction(db, () => createSchema(db));
  return db;
}

function inTransaction(db: Database, body: () => void): void {
  db.run('BEGIN');
  try {
    body();
    db.run('COMMIT');
  } catch (error) {
    db.run('ROLLBACK');
    throw error;
  }
}

/**
 * Loads and validates the bytes of a database file, replays the journal entries that apply to it and
 * migrates an older schema. sql.js reads lazily, so this checks the header, runs real queries and SQLite's
 * quick_check (of the whole file up to 32 MiB; of the schema and the meta table beyond, where a full check
 * would cost more than the run) before trusting the file. Never writes the file.
 */
function loadDatabase(sql: SqlJsStatic, paths: DatabasePaths, bytes: Buffer, disk: DiskState): Loaded {
  const file = paths.file;
  if (bytes.length === 0) return { db: newDatabase(sql), synced: emptySynced(disk), changedOnLoad: true };
  const damage = headerDamage(bytes);
  if (damage) throw new DatabaseFileError(file, damage);
  let db: Database | undefined;
  try {
    db = new sql.Database(bytes);
    const version = readSchemaVersion(db);
    const check = db.exec(bytes.length <= fullCheckBytes || version === undefined ? 'PRAGMA quick_check' : 'PRAGMA quick_check(meta)');
    const verdict = check.length === 0 ? 'no answer' : check[0].values.map((row) => String(row[0])).join('; ');
    if (verdict !== 'ok') throw new DatabaseFileError(file, `the file is damaged (${verdict})`);
    if (version === undefined) {
      const tables = db.exec("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      if (Number(tables[0].values[0][0]) > 0) {
        throw new DatabaseFileError(file, 'it is an SQLite database, but not a cloudfn one (no meta table)');
      }
    } else if (version > schemaVersion) {
      throw new DatabaseFileError(file, `it was written by a newer cloudfn (schema version ${version}, this one knows ${schemaVersion})`);
    }
    const checkpointId = version === undefined ? undefined : db.exec("SELECT value FROM meta WHERE key = 'checkpoint_id'")[0]?.values[0]?.[0];
    const synced = emptySynced(disk, typeof checkpointId === 'string' ? baseKeyOf(checkpointId, bytes) : undefined);
    if (synced.baseKey) {
      const entries = newEntries(paths, synced);
      if (entries.frames.length > 0) {
        const capture = new RowCapture(db);
        try {
          capture.apply(entries.frames.map((frame) => frame.entry));
        } catch (error) {
          throw new DatabaseFileError(paths.journal, `its entries do not apply (${errorMessage(error)})`);
        }
      }
      synced.journal = entries.position;
    }
    const from = version ?? 0;
    if (from < schemaVersion) inTransaction(db, () => applySchema(db!, from, nowIso()));
    return { db, synced, changedOnLoad: from < schemaVersion };
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseFileError) throw error;
    throw new DatabaseFileError(file, `the file is damaged (${errorMessage(error)})`);
  }
}

/** Why the SQLite header says the bytes are not a whole database, or undefined when they look fine. */
function headerDamage(bytes: Buffer): string | undefined {
  if (bytes.length < 100 || !bytes.subarray(0, 16).equals(sqliteHeader)) return 'file is not a database';
  const rawPageSize = bytes.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return 'file is not a database (bad page size)';
  if (bytes.length % pageSize !== 0) return 'the file is truncated or damaged (size is not a whole number of pages)';
  // The page count in the header is valid when its "version-valid-for" number matches the change counter.
  const headerPageCount = bytes.readUInt32BE(28);
  const pageCountValid = bytes.readUInt32BE(92) === bytes.readUInt32BE(24);
  if (pageCountValid && headerPageCount * pageSize > bytes.length) {
    return `the file is truncated (${bytes.length} bytes, the header says ${headerPageCount * pageSize})`;
  }
  return undefined;
}
