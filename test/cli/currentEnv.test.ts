// The current API's environment through the real CLI: `cloudfn run --json` carries outbox, http_calls,
// triggered_by and content_type, the readable report shows "Mail & HTTP", --allow-network sends a call
// without a mock (to a server on 127.0.0.1), a secrets file that git would track is warned about, bad project
// files are usage errors (exit 2), and the examples of examples/current pass `cloudfn check` and run. The
// issue's login-code function (db.find_user, db.query) runs once the API model has db.query.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { dbObject } from '../../runtime/cocobase/apiModel';
import { loadRunContext } from '../../runtime/cocobase/project';
import { cliPath, repoRoot, runCli, runCliJson, tempDir, writeFunction } from '../helpers';

const dir = tempDir();
const db = path.join(dir, 'cli.db');
const project = path.join(dir, 'project');
let server: http.Server;
let port = 0;
const received: { method: string; url: string; body: string }[] = [];

before(async () => {
  fs.cpSync(path.join(repoRoot, 'examples', 'current'), project, { recursive: true });
  assert.equal(runCli(['db', 'import', path.join(project, 'users.fixture.json'), '--db', db]).code, 0);
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    request.on('end', () => {
      if (request.url === '/hang') return; // never answered: the run's time limit ends the wait
      received.push({ method: request.method!, url: request.url!, body });
      response.writeHead(201, { 'content-type': 'application/json', 'x-local': 'yes' });
      response.end(JSON.stringify({ echoed: JSON.parse(body || 'null') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** `cloudfn run ... --json` without blocking this process, whose server the run calls. */
function runJsonAsync(args: string[]): Promise<{ code: number | null; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args, '--json'], { cwd: repoRoot });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, json: JSON.parse(stdout) as Record<string, unknown> }));
  });
}

test('run --json: outbox, http_calls, triggered_by and content_type', () => {
  const fn = path.join(project, 'functions', 'send_login_code.py');
  const { code, json } = runCliJson(['run', fn, '--db', db, '--payload', '{"email": "ann@example.com"}']);
  assert.equal(code, 0, JSON.stringify(json));
  assert.equal(json.triggered_by, 'manual');
  assert.equal(json.content_type, null);
  const outbox = json.outbox as { to: string[]; subject: string; body: string }[];
  assert.deepEqual(outbox.map((mail) => [mail.to, mail.subject]), [[['ann@example.com'], 'Your Shop login code']]);
  assert.match(outbox[0]!.body, /^Your code is \d{6}\. It expires in 10 minutes\.$/);
  assert.deepEqual(json.http_calls, []);
});

test('run --json of an HTML page: the HTML text, its content type and status, the mocked call', () => {
  const fn = path.join(project, 'functions', 'price_page.py');
  const { code, json } = runCliJson(['run', fn, '--db', db, '--query', 'currency=gbp']);
  assert.equal(code, 0, JSON.stringify(json));
  assert.equal(json.content_type, 'text/html; charset=utf-8');
  assert.equal(json.status_code, 200);
  assert.match(json.result as string, /<li>Cake &lt;big&gt;: 3\.61<\/li>/);
  assert.match(json.result as string, /href="http:\/\/localhost:8787\/static\/site.css"/);
  const [call] = json.http_calls as Record<string, unknown>[];
  assert.deepEqual({ ...call, duration_ms: 0 }, { method: 'GET', url: 'https://api.exchangerate.example/latest?base=EUR', status: 200, source: 'mock', duration_ms: 0, mock_file: 'cloudfn.json' });
});

test('the readable report shows Mail & HTTP', () => {
  const fn = writeFunction(project, 'functions/both.py', [
    'def main():',
    '    req.send_mail(to="ann@example.com", subject="Hi", body="there")',
    '    try:',
    '        http.get("https://nowhere.example/x")',
    '    except ConnectionError:',
    '        pass',
    '    return http.get("https://api.exchangerate.example/latest").status_code',
  ].join('\n'));
  const { code, stdout } = runCli(['run', fn, '--db', db]);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /Mail & HTTP: 1 mail \(not sent\), 2 http calls\n {2}✉ to ann@example\.com · "Hi" · 5 characters\n {2}⇄ GET https:\/\/nowhere\.example\/x → — \(refused, [\d.]+ ms\)\n {2}⇄ GET https:\/\/api\.exchangerate\.example\/latest → 200 \(mock/);
});

