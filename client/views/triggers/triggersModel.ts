// What the Triggers view and the trigger code lenses show of a CocoBASE project's cloudfn.json, as plain data:
// the schedules with their next fire times (croner, through the scheduler module), the hooks per collection and
// the auth hooks, which triggers name a given function file, the payload a simulated collection hook gets, and
// the URL `cloudfn serve` prints once it listens, and the time a user travels the view's clock to. Pure: no
// VS Code API.

import type { FixtureDocument } from '../../../runtime/store/fixtures';
import type { AppUserSummary } from '../../../runtime/store/browse';
import { hookCalls } from '../../../runtime/cocobase/triggers/events';
import type { AuthHookEvent, CollectionHookEvent, ScheduleConfig, TriggersProject } from '../../../runtime/cocobase/triggers/projectConfig';
import { nextFireTimes, scheduleCron, zonedTime } from '../../../runtime/cocobase/triggers/scheduler';
import { scheduleTarget } from '../../../runtime/cocobase/triggers/functions';

/** Fire times a schedule's tooltip lists. */
export const listedFireTimes = 5;

export interface ScheduleItem {
  schedule: ScheduleConfig;
  /** The next fire time, null for an inactive or invalid schedule. */
  next: Date | null;
  /** `next: Tue 02:00 Europe/Berlin`, `inactive`, or the cron error. */
  nextLabel: string;
  /** The next fire times, each in the schedule's zone and in UTC (`2026-03-31 02:00 CEST (2026-03-31T00:00:00.000Z)`). */
  upcoming: string[];
  /** Why the schedule cannot fire (invalid cron expression or time zone), else null. */
  error: string | null;
}

export interface HookItem {
  event: CollectionHookEvent | AuthHookEvent;
  functionName: string;
}

export interface CollectionHooks {
  collection: string;
  hooks: HookItem[];
}

/** A time in a zone as a lens says it: the weekday and the time, `Tue 02:00`; further than a week: `Sun 29 Mar 02:00`. */
export function shortZonedTime(date: Date, timeZone: string, now: Date): string {
  const withinWeek = date.getTime() - now.getTime() < 6.5 * 86_400_000;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(withinWeek ? {} : { day: 'numeric', month: 'short' }),
  }).formatToParts(date);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = withinWeek ? part('weekday') : `${part('weekday')} ${part('day')} ${part('month')}`;
  return `${day} ${part('hour')}:${part('minute')}`;
}

/** A schedule as the view lists it at `now`. */
export function scheduleItem(schedule: ScheduleConfig, now: Date): ScheduleItem {
  const cron = scheduleCron(schedule);
  if (cron instanceof Error) return { schedule, next: null, nextLabel: 'invalid', upcoming: [], error: cron.message };
  const times = nextFireTimes(cron, listedFireTimes, now);
  const upcoming = times.map((time) => `${zonedTime(time, schedule.timezone)} (${time.toISOString()})`);
  if (!schedule.is_active) return { schedule, next: null, nextLabel: 'inactive', upcoming, error: null };
  const next = times[0] ?? null;
  return { schedule, next, nextLabel: next ? `next: ${shortZonedTime(next, schedule.timezone, now)} ${schedule.timezone}` : 'never fires', upcoming, error: null };
}

/** The collection hooks of a project, collections sorted by name, events in the spec's order. */
export function collectionHooks(project: TriggersProject): CollectionHooks[] {
  const order: readonly string[] = ['pre_save', 'post_save', 'pre_delete', 'post_delete'];
  return Object.keys(project.hooks.collections).sort().map((collection) => ({
    collection,
    hooks: Object.entries(project.hooks.collections[collection]!)
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([event, functionName]) => ({ event: event as CollectionHookEvent, functionName })),
  }));
}

export function authHooks(project: TriggersProject): HookItem[] {
  return Object.entries(project.hooks.auth).map(([event, functionName]) => ({ event: event as AuthHookEvent, functionName }));
}

/** The triggers that run a function file: its collection hooks, its auth hooks and the schedules that name it. */
export interface FunctionTriggers {
  hooks: Array<{ collection: string; event: CollectionHookEvent }>;
  auth: AuthHookEvent[];
  schedules: Array<{ schedule: ScheduleConfig; entry: string | null }>;
}

export function triggersOf(project: TriggersProject, id: string, exists: (id: string) => boolean): FunctionTriggers {
  const hooks = collectionHooks(project).flatMap(({ collection, hooks: items }) => items
    .filter((hook) => hook.functionName === id)
    .map((hook) => ({ collection, event: hook.event as CollectionHookEvent })));
  const schedules = project.schedules.flatMap((schedule) => {
    const target = scheduleTarget(schedule.function_name, exists);
    return target?.id === id ? [{ schedule, entry: target.entry }] : [];
  });
  const auth = authHooks(project).filter((hook) => hook.functionName === id).map((hook) => hook.event as AuthHookEvent);
  return { hooks, auth, schedules };
}

