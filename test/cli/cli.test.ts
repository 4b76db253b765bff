// The CLI contract of `cloudfn run` and `cloudfn db`, driven exactly as users and the acceptance checks do:
// flags, one JSON object on stdout with --json, exit codes 0/1/2, one-line usage errors on stderr.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, runCliJson, tempDir, writeFunction } from '../helpers';

const dir = tempDir();
const db = path.join(dir, 'cli.db');
const echo = writeFunction(dir, 'echo.py', `def main():
    print("payload", request.json())
    return {
        "payload": request.json(), "name": request.get("name", "nobody"), "query": request.query_params,
        "agent": request.headers.get("User-Agent"), "method": request.method,
        "user": request.user.email if request.user else None, "roles": request.user.roles if request.user else None,
        "timestamp": request.timestamp[:4],
    }
`);

const usageErrors: { name: string; args: string[]; message: RegExp }[] = [
  { name: 'missing file', args: ['run', path.join(dir, 'nope.py')], message: /cannot read .*nope\.py.*no such file/ },
  { name: 'no file', args: ['run'], message: /missing FILE/ },
  { name: 'unknown flag', args: ['run', echo, '--bogus'], message: /bogus/ },
  { name: 'malformed payload', args: ['run', echo, '--payload', '{"a":'], message: /malformed --payload JSON/ },
  { name: 'payload not an object', args: ['run', echo, '--payload', '[1,2]'], message: /--payload must be a JSON object/ },
  { name: 'missing payload file', args: ['run', echo, '--payload', '@' + path.join(dir, 'none.json')], message: /cannot read --payload file/ },
  { name: 'bad query pair', args: ['run', echo, '--query', 'novalue'], message: /--query expects key=value/ },
  { name: 'bad timeout', args: ['run', echo, '--timeout', 'soon'], message: /--timeout must be a positive number/ },
  { name: 'unknown user', args: ['run', echo, '--db', db, '--user', 'ghost@example.com'], message: /unknown app user 'ghost@example.com'/ },
  { name: 'unknown command', args: ['frobnicate'], message: /unknown command/ },
  { name: 'unknown db command', args: ['db', 'explode', '--db', db], message: /unknown db command/ },
];