test('--allow-network sends a call without a mock; without it the call is refused', async () => {
  const fn = writeFunction(project, 'functions/network.py', [
    'def main():',
    `    r = http.post("http://127.0.0.1:${port}/hook?a=1", json={"n": 1}, headers={"X-Test": "1"})`,
    '    return [r.status_code, r.json(), r.headers["X-Local"]]',
  ].join('\n'));
  const allowed = await runJsonAsync(['run', fn, '--db', db, '--allow-network']);
  assert.equal(allowed.code, 0, JSON.stringify(allowed.json));
  assert.deepEqual(allowed.json.result, [201, { echoed: { n: 1 } }, 'yes']);
  assert.deepEqual(received.at(-1), { method: 'POST', url: '/hook?a=1', body: '{"n": 1}' });
  assert.equal((allowed.json.http_calls as { source: string }[])[0]!.source, 'network');
  const refused = await runJsonAsync(['run', fn, '--db', db]);
  assert.equal(refused.code, 1);
  assert.match(refused.json.error as string, /^ConnectionError: POST http:\/\/127\.0\.0\.1:\d+\/hook\?a=1 was refused: cloudfn runs offline\. Add an http mock to network\.http\.json or to http_mocks in cloudfn\.json/);
  assert.equal(received.length, 1);
});

test('the confined runtime process makes several network calls in one run, over its http pipe', async () => {
  const fn = writeFunction(project, 'functions/twice.py', [
    'def main():',
    `    return [http.post("http://127.0.0.1:${port}/n", json={"n": i}).json()["echoed"]["n"] for i in range(3)]`,
  ].join('\n'));
  const { code, json } = await runJsonAsync(['run', fn, '--db', db, '--allow-network']);
  assert.equal(code, 0, JSON.stringify(json));
  assert.deepEqual(json.result, [0, 1, 2]);
});

test('a network call that gets no answer does not outlive the run\'s time limit', async () => {
  const fn = writeFunction(project, 'functions/hang.py', `def main():\n    return http.get("http://127.0.0.1:${port}/hang", timeout=60).status_code\n`);
  const { code, json } = await runJsonAsync(['run', fn, '--db', db, '--allow-network', '--timeout', '1']);
  assert.equal(code, 1);
  // Stopped by --timeout, not by the call's own 60 s or the default 20 s limit: the message names the limit.
  assert.match(json.error as string, /^TimeoutError: the function did not finish within its 1 s time limit$/);
});

test('a failed network call is a ConnectionError naming the URL', () => {
  const fn = writeFunction(project, 'functions/closed.py', 'def main():\n    return http.get("http://127.0.0.1:1/x", timeout=2).status_code\n');
  const { code, json } = runCliJson(['run', fn, '--db', db, '--allow-network']);
  assert.equal(code, 1);
  assert.match(json.error as string, /^ConnectionError: GET http:\/\/127\.0\.0\.1:1\/x failed: /);
  assert.deepEqual((json.http_calls as { source: string; status: null }[]).map((c) => [c.source, c.status]), [['network', null]]);
});

test('a secrets file that git would track is warned about; an ignored one is not', () => {
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(repo);
  spawnSync('git', ['init', '-q'], { cwd: repo });
  fs.writeFileSync(path.join(repo, 'cloudfn.json'), '{"config": {"A": "public"}}');
  fs.writeFileSync(path.join(repo, 'cloudfn.secrets.json'), '{"A": "s3cret-value"}');
  const fn = writeFunction(repo, 'f.py', 'def main():\n    print(config.get("A"))\n    return config.get("A")\n');
  const tracked = runCliJson(['run', fn, '--db', db]);
  assert.match(tracked.stderr, /warning: .*cloudfn\.secrets\.json is not ignored by git/);
  assert.equal(tracked.json.output, '[redacted]\n');
  assert.equal(tracked.json.result, 's3cret-value');
  fs.writeFileSync(path.join(repo, '.gitignore'), 'cloudfn.secrets.json\n');
  assert.equal(runCliJson(['run', fn, '--db', db]).stderr, '');
});

