// The Triggers view's and the trigger code lenses' model without an editor: schedules with their next fire
// times (the weekday and time checked against CPython's zoneinfo), hooks per collection, which triggers name a
// function file and where their lenses go, the payload of a simulated hook, and serve's URL line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseProject, type TriggersProject } from '../../runtime/cocobase/triggers/projectConfig';
import { functionIdOf } from '../../runtime/cocobase/triggers/functions';
import {
  authHooks, collectionHooks, definitionLine, parseClockTime, scheduleItem, serveUrlOf, shortZonedTime, simulatedAuthPayload, simulatedHookPayload,
  triggerLenses, triggersOf,
} from '../../client/views/triggers/triggersModel';

const root = path.resolve('/work/project');
const project: TriggersProject = parseProject({
  project_id: 'shop',
  hooks: {
    collections: { posts: { post_save: 'hooks/on_post', pre_delete: 'hooks/on_post', pre_save: 'hooks/check' }, comments: { post_delete: 'hooks/cleanup' } },
    auth: { pre_login: 'auth/gate' },
  },
  schedules: [
    { name: 'nightly-cleanup', function_name: 'jobs/cleanup', cron_expression: '0 2 * * *', timezone: 'Europe/Berlin' },
    { name: 'hourly-report', function_name: 'jobs/reports.hourly', cron_expression: '15 * * * *' },
    { name: 'paused', function_name: 'jobs/cleanup', cron_expression: '0 3 * * *', is_active: false },
    { name: 'broken', function_name: 'jobs/cleanup', cron_expression: '0 2 * *', timezone: 'UTC' },
  ],
}, path.join(root, 'cloudfn.json'));
const files = new Set(['hooks/on_post', 'hooks/check', 'hooks/cleanup', 'auth/gate', 'jobs/cleanup', 'jobs/reports']);
const exists = (id: string): boolean => files.has(id);
// Monday 30 March 2026, noon UTC (Berlin is on summer time since the day before).
const now = new Date('2026-03-30T12:00:00Z');

test('a schedule lists its next fire time in its zone, and the next five in its zone and UTC', () => {
  const item = scheduleItem(project.schedules[0]!, now);
  assert.equal(item.error, null);
  assert.equal(item.next?.toISOString(), '2026-03-31T00:00:00.000Z');
  assert.equal(item.nextLabel, 'next: Tue 02:00 Europe/Berlin');
  assert.equal(item.upcoming.length, 5);
  // The zone's name is what the scheduler's zonedTime (Intl) calls it: CEST or GMT+2 by ICU's data.
  assert.match(item.upcoming[0]!, /^2026-03-31 02:00 \S+ \(2026-03-31T00:00:00\.000Z\)$/);
  assert.match(item.upcoming[4]!, /^2026-04-04 02:00 \S+ \(2026-04-04T00:00:00\.000Z\)$/);
  assert.equal(scheduleItem(project.schedules[1]!, now).nextLabel, 'next: Mon 12:15 UTC');
});

test('an inactive schedule says so; an invalid one gives the scheduler\'s error', () => {
  const paused = scheduleItem(project.schedules[2]!, now);
  assert.equal(paused.nextLabel, 'inactive');
  assert.equal(paused.next, null);
  const broken = scheduleItem(project.schedules[3]!, now);
  assert.equal(broken.nextLabel, 'invalid');
  assert.match(broken.error ?? '', /schedule 'broken': cron_expression '0 2 \* \*' must have 5 fields/);
});

test('the short zoned time is the weekday and time CPython\'s zoneinfo gives, with the date beyond a week', () => {
  const times = ['2026-03-31T00:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-12-31T23:59:00Z', '2026-04-01T18:45:00Z'];
  const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'];
  const python = spawnSync('python3', ['-c', `
import json, sys
from datetime import datetime
from zoneinfo import ZoneInfo
times, zones = json.load(sys.stdin)
print(json.dumps([[datetime.fromisoformat(t.replace("Z", "+00:00")).astimezone(ZoneInfo(z)).strftime("%a %H:%M|%a %-d %b %H:%M") for z in zones] for t in times]))
`], { input: JSON.stringify([times, zones]), encoding: 'utf8' });
  assert.equal(python.status, 0, python.stderr);
  const expected = JSON.parse(python.stdout) as string[][];
  times.forEach((time, i) => zones.forEach((zone, j) => {
    const date = new Date(time);
    const [withinWeek, later] = expected[i]![j]!.split('|');
    assert.equal(shortZonedTime(date, zone, new Date(date.getTime() - 86_400_000)), withinWeek, `${time} in ${zone}`);
    assert.equal(shortZonedTime(date, zone, new Date(date.getTime() - 30 * 86_400_000)), later, `${time} in ${zone}, a month ahead`);
  }));
});

