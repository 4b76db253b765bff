// The current API's environment as data (fixtures/python/current-env.md): injected modules and getattr,
// request.payload/proj/user, config with the secrets file and its redaction, the outbox of mails, http calls
// answered by mocks or refused, and render with Jinja2, all in one real runtime with the project of
// test/fixtures/project (copied to a temporary folder, where the secrets file is written).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import type { RunResult } from '../../runtime/cocobase/run';
import { readMarkdownCases } from '../markdownCases';
import { repoRoot, runRequest, tempDir } from '../helpers';

const dir = tempDir();
const project = path.join(dir, 'project');
const functionPath = path.join(project, 'functions', 'fn.py');
let supervisor: PythonSupervisor;

before(async () => {
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'project'), project, { recursive: true });
  fs.writeFileSync(path.join(project, 'cloudfn.secrets.json'), JSON.stringify({ STRIPE_KEY: 'sk_test_secret_value', WEBHOOK_TOKEN: 'whk_0123456789' }));
  supervisor = new PythonSupervisor({ dbPath: path.join(dir, 'env.db') });
  const seeded = await supervisor.run(runRequest([
    'def main():',
    '    db.create_app_user("admin@example.com", "pw", data={"plan": "pro"}, roles=["admin", "user"])',
    '    db.create_app_user("bob@example.com", "pw")',
    '    return 1',
  ].join('\n')));
  assert.equal(seeded.error, null);
});
after(() => supervisor.dispose());

/** The http calls of a run without their durations (which vary). */
const calls = (result: RunResult) => result.http_calls.map(({ duration_ms: _duration, ...call }) => call);

for (const sample of readMarkdownCases(path.join(repoRoot, 'test', 'fixtures', 'python', 'current-env.md'))) {
  test(sample.name, async () => {
    const { expect, message, result_json: resultJson, output, outbox, http_calls: httpCalls, content_type: contentType,
      status_code: statusCode, payload, user, network, timeout_ms: timeoutMs } = sample.expectations;
    const base = runRequest(sample.source, { functionPath, allowNetwork: network === 'true', user: user ?? null,
      timeoutMs: timeoutMs ? Number(timeoutMs) : 10_000 });
    const result = await supervisor.run({ ...base, request: { ...base.request, payload: payload ? JSON.parse(payload) : {} } });
    if (expect !== undefined) {
      assert.equal(result.error_type, expect, `${result.error ?? result.result_json}`);
      if (message !== undefined) assert.ok(result.error!.includes(message), result.error!);
      assert.ok(!JSON.stringify(result).includes('sk_test_secret_value'), 'a secret leaked into a failed run');
    } else {
      assert.equal(result.error, null, `${result.traceback}`);
      assert.equal(result.result_json, resultJson);
    }
    if (output !== undefined) assert.equal(result.output, JSON.parse(output));
    if (outbox !== undefined) assert.deepEqual(result.outbox, JSON.parse(outbox));
    if (httpCalls !== undefined) assert.deepEqual(calls(result), JSON.parse(httpCalls));
    assert.equal(result.content_type, contentType === undefined ? null : JSON.parse(contentType));
    if (statusCode !== undefined) assert.equal(result.status_code, JSON.parse(statusCode));
    assert.equal(result.triggered_by, 'manual');
  });
}
