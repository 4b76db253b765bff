// `cloudfn serve` as an attacker's web page would try it, over real HTTP: cross-origin requests (CORS,
// preflight) refused unless the origin was allowed, Host names other than loopback refused (DNS rebinding),
// a drive-by text/plain POST carrying the SDK's keys changing nothing, a catastrophic $regex answered at once
// while /health stays prompt, bodies over the limit or nested too deep refused cleanly, and Cloud Code that
// spins after an await stopped at the time limit — the server answering and ending on SIGTERM all along.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { runCli, tempDir } from '../helpers';
import { rest, startServe, type Served } from '../parse/serveProcess';
import { allowedOrigins, isLoopbackHost } from '../../serve/guard';

const dir = tempDir();
const cloudFile = path.join(dir, 'cloud', 'main.js');
fs.mkdirSync(path.dirname(cloudFile));
fs.writeFileSync(cloudFile, `
Parse.Cloud.define('hello', () => 'Hello world!');
Parse.Cloud.define('write', async () => { await new Parse.Object('Secret').save({ by: 'function' }); return 'wrote'; });
Parse.Cloud.define('asyncSpin', async () => { await null; for (;;) {} });
Parse.Cloud.define('timerSpin', () => { setTimeout(() => { for (;;) {} }, 1); return 'started'; });
`);
const frontEnd = 'http://localhost:5173';
/** No test may hang the run: a server that stops answering fails it. */
const bounded = { timeout: 30_000 };
/** The time limit of each request in these servers, in seconds. */
const timeout = 2;
let served: Served;

before(async () => {
  served = await startServe(['--cloud', cloudFile, '--db', path.join(dir, 'local.db'), '--allow-origin', frontEnd, '--timeout', String(timeout)]);
});
after(async () => { await served.stop(); });

const port = (): number => Number(new URL(served.url).port);

/** A raw request with any headers (fetch does not let a caller set Host). */
function raw(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1', port: port(), method: options.method ?? 'POST', path: options.path ?? '/parse/functions/hello',
      headers: { 'X-Parse-Application-Id': 'appId', ...options.headers },
    }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** The objects of class Secret, as a client without an Origin (curl, the Node SDK) sees them. */
async function secrets(): Promise<unknown[]> {
  const { body } = await rest(served.url, 'GET', 'classes/Secret', {}, { masterKey: 'masterKey' });
  return (body as { results: unknown[] }).results;
}

test('a request without an Origin (curl, the Node SDK) is answered, with no CORS headers', bounded, async () => {
  const response = await rest(served.url, 'POST', 'functions/hello');
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { result: 'Hello world!' });
  assert.equal(response.headers.get('access-control-allow-origin'), null);
});

test('an allowed origin is answered with its own name in Access-Control-Allow-Origin, never *', bounded, async () => {
  const response = await fetch(`${served.url}/functions/hello`, { method: 'POST', headers: { Origin: frontEnd, 'X-Parse-Application-Id': 'appId' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), frontEnd);
  assert.match(response.headers.get('vary') ?? '', /Origin/);
});

test('other origins are refused with 403 and no CORS headers: another port, another host, null, a malformed one', bounded, async () => {
  for (const origin of ['http://localhost:5174', 'https://localhost:5173', 'http://evil.example', 'null', 'not a url']) {
    const response = await fetch(`${served.url}/functions/hello`, { method: 'POST', headers: { Origin: origin, 'X-Parse-Application-Id': 'appId' } });
    assert.equal(response.status, 403, origin);
    assert.equal(response.headers.get('access-control-allow-origin'), null, origin);
    assert.match(((await response.json()) as { error: string }).error, /^unauthorized: origin/, origin);
  }
});

test('a preflight is answered for an allowed origin only', bounded, async () => {
  const ask = (origin: string): Promise<Response> => fetch(`${served.url}/classes/Secret`, {
    method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-parse-application-id,content-type' },
  });
  const allowed = await ask(frontEnd);
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get('access-control-allow-origin'), frontEnd);
  assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /X-Parse-Application-Id/);
  assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /POST/);
  const refused = await ask('http://evil.example');
  assert.equal(refused.status, 403);
  assert.equal(refused.headers.get('access-control-allow-origin'), null);
  assert.equal(refused.headers.get('access-control-allow-methods'), null);
});

test('a browser request marked cross-site that carries no Origin is refused', bounded, async () => {
  const response = await raw({ method: 'GET', path: '/parse/classes/Secret', headers: { 'Sec-Fetch-Site': 'cross-site' } });
  assert.equal(response.status, 403);
});

test('Host must name this server: loopback names with the bound port pass, rebinding names are refused', bounded, async () => {
  for (const host of [`localhost:${port()}`, `127.0.0.1:${port()}`, `[::1]:${port()}`, `LOCALHOST:${port()}`, `127.1.2.3:${port()}`]) {
    const response = await raw({ headers: { Host: host } });
    assert.equal(response.status, 200, `${host}: ${response.body}`);
  }
  for (const host of [`evil.example:${port()}`, `localhost.evil.example:${port()}`, `127.0.0.1.nip.io:${port()}`, `localhost:${port() + 1}`, 'localhost', `0.0.0.0:${port()}`, `[::ffff:7f00:1]:${port()}`, `localhost.:${port()}`]) {
    const response = await raw({ headers: { Host: host } });
    assert.equal(response.status, 403, host);
    assert.match(JSON.parse(response.body).error, /^unauthorized: Host/, host);
  }
});

