// Small helpers on the JSON values of the REST API, shared by the classes, queries, triggers and writes:
// stored records, pointers, update operators, public views and JSON copies for responses and logs.

import { isObject } from '../jsonValues';
import type { Json } from './rest';

export { isObject };

/** A stored object as the REST API shows it: objectId, createdAt, updatedAt and the fields. */
export type ParseRecord = Record<string, unknown> & { objectId: string; createdAt: string; updatedAt: string };

/** A pointer, or an included object, to another Parse object. */
export const isPointer = (value: unknown): value is { __type: 'Pointer'; className: string; objectId: string } =>
  isObject(value) && (value.__type === 'Pointer' || value.__type === 'Object') && typeof value.objectId === 'string';

/** An update operator such as `{"__op": "Increment", "amount": 1}`. */
export const isOp = (value: unknown): boolean => isObject(value) && typeof value.__op === 'string';

/** A record without internal fields (those starting with `_`, such as a user's password hash). */
export function publicView(record: Json): Json {
  const view: Json = {};
  for (const [key, value] of Object.entries(record)) if (!key.startsWith('_')) view[key] = value;
  return view;
}

/** A copy of a value through JSON, as a response carries it (undefined stays undefined). */
export const jsonCopy = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** A value as JSON text for a log line; what JSON cannot show is shown with String(). */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}
