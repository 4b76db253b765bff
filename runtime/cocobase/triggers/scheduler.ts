// Cron schedules (spec §7) on croner: 5-field expressions (names, lists, ranges, steps) in an IANA time zone;
// their next fire times; and a scheduler that fires them while `serve` or the editor's runtime host runs
// (triggers/sessionSchedules.ts) — on a clock that may be set to
// another time (`--now`) to see what happens across a daylight-saving change or a month end. A time reached
// while the schedule's previous run goes on is skipped; missed times are never caught up.

import { Cron } from 'croner';
import type { ScheduleConfig } from './projectConfig';
import { errorMessage } from '../../errorMessage';

/** The scheduler's clock: the real one, or one that started at another time and runs at the real pace. */
export interface Clock {
  now(): Date;
  /** Set to another time (`--now`, time travel): a run it fires sees its fire time, frozen. */
  readonly set?: boolean;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that reads `start` now and runs on from there. */
export function clockFrom(start: Date): Clock {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset), set: true };
}

/** The parsed cron of a schedule, or an Error whose message names the schedule and what is wrong. */
export function scheduleCron(schedule: Pick<ScheduleConfig, 'name' | 'cron_expression' | 'timezone'>): Cron | Error {
  const fields = schedule.cron_expression.trim().split(/\s+/);
  const where = `schedule '${schedule.name}'`;
  if (fields.length !== 5) {
    return new Error(`${where}: cron_expression '${schedule.cron_expression}' must have 5 fields (minute hour day-of-month month day-of-week), it has ${fields.length}`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: schedule.timezone });
  } catch {
    return new Error(`${where}: timezone '${schedule.timezone}' is not an IANA time zone (e.g. UTC, Europe/Berlin)`);
  }
  try {
    return new Cron(fields.join(' '), { timezone: schedule.timezone, paused: true });
  } catch (error) {
    return new Error(`${where}: cron_expression '${schedule.cron_expression}' is invalid (${errorMessage(error)})`);
  }
}

/** The next `count` fire times of a cron after `from`. */
export function nextFireTimes(cron: Cron, count: number, from: Date): Date[] {
  return cron.nextRuns(count, from);
}

/** A time as the schedule's zone shows it: `2026-03-29 03:00 CEST`. */
export function zonedTime(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
  }).formatToParts(date);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}

/** Longest single wait; longer waits are re-armed, so a clock jump or a long sleep is noticed. */
const maxWaitMs = 60_000;

export interface SchedulerOptions {
  schedules: () => ScheduleConfig[];
  clock?: Clock;
  /** Runs one schedule; the scheduler waits for it before the schedule may fire again. */
  fire: (schedule: ScheduleConfig, at: Date) => Promise<void>;
  onLog?: (line: string) => void;
}

/** Fires the active schedules at their times until stopped. */
export class Scheduler {
  private timers = new Map<string, NodeJS.Timeout>();
  private running = new Set<string>();
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Arms every active schedule; invalid ones are reported and left out. */
  start(): void {
    for (const schedule of this.options.schedules()) {
      if (!schedule.is_active) continue;
      const cron = scheduleCron(schedule);
      if (cron instanceof Error) {
        this.options.onLog?.(cron.message);
        continue;
      }
      this.arm(schedule.name, cron);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Waits for the schedule's next time after `from` (now by default) and fires it then. */
  private arm(name: string, cron: Cron, from?: Date): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const next = cron.nextRun(from && from > now ? from : now);
    if (!next) return;
    const wait = next.getTime() - now.getTime();
    const timer = setTimeout(() => {
      if (wait > maxWaitMs) {
        this.arm(name, cron, from);
        return;
      }
      // The schedule as configured now (cloudfn.json may have changed); a removed or paused one stops.
      const schedule = this.options.schedules().find((s) => s.name === name);
      if (!schedule?.is_active) return;
      if (this.running.has(name)) {
        this.options.onLog?.(`schedule '${name}': ${next.toISOString()} skipped, the previous run is still going`);
      } else {
        this.running.add(name);
        void this.options.fire(schedule, next).finally(() => this.running.delete(name));
      }
      // The next time after this one; times missed meanwhile are not caught up.
      this.arm(name, cron, new Date(next.getTime() + 1000));
    }, Math.min(Math.max(0, wait), maxWaitMs));
    timer.unref?.();
    this.timers.set(name, timer);
  }
}
