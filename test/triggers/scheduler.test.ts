// Schedules as data: croner's 5-field expressions in a time zone across a daylight-saving change and at month
// end, invalid expressions and zones with clear errors, and the scheduler firing on a fake clock (set just
// before a fire time); plus cloudfn.json's checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockFrom, nextFireTimes, scheduleCron, Scheduler } from '../../runtime/cocobase/triggers/scheduler';
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

test('the scheduler fires on a fake clock set just before a fire time', async () => {
  const fired: string[] = [];
  const logs: string[] = [];
  let release!: () => void;
  const scheduler = new Scheduler({
    schedules: () => [schedule('* * * * *', 'UTC', 'every-minute')],
    // 300 ms before 10:00:00 UTC; the clock runs at the real pace from there.
    clock: clockFrom(new Date('2026-03-29T09:59:59.700Z')),
    fire: (_config, at) => { fired.push(at.toISOString()); return new Promise<void>((resolve) => { release = resolve; }); },
    onLog: (line) => logs.push(line),
  });
  scheduler.start();
  await new Promise((resolve) => setTimeout(resolve, 800));
  scheduler.stop();
  release();
  assert.deepEqual(fired, ['2026-03-29T10:00:00.000Z']);
  assert.deepEqual(logs, []);
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
