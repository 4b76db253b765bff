// Runs a Parse Cloud Code test (an entry with "$expect" of a params file, see paramsFile.ts) as `cloudfn parse
// call|job|save|delete` would, in this process over a throwaway database of its own: the app opened with the
// test's cloud file, the test's "$objects" put in the empty database, the request answered, and its answer
// turned into the record expectations match: `success` (a 2xx status), `status_code`, `result` (a function's
// `result`, the body of anything else), `error` (Parse's code as the type, its message), `output` (the log's
// lines), `changes` (per class), and the answer's own `status`, `body` and `logs`.

import fs from 'node:fs';
import path from 'node:path';
import { Store } from '../store/store';
import { ParseApp } from '../parse/app';
import { CloudLoadError } from '../parse/cloudLoader';
import { answerRequest, defaultAppKeys } from '../parse/session';
import { watchEventLoop } from '../parse/watchdog';
import { isObject } from '../jsonValues';
import { restRequestOf, type ParseTestEntry } from './paramsFile';
import type { RunRecord } from './expectations';

/** A test that cannot run (its Cloud Code does not load, its user or objects are not valid). */
export class ParseTestError extends Error {
  override name = 'ParseTestError';
}

/** Runs one Parse test in a database file of its own under `dir`; returns the record of its answer. */
export async function runParseTest(entry: ParseTestEntry, cloudFile: string, dir: string, options: { timeoutMs: number; userAgent: string }): Promise<RunRecord> {
  const dbPath = path.join(dir, `parse-${process.hrtime.bigint()}.db`);
  const store = await Store.createEmpty(dbPath);
  try {
    const app = new ParseApp({ store, cloudFile, ...defaultAppKeys });
    try {
      app.cloudCode.load();
    } catch (error) {
      if (error instanceof CloudLoadError) throw new ParseTestError(error.message);
      throw error;
    }
    for (const [className, objects] of Object.entries(entry.objects)) {
      for (const { objectId, ...fields } of objects) {
        try {
          app.classes.create(className, fields as never, objectId as string);
        } catch (error) {
          throw new ParseTestError(`"$objects" ${className} ${String(objectId)}: ${(error as Error).message}`);
        }
      }
    }
    app.classes.flush();
    if (entry.user !== undefined && !app.classes.get('_User', entry.user)) {
      throw new ParseTestError(`"$user" ${entry.user}: no such _User (put it in "$objects": {"_User": [{"objectId": "${entry.user}", "username": "…"}]})`);
    }
    app.logs.take();
    watchEventLoop(options.timeoutMs);
    const outcome = await answerRequest(app, { ...restRequestOf(entry.target, entry.input), userId: entry.user }, options);
    const success = outcome.status >= 200 && outcome.status < 300;
    const body = outcome.body;
    const result = success ? (entry.target.kind === 'function' && isObject(body) ? body.result : body) : null;
    const code = !success && isObject(body) && typeof body.code === 'number' ? body.code : null;
    const message = !success && isObject(body) ? String(body.error ?? body.message ?? '') : null;
    return {
      success, status_code: outcome.status, result: result ?? null, result_json: JSON.stringify(result ?? null),
      error: success ? null : `${code ?? outcome.status}: ${message}`, error_type: success ? null : (code ?? outcome.status), traceback: null,
      output: outcome.logs.map((log) => log.message).join('\n') + (outcome.logs.length ? '\n' : ''),
      changes: outcome.changes, status: outcome.status, body, logs: outcome.logs,
    };
  } finally {
    store.close();
    for (const file of fs.readdirSync(dir).filter((name) => name.startsWith(path.basename(dbPath)))) fs.rmSync(path.join(dir, file), { force: true });
  }
}
