// `cloudfn parse` and `serve` on bad input and at the edges: malformed JSON (exit 2), a cloud file with a
// syntax error (exit 2, file:line), unknown function (Parse's 400/141 body), unknown user, a legacy handler
// that never answers (124 after --timeout), the readable report, and serve reloading changed Cloud Code
// without losing the database.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli, runCliJson, tempDir } from '../helpers';
import { rest, startServe } from './serveProcess';

const reference = path.join(repoRoot, 'test', 'fixtures', 'parse', 'reference', 'main.js');

describe('parse CLI: usage errors', () => {
  const db = path.join(tempDir(), 'cli.db');
  const cases: Array<[string, string[], RegExp]> = [
    ['malformed --params', ['parse', 'call', 'hello', '--params', '{"movie":'], /malformed --params JSON/],
    ['--params not an object', ['parse', 'call', 'hello', '--params', '[1]'], /--params must be a JSON object/],
    ['malformed --data', ['parse', 'save', 'Review', '--data', '{stars: 5}'], /malformed --data JSON/],
    ['save without --data', ['parse', 'save', 'Review'], /--data JSON is required/],
    ['delete without an id', ['parse', 'delete', 'Review'], /expected CLASS ID/],
    ['unknown action', ['parse', 'frobnicate'], /unknown parse command 'frobnicate'/],
    ['unknown flag', ['parse', 'call', 'hello', '--nope'], /Unknown option '--nope'/],
    ['missing cloud file', ['parse', 'call', 'hello', '--cloud', 'nowhere/main.js'], /cannot read cloud code 'nowhere\/main.js': no such file/],
    ['unknown user', ['parse', 'call', 'hello', '--user', 'nobody'], /--user nobody: no such user/],
    ['bad port', ['serve', '--port', 'x'], /--port must be a port number/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2 with one line on stderr`, () => {
      const withCloud = args.includes('--cloud') || args[0] === 'serve' ? args : [...args, '--cloud', reference];
      const result = runCli([...withCloud, '--db', db, ...(args[0] === 'serve' ? [] : ['--json'])]);
      assert.equal(result.code, 2, result.stderr + result.stdout);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    });
  }

  it('a cloud file with a syntax error: exit 2 naming the file and line', () => {
    const dir = tempDir();
    const cloud = path.join(dir, 'main.js');
    fs.writeFileSync(cloud, "Parse.Cloud.define('hello', () => {\n  return 'hi';\n});\nParse.Cloud.define('broken', () => {{;\n");
    const result = runCli(['parse', 'call', 'hello', '--cloud', cloud, '--db', db, '--json']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^cloudfn: cloud code .*main\.js has a syntax error: Unexpected end of input \(.*main\.js:\d+\)\n$/);
  });

  it('a cloud file that throws while loading: exit 2 with the error', () => {
    const cloud = path.join(tempDir(), 'main.js');
    fs.writeFileSync(cloud, "require('./missing-module');\n");
    const result = runCli(['parse', 'call', 'hello', '--cloud', cloud, '--db', db, '--json']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /failed to load: Error: Cannot find module '.\/missing-module'/);
  });
});

describe('parse CLI: answers', () => {
  const db = path.join(tempDir(), 'answers.db');

  it('unknown function: 400 {"code":141,"error":"Invalid function: \\"x\\""}, exit 1', () => {
    const { code, json } = runCliJson(['parse', 'call', 'noSuchFunction', '--cloud', reference, '--db', db]);
    assert.equal(code, 1);
    assert.deepEqual(json, { status: 400, body: { code: 141, error: 'Invalid function: "noSuchFunction"' }, logs: json.logs });
  });

  it('--user makes request.user; --master makes request.master', () => {
    const user = runCliJson(['parse', 'save', '_User', '--data', '{"username":"ann","password":"pw"}', '--cloud', reference, '--db', db]);
    assert.equal(user.json.status, 201);
    assert.equal((user.json.body as Record<string, unknown>).password, undefined);
    const id = (user.json.body as { objectId: string }).objectId;
    assert.deepEqual(runCliJson(['parse', 'call', 'userOnly', '--user', id, '--cloud', reference, '--db', db]).json.body, { result: 'ann' });
    assert.deepEqual(runCliJson(['parse', 'call', 'echo', '--master', '--cloud', reference, '--db', db]).json.body,
      { result: { params: {}, master: true, functionName: 'echo' } });
  });

  it('a handler that never answers ends with 124 after --timeout', () => {
    const cloud = path.join(tempDir(), 'main.js');
    fs.writeFileSync(cloud, "Parse.Cloud.define('silent', function (request, response) { return new Promise(function () {}); });\n");
    const { code, json } = runCliJson(['parse', 'call', 'silent', '--cloud', cloud, '--db', db, '--timeout', '0.3']);
    assert.equal(code, 1);
    assert.equal(json.status, 504);
    assert.equal((json.body as { code: number }).code, 124);
  });

  it('a two-argument handler is told apart by use: one that neither calls response nor returns answers {} at once', () => {
    const cloud = path.join(tempDir(), 'main.js');
    fs.writeFileSync(cloud, [
      "Parse.Cloud.define('silent', function (request, response) {});",
      "Parse.Cloud.define('returns', function (request, response) { return 'value'; });",
      "Parse.Cloud.beforeSave('Quiet', function (request, response) { request.object.set('seen', true); });",
    ].join('\n'));
    const silent = runCliJson(['parse', 'call', 'silent', '--cloud', cloud, '--db', db, '--timeout', '5']);
    assert.deepEqual([silent.code, silent.json.status, silent.json.body], [0, 200, {}]);
    const returns = runCliJson(['parse', 'call', 'returns', '--cloud', cloud, '--db', db]);
    assert.deepEqual(returns.json.body, { result: 'value' });
    const saved = runCliJson(['parse', 'save', 'Quiet', '--data', '{}', '--cloud', cloud, '--db', db, '--timeout', '5']);
    assert.deepEqual([saved.json.status, (saved.json.body as { seen?: boolean }).seen], [201, true]);
  });

  it('legacy response.status(201).header(k, v).success(v) sets the status', () => {
    const cloud = path.join(tempDir(), 'main.js');
    fs.writeFileSync(cloud, "Parse.Cloud.define('created', function (request, response) { response.status(201).header('X-A', 'b').success({ ok: true }); });\n");
    const { code, json } = runCliJson(['parse', 'call', 'created', '--cloud', cloud, '--db', db]);
    assert.equal(code, 0);
    assert.deepEqual([json.status, json.body], [201, { result: { ok: true } }]);
  });

  it('console output of Cloud Code goes to logs, never into the JSON on stdout', () => {
    const cloud = path.join(tempDir(), 'main.js');
    fs.writeFileSync(cloud, "console.log('loading');\nParse.Cloud.define('talk', (request) => { console.log('hi', 1); request.log.error('bad'); return 1; });\n");
    const { json } = runCliJson(['parse', 'call', 'talk', '--cloud', cloud, '--db', db]);
    const logs = json.logs as Array<{ level: string; message: string }>;
    assert.deepEqual(logs.slice(0, 3), [{ level: 'info', message: 'loading' }, { level: 'info', message: 'hi 1' }, { level: 'error', message: 'bad' }]);
  });

  it('without --json: a readable report', () => {
    const result = runCli(['parse', 'call', 'hello', '--cloud', reference, '--db', db]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^✔ POST \/parse\/functions\/hello → 200\n\{\n {2}"result": "Hello world!"\n\}/);
  });

  it('save --id updates; delete of a missing object is 404/101', () => {
    const created = runCliJson(['parse', 'save', 'Thing', '--data', '{"n":1}', '--cloud', reference, '--db', db]).json.body as { objectId: string };
    const updated = runCliJson(['parse', 'save', 'Thing', '--id', created.objectId, '--data', '{"n":{"__op":"Increment","amount":2}}', '--cloud', reference, '--db', db]);
    assert.deepEqual(Object.keys(updated.json.body as object).sort(), ['n', 'updatedAt']);
    assert.equal((updated.json.body as { n: number }).n, 3);
    const missing = runCliJson(['parse', 'delete', 'Thing', 'nope', '--cloud', reference, '--db', db]);
    assert.deepEqual([missing.code, missing.json.status, missing.json.body], [1, 404, { code: 101, error: 'Object not found.' }]);
  });
});

describe('serve: reload on change', () => {
  it('reloads the cloud file and keeps the database', async () => {
    const dir = tempDir();
    const cloud = path.join(dir, 'main.js');
    fs.writeFileSync(cloud, "Parse.Cloud.define('version', () => 1);\n");
    const served = await startServe(['--cloud', cloud, '--db', path.join(dir, 'reload.db')]);
    try {
      assert.deepEqual((await rest(served.url, 'POST', 'functions/version')).body, { result: 1 });
      const saved = await rest(served.url, 'POST', 'classes/Thing', { kept: true });
      assert.equal(saved.status, 201);
      const deadline = Date.now() + 10_000;
      const waitFor = async (expected: unknown): Promise<void> => {
        while (!isDeep((await rest(served.url, 'POST', 'functions/version')).body, expected)) {
          assert.ok(Date.now() < deadline, `no reload to ${JSON.stringify(expected)}:\n${served.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      fs.writeFileSync(cloud, "Parse.Cloud.define('version', () => 2);\n");
      await waitFor({ result: 2 });
      // A broken version keeps the previous code running.
      fs.writeFileSync(cloud, "Parse.Cloud.define('version', () => {{ 3);\n");
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual((await rest(served.url, 'POST', 'functions/version')).body, { result: 2 });
      assert.match(served.output(), /syntax error.*still serving the previous version/);
      fs.writeFileSync(cloud, "Parse.Cloud.define('version', () => 4);\n");
      await waitFor({ result: 4 });
      const things = await rest(served.url, 'GET', 'classes/Thing');
      assert.equal((things.body as { results: unknown[] }).results.length, 1);
    } finally {
      await served.stop();
    }
  });
});

const isDeep = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
