// Fire-time claims as data: two handles on one database (two processes: serve and the editor's runtime host)
// claiming the same fire time of a schedule — the first runs it, the other is told who did; an owner's own claim,
// an expired claim and another fire time do not block; a busy write lock is `busy`, never a wait. And the
// clock a run fired on a set clock sees: `cloudfn schedule run --now` across the DST night of Europe/Berlin,
// checked against CPython's zoneinfo (the run reading its project's cloudfn.json config).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers';
import { Store } from '../../runtime/store/store';
import { claimFireTime, claimLeaseMs } from '../../runtime/cocobase/triggers/sessionSchedules';

test('a fire time claimed by one process is not run by another; own, expired and other claims do not block', async () => {
  const db = path.join(tempDir(), 'claims.db');
  (await Store.createEmpty(db)).save();
  const serve = await Store.open(db);
  const host = await Store.open(db);
  try {
    const fire = new Date('2026-03-29T01:00:00.000Z');
    const now = new Date('2026-11-27T12:00:00.000Z');
    const later = (ms: number): Date => new Date(now.getTime() + ms);
    assert.deepEqual(claimFireTime(serve, 'nightly', fire, 'serve', now), { claimed: true });
    assert.deepEqual(claimFireTime(host, 'nightly', fire, 'host', later(50)), { claimed: false, by: 'serve' });
    assert.deepEqual(claimFireTime(serve, 'nightly', fire, 'serve', later(100)), { claimed: true }, 'an owner never blocks itself (time travel to the same time)');
    assert.deepEqual(claimFireTime(host, 'other', fire, 'host', later(100)), { claimed: true }, 'another schedule');
    assert.deepEqual(claimFireTime(host, 'nightly', new Date('2026-03-30T01:00:00.000Z'), 'host', later(200)), { claimed: true }, 'the next fire time');
    assert.deepEqual(claimFireTime(serve, 'nightly', new Date('2026-03-30T01:00:00.000Z'), 'serve', later(300)), { claimed: false, by: 'host' });
    assert.deepEqual(claimFireTime(serve, 'nightly', new Date('2026-03-30T01:00:00.000Z'), 'serve', later(200 + claimLeaseMs)), { claimed: true },
      'a claim older than the lease no longer blocks');
    // A claim keeps the schedule's totals as they were.
    assert.deepEqual(host.row('SELECT total_runs, failed_runs, last_run_at FROM schedule_state WHERE schedule_name = ?', ['nightly']), [0, 0, null]);
    // While one handle holds the write lock, the other's claim is busy at once.
    serve.begin();
    assert.deepEqual(claimFireTime(host, 'nightly', new Date('2026-03-31T01:00:00.000Z'), 'host', later(claimLeaseMs * 2)), { claimed: 'busy' });
    serve.rollback();
    assert.deepEqual(claimFireTime(host, 'nightly', new Date('2026-03-31T01:00:00.000Z'), 'host', later(claimLeaseMs * 2)), { claimed: true });
  } finally {
    serve.close();
    host.close();
  }
});

/** The wall time CPython's zoneinfo gives an ISO 8601 instant in `zone`. */
function cpythonZoned(iso: string, zone: string): string {
  return execFileSync('python3', ['-c', 'import sys; from datetime import datetime; from zoneinfo import ZoneInfo; '
    + 'print(datetime.fromisoformat(sys.argv[1]).astimezone(ZoneInfo(sys.argv[2])).isoformat())', iso, zone], { encoding: 'utf8' }).trim();
}

test('schedule run --now: the function sees that time, frozen (the DST night of Europe/Berlin, checked with CPython)', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({
    config: { zone: 'Europe/Berlin' },
    schedules: [{ name: 'after-the-change', function_name: 'clock', cron_expression: '0 3 * * *', timezone: 'Europe/Berlin' }],
  }));
  fs.writeFileSync(path.join(dir, 'clock.py'), [
    'from datetime import datetime, timezone', 'import time', '',
    'def main():',
    '    first = datetime.now(timezone.utc)',
    '    sum(range(100000))',
    '    return {"now": first.isoformat(), "again": datetime.now(timezone.utc).isoformat(), "timestamp": request.timestamp, "time": time.time(),',
    '            "zone": config.get("zone")}', '',
  ].join('\n'));
  // 01:00 UTC is the first hour after the change: 02:00 CET became 03:00 CEST.
  const run = runCli(['schedule', 'run', 'after-the-change', '--project', dir, '--db', path.join(dir, 'local.db'), '--now', '2026-03-29T01:00:00Z', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const record = JSON.parse(run.stdout) as { result: string; trigger_detail: string; triggered_by: string };
  assert.equal(record.triggered_by, 'schedule');
  assert.equal(record.trigger_detail, 'schedule after-the-change at 2026-03-29T01:00:00.000Z (clock set)');
  const seen = JSON.parse(record.result) as { now: string; again: string; timestamp: string; time: number; zone: string };
  assert.equal(seen.zone, 'Europe/Berlin', 'a schedule run reads its project (cloudfn.json config)');
  assert.equal(seen.now, '2026-03-29T01:00:00+00:00');
  assert.equal(seen.again, seen.now, 'the clock stands still for the whole run');
  assert.equal(seen.timestamp, '2026-03-29T01:00:00.000Z');
  assert.equal(Math.floor(seen.time), Date.parse('2026-03-29T01:00:00Z') / 1000);
  assert.equal(cpythonZoned(seen.now, 'Europe/Berlin'), '2026-03-29T03:00:00+02:00');
  // A second before, the zone still read CET: the night lost its 02:00 hour.
  assert.equal(cpythonZoned('2026-03-29T00:59:59+00:00', 'Europe/Berlin'), '2026-03-29T01:59:59+01:00');
});
