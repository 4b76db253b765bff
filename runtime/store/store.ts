// The Store owns one sql.js database and the file it lives in: it opens and validates the file (never
// touching a file that is not ours), runs one transaction per run, caches prepared statements, knows whether
// anything is unsaved, saves atomically and reloads when another process changed the file.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BindParams, Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { applySchema, createSchema, nowIso, readSchemaVersion, schemaVersion } from './schema';
import { loadSqlJs } from './sqlite';
import { describeFileError, makeFolders, readRegularFile, statUserFile, UnreadableFileError } from '../userFiles';

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

/** What identifies one version of the file on disk. */
interface DiskState {
  mtimeMs: number;
  size: number;
  ino: number;
}

/** A database loaded from bytes, and whether it differs from those bytes (new schema or migration). */
interface Loaded {
  db: Database;
  changedOnLoad: boolean;
}

/** Bytes every SQLite 3 file starts with. */
const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');
/** Prepared statements kept at most; the least recently used one is freed beyond that. */
const statementCacheSize = 256;

export class Store {
  private statements = new Map<string, Statement>();
  private functions = new Map<string, (...args: SqlValue[]) => SqlValue>();
  private invalidateListeners: Array<() => void> = [];
  private db!: Database;
  /** The file's state when we last loaded or saved it; undefined when we never did. */
  private disk: DiskState | undefined;
  /** Set by schema changes that total_changes() does not count (new schema, indexes, reset). */
  private unsavedStructure = false;
  /** total_changes() when the database was last loaded or saved. */
  private changesAtSave = 0;
  /** Whether anything was unsaved when the current transaction began. */
  private dirtyAtBegin: boolean | undefined;

  private constructor(readonly file: string, private readonly sql: SqlJsStatic, db: Database, changedOnLoad: boolean, disk: DiskState | undefined) {
    this.install(db, changedOnLoad, disk);
  }

  /**
   * Opens the database file, or starts a new database (written on the first save) when the file is missing.
   * Throws DatabaseFileError, leaving the file untouched, when it is not a readable cloudfn database.
   */
  static async open(file: string): Promise<Store> {
    const sql = await loadSqlJs();
    const resolved = path.resolve(file);
    const onDisk = readFileState(resolved);
    if (!onDisk) return new Store(resolved, sql, newDatabase(sql), true, undefined);
    const loaded = loadDatabase(sql, resolved, onDisk.bytes);
    return new Store(resolved, sql, loaded.db, loaded.changedOnLoad, onDisk.state);
  }

