// CPython's exact syntax errors as data: every fixture under fixtures/syntax is compiled by the language
// server's CPython process (Pyodide from dist/, the runtime's Python) and must yield the annotated diagnostics
// with CPython's message, line and column (lengths are not compared: CPython's end columns are its own). Also:
// the scheduler drops answers for versions that are no longer current, and debounces a burst of edits.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkSource } from '../../server/analysis/checkSource';
import type { CPythonSyntaxResult } from '../../server/analysis/cpythonSyntax';
import { ExactSyntaxErrors } from '../../server/exactSyntaxErrors';
import { PythonCompiler } from '../../server/pythonCompiler';
import { listFixtures, parseAnnotatedSource } from './fixtureFormat';

const compiler = new PythonCompiler();
after(() => compiler.stop());

for (const file of listFixtures('syntax')) {
  test(`CPython syntax error: ${path.basename(file)}`, { timeout: 60_000 }, async () => {
    const { code, expected } = parseAnnotatedSource(fs.readFileSync(file, 'utf8'));
    // As the server does: CPython is asked for every file.
    const exact = await compiler.compile(code);
    const actual = checkSource(code, undefined, exact).map((d) => ({ line: d.line, column: d.column, severity: d.severity, code: d.code, message: d.message }));
    assert.deepEqual(actual, expected.map(({ line, column, severity, code: diagnosticCode, message }) => ({ line, column, severity, code: diagnosticCode, message })));
  });
}

/** A compile function whose answers the test releases by hand, in any order. */
function manualCompiler() {
  const calls: { source: string; answer: (result: CPythonSyntaxResult) => void }[] = [];
  const compile = (source: string) => new Promise<CPythonSyntaxResult>((resolve) => { calls.push({ source, answer: resolve }); });
  return { calls, compile };
}

const wait = (ms: number) => new Promise((done) => setTimeout(done, ms));
const error = (message: string): CPythonSyntaxResult => ({ type: 'SyntaxError', message, line: 1, column: 1, endLine: null, endColumn: null });

test('an answer for a version that is no longer current is dropped', async () => {
  const { calls, compile } = manualCompiler();
  let version = 1;
  const ready: string[] = [];
  const exact = new ExactSyntaxErrors(compile, () => version, (uri) => ready.push(uri), 5);
  assert.equal(exact.lookup('a.py', 1, 'x = ('), undefined);
  await wait(20);
  assert.equal(calls.length, 1);
  version = 2;
  calls[0]!.answer(error("'(' was never closed"));
  await wait(0);
  assert.deepEqual(ready, []);
  assert.equal(exact.dropped, 1);
  assert.equal(exact.lookup('a.py', 2, 'x = (1'), undefined);
  await wait(20);
  calls[1]!.answer(error('second'));
  await wait(0);
  assert.deepEqual(ready, ['a.py']);
  assert.equal(exact.lookup('a.py', 2, 'x = (1')?.message, 'second');
});

test('a burst of edits is compiled once, for the last version', async () => {
  const { calls, compile } = manualCompiler();
  let version = 0;
  const exact = new ExactSyntaxErrors(compile, () => version, () => undefined, 30);
  for (version = 1; version <= 5; version++) exact.lookup('b.py', version, `x = (${version}`);
  version = 5;
  await wait(80);
  assert.deepEqual(calls.map((call) => call.source), ['x = (5']);
});

test('a closed document forgets its pending check', async () => {
  const { calls, compile } = manualCompiler();
  const ready: string[] = [];
  const exact = new ExactSyntaxErrors(compile, () => 1, (uri) => ready.push(uri), 5);
  exact.lookup('c.py', 1, 'x = (');
  await wait(20);
  exact.forget('c.py');
  calls[0]!.answer(null);
  await wait(0);
  assert.deepEqual(ready, []);
});
