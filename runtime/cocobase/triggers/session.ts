// A trigger session as `serve`, the CLI's schedule, users and run commands and the editor's runtime host open
// it: the project (cloudfn.json read again on each use), a handle on the database of its own, the runtime pool
// (its runtimes start on first use), the runner and the app users' auth; one schedule run (an execution plus
// the schedule's run record and totals); and a `manual` run made outside the pool (the CLI's, the editor's):
// the record its own runtime writes, and the hooks and webhooks of its writes, for which alone a session opens.

import { UsageError } from '../../usageError';
import path from 'node:path';
import { Store } from '../../store/store';
import type { RunRecording, RunRequest, RunResult } from '../run';
import { findProjectFile } from '../project';
import { documentWrites } from './events';
import { RuntimePool } from './pool';
import { readProjectFile, type ScheduleConfig, type TriggersProject } from './projectConfig';
import { functionIdOf, loadScheduledFunction } from './functions';
import { TriggerRunner, type Execution } from './runner';
import type { DeliveryOptions } from './webhooks';
import { AppUserAuth } from './appUsers';
import { newExecutionId, type ExecutionRecord } from './executions';
import { errorMessage } from '../../errorMessage';

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
      options.onLog?.(`${errorMessage(error)}; using its last good version`);
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
    // The project names a function it does not have: a problem with the inputs (exit 2 in the CLI), not a crash.
    throw new UsageError(error);
  }
  const execution = await runner.execute(code, { payload: schedule.payload, query: {}, headers: {}, method: 'POST', user: null },
    { by: 'schedule', detail: `schedule ${schedule.name}${frozen ? ` at ${at.toISOString()} (clock set)` : ''}` }, undefined,
    { frozenNow: frozen ? at : undefined });
  const { record } = execution;
  runner.log.addScheduleRun({
    schedule_name: schedule.name, execution_id: record.id, ran_at: record.started_at, duration_ms: record.duration_ms,
    status: record.status === 'success' ? 'success' : 'failed', result: record.result, error: record.error,
  });
  runner.flush();
  return execution;
}

/**
 * The run of a function file with its `manual` execution record asked of the runtime (RunRequest.record),
 * named by the file's path below its project's folder without `.py` (as serve names functions). A run without
 * a file (`functionPath`) is not recorded.
 */
export function withManualRecord(run: RunRequest, payload: Record<string, unknown>, detail: string, startedAt: Date): RunRequest {
  if (!run.functionPath) return run;
  const file = path.resolve(run.functionPath);
  const projectFile = findProjectFile(path.dirname(file));
  const root = projectFile ? path.dirname(projectFile) : path.dirname(file);
  // Named as serve names functions; a file that is not `.py` keeps its extension in the name.
  const name = functionIdOf(root, file.endsWith('.py') ? file : `${file}.py`) ?? file.replace(/\.py$/, '');
  return {
    ...run,
    record: { id: run.executionId ?? newExecutionId(), function_name: name, triggered_by: 'manual', trigger_detail: detail, payload, started_at: startedAt.toISOString() },
  };
}

/**
 * After a `manual` run whose runtime was asked to record it: says why the record could not be written; records
 * it in a trigger session when the runtime did not answer (its process was stopped); and fires the hooks and
 * webhooks of its committed writes, with the run as their parent. The session (`open`) is opened only for those
 * two: when the project hooks a collection the run wrote or the runtime reported a webhook_url on one. Returns
 * the session it used, if any (the caller closes it when it is its own).
 */
export async function finishManualRun(run: RunRequest, result: RunResult, recording: RunRecording | undefined,
  open: () => Promise<TriggerSession>, onLog: (line: string) => void): Promise<TriggerSession | undefined> {
  const spec = run.record;
  if (!spec) return undefined;
  if (recording?.error) onLog(`cannot record executions: ${recording.error}`);
  const writes = result.committed ? documentWrites(result.changes.items) : [];
  let hooked = false;
  if (recording && writes.length) {
    const webhooks = new Set(recording.webhook_collections);
    try {
      const hooks = readProjectFile(path.dirname(run.functionPath ?? '.')).hooks.collections;
      hooked = writes.some((item) => hooks[item.collection!] !== undefined || webhooks.has(item.collection!));
    } catch (error) {
      onLog(`the hooks of the run's writes did not run: ${errorMessage(error)}`);
      return undefined;
    }
  }
  if (recording && !hooked) return undefined;
  let session: TriggerSession;
  try {
    session = await open();
  } catch (error) {
    const what = recording ? "the hooks of the run's writes did not run" : 'the run was not recorded';
    onLog(`${what}: ${errorMessage(error)}`);
    return undefined;
  }
  if (recording) {
    session.runner.fireWrites(result, spec.id);
  } else {
    // Same id as the runtime's record: a record the stopped process did save is replaced, not doubled.
    session.runner.record(spec.function_name, spec.payload, result, { by: 'manual', detail: spec.trigger_detail ?? undefined },
      new Date(spec.started_at), spec.id);
  }
  return session;
}