  /**
   * A new, empty database for `file` that ignores whatever the file holds now (for `cloudfn db reset`): the
   * file is only replaced by the first save.
   */
  static async createEmpty(file: string): Promise<Store> {
    const sql = await loadSqlJs();
    const resolved = path.resolve(file);
    const stats = databaseStats(resolved);
    return new Store(resolved, sql, newDatabase(sql), true, stats && fileState(stats));
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

  /** Starts the run's transaction. */
  begin(): void {
    if (this.inTransaction) throw new Error('a transaction is already open');
    const dirty = this.dirty;
    this.run('BEGIN');
    this.dirtyAtBegin = dirty;
  }

  commit(): void {
    if (!this.inTransaction) throw new Error('no transaction is open');
    this.run('COMMIT');
    this.dirtyAtBegin = undefined;
  }

  /** Undoes the run's transaction; does nothing when none is open. */
  rollback(): void {
    if (!this.inTransaction) return;
    const wasDirty = this.dirtyAtBegin;
    this.dirtyAtBegin = undefined;
    this.run('ROLLBACK');
    if (!wasDirty) this.markSaved();
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
   * Writes the database atomically: a temporary file beside the target, fsync, rename over the target,
   * fsync of the folder. Creates missing parent folders.
   */
  save(): void {
    this.disk = this.writeTo(this.file);
    this.markSaved();
  }

  /** Writes the database to `file` atomically; returns the state of the written file. */
  private writeTo(file: string): DiskState {
    if (this.inTransaction) throw new Error('cannot save while a transaction is open');
    const bytes = this.db.export();
    this.afterExport();
    const dir = path.dirname(file);
    const temporary = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    let fd: number;
    try {
      fd = openTemporary(temporary, file);
    } catch (error) {
      throw new DatabaseWriteError(file, describeFileError(error));
    }
    let written: DiskState;
    try {
      try {
        fs.writeFileSync(fd, bytes);
        fs.fsyncSync(fd);
        // Taken from the descriptor: a stat after the rename could see another process's newer file.
        written = fileState(fs.fstatSync(fd));
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, file);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      throw new DatabaseWriteError(file, describeFileError(error));
    }
    syncToDisk(dir);
    return written;
  }

  /**
   * Reloads the database when another process changed (or removed) the file since we last loaded or saved
   * it. Returns true when it reloaded. Unsaved changes of this store are dropped in that case: the file wins.
   * Throws DatabaseFileError, keeping the current database, when the new file is not readable.
   */
  reloadIfChangedOnDisk(): boolean {
    if (this.inTransaction) throw new Error('cannot reload while a transaction is open');
    const stats = databaseStats(this.file);
    if (stats && this.disk && sameState(fileState(stats), this.disk)) return false;
    const onDisk = stats && readFileState(this.file);
    if (!onDisk) {
      if (!this.disk) return false;
      this.replace(newDatabase(this.sql), true, undefined);
      return true;
    }
    const loaded = loadDatabase(this.sql, this.file, onDisk.bytes);
    this.replace(loaded.db, loaded.changedOnLoad, onDisk.state);
    return true;
  }

  /** Replaces everything with a fresh, empty database (saved on the next save). */
  reset(): void {
    if (this.inTransaction) throw new Error('cannot reset while a transaction is open');
    this.replace(newDatabase(this.sql), true, this.disk);
  }

  /** Frees the database; the store cannot be used afterwards. */
  close(): void {
    this.clearStatements();
    this.db.close();
  }

  // Queries.

  /** A prepared statement for `sql`, reused across calls. Callers must reset it (the helpers below do). */
  prepare(sql: string): Statement {
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

  private totalChanges(): number {
    return Number(this.value('SELECT total_changes()'));
  }

  private markSaved(): void {
    this.unsavedStructure = false;
    this.changesAtSave = this.totalChanges();
  }

  /**
   * Connection settings and SQL functions, applied to every database this store holds. The database lives in
   * memory until save(), so the rollback journal can too; a large page cache keeps big collections' indexes
   * from being re-read from sql.js's in-memory file (filtered counts over 100k documents: 3.9 → 2.8 ms).
   */
  private configure(): void {
    this.db.run('PRAGMA foreign_keys = ON');
    this.db.run('PRAGMA journal_mode = MEMORY');
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

  /** Makes `db` this store's database; `changedOnLoad` says it differs from the file (new schema, migration). */
  private install(db: Database, changedOnLoad: boolean, disk: DiskState | undefined): void {
    this.db = db;
    this.disk = disk;
    this.configure();
    this.unsavedStructure = changedOnLoad;
    this.changesAtSave = this.totalChanges();
  }

  private replace(db: Database, changedOnLoad: boolean, disk: DiskState | undefined): void {
    this.clearStatements();
    this.db.close();
    this.install(db, changedOnLoad, disk);
    this.invalidate();
  }

  private invalidate(): void {
    for (const listener of this.invalidateListeners) listener();
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
 * Loads and validates the bytes of a database file. sql.js reads lazily, so this checks the header, the
 * size, runs real queries and SQLite's quick_check before trusting the file. Never writes the file.
 */
function loadDatabase(sql: SqlJsStatic, file: string, bytes: Buffer): Loaded {
  if (bytes.length === 0) return { db: newDatabase(sql), changedOnLoad: true };
  const damage = headerDamage(bytes);
  if (damage) throw new DatabaseFileError(file, damage);
  let db: Database | undefined;
  try {
    db = new sql.Database(bytes);
    const check = db.exec('PRAGMA quick_check');
    const verdict = check.length === 0 ? 'no answer' : check[0].values.map((row) => String(row[0])).join('; ');
    if (verdict !== 'ok') throw new DatabaseFileError(file, `the file is damaged (${verdict})`);
    const version = readSchemaVersion(db);
    if (version === undefined) {
      const tables = db.exec("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      if (Number(tables[0].values[0][0]) > 0) {
        throw new DatabaseFileError(file, 'it is an SQLite database, but not a cloudfn one (no meta table)');
      }
    } else if (version > schemaVersion) {
      throw new DatabaseFileError(file, `it was written by a newer cloudfn (schema version ${version}, this one knows ${schemaVersion})`);
    }
    const from = version ?? 0;
    if (from < schemaVersion) inTransaction(db, () => applySchema(db!, from, nowIso()));
    return { db, changedOnLoad: from < schemaVersion };
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseFileError) throw error;
    throw new DatabaseFileError(file, `the file is damaged (${error instanceof Error ? error.message : String(error)})`);
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

function fileState(stats: fs.Stats): DiskState {
  return { mtimeMs: stats.mtimeMs, size: stats.size, ino: stats.ino };
}

function sameState(a: DiskState, b: DiskState): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/**
 * The largest database file that is opened: sql.js holds the whole database in WebAssembly memory, which
 * cannot grow past 2 GiB here.
 */
const maxDatabaseBytes = 2 ** 31 - 1;

/** The stats of the database file, or undefined when it does not exist; throws DatabaseFileError. */
function databaseStats(file: string): fs.Stats | undefined {
  return asDatabaseError(file, () => statUserFile(file));
}

/** The file's bytes and state, read through one descriptor so that both describe the same version. */
function readFileState(file: string): { bytes: Buffer; state: DiskState } | undefined {
  const read = asDatabaseError(file, () => readRegularFile(file, maxDatabaseBytes));
  return read && { bytes: read.bytes, state: fileState(read.stats) };
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

/**
 * Creates the temporary file beside the database, making the database's folder first when it is missing. The
 * folder is only looked at then: the sandboxed runtime process may open the database's files but not its folder.
 */
function openTemporary(temporary: string, file: string): number {
  try {
    return fs.openSync(temporary, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makeFolders(path.dirname(file));
  return fs.openSync(temporary, 'wx', 0o644);
}

/**
 * Makes a file's content or a folder's renames durable; folders cannot be opened for fsync on every platform,
 * which is then skipped.
 */
export function syncToDisk(target: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(target, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows refuses to open folders: the rename is as durable as that platform makes it.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
