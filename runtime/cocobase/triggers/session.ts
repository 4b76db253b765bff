// A trigger session as `serve`, the CLI's schedule, users and run commands and the editor's runtime host open
// it: the project (cloudfn.json read again on each use), a handle on the database of its own, the runtime pool
// (its runtimes start on first use), the runner and the app users' auth; one schedule run (an execution plus
// the schedule's run record and totals); and the record of a `manual` run made outside the pool.

import path from 'node:path';
import { Store } from '../../store/store';
import type { RunResult } from '../run';
import { RuntimePool } from './pool';
import { readProjectFile, type ScheduleConfig, type TriggersProject } from './projectConfig';
import { loadScheduledFunction } from './functions';
import { TriggerRunner, type Execution } from './runner';
import type { DeliveryOptions } from './webhooks';
import { AppUserAuth } from './appUsers';
import type { ExecutionRecord } from './executions';

export interface TriggerSessionOptions {
  dbPath: string;
  /** A handle on the database the caller keeps (and closes); by default the session opens its own. */
  store?: Store;
  projectDir: string;
  timeoutMs: number;
  userAgent: string;
  poolSize?: number;
  memoryLimitMb?: number;
  allowNetwork?: boolean;
  webhookDelivery?: DeliveryOptions;
  onLog?: (line: string) => void;
  onExecuted?: (record: ExecutionRecord) => void;
}

export interface TriggerSession {
  store: Store;
  pool: RuntimePool;
  runner: TriggerRunner;
  /** App users' sign-up, login, update and delete, with the auth hooks. */
  auth: AppUserAuth;
  /** The project as cloudfn.json says now; the last good reading when the file is being edited into shape. */
  project(): TriggersProject;
  close(): Promise<void>;
}

/** Opens a session. Throws ProjectFileError for a broken cloudfn.json and DatabaseFileError for the database. */
export async function openTriggerSession(options: TriggerSessionOptions): Promise<TriggerSession> {
  let last = readProjectFile(options.projectDir);
  const project = (): TriggersProject => {
    try {
      last = readProjectFile(options.projectDir);
    } catch (error) {
      options.onLog?.(`${error instanceof Error ? error.message : String(error)}; using its last good version`);
    }
    return last;
  };
  const store = options.store ?? await Store.open(options.dbPath);
  const pool = new RuntimePool({ dbPath: options.dbPath, size: options.poolSize, memoryLimitMb: options.memoryLimitMb });
  const runner = new TriggerRunner({
    pool, store, project, timeoutMs: options.timeoutMs, userAgent: options.userAgent, allowNetwork: options.allowNetwork,
    webhookDelivery: options.webhookDelivery, onLog: options.onLog, onExecuted: options.onExecuted,
  });
  let auth: AppUserAuth | undefined;
  return {
    store, pool, runner, project,
    // Made on first use: its data service sets up the database's query functions, which a run's record does not need.
    get auth() {
      auth ??= new AppUserAuth(store, runner);
      return auth;
    },
    async close() {
      await runner.settle();
      await pool.dispose();
      if (!options.store) store.close();
    },
  };
}

/**
 * Runs a schedule once: its function with its payload (a POST) and its project (cloudfn.json config, secrets,
 * templates, http mocks, as the editor's Run now has them), recorded as an execution and a run record.
 * `frozen`: the run sees `at` as its time, frozen (a schedule fired on a clock set to another time).
 */
export async function runSchedule(session: TriggerSession, schedule: ScheduleConfig, at: Date = new Date(), frozen = false): Promise<Execution> {
  const code = loadScheduledFunction(session.project().root, schedule.function_name);
  const runner = session.runner;
  if (!code) {
    const error = `schedule '${schedule.name}': no function '${schedule.function_name}' in ${session.project().root}`;
    runner.log.addScheduleRun({ schedule_name: schedule.name, execution_id: null, ran_at: at.toISOString(), duration_ms: 0, status: 'failed', result: null, error });
    runner.flush();
    throw new Error(error);
  }
  const execution = await runner.execute(code, { payload: schedule.payload, query: {}, headers: {}, method: 'POST', user: null },
    { by: 'schedule', detail: `schedule ${schedule.name}${frozen ? ` at ${at.toISOString()} (clock set)` : ''}` }, undefined,
    { frozenNow: frozen ? at : undefined, projectContext: true });
  const { record } = execution;
  runner.log.addScheduleRun({
    schedule_name: schedule.name, execution_id: record.id, ran_at: record.started_at, duration_ms: record.duration_ms,
    status: record.status === 'success' ? 'success' : 'failed', result: record.result, error: record.error,
  });
  runner.flush();
  return execution;
}

/**
 * Records a `manual` run (the CLI's `cloudfn run`, the editor's Run) made by the caller's own runtime, named by
 * its file's path below the project folder without `.py` (as serve names functions), and fires the hooks of its
 * committed writes with this run as their parent. A failed run wrote nothing and fires nothing.
 */
export function recordManualRun(session: TriggerSession, file: string, payload: Record<string, unknown>, result: RunResult,
  startedAt: Date, detail: string): ExecutionRecord {
  const root = session.project().root;
  const relative = path.relative(root, path.resolve(file));
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  const name = (inside ? relative.split(path.sep).join('/') : path.resolve(file)).replace(/\.py$/, '');
  return session.runner.record(name, payload, result, { by: 'manual', detail }, startedAt);
}
