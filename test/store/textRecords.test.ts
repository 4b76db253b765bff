// runForEachRecord binds each record's fields where they lie in one copy of the text in SQLite's memory; its
// fallback, sql.js's Statement.run, is the oracle: both ways must store the same text and fail the same way.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import { loadSqlJs } from '../../runtime/store/sqlite';
import { runForEachRecord, type RecordFormat } from '../../runtime/store/textRecords';

const format: RecordFormat = { record: '\x1e', field: '\x1f', fields: 3 };
const insert = 'INSERT INTO t (a, b, c, d) VALUES (?1, ?2, ?3, ?3)';

/** The real sql.js, counting its calls of sqlite3_bind_text; or, with `hide`, one without its C functions. */
function module(sql: SqlJsStatic, hide: boolean): { sql: SqlJsStatic; binds: () => number } {
  let binds = 0;
  const proxy = new Proxy(sql, {
    get(target, name, receiver) {
      if (hide && typeof name === 'string' && (name.startsWith('_sqlite3_') || name === '_malloc')) return undefined;
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name !== '_sqlite3_bind_text' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        binds++;
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  return { sql: proxy, binds: () => binds };
}

/** Runs the text both ways, each into a table of its own: what each stored (or its error), and its binds. */
async function bothWays(text: string): Promise<{ bound: unknown; fallback: unknown; binds: number[] }> {
  const sql = await loadSqlJs();
  const outcomes: unknown[] = [];
  const binds: number[] = [];
  for (const hide of [false, true]) {
    const db = new sql.Database();
    db.run('CREATE TABLE t (a TEXT PRIMARY KEY, b TEXT, c TEXT, d TEXT)');
    const statement = db.prepare(insert);
    const counted = module(sql, hide);
    try {
      const count = runForEachRecord(counted.sql, db, statement, text, format);
      outcomes.push({ count, rows: db.exec('SELECT a, b, c, d, typeof(c) FROM t ORDER BY rowid')[0]?.values ?? [] });
    } catch (error) {
      outcomes.push({ error: (error as Error).message, rows: db.exec('SELECT count(*) FROM t')[0]!.values });
    }
    // The statement is still usable afterwards, by sql.js itself.
    statement.run(['after', 'x', 'y']);
    assert.equal(db.exec("SELECT c FROM t WHERE a = 'after'")[0]!.values[0]![0], 'y');
    statement.free();
    db.close();
    binds.push(counted.binds());
  }
  return { bound: outcomes[0], fallback: outcomes[1], binds };
}

const cases: [string, string][] = [
  ['plain records', ['1\x1fone\x1f{"n":1}', '2\x1ftwo\x1f{"n":2}'].join('\x1e')],
  ['text beyond ASCII, where bytes and characters differ', ['é\x1fJosé 😀\x1f{"s":"ü"}', '2\x1f\u0800\x1f日本'].join('\x1e')],
  ['empty fields', ['\x1f\x1f', 'x\x1f\x1f'].join('\x1e')],
  ['fields beyond the third are ignored', '1\x1fa\x1fb\x1fextra\x1fmore'],
  ['a record with too few fields, after one that ran', ['1\x1fa\x1fb', '2\x1fonly'].join('\x1e')],
  ['an empty text', ''],
  ['a constraint failing at the second record', ['1\x1fa\x1fb', '1\x1fa\x1fb'].join('\x1e')],
  ['a trailing record separator', '1\x1fa\x1fb\x1e'],
  ['a lone surrogate (no UTF-8 form: stored as sql.js stores it)', '1\x1fa\ud800b\x1fc'],
  // Beyond 4 Mi characters the text is copied a part at a time, cut between records.
  ['records beyond the first part of a long text', [`1\x1f${'a'.repeat(3e6)}\x1fx`, `2\x1fé\x1f${'c'.repeat(3e6)}`, '3\x1fc\x1fd'].join('\x1e')],
  ['a record with too few fields in a later part', [`1\x1f${'a'.repeat(5e6)}\x1fx`, '2\x1fb\x1fc', '3\x1fonly'].join('\x1e')],
  ['a trailing record separator after a long record', `1\x1f${'a'.repeat(5e6)}\x1fx\x1e`],
];

for (const [what, text] of cases) {
  test(`runForEachRecord: ${what} — the same as Statement.run`, async () => {
    const { bound, fallback, binds } = await bothWays(text);
    assert.deepEqual(bound, fallback);
    // The first way went through SQLite's own bind (at least for the first complete record), the fallback never.
    assert.equal(binds[1], 0);
    const wellFormed = !/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
    if (wellFormed && text.split('\x1e')[0]!.split('\x1f').length >= 3) assert.ok(binds[0]! > 0, 'the bound path was not taken');
  });
}

test('runForEachRecord stores each field as text, exactly', async () => {
  const { bound } = await bothWays(['1\x1fa\x1f{"b":1,"2":"two","e":1e+300}', '2\x1f\x1f12'].join('\x1e'));
  assert.deepEqual(bound, {
    count: 2,
    rows: [['1', 'a', '{"b":1,"2":"two","e":1e+300}', '{"b":1,"2":"two","e":1e+300}', 'text'], ['2', '', '12', '12', 'text']],
  });
});
