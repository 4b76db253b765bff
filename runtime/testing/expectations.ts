// Expectations of a test: `expect` of a payloads entry, checked against the run's record (the object
// `cloudfn run --json` prints, with `result_json` as the exact text). `result`, `error`, `output` and
// `changes` have their own shapes; every other key is matched with the same matcher language against the
// record's field of that name, so fields a newer runtime adds (outbox, http_calls, hooks fired) are
// assertable as soon as they appear. Snapshots are recorded here too.

import { isObject } from '../jsonValues';
import { runResultJson } from '../cocobase/resultText';
import type { RunResult } from '../cocobase/run';
import type { ChangeItem, RunChanges } from '../store/changes';
import { checkMatchers, match, MatcherError, partialKey, show, type Mismatch } from './matchers';

/** A run as tests see it: the fields of `cloudfn run --json`, `result` parsed, `result_json` the exact text. */
export type RunRecord = Record<string, unknown> & { result_json: string; output: string; changes: RunChanges };

/** The change operations of one collection, as expectations name them. */
const operations = { create: 'created', update: 'updated', delete: 'deleted' } as const;
type Operation = (typeof operations)[keyof typeof operations];

/** The group of app users' changes in `changes` (collections are named by their names). */
const appUsersKey = '$app_users';

/** A run's record as tests match it: the fields of `cloudfn run --json`, plus the exact `result_json`. */
export function runRecord(result: RunResult): RunRecord {
  return { ...(JSON.parse(runResultJson(result)) as Record<string, unknown>), result_json: result.result_json } as RunRecord;
}

/** Checks an expectation before any run (unknown matchers, malformed `error`/`output`/`changes`). */
export function checkExpectation(expect: Record<string, unknown>): void {
  checkMatchers(expect, 'expect');
  const { error, output, changes } = expect;
  if (error !== undefined && typeof error !== 'string' && !(isObject(error) && Object.keys(error).every((key) => key === 'type' || key === 'message'))) {
    throw new MatcherError('expect.error: expected the error text ("ValueError: …") or {"type", "message"}');
  }
  if (output !== undefined && typeof output !== 'string' && !Array.isArray(output)) {
    throw new MatcherError('expect.output: expected the printed lines (an array) or the whole output text');
  }
  if (changes !== undefined) {
    if (!isObject(changes)) throw new MatcherError('expect.changes: expected an object of collections: {"orders": {"created": 1}}');
    for (const [name, spec] of Object.entries(changes)) {
      if (name === partialKey) continue;
      const path = `expect.changes.${name}`;
      if (!isObject(spec)) throw new MatcherError(`${path}: expected {"created", "updated", "deleted"}, each a count or a list of documents`);
      for (const [key, value] of Object.entries(spec)) {
        if (key === partialKey) continue;
        if (!Object.values(operations).includes(key as Operation)) throw new MatcherError(`${path}: unknown key '${key}' (created, updated, deleted, $partial)`);
        if (!Number.isInteger(value) && !Array.isArray(value)) throw new MatcherError(`${path}.${key}: expected a count or a list of documents`);
      }
    }
  }
}

/** Every difference between an expectation and a run; empty when the test passes. */
export function compareRun(expect: Record<string, unknown>, run: RunRecord): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [key, expected] of Object.entries(expect)) {
    switch (key) {
      case 'result': match(expected, JSON.parse(run.result_json), 'result', out); break;
      case 'error': compareError(expected, run, out); break;
      case 'output': match(expected, typeof expected === 'string' ? run.output : outputLines(run.output), 'output', out); break;
      case 'changes': compareChanges(expected as Record<string, unknown>, run.changes, out); break;
      default:
        if (!(key in run)) out.push({ path: key, message: `this run reports no '${key}' field (expected ${show(expected)})` });
        else match(expected, run[key], key, out);
    }
  }
  return out;
}

/**
 * What the run gave for each key of an expectation, in the expectation's own shape (the error as text or as
 * {type, message}, the output as text or lines, the changes per collection): the "actual" side of a failed
 * test's diff, beside the expectation itself.
 */
export function actualFor(expect: Record<string, unknown>, run: RunRecord): Record<string, unknown> {
  const actual: Record<string, unknown> = {};
  for (const [key, expected] of Object.entries(expect)) {
    switch (key) {
      case 'result': actual.result = run.success ? JSON.parse(run.result_json) : null; break;
      case 'error': {
        const text = run.error as string | null;
        actual.error = typeof expected === 'string' || text === null ? text : { type: run.error_type, message: errorMessage(run) };
        break;
      }
      case 'output': actual.output = typeof expected === 'string' ? run.output : outputLines(run.output); break;
      case 'changes': {
        const changes: Record<string, unknown> = {};
        for (const [name, group] of groupChanges(run.changes)) {
          changes[name] = Object.fromEntries(Object.values(operations).filter((operation) => group[operation].length).map((operation) => [operation, group[operation]]));
        }
        actual.changes = changes;
        break;
      }
      default: actual[key] = run[key];
    }
  }
  return actual;
}

