// JSON values as every layer reads them: a JSON object, and the test that a parsed value is one (not null, not
// an array).

export type JsonObject = Record<string, unknown>;

/** Whether a JSON value is an object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
