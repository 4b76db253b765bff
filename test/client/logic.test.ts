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
import { RunHistory, maxHistory, panelOutputLines, panelView, resultJson, sentRequestOf, splitLines } from '../../client/views/runPanel/runHistory';
import { LineBatcher } from '../../host/lineBatcher';
import { parseFailure, pythonFailure } from '../../client/views/runPanel/errorTrace';
import { changesView, fieldChanges } from '../../client/views/runPanel/changeDiff';
import { buildRunRequest, emptyRequestInput, type RunResult } from '../../runtime/cocobase/run';
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

test('function files: a glob per filter, relative ones per workspace folder, one per project folder', () => {
  assert.deepEqual(functionSelector(['**/functions/**/*.py', 'tools/job.py', '/abs/x.py'], ['/w/api'], ['/w', '/v[1]']).map((filter) => filter.pattern), [
    '**/functions/**/*.py', '/w/tools/job.py', '/v[[]1[]]/tools/job.py', '/abs/x.py', '/w/api/**/*.py',
  ]);
});

test('"Mark File as Cloud Function" writes a glob relative to the folder, and it matches the file', () => {
  // The glob the command adds is vscode.workspace.asRelativePath(file, false); VS Code matches filters on absolute paths.
  const [filter] = functionSelector(['other.py', 'sub dir/job.py'], [], ['/w/my project']);
  assert.ok(path.posix.matchesGlob('/w/my project/other.py', filter!.pattern), filter!.pattern);
  assert.ok(!path.posix.matchesGlob('/w/my project/sub/other.py', filter!.pattern));
  const nested = functionSelector(['sub dir/job.py'], [], ['/w/my project'])[0]!;
  assert.ok(path.posix.matchesGlob('/w/my project/sub dir/job.py', nested.pattern), nested.pattern);
  const escaped = functionSelector(['a.py'], [], ['/w/v[1]'])[0]!;
  assert.ok(path.posix.matchesGlob('/w/v[1]/a.py', escaped.pattern), escaped.pattern);
});

