// Snapshot mode: writes what runs gave as the `expect` of payloads entries (the failing tests, and the plain
// payloads that become tests), and the line diff of each expectation it replaces, to review before
// committing the file.

import { isObject } from '../jsonValues';

/** A payloads file's text with the given entries' `expect` replaced, other entries and keys kept in order. */
export function withExpectations(text: string, expectations: ReadonlyMap<string, Record<string, unknown>>): string {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  for (const [name, expect] of expectations) {
    const entry = parsed[name];
    parsed[name] = isObject(entry) ? { ...entry, expect } : { expect };
  }
  return JSON.stringify(parsed, null, 2) + '\n';
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
