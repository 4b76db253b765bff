// Test-only fault injection for the store's write path: when CLOUDFN_STORE_CRASH_AT names a step, the process
// kills itself with SIGKILL at that step, so the crash tests can stop a real run at every point of a commit.
// In a run, the process is the runtime process (its supervisor passes the variable on; its lockdown lets a
// process signal itself).

/** The steps of the commit path at which a crash can be injected. */
export type CrashStep =
  | 'lock-taken'
  | 'journal-half-written'
  | 'journal-written'
  | 'checkpoint-half-written'
  | 'checkpoint-written'
  | 'checkpoint-renamed';

/** Kills this process (all its threads) when the crash tests asked for a crash at `step`. */
export function crashPoint(step: CrashStep): void {
  if (process.env.CLOUDFN_STORE_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
}
