// `cloudfn run` and the editor's runs in the executions log: each run recorded as `manual` (success, failed,
// timeout) with its logs, payload and duration, named as serve names functions; the collection hooks of its
// committed writes run after it with the run as their parent (the chain); a failed run fires nothing; `--json`
// keeps its fields. The runtime writes the record itself: with a run's writes as one journal entry, alone for
// a run that wrote nothing; a written collection's webhook_url is reported back so that the CLI delivers it;
// the newest 500 records per function are kept. The editor's side is driven through its runtime client and
// the real host process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, tempDir } from '../helpers';
import { RuntimeClient } from '../../client/runtimeClient';
import { buildRunRequest } from '../../runtime/cocobase/run';
import { scanJournal } from '../../runtime/store/journal';
import { Store } from '../../runtime/store/store';
import { ExecutionLog, keptPerFunction } from '../../runtime/cocobase/triggers/executions';

const dir = tempDir();
const db = path.join(dir, 'local.db');
fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({ hooks: { collections: { posts: { post_save: 'hooks/audit' } } } }));
fs.mkdirSync(path.join(dir, 'hooks'));
fs.writeFileSync(path.join(dir, 'hooks', 'audit.py'), 'def main():\n    return request.json()["document"]["title"]\n');
fs.writeFileSync(path.join(dir, 'writer.py'), 'def main():\n    print("writing")\n    return db.create_document("posts", {"title": request.get("title")})["id"]\n');
fs.writeFileSync(path.join(dir, 'broken.py'), 'def main():\n    db.create_document("posts", {"title": "never"})\n    raise ValueError("after a write")\n');
fs.writeFileSync(path.join(dir, 'spin.py'), 'def main():\n    while True:\n        pass\n');
fs.writeFileSync(path.join(dir, 'reader.py'), 'def main():\n    return db.count_documents("posts")\n');
fs.writeFileSync(path.join(dir, 'order.py'), 'def main():\n    return db.create_document("orders", {"total": 3})["id"]\n');
fs.writeFileSync(path.join(dir, 'receipt.py'), 'def main():\n    return request.json()["event_type"]\n');

/** The journal entries of a database (each save of a run is one). */
const journalEntries = (database: string): number => scanJournal(`${database}.cloudfn-journal`, 0)?.frames.length ?? 0;

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
  assert.equal(fresh[1]!.error, 'TimeoutError: the function did not finish within its 1 s time limit');
});

test('the record is saved with the run\'s writes (one journal entry); a run that only read records alone', () => {
  const own = path.join(dir, 'journal.db');
  assert.equal(runCli(['run', path.join(dir, 'reader.py'), '--db', own]).code, 0);
  const first = journalEntries(own);
  assert.equal(runCli(['run', path.join(dir, 'order.py'), '--db', own]).code, 0);
  assert.equal(journalEntries(own), first + 1, 'the write and its record share one save');
  const records = logs(own);
  assert.deepEqual(records.map((record) => [record.function_name, record.status, record.result]), [['reader', 'success', '0'], ['order', 'success', records[1]!.result]]);
  assert.match(String(records[1]!.result), /^"[0-9a-f-]{36}"$/);
});

test('a written collection\'s webhook_url is delivered (a local function) with the run as its parent', () => {
  const own = path.join(dir, 'webhook.db');
  const fixture = path.join(dir, 'orders.fixture.json');
  fs.writeFileSync(fixture, JSON.stringify({ format: 'cloudfn-fixture', version: 1, app_users: [],
    collections: [{ name: 'orders', webhook_url: 'http://localhost:1337/functions/receipt/execute', documents: [] }] }));
  assert.equal(runCli(['db', 'import', fixture, '--db', own]).code, 0);
  const run = runCli(['run', path.join(dir, 'order.py'), '--db', own]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /webhook of orders → receipt: success/);
  const [manual, webhook] = logs(own);
  assert.equal(manual!.function_name, 'order');
  assert.deepEqual([webhook!.function_name, webhook!.trigger_detail, webhook!.parent_id, webhook!.result], ['receipt', 'webhook of orders', manual!.id, '"create"']);
});

test('the runtime keeps the newest 500 records of a function', async () => {
  const own = path.join(dir, 'retention.db');
  const store = await Store.open(own);
  const log = new ExecutionLog(store);
  for (let i = 0; i < keptPerFunction; i++) {
    log.add({ id: `old-${i}`, function_name: 'reader', triggered_by: 'manual', trigger_detail: null, status: 'success',
      started_at: new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString(), duration_ms: 1, payload: {}, logs: '', result: '0', error: null, status_code: null, parent_id: null });
  }
  log.flush();
  store.close();
  assert.equal(runCli(['run', path.join(dir, 'reader.py'), '--db', own]).code, 0);
  const kept = logs(own);
  assert.equal(kept.length, keptPerFunction);
  assert.equal(kept[0]!.id, 'old-1', 'the oldest record went');
  assert.equal(kept.at(-1)!.trigger_detail, `cloudfn run ${path.join(dir, 'reader.py')}`);
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