/**
 * The payload a collection hook gets for `document` (a document of the local database): for the save events
 * the document as if it had just been created, for the delete events as if it had just been deleted — the
 * payloads the runtime's hooks send (runtime/cocobase/triggers/events.ts).
 */
export function simulatedHookPayload(project: TriggersProject, collection: string, event: CollectionHookEvent, document: FixtureDocument): Record<string, unknown> {
  const deleting = event === 'pre_delete' || event === 'post_delete';
  const item = deleting
    ? { op: 'delete' as const, kind: 'document' as const, collection, id: document.id, before: document }
    : { op: 'create' as const, kind: 'document' as const, collection, id: document.id, after: document };
  const call = hookCalls(project, item).find((candidate) => candidate.event === event);
  if (!call) throw new Error(`no ${event} hook on ${collection} in ${project.file ?? 'cloudfn.json'}`);
  return call.payload;
}

/** The base URL of a `cloudfn serve` from the line it prints once it listens, or undefined for other lines. */
export function serveUrlOf(line: string): string | undefined {
  return /^cloudfn serve: CocoBASE functions of .* at (http:\/\/127\.0\.0\.1:\d+)\/functions\//.exec(line)?.[1];
}

/** A code lens a trigger puts on a function file, without the editor's types. */
export interface TriggerLens {
  /** Zero-based line. */
  line: number;
  title: string;
  tooltip: string;
  /** What a click does; none for a lens that only tells (the next fire time). */
  action?: { kind: 'simulateHook'; collection: string; event: CollectionHookEvent } | { kind: 'simulateAuthHook'; event: AuthHookEvent }
    | { kind: 'runSchedule'; schedule: string };
}

/** The line of a top-level `def name(` (or `async def`), or undefined. */
export function definitionLine(source: string, name: string): number | undefined {
  const pattern = new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`);
  const index = source.split(/\r?\n/).findIndex((line) => pattern.test(line));
  return index < 0 ? undefined : index;
}

/**
 * The trigger lenses of function file `id` with text `source`: "Simulate EVENT on COLLECTION…" per collection
 * hook, and per schedule "Run as schedule NAME" with its next fire time, on the entry's line (`def main` or
 * the `result` assignment, `mainLine`; a schedule's `file.entry` on `def entry`).
 */
export function triggerLenses(project: TriggersProject, id: string, source: string, mainLine: number | undefined, now: Date,
  exists: (id: string) => boolean): TriggerLens[] {
  const { hooks, auth, schedules } = triggersOf(project, id, exists);
  const lenses: TriggerLens[] = [];
  if (mainLine !== undefined) {
    for (const { collection, event } of hooks) {
      lenses.push({
        line: mainLine, title: `$(zap) Simulate ${event} on ${collection}…`, action: { kind: 'simulateHook', collection, event },
        tooltip: `Run this hook with the ${event} payload of a document of ${collection} in the local database`,
      });
    }
    for (const event of auth) {
      lenses.push({
        line: mainLine, title: `$(zap) Simulate ${event}…`, action: { kind: 'simulateAuthHook', event },
        tooltip: `Run this hook with the ${event} payload of an app user of the local database`,
      });
    }
  }
  for (const { schedule, entry } of schedules) {
    const line = entry === null ? mainLine : definitionLine(source, entry);
    if (line === undefined) continue;
    const item = scheduleItem(schedule, now);
    lenses.push({
      line, title: `$(watch) Run as schedule ${schedule.name}`, action: { kind: 'runSchedule', schedule: schedule.name },
      tooltip: `Run ${schedule.function_name} now with the schedule's payload, as the schedule would`,
    });
    lenses.push({ line, title: item.error ? `$(error) ${item.error}` : item.nextLabel, tooltip: item.upcoming.join('\n') || (item.error ?? '') });
  }
  return lenses;
}

/** An ISO 8601 time as `--now` reads it (no zone: UTC), or undefined. */
export function parseClockTime(text: string): Date | undefined {
  const trimmed = text.trim();
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(trimmed) || !trimmed.includes('T') ? trimmed : `${trimmed}Z`;
  const time = Date.parse(zoned);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * The payload an auth hook gets for `user` (an app user's public fields, never a password hash; spec §7): `pre_register` the email and data of the sign-up,
 * `pre_login` the email and the user, `pre_user_update` the user and (no) changes, `post_user_update` the user
 * and its data as before, the others the user.
 */
export function simulatedAuthPayload(event: AuthHookEvent, user: AppUserSummary): Record<string, unknown> {
  switch (event) {
    case 'pre_register': return { event, email: user.email, data: user.data };
    case 'pre_login': return { event, email: user.email, user };
    case 'pre_user_update': return { event, user, changes: {} };
    case 'post_user_update': return { event, user, old_data: user.data };
    default: return { event, user };
  }
}
