// The schedules the editor's runtime host fires while it runs: for each project folder the editor names (the
// workspace's cloudfn.json files, unless `cloudfn.schedules.runInEditor` is off), a SessionSchedules over the
// host's trigger session of that project — the same scheduler, claims and schedule runs as `cloudfn serve`'s.
// Its clock is the real one or the Triggers view's time travel, kept as an offset so that the host re-arming
// (after a database reset) does not move it.

import type { ScheduleSettings } from './protocol';
import { clockFrom, systemClock, type Clock } from '../runtime/cocobase/triggers/scheduler';
import { SessionSchedules } from '../runtime/cocobase/triggers/sessionSchedules';
import type { TriggerSession } from '../runtime/cocobase/triggers/session';
import { errorMessage } from '../runtime/errorMessage';

export class HostSchedules {
  private settings: ScheduleSettings = { projects: [], clockOffsetMs: null, timeoutMs: 20_000 };
  private clock: Clock = systemClock;
  private running: SessionSchedules[] = [];
  /** Counts re-armings, so that one still opening its sessions when the next begins gives up. */
  private generation = 0;

  constructor(private readonly sessionOf: (root: string, timeoutMs: number) => Promise<TriggerSession>,
    private readonly onLog: (line: string) => void) {}

  /** Fires the schedules of `settings` from now on (nothing when they are the ones fired already). */
  apply(settings: ScheduleSettings): Promise<void> {
    if (JSON.stringify(settings) === JSON.stringify(this.settings)) return Promise.resolve();
    this.settings = settings;
    this.clock = settings.clockOffsetMs === null ? systemClock : clockFrom(new Date(Date.now() + settings.clockOffsetMs));
    return this.rearm();
  }

  /** Stops and arms the schedules again (the sessions were closed: a database reset). */
  async rearm(): Promise<void> {
    this.stop();
    const generation = this.generation;
    for (const root of this.settings.projects) {
      let session: TriggerSession;
      try {
        session = await this.sessionOf(root, this.settings.timeoutMs);
      } catch (error) {
        this.onLog(`the schedules of ${root} do not fire: ${errorMessage(error)}`);
        continue;
      }
      if (generation !== this.generation) return;
      const schedules = new SessionSchedules(session, { clock: this.clock, owner: `the editor's runtime host (pid ${process.pid})`, onLog: this.onLog });
      schedules.start();
      this.running.push(schedules);
    }
  }

  stop(): void {
    this.generation++;
    for (const schedules of this.running.splice(0)) schedules.stop();
  }
}
