// The run panel's "Test failed" section as data: a test of the JSON report of `cloudfn test` → what the
// section shows (cases in test/fixtures/client/testFailure.json), and a failing test's run added to the
// history like any finished run, with its section.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers';
import { testFailureView, type ReportedTest } from '../../client/views/runPanel/testFailure';
import { panelView, RunHistory } from '../../client/views/runPanel/runHistory';
import { failedRunResult, type RequestInput, type RunResult } from '../../runtime/cocobase/run';

interface Case { name: string; test: ReportedTest; expect: unknown }
const { cases } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'client', 'testFailure.json'), 'utf8')) as { cases: Case[] };

for (const testCase of cases) {
  test(`Test failed: ${testCase.name}`, () => {
    assert.deepEqual(testFailureView(testCase.test, 'greet.py'), testCase.expect);
  });
}

test('Test failed: a failing test\'s run enters the history finished, with its request, result and section', () => {
  const history = new RunHistory();
  const failure = testFailureView(cases[1]!.test, 'greet.py')!;
  const spec: RequestInput = { payload: { name: 'Ada' }, query: {}, headers: {}, user: 'u1', method: 'POST' };
  const result: RunResult = { ...failedRunResult({ type: 'X', message: 'x' }, [], 2.5), success: true, error: null, error_type: null, traceback: null, result: { message: 'Hello Ada!', length: 3 }, result_json: '{"message": "Hello Ada!", "length": 3}', output: 'hi\n' };
  const run = history.addTestRun('/p/functions/greet.py', 'greet.py', 'greets by name', spec, result, failure);
  assert.equal(history.all[0], run);
  assert.equal(run.status, 'succeeded', 'the run itself succeeded: its value differs from the expectation');
  assert.deepEqual(run.sent, { method: 'POST', target: 'greet.py', user: 'u1', body: { name: 'Ada' }, query: {}, headers: {} });
  assert.equal(run.payloadName, 'greets by name');
  assert.deepEqual(run.output, ['hi']);
  const view = panelView(run);
  assert.deepEqual(view.test, failure);
  assert.deepEqual(view.result?.result, { message: 'Hello Ada!', length: 3 });
});
