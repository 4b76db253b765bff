// Loads sql.js (SQLite compiled to wasm) once per process, from the folder that paths.ts finds, for every
// part of the store that needs a database.

import path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { sqlJsDir } from '../assets';

let loading: Promise<SqlJsStatic> | undefined;

/** The sql.js module, loaded on first use and cached; a failed load is retried on the next call. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: (file: string) => path.join(sqlJsDir(), file) }).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
