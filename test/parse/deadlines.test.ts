// Cloud Code that misbehaves outside the request's promise: a handler that never yields is stopped at the
// time limit with Parse's "Script timed out" (124) — before its first await (the vm limit) or after it (the
// event-loop watchdog) — and an exception thrown later in a timer is logged while the answer (and the CLI's
// one JSON object) stands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCliJson, tempDir } from '../helpers';
import { rest, startServe } from './serveProcess';

const dir = tempDir();
fs.mkdirSync(path.join(dir, 'cloud'));
fs.writeFileSync(path.join(dir, 'cloud', 'main.js'), `
Parse.Cloud.define('spin', () => { while (true) {} });
Parse.Cloud.define('late', () => { setTimeout(() => { throw new Error('boom later'); }, 10); return 'ok'; });
Parse.Cloud.beforeSave('Loop', () => { for (;;) {} });
Parse.Cloud.define('asyncSpin', async () => { await null; for (;;) {} });
Parse.Cloud.define('microtaskSpin', async () => { for (;;) await null; });
Parse.Cloud.beforeSave('AsyncLoop', async () => { await null; for (;;) {} });
Parse.Cloud.beforeDelete('AsyncLoop', async () => { await null; for (;;) {} });
Parse.Cloud.job('asyncSpin', async () => { await null; for (;;) {} });
Parse.Cloud.job('legacySpin', (request, status) => {
  status.message('started');
  new Parse.Query('Nothing').find().then(() => { for (;;) {} });
});
// A legacy job by use (it calls status), so it is waited for; one that never used status would have succeeded
// when it returned, as on Parse 9, before its timer spun.
Parse.Cloud.job('timerSpin', (request, status) => { status.message('waiting'); setTimeout(() => { for (;;) {} }, 1); });
`);

const spun = { code: 124, error: 'Script timed out: the handler ran for 0.5 s without yielding (an endless loop?)' };

/** Runs the CLI in the fixture's folder; one that never ends is killed by runCli and fails its assertions. */
const run = (args: string[]): ReturnType<typeof runCliJson> => runCliJson(args, { cwd: dir });

test('a function that never yields ends at its time limit as 124, exit 1', () => {
  const { code, json } = runCliJson(['parse', 'call', 'spin', '--timeout', '0.5'], { cwd: dir });
  assert.equal(code, 1);
  assert.equal(json.status, 400);
  assert.deepEqual(json.body, { code: 124, error: 'Script timed out: the handler ran for 0.5 s without yielding (an endless loop?)' });
});

test('so does a beforeSave trigger, and the save is refused', () => {
  const { code, json } = runCliJson(['parse', 'save', 'Loop', '--data', '{"a":1}', '--timeout', '0.5'], { cwd: dir });
  assert.equal(code, 1);
  assert.equal(json.status, 400);
  assert.equal((json.body as { code: number }).code, 124);
});

test('an exception thrown later in a timer is logged; the answer stands', () => {
  const { code, json } = runCliJson(['parse', 'call', 'late'], { cwd: dir });
  assert.equal(code, 0);
  assert.deepEqual(json.body, { result: 'ok' });
  const logs = json.logs as { level: string; message: string }[];
  assert.ok(logs.some((entry) => entry.level === 'error' && /Uncaught exception in Cloud Code: Error: boom later/.test(entry.message)), JSON.stringify(logs));
});

test('a function that spins after an await ends at its time limit as 124, exit 1 (call)', () => {
  for (const name of ['asyncSpin', 'microtaskSpin']) {
    const { code, json } = run(['parse', 'call', name, '--timeout', '0.5']);
    assert.equal(code, 1, name);
    assert.equal(json.status, 400, name);
    assert.deepEqual(json.body, spun, name);
  }
});

test('so does a beforeSave or beforeDelete that spins after an await, and the write is refused (save, delete)', () => {
  const saved = run(['parse', 'save', 'AsyncLoop', '--data', '{"a":1}', '--timeout', '0.5']);
  assert.equal(saved.code, 1);
  assert.deepEqual(saved.json.body, spun);
  // An object to delete, stored through Cloud Code without triggers (the class's own beforeSave spins).
  fs.writeFileSync(path.join(dir, 'plain.js'), '');
  const created = runCliJson(['parse', 'save', 'AsyncLoop', '--data', '{"b":2}', '--cloud', 'plain.js'], { cwd: dir });
  assert.equal(created.code, 0, JSON.stringify(created.json));
  const id = (created.json.body as { objectId: string }).objectId;
  const deleted = run(['parse', 'delete', 'AsyncLoop', id, '--timeout', '0.5']);
  assert.equal(deleted.code, 1);
  assert.deepEqual(deleted.json.body, spun);
  const kept = runCliJson(['parse', 'save', 'AsyncLoop', '--id', id, '--data', '{"c":3}', '--cloud', 'plain.js'], { cwd: dir });
  assert.equal(kept.code, 0, JSON.stringify(kept.json));
});

test('a job that spins after an await does not hold the CLI past its time limit (job)', () => {
  const { code, json } = run(['parse', 'job', 'asyncSpin', '--timeout', '0.5']);
  assert.equal(code, 0);
  assert.equal(json.status, 200);
});

test('a job the watchdog stops is recorded as failed in _JobStatus with the time limit\'s message — after an await, in a legacy job\'s .then, in a bare setTimeout; the server goes on', async () => {
  const served = await startServe(['--cloud', path.join(dir, 'cloud', 'main.js'), '--db', path.join(dir, 'jobs.db'), '--timeout', '0.5']);
  try {
    for (const job of ['asyncSpin', 'legacySpin', 'timerSpin']) {
      const started = await rest(served.url, 'POST', `jobs/${job}`, {}, { masterKey: 'masterKey' });
      const jobId = started.headers.get('x-parse-job-status-id');
      assert.ok(jobId);
      let status: Record<string, unknown> = {};
      for (let tries = 0; tries < 300 && status.status !== 'failed'; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await rest(served.url, 'GET', `classes/_JobStatus/${jobId}`, {}, { masterKey: 'masterKey' })).body as Record<string, unknown>;
      }
      assert.equal(status.status, 'failed', `${job}: ${JSON.stringify(status)}`);
      assert.equal(status.message, spun.error);
      assert.ok(status.finishedAt);
    }
    assert.deepEqual((await rest(served.url, 'GET', 'health', {}, { appId: null })).body, { status: 'ok' });
  } finally {
    await served.stop();
  }
});
