// JSON values as every layer reads them: a JSON object, and the test that a parsed value is one (not null, not
// an array).

import { errorMessage } from './errorMessage';

export type JsonObject = Record<string, unknown>;

/** Whether a JSON value is an object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The object a JSON file's text holds (payloads and params files); `fail` makes the error for text that is not
 * JSON ("not valid JSON: …") or holds something else (`notObject`).
 */
export function parseJsonObjectText(text: string, notObject: string, fail: (message: string) => Error): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw fail(`not valid JSON: ${errorMessage(error)}`);
  }
  if (!isObject(parsed)) throw fail(notObject);
  return parsed;
}
