// `cloudfn run FILE.py`: runs a CocoBASE cloud function on the local database and reports the result,
// as JSON with --json (one object on stdout) or as a readable report with print() lines streamed live; the
// result is shown as the JSON text Python wrote, never re-encoded from a JavaScript value. The function's
// project (cloudfn.json above it) gives its config, secrets, templates and http mocks; mails and http calls
// are reported with the run ("Mail & HTTP"), and --allow-network lets calls without a mock go out. The run is
// recorded in the executions log as `manual` by the runtime itself (with its writes: one save), and the
// collection hooks and webhooks of its writes run after it, in a trigger session opened only for them.

import path from 'node:path';
import { CliUsageError, defaultDbPath, parseFlags, parseJsonObjectFlag, parsePairs, positiveNumberFlag, readSourceFile } from './argv';
import { PythonSupervisor } from '../runtime/cocobase/supervisor';
import { buildRunRequest, type RunRecording, type RunRequest, type RunResult } from '../runtime/cocobase/run';
import { loadRunContext } from '../runtime/cocobase/project';
import { indentJsonText, runResultJson } from '../runtime/cocobase/resultText';
import { finishManualRun, openTriggerSession, withManualRecord } from '../runtime/cocobase/triggers/session';
import { version } from './version';

export const runUsage = `usage: cloudfn run FILE.py [--db PATH] [--payload JSON | --payload @file.json] [--query k=v]...
       [--header k=v]... [--user EMAIL_OR_ID] [--method M] [--timeout SECONDS] [--memory MB] [--allow-network] [--json]`;

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    db: { type: 'string' },
    payload: { type: 'string' },
    query: { type: 'string', multiple: true },
    header: { type: 'string', multiple: true },
    user: { type: 'string' },
    method: { type: 'string' },
    timeout: { type: 'string' },
    memory: { type: 'string' },
    'allow-network': { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 1) throw new CliUsageError(`run takes one FILE, got ${positionals.length}: ${positionals.join(' ')}`);
  const file = positionals[0];
  const source = readSourceFile(file, 'run');
  const payload = parseJsonObjectFlag('payload', values.payload);
  const query = parsePairs('query', values.query);
  const headers = parsePairs('header', values.header);
  const method = (values.method ?? 'POST').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw new CliUsageError(`--method must be an HTTP method name, got '${values.method}'`);
  const timeoutSeconds = positiveNumberFlag('timeout', values.timeout, 20);
  const memoryLimitMb = positiveNumberFlag('memory', values.memory, 512);
  if (values.user !== undefined && values.user.trim() === '') throw new CliUsageError('--user must not be empty');
  const dbPath = values.db ?? defaultDbPath;
  const json = values.json === true;

  const supervisor = new PythonSupervisor({ dbPath, memoryLimitMb });
  if (!json) process.stdout.write(`▶ ${file}  (database ${dbPath})\n`);
  const context = loadRunContext(file, values['allow-network'] === true);
  for (const warning of context.warnings) process.stderr.write(`cloudfn: warning: ${warning}\n`);
  const startedAt = new Date();
  const request = buildRunRequest({ source, filename: file!, timeoutMs: timeoutSeconds * 1000 },
    { payload, query, headers, method, user: values.user ?? null }, `cloudfn/${version}`, startedAt);
  const run = withManualRecord({ ...request, functionPath: file, context }, method === 'GET' ? query : payload, `cloudfn run ${file}`, startedAt);
  const { result, recording } = await supervisor.runRecorded(run, json ? undefined : (line) => process.stdout.write(`│ ${line}\n`));
  process.stdout.write(json ? runResultJson(result) + '\n' : formatReport(result));
  await finishRun(run, result, recording, dbPath, timeoutSeconds * 1000, memoryLimitMb, values['allow-network'] === true);
  return result.success ? 0 : 1;
}

/**
 * After the report is printed, before the command ends (lines on stderr): the hooks and webhooks the run's
 * committed writes fire, in a trigger session opened only when there are some (or to record the run when its
 * runtime was stopped before it could). A database that cannot be written (read-only) leaves the run
 * unrecorded with a `cannot record executions: …` line; the report and the exit code stay the run's.
 */
async function finishRun(run: RunRequest, result: RunResult, recording: RunRecording | undefined, dbPath: string, timeoutMs: number,
  memoryLimitMb: number, allowNetwork: boolean): Promise<void> {
  const onLog = (line: string): void => void process.stderr.write(`cloudfn: ${line}\n`);
  const session = await finishManualRun(run, result, recording, () => openTriggerSession({
    dbPath, projectDir: path.dirname(run.functionPath!), timeoutMs, userAgent: `cloudfn/${version}`, poolSize: 1, memoryLimitMb, allowNetwork, onLog,
    onExecuted: (record) => {
      if (record.triggered_by === 'db-event') process.stderr.write(`↳ ${record.trigger_detail} → ${record.function_name}: ${record.status}${record.error ? ` (${record.error})` : ''}\n`);
    },
  }), onLog);
  await session?.close();
}

/** The readable report of a run (without --json). */
export function formatReport(result: RunResult): string {
  const lines: string[] = [];
  const time = `${result.execution_time.toFixed(1)} ms`;
  if (result.success) {
    lines.push(`✔ returned in ${time}${result.status_code !== null ? ` with HTTP status ${result.status_code}` : ''}`);
    if (result.content_type !== null) {
      lines.push(`HTML (${result.content_type}):`);
      lines.push(String(result.result));
    } else {
      lines.push(indentJsonText(result.result_json));
    }
  } else {
    lines.push(`✘ ${result.error}${result.error_line !== null ? ` (line ${result.error_line})` : ''} after ${time}`);
    if (result.traceback) lines.push(result.traceback.trimEnd());
  }
  const { created, updated, deleted, truncated, items } = result.changes;
  if (created + updated + deleted > 0) {
    lines.push(`database: ${created} created, ${updated} updated, ${deleted} deleted`);
    for (const item of items.slice(0, 10)) lines.push(`  ${item.op} ${item.kind}${item.collection ? ` ${item.collection}` : ''} ${item.id}`);
    if (truncated || items.length > 10) lines.push('  …');
  } else if (!result.success) {
    lines.push('database: unchanged (a failed run writes nothing)');
  }
  lines.push(...mailAndHttpLines(result));
  return lines.join('\n') + '\n';
}

/** The "Mail & HTTP" part of the readable report: each mail of the outbox and each outgoing call. */
function mailAndHttpLines(result: RunResult): string[] {
  if (result.outbox.length === 0 && result.http_calls.length === 0) return [];
  const lines = [`Mail & HTTP: ${result.outbox.length} mail${result.outbox.length === 1 ? '' : 's'} (not sent), ` +
    `${result.http_calls.length} http call${result.http_calls.length === 1 ? '' : 's'}`];
  for (const mail of result.outbox) {
    const what = mail.template_id !== null ? `template ${mail.template_id}` : `${(mail.body ?? '').length} characters`;
    lines.push(`  ✉ to ${mail.to.join(', ')} · ${JSON.stringify(mail.subject)} · ${what}`);
  }
  for (const call of result.http_calls) {
    lines.push(`  ⇄ ${call.method} ${call.url} → ${call.status ?? '—'} (${call.source}, ${call.duration_ms.toFixed(1)} ms)`);
  }
  return lines;
}
