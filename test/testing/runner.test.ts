// The test runner tested with itself: a corpus of passing and deliberately failing expectations
// (test/fixtures/testing/corpus.payloads.json) checked for their exact failure messages, isolation (two tests
// writing the same document pass in either order), the reporters (JUnit XML checked against the structure of
// the common JUnit XSD), snapshot mode and the exit codes of `cloudfn test`.

import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, tempDir } from '../helpers';
import { loadTestFile, runTests, type TestOutcome } from '../../runtime/testing/runner';
import { jsonReport, junitXml, mismatchText, tapReport } from '../../runtime/testing/reporters';
import { entryOffsets } from '../../runtime/testing/payloadsFile';
import { recordExpectation } from '../../runtime/testing/expectations';
import { freshEntryName, payloadEntryOf, withNewEntry } from '../../runtime/testing/snapshots';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'testing');
const corpusFile = path.join(fixtures, 'corpus.payloads.json');
const orderFile = path.join(fixtures, 'order.payloads.json');

/** Each corpus test's expected outcome: passed, or its status and exact differences. */
const corpusOutcomes: Record<string, string> = {
  'pass: exact result': 'passed',
  'pass: matchers': 'passed',
  'pass: partial': 'passed',
  'pass: error type and message': 'passed',
  'pass: error text': 'passed',
  'pass: status code': 'passed',
  'pass: output lines': 'passed',
  'pass: changes': 'passed',
  'pass: exact text': 'passed',
  'pass: empty database': 'passed',
  'fail: wrong value': 'failed\nresult.echo: expected "y", got "x"',
  'fail: missing and extra keys': 'failed\nresult.missing: missing (expected 1)\nresult.tags: unexpected key (got ["a","b"])',
  'fail: matcher': 'failed\nresult.n: expected a number > 5, got 5\nresult.tags: expected a length of 3, got ["a","b"]\nresult.echo: expected a string, got null',
  'fail: success': 'failed\nsuccess: expected true, got false',
  'fail: error message': 'failed\nerror.type: expected "KeyError", got "ValueError"\nerror.message: expected something containing "oops", got "bad input: none"',
  'fail: output': 'failed\noutput[1]: unexpected item "second line"',
  'fail: changes': 'failed\nchanges.items.created[0].name: expected "fourth", got "third"\nchanges.items.created[0].stamp: unexpected key (got "2024-05-01T12:00:00.000Z")\nchanges.orders.deleted: expected 1 document, got 0',
  'fail: unexpected changes': 'failed\nchanges.items: unexpected changes (1 created)',
  'fail: field this run does not report': "failed\nhooks_fired: this run reports no 'hooks_fired' field (expected [])",
  'error: unknown user': "error\nunknown app user 'nobody@example.com' (no app user has this email or id in corpus.fixture.json)",
};

const describe = (outcome: TestOutcome): string => (outcome.status === 'passed' ? 'passed' : `${outcome.status}\n${mismatchText(outcome.mismatches)}`);

test('the corpus: every expectation passes or fails with its exact message', async () => {
  const file = loadTestFile(corpusFile, repoRoot);
  assert.equal(file.error, undefined);
  assert.deepEqual(file.payloads.map((entry) => entry.name), ['plain payload (not a test)']);
  const { outcomes, stats } = await runTests(file.tests, { userAgent: 'cloudfn-test' });
  assert.deepEqual(Object.fromEntries(outcomes.map((outcome) => [outcome.test.name, describe(outcome)])), corpusOutcomes);
  // The reset's cost is a bench figure (npm run bench:tests), never a timed assertion here.
  assert.ok(stats.resets.count > 0, 'the tests that wrote were each followed by a reset');

  // JUnit XML: the structure the common JUnit XSD requires, with counts that add up.
  const xml = junitXml({ outcomes, fileErrors: [], totalMs: stats.totalMs }, [file]);
  checkJunit(xml);
  assert.match(xml, /<testcase name="fail: wrong value" classname="test\/fixtures\/testing\/corpus.payloads.json" time="[\d.]+">\n {6}<failure message="result.echo: expected &quot;y&quot;, got &quot;x&quot;" type="ExpectationFailed">/);
  const tap = tapReport({ outcomes, fileErrors: [], totalMs: stats.totalMs });
  assert.match(tap, /^TAP version 13\n1\.\.20\nok 1 - test\/fixtures\/testing\/corpus.payloads.json › pass: exact result\n/);
  assert.match(tap, /not ok 11 - .* › fail: wrong value\n {2}---\n {2}status: failed\n {2}mismatches:\n {4}- "result.echo: expected \\"y\\", got \\"x\\""\n {2}\.\.\.\n/);

  // JSON: a failed test carries its expectation and what the run gave for each of its keys, in the same shape
  // (the diff the Testing view shows); a passing one does not.
  const json = JSON.parse(jsonReport({ outcomes, fileErrors: [], totalMs: stats.totalMs })) as { tests: Array<{ name: string; expected?: unknown; actual?: unknown }> };
  const reported = (name: string): { expected?: unknown; actual?: unknown } => json.tests.find((entry) => entry.name === name)!;
  assert.ok(!('expected' in reported('pass: exact result')) && !('actual' in reported('pass: exact result')));
  for (const name of ['fail: wrong value', 'fail: error message', 'fail: output', 'fail: changes']) {
    const { expected, actual } = reported(name);
    assert.deepEqual(Object.keys(actual as object), Object.keys(expected as object), name);
  }
  assert.deepEqual(reported('fail: error message').actual, { error: { type: 'ValueError', message: 'bad input: none' } });
});

