// The runtime process's main module (bundled as dist/runtimeProcess.js): one confined Node process
// (runtimeProcess.ts starts it, confinement.ts confines it) holding Pyodide (with the sandbox prelude) and the
// sql.js store, so that `db` calls from Python are plain function calls. It runs one function at a time for its
// supervisor (runtime/cocobase/supervisor.ts), one database transaction per run, and saves each run that
// changed the database (a journal entry, or the whole file). A run takes the database's write lock only
// before its first writing operation (reads never wait for other writers), and tells the supervisor while it
// waits for it, so that the wait does not count against its time limit. An http call that a run may send to the network
// is made by the supervisor while this process blocks on its http pipe (httpBridge.ts); the project's secret
// values are redacted from what the run reports.

import {
  failedRunResult, outputText, roundMs, type RunEffects, type RunError, type RunRequest, type RunResult, type RunTimings,
} from './run';
import { redact, secretTexts } from './project';
import { fetchThroughSupervisor, runDeadlineAnswer } from './httpBridge';
import type { SupervisorToWorker, WorkerToSupervisor } from './workerProtocol';
import type { PyodideAPI } from 'pyodide';
import { emptyChanges, type RunChanges } from '../store/changes';
import { startPython, type Prelude } from './pythonRuntime';
import { confine, deadlineReached, lockWaitBegan, lockWaitEnded, supervisorChannel } from './confinement';
import { Store, DatabaseFileError, DatabaseLockedError, DatabaseWriteError } from '../store/store';
import { DataService, DataError } from './dataService';

const { port, data } = supervisorChannel();
/** The real wall clock, put back after a run with a frozen time. */
const wallClock = Date.now;
const post = (message: WorkerToSupervisor): void => port.postMessage(message);

/**
 * What the sandbox prelude answers for a run: the returned value's JSON text (with an HTTP status and, for
 * rendered HTML, its content type), or the exception; with the run's outbox and http calls either way.
 */
type Outcome = ({ ok: true; status?: number | null; content_type?: string | null; resultJson: string } | { ok: false; error: RunError })
  & Partial<RunEffects>;

/**
 * Reads the sandbox's outcome text (entry.py's run()): a JSON header line, followed for a success by the
 * result's JSON text, which stays text so that its integers, floats and key order are Python's.
 */
function readOutcome(text: string): Outcome {
  const newline = text.indexOf('\n');
  const header = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as Outcome;
  return header.ok ? { ...header, resultJson: newline < 0 ? 'null' : text.slice(newline + 1) } : header;
}

/** What Python is told when the write lock stayed held longer than the run waits (the run then fails). */
function busyMessage(error: DatabaseLockedError): string {
  return `the database is busy: ${error.message}; the run wrote nothing`;
}

