// Named inputs of Cloud Code runs: `<name>.params.json` beside `<name>.js` (cloud/main.params.json), an object
// keyed by target — `"function averageStars"`, `"job myJob"`, `"save Review"` (objects to save),
// `"delete Review"` (objectIds) — each holding named entries: `{"function averageStars": {"matrix":
// {"movie": "The Matrix"}}}`. The code lens offers them, plus the last run's input (workspace state).

import path from 'node:path';
import type { CloudEntry } from './cloudCode';
import { isObject } from '../../runtime/jsonValues';

/** What a code lens runs: a function, a job, or a save/delete of a class (its triggers run). */
export interface ParseTarget {
  kind: 'function' | 'job' | 'save' | 'delete';
  /** Function or job name, or class name. */
  name: string;
}

export const targetKey = (target: ParseTarget): string => `${target.kind} ${target.name}`;

/** The targets a Cloud Code entry offers: a function or job itself; a save trigger's save, a delete trigger's delete. */
export function targetOf(entry: CloudEntry): ParseTarget {
  if (entry.kind !== 'trigger') return { kind: entry.kind, name: entry.name };
  return { kind: entry.trigger === 'beforeSave' || entry.trigger === 'afterSave' ? 'save' : 'delete', name: entry.name };
}

export function paramsFileFor(cloudFile: string): string {
  const parsed = path.parse(cloudFile);
  return path.join(parsed.dir, `${parsed.name}.params.json`);
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ParamsFileError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(json)) throw new ParamsFileError('expected an object keyed by target ("function NAME", "job NAME", "save CLASS", "delete CLASS")');
  const entries = json[targetKey(target)];
  if (entries === undefined) return [];
  if (!isObject(entries)) throw new ParamsFileError(`"${targetKey(target)}" must be an object of named entries`);
  return Object.entries(entries).map(([name, value]) => {
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

/** The REST request of a target with its input, as `cloudfn parse call|job|save|delete` sends it. */
export function restRequestOf(target: ParseTarget, input: unknown): { method: 'POST' | 'PUT' | 'DELETE'; path: string; body: Record<string, unknown>; master: boolean } {
  const body = isObject(input) ? input : {};
  switch (target.kind) {
    case 'function': return { method: 'POST', path: `functions/${encodeURIComponent(target.name)}`, body, master: false };
    case 'job': return { method: 'POST', path: `jobs/${encodeURIComponent(target.name)}`, body, master: true };
    case 'save': {
      const { objectId, ...fields } = body;
      const className = encodeURIComponent(target.name);
      return typeof objectId === 'string' && objectId
        ? { method: 'PUT', path: `classes/${className}/${encodeURIComponent(objectId)}`, body: fields, master: false }
        : { method: 'POST', path: `classes/${className}`, body: fields, master: false };
    }
    case 'delete': return { method: 'DELETE', path: `classes/${encodeURIComponent(target.name)}/${encodeURIComponent(String(input))}`, body: {}, master: false };
  }
}