test('one process asks git again once the ignore rules change (the answer is kept only while they hold)', () => {
  const repo = path.join(dir, 'repo-warm');
  fs.mkdirSync(path.join(repo, 'functions'), { recursive: true });
  spawnSync('git', ['init', '-q'], { cwd: repo });
  fs.writeFileSync(path.join(repo, 'cloudfn.json'), '{}');
  fs.writeFileSync(path.join(repo, 'cloudfn.secrets.json'), '{"A": "s3cret-value"}');
  const fn = writeFunction(repo, 'functions/f.py', 'def main():\n    return 1\n');
  const warned = /cloudfn\.secrets\.json is not ignored by git/;
  assert.match(loadRunContext(fn).warnings.join('\n'), warned);
  assert.match(loadRunContext(fn).warnings.join('\n'), warned);
  // A rule in a nested folder's .gitignore does not cover the project root's file; git still warns.
  fs.writeFileSync(path.join(repo, 'functions', '.gitignore'), 'cloudfn.secrets.json\n');
  assert.match(loadRunContext(fn).warnings.join('\n'), warned);
  fs.writeFileSync(path.join(repo, '.git', 'info', 'exclude'), 'cloudfn.secrets.json\n');
  assert.deepEqual(loadRunContext(fn).warnings, []);
  fs.writeFileSync(path.join(repo, '.git', 'info', 'exclude'), '# nothing\n');
  assert.match(loadRunContext(fn).warnings.join('\n'), warned);
});

const badProjects: { name: string; file: string; text: string; message: RegExp }[] = [
  { name: 'malformed cloudfn.json', file: 'cloudfn.json', text: '{"project_id": ', message: /cloudfn\.json is not valid JSON/ },
  { name: 'a project_id that is not a string', file: 'cloudfn.json', text: '{"project_id": 7}', message: /"project_id" must be a non-empty string/ },
  { name: 'config that is not an object', file: 'cloudfn.json', text: '{"config": []}', message: /"config" must be an object/ },
  { name: 'a mock without a url', file: 'cloudfn.json', text: '{"http_mocks": [{"status": 200}]}', message: /"http_mocks"\[0\] needs a "url" string/ },
  { name: 'a mock with a bad status', file: 'f.http.json', text: '[{"url": "https://x", "status": 99}]', message: /f\.http\.json\[0\]\.status must be an HTTP status/ },
  { name: 'secrets that are not an object', file: 'cloudfn.secrets.json', text: '["x"]', message: /must hold a flat JSON object/ },
];

for (const bad of badProjects) {
  test(`a bad project file is a usage error: ${bad.name}`, () => {
    const folder = fs.mkdtempSync(path.join(dir, 'bad-'));
    fs.writeFileSync(path.join(folder, 'cloudfn.json'), '{}');
    fs.writeFileSync(path.join(folder, bad.file), bad.text);
    const fn = writeFunction(folder, 'f.py', 'def main():\n    return 1\n');
    const { code, stderr } = runCli(['run', fn, '--db', db]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, bad.message);
  });
}

test('the examples of examples/current pass cloudfn check', () => {
  const files = fs.readdirSync(path.join(project, 'functions')).filter((name) => name.endsWith('.py')).map((name) => path.join(project, 'functions', name));
  const { code, stdout } = runCli(['check', ...files]);
  assert.equal(code, 0, stdout);
});

const hasQuery = dbObject.members.some((member) => member.name === 'query');
test('the issue\'s login-code function (db.find_user, db.query) passes check and runs', { skip: hasQuery ? false : 'db.query is not in the API model yet (branch current-db)' }, () => {
  const fn = path.join(project, 'functions', 'login_code_query.py');
  fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'current', 'login_code_query.py'), fn);
  const check = runCli(['check', fn]);
  assert.equal(check.code, 0, check.stdout);
  // Each run sends a code until three were sent within the window (one may exist from the first test).
  const recents: number[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    const { code, json } = runCliJson(['run', fn, '--db', db, '--payload', '{"email": "Ann@Example.com"}']);
    assert.equal(code, 0, JSON.stringify(json));
    if (json.status_code === 429) break;
    recents.push((json.result as { recent: number }).recent);
    assert.equal((json.outbox as unknown[]).length, 1);
  }
  assert.ok(recents.length >= 2 && recents.length <= 3, JSON.stringify(recents));
  recents.forEach((recent, index) => assert.equal(recent, recents[0]! + index));
  assert.equal(recents.at(-1), 2);
});
