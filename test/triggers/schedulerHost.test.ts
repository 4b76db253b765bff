// The editor's runtime host fires the project's schedules while it runs, driven through the runtime client and
// the real host process (dist/runtimeHost.js): on a clock set just before the first hour after the DST change
// of Europe/Berlin (the Triggers view's time travel), a schedule runs as a `schedule` execution and its
// function sees the fire time (checked with CPython's zoneinfo); a fire time another process (a `serve` on the
// same database) claimed first is not run again; settings without projects stop the firing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers';
import { RuntimeClient } from '../../client/runtimeClient';
import { Store } from '../../runtime/store/store';
import { claimFireTime } from '../../runtime/cocobase/triggers/sessionSchedules';
import type { ExecutionRecord, ScheduleRunRecord } from '../../runtime/cocobase/triggers/executions';
import { ExecutionLog } from '../../runtime/cocobase/triggers/executions';

const dir = tempDir();
const db = path.join(dir, 'local.db');
const fireTime = new Date('2026-03-29T01:00:00.000Z');
fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({
  schedules: [
    { name: 'berlin-3am', function_name: 'clock', cron_expression: '0 3 * * *', timezone: 'Europe/Berlin' },
    { name: 'claimed-by-serve', function_name: 'clock', cron_expression: '0 3 * * *', timezone: 'Europe/Berlin' },
  ],
}));
fs.writeFileSync(path.join(dir, 'clock.py'),
  'from datetime import datetime, timezone\n\ndef main():\n    return {"now": datetime.now(timezone.utc).isoformat(), "timestamp": request.timestamp}\n');

/** Waits (polling the database) until `ready` holds of what it reads, or fails after a generous limit. */
async function waitFor<T>(read: () => Promise<T>, ready: (value: T) => boolean, what: string): Promise<T> {
  for (let waited = 0; ; waited += 200) {
    const value = await read();
    if (ready(value)) return value;
    if (waited > 60_000) assert.fail(`${what} did not happen; last read: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('the runtime host fires the schedules on the time-travelled clock, once per fire time across processes', async () => {
  (await Store.createEmpty(db)).save();
  // A serve on the same database claimed this fire time of one schedule already.
  const other = await Store.open(db);
  assert.deepEqual(claimFireTime(other, 'claimed-by-serve', fireTime, 'cloudfn serve (pid 1)'), { claimed: true });
  other.close();

  const lines: string[] = [];
  const client = new RuntimeClient({
    hostScript: path.join(repoRoot, 'dist', 'runtimeHost.js'), dbPath: db, memoryLimitMb: 512, onLog: (line) => lines.push(line),
  });
  try {
    await client.start();
    // The view's clock five seconds before 03:00 CEST, the first hour after the change (time for the host to arm it).
    client.setSchedules({ projects: [dir], clockOffsetMs: fireTime.getTime() - 5000 - Date.now(), timeoutMs: 20_000 });
    const records = await waitFor(() => client.db<ExecutionRecord[]>({ op: 'executions', since: '1970-01-01T00:00:00.000Z', limit: 10 }),
      (list) => list.length > 0 && lines.some((line) => line.includes('claimed-by-serve')), 'the fire at 03:00 CEST');
    client.setSchedules({ projects: [], clockOffsetMs: null, timeoutMs: 20_000 });
    assert.deepEqual(records.map((record) => [record.function_name, record.triggered_by, record.trigger_detail, record.status]), [
      ['clock', 'schedule', `schedule berlin-3am at ${fireTime.toISOString()} (clock set)`, 'success'],
    ]);
    const seen = JSON.parse(records[0]!.result!) as { now: string; timestamp: string };
    assert.equal(seen.timestamp, fireTime.toISOString());
    const berlin = execFileSync('python3', ['-c', 'import sys; from datetime import datetime; from zoneinfo import ZoneInfo; '
      + 'print(datetime.fromisoformat(sys.argv[1]).astimezone(ZoneInfo("Europe/Berlin")).isoformat())', seen.now], { encoding: 'utf8' }).trim();
    assert.equal(berlin, '2026-03-29T03:00:00+02:00');
    assert.ok(lines.includes(`schedule 'berlin-3am' (${fireTime.toISOString()}): success`), lines.join('\n'));
    assert.ok(lines.includes(`schedule 'claimed-by-serve' (${fireTime.toISOString()}): run by cloudfn serve (pid 1), not again here`), lines.join('\n'));
  } finally {
    client.dispose();
  }
  // The schedule's run record and totals, as `cloudfn schedule` keeps them.
  const store = await Store.open(db);
  try {
    const log = new ExecutionLog(store);
    const runs: ScheduleRunRecord[] = log.scheduleRuns('berlin-3am');
    assert.deepEqual(runs.map((run) => run.status), ['success']);
    assert.equal(log.scheduleState('berlin-3am').total_runs, 1);
    assert.deepEqual(log.scheduleRuns('claimed-by-serve'), []);
  } finally {
    store.close();
  }
});
