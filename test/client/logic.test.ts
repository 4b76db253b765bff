// The editor's logic without an editor: where the Run code lens goes, reading payload files, the document
// filters of function files, the run log's lines, the run history, the keys of the workspace state. Cases are
// data in test/fixtures/client/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readMarkdownCases } from '../markdownCases';
import { repoRoot } from '../helpers';
import { findFunctionEntry } from '../../client/python/functionEntry';
import { readPayloads, PayloadFileError, payloadsFileFor, withPayload } from '../../client/python/payloads';
import { functionSelector } from '../../client/python/functionSelector';
import { runEndLine, runStartLine, outputLine } from '../../client/views/runLog';
import { RunHistory, maxHistory } from '../../client/views/runPanel/runHistory';
import { emptyRequestInput, type RunResult } from '../../runtime/cocobase/run';
import { emptyChanges } from '../../runtime/store/changes';
import { PersistentState } from '../../client/persistentState';
import type { Memento, Uri } from 'vscode';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'client');

for (const testCase of readMarkdownCases(path.join(fixtures, 'entries.md'))) {
  test(`entry point: ${testCase.name}`, () => {
    const source = testCase.name.includes('Windows') ? testCase.source.replace(/\n/g, '\r\n') : testCase.source;
    const entry = findFunctionEntry(source);
    assert.equal(entry ? `${entry.kind}@${entry.line}` : 'none', testCase.expectations.expect);
  });
}

for (const testCase of readMarkdownCases(path.join(fixtures, 'payloads.md'))) {
  test(`payloads file: ${testCase.name}`, () => {
    const { error, names, first } = testCase.expectations;
    if (error !== undefined) {
      assert.throws(() => readPayloads(testCase.source), (thrown: unknown) => thrown instanceof PayloadFileError && thrown.message.startsWith(error));
      return;
    }
    const payloads = readPayloads(testCase.source);
    assert.equal(payloads.map((p) => p.name).join(', '), names);
    assert.deepEqual(payloads[0]!.spec, JSON.parse(first!));
  });
}

test('a payloads file sits beside its function and keeps entries in order when one is added', () => {
  assert.equal(payloadsFileFor('/w/functions/signup.py'), path.join('/w/functions', 'signup.payloads.json'));
  const text = withPayload(withPayload(undefined, 'b', emptyRequestInput()), 'a', { ...emptyRequestInput(), method: 'GET' });
  assert.deepEqual(readPayloads(text).map((p) => [p.name, p.spec.method]), [['b', 'POST'], ['a', 'GET']]);
});

test('function files: one filter per glob and one per project folder', () => {
  assert.deepEqual(functionSelector(['**/functions/**/*.py', 'tools/job.py'], ['/w/api']), [
    { scheme: 'file', language: 'python', pattern: '**/functions/**/*.py' },
    { scheme: 'file', language: 'python', pattern: 'tools/job.py' },
    { scheme: 'file', language: 'python', pattern: '/w/api/**/*.py' },
  ]);
});

function result(overrides: Partial<RunResult>): RunResult {
  return {
    success: true, result: null, result_json: 'null', output: '', error: null, execution_time: 12.345, status_code: null, error_type: null,
    error_line: null, traceback: null, changes: emptyChanges(), committed: false, timings: { run_ms: 0, commit_ms: 0, save_ms: 0 }, ...overrides,
  };
}

test('run log lines', () => {
  assert.equal(runStartLine('functions/a.py', 'valid', null), '▶ run functions/a.py · payload "valid" · user anonymous');
  assert.equal(outputLine('hello'), '│ hello');
  assert.equal(runEndLine('functions/a.py', result({ status_code: 201, changes: { ...emptyChanges(), created: 2 } })),
    '✔ functions/a.py succeeded in 12.3 ms · HTTP 201 · 2 created, 0 updated, 0 deleted');
  assert.equal(runEndLine('functions/a.py', result({ success: false, error: 'ValueError: bad', error_line: 4 })),
    '✘ functions/a.py failed in 12.3 ms · ValueError: bad (line 4)');
});

test('run history: newest first, bounded, output replaced by the complete result output', () => {
  const history = new RunHistory();
  const first = history.start('/w/a.py', 'a.py', 'p', emptyRequestInput());
  first.output.push('partial');
  history.finish(first, result({ output: 'one\ntwo\n' }));
  assert.deepEqual(first.output, ['one', 'two']);
  assert.equal(first.status, 'succeeded');
  for (let i = 0; i < maxHistory + 5; i++) history.start('/w/b.py', 'b.py', 'p', emptyRequestInput());
  assert.equal(history.all.length, maxHistory);
  assert.equal(history.get(first.id), undefined);
  assert.ok(history.all[0]!.id > history.all[1]!.id);
});

test('persistent state: each value under the key existing workspaces hold', async () => {
  const stored = new Map<string, unknown>();
  const memento = { get: (key: string) => stored.get(key), update: async (key: string, value: unknown) => { stored.set(key, value); }, keys: () => [...stored.keys()] };
  const state = new PersistentState(memento as unknown as Memento);
  const uri = { toString: () => 'file:///w/functions/a.py' } as Uri;
  const cloud = { toString: () => 'file:///w/cloud/main.js' } as Uri;
  await state.setRunChoice(uri, { payloadName: 'valid', user: null });
  await state.setLastRequest(uri, emptyRequestInput());
  await state.setParseUser(cloud, { objectId: 'u1', label: 'ada' });
  await state.setLastParseInput(cloud, { kind: 'function', name: 'hello' }, { name: 'typed', value: {} });
  assert.deepEqual([...stored.keys()], [
    'cloudfn.choice:file:///w/functions/a.py', 'cloudfn.lastRun:file:///w/functions/a.py',
    'cloudfn.parse.user:file:///w/cloud/main.js', 'cloudfn.parse.last:file:///w/cloud/main.js:function hello',
  ]);
  assert.deepEqual(state.runChoice(uri), { payloadName: 'valid', user: null });
  assert.deepEqual(state.lastParseInput(cloud, { kind: 'function', name: 'hello' }), { name: 'typed', value: {} });
});