function result(overrides: Partial<RunResult>): RunResult {
  return {
    success: true, result: null, result_json: 'null', output: '', error: null, execution_time: 12.345, status_code: null, error_type: null,
    error_line: null, traceback: null, changes: emptyChanges(), committed: false, timings: { run_ms: 0, commit_ms: 0, save_ms: 0 },
    outbox: [], http_calls: [], triggered_by: 'manual', content_type: null, ...overrides,
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

test('run history: the request sent, newest first, bounded, output replaced by the complete result output', () => {
  const history = new RunHistory();
  const sent = sentRequestOf(buildRunRequest({ source: '', filename: 'a.py', timeoutMs: 1000 }, { ...emptyRequestInput(), payload: { name: 'Ada' }, headers: { 'X-Trace': '1' }, user: 'ada@x.io' }, 'ua/1'));
  assert.deepEqual(sent, { method: 'POST', target: 'a.py', user: 'ada@x.io', body: { name: 'Ada' }, query: {}, headers: { 'content-type': 'application/json', 'user-agent': 'ua/1', 'x-trace': '1' } });
  const first = history.start('/w/a.py', 'a.py', 'p', emptyRequestInput(), sent);
  first.output.push('partial');
  history.finish(first, result({ output: 'one\ntwo\n' }));
  assert.deepEqual(first.output, ['one', 'two']);
  assert.equal(first.status, 'succeeded');
  for (let i = 0; i < maxHistory + 5; i++) history.start('/w/b.py', 'b.py', 'p', emptyRequestInput(), sent);
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

test('output reaches the panel in batches: one delivery per interval, the rest on flush', async () => {
  const batches: string[][] = [];
  const batcher = new LineBatcher((lines) => batches.push(lines), 20);
  for (let i = 0; i < 1000; i++) batcher.push(`line ${i}`);
  await new Promise((resolve) => setTimeout(resolve, 40));
  batcher.push('last');
  batcher.flush();
  batcher.flush();
  assert.deepEqual(batches.map((batch) => batch.length), [1000, 1]);
});

test('the panel gets the last lines of a long output, once, and a log entry of several lines as several', () => {
  const history = new RunHistory();
  const run = history.start('/w/a.py', 'a.py', 'p', emptyRequestInput(), sentRequestOf(buildRunRequest({ source: '', filename: 'a.py', timeoutMs: 1 }, emptyRequestInput(), 'ua')));
  const lines = Array.from({ length: panelOutputLines + 5 }, (_, i) => `line ${i}`);
  history.finish(run, result({ output: lines.join('\n') + '\n' }));
  const view = panelView(run);
  assert.equal(view.outputTotal, panelOutputLines + 5);
  assert.equal(view.output.length, panelOutputLines);
  assert.equal(view.output.at(-1), `line ${panelOutputLines + 4}`);
  assert.equal(view.result?.output, '');
  assert.equal(run.output.length, panelOutputLines + 5, 'the record keeps the full output for "Open full output"');
  assert.deepEqual(splitLines(['[info] Ran cloud function\n  Input: {}', 'one']), ['[info] Ran cloud function', '  Input: {}', 'one']);
});

test('"Open result as JSON": a Python run\'s returned value, a Parse run\'s response body, nothing for a failed run', () => {
  const history = new RunHistory();
  const sent = sentRequestOf(buildRunRequest({ source: '', filename: 'a.py', timeoutMs: 1 }, emptyRequestInput(), 'ua'));
  const run = history.start('/w/a.py', 'a.py', 'p', emptyRequestInput(), sent);
  history.finish(run, result({ result: [{ id: 'a' }], result_json: '[{"id": "a"}]' }));
  assert.equal(resultJson(run), '[\n  {\n    "id": "a"\n  }\n]');
  // The runtime's exact text wins over the JavaScript value: big integers, 10.0 and key order as Python wrote them.
  const exact = history.start('/w/a.py', 'a.py', 'p', emptyRequestInput(), sent);
  history.finish(exact, result({ result: { 2024: 3, 2023: 5 }, result_json: '{"2024": 3, "2023": 2880067194370816120, "f": 10.0}' }));
  assert.equal(resultJson(exact), '{\n  "2024": 3,\n  "2023": 2880067194370816120,\n  "f": 10.0\n}');
  const failed = history.start('/w/a.py', 'a.py', 'p', emptyRequestInput(), sent);
  history.finish(failed, result({ success: false, error: 'ValueError: bad' }));
  assert.equal(resultJson(failed), undefined);
  const parse = history.startParse('/w/cloud/main.js', 'cloud/main.js', 'empty params', { target: 'function hello', input: {} }, { ...sent, target: '/parse/functions/hello' });
  history.finishParse(parse, { status: 200, body: { result: 'Hello' }, logs: [], timeMs: 1, wrote: false, changes: emptyChanges() }, null);
  assert.equal(resultJson(parse), '{\n  "result": "Hello"\n}');
});

test('errors are said once and point at their line: Python tracebacks, timeouts, Node stacks, load errors', () => {
  const syntax = pythonFailure(result({ success: false, error: 'SyntaxError: invalid syntax (hello.py, line 7)', error_type: 'SyntaxError', error_line: 7, traceback: '  File "hello.py", line 7\n    x = = 1\nSyntaxError: invalid syntax (hello.py, line 7)\n' }), '/w/hello.py', 'hello.py');
  assert.equal(syntax.summary, 'SyntaxError: invalid syntax (hello.py, line 7)');
  assert.deepEqual(syntax.location, { file: '/w/hello.py', line: 7, column: null });
  assert.deepEqual(syntax.trace.filter((line) => line.location).map((line) => line.location!.line), [7]);
  const timeout = pythonFailure(result({ success: false, error: 'TimeoutError: the function did not finish within its 1 s time limit', error_type: 'TimeoutError',
    traceback: 'Traceback (most recent call last):\n  File "functions/spin.py", line 3, in main\n    while True:\nTimeoutError: the function did not finish within its 1 s time limit\n' }), '/w/functions/spin.py', 'functions/spin.py');
  assert.equal(timeout.summary, 'TimeoutError: the function did not finish within its 1 s time limit (while running line 3)');
  assert.equal(timeout.location?.line, 3);
  const cancelled = pythonFailure(result({ success: false, error: 'CancelledError: the run was cancelled', error_type: 'CancelledError', traceback: 'CancelledError: the run was cancelled\n' }), '/w/a.py', 'a.py');
  assert.deepEqual([cancelled.summary, cancelled.trace, cancelled.location], ['CancelledError: the run was cancelled', [], null]);
  assert.equal(runEndLine('a.py', result({ success: false, error: 'SyntaxError: invalid syntax (a.py, line 2)', error_line: 2 })), '✘ a.py failed in 12.3 ms · SyntaxError: invalid syntax (a.py, line 2)');

  const stack = 'TypeError: x is undefined\n    at third (/w/cloud/lib/util.js:3:20)\n    at /w/cloud/main.js:9:5\n    at run (/w/node_modules/parse/a.js:1:1)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)';
  const parse = parseFailure('x is undefined (Parse error 141)', stack, ['/w']);
  assert.deepEqual(parse.trace.map((line) => line.location ? `${line.location.file}:${line.location.line}:${line.location.column}` : line.text), [
    'TypeError: x is undefined', '/w/cloud/lib/util.js:3:20', '/w/cloud/main.js:9:5', '    … 2 frames of the runtime',
  ]);
  assert.equal(parse.location?.file, '/w/cloud/lib/util.js');
  const load = parseFailure('cloud code cloud/main.js has a syntax error: Unexpected token \'}\' (cloud/main.js:7)', undefined, ['/w'], '/w/cloud/main.js');
  assert.deepEqual([load.trace, load.location], [[], { file: '/w/cloud/main.js', line: 7, column: null }]);
  const absolute = parseFailure('cloud code /w/cloud/main.js has a syntax error: Unexpected end of input (/w/cloud/main.js:2)', undefined, ['/w']);
  assert.equal(absolute.summary, 'cloud code cloud/main.js has a syntax error: Unexpected end of input (cloud/main.js:2)');
  assert.equal(absolute.location?.line, 2);
});

test('the change view: an update\'s changed fields (nested, added, removed), and the changes counted but not listed', () => {
  const before = { id: 'd1', data: { name: 'Ada', tags: ['a'], old: 1, same: { x: 1 } }, updated_at: 't1' };
  const after = { id: 'd1', data: { name: 'Ada L.', tags: ['a', 'b'], added: true, same: { x: 1 } }, updated_at: 't2' };
  assert.deepEqual(fieldChanges(before, after).map((field) => `${field.kind} ${field.path.join('.')}`), [
    'changed data.name', 'changed data.tags', 'removed data.old', 'added data.added', 'changed updated_at',
  ]);
  const view = changesView({ created: 150, updated: 100, deleted: 0, truncated: true, items: [
    { op: 'update', kind: 'document', collection: 'people', id: 'd1', before, after },
    { op: 'create', kind: 'document', collection: 'people', id: 'd2', after },
  ] });
  assert.equal(view.unlisted, 248);
  assert.equal(view.items[0]!.fields!.length, 5);
  assert.equal(view.items[1]!.fields, undefined);
});
