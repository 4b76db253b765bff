// Runs one prepared statement per record of a text of records (records and their fields split by control
// characters), binding each record's fields as text. sql.js's own bind copies every value through a
// JavaScript array into an allocation of its own, freed at the next reset: for create_document's batches
// that was about a fifth of each insert. Here the text is copied once into SQLite's memory (as UTF-8, 4 Mi
// characters at most at a time) and each field is bound where it lies there (SQLITE_STATIC), through
// sql.js's exported C functions. Where this sql.js does not export them, each record goes through
// Statement.run as before; both ways bind the same text and fail the same way.

import type { Database, SqlJsStatic, Statement } from 'sql.js';

/** How records are separated from each other, and fields within a record (one ASCII character each). */
export interface RecordFormat {
  record: string;
  field: string;
  /** Fields bound per record, to ?1…?n; a record with fewer fails, fields beyond are ignored. */
  fields: number;
}

/** sql.js's exported C functions and memory helpers used here (not in its type declarations). */
interface SqliteExports {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  writeArrayToMemory(bytes: Uint8Array, pointer: number): void;
  UTF8ToString(pointer: number): string;
  _sqlite3_sql(statement: number): number;
  _sqlite3_bind_text(statement: number, index: number, text: number, bytes: number, destructor: number): number;
  _sqlite3_step(statement: number): number;
  _sqlite3_reset(statement: number): number;
  _sqlite3_clear_bindings(statement: number): number;
}

const sqliteDone = 101;
/** Characters of the text copied into SQLite's memory at a time (more when one record is longer). */
const chunkCharacters = 4 * 2 ** 20;
/** sqlite3_bind_text's destructor for text that stays where it is until the statement is reset. */
const sqliteStatic = 0;

/** The sqlite3_stmt pointer of each sql.js statement seen (null: not found, use Statement.run). */
const pointers = new WeakMap<Statement, number | null>();

/**
 * Runs `statement` once per record of `text`, its fields bound as text; returns how many records ran. An
 * empty text is one empty record (which has too few fields). Throws the statement's error (or the
 * record's missing fields) at the first record that fails, leaving the ones before it run: callers wrap it in
 * a savepoint.
 */
export function runForEachRecord(sql: SqlJsStatic, database: Database, statement: Statement, text: string, format: RecordFormat): number {
  const exports = sqliteExports(sql);
  const pointer = exports && statementPointer(exports, statement);
  // A lone surrogate has no UTF-8 form: Buffer writes U+FFFD where sql.js writes its 3 bytes (never the case
  // for create_document's records, which are ASCII); that text keeps sql.js's way.
  const bound = exports && pointer && (text as string & { isWellFormed(): boolean }).isWellFormed();
  if (!bound) return runEach(statement, text, format);
  // A few MB at a time, cut between records: a batch of large documents is not held in SQLite's memory whole.
  let count = 0;
  for (let start = 0; ; ) {
    const cut = text.length - start > chunkCharacters ? text.indexOf(format.record, start + chunkCharacters) : -1;
    const end = cut < 0 ? text.length : cut;
    count += runBound(exports, database, pointer, text.slice(start, end), format, count);
    if (end === text.length) return count;
    start = end + 1;
  }
}

/** The same through sql.js's Statement.run, one record at a time. */
function runEach(statement: Statement, text: string, format: RecordFormat): number {
  let count = 0;
  for (const record of text.split(format.record)) {
    const fields = record.split(format.field);
    if (fields.length < format.fields) throw missingFields(count, format);
    statement.run(fields.slice(0, format.fields));
    count++;
  }
  return count;
}

/** Runs the records of `text` bound in place; `before` records ran before it (for the error's record number). */
function runBound(exports: SqliteExports, database: Database, pointer: number, text: string, format: RecordFormat, before: number): number {
  const bytes = Buffer.from(text, 'utf8');
  const recordByte = format.record.charCodeAt(0);
  const fieldByte = format.field.charCodeAt(0);
  const base = exports._malloc(bytes.length + 1);
  if (!base) throw new Error('out of memory');
  exports.writeArrayToMemory(bytes, base);
  let count = 0;
  try {
    // The separators are ASCII, so they never occur inside the UTF-8 bytes of another character.
    for (let start = 0; ; ) {
      let end = bytes.indexOf(recordByte, start);
      if (end < 0) end = bytes.length;
      let fieldStart = start;
      for (let index = 1; index <= format.fields; index++) {
        let fieldEnd = bytes.indexOf(fieldByte, fieldStart);
        if (fieldEnd < 0 || fieldEnd > end) {
          if (index < format.fields) throw missingFields(before + count, format);
          fieldEnd = end;
        }
        check(database, exports._sqlite3_bind_text(pointer, index, base + fieldStart, fieldEnd - fieldStart, sqliteStatic));
        fieldStart = fieldEnd + 1;
      }
      const stepped = exports._sqlite3_step(pointer);
      if (stepped !== sqliteDone) check(database, exports._sqlite3_reset(pointer) || stepped);
      exports._sqlite3_reset(pointer);
      count++;
      if (end === bytes.length) break;
      start = end + 1;
    }
  } finally {
    // No binding may point into the text once it is freed.
    exports._sqlite3_reset(pointer);
    exports._sqlite3_clear_bindings(pointer);
    exports._free(base);
  }
  return count;
}

/** Throws SQLite's message for a failed call (as sql.js does); nothing for SQLITE_OK. */
function check(database: Database, code: number): void {
  if (code !== 0) {
    (database.handleError as (code: number) => null)(code);
    throw new Error(`SQLite error ${code}`);
  }
}

function missingFields(index: number, format: RecordFormat): Error {
  return new Error(`record ${index} has fewer than ${format.fields} fields`);
}

function sqliteExports(sql: SqlJsStatic): SqliteExports | undefined {
  const candidate = sql as unknown as Partial<SqliteExports>;
  const names: (keyof SqliteExports)[] = ['_malloc', '_free', 'writeArrayToMemory', 'UTF8ToString', '_sqlite3_sql', '_sqlite3_bind_text',
    '_sqlite3_step', '_sqlite3_reset', '_sqlite3_clear_bindings'];
  return names.every((name) => typeof candidate[name] === 'function') ? (candidate as SqliteExports) : undefined;
}

/**
 * The sqlite3_stmt pointer behind a sql.js statement. sql.js keeps it in a property whose name its build
 * minifies: it is the one numeric property for which SQLite's sqlite3_sql() gives back the statement's text.
 */
function statementPointer(exports: SqliteExports, statement: Statement): number | null {
  let pointer = pointers.get(statement);
  if (pointer !== undefined) return pointer;
  pointer = null;
  const text = statement.getSQL();
  for (const value of Object.values(statement) as unknown[]) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) continue;
    try {
      if (exports.UTF8ToString(exports._sqlite3_sql(value)) === text) {
        pointer = value;
        break;
      }
    } catch {
      // Not a statement: reading through it left the memory.
    }
  }
  pointers.set(statement, pointer);
  return pointer;
}
