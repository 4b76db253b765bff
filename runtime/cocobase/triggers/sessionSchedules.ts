// The schedules a trigger session fires while it is open — `cloudfn serve`'s and the editor's runtime host's,
// one implementation for both: the Scheduler of scheduler.ts over the project's schedules, each fire time
// first claimed in the database so that two processes on the same database (the editor's host and a serve)
// run it once, then run as the schedule's run (on a set clock, the function sees the fire time, frozen).
//
// The claim: in one write transaction (the database's write lock makes it atomic across processes, and its
// catch-up reads what the others committed) a process reads the schedule's `schedule_state.claimed_fire_at`;
// when another process claimed this same fire time less than `claimLeaseMs` ago, it skips it; otherwise it
// writes its own claim and runs. Both processes compute the same fire times from the same cron, so the same
// time is the same key; a claim older than the lease no longer blocks (a clock set to a future time does not
// keep the real one from firing it months later), and a process never blocks itself (time travel to the same
// time again fires again).

import { DatabaseLockedError, type Store } from '../../store/store';
import type { ScheduleConfig } from './projectConfig';
import { Scheduler, systemClock, type Clock } from './scheduler';
import { runSchedule, type TriggerSession } from './session';
import { errorMessage } from '../../errorMessage';

/** How long a claim keeps other processes from firing the same time: longer than the longest run holds the lock. */
export const claimLeaseMs = 10 * 60_000;
/** How often a claim is tried again while another writer holds the database's write lock. */
const claimRetryMs = 50;

export type Claim = { claimed: true } | { claimed: false; by: string } | { claimed: 'busy' };

/**
 * Claims fire time `fireAt` of schedule `name` for `owner`: `busy` while another writer holds the write lock
 * (never waits for it: this runs on a server's thread), `claimed: false` when another owner claimed it already.
 */
export function claimFireTime(store: Store, name: string, fireAt: Date, owner: string, now: Date = new Date()): Claim {
  try {
    store.begin({ lockWaitMs: 0 });
  } catch (error) {
    if (error instanceof DatabaseLockedError) return { claimed: 'busy' };
    throw error;
  }
  try {
    const fire = fireAt.toISOString();
    const row = store.row('SELECT claimed_fire_at, claimed_by, claimed_at FROM schedule_state WHERE project_id = ? AND schedule_name = ?',
      [store.projectId, name]);
    const [claimedFire, claimedBy, claimedAt] = (row ?? []) as Array<string | null>;
    if (claimedFire === fire && claimedBy && claimedBy !== owner && claimedAt && now.getTime() - Date.parse(claimedAt) < claimLeaseMs) {
      store.rollback();
      return { claimed: false, by: claimedBy };
    }
    store.run(`INSERT INTO schedule_state (project_id, schedule_name, claimed_fire_at, claimed_by, claimed_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (project_id, schedule_name) DO UPDATE SET claimed_fire_at = excluded.claimed_fire_at, claimed_by = excluded.claimed_by,
      claimed_at = excluded.claimed_at`, [store.projectId, name, fire, owner, now.toISOString()]);
    store.commit();
  } catch (error) {
    store.rollback();
    throw error;
  }
  store.save();
  return { claimed: true };
}

export interface SessionSchedulesOptions {
  /** The real clock by default; a set one (`--now`, time travel) makes the runs see their fire times. */
  clock?: Clock;
  /** Who claims the fire times, as another process's log names it: `cloudfn serve (pid 123)`. */
  owner: string;
  onLog: (line: string) => void;
}

/** Fires the session's schedules until stopped. */
export class SessionSchedules {
  private readonly scheduler: Scheduler;
  private stopped = false;

  constructor(private readonly session: TriggerSession, private readonly options: SessionSchedulesOptions) {
    const clock = options.clock ?? systemClock;
    this.scheduler = new Scheduler({
      schedules: () => session.project().schedules, clock, onLog: options.onLog,
      fire: (schedule, at) => this.fire(schedule, at, clock.set === true),
    });
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.stopped = true;
    this.scheduler.stop();
  }

  private async fire(schedule: ScheduleConfig, at: Date, frozen: boolean): Promise<void> {
    const { onLog, owner } = this.options;
    const when = `schedule '${schedule.name}' (${at.toISOString()})`;
    try {
      let claim = claimFireTime(this.session.store, schedule.name, at, owner);
      const givingUp = Date.now() + claimLeaseMs;
      while (claim.claimed === 'busy') {
        if (this.stopped || Date.now() > givingUp) return;
        await new Promise((resolve) => setTimeout(resolve, claimRetryMs));
        claim = claimFireTime(this.session.store, schedule.name, at, owner);
      }
      if (!claim.claimed) {
        onLog(`${when}: run by ${claim.by}, not again here`);
        return;
      }
      const { record } = await runSchedule(this.session, schedule, at, frozen);
      onLog(`${when}: ${record.status}${record.error ? ` — ${record.error}` : ''}`);
    } catch (error) {
      onLog(errorMessage(error));
    }
  }
}
