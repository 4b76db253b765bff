// Helpers for the store tests: a fresh store and data service on a temporary file, `call` as the Python
// bridge makes it (named arguments in, parsed JSON out), and an assertion for the DataErrors users see.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DataError, DataService, type PyErrorType } from '../../runtime/cocobase/dataService';
import { Store } from '../../runtime/store/store';
import { tempDir } from '../helpers';

let root: string | undefined;

/** A new empty folder, inside one temporary folder per test process (removed when it exits). */
export function freshDir(): string {
  root ??= tempDir('cloudfn-store-');
  return fs.mkdtempSync(path.join(root, 'case-'));
}

export interface Harness {
  store: Store;
  service: DataService;
  file: string;
  /** One db call, as the Python bridge makes it; the JSON result is parsed. */
  call(op: string, args?: Record<string, unknown>): any;
}

/** A new database in a temporary folder (not written until saved). */
export async function openHarness(file = path.join(freshDir(), 'db.sqlite')): Promise<Harness> {
  const store = await Store.open(file);
  const service = new DataService(store);
  return { store, service, file, call: (op, args = {}) => JSON.parse(service.call(op, JSON.stringify(args))) };
}

/** Asserts that `run` throws a DataError of `pyType` whose message matches `message`. */
export function assertDataError(run: () => unknown, pyType: PyErrorType, message: RegExp | string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    assert.equal(error.pyType, pyType, `wrong type for: ${error.message}`);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

/** ISO 8601 UTC with milliseconds, the store's timestamp format. */
export const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A uuid4. */
export const uuid4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