test('isolation: two tests writing the same document both pass, in either order', async () => {
  const { tests } = loadTestFile(orderFile, repoRoot);
  for (const order of [tests, [...tests].reverse()]) {
    const { outcomes } = await runTests(order, { userAgent: 'cloudfn-test' });
    assert.deepEqual(outcomes.map((outcome) => [outcome.test.name, describe(outcome)]), order.map((entry) => [entry.name, 'passed']));
  }
});

test("a test runs with its function's project: its http mocks and config, its calls assertable", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({ config: { greeting: 'Hi' } }));
  fs.writeFileSync(path.join(dir, 'rate.py'), 'def main():\n    answer = http.get("https://api.example.com/rate")\n    return {"rate": answer.json()["rate"], "greeting": config.get("greeting")}\n');
  fs.writeFileSync(path.join(dir, 'rate.http.json'), JSON.stringify([{ url: 'https://api.example.com/rate', json: { rate: 1.5 } }]));
  fs.writeFileSync(path.join(dir, 'rate.payloads.json'), JSON.stringify({
    mocked: { expect: { result: { rate: 1.5, greeting: 'Hi' }, http_calls: [{ method: 'GET', url: 'https://api.example.com/rate', status: 200, source: 'mock', $partial: true }] } },
  }));
  const { tests } = loadTestFile(path.join(dir, 'rate.payloads.json'), dir);
  const { outcomes } = await runTests(tests, { userAgent: 'cloudfn-test' });
  assert.deepEqual(outcomes.map(describe), ['passed']);
});

test('save as test: a run written as a new entry of its payloads file passes as a test', async () => {
  const dir = tempDir();
  fs.copyFileSync(path.join(repoRoot, 'examples', 'signup.py'), path.join(dir, 'signup.py'));
  const file = path.join(dir, 'signup.payloads.json');
  const original = JSON.stringify({ 'new signup': { payload: { email: 'ada@example.com', name: 'ada' } } }, null, 2) + '\n';
  fs.writeFileSync(file, original);
  // A run as the editor has it: its request, and what it gave.
  const spec = { payload: { email: 'ada@example.com', name: 'ada' }, query: { ref: 'mail' }, headers: {}, user: null, method: 'post' };
  const probe = loadTestFile(file, dir, JSON.stringify({ probe: { payload: spec.payload, query: spec.query, expect: {} } }));
  const { outcomes } = await runTests(probe.tests, { userAgent: 'cloudfn-test' });
  const entry = payloadEntryOf(spec, recordExpectation(outcomes[0]!.run!));
  assert.deepEqual(Object.keys(entry), ['payload', 'query', 'expect']);
  const name = freshEntryName('new signup', new Set(['new signup', 'new signup (2)']));
  assert.equal(name, 'new signup (3)');
  fs.writeFileSync(file, withNewEntry(original, name, entry));
  assert.throws(() => withNewEntry(original, 'new signup', entry), /already has an entry 'new signup'/);
  const saved = loadTestFile(file, dir);
  assert.deepEqual([saved.payloads.map((payload) => payload.name), saved.tests.map((test) => test.name)], [['new signup'], ['new signup (3)']]);
  const rerun = await runTests(saved.tests, { userAgent: 'cloudfn-test' });
  assert.deepEqual(rerun.outcomes.map(describe), ['passed']);
});

test('a payloads file with an unknown matcher is an error of the file, before any run', () => {
  const file = loadTestFile('/x/f.payloads.json', '/x', JSON.stringify({ a: { expect: { result: '$strng' } } }));
  assert.match(file.error ?? '', /^f\.payloads\.json: payload 'a': expect\.result: unknown matcher '\$strng' \(write '\$\$strng' for the literal string; matchers: \$any, /);
});

test('entry offsets: where each top-level entry of a payloads file starts', () => {
  const text = '{\n  "a": {"expect": {"b": 1}},\n  "c\\"d": []\n}';
  assert.deepEqual([...entryOffsets(text)], [['a', 4], ['c"d', 33]]);
});

test('cloudfn test: exit codes, summary with the differences, junit to a file, usage errors', () => {
  const passing = runCli(['test', 'examples']);
  assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  assert.match(passing.stdout, /✔ examples\/hello\.payloads\.json › greets by name/);
  assert.match(passing.stdout, /\n9 passed, 0 failed \(9 tests in [\d.]+ s\)\n$/);

  const failing = runCli(['test', 'test/fixtures/testing/corpus.payloads.json', '--filter', 'wrong value']);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /Failures:\n\n✘ test\/fixtures\/testing\/corpus\.payloads\.json › fail: wrong value\n {4}result\.echo: expected "y", got "x"\n\n0 passed, 1 failed/);

  const dir = tempDir();
  const out = path.join(dir, 'reports', 'junit.xml');
  const junit = runCli(['test', 'test/fixtures/testing/order.py', '--reporter', 'junit', '--output', out]);
  assert.equal(junit.code, 0, junit.stdout + junit.stderr);
  checkJunit(fs.readFileSync(out, 'utf8'));

  for (const args of [['--reporter', 'xml'], ['no/such/folder'], ['--output', 'x.xml'], ['--bogus']]) {
    const usage = runCli(['test', ...args]);
    assert.equal(usage.code, 2, args.join(' '));
    assert.match(usage.stderr, /^cloudfn: .+\n$/);
  }
});