for (const usage of usageErrors) {
  test(`usage error: ${usage.name} → exit 2 with one line on stderr`, () => {
    const result = runCli(usage.args[0] === 'run' ? [...usage.args, '--json'] : usage.args);
    assert.equal(result.code, 2, result.stderr + result.stdout);
    assert.match(result.stderr, usage.message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.equal(result.stdout, '');
  });
}

test('seeding users through db import, then --user by email and by id', () => {
  const fixture = path.join(dir, 'users.json');
  fs.writeFileSync(fixture, JSON.stringify({ format: 'cloudfn-fixture', version: 1, collections: [],
    app_users: [{ id: 'u-1', email: 'ann@example.com', password: 'pw', data: { plan: 'pro' }, roles: ['admin'] }] }));
  assert.equal(runCli(['db', 'import', fixture, '--db', db]).code, 0);
  for (const user of ['ann@example.com', 'u-1', 'ANN@example.com']) {
    const { code, json } = runCliJson(['run', echo, '--db', db, '--user', user]);
    assert.equal(code, 0);
    assert.deepEqual((json.result as Record<string, unknown>).user, 'ann@example.com');
    assert.deepEqual((json.result as Record<string, unknown>).roles, ['admin']);
  }
});

test('payload, query, headers and method reach the request', () => {
  const payloadFile = path.join(dir, 'payload.json');
  fs.writeFileSync(payloadFile, JSON.stringify({ name: 'Ada', n: [1, 2] }));
  const { code, json } = runCliJson(['run', echo, '--db', db, '--payload', '@' + payloadFile, '--query', 'page=2', '--query', 'q=a=b',
    '--header', 'User-Agent=tester/1', '--method', 'put']);
  assert.equal(code, 0);
  assert.deepEqual(json.result, {
    payload: { name: 'Ada', n: [1, 2] }, name: 'Ada', query: { page: '2', q: 'a=b' }, agent: 'tester/1', method: 'PUT',
    user: null, roles: null, timestamp: String(new Date().getUTCFullYear()),
  });
  assert.equal(json.output, "payload {'name': 'Ada', 'n': [1, 2]}\n");
  assert.equal(json.error, null);
  assert.equal(typeof json.execution_time, 'number');
});

const failures: { name: string; source: string; errorType: string; line: number | null }[] = [
  { name: 'an exception', source: 'def main():\n    items = []\n    return items[3]\n', errorType: 'IndexError', line: 3 },
  { name: 'a syntax error', source: 'def main()\n    return 1\n', errorType: 'SyntaxError', line: 1 },
  { name: 'a result that is not serializable', source: 'def main():\n    return {"tags": {"a", "b"}}\n', errorType: 'TypeError', line: null },
  { name: 'no entry point', source: 'x = 1\n', errorType: 'NameError', line: null },
  { name: 'a forbidden import', source: 'import os\n\ndef main():\n    return 1\n', errorType: 'ImportError', line: 1 },
];
for (const failure of failures) {
  test(`a function with ${failure.name} → exit 1 with the error`, () => {
    const file = writeFunction(dir, 'failing.py', failure.source);
    const { code, json } = runCliJson(['run', file, '--db', db]);
    assert.equal(code, 1);
    assert.equal(json.success, false);
    assert.equal(json.result, null);
    assert.equal(json.error_type, failure.errorType);
    assert.match(String(json.error), new RegExp(`^${failure.errorType}: `));
    assert.equal(json.error_line, failure.line);
    assert.ok(!String(json.traceback).includes('cloudfn_sandbox'), 'sandbox frames leaked into the traceback');
  });
}

test('--timeout stops the function with exit 1', () => {
  const file = writeFunction(dir, 'forever.py', 'def main():\n    while True:\n        pass\n');
  const { code, json } = runCliJson(['run', file, '--db', db, '--timeout', '0.5']);
  assert.equal(code, 1);
  assert.equal(json.error_type, 'TimeoutError');
  assert.match(String(json.error), /0\.50 s time limit/);
  // The run's own clock, not the test's: a loaded machine slows the process's start, not the limit.
  assert.ok((json.execution_time as number) < 20_000, 'stopped by --timeout, not by the default 20 s limit');
});

test('a failed run writes nothing; a successful one commits', () => {
  const fresh = path.join(dir, 'tx.db');
  const failing = writeFunction(dir, 'tx_fail.py', 'def main():\n    db.create_document("t", {"a": 1})\n    raise ValueError("boom")\n');
  const counting = writeFunction(dir, 'tx_count.py', 'def main():\n    db.create_document("t", {"a": 1})\n    return db.count_documents("t")\n');
  assert.equal(runCliJson(['run', failing, '--db', fresh]).json.error, 'ValueError: boom');
  assert.equal(runCliJson(['run', counting, '--db', fresh]).json.result, 1);
  assert.equal(runCliJson(['run', counting, '--db', fresh]).json.result, 2);
});

test('the readable report (without --json) shows output, result and changes', () => {
  const result = runCli(['run', path.join(repoRoot, 'examples', 'signup.py'), '--db', path.join(dir, 'report.db'),
    '--payload', '@' + path.join(repoRoot, 'examples', 'signup.payload.json')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /│ new signup .* for ada\.lovelace@example\.com/);
  assert.match(result.stdout, /✔ returned in/);
  assert.match(result.stdout, /"status": "created"/);
  assert.match(result.stdout, /database: 2 created/);
});

test('a corrupt database file is reported (exit 2) and left unchanged', () => {
  const corrupt = path.join(dir, 'corrupt.db');
  const bytes = Buffer.from('this is not a database at all, but it is somebody\'s file'.repeat(100));
  fs.writeFileSync(corrupt, bytes);
  for (const args of [['run', echo, '--db', corrupt, '--json'], ['db', 'export', '--db', corrupt], ['db', 'import', path.join(repoRoot, 'examples', 'shop.fixture.json'), '--db', corrupt]]) {
    const result = runCli(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, /corrupt\.db/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
  assert.deepEqual(fs.readFileSync(corrupt), bytes);
});

test('db export → import round trip, and reset', () => {
  const source = path.join(dir, 'source.db');
  const copy = path.join(dir, 'copy.db');
  assert.equal(runCli(['db', 'import', path.join(repoRoot, 'examples', 'shop.fixture.json'), '--db', source]).code, 0);
  const exported = runCli(['db', 'export', '--db', source]);
  assert.equal(exported.code, 0);
  const fixture = JSON.parse(exported.stdout) as { collections: { documents: unknown[] }[]; app_users: Record<string, unknown>[] };
  assert.equal(fixture.collections[0]!.documents.length, 3);
  assert.ok(!exported.stdout.includes('password') && !exported.stdout.includes('scrypt'), 'passwords must never be exported');
  const file = path.join(dir, 'exported.json');
  fs.writeFileSync(file, exported.stdout);
  assert.equal(runCli(['db', 'import', file, '--db', copy]).code, 0);
  assert.deepEqual(JSON.parse(runCli(['db', 'export', '--db', copy]).stdout), fixture);
  assert.equal(runCli(['db', 'reset', '--db', copy]).code, 0);
  assert.match(runCli(['db', 'info', '--db', copy]).stdout, /0 collections, 0 documents, 0 app users/);
});