/** Runs the bridge operation and turns every failure into an error answer Python raises as an exception. */
function answer(operation: string, work: () => string): string {
  try {
    return work();
  } catch (error) {
    if (error instanceof DataError) return '!' + JSON.stringify({ type: error.pyType, message: error.message });
    if (error instanceof DatabaseLockedError) return '!' + JSON.stringify({ type: 'RuntimeError', message: `db.${operation}(): ${busyMessage(error)}` });
    const message = error instanceof Error ? error.message : String(error);
    return '!' + JSON.stringify({ type: 'RuntimeError', message: `db.${operation}() failed in the local store: ${message}` });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  let store: Store;
  let python: { prelude: Prelude; py: PyodideAPI; fromSnapshot: boolean };
  try {
    [store, python] = await Promise.all([Store.open(data.dbPath), startPython()]);
  } catch (error) {
    const usage = error instanceof DatabaseFileError;
    post({ type: 'fatal', usage, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const service = new DataService(store);
  const signals = new Int32Array(data.interruptBuffer);
  confine(python.py, signals);

  let current: { id: number; lines: string[]; secrets: string[] } | null = null;
  const emit = (line: string): void => {
    if (!current) return;
    const shown = redact(line, current.secrets);
    current.lines.push(shown);
    post({ type: 'output', id: current.id, line: shown });
  };
  const call = (operation: string, argsJson: string): string => {
    if (operation === 'http_fetch') {
      const answer = current ? fetchThroughSupervisor(current.id, argsJson) : '!{"message": "no run"}';
      if (answer === runDeadlineAnswer) {
        // The time limit passed during the call (services.py raises its interrupt): the run timed out.
        Atomics.store(signals, 1, 1);
        deadlineReached();
      }
      return answer;
    }
    return answer(operation, () => {
      if (operation !== 'ensure_collection') return service.call(operation, argsJson);
      store.prepareToWrite();
      return JSON.stringify(service.ensureCollection((JSON.parse(argsJson) as { name: string }).name));
    });
  };
  const insertRows = (records: string): string => answer('create_document', () => {
    store.prepareToWrite();
    return String(service.insertDocumentRecords(records));
  });
  /** A wait for the write lock: the run's deadline stands still here and at the supervisor. */
  const onLockWait = (waiting: boolean): void => {
    if (waiting) lockWaitBegan();
    else lockWaitEnded();
    if (current) post({ type: 'lock-wait', id: current.id, waiting });
  };
  python.prelude.attach(call, insertRows, emit);

  const runOnce = (id: number, run: RunRequest, lockWaitMs: number): void => {
    store.reloadIfChangedOnDisk();
    let user: unknown = null;
    if (run.user !== null) {
      user = findUser(service, run.user);
      if (user === null) {
        post({ type: 'usage-error', id, message: `unknown app user '${run.user}' (no app user has this email or id in ${data.dbPath})` });
        return;
      }
    }
    const requestJson = JSON.stringify({ ...run.request, user, context: run.context ?? {} });
    const secrets = run.context ? secretTexts(run.context) : [];
    current = { id, lines: [], secrets };
    Atomics.store(signals, 0, 0);
    Atomics.store(signals, 1, 0);
    const t0 = performance.now();
    store.begin({ lockOnFirstWrite: true, lockWaitMs, onLockWait });
    let outcome: Outcome;
    // A test's frozen time: Pyodide's wall clock (CLOCK_REALTIME) is Date.now(), and so is the store's nowIso().
    // Pyodide turns the milliseconds into nanoseconds through a double (steps of 256 ns at today's dates), so
    // the clock stands 0.4 µs after the instant: Python's microseconds then floor to the instant's own
    // (2024-05-01 12:00:00.250000, not .249999), and a Date or int(time.time() * 1000) still reads its millisecond.
    const frozen = run.frozenNow === undefined ? NaN : Date.parse(run.frozenNow) + 0.0004;
    if (!Number.isNaN(frozen)) Date.now = () => frozen;
    try {
      outcome = readOutcome(python.prelude.run(run.source, run.filename, requestJson));
    } catch (error) {
      outcome = { ok: false, error: { type: 'RuntimeError', message: `the runtime failed: ${String(error)}`, line: null, column: null, traceback: '' } };
    } finally {
      Date.now = wallClock;
    }
    const t1 = performance.now();
    let changes: RunChanges = emptyChanges();
    let committed = false;
    let t2: number;
    const busy = store.lockFailure;
    if (busy) {
      // The write lock stayed held by another writer: the run fails, whatever its code made of the error.
      const error: RunError = { type: 'DatabaseBusyError', message: busyMessage(busy), line: null, column: null, traceback: '' };
      outcome = { ok: false, error, outbox: outcome.outbox, http_calls: outcome.http_calls };
    } else if (outcome.ok && Atomics.load(signals, 1) !== 0) {
      // The function swallowed the time limit's interrupt and finished late: it timed out all the same.
      outcome = { ok: false, error: { type: 'TimeoutError', message: 'the function was stopped by its time limit', line: null, column: null, traceback: '' } };
    }
    if (outcome.ok && run.discardWrites) {
      // A test's run: what it would have committed is reported, then undone in memory (the per-test reset).
      changes = service.takeChanges();
      committed = store.dirty;
      store.rollback();
      t2 = performance.now();
    } else if (outcome.ok) {
      store.commit();
      changes = service.takeChanges();
      t2 = performance.now();
      if (store.dirty) {
        store.save();
        committed = true;
      }
    } else {
      store.rollback();
      service.takeChanges();
      t2 = performance.now();
    }
    const t3 = performance.now();
    const timings = { run_ms: roundMs(t1 - t0), commit_ms: roundMs(t2 - t1), save_ms: roundMs(t3 - t2) };
    const lines = current.lines;
    current = null;
    const result = toRunResult(outcome, lines, t3 - t0, changes, committed, timings);
    result.triggered_by = run.triggeredBy ?? 'manual';
    const shown = redactRunText(result, secrets);
    const handOff = store.takeHandOff();
    post(handOff ? { type: 'result', id, result: shown, handOff } : { type: 'result', id, result: shown });
  };

  port.on('message', (message: SupervisorToWorker) => {
    if (message.type !== 'run') return;
    try {
      runOnce(message.id, message.run, message.lockWaitMs);
    } catch (error) {
      // The database could not be read, locked or written: the run did not commit, and says why.
      if (!(error instanceof DatabaseFileError || error instanceof DatabaseWriteError || error instanceof DatabaseLockedError)) throw error;
      current = null;
      post({ type: 'usage-error', id: message.id, message: error.message });
    }
  });
  post({ type: 'ready', bootMs: performance.now() - started, snapshot: python.fromSnapshot });
}

function findUser(service: DataService, reference: string): unknown {
  const byEmail = JSON.parse(service.call('get_app_user_by_email', JSON.stringify({ email: reference }))) as unknown;
  if (byEmail !== null) return byEmail;
  return JSON.parse(service.call('get_app_user', JSON.stringify({ user_id: reference }))) as unknown;
}

function toRunResult(outcome: Outcome, lines: readonly string[], executionTimeMs: number, changes: RunChanges, committed: boolean,
  timings: RunTimings): RunResult {
  const effects: RunEffects = { outbox: outcome.outbox ?? [], http_calls: outcome.http_calls ?? [] };
  if (!outcome.ok) {
    const { type, message, line, traceback } = outcome.error;
    return failedRunResult({ type, message, line, traceback: traceback || null }, lines, executionTimeMs, timings, effects);
  }
  return {
    success: true, result: JSON.parse(outcome.resultJson), result_json: outcome.resultJson, output: outputText(lines), error: null,
    execution_time: roundMs(executionTimeMs),
    status_code: outcome.status ?? null, error_type: null, error_line: null, traceback: null, changes, committed, timings,
    ...effects, triggered_by: 'manual', content_type: outcome.content_type ?? null,
  };
}

/**
 * The run's text with the project's secret values redacted: the error, the traceback, the mails and the URLs
 * of http calls (the output is redacted line by line as it is printed). The result is the function's own.
 */
function redactRunText(result: RunResult, secrets: readonly string[]): RunResult {
  if (secrets.length === 0) return result;
  const text = (value: string | null): string | null => (value === null ? null : redact(value, secrets));
  return {
    ...result,
    error: text(result.error),
    traceback: text(result.traceback),
    outbox: JSON.parse(redact(JSON.stringify(result.outbox), secrets.map((s) => JSON.stringify(s).slice(1, -1)))) as RunResult['outbox'],
    http_calls: result.http_calls.map((call) => ({ ...call, url: redact(call.url, secrets) })),
  };
}

void main();
