// Parse Cloud Code tests (entries with "$expect" of a params file) run by the same runner as the Python ones:
// a corpus of passing and deliberately failing expectations for functions, a job and simulated saves/deletes
// (test/fixtures/testing/parse), checked for their exact messages; each test starts from the file's
// "$objects" only, so the delete of r1 and the job's count do not depend on order; `cloudfn test` finds the
// params file; schemas/params.schema.json accepts the corpus and refuses broken tests (checked by python3's
// jsonschema, a validator we did not write).

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli } from '../helpers';
import { loadTestFile, runTests, type TestOutcome } from '../../runtime/testing/runner';
import { mismatchText } from '../../runtime/testing/reporters';

const paramsFile = path.join(repoRoot, 'test', 'fixtures', 'testing', 'parse', 'main.params.json');

const expected: Record<string, string> = {
  'function hello › pass: greets': 'passed',
  'function hello › pass: as a user': 'passed',
  'function hello › fail: wrong greeting': 'failed\nresult.message: expected "Hi, Ada!", got "Hello, Ada!"',
  'function hello › error: unknown user': 'error\n"$user" nobody: no such _User (put it in "$objects": {"_User": [{"objectId": "nobody", "username": "…"}]})',
  "function averageStars › pass: the fixture's reviews": 'passed',
  'function averageStars › pass: an error': 'passed',
  'job tally › pass: writes a tally': 'passed',
  'save Review › pass: a valid review': 'passed',
  'save Review › fail: the trigger refuses': 'failed\nsuccess: expected true, got false',
  'delete Review › pass: deletes r1, whose afterDelete logs': 'passed',
};

const describe = (outcome: TestOutcome): string => (outcome.status === 'passed' ? 'passed' : `${outcome.status}\n${mismatchText(outcome.mismatches)}`);

test('Parse tests: functions, a job, saves and deletes pass or fail with their exact messages, in either order', async () => {
  const file = loadTestFile(paramsFile, repoRoot);
  assert.equal(file.error, undefined);
  for (const order of [file.tests, [...file.tests].reverse()]) {
    const { outcomes } = await runTests(order, { userAgent: 'cloudfn-test' });
    assert.deepEqual(Object.fromEntries(outcomes.map((outcome) => [outcome.test.name, describe(outcome)])), expected);
  }
});

test('Parse tests: a params file whose test is not valid is an error of the file', () => {
  const file = loadTestFile('/x/main.params.json', '/x', JSON.stringify({ 'delete Review': { gone: { $expect: { success: true } } } }));
  assert.equal(file.error, "main.params.json: 'delete Review › gone': a delete test needs the \"objectId\" to delete");
  const matcher = loadTestFile('/x/main.params.json', '/x', JSON.stringify({ 'function f': { a: { $expect: { result: '$strng' } } } }));
  assert.match(matcher.error ?? '', /^main\.params\.json: function f › a: expect\.result: unknown matcher '\$strng'/);
});

test('cloudfn test runs the params files under a folder, a .js standing for its params file', () => {
  const run = runCli(['test', 'test/fixtures/testing/parse/main.js', '--filter', 'pass:']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /✔ test\/fixtures\/testing\/parse\/main\.params\.json › job tally › pass: writes a tally/);
  assert.match(run.stdout, /\n7 passed, 0 failed/);
});

/** Validates JSON documents against a schema file with python3's jsonschema; the error of each (null when valid). */
function validate(schemaFile: string, documents: unknown[]): Array<string | null> {
  const script = 'import json, sys, jsonschema\nschema = json.load(open(sys.argv[1]))\nprint(json.dumps([next((e.message for e in jsonschema.Draft7Validator(schema).iter_errors(d)), None) for d in json.load(sys.stdin)]))';
  const run = spawnSync('python3', ['-c', script, schemaFile], { input: JSON.stringify(documents), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as Array<string | null>;
}

const hasJsonschema = spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' }).status === 0;

test('the params schema accepts the corpus and plain params, and refuses broken tests', { skip: !hasJsonschema && 'python3 has no jsonschema module' }, () => {
  const corpus = JSON.parse(fs.readFileSync(paramsFile, 'utf8')) as unknown;
  const results = validate(path.join(repoRoot, 'schemas', 'params.schema.json'), [
    corpus,
    { 'function averageStars': { matrix: { movie: 'The Matrix' } }, 'delete Review': { first: 'r1' } },
    { 'delete Review': { gone: { $expect: { success: true } } } },
    { 'function f': { a: { $expect: { error: { code: 141 } } } } },
    { 'functions f': {} },
  ]);
  assert.deepEqual(results.map((error) => error === null), [true, true, false, false, false]);
});
