// Named payloads of a function: `<name>.payloads.json` beside `<name>.py`, an object of entries
// `{payload, query, headers, user, method}`, where an entry with `expect` is also a test (with an optional
// `fixture` and frozen `now`, and a file-wide `$fixture`). schemas/payloads.schema.json validates it in the
// editor. Reading is forgiving about missing fields and strict about wrong ones, with messages naming the entry.

import path from 'node:path';
import { isObject, parseJsonObjectText } from '../jsonValues';
import { emptyRequestInput, type RequestInput } from '../cocobase/run';

/** An entry of a payloads file: its name, the request it describes and, for a test, what the run should give. */
export interface NamedPayload {
  name: string;
  spec: RequestInput;
  /** The expectation: present on tests only. */
  expect?: Record<string, unknown>;
  /** The fixture the test starts from, relative to the payloads file; null for an empty database. */
  fixture?: string | null;
  /** The frozen time of the request (`request.timestamp`), an ISO 8601 date. */
  now?: string;
}

/** What a payloads file holds: its entries in file order, and the fixture its tests start from by default. */
export interface PayloadsFile {
  entries: NamedPayload[];
  fixture: string | null;
}

const entryFields = ['payload', 'query', 'headers', 'user', 'method', 'expect', 'fixture', 'now'];

/** The payloads file of a function file. */
export function payloadsFileFor(functionFile: string): string {
  const parsed = path.parse(functionFile);
  return path.join(parsed.dir, `${parsed.name}.payloads.json`);
}

/** The function file of a payloads file. */
export function functionFileFor(payloadsFile: string): string {
  return payloadsFile.replace(/\.payloads\.json$/, '.py');
}

export class PayloadFileError extends Error {
  override name = 'PayloadFileError';
}

/** Reads a payloads file's text into its entries, in file order. Throws PayloadFileError. */
export function readPayloads(text: string): NamedPayload[] {
  return readPayloadsFile(text).entries;
}

/** Reads a payloads file's text: its entries and its file-wide fixture. Throws PayloadFileError. */
export function readPayloadsFile(text: string): PayloadsFile {
  const parsed = parseJsonObjectText(text, 'expected an object of named payloads', (message) => new PayloadFileError(message));
  const fixture = parsed.$fixture ?? null;
  if (fixture !== null && (typeof fixture !== 'string' || !fixture.trim())) throw new PayloadFileError('"$fixture" must be a fixture file\'s path or null');
  const entries = Object.entries(parsed)
    .filter(([name]) => name !== '$schema' && name !== '$fixture')
    .map(([name, entry]) => checkEntry(name, entry));
  return { entries, fixture };
}

function checkEntry(name: string, entry: unknown): NamedPayload {
  if (!isObject(entry)) throw new PayloadFileError(`payload '${name}': expected an object with payload/query/headers/user/method`);
  const unknown = Object.keys(entry).filter((key) => !entryFields.includes(key));
  if (unknown.length) throw new PayloadFileError(`payload '${name}': unknown field '${unknown[0]}' (${entryFields.join(', ')})`);
  const spec = emptyRequestInput();
  if (entry.payload !== undefined) {
    if (!isObject(entry.payload)) throw new PayloadFileError(`payload '${name}': "payload" must be a JSON object`);
    spec.payload = entry.payload;
  }
  spec.query = stringRecord(name, 'query', entry.query);
  spec.headers = stringRecord(name, 'headers', entry.headers);
  if (entry.user !== undefined && entry.user !== null) {
    if (typeof entry.user !== 'string' || !entry.user.trim()) throw new PayloadFileError(`payload '${name}': "user" must be an email or id, or null`);
    spec.user = entry.user;
  }
  if (entry.method !== undefined) {
    if (typeof entry.method !== 'string' || !/^[A-Za-z]+$/.test(entry.method)) throw new PayloadFileError(`payload '${name}': "method" must be an HTTP method name`);
    spec.method = entry.method.toUpperCase();
  }
  const named: NamedPayload = { name, spec };
  if (entry.expect !== undefined) {
    if (!isObject(entry.expect)) throw new PayloadFileError(`payload '${name}': "expect" must be an object (result, status_code, success, error, output, changes, …)`);
    named.expect = entry.expect;
  }
  if (entry.fixture !== undefined) {
    if (entry.fixture !== null && (typeof entry.fixture !== 'string' || !entry.fixture.trim())) throw new PayloadFileError(`payload '${name}': "fixture" must be a fixture file's path or null`);
    named.fixture = entry.fixture;
  }
  if (entry.now !== undefined) {
    if (typeof entry.now !== 'string' || Number.isNaN(Date.parse(entry.now))) throw new PayloadFileError(`payload '${name}': "now" must be an ISO 8601 date, such as "2024-05-01T12:00:00Z"`);
    named.now = entry.now;
  }
  return named;
}

function stringRecord(name: string, field: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new PayloadFileError(`payload '${name}': "${field}" must be an object of strings`);
  }
  return value as Record<string, string>;
}

/** JSON strings, punctuation and everything else, to find where the top-level keys of a file are. */
const keyToken = /"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g;

/** The offset of each top-level key of a JSON object's text (the entries of a payloads file), by name. */
export function entryOffsets(text: string): Map<string, number> {
  const offsets = new Map<string, number>();
  let depth = 0;
  let previous: { text: string; index: number } | undefined;
  for (const token of text.matchAll(keyToken)) {
    const value = token[0];
    if (value === '{' || value === '[') depth++;
    else if (value === '}' || value === ']') depth--;
    else if (value === ':' && depth === 1 && previous?.text.startsWith('"')) {
      offsets.set(JSON.parse(previous.text) as string, previous.index);
    }
    previous = { text: value, index: token.index };
  }
  return offsets;
}
