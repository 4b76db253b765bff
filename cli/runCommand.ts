// `cloudfn run FILE.py`: runs a CocoBASE cloud function on the local database and reports the result,
// as JSON with --json (one object on stdout) or as a readable report with print() lines streamed live; the
// result is shown as the JSON text Python wrote, never re-encoded from a JavaScript value.

import { CliUsageError, defaultDbPath, parseFlags, parseJsonObjectFlag, parsePairs, positiveNumberFlag, readSourceFile } from './argv';
import { PythonSupervisor } from '../runtime/cocobase/supervisor';
import { buildRunRequest, type RunResult } from '../runtime/cocobase/run';
import { UsageError } from '../runtime/usageError';
import { indentJsonText, runResultJson } from '../runtime/cocobase/resultText';
import { version } from './version';

export const runUsage = `usage: cloudfn run FILE.py [--db PATH] [--payload JSON | --payload @file.json] [--query k=v]...
       [--header k=v]... [--user EMAIL_OR_ID] [--method M] [--timeout SECONDS] [--memory MB] [--json]`;

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
  let result: RunResult;
  try {
    const run = buildRunRequest({ source, filename: file!, timeoutMs: timeoutSeconds * 1000 },
      { payload, query, headers, method, user: values.user ?? null }, `cloudfn/${version}`);
    result = await supervisor.run(run, json ? undefined : (line) => process.stdout.write(`│ ${line}\n`));
  } catch (error) {
    if (error instanceof UsageError) throw new CliUsageError(error.message);
    throw error;
  }
  process.stdout.write(json ? runResultJson(result) + '\n' : formatReport(result));
  return result.success ? 0 : 1;
}

/** The readable report of a run (without --json). */
export function formatReport(result: RunResult): string {
  const lines: string[] = [];
  const time = `${result.execution_time.toFixed(1)} ms`;
  if (result.success) {
    lines.push(`✔ returned in ${time}${result.status_code !== null ? ` with HTTP status ${result.status_code}` : ''}`);
    lines.push(indentJsonText(result.result_json));
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
  return lines.join('\n') + '\n';
}