test('cloudfn test --update-snapshots records runs as expectations, which then pass', () => {
  const dir = tempDir();
  fs.copyFileSync(path.join(repoRoot, 'examples', 'signup.py'), path.join(dir, 'signup.py'));
  fs.writeFileSync(path.join(dir, 'signup.payloads.json'), JSON.stringify({
    'new signup': { payload: { email: 'ada@example.com', name: 'ada' } },
    'bad email': { payload: { email: 'x' }, expect: { status_code: 200 } },
  }));
  const update = runCli(['test', '--update-snapshots'], { cwd: dir });
  assert.equal(update.code, 0, update.stdout + update.stderr);
  assert.match(update.stdout, /~ updated signup\.payloads\.json › bad email\n {4} {2}\{\n {4}- {3}"status_code": 200\n/);
  assert.match(update.stdout, /\+ recorded signup\.payloads\.json › new signup\n/);
  assert.match(update.stdout, /2 expectations written in 1 files, 0 unchanged/);
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'signup.payloads.json'), 'utf8')) as Record<string, { expect: unknown }>;
  assert.deepEqual(written['bad email']!.expect, { success: true, result: { error: 'a valid email is required' }, status_code: 400 });
  assert.deepEqual(written['new signup']!.expect, {
    success: true, result: { status: 'created', id: '$uuid', total: 1 },
    output: ['$regex:^new signup [0-9a-f-]{36} for ada@example\\.com$'],
    changes: { signups: { created: [{ email: 'ada@example.com', name: 'Ada', topics: [], source: 'direct', created_at: '$isoDate' }] } },
  });
  const rerun = runCli(['test'], { cwd: dir });
  assert.equal(rerun.code, 0, rerun.stdout);
});

/**
 * Checks JUnit XML against the rules of the common JUnit XSD (Jenkins' junit-10.xsd, which CI systems
 * read): well-formed elements, testsuites › testsuite › testcase › failure|error|system-out, the required
 * attributes of each, and counts that match the children.
 */
function checkJunit(xml: string): void {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const required: Record<string, { parent: string | null; attributes: string[] }> = {
    testsuites: { parent: null, attributes: [] },
    testsuite: { parent: 'testsuites', attributes: ['name', 'tests', 'failures', 'errors', 'time'] },
    testcase: { parent: 'testsuite', attributes: ['name', 'classname', 'time'] },
    failure: { parent: 'testcase', attributes: ['message', 'type'] },
    error: { parent: 'testcase', attributes: ['message', 'type'] },
    'system-out': { parent: 'testcase', attributes: [] },
  };
  const body = xml.slice(xml.indexOf('\n') + 1);
  assert.doesNotMatch(body.replace(/&(amp|lt|gt|quot|apos);/g, ''), /&/, 'unescaped &');
  const stack: Array<{ name: string; attributes: Record<string, string>; children: string[] }> = [];
  const suites: Array<{ attributes: Record<string, string>; children: string[] }> = [];
  for (const tag of body.matchAll(/<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, attributeText, selfClosing] = tag as unknown as [string, string, string, string, string];
    if (closing) {
      const open = stack.pop();
      assert.equal(open?.name, name, `</${name}> closes <${open?.name}>`);
      continue;
    }
    const rule = required[name];
    assert.ok(rule, `unknown element <${name}>`);
    assert.equal(stack.at(-1)?.name ?? null, rule.parent, `<${name}> inside <${stack.at(-1)?.name}>`);
    const attributes = Object.fromEntries([...attributeText.matchAll(/([\w-]+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
    for (const attribute of rule.attributes) assert.ok(attribute in attributes, `<${name}> lacks ${attribute}`);
    for (const numeric of ['tests', 'failures', 'errors', 'skipped']) if (numeric in attributes) assert.match(attributes[numeric]!, /^\d+$/);
    if ('time' in attributes) assert.match(attributes.time!, /^\d+(\.\d+)?$/);
    stack.at(-1)?.children.push(name);
    const element = { name, attributes, children: [] as string[] };
    if (name === 'testsuite') suites.push(element);
    if (name === 'testcase') (element as { suite?: unknown }).suite = suites.at(-1);
    if (!selfClosing) stack.push(element);
  }
  assert.equal(stack.length, 0, 'unclosed elements');
  for (const suite of suites) assert.equal(Number(suite.attributes.tests), suite.children.filter((child) => child === 'testcase').length);
}
