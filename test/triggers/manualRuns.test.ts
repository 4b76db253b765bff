// `cloudfn run` and the editor's runs in the executions log: each run recorded as `manual` (success, failed,
// timeout) with its logs, payload and duration, named as serve names functions; the collection hooks of its
// committed writes run after it with the run as their parent (the chain); a failed run fires nothing; `--json`
// keeps its fields. The editor's side is driven through its runtime client and the real host process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, tempDir } from '../helpers';
import { RuntimeClient } from '../../client/runtimeClient';
import { buildRunRequest } from '../../runtime/cocobase/run';

const dir = tempDir();
const db = path.join(dir, 'local.db');
fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({ hooks: { collections: { posts: { post_save: 'hooks/audit' } } } }));
fs.mkdirSync(path.join(dir, 'hooks'));
fs.writeFileSync(path.join(dir, 'hooks', 'audit.py'), 'def main():\n    return request.json()["document"]["title"]\n');
fs.writeFileSync(path.join(dir, 'writer.py'), 'def main():\n    print("writing")\n    return db.create_document("posts", {"title": request.get("title")})["id"]\n');
fs.writeFileSync(path.join(dir, 'broken.py'), 'def main():\n    db.create_document("posts", {"title": "never"})\n    raise ValueError("after a write")\n');
fs.writeFileSync(path.join(dir, 'spin.py'), 'def main():\n    while True:\n        pass\n');

const logs = (database = db): Array<Record<string, unknown>> => {
  const result = runCli(['logs', '--db', database, '--json', '--limit', '500']);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
};

test('a run is a manual execution; the hooks of its writes run after it, as its children', () => {
  const run = runCli(['run', path.join(dir, 'writer.py'), '--db', db, '--payload', '{"title": "hello"}', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(report), ['success', 'result', 'output', 'error', 'execution_time', 'status_code', 'error_type', 'error_line',
    'traceback', 'changes', 'committed', 'timings', 'outbox', 'http_calls', 'triggered_by', 'content_type']);
  assert.match(run.stderr, /post_save on posts → hooks\/audit: success/);
  const [manual, hook] = logs();
  assert.equal(manual!.function_name, 'writer');
  assert.equal(manual!.triggered_by, 'manual');
  assert.equal(manual!.status, 'success');
  assert.equal(manual!.logs, 'writing\n');
  assert.deepEqual(manual!.payload, { title: 'hello' });
  assert.equal(manual!.result, JSON.stringify(report.result));
  assert.equal(manual!.parent_id, null);
  assert.equal(hook!.function_name, 'hooks/audit');
  assert.equal(hook!.triggered_by, 'db-event');
  assert.equal(hook!.parent_id, manual!.id);
  assert.equal(hook!.result, '"hello"');
});

test('a failed run is recorded as failed and fires nothing; a run stopped at its time limit as timeout', () => {
  const before = logs().length;
  assert.equal(runCli(['run', path.join(dir, 'broken.py'), '--db', db]).code, 1);
  assert.equal(runCli(['run', path.join(dir, 'spin.py'), '--db', db, '--timeout', '1']).code, 1);
  const fresh = logs().slice(before);
  assert.deepEqual(fresh.map((record) => [record.function_name, record.triggered_by, record.status]), [
    ['broken', 'manual', 'failed'],
    ['spin', 'manual', 'timeout'],
  ]);
  assert.equal(fresh[0]!.error, 'ValueError: after a write');
});

test('a GET run records its query as the payload; cloudfn logs filters manual runs by function', () => {
  assert.equal(runCli(['run', path.join(dir, 'writer.py'), '--db', db, '--method', 'GET', '--query', 'title=q']).code, 0);
  const text = runCli(['logs', '--db', db, '--function', 'writer']);
  assert.match(text.stdout, /success manual\s+writer .*\(cloudfn run .*writer\.py\)/);
  const records = logs().filter((record) => record.function_name === 'writer');
  assert.deepEqual(records.at(-1)!.payload, { title: 'q' });
});

test('an editor run (through the runtime host) is a manual execution, and its writes fire the hooks', async () => {
  const editorDb = path.join(dir, 'editor.db');
  const client = new RuntimeClient({ hostScript: path.join(repoRoot, 'dist', 'runtimeHost.js'), dbPath: editorDb, memoryLimitMb: 512 });
  try {
    await client.start();
    const file = path.join(dir, 'writer.py');
    const run = buildRunRequest({ source: fs.readFileSync(file, 'utf8'), filename: 'writer.py', timeoutMs: 20_000 },
      { payload: { title: 'from the editor' }, query: {}, headers: {}, method: 'POST', user: null }, 'test');
    assert.equal((await client.run({ ...run, functionPath: file })).success, true);
    let records: Array<Record<string, unknown>> = [];
    for (let waited = 0; records.length < 2 && waited < 20_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      records = logs(editorDb);
    }
    assert.deepEqual(records.map((record) => [record.function_name, record.triggered_by, record.trigger_detail, record.status]), [
      ['writer', 'manual', 'editor run of writer.py', 'success'],
      ['hooks/audit', 'db-event', 'post_save on posts', 'success'],
    ]);
    assert.equal(records[1]!.parent_id, records[0]!.id);
    assert.equal(records[1]!.result, '"from the editor"');
  } finally {
    client.dispose();
  }
});
