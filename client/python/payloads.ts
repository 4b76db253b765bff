// Named payloads of a function: `<name>.payloads.json` beside `<name>.py`, an object of entries
// `{payload, query, headers, user, method}` (schemas/payloads.schema.json validates it in the editor).
// Reading is forgiving about missing fields and strict about wrong ones, with messages naming the entry.

import path from 'node:path';
import { isObject } from '../../runtime/jsonValues';
import { emptyRequestInput, type RequestInput } from '../../runtime/cocobase/run';

/** An entry of a payloads file: its name and the request it describes. */
export interface NamedPayload {
  name: string;
  spec: RequestInput;
}

/** The payloads file of a function file. */
export function payloadsFileFor(functionFile: string): string {
  const parsed = path.parse(functionFile);
  return path.join(parsed.dir, `${parsed.name}.payloads.json`);
}

export class PayloadFileError extends Error {
  override name = 'PayloadFileError';
}

/** Reads a payloads file's text into its entries, in file order. Throws PayloadFileError. */
export function readPayloads(text: string): NamedPayload[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PayloadFileError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(parsed)) throw new PayloadFileError('expected an object of named payloads');
  return Object.entries(parsed)
    .filter(([name]) => name !== '$schema')
    .map(([name, entry]) => ({ name, spec: checkEntry(name, entry) }));
}

function checkEntry(name: string, entry: unknown): RequestInput {
  if (!isObject(entry)) throw new PayloadFileError(`payload '${name}': expected an object with payload/query/headers/user/method`);
  const unknown = Object.keys(entry).filter((key) => !['payload', 'query', 'headers', 'user', 'method'].includes(key));
  if (unknown.length) throw new PayloadFileError(`payload '${name}': unknown field '${unknown[0]}' (payload, query, headers, user, method)`);
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
  return spec;
}

function stringRecord(name: string, field: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new PayloadFileError(`payload '${name}': "${field}" must be an object of strings`);
  }
  return value as Record<string, string>;
}


/** The payloads file text with one more entry (or a replaced one), keeping the others in order. */
export function withPayload(text: string | undefined, name: string, spec: RequestInput): string {
  const current: Record<string, unknown> = text?.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  return JSON.stringify({ ...current, [name]: spec }, null, 2) + '\n';
}
