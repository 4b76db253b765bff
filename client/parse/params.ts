// Named inputs of Cloud Code runs: `<name>.params.json` beside `<name>.js` (cloud/main.params.json), an object
// keyed by target — `"function averageStars"`, `"job myJob"`, `"save Review"` (objects to save),
// `"delete Review"` (objectIds) — each holding named entries: `{"function averageStars": {"matrix":
// {"movie": "The Matrix"}}}`. The code lens offers them, plus the last run's input (workspace state). An
// entry with "$expect" is also a test of `cloudfn test` (runtime/testing/paramsFile.ts); it runs here with its input alone.

import type { CloudEntry } from './cloudCode';
import { isObject, parseJsonObjectText } from '../../runtime/jsonValues';
import { entryInput, paramsFileShape, type ParseTarget, targetKey } from '../../runtime/testing/paramsFile';

export { paramsFileFor, restRequestOf, targetKey, type ParseTarget } from '../../runtime/testing/paramsFile';

/** The targets a Cloud Code entry offers: a function or job itself; a save trigger's save, a delete trigger's delete. */
export function targetOf(entry: CloudEntry): ParseTarget {
  if (entry.kind !== 'trigger') return { kind: entry.kind, name: entry.name };
  return { kind: entry.trigger === 'beforeSave' || entry.trigger === 'afterSave' ? 'save' : 'delete', name: entry.name };
}

/** A named input of a target: params or an object to save (JSON objects), or an objectId to delete. */
export interface NamedInput {
  name: string;
  value: unknown;
}

export class ParamsFileError extends Error {
  override name = 'ParamsFileError';
}

/** The named inputs of one target in a params file's text (an object for functions/jobs/saves, an objectId string for deletes). */
export function readParamsFile(text: string, target: ParseTarget): NamedInput[] {
  const json = parseJsonObjectText(text, paramsFileShape, (message) => new ParamsFileError(message));
  const entries = json[targetKey(target)];
  if (entries === undefined) return [];
  if (!isObject(entries)) throw new ParamsFileError(`"${targetKey(target)}" must be an object of named entries`);
  return Object.entries(entries).map(([name, entry]) => {
    // A test's entry ("$expect", "$user", "$objects") is run with its input alone.
    const value = entryInput(target, entry);
    if (target.kind === 'delete' ? typeof value !== 'string' || value === '' : !isObject(value)) {
      throw new ParamsFileError(`"${targetKey(target)}" → "${name}" must be ${target.kind === 'delete' ? 'an objectId string' : 'a JSON object'}`);
    }
    return { name, value };
  });
}

/** The params file's text with one more entry for a target (entries keep their order). */
export function withParamsEntry(text: string | undefined, target: ParseTarget, name: string, value: unknown): string {
  const json = text && text.trim() ? JSON.parse(text) as Record<string, unknown> : {};
  const key = targetKey(target);
  json[key] = { ...(isObject(json[key]) ? json[key] : {}), [name]: value };
  return JSON.stringify(json, null, 2) + '\n';
}
