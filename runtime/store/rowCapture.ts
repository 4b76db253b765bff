// What this process changed in the database since it last synced with the file, as journal entries: rows
// inserted are those above each table's largest rowid at the last sync (SQLite gives new rows the next
// rowid), rows updated or deleted are recorded by temporary triggers into a temporary table (neither is
// ever part of the file, and both roll back with the transaction that wrote them). Also replays entries
// written by other processes.

import type { Database, SqlValue } from 'sql.js';
import { decodeValue, encodeValue, type JournalEntry } from './journal';

/** The changes since the last sync; `checkpoint` when they cannot be journaled (a table's definition changed). */
export interface CollectedChanges {
  body: Omit<JournalEntry, 'base' | 'seq'>;
  /** Row images and statements in the body. */
  count: number;
  checkpoint: boolean;
}

interface TableShape {
  /** Column names, without an INTEGER PRIMARY KEY (it is the rowid). */
  columns: string[];
}

const changesTable = 'temp.cloudfn_changes';

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export class RowCapture {
  /** Largest rowid of every table at the last sync. */
  private baseline = new Map<string, number>();
  private shapes = new Map<string, TableShape>();
  /** `type sql` of every schema object at the last sync, by name. */
  private schema = new Map<string, string>();
  private schemaVersion = 0;
  /** A table the journal cannot describe (WITHOUT ROWID, or a column named rowid): every save checkpoints. */
  private unsupported = false;

  constructor(private readonly db: Database) {
    db.run(`CREATE TEMP TABLE IF NOT EXISTS cloudfn_changes (tbl TEXT NOT NULL, rid INTEGER NOT NULL)`);
    this.sync();
  }

  /** Takes the current database as the synced state: what the file (with its journal) now holds. */
  sync(): void {
    const version = this.schemaVersionNow();
    if (version !== this.schemaVersion || this.shapes.size === 0) this.readSchema(version);
    this.baseline.clear();
    for (const table of this.shapes.keys()) {
      const max = this.db.exec(`SELECT coalesce(max(rowid), 0) FROM main.${quote(table)}`)[0]?.values[0]?.[0];
      this.baseline.set(table, Number(max ?? 0));
    }
    this.db.run(`DELETE FROM ${changesTable}`);
  }

  /** The changes since the last sync, or undefined when there are none. */
  collect(): CollectedChanges | undefined {
    const body: CollectedChanges['body'] = { schema: [], deletes: [], rows: {} };
    let count = 0;
    let checkpoint = this.unsupported;
    const version = this.schemaVersionNow();
    if (version !== this.schemaVersion) {
      const now = this.schemaObjects();
      for (const [name, definition] of now) {
        if (this.schema.get(name) === definition) continue;
        if (!definition.startsWith('index ') || this.schema.has(name)) checkpoint = true;
        else body.schema.push(definition.slice('index '.length));
      }
      for (const [name, definition] of this.schema) {
        if (now.has(name)) continue;
        if (!definition.startsWith('index ')) checkpoint = true;
        else body.schema.push(`DROP INDEX IF EXISTS main.${quote(name)}`);
      }
      count += body.schema.length;
    }
    if (checkpoint) return { body, count, checkpoint };
    for (const [table, shape] of this.shapes) {
      const select = shape.columns.map((column) => `t.${quote(column)}`).join(', ');
      const values: SqlValue[][] = [];
      const fresh = this.db.prepare(`SELECT t.rowid, ${select} FROM main.${quote(table)} t WHERE t.rowid > ?`);
      const changed = this.db.prepare(
        `SELECT c.rid, t.rowid IS NOT NULL, ${select} FROM (SELECT DISTINCT rid FROM ${changesTable} WHERE tbl = ? AND rid <= ?) c `
        + `LEFT JOIN main.${quote(table)} t ON t.rowid = c.rid`);
      try {
        fresh.bind([this.baseline.get(table) ?? 0]);
        while (fresh.step()) values.push(fresh.get());
        changed.bind([table, this.baseline.get(table) ?? 0]);
        while (changed.step()) {
          const [rid, exists, ...rest] = changed.get();
          if (exists) values.push([rid!, ...rest]);
          else body.deletes.push([table, Number(rid)]);
        }
      } finally {
        fresh.free();
        changed.free();
      }
      if (values.length > 0) body.rows[table] = { columns: shape.columns, values: values.map((row) => row.map(encodeValue)) };
      count += values.length;
    }
    count += body.deletes.length;
    return count > 0 ? { body, count, checkpoint: false } : undefined;
  }

  /**
   * Applies entries written by other processes, in one transaction, with foreign keys off (the entries hold
   * the final state of every row their runs touched, cascades included). The caller has no unsaved rows.
   */
  apply(entries: JournalEntry[]): void {
    const db = this.db;
    db.run('PRAGMA foreign_keys = OFF');
    try {
      db.run('BEGIN');
      try {
        for (const entry of entries) applyEntry(db, entry);
        db.run('COMMIT');
      } catch (error) {
        db.run('ROLLBACK');
        throw error;
      }
    } finally {
      db.run('PRAGMA foreign_keys = ON');
    }
    this.sync();
  }

  private schemaVersionNow(): number {
    return Number(this.db.exec('PRAGMA main.schema_version')[0]?.values[0]?.[0] ?? 0);
  }

  private schemaObjects(): Map<string, string> {
    const rows = this.db.exec("SELECT name, type, coalesce(sql, '') FROM main.sqlite_master WHERE name NOT LIKE 'sqlite_%'")[0]?.values ?? [];
    return new Map(rows.map(([name, type, sql]) => [String(name), `${String(type)} ${String(sql)}`]));
  }

  /** Reads the tables' shapes and (re)creates the triggers that record updates and deletes. */
  private readSchema(version: number): void {
    const db = this.db;
    for (const row of db.exec("SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE 'cloudfn_capture_%'")[0]?.values ?? []) {
      db.run(`DROP TRIGGER temp.${quote(String(row[0]))}`);
    }
    this.schema = this.schemaObjects();
    this.schemaVersion = version;
    this.shapes.clear();
    this.unsupported = false;
    let n = 0;
    for (const [name, definition] of this.schema) {
      if (!definition.startsWith('table ')) continue;
      const info = db.exec(`PRAGMA main.table_info(${quote(name)})`)[0]?.values ?? [];
      const keys = info.filter((column) => Number(column[5]) > 0);
      const rowidKey = keys.length === 1 && String(keys[0]![2]).toUpperCase() === 'INTEGER' ? String(keys[0]![1]) : undefined;
      const columns = info.map((column) => String(column[1]));
      if (/WITHOUT\s+ROWID/i.test(definition) || columns.some((column) => ['rowid', 'oid', '_rowid_'].includes(column.toLowerCase()))) {
        this.unsupported = true;
        continue;
      }
      this.shapes.set(name, { columns: columns.filter((column) => column !== rowidKey) });
      const table = `main.${quote(name)}`;
      const label = `'${name.replace(/'/g, "''")}'`;
      db.run(`CREATE TEMP TRIGGER cloudfn_capture_${n}_u AFTER UPDATE ON ${table} BEGIN `
        + `INSERT INTO ${changesTable} VALUES (${label}, OLD.rowid), (${label}, NEW.rowid); END`);
      db.run(`CREATE TEMP TRIGGER cloudfn_capture_${n}_d AFTER DELETE ON ${table} BEGIN `
        + `INSERT INTO ${changesTable} VALUES (${label}, OLD.rowid); END`);
      n++;
    }
  }
}

function applyEntry(db: Database, entry: JournalEntry): void {
  for (const statement of entry.schema) db.run(statement);
  for (const [table, rowid] of entry.deletes) db.run(`DELETE FROM main.${quote(table)} WHERE rowid = ?`, [rowid]);
  for (const [table, { columns, values }] of Object.entries(entry.rows)) {
    const names = ['rowid', ...columns].map(quote).join(', ');
    const insert = db.prepare(`INSERT OR REPLACE INTO main.${quote(table)} (${names}) VALUES (${columns.map(() => '?').concat('?').join(', ')})`);
    try {
      for (const row of values) insert.run(row.map(decodeValue));
    } finally {
      insert.free();
    }
  }
}