test('hooks are listed per collection (sorted, events in the spec\'s order) and auth hooks apart', () => {
  assert.deepEqual(collectionHooks(project), [
    { collection: 'comments', hooks: [{ event: 'post_delete', functionName: 'hooks/cleanup' }] },
    { collection: 'posts', hooks: [{ event: 'pre_save', functionName: 'hooks/check' }, { event: 'post_save', functionName: 'hooks/on_post' }, { event: 'pre_delete', functionName: 'hooks/on_post' }] },
  ]);
  assert.deepEqual(authHooks(project), [{ event: 'pre_login', functionName: 'auth/gate' }]);
});

test('a function file\'s id is its path in the project without .py; files outside have none', () => {
  assert.equal(functionIdOf(root, path.join(root, 'hooks', 'on_post.py')), 'hooks/on_post');
  assert.equal(functionIdOf(root, path.join(root, 'main.py')), 'main');
  assert.equal(functionIdOf(root, path.join(root, '..', 'other', 'x.py')), undefined);
  assert.equal(functionIdOf(root, path.join(root, 'notes.txt')), undefined);
});

test('the triggers of a function file: its hooks, and the schedules naming it or one of its functions', () => {
  assert.deepEqual(triggersOf(project, 'hooks/on_post', exists), {
    hooks: [{ collection: 'posts', event: 'post_save' }, { collection: 'posts', event: 'pre_delete' }], auth: [], schedules: [],
  });
  assert.deepEqual(triggersOf(project, 'auth/gate', exists), { hooks: [], auth: ['pre_login'], schedules: [] });
  assert.deepEqual(triggersOf(project, 'jobs/cleanup', exists).schedules.map((s) => [s.schedule.name, s.entry]), [['nightly-cleanup', null], ['paused', null], ['broken', null]]);
  assert.deepEqual(triggersOf(project, 'jobs/reports', exists).schedules.map((s) => [s.schedule.name, s.entry]), [['hourly-report', 'hourly']]);
  assert.deepEqual(triggersOf(project, 'jobs/reports', () => false), { hooks: [], auth: [], schedules: [] }, 'no file, no schedule');
});

test('code lenses: Simulate per hook on the entry line, Run as schedule and its next time on main or the entry\'s def', () => {
  const hook = triggerLenses(project, 'hooks/on_post', 'import json\n\ndef main():\n    return 1\n', 2, now, exists);
  assert.deepEqual(hook.map((lens) => [lens.line, lens.title, lens.action]), [
    [2, '$(zap) Simulate post_save on posts…', { kind: 'simulateHook', collection: 'posts', event: 'post_save' }],
    [2, '$(zap) Simulate pre_delete on posts…', { kind: 'simulateHook', collection: 'posts', event: 'pre_delete' }],
  ]);
  assert.deepEqual(triggerLenses(project, 'auth/gate', 'def main():\n    pass\n', 0, now, exists).map((lens) => [lens.line, lens.title, lens.action]), [
    [0, '$(zap) Simulate pre_login…', { kind: 'simulateAuthHook', event: 'pre_login' }],
  ]);
  const cleanup = triggerLenses(project, 'jobs/cleanup', 'def main():\n    pass\n', 0, now, exists);
  assert.deepEqual(cleanup.map((lens) => [lens.line, lens.title]), [
    [0, '$(watch) Run as schedule nightly-cleanup'], [0, 'next: Tue 02:00 Europe/Berlin'],
    [0, '$(watch) Run as schedule paused'], [0, 'inactive'],
    [0, '$(watch) Run as schedule broken'], [0, '$(error) schedule \'broken\': cron_expression \'0 2 * *\' must have 5 fields (minute hour day-of-month month day-of-week), it has 4'],
  ]);
  assert.equal(cleanup[1]!.action, undefined, 'the next time only tells');
  const reports = 'def helper():\n    pass\n\nasync def hourly():\n    return 1\n';
  assert.deepEqual(triggerLenses(project, 'jobs/reports', reports, undefined, now, exists).map((lens) => [lens.line, lens.title]), [
    [3, '$(watch) Run as schedule hourly-report'], [3, 'next: Mon 12:15 UTC'],
  ]);
  assert.equal(definitionLine(reports, 'helper'), 0);
  assert.equal(definitionLine(reports, 'missing'), undefined);
});