test('a drive-by text/plain POST from a foreign page, keys in its body, changes nothing', bounded, async () => {
  const before = await secrets();
  const keys = { _ApplicationId: 'appId', _MasterKey: 'masterKey', _ClientVersion: 'js8.6.2' };
  const attempts = [
    { path: '/parse/classes/Secret', body: { ...keys, _method: 'POST', by: 'attacker' } },
    { path: '/parse/functions/write', body: { ...keys } },
    { path: '/parse/batch', body: { ...keys, requests: [{ method: 'POST', path: '/parse/classes/Secret', body: { by: 'batch' } }] } },
  ];
  for (const origin of ['http://evil.example', 'null']) {
    for (const attempt of attempts) {
      const response = await fetch(`${served.url.replace('/parse', '')}${attempt.path}`, {
        method: 'POST', headers: { Origin: origin, 'Content-Type': 'text/plain' }, body: JSON.stringify(attempt.body),
      });
      assert.equal(response.status, 403, `${origin} ${attempt.path}`);
      assert.equal(response.headers.get('access-control-allow-origin'), null);
    }
  }
  assert.deepEqual(await secrets(), before);
  // The same body from a client without an Origin (the JS SDK in Node) does write: the keys themselves work.
  const sdkLike = await fetch(`${served.url}/classes/Secret`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(attempts[0]!.body) });
  assert.equal(sdkLike.status, 201);
  assert.equal((await secrets()).length, before.length + 1);
});

test('a catastrophic $regex is answered at once, and /health meanwhile too', bounded, async () => {
  await rest(served.url, 'POST', 'classes/Word', { text: 'a'.repeat(40) + '!' });
  await rest(served.url, 'POST', 'classes/Word', { text: 'aaaa' });
  // A backtracking engine would take 2^40 steps (the test's time limit ends it); how fast RE2 is, is the bench's.
  const query = rest(served.url, 'GET', 'classes/Word', { where: { text: { $regex: '^(a+)+$' } } });
  const health = rest(served.url, 'GET', 'health');
  const [found, healthy] = await Promise.all([query, health]);
  assert.equal(found.status, 200);
  assert.deepEqual((found.body as { results: { text: string }[] }).results.map((word) => word.text), ['aaaa']);
  assert.equal(healthy.status, 200);
});

test('$regex keeps Parse\'s options (i, m, s, x, \\Q…\\E) and refuses what RE2 cannot run with 102', bounded, async () => {
  await rest(served.url, 'POST', 'classes/Line', { text: 'first\nSecond line' });
  const count = async (where: Record<string, unknown>): Promise<number> => {
    const { status, body } = await rest(served.url, 'GET', 'classes/Line', { where });
    assert.equal(status, 200, JSON.stringify(body));
    return (body as { results: unknown[] }).results.length;
  };
  assert.equal(await count({ text: { $regex: '^second', $options: 'im' } }), 1);
  assert.equal(await count({ text: { $regex: '^second', $options: 'i' } }), 0);
  assert.equal(await count({ text: { $regex: 'first.Second', $options: 's' } }), 1);
  assert.equal(await count({ text: { $regex: 'first.Second' } }), 0);
  assert.equal(await count({ text: { $regex: 'Sec ond # a comment', $options: 'x' } }), 1);
  assert.equal(await count({ text: { $regex: '\\Qd l\\E' } }), 1);
  for (const pattern of ['(a)\\1', '(?=a)', '(']) {
    const { status, body } = await rest(served.url, 'GET', 'classes/Line', { where: { text: { $regex: pattern } } });
    assert.equal(status, 400, pattern);
    assert.equal((body as { code: number }).code, 102, pattern);
  }
});

test('a body over 20 MB is 413 as on Parse Server, whether declared or streamed; the server goes on', bounded, async () => {
  const big = JSON.stringify({ text: 'x'.repeat(21 * 2 ** 20) });
  const declared = await fetch(`${served.url}/classes/Big`, { method: 'POST', headers: { 'X-Parse-Application-Id': 'appId' }, body: big });
  assert.equal(declared.status, 413);
  assert.deepEqual(await declared.json(), { error: 'request entity too large' });
  const chunks = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 25; i++) controller.enqueue(new Uint8Array(2 ** 20).fill(32));
      controller.close();
    },
  });
  const streamed = await fetch(`${served.url}/classes/Big`, { method: 'POST', headers: { 'X-Parse-Application-Id': 'appId' }, body: chunks, duplex: 'half' } as RequestInit);
  assert.equal(streamed.status, 413);
  assert.equal((await rest(served.url, 'GET', 'health')).status, 200);
});

