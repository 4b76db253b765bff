// The triggers' commands: `cloudfn token issue EMAIL` (a local bearer token for an app user; only its SHA-256
// is stored), `cloudfn logs` (the executions log) and `cloudfn schedule list|run` (next fire times in the job's
// zone and in UTC, on the real clock or `--now`; a run now, recorded as the schedule's, seeing `--now` as its time).

import { CliUsageError, defaultDbPath, isoTimeFlag, parseFlags, positiveNumberFlag } from './argv';
import { Store } from '../runtime/store/store';
import { ExecutionLog } from '../runtime/cocobase/triggers/executions';
import { readProjectFile, ProjectFileError } from '../runtime/cocobase/triggers/projectConfig';
import { issueToken } from '../runtime/cocobase/triggers/appUsers';
import { clockFrom, nextFireTimes, scheduleCron, systemClock, zonedTime } from '../runtime/cocobase/triggers/scheduler';
import { openTriggerSession, runSchedule } from '../runtime/cocobase/triggers/session';
import { version } from './version';

export const tokenUsage = 'usage: cloudfn token issue EMAIL [--db PATH] [--days N]';
export const logsUsage = 'usage: cloudfn logs [--function F] [--status success|failed|timeout] [--since ISO_TIME] [--limit N] [--follow] [--json] [--db PATH]';
export const scheduleUsage = `usage: cloudfn schedule list [--project DIR] [--now ISO_TIME] [--json]
       cloudfn schedule run NAME [--project DIR] [--db PATH] [--now ISO_TIME] [--timeout SECONDS] [--json]`;

export async function tokenCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { db: { type: 'string' }, days: { type: 'string' } });
  if (positionals[0] !== 'issue' || positionals.length !== 2) throw new CliUsageError(tokenUsage);
  const email = positionals[1]!;
  const store = await Store.open(values.db ?? defaultDbPath);
  try {
    const project = store.projectId;
    const userId = store.value('SELECT id FROM app_users WHERE project_id = ? AND email = ?', [project, email]);
    if (typeof userId !== 'string') throw new CliUsageError(`no app user has the email '${email}' in ${store.file}`);
    const expires = values.days === undefined ? null : new Date(Date.now() + positiveNumberFlag('days', values.days, 30) * 86_400_000).toISOString();
    store.begin();
    const token = issueToken(store, userId, expires);
    store.commit();
    store.save();
    process.stdout.write(`${token}\n`);
    process.stderr.write(`token for ${email} (${userId})${expires ? `, valid until ${expires}` : ''}: send it as "Authorization: Bearer <token>"\n`);
    return 0;
  } finally {
    store.close();
  }
}

export async function logsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    db: { type: 'string' }, function: { type: 'string' }, status: { type: 'string' }, since: { type: 'string' },
    limit: { type: 'string' }, follow: { type: 'boolean' }, json: { type: 'boolean' },
  });
  if (positionals.length) throw new CliUsageError(logsUsage);
  if (values.status !== undefined && !['success', 'failed', 'timeout'].includes(values.status)) throw new CliUsageError('--status must be success, failed or timeout');
  const since = values.since === undefined ? undefined : isoTimeFlag('since', values.since).toISOString();
  const store = await Store.open(values.db ?? defaultDbPath);
  const log = new ExecutionLog(store);
  const filter = { functionName: values.function, status: values.status, since, limit: positiveNumberFlag('limit', values.limit, 50) };
  const print = (records: ReturnType<ExecutionLog['list']>): void => {
    for (const record of records) {
      process.stdout.write(values.json ? JSON.stringify(record) + '\n'
        : `${record.started_at}  ${record.status.padEnd(7)} ${record.triggered_by.padEnd(8)} ${record.function_name}  ${record.duration_ms.toFixed(1)} ms`
          + `${record.trigger_detail ? `  (${record.trigger_detail})` : ''}${record.error ? `\n    ${record.error}` : ''}\n`);
    }
  };
  const first = log.list(filter).reverse();
  print(first);
  if (!values.follow) {
    store.close();
    return 0;
  }
  // --follow: the records that arrive later, oldest first, until interrupted.
  const seen = new Set(first.map((record) => record.id));
  return new Promise<number>((resolve) => {
    const timer = setInterval(() => {
      store.reloadIfChangedOnDisk();
      const fresh = log.list({ ...filter, limit: 500 }).filter((record) => !seen.has(record.id)).reverse();
      for (const record of fresh) seen.add(record.id);
      print(fresh);
    }, 500);
    process.once('SIGINT', () => { clearInterval(timer); store.close(); resolve(0); });
  });
}

/** The time of a `--now` flag. */
export async function scheduleCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    project: { type: 'string' }, db: { type: 'string' }, now: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' },
  });
  const [action, name] = positionals;
  let project;
  try {
    project = readProjectFile(values.project ?? '.');
  } catch (error) {
    if (error instanceof ProjectFileError) throw new CliUsageError(error.message);
    throw error;
  }
  if (action === 'list' && positionals.length === 1) {
    const now = values.now === undefined ? systemClock.now() : clockFrom(isoTimeFlag('now', values.now)).now();
    const listed = project.schedules.map((schedule) => {
      const cron = scheduleCron(schedule);
      const next = cron instanceof Error ? [] : nextFireTimes(cron, 5, now);
      return { ...schedule, error: cron instanceof Error ? cron.message : null, next: next.map((date) => ({ utc: date.toISOString(), local: zonedTime(date, schedule.timezone) })) };
    });
    if (values.json) process.stdout.write(JSON.stringify(listed, null, 2) + '\n');
    for (const schedule of values.json ? [] : listed) {
      process.stdout.write(`${schedule.name}: ${schedule.function_name} at "${schedule.cron_expression}" ${schedule.timezone}${schedule.is_active ? '' : ' (inactive)'}\n`);
      if (schedule.error) process.stdout.write(`  ✘ ${schedule.error}\n`);
      for (const next of schedule.next) process.stdout.write(`  ${next.local}   ${next.utc}\n`);
    }
    return listed.some((schedule) => schedule.error) ? 1 : 0;
  }
  if (action === 'run' && positionals.length === 2) {
    const schedule = project.schedules.find((s) => s.name === name);
    if (!schedule) throw new CliUsageError(`no schedule '${name}' in ${project.file ?? 'cloudfn.json (none found)'}`);
    const session = await openTriggerSession({
      dbPath: values.db ?? defaultDbPath, projectDir: values.project ?? '.', timeoutMs: positiveNumberFlag('timeout', values.timeout, 20) * 1000,
      userAgent: `cloudfn/${version}`, poolSize: 1, onLog: (line) => process.stderr.write(`${line}\n`),
    });
    try {
      // With --now the function sees that time, frozen, as the schedule fired on a set clock would.
      const { record } = await runSchedule(session, schedule, values.now === undefined ? new Date() : isoTimeFlag('now', values.now), values.now !== undefined);
      process.stdout.write(values.json ? JSON.stringify(record) + '\n'
        : `${record.status === 'success' ? '✔' : '✘'} schedule ${schedule.name}: ${record.status} in ${record.duration_ms.toFixed(1)} ms\n${record.logs}${record.error ? record.error + '\n' : `${record.result}\n`}`);
      return record.status === 'success' ? 0 : 1;
    } finally {
      await session.close();
    }
  }
  throw new CliUsageError(scheduleUsage);
}
