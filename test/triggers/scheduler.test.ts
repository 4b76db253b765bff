// Schedules as data: croner's 5-field expressions in a time zone across a daylight-saving change and at month
// end, invalid expressions and zones with clear errors, and the scheduler firing on a fake clock (set just
// before a fire time) and across the DST night, on Node's mock timers (no real waiting); plus cloudfn.json's checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockFrom, nextFireTimes, scheduleCron, Scheduler, zonedTime } from '../../runtime/cocobase/triggers/scheduler';
import { parseProject, ProjectFileError, type ScheduleConfig } from '../../runtime/cocobase/triggers/projectConfig';

const schedule = (cron_expression: string, timezone = 'UTC', name = 'job'): ScheduleConfig =>
  ({ name, function_name: 'job', cron_expression, timezone, payload: {}, is_active: true });
const next = (config: ScheduleConfig, from: string, count = 3): string[] => {
  const cron = scheduleCron(config);
  assert.ok(!(cron instanceof Error), String(cron));
  return nextFireTimes(cron, count, new Date(from)).map((date) => date.toISOString());
};

test('fire times follow the zone across the spring and autumn changes, and month ends', () => {
  assert.deepEqual(next(schedule('30 1 * * *', 'Europe/Berlin'), '2026-03-28T00:00:00Z'),
    ['2026-03-28T00:30:00.000Z', '2026-03-29T00:30:00.000Z', '2026-03-29T23:30:00.000Z']);
  assert.deepEqual(next(schedule('0 12 * * *', 'America/New_York'), '2026-10-31T00:00:00Z', 3),
    ['2026-10-31T16:00:00.000Z', '2026-11-01T17:00:00.000Z', '2026-11-02T17:00:00.000Z']);
  assert.deepEqual(next(schedule('0 0 L * *'), '2026-02-01T00:00:00Z', 2), ['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
  assert.deepEqual(next(schedule('0 9 * * MON-FRI'), '2026-03-27T10:00:00Z', 2), ['2026-03-30T09:00:00.000Z', '2026-03-31T09:00:00.000Z']);
});

test('invalid expressions and zones are clear errors', () => {
  assert.match(String(scheduleCron(schedule('61 * * * *'))), /schedule 'job': cron_expression '61 \* \* \* \*' is invalid/);
  assert.match(String(scheduleCron(schedule('* * * * * *'))), /must have 5 fields .* it has 6/);
  assert.match(String(scheduleCron(schedule('* * * * *', 'Mars/Base'))), /timezone 'Mars\/Base' is not an IANA time zone/);
});

test('the scheduler fires on a fake clock set just before a fire time', async (t) => {
  // Node's mock timers stand in for the wall clock: nothing here waits for real time.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-11-27T12:00:00Z') });
  const fired: string[] = [];
  const scheduler = new Scheduler({
    schedules: () => [schedule('* * * * *', 'UTC', 'every-minute')],
    // 300 ms before 10:00:00 UTC; the clock runs at the (mocked) real pace from there.
    clock: clockFrom(new Date('2026-03-29T09:59:59.700Z')),
    fire: async (_config, at) => { fired.push(at.toISOString()); },
  });
  scheduler.start();
  await advance(t, 299);
  assert.deepEqual(fired, []);
  await advance(t, 1);
  assert.deepEqual(fired, ['2026-03-29T10:00:00.000Z']);
  scheduler.stop();
  await advance(t, 120_000);
  assert.deepEqual(fired, ['2026-03-29T10:00:00.000Z'], 'nothing fires once stopped');
});

/** Moves the mocked clock on in steps of at most a second, letting the runs' promises settle between them. */
async function advance(t: { mock: { timers: { tick(ms: number): void } } }, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 1000) {
    t.mock.timers.tick(Math.min(left, 1000));
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
}

test('across the DST night: hourly fires skip the lost hour, a time in the gap fires after it, a time reached during the previous run is skipped', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-03-28T23:30:00Z') });
  const fired: string[] = [];
  const logs: string[] = [];
  const pending: Array<() => void> = [];
  const scheduler = new Scheduler({
    schedules: () => [schedule('0 * * * *', 'Europe/Berlin', 'hourly'), schedule('30 2 * * *', 'Europe/Berlin', 'half-past-two')],
    fire: (config, at) => {
      fired.push(`${config.name} ${zonedTime(at, 'Europe/Berlin')}`);
      // The first hourly run goes on past the next hour; the others end at once.
      return fired.length === 1 ? new Promise<void>((resolve) => pending.push(resolve)) : Promise.resolve();
    },
    onLog: (line) => logs.push(line),
  });
  scheduler.start();
  await advance(t, 90 * 60_000);
  pending.shift()!();
  await advance(t, 90 * 60_000);
  scheduler.stop();
  assert.deepEqual(fired, [
    'hourly 2026-03-29 01:00 GMT+1',
    'half-past-two 2026-03-29 03:00 GMT+2',
    'hourly 2026-03-29 04:00 GMT+2',
  ]);
  assert.deepEqual(logs, ["schedule 'hourly': 2026-03-29T01:00:00.000Z skipped, the previous run is still going"]);
});

test('cloudfn.json: hooks and schedules are checked with messages that name the key', () => {
  const parsed = parseProject({ project_id: 'p', hooks: { collections: { posts: { post_save: 'audit' } }, auth: { pre_login: 'gate' } },
    schedules: [{ name: 'n', function_name: 'jobs.run', cron_expression: '0 2 * * *' }] }, 'cloudfn.json');
  assert.equal(parsed.schedules[0]!.timezone, 'UTC');
  assert.equal(parsed.schedules[0]!.is_active, true);
  assert.deepEqual(parsed.schedules[0]!.payload, {});
  assert.throws(() => parseProject({ hooks: { collections: { posts: { after_save: 'x' } } } }, 'cloudfn.json'),
    (error: unknown) => error instanceof ProjectFileError && /"hooks.collections.posts.after_save" is not a collection hook/.test(error.message));
  assert.throws(() => parseProject({ schedules: [{ name: 'a', function_name: 'f', cron_expression: '* * * * *' }, { name: 'a', function_name: 'g', cron_expression: '* * * * *' }] }, 'cloudfn.json'),
    /"schedules\[1\]".name 'a' is used by another schedule/);
});