/** The printed lines of a run. */
function outputLines(output: string): string[] {
  return output === '' ? [] : output.replace(/\n$/, '').split('\n');
}

function compareError(expected: unknown, run: RunRecord, out: Mismatch[]): void {
  if (typeof expected === 'string') {
    match(expected, run.error, 'error', out);
    return;
  }
  const { type, message } = expected as { type?: unknown; message?: unknown };
  // A Python exception's name, or a Parse error's code (a number).
  const errorType = run.error_type as string | number | null;
  if (type !== undefined) match(type, errorType, 'error.type', out);
  if (message !== undefined) match(message, errorMessage(run), 'error.message', out);
}

/** The message of a run's error without its `Type: ` prefix. */
function errorMessage(run: RunRecord): string | null {
  const text = run.error as string | null;
  const prefix = `${String(run.error_type)}: `;
  return text !== null && run.error_type !== null && text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** The changed things of a run grouped by collection (documents) and `$app_users`, by operation. */
function groupChanges(changes: RunChanges): Map<string, Record<Operation, unknown[]>> {
  const groups = new Map<string, Record<Operation, unknown[]>>();
  for (const item of changes.items) {
    const name = item.kind === 'document' || item.kind === 'object' ? item.collection! : item.kind === 'app_user' ? appUsersKey : undefined;
    if (name === undefined) continue;
    let group = groups.get(name);
    if (!group) groups.set(name, group = { created: [], updated: [], deleted: [] });
    group[operations[item.op]].push(changedValue(item));
  }
  return groups;
}

/** What a change is matched against: a document's data (after the change; before it for a deletion), or the app user. */
function changedValue(item: ChangeItem): unknown {
  const value = (item.op === 'delete' ? item.before : item.after) as Record<string, unknown> | undefined;
  return item.kind === 'document' && value && 'data' in value ? value.data : value;
}

function compareChanges(expected: Record<string, unknown>, changes: RunChanges, out: Mismatch[]): void {
  const groups = groupChanges(changes);
  if (changes.truncated) out.push({ path: 'changes', message: `the run changed ${changes.created + changes.updated + changes.deleted} things, more than are listed one by one; assert "changes" only on smaller runs` });
  for (const [name, spec] of Object.entries(expected)) {
    if (name === partialKey) continue;
    const group = groups.get(name) ?? { created: [], updated: [], deleted: [] };
    const partial = (spec as Record<string, unknown>)[partialKey] === true;
    for (const operation of Object.values(operations)) {
      const wanted = (spec as Record<string, unknown>)[operation] ?? (partial ? undefined : 0);
      if (wanted === undefined) continue;
      const path = `changes.${name}.${operation}`;
      const got = group[operation];
      if (typeof wanted === 'number') {
        if (got.length !== wanted) out.push({ path, message: `expected ${wanted} ${plural(wanted)}, got ${got.length}${got.length ? `: ${show(got)}` : ''}` });
      } else {
        match(wanted, got, path, out);
      }
    }
  }
  if (expected[partialKey] === true) return;
  for (const [name, group] of groups) {
    if (name in expected) continue;
    const counts = Object.values(operations).filter((operation) => group[operation].length).map((operation) => `${group[operation].length} ${operation}`);
    out.push({ path: `changes.${name}`, message: `unexpected changes (${counts.join(', ')})` });
  }
}

function plural(count: number): string {
  return count === 1 ? 'document' : 'documents';
}

/** Strings that change from run to run (generated ids, times) become matchers in a recorded snapshot. */
function generalize(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return '$uuid';
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return '$isoDate';
    return value.startsWith('$') ? '$' + value : value;
  }
  if (Array.isArray(value)) return value.map(generalize);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, generalize(item)]));
  return value;
}

/**
 * The expectation a run gives in snapshot mode: success, the result (or the error), the HTTP status, the
 * printed lines and the changes per collection, with generated ids and times written as `$uuid`/`$isoDate`.
 */
export function recordExpectation(run: RunRecord): Record<string, unknown> {
  const expect: Record<string, unknown> = { success: run.success };
  if (run.success) expect.result = generalize(JSON.parse(run.result_json));
  else expect.error = { type: run.error_type, message: generalize(errorMessage(run)) };
  if (run.status_code !== null) expect.status_code = run.status_code;
  const lines = outputLines(run.output);
  if (lines.length) expect.output = lines.map((line) => (/[0-9a-f]{8}-[0-9a-f]{4}-/i.test(line) ? `$regex:^${escapeRegex(line).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '[0-9a-f-]{36}')}$` : generalize(line)));
  const groups = groupChanges(run.changes);
  if (groups.size) {
    const changes: Record<string, unknown> = {};
    for (const [name, group] of groups) {
      changes[name] = Object.fromEntries(Object.values(operations).filter((operation) => group[operation].length).map((operation) => [operation, generalize(group[operation])]));
    }
    expect.changes = changes;
  }
  return expect;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