test('a simulated hook gets the payload the runtime\'s hooks send for the document', () => {
  const document = { id: 'p1', data: { title: 'Hello', id: 'not the id' }, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z' };
  assert.deepEqual(simulatedHookPayload(project, 'posts', 'post_save', document), {
    event: 'post_save', collection: 'posts', operation: 'create', document_id: 'p1',
    document: { id: 'p1', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z', title: 'Hello' },
  });
  assert.deepEqual(simulatedHookPayload(project, 'posts', 'pre_save', document), {
    event: 'pre_save', collection: 'posts', operation: 'create', document: { title: 'Hello', id: 'not the id' },
  });
  assert.deepEqual(simulatedHookPayload(project, 'posts', 'pre_delete', document), {
    event: 'pre_delete', collection: 'posts', document_id: 'p1',
    document: { id: 'p1', created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-02T00:00:00Z', title: 'Hello' },
  });
  assert.throws(() => simulatedHookPayload(project, 'comments', 'post_save', document), /no post_save hook on comments/);
});

test('serve\'s URL is read from the line it prints once it listens', () => {
  assert.equal(serveUrlOf('cloudfn serve: CocoBASE functions of /w/p at http://127.0.0.1:1337/functions/{name}/execute and /functions/shop/func/{name} (2 runtimes)'), 'http://127.0.0.1:1337');
  assert.equal(serveUrlOf('cloudfn serve: Parse API at http://127.0.0.1:1337/parse (app id x)'), undefined);
  assert.equal(serveUrlOf('info: CocoBASE functions of x at http://127.0.0.1:1/functions/'), undefined);
});

test('time travel: the clock is read as --now reads it, and a 02:00 schedule on the spring-forward night fires at 03:00', () => {
  assert.equal(parseClockTime('2026-03-29T00:30Z')?.toISOString(), '2026-03-29T00:30:00.000Z');
  assert.equal(parseClockTime(' 2026-03-29T00:30 ')?.toISOString(), '2026-03-29T00:30:00.000Z', 'no zone: UTC');
  assert.equal(parseClockTime('2026-03-29T02:30+02:00')?.toISOString(), '2026-03-29T00:30:00.000Z');
  assert.equal(parseClockTime('2026-03-29')?.toISOString(), '2026-03-29T00:00:00.000Z');
  assert.equal(parseClockTime('tomorrow'), undefined);
  // 02:00 does not exist in Berlin that night: the first minute after the gap, 03:00 CEST (01:00 UTC).
  const item = scheduleItem(project.schedules[0]!, parseClockTime('2026-03-29T00:30Z')!);
  assert.equal(item.next?.toISOString(), '2026-03-29T01:00:00.000Z');
  assert.equal(item.nextLabel, 'next: Sun 03:00 Europe/Berlin');
});

test('a simulated auth hook gets the payload of the spec for its event', () => {
  const user = { id: 'u1', email: 'ada@example.com', data: { name: 'Ada' }, roles: ['admin'], created_at: '2026-01-01T00:00:00Z' };
  assert.deepEqual(simulatedAuthPayload('pre_register', user), { event: 'pre_register', email: 'ada@example.com', data: { name: 'Ada' } });
  assert.deepEqual(simulatedAuthPayload('pre_login', user), { event: 'pre_login', email: 'ada@example.com', user });
  assert.deepEqual(simulatedAuthPayload('pre_user_update', user), { event: 'pre_user_update', user, changes: {} });
  assert.deepEqual(simulatedAuthPayload('post_user_update', user), { event: 'post_user_update', user, old_data: { name: 'Ada' } });
  for (const event of ['post_register', 'post_login', 'pre_user_delete', 'post_user_delete'] as const) {
    assert.deepEqual(simulatedAuthPayload(event, user), { event, user });
  }
});
