// Reading the language server's test fixtures: `$0` marks the cursor; annotation lines under a code line
// (`#    ^^^^ error[code]: message`, or `# <- error[code]: message` for a diagnostic starting at column 1)
// state the diagnostics expected on it. Annotations are stripped before the code is analysed.

import fs from 'node:fs';
import path from 'node:path';
import type { LocalSchema } from '../../server/localCollections';

export const fixturesDir = path.join(__dirname, 'fixtures');

export interface ExpectedDiagnostic {
  line: number;
  column: number;
  /** Number of carets, when given: the length of a one-line range. */
  length?: number;
  severity: string;
  code: string;
  message?: string;
}

const annotationPattern = /^\s*#(\s*)(\^+|<-)\s+(error|warning|information)\[([a-z-]+)\](?::\s(.*))?$/;

/** Splits a fixture into the code to analyse and the diagnostics its annotations expect (1-based lines/columns). */
export function parseAnnotatedSource(source: string): { code: string; expected: ExpectedDiagnostic[] } {
  const codeLines: string[] = [];
  const expected: ExpectedDiagnostic[] = [];
  for (const line of source.split('\n')) {
    const match = annotationPattern.exec(line);
    if (!match) {
      codeLines.push(line);
      continue;
    }
    const [, , marker, severity, code, message] = match;
    const isCaret = marker!.startsWith('^');
    expected.push({
      line: codeLines.length,
      column: isCaret ? line.indexOf('^') + 1 : 1,
      length: isCaret ? marker!.length : undefined,
      severity: severity!,
      code: code!,
      message,
    });
  }
  return { code: codeLines.join('\n'), expected };
}

/** A fixture with one `$0` cursor marker: the text without it and the cursor offset. */
export function parseCursorSource(source: string): { code: string; offset: number } {
  const offset = source.indexOf('$0');
  if (offset < 0) throw new Error('fixture has no $0 cursor marker');
  return { code: source.slice(0, offset) + source.slice(offset + 2), offset };
}

/** Header lines `# key: value` at the top of a fixture. */
export function fixtureHeaders(source: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of source.split('\n')) {
    const match = /^# ([a-z-]+): (.*)$/.exec(line);
    if (!match) break;
    headers.set(match[1]!, match[2]!);
  }
  return headers;
}

/** The `# collections: a, b` header: the local database's collection names, or undefined for no database. */
function collectionsHeader(source: string): ReadonlySet<string> | undefined {
  const value = fixtureHeaders(source).get('collections');
  return value === undefined ? undefined : new Set(value.split(',').map((name) => name.trim()).filter(Boolean));
}

/**
 * The local database a fixture stands for: `# collections: a, b`, `# fields: a: x, y.z; b: w` (the keys
 * of each collection's documents) and `# user-fields: x, y` (the keys of the app users' data); undefined
 * without a collections header.
 */
export function localSchemaHeader(source: string): LocalSchema | undefined {
  const collections = collectionsHeader(source);
  if (!collections) return undefined;
  const fields = new Map<string, string[]>();
  for (const entry of (fixtureHeaders(source).get('fields') ?? '').split(';')) {
    const [name, keys] = entry.split(':');
    if (name?.trim() && keys) fields.set(name.trim(), keys.split(',').map((key) => key.trim()).filter(Boolean));
  }
  const userFields = (fixtureHeaders(source).get('user-fields') ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  return { collections, fields, userFields };
}

export function listFixtures(folder: string): string[] {
  const dir = path.join(fixturesDir, folder);
  return fs.readdirSync(dir).filter((name) => name.endsWith('.py')).sort().map((name) => path.join(dir, name));
}
