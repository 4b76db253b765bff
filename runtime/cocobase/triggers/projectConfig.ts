// The triggers part of a CocoBASE project file (`cloudfn.json`, the nearest one in a folder or above): the
// project id, the collection and auth hooks and the schedules, validated with messages that name the key.
// The file is found by the run context's reader (../project.ts: config, secrets, mocks, templates).

import path from 'node:path';

import { findProjectFile, readProjectJson } from '../project';
import { UsageError } from '../../usageError';
import { isObject } from '../../jsonValues';



export const collectionHookEvents = ['pre_save', 'post_save', 'pre_delete', 'post_delete'] as const;
export type CollectionHookEvent = typeof collectionHookEvents[number];
export const authHookEvents = ['pre_register', 'post_register', 'pre_login', 'post_login', 'pre_user_update', 'post_user_update',
  'pre_user_delete', 'post_user_delete'] as const;
export type AuthHookEvent = typeof authHookEvents[number];

export interface ScheduleConfig {
  name: string;
  /** `file` (its `main`) or `file.entry` (a module-level function of `file.py`), relative to the project folder. */
  function_name: string;
  cron_expression: string;
  /** IANA time zone; `UTC` by default. */
  timezone: string;
  payload: Record<string, unknown>;
  is_active: boolean;
}

export interface TriggersProject {
  /** The folder function ids are relative to: the project file's folder (or the folder asked about when there is none). */
  root: string;
  /** The project file, when there is one. */
  file: string | undefined;
  projectId: string;
  hooks: {
    collections: Record<string, Partial<Record<CollectionHookEvent, string>>>;
    auth: Partial<Record<AuthHookEvent, string>>;
  };
  schedules: ScheduleConfig[];
}

/** A project file that cannot be used; the message names the file and the key. */
export class ProjectFileError extends Error {
  /** `named`: the message names the file already. */
  constructor(file: string, message: string, named = false) {
    super(named ? message : `${file}: ${message}`);
    this.name = 'ProjectFileError';
  }
}

/** The triggers of the project `dir` belongs to; a project without a file has none. Throws ProjectFileError. */
export function readProjectFile(dir: string): TriggersProject {
  const file = findProjectFile(dir);
  const empty: TriggersProject = { root: path.resolve(dir), file, projectId: 'local', hooks: { collections: {}, auth: {} }, schedules: [] };
  if (!file) return empty;
  let value: unknown;
  try {
    // The one reader of project files: a FIFO or an oversized file is an error, never a hang.
    value = readProjectJson(file);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new ProjectFileError(file, error.message, true);
  }
  return parseProject(value, file);
}

/** The triggers of a project file's parsed JSON. Throws ProjectFileError. */
export function parseProject(value: unknown, file: string): TriggersProject {
  const fail = (message: string): never => { throw new ProjectFileError(file, message); };
  if (!isObject(value)) fail('must hold a JSON object');
  const project = value as Record<string, unknown>;
  const projectId = project.project_id ?? 'local';
  if (typeof projectId !== 'string' || projectId === '') fail('"project_id" must be a non-empty string');
  const hooks = project.hooks ?? {};
  if (!isObject(hooks)) fail('"hooks" must be an object');
  const functionName = (where: string, name: unknown): string =>
    typeof name === 'string' && name.trim() !== '' ? name : fail(`${where} must name a function (a string)`);
  const collections: TriggersProject['hooks']['collections'] = {};
  const collectionHooks = (hooks as Record<string, unknown>).collections ?? {};
  if (!isObject(collectionHooks)) fail('"hooks.collections" must be an object of collection names');
  for (const [collection, events] of Object.entries(collectionHooks as Record<string, unknown>)) {
    if (!isObject(events)) fail(`"hooks.collections.${collection}" must be an object of events`);
    collections[collection] = {};
    for (const [event, name] of Object.entries(events as Record<string, unknown>)) {
      if (!(collectionHookEvents as readonly string[]).includes(event)) fail(`"hooks.collections.${collection}.${event}" is not a collection hook (${collectionHookEvents.join(', ')})`);
      collections[collection]![event as CollectionHookEvent] = functionName(`"hooks.collections.${collection}.${event}"`, name);
    }
  }
  const auth: TriggersProject['hooks']['auth'] = {};
  const authHooks = (hooks as Record<string, unknown>).auth ?? {};
  if (!isObject(authHooks)) fail('"hooks.auth" must be an object of events');
  for (const [event, name] of Object.entries(authHooks as Record<string, unknown>)) {
    if (!(authHookEvents as readonly string[]).includes(event)) fail(`"hooks.auth.${event}" is not an auth hook (${authHookEvents.join(', ')})`);
    auth[event as AuthHookEvent] = functionName(`"hooks.auth.${event}"`, name);
  }
  const schedules = project.schedules ?? [];
  if (!Array.isArray(schedules)) fail('"schedules" must be an array');
  const names = new Set<string>();
  const parsed = (schedules as unknown[]).map((entry, index): ScheduleConfig => {
    const where = `"schedules[${index}]"`;
    if (!isObject(entry)) fail(`${where} must be an object`);
    const { name, function_name, cron_expression, timezone = 'UTC', payload = {}, is_active = true } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') fail(`${where}.name must be a non-empty string`);
    if (names.has(name as string)) fail(`${where}.name '${String(name)}' is used by another schedule`);
    names.add(name as string);
    if (typeof cron_expression !== 'string') fail(`${where}.cron_expression must be a string such as "0 2 * * *"`);
    if (typeof timezone !== 'string') fail(`${where}.timezone must be an IANA time zone such as "Europe/Berlin"`);
    if (!isObject(payload)) fail(`${where}.payload must be an object`);
    if (typeof is_active !== 'boolean') fail(`${where}.is_active must be true or false`);
    return {
      name: name as string, function_name: functionName(`${where}.function_name`, function_name), cron_expression: cron_expression as string,
      timezone: timezone as string, payload: payload as Record<string, unknown>, is_active: is_active as boolean,
    };
  });
  return { root: path.dirname(file), file, projectId: projectId as string, hooks: { collections, auth }, schedules: parsed };
}