test('JSON nested 300,000 deep is a clean 400 (body, where, an aggregate pipeline, context); bad JSON and bad escapes too', bounded, async () => {
  const deep = '['.repeat(300_000) + ']'.repeat(300_000);
  const body = await fetch(`${served.url}/classes/Deep`, { method: 'POST', headers: { 'X-Parse-Application-Id': 'appId' }, body: `{"a":${deep}}` });
  assert.equal(body.status, 400);
  assert.deepEqual(await body.json(), { code: 107, error: 'invalid JSON: it nests deeper than 1000 levels' });
  const whereDeep = `{"a":${'['.repeat(1100)}${']'.repeat(1100)}}`;
  const where = await fetch(`${served.url}/classes/Deep?where=${encodeURIComponent(whereDeep)}`, { headers: { 'X-Parse-Application-Id': 'appId' } });
  assert.equal(where.status, 400);
  assert.equal(((await where.json()) as { code: number }).code, 107);
  const pipeline = await fetch(`${served.url}/aggregate/Deep?pipeline=${encodeURIComponent(`[{"$match":${whereDeep}}]`)}`, {
    headers: { 'X-Parse-Application-Id': 'appId', 'X-Parse-Master-Key': 'masterKey' },
  });
  assert.equal(pipeline.status, 400);
  assert.deepEqual(await pipeline.json(), { code: 107, error: 'invalid JSON: it nests deeper than 1000 levels' });
  const context = await raw({ headers: { 'X-Parse-Cloud-Context': '['.repeat(5000) + ']'.repeat(5000) } });
  assert.equal(context.status, 400);
  const broken = await fetch(`${served.url}/classes/Deep`, { method: 'POST', headers: { 'X-Parse-Application-Id': 'appId' }, body: '{"a":' });
  assert.equal(broken.status, 400);
  const escape = await raw({ path: '/parse/classes/%E0%A4%A' });
  assert.equal(escape.status, 400);
  assert.equal((await rest(served.url, 'GET', 'health')).status, 200);
});

test('Cloud Code that spins after an await is stopped at the time limit (124); the server answers again', bounded, async () => {
  const spin = rest(served.url, 'POST', 'functions/asyncSpin');
  const health = rest(served.url, 'GET', 'health');
  const answer = await spin;
  assert.equal(answer.status, 400);
  assert.equal((answer.body as { code: number }).code, 124);
  assert.equal((await health).status, 200);
  assert.deepEqual((await rest(served.url, 'POST', 'functions/hello')).body, { result: 'Hello world!' });
});

test('a timer that spins is stopped too, and the server goes on', bounded, async () => {
  assert.deepEqual((await rest(served.url, 'POST', 'functions/timerSpin')).body, { result: 'started' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const health = await rest(served.url, 'GET', 'health');
  assert.equal(health.status, 200);
  assert.deepEqual((await rest(served.url, 'POST', 'functions/hello')).body, { result: 'Hello world!' });
  assert.equal(served.child.exitCode, null);
});

test('SIGTERM ends serve promptly, with exit 0, even while a handler spins', bounded, async () => {
  const other = await startServe(['--cloud', cloudFile, '--db', path.join(dir, 'other.db'), '--timeout', '1']);
  void rest(other.url, 'POST', 'functions/asyncSpin').catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const exited = new Promise<number | null>((resolve) => other.child.once('exit', (code) => resolve(code)));
  other.child.kill('SIGTERM');
  // That it exits at all while the handler spins is the point (the test's time limit ends a hang).
  assert.equal(await exited, 0);
});

test('--allow-origin takes an origin or a bare port, and refuses * and paths', () => {
  assert.deepEqual(allowedOrigins('http://localhost:5173/'), ['http://localhost:5173']);
  assert.deepEqual(allowedOrigins('5173'), ['http://localhost:5173', 'http://127.0.0.1:5173']);
  assert.deepEqual(allowedOrigins('HTTPS://App.Example'), ['https://app.example']);
  for (const bad of ['*', 'http://localhost:5173/app', 'localhost:5173', 'ftp://x', '70000', 'http://u:p@localhost']) {
    assert.throws(() => allowedOrigins(bad), Error, bad);
  }
  assert.equal(isLoopbackHost('localhost:80', 80), true);
  assert.equal(isLoopbackHost('localhost', 80), true);
  assert.equal(isLoopbackHost('127.0.0.256:80', 80), false);
});

test('bad serve flags are one line and exit 2', () => {
  for (const [flags, message] of [
    [['--allow-origin', '*'], /^cloudfn: --allow-origin: "\*" would let every web page use the server/],
    [['--allow-origin', 'http://localhost:5173/app'], /^cloudfn: --allow-origin: 'http:\/\/localhost:5173\/app' is not an origin/],
    [['--timeout', '0'], /^cloudfn: --timeout must be a positive number/],
  ] as const) {
    const { code, stderr } = runCli(['serve', '--port', '0', '--db', path.join(dir, 'flags.db'), ...flags]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
  }
});
