// Snapshot mode: writes what runs gave as the `expect` of payloads entries (the failing tests, and the plain
// payloads that become tests), and the line diff of each expectation it replaces, to review before
// committing the file. Also the editor's "Save as test": a finished run as a new entry with its expectation.

import { isObject } from '../jsonValues';
import { emptyRequestInput, type RequestInput } from '../cocobase/run';

/** A payloads file's text with the given entries' `expect` replaced, other entries and keys kept in order. */
export function withExpectations(text: string, expectations: ReadonlyMap<string, Record<string, unknown>>): string {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  for (const [name, expect] of expectations) {
    const entry = parsed[name];
    parsed[name] = isObject(entry) ? { ...entry, expect } : { expect };
  }
  return JSON.stringify(parsed, null, 2) + '\n';
}

/** A payloads entry for a request as a run sent it: only the fields that differ from an empty request. */
export function payloadEntryOf(spec: RequestInput, expect: Record<string, unknown>): Record<string, unknown> {
  const empty = emptyRequestInput();
  const entry: Record<string, unknown> = { payload: spec.payload };
  if (Object.keys(spec.query).length) entry.query = spec.query;
  if (Object.keys(spec.headers).length) entry.headers = spec.headers;
  if (spec.user !== null) entry.user = spec.user;
  if (spec.method.toUpperCase() !== empty.method) entry.method = spec.method.toUpperCase();
  entry.expect = expect;
  return entry;
}

/** A payloads file's text (or none yet) with one more entry at its end, the others kept in order. */
export function withNewEntry(text: string | undefined, name: string, entry: Record<string, unknown>): string {
  const current: Record<string, unknown> = text?.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (name in current) throw new Error(`the payloads file already has an entry '${name}'`);
  return JSON.stringify({ ...current, [name]: entry }, null, 2) + '\n';
}

/** A name for a new entry: `base`, or `base (2)`, `base (3)`, … when that is taken. */
export function freshEntryName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base} (${n})`)) n++;
  return `${base} (${n})`;
}

/** The lines of two texts as a diff: ` ` kept, `-` removed, `+` added (a longest common subsequence). */
export function lineDiff(before: string, after: string): string[] {
  const a = before ? before.split('\n') : [];
  const b = after.split('\n');
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  while (i < a.length) out.push(`- ${a[i++]}`);
  while (j < b.length) out.push(`+ ${b[j++]}`);
  return out;
}
