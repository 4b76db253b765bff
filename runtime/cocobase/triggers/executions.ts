// The executions log (spec §7): one record per run of a function, whatever fired it (`manual`, `http`,
// `schedule`, `db-event`), with its status, logs, duration, start, payload and the execution whose write fired
// it; the newest `keptPerFunction` per function are kept. Also the run records and totals of schedules.
// Records are queued in memory and written in one transaction by `flush()`, which the caller runs when no run
// of its own holds the database's write lock (a run holds it from start to end; waiting for it on the main
// thread would stall a server).

import { randomUUID } from 'node:crypto';
import { DatabaseLockedError, type Store } from '../../store/store';
import type { RunResult } from '../run';

export type TriggeredBy = 'manual' | 'http' | 'schedule' | 'db-event';
export type ExecutionStatus = 'success' | 'failed' | 'timeout';

export interface ExecutionRecord {
  id: string;
  function_name: string;
  triggered_by: TriggeredBy;
  /** What fired it, in words: `POST /functions/hello/execute`, `post_save on posts`, `schedule nightly`, `webhook of posts`. */
  trigger_detail: string | null;
  status: ExecutionStatus;
  started_at: string;
  duration_ms: number;
  payload: Record<string, unknown>;
  logs: string;
  /** The returned value's JSON text (null when the run failed). */
  result: string | null;
  error: string | null;
  status_code: number | null;
  /** The execution whose committed write fired this one (hooks and webhooks). */
  parent_id: string | null;
}

export interface ScheduleRunRecord {
  schedule_name: string;
  execution_id: string | null;
  ran_at: string;
  duration_ms: number;
  status: 'success' | 'failed';
  result: string | null;
  error: string | null;
}

export interface ScheduleState {
  schedule_name: string;
  last_run_at: string | null;
  last_status: string | null;
  last_error: string | null;
  total_runs: number;
  failed_runs: number;
}

export interface ExecutionFilter {
  functionName?: string;
  status?: string;
  /** ISO 8601: only executions that started at or after it. */
  since?: string;
  limit?: number;
}

/** Executions kept per function (the spec asks for the newest 500 at least). */
export const keptPerFunction = 500;
/** Run records kept per schedule. */
const keptPerSchedule = 500;

export const newExecutionId = (): string => randomUUID();

/** What fired a run. */
export interface Trigger {
  by: TriggeredBy;
  detail?: string;
  parentId?: string;
}

/** The execution record of a run that has ended (a new id unless one is given). */
export function executionRecord(functionName: string, payload: Record<string, unknown>, result: RunResult, trigger: Trigger,
  startedAt: Date, id: string = newExecutionId()): ExecutionRecord {
  return {
    id, function_name: functionName, triggered_by: trigger.by, trigger_detail: trigger.detail ?? null,
    status: executionStatus(result), started_at: startedAt.toISOString(), duration_ms: result.execution_time, payload,
    logs: result.output, result: result.success ? result.result_json : null, error: result.error, status_code: result.status_code,
    parent_id: trigger.parentId ?? null,
  };
}

/** The status of an execution record: a time-out is its own status; a 4xx tuple still succeeded. */
export function executionStatus(result: RunResult): ExecutionStatus {
  if (result.success) return 'success';
  return result.error_type === 'TimeoutError' ? 'timeout' : 'failed';
}

/** What a run's log says when its runtime listed only the first of its document writes (those fire hooks). */
export const truncatedWritesNote = (listed: number): string =>
  `[cloudfn] only the first ${listed} document writes are listed by the runtime; later writes fired no hooks\n`;

const columns = 'id, function_name, triggered_by, trigger_detail, status, started_at, duration_ms, payload, logs, result, error, status_code, parent_id';

export class ExecutionLog {
  private queue: Array<{ execution?: ExecutionRecord; scheduleRun?: ScheduleRunRecord }> = [];

  constructor(private readonly store: Store) {}

  /** Queues an execution record (written by the next flush). */
  add(record: ExecutionRecord): void {
    this.queue.push({ execution: record });
  }

  /** Queues a schedule's run record; the schedule's totals follow it when it is written. */
  addScheduleRun(record: ScheduleRunRecord): void {
    this.queue.push({ scheduleRun: record });
  }

  get pending(): number {
    return this.queue.length;
  }

