// The runtime process's main module (bundled as dist/runtimeProcess.js): one confined Node process
// (runtimeProcess.ts starts it, confinement.ts confines it) holding Pyodide (with the sandbox prelude) and the
// sql.js store, so that `db` calls from Python are plain function calls. It runs one function at a time for its
// supervisor (runtime/cocobase/supervisor.ts), one database transaction per run, and saves each run that
// changed the database (a journal entry, or the whole file). A run takes the database's write lock only
// before its first writing operation (reads never wait for other writers), and tells the supervisor while it
// waits for it, so that the wait does not count against its time limit. A run that asks for it is recorded in
// the executions log here: in the run's own transaction when it commits (one journal entry for both), else in
// a small transaction of its own after the rollback. An http call that a run may send to the network
// is made by the supervisor while this process blocks on its http pipe (httpBridge.ts); the project's secret
// values are redacted from what the run reports.

import {
  failedRunResult, outputText, roundMs, timeLimitMessage, type RunEffects, type RunError, type RunRecording, type RunRequest,
  type RunResult, type RunTimings,
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
import { documentWrites } from './triggers/events';
import { ExecutionLog, executionRecord, truncatedWritesNote, type ExecutionRecord } from './triggers/executions';
import { errorMessage } from '../errorMessage';

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
    const message = errorMessage(error);
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
    post({ type: 'fatal', usage, message: errorMessage(error) });
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
    if (!outcome.ok && outcome.error.type === 'TimeoutError' && Atomics.load(signals, 1) !== 0) {
      // Worded as the supervisor words a time-out, so that the execution record written here says the same.
      const message = timeLimitMessage(run.timeoutMs);
      const traceback = outcome.error.traceback.replace(/TimeoutError: .*\n?$/, `TimeoutError: ${message}\n`);
      outcome = { ...outcome, error: { ...outcome.error, message, traceback } };
    }
    // The result as reported, built before the commit so that the run's execution record can go with it.
    const result = redactRunText(toRunResult(outcome, current.lines, 0, emptyChanges(), false, { run_ms: 0, commit_ms: 0, save_ms: 0 }), secrets);
    result.triggered_by = run.triggeredBy ?? 'manual';
    // A run that failed for the write lock does not wait for it again here: its caller records it.
    const recorder = run.record && !busy ? new RunRecorder(store, run, result, () => performance.now() - t0, { lockWaitMs, onLockWait }) : undefined;
    if (outcome.ok && run.discardWrites) {
      // A test's run: what it would have committed is reported, then undone in memory (the per-test reset).
      changes = service.takeChanges();
      committed = store.dirty;
      store.rollback();
      t2 = performance.now();
    } else if (outcome.ok) {
      changes = service.takeChanges();
      if (store.dirty) recorder?.writeWithRun(changes);
      store.commit();
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
    result.execution_time = roundMs(t3 - t0);
    result.timings = { run_ms: roundMs(t1 - t0), commit_ms: roundMs(t2 - t1), save_ms: roundMs(t3 - t2) };
    result.changes = changes;
    result.committed = committed;
    // The record of a run that did not commit writes is saved here (its lock waits are still reported for the run).
    const recording = recorder?.finish(changes, committed);
    current = null;
    // One save at most per run: the run's (with its record), or the record's alone.
    const handOff = store.takeHandOff();
    post({ type: 'result', id, result, ...(handOff ? { handOff } : {}), ...(recording ? { recording } : {}) });
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

/**
 * The execution record a run asked for (RunRequest.record): written with the run's writes when it commits
 * some (one transaction, one save), else in a small transaction of its own once the run's has ended, which
 * takes the write lock only for the record (a run that only read never waited for it before). Its duration
 * is the run's up to the record (a committed run's commit and save come after it).
 */
class RunRecorder {
  private written = false;
  private error: string | null = null;

  constructor(private readonly store: Store, private readonly run: RunRequest, private readonly result: RunResult,
    private readonly elapsedMs: () => number, private readonly lock: { lockWaitMs: number; onLockWait: (waiting: boolean) => void }) {}

  /** In the run's open transaction, which wrote: the record goes with its writes (a failure leaves them be). */
  writeWithRun(changes: RunChanges): void {
    const record = this.record();
    const writes = documentWrites(changes.items).length;
    if (changes.truncated && writes > 0) record.logs += truncatedWritesNote(writes);
    try {
      this.store.atomically(() => ExecutionLog.writeInTransaction(this.store, record));
      this.written = true;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  /** Writes the record when the run's transaction did not carry it; says how it went. */
  finish(changes: RunChanges, committed: boolean): RunRecording {
    if (!this.written && this.error === null) this.writeAlone();
    return { recorded: this.written, error: this.error, webhook_collections: committed ? this.webhookCollections(changes) : [] };
  }

  private writeAlone(): void {
    const store = this.store;
    try {
      store.begin({ lockOnFirstWrite: true, lockWaitMs: this.lock.lockWaitMs, onLockWait: this.lock.onLockWait });
      try {
        ExecutionLog.writeInTransaction(store, this.record());
        store.commit();
      } catch (error) {
        store.rollback();
        throw error;
      }
      store.save();
      this.written = true;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private record(): ExecutionRecord {
    const spec = this.run.record!;
    return executionRecord(spec.function_name, spec.payload, { ...this.result, execution_time: roundMs(this.elapsedMs()) },
      { by: spec.triggered_by, detail: spec.trigger_detail ?? undefined }, new Date(spec.started_at), spec.id);
  }

  /** The collections the run's writes went to that have a webhook_url. */
  private webhookCollections(changes: RunChanges): string[] {
    const names = new Set(documentWrites(changes.items).map((item) => item.collection!));
    return [...names].filter((name) => {
      const url = this.store.value('SELECT webhook_url FROM collections WHERE project_id = ? AND name = ?', [this.store.projectId, name]);
      return typeof url === 'string' && url !== '';
    });
  }
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
