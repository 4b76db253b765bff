// A trigger session as `serve` and the CLI's schedule commands open it: the project (cloudfn.json read again
// on each use), a handle on the database of its own, the runtime pool and the runner; and one schedule run
// (an execution plus the schedule's run record and totals).

import { Store } from '../../store/store';
import { RuntimePool } from './pool';
import { readProjectFile, type ScheduleConfig, type TriggersProject } from './projectConfig';
import { loadScheduledFunction } from './functions';
import { TriggerRunner, type Execution } from './runner';
import type { DeliveryOptions } from './webhooks';

export interface TriggerSessionOptions {
  dbPath: string;
  projectDir: string;
  timeoutMs: number;
  userAgent: string;
  poolSize?: number;
  memoryLimitMb?: number;
  allowNetwork?: boolean;
  webhookDelivery?: DeliveryOptions;
  onLog?: (line: string) => void;
}

export interface TriggerSession {
  store: Store;
  pool: RuntimePool;
  runner: TriggerRunner;
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
  const store = await Store.open(options.dbPath);
  const pool = new RuntimePool({ dbPath: options.dbPath, size: options.poolSize, memoryLimitMb: options.memoryLimitMb });
  const runner = new TriggerRunner({
    pool, store, project, timeoutMs: options.timeoutMs, userAgent: options.userAgent, allowNetwork: options.allowNetwork,
    webhookDelivery: options.webhookDelivery, onLog: options.onLog,
  });
  return {
    store, pool, runner, project,
    async close() {
      await runner.settle();
      await pool.dispose();
      store.close();
    },
  };
}

/** Runs a schedule once: its function with its payload (a POST), recorded as an execution and a run record. */
export async function runSchedule(session: TriggerSession, schedule: ScheduleConfig, at: Date = new Date()): Promise<Execution> {
  const code = loadScheduledFunction(session.project().root, schedule.function_name);
  const runner = session.runner;
  if (!code) {
    const error = `schedule '${schedule.name}': no function '${schedule.function_name}' in ${session.project().root}`;
    runner.log.addScheduleRun({ schedule_name: schedule.name, execution_id: null, ran_at: at.toISOString(), duration_ms: 0, status: 'failed', result: null, error });
    runner.flush();
    throw new Error(error);
  }
  const execution = await runner.execute(code, { payload: schedule.payload, query: {}, headers: {}, method: 'POST', user: null },
    { by: 'schedule', detail: `schedule ${schedule.name}` });
  const { record } = execution;
  runner.log.addScheduleRun({
    schedule_name: schedule.name, execution_id: record.id, ran_at: record.started_at, duration_ms: record.duration_ms,
    status: record.status === 'success' ? 'success' : 'failed', result: record.result, error: record.error,
  });
  runner.flush();
  return execution;
}