  /**
   * Writes the queued records in one transaction and saves the database (taking its write lock, waiting at
   * most `lockWaitMs`). False when the lock stayed busy: the records stay queued for the next flush.
   */
  flush(lockWaitMs?: number): boolean {
    if (this.queue.length === 0) return true;
    const store = this.store;
    try {
      store.begin({ lockWaitMs });
    } catch (error) {
      if (error instanceof DatabaseLockedError) return false;
      throw error;
    }
    const queued = this.queue;
    this.queue = [];
    const project = store.projectId;
    try {
      const functions = new Set<string>();
      const schedules = new Set<string>();
      for (const { execution: e, scheduleRun: s } of queued) {
        if (e) {
          insertExecution(store, project, e);
          functions.add(e.function_name);
        }
        if (s) {
          store.run('INSERT INTO schedule_runs (project_id, schedule_name, execution_id, ran_at, duration_ms, status, result, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [project, s.schedule_name, s.execution_id, s.ran_at, s.duration_ms, s.status, s.result, s.error]);
          store.run(`INSERT INTO schedule_state (project_id, schedule_name, last_run_at, last_status, last_error, total_runs, failed_runs)
            VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (project_id, schedule_name) DO UPDATE SET last_run_at = excluded.last_run_at,
            last_status = excluded.last_status, last_error = excluded.last_error, total_runs = total_runs + 1,
            failed_runs = failed_runs + excluded.failed_runs`, [project, s.schedule_name, s.ran_at, s.status, s.error, s.status === 'failed' ? 1 : 0]);
          schedules.add(s.schedule_name);
        }
      }
      for (const name of functions) keepNewestExecutions(store, project, name);
      for (const name of schedules) {
        store.run(`DELETE FROM schedule_runs WHERE project_id = ? AND schedule_name = ? AND rowid NOT IN (SELECT rowid FROM schedule_runs
          WHERE project_id = ? AND schedule_name = ? ORDER BY ran_at DESC LIMIT ?)`, [project, name, project, name, keptPerSchedule]);
      }
      store.commit();
    } catch (error) {
      store.rollback();
      throw error;
    }
    store.save();
    return true;
  }

  /**
   * Writes one execution record now, in the caller's open transaction, and drops its function's records
   * beyond the newest `keptPerFunction` (the runtime's record of its own run, saved with the run's writes).
   */
  static writeInTransaction(store: Store, record: ExecutionRecord): void {
    const project = store.projectId;
    insertExecution(store, project, record);
    keepNewestExecutions(store, project, record.function_name);
  }

  /** Executions, newest first. */
  list(filter: ExecutionFilter = {}): ExecutionRecord[] {
    const where = ['project_id = ?'];
    const params: (string | number)[] = [this.store.projectId];
    if (filter.functionName !== undefined) { where.push('function_name = ?'); params.push(filter.functionName); }
    if (filter.status !== undefined) { where.push('status = ?'); params.push(filter.status); }
    if (filter.since !== undefined) { where.push('started_at >= ?'); params.push(filter.since); }
    params.push(filter.limit ?? 100);
    return this.store.rows(`SELECT ${columns} FROM executions WHERE ${where.join(' AND ')} ORDER BY started_at DESC, rowid DESC LIMIT ?`, params)
      .map((row) => ({
        id: row[0] as string, function_name: row[1] as string, triggered_by: row[2] as TriggeredBy, trigger_detail: row[3] as string | null,
        status: row[4] as ExecutionStatus, started_at: row[5] as string, duration_ms: row[6] as number,
        payload: JSON.parse(row[7] as string) as Record<string, unknown>, logs: row[8] as string, result: row[9] as string | null,
        error: row[10] as string | null, status_code: row[11] as number | null, parent_id: row[12] as string | null,
      }));
  }

  /** A schedule's totals (zeros before its first run). */
  scheduleState(name: string): ScheduleState {
    const row = this.store.row('SELECT last_run_at, last_status, last_error, total_runs, failed_runs FROM schedule_state WHERE project_id = ? AND schedule_name = ?',
      [this.store.projectId, name]);
    return {
      schedule_name: name, last_run_at: (row?.[0] as string | null) ?? null, last_status: (row?.[1] as string | null) ?? null,
      last_error: (row?.[2] as string | null) ?? null, total_runs: (row?.[3] as number | undefined) ?? 0, failed_runs: (row?.[4] as number | undefined) ?? 0,
    };
  }

  /** A schedule's run records, newest first. */
  scheduleRuns(name: string, limit = 20): ScheduleRunRecord[] {
    return this.store.rows('SELECT execution_id, ran_at, duration_ms, status, result, error FROM schedule_runs WHERE project_id = ? AND schedule_name = ? ORDER BY ran_at DESC, rowid DESC LIMIT ?',
      [this.store.projectId, name, limit]).map((row) => ({
      schedule_name: name, execution_id: row[0] as string | null, ran_at: row[1] as string, duration_ms: row[2] as number,
      status: row[3] as 'success' | 'failed', result: row[4] as string | null, error: row[5] as string | null,
    }));
  }
}

/** Inserts (or replaces, by id) one execution record. */
function insertExecution(store: Store, project: string, e: ExecutionRecord): void {
  store.run(`INSERT OR REPLACE INTO executions (project_id, ${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
    project, e.id, e.function_name, e.triggered_by, e.trigger_detail, e.status, e.started_at, e.duration_ms,
    JSON.stringify(e.payload), e.logs, e.result, e.error, e.status_code, e.parent_id,
  ]);
}

/** Drops a function's execution records beyond the newest `keptPerFunction`. */
function keepNewestExecutions(store: Store, project: string, name: string): void {
  store.run(`DELETE FROM executions WHERE project_id = ? AND function_name = ? AND id NOT IN (SELECT id FROM executions
    WHERE project_id = ? AND function_name = ? ORDER BY started_at DESC LIMIT ?)`, [project, name, project, name, keptPerFunction]);
}
