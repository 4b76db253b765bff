// Parse Cloud Code params files as tests: `<name>.params.json` beside `<name>.js`, keyed by target
// (`"function averageStars"`, `"job myJob"`, `"save Review"`, `"delete Review"`), each holding named entries.
// An entry that is an object with `"$expect"` is a test: its other keys are the input (params, the object to
// save with an optional objectId, or `{"objectId"}` to delete), `"$user"` the `_User` objectId it runs as, and
// `"$objects"` ({class: [objects with objectId]}) what the empty database holds before it, on top of the
// file-wide `"$objects"`. The editor's code lenses read the same files (client/parse/params.ts).

import path from 'node:path';
import { isObject, parseJsonObjectText } from '../jsonValues';
import { PayloadFileError } from './payloadsFile';

/** What a code lens or a test runs: a function, a job, or a save/delete of a class (its triggers run). */
export interface ParseTarget {
  kind: 'function' | 'job' | 'save' | 'delete';
  /** Function or job name, or class name. */
  name: string;
}

export const targetKey = (target: ParseTarget): string => `${target.kind} ${target.name}`;

/** The keys of a params entry that belong to its test, not to the request. */
export const testKeys = ['$expect', '$user', '$objects'];

/** Objects the database holds before a test, by class: each with its objectId. */
export type SeedObjects = Record<string, Array<Record<string, unknown>>>;

/** A test of a params file. */
export interface ParseTestEntry {
  target: ParseTarget;
  /** `function hello › says hi`: the target and the entry's name, unique in the file. */
  name: string;
  /** The request's input: params, an object to save, or an objectId to delete. */
  input: unknown;
  expect: Record<string, unknown>;
  user?: string;
  objects: SeedObjects;
}

/** The cloud file of a params file. */
export function cloudFileFor(paramsFile: string): string {
  return paramsFile.replace(/\.params\.json$/, '.js');
}

export function paramsFileFor(cloudFile: string): string {
  const parsed = path.parse(cloudFile);
  return path.join(parsed.dir, `${parsed.name}.params.json`);
}

/** The target of a params file's key (`"function hello"`), or undefined for keys that are not targets. */
export function targetOfKey(key: string): ParseTarget | undefined {
  const match = /^(function|job|save|delete) (.+)$/.exec(key);
  return match ? { kind: match[1] as ParseTarget['kind'], name: match[2]! } : undefined;
}

/** An entry's input without its test keys; a delete test's `{"objectId"}` becomes the objectId. */
export function entryInput(target: ParseTarget, value: unknown): unknown {
  if (!isObject(value)) return value;
  const input = Object.fromEntries(Object.entries(value).filter(([key]) => !testKeys.includes(key)));
  return target.kind === 'delete' && '$expect' in value ? input.objectId : input;
}

function checkObjects(where: string, objects: unknown): SeedObjects {
  if (objects === undefined) return {};
  const shape = `${where}: "$objects" must be {"ClassName": [objects, each with an "objectId"]}`;
  if (!isObject(objects)) throw new PayloadFileError(shape);
  for (const list of Object.values(objects)) {
    if (!Array.isArray(list) || !list.every((item) => isObject(item) && typeof item.objectId === 'string' && item.objectId !== '')) throw new PayloadFileError(shape);
  }
  return objects as SeedObjects;
}

/** What a params file holds, for the error when it holds something else. */
export const paramsFileShape = 'expected an object keyed by target ("function NAME", "job NAME", "save CLASS", "delete CLASS")';

/** The tests of a params file's text, in file order. Throws PayloadFileError for a file or test that is not valid. */
export function readParamsTests(text: string): ParseTestEntry[] {
  const json = parseJsonObjectText(text, paramsFileShape, (message) => new PayloadFileError(message));
  const fileObjects = checkObjects('the file', json.$objects);
  const tests: ParseTestEntry[] = [];
  for (const [key, entries] of Object.entries(json)) {
    const target = targetOfKey(key);
    if (!target || !isObject(entries)) continue;
    for (const [entryName, value] of Object.entries(entries)) {
      if (!isObject(value) || value.$expect === undefined) continue;
      const name = `${key} › ${entryName}`;
      if (!isObject(value.$expect)) throw new PayloadFileError(`'${name}': "$expect" must be an object (status, success, result, error, logs, changes, …)`);
      if (value.$user !== undefined && (typeof value.$user !== 'string' || !value.$user)) throw new PayloadFileError(`'${name}': "$user" must be a _User objectId`);
      const input = entryInput(target, value);
      if (target.kind === 'delete' && (typeof input !== 'string' || !input)) throw new PayloadFileError(`'${name}': a delete test needs the "objectId" to delete`);
      const objects = { ...fileObjects };
      for (const [className, list] of Object.entries(checkObjects(`'${name}'`, value.$objects))) objects[className] = [...(objects[className] ?? []), ...list];
      tests.push({ target, name, input, expect: value.$expect, ...(typeof value.$user === 'string' ? { user: value.$user } : {}), objects });
    }
  }
  return tests;
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
