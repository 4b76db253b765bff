// Runs of the executions log in the run panel's history: a record written by the triggers' ExecutionLog (over a
// real store) read back and added as a finished run — its payload, result, error, what fired it and the run
// whose write fired it — once, however often the log is read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir } from '../helpers';
import { Store } from '../../runtime/store/store';
import { ExecutionLog, type ExecutionRecord } from '../../runtime/cocobase/triggers/executions';
import { RunHistory, panelView, resultJson } from '../../client/views/runPanel/runHistory';
import { executionLabel } from '../../client/views/runPanel/executions';

const base: ExecutionRecord = {
  id: 'e1', function_name: 'functions/publish', triggered_by: 'http', trigger_detail: 'POST /functions/functions/publish/execute', status: 'success',
  started_at: '2026-03-30T12:00:00.000Z', duration_ms: 12.5, payload: { title: 'Hi' }, logs: 'one\ntwo\n', result: '{"id": "p1", "n": 10.0}',
  error: null, status_code: 201, parent_id: null,
};
const hook: ExecutionRecord = {
  ...base, id: 'e2', function_name: 'functions/on_post', triggered_by: 'db-event', trigger_detail: 'post_save on posts', status: 'failed',
  started_at: '2026-03-30T12:00:01.000Z', logs: '', result: null, error: 'ZeroDivisionError: division by zero', status_code: null, parent_id: 'e1',
};
const timedOut: ExecutionRecord = { ...base, id: 'e3', triggered_by: 'schedule', trigger_detail: null, status: 'timeout', result: null, error: null, started_at: '2026-03-30T12:00:02.000Z' };

/** The records as the log gives them back: written by ExecutionLog to a database file, then listed (newest first). */
async function logged(records: ExecutionRecord[]): Promise<ExecutionRecord[]> {
  const store = await Store.open(path.join(tempDir(), 'local.db'));
  const log = new ExecutionLog(store);
  for (const record of records) log.add(record);
  log.flush();
  const listed = log.list({ since: '2026-03-30T00:00:00.000Z' });
  store.close();
  return listed;
}

test('an execution becomes a finished run with its payload, output, exact result and what fired it', async () => {
  const [record] = (await logged([base]));
  const history = new RunHistory();
  const run = history.addExecution(record!, '/w/functions/publish.py')!;
  assert.equal(run.status, 'succeeded');
  assert.equal(run.label, 'functions/publish.py');
  assert.equal(run.file, '/w/functions/publish.py');
  assert.deepEqual(run.sent.body, { title: 'Hi' });
  assert.deepEqual(run.spec.payload, { title: 'Hi' });
  assert.deepEqual(run.output, ['one', 'two']);
  assert.deepEqual(run.result?.result, { id: 'p1', n: 10 });
  assert.equal(resultJson(run), '{\n  "id": "p1",\n  "n": 10.0\n}');
  assert.equal(run.result?.status_code, 201);
  assert.equal(run.result?.triggered_by, 'http');
  assert.deepEqual(run.as, { label: 'POST /functions/functions/publish/execute', triggeredBy: 'http' });
  assert.deepEqual(run.execution, { id: 'e1', parentId: null });
  assert.equal(run.endedAt! - run.startedAt, 12.5);
  assert.equal(panelView(run).effects, null);
});

test('a failed hook execution keeps its error and the run that fired it; a timeout says so', async () => {
  const history = new RunHistory();
  const records = await logged([hook, timedOut]);
  const failed = history.addExecution(records.find((r) => r.id === 'e2')!, '')!;
  assert.equal(failed.status, 'failed');
  assert.equal(failed.result?.error_type, 'ZeroDivisionError');
  assert.equal(failed.failure?.summary, 'ZeroDivisionError: division by zero');
  assert.deepEqual(failed.execution, { id: 'e2', parentId: 'e1' });
  assert.equal(failed.as?.label, 'post_save on posts');
  const late = history.addExecution(records.find((r) => r.id === 'e3')!, '')!;
  assert.equal(late.result?.error_type, 'TimeoutError');
  assert.equal(late.failure?.summary, 'the run timed out');
  assert.equal(late.as?.label, 'schedule', 'without a detail, the trigger');
  assert.equal(executionLabel(timedOut), 'schedule');
});

test('an execution already in the history is not added again', () => {
  const history = new RunHistory();
  assert.ok(history.addExecution(base, ''));
  assert.equal(history.addExecution(base, ''), undefined);
  assert.equal(history.all.length, 1);
});

test('the log\'s record of an editor run is that run, not a second entry; the hooks its writes fired are added', () => {
  const history = new RunHistory();
  const own = history.start('/w/functions/publish.py', 'functions/publish.py', 'default', { payload: {}, query: {}, headers: {}, user: null, method: 'POST' },
    { method: 'POST', target: 'functions/publish.py', user: null, body: {}, query: {}, headers: {} });
  own.ownExecutionId = 'e1';
  assert.equal(history.addExecution({ ...base, triggered_by: 'manual', trigger_detail: 'editor run of publish.py' }, ''), undefined);
  const fired = history.addExecution(hook, '')!;
  assert.deepEqual(fired.execution, { id: 'e2', parentId: 'e1' });
  assert.equal(history.all.length, 2);
});
