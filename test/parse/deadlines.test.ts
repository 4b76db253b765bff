// Cloud Code that misbehaves outside the request's promise: a handler that never yields is stopped at the
// time limit with Parse's "Script timed out" (124), and an exception thrown later in a timer is logged while
// the answer (and the CLI's one JSON object) stands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCliJson, tempDir } from '../helpers';

const dir = tempDir();
fs.mkdirSync(path.join(dir, 'cloud'));
fs.writeFileSync(path.join(dir, 'cloud', 'main.js'), `
Parse.Cloud.define('spin', () => { while (true) {} });
Parse.Cloud.define('late', () => { setTimeout(() => { throw new Error('boom later'); }, 10); return 'ok'; });
Parse.Cloud.beforeSave('Loop', () => { for (;;) {} });
`);

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
