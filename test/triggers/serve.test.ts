// `cloudfn serve`'s CocoBASE half over real HTTP (Node's fetch): both URL shapes, GET and POST, the envelope,
// tuple statuses, 500 and 504, HTML, bearer tokens, the runtime pool, hot reload, collection hooks with their
// payloads in write order and no loops, legacy webhooks (a local function URL, and a local HTTP server with
// the retry rules), schedule runs and the executions log with its CLI.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { FileLock } from '../../runtime/store/fileLock';
import { runCli, tempDir } from '../helpers';
import { startServe, type Served } from '../parse/serveProcess';

const dir = tempDir();
const db = path.join(dir, 'local.db');
const write = (name: string, source: string): void => {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), source);
};

/** What the webhook receiver got, and how it answers each call (status codes in turn). */
const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: Record<string, unknown> }> = [];
const answers: Record<string, number[]> = { '/flaky': [500, 200], '/refuse': [404, 200] };
const receiver = http.createServer((req, res) => {
  let text = '';
  req.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  req.on('end', () => {
    received.push({ path: req.url!, headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
    res.writeHead(answers[req.url!]?.shift() ?? 200);
    res.end('{}');
  });
});
let receiverUrl = '';

fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({
  project_id: 'demo',
  config: { greeting: 'hola' },
  hooks: { collections: { posts: { pre_save: 'audit', post_save: 'audit', pre_delete: 'audit', post_delete: 'audit' } } },
  schedules: [{ name: 'nightly', function_name: 'jobs/cleanup.run', cron_expression: '0 2 * * *', timezone: 'Europe/Berlin', payload: { full: true } }],
}));
write('hello.py', `def main():
    print("hi")
    user = request.user
    return {"method": request.method, "payload": request.json(), "query": request.query_params,
            "agent": request.headers.get("x-app"), "user": user.email if user else None}
`);
// A function an app calls reads its project as a CLI run does: config of cloudfn.json and the mocks beside it.
write('configured.py', 'def main():\n    return [config.get("greeting"), http.get("https://api.example.com/rates").json()["usd"]]\n');
write('configured.http.json', JSON.stringify([{ method: 'GET', url: 'https://api.example.com/rates', json: { usd: 1.08 } }]));
write('reports/tuple.py', 'def main():\n    return {"error": "nope"}, 418\n');
write('boom.py', 'def main():\n    raise ValueError("bad input")\n');
write('spin.py', 'def main():\n    while True:\n        pass\n');
write('slow.py', 'import datetime\ndef main():\n    end = datetime.datetime.now() + datetime.timedelta(seconds=1.5)\n    while datetime.datetime.now() < end:\n        pass\n    return "slow"\n');
// A slow run: it reads, then writes, which waits while the test holds the database's write lock.
write('gated.py', 'def main():\n    before = len(db.get_collections())\n    doc = db.create_document("gated", {"n": request.json()["n"]})\n    return ["slow", before >= 0, doc["id"]]\n');
write('page.py', 'def main():\n    return render.render_html("<h1>{{ who }}</h1>", {"who": "Hi"}, status_code=202)\n');
write('signup.py', 'def main():\n    return db.create_app_user(email=request.json()["email"], password="pw123456")["id"]\n');
write('writer.py', `def main():
    doc = db.create_document("posts", {"title": "a"})
    db.update_document("posts", doc["id"], {"title": "b"})
    db.delete_document("posts", doc["id"])
    return doc["id"]
`);
write('audit.py', `def main():
    db.create_document("posts", {"title": "written by a hook"})
    return {"event": request.headers.get("x-hook-event"), "payload": request.json()}
`);
write('hooked.py', 'def main():\n    return request.json()\n');
write('jobs/cleanup.py', 'def run():\n    print("cleaning")\n    return {"cleaned": request.json()}\n');

let served: Served;
let base = '';

before(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  served = await startServe(['--project', dir, '--db', db, '--timeout', '2', '--pool', '2', '--allow-network']);
  base = served.url.replace(/\/parse$/, '');
});
after(async () => {
  await served.stop();
  receiver.close();
});

const call = async (urlPath: string, init: RequestInit = {}): Promise<{ status: number; type: string; text: string; json: Record<string, unknown> }> => {
  const response = await fetch(base + urlPath, init);
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, text, json: type.includes('json') ? JSON.parse(text) as Record<string, unknown> : {} };
};
const post = (urlPath: string, body: unknown, headers: Record<string, string> = {}): ReturnType<typeof call> =>
  call(urlPath, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
const logs = (args: string[] = []): Array<Record<string, unknown>> => {
  const result = runCli(['logs', '--db', db, '--json', '--limit', '500', ...args]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
};
/** Polls until `check` passes (hooks run after the answer), for up to 10 s. */
async function eventually(check: () => void): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    try {
      check();
      return;
    } catch (error) {
      if (waited > 10_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

test('both URL shapes answer GET and POST with the envelope; the payload key is unwrapped', async () => {
  const viaSdk = await post('/functions/demo/func/hello', { payload: { n: 1 } }, { 'X-App': 'mobile' });
  assert.equal(viaSdk.status, 200);
  assert.deepEqual(Object.keys(viaSdk.json), ['success', 'result', 'output', 'error', 'execution_time']);
  assert.equal(viaSdk.json.success, true);
  assert.deepEqual(viaSdk.json.result, { method: 'POST', payload: { n: 1 }, query: {}, agent: 'mobile', user: null });
  assert.equal(viaSdk.json.output, 'hi\n');
  const viaDocs = await call('/functions/hello/execute?a=1&b=two');
  assert.deepEqual((viaDocs.json.result as Record<string, unknown>).payload, { a: '1', b: 'two' });
  assert.deepEqual((viaDocs.json.result as Record<string, unknown>).query, { a: '1', b: 'two' });
  assert.deepEqual(((await post('/functions/hello/execute', { n: 2 })).json.result as Record<string, unknown>).payload, { n: 2 });
  assert.equal((await post('/functions/hello/execute', [1, 2])).status, 400);
  assert.equal((await call('/functions/other/func/hello')).status, 404);
  assert.equal((await call('/functions/missing/execute')).status, 404);
  assert.equal((await call('/functions/hello/execute', { method: 'PUT' })).status, 405);
});

test('a function called through serve reads its project: config.get() and the http mocks beside it', async () => {
  const answered = await post('/functions/configured/execute', {});
  assert.equal(answered.status, 200, answered.text);
  assert.deepEqual(answered.json.result, ['hola', 1.08]);
});

test('statuses: a tuple, an exception (500), a time-out (504); HTML without the envelope', async () => {
  const tuple = await call('/functions/demo/func/reports/tuple');
  assert.equal(tuple.status, 418);
  assert.equal(tuple.json.success, true);
  assert.deepEqual(tuple.json.result, { error: 'nope' });
  const boom = await post('/functions/boom/execute', {});
  assert.equal(boom.status, 500);
  assert.equal(boom.json.success, false);
  assert.equal(boom.json.result, null);
  assert.equal(boom.json.error, 'ValueError: bad input');
  const spin = await post('/functions/spin/execute', {});
  assert.equal(spin.status, 504);
  assert.match(String(spin.json.error), /^TimeoutError: /);
  const page = await call('/functions/page/execute');
  assert.equal(page.status, 202);
  assert.equal(page.type, 'text/html; charset=utf-8');
  assert.equal(page.text, '<h1>Hi</h1>');
});

test('the guard applies: a foreign origin is refused before the function runs', async () => {
  const refused = await post('/functions/hello/execute', {}, { Origin: 'http://evil.example' });
  assert.equal(refused.status, 403);
});

test('a bearer token issued by `cloudfn token issue` signs in its app user; a bad one is anonymous', async () => {
  assert.equal((await post('/functions/signup/execute', { email: 'ada@example.com' })).status, 200);
  const issued = runCli(['token', 'issue', 'ada@example.com', '--db', db]);
  assert.equal(issued.code, 0, issued.stderr);
  const token = issued.stdout.trim();
  const signedIn = await post('/functions/hello/execute', {}, { Authorization: `Bearer ${token}` });
  assert.equal(signedIn.status, 200, signedIn.text);
  assert.equal((signedIn.json.result as Record<string, unknown>).user, 'ada@example.com');
  const anonymous = await post('/functions/hello/execute', {}, { Authorization: 'Bearer not-a-token' });
  assert.equal((anonymous.json.result as Record<string, unknown>).user, null);
  assert.equal(runCli(['token', 'issue', 'nobody@example.com', '--db', db]).code, 2);
});

// N slow runs and N fast ones at once, on a serve of its own (a pool of N + 1) and a database of its own. The
// test holds the database's write lock, as a long-writing run of another process would: the slow runs read,
// then wait at their first write until the test lets go, while the fast ones, which only read, must be
// answered meanwhile (when runs took the lock at their start, they waited too and this test failed). The
// slow runs end after the lock is released, with their writes committed. Ordering, not timing.
test('the pool: fast functions are answered while slow ones run (waiting for the write lock)', async () => {
  const n = 2;
  const poolDb = path.join(dir, 'pool.db');
  const pool = await startServe(['--project', dir, '--db', poolDb, '--pool', String(n + 1)]);
  const lock = new FileLock(`${poolDb}.cloudfn-lock`);
  try {
    const poolBase = pool.url.replace(/\/parse$/, '');
    const execute = (name: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> =>
      fetch(`${poolBase}/functions/${name}/execute`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
        .then(async (response) => ({ status: response.status, json: await response.json() as Record<string, unknown> }));
    // The database file exists before the test takes its lock (a new database is written at begin).
    assert.equal((await execute('hello', {})).status, 200);
    lock.acquire();
    let slowSettled = 0;
    const slow = Array.from({ length: n }, (_, i) => execute('gated', { n: i }).finally(() => { slowSettled++; }));
    const fast = await Promise.all(Array.from({ length: n }, (_, i) => execute('hello', { i })));
    for (const [i, answer] of fast.entries()) {
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.deepEqual((answer.json.result as Record<string, unknown>).payload, { i });
    }
    assert.equal(slowSettled, 0, 'a slow run ended while the write lock was held');
    lock.release();
    const answers = await Promise.all(slow);
    const ids = answers.map((answer) => {
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      const [word, read, id] = answer.json.result as [string, boolean, string];
      assert.deepEqual([word, read], ['slow', true]);
      return id;
    });
    const stored = runCli(['db', 'export', '--db', poolDb]);
    assert.equal(stored.code, 0, stored.stderr);
    for (const id of ids) assert.ok(stored.stdout.includes(id), `the slow run's document ${id} was committed`);
  } finally {
    lock.release();
    await pool.stop();
  }
});

test('hot reload: an edited function file serves its new text on the next request', async () => {
  write('live.py', 'def main():\n    return 1\n');
  assert.equal((await post('/functions/live/execute', {})).json.result, 1);
  write('live.py', 'def main():\n    return 2\n');
  assert.equal((await post('/functions/live/execute', {})).json.result, 2);
});

test('collection hooks fire after the commit in write order with the spec\'s payloads; hook writes fire nothing', async () => {
  const answer = await post('/functions/writer/execute', {});
  const id = answer.json.result as string;
  let hooks: Array<Record<string, unknown>> = [];
  await eventually(() => {
    hooks = logs(['--function', 'audit']).filter((record) => (record.payload as Record<string, unknown>).document_id === id
      || ((record.payload as Record<string, unknown>).document as Record<string, unknown> | undefined)?.title !== undefined);
    assert.equal(hooks.length, 6);
  });
  const writerRun = logs(['--function', 'writer'])[0]!;
  const events = hooks.map((record) => JSON.parse(record.result as string) as { event: string; payload: Record<string, unknown> });
  assert.deepEqual(events.map((e) => e.event), ['pre_save', 'post_save', 'pre_save', 'post_save', 'pre_delete', 'post_delete']);
  assert.deepEqual(events[0]!.payload, { event: 'pre_save', collection: 'posts', operation: 'create', document: { title: 'a' } });
  assert.deepEqual(events[2]!.payload, { event: 'pre_save', collection: 'posts', operation: 'update', document: { title: 'b' }, old_data: { title: 'a' } });
  const postSave = events[3]!.payload;
  assert.equal(postSave.document_id, id);
  assert.equal((postSave.document as Record<string, unknown>).title, 'b');
  assert.equal((postSave.document as Record<string, unknown>).id, id);
  assert.deepEqual(Object.keys(events[5]!.payload).sort(), ['collection', 'document', 'document_id', 'event']);
  for (const record of hooks) {
    assert.equal(record.triggered_by, 'db-event');
    assert.equal(record.parent_id, writerRun.id);
    assert.match(String(record.logs), /fired nothing: writes by hook and webhook runs never fire hooks/);
  }
  // Each hook wrote a post: none of those writes fired a hook (exactly six hook runs).
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(logs(['--function', 'audit']).filter((record) => record.parent_id === writerRun.id).length, 6);
});

test('legacy webhook_url: a local function URL runs locally; another URL is posted with the retry rules', async () => {
  write('setup.py', `def main():
    db.create_collection(name="notes", webhook_url="http://anywhere.example/functions/demo/func/hooked")
    db.create_collection(name="flaky", webhook_url="${receiverUrl}/flaky")
    db.create_collection(name="refuse", webhook_url="${receiverUrl}/refuse")
    return True
`);
  assert.equal((await post('/functions/setup/execute', {})).status, 200);
  write('notes.py', 'def main():\n    n = db.create_document("notes", {"text": "x"})\n    db.create_document("flaky", {"v": 1})\n    db.create_document("refuse", {"v": 2})\n    return n["id"]\n');
  const id = (await post('/functions/notes/execute', {})).json.result as string;
  await eventually(() => assert.equal(logs(['--function', 'webhook:refuse']).length, 1));
  const local = logs(['--function', 'hooked'])[0]!;
  assert.equal(local.triggered_by, 'db-event');
  const body = JSON.parse(local.result as string) as Record<string, unknown>;
  assert.equal(body.event_type, 'create');
  assert.equal(body.document_id, id);
  assert.deepEqual(body.data, { text: 'x' });
  assert.ok(!('old_data' in body));
  const flaky = received.filter((r) => r.path === '/flaky');
  assert.equal(flaky.length, 2, 'a 5xx is retried');
  assert.equal(flaky[0]!.headers['user-agent'], 'Cocobase-Webhook/1.0');
  assert.equal(flaky[0]!.headers['content-type'], 'application/json');
  assert.equal(received.filter((r) => r.path === '/refuse').length, 1, 'a 4xx is not retried');
  assert.equal(logs(['--function', 'webhook:flaky'])[0]!.status, 'success');
  assert.equal(logs(['--function', 'webhook:refuse'])[0]!.status, 'failed');
});

test('the executions log: status, trigger, payload, logs and duration of each run, filtered by the CLI', async () => {
  const records = logs(['--function', 'boom']);
  assert.equal(records[0]!.status, 'failed');
  assert.equal(records[0]!.triggered_by, 'http');
  assert.equal(records[0]!.error, 'ValueError: bad input');
  assert.equal(logs(['--function', 'spin'])[0]!.status, 'timeout');
  const hello = logs(['--function', 'hello', '--status', 'success']);
  assert.ok(hello.length >= 3);
  assert.equal(hello.at(-1)!.logs, 'hi\n');
  assert.equal(typeof hello[0]!.duration_ms, 'number');
  const text = runCli(['logs', '--db', db, '--function', 'boom']);
  assert.match(text.stdout, /failed\s+http\s+boom/);
});

test('cloudfn schedule run: a schedule naming a function the project does not have is a usage error (exit 2, one line)', () => {
  const project = fs.mkdtempSync(path.join(dir, 'missing-'));
  fs.writeFileSync(path.join(project, 'cloudfn.json'), JSON.stringify({
    schedules: [{ name: 'orphan', function_name: 'jobs/nope.daily', cron_expression: '30 2 * * *' }],
  }));
  const ran = runCli(['schedule', 'run', 'orphan', '--project', project, '--db', path.join(project, 'local.db'), '--json']);
  assert.equal(ran.code, 2, ran.stderr);
  assert.equal(ran.stdout, '');
  assert.equal(ran.stderr, `cloudfn: schedule 'orphan': no function 'jobs/nope.daily' in ${project}\n`);
});

test('cloudfn schedule run: the schedule\'s function entry with its payload, recorded as a schedule execution', () => {
  const ran = runCli(['schedule', 'run', 'nightly', '--project', dir, '--db', db, '--json']);
  assert.equal(ran.code, 0, ran.stderr);
  const record = JSON.parse(ran.stdout) as Record<string, unknown>;
  assert.equal(record.triggered_by, 'schedule');
  assert.equal(record.logs, 'cleaning\n');
  assert.deepEqual(JSON.parse(record.result as string), { cleaned: { full: true } });
  assert.equal(logs(['--function', 'jobs/cleanup.run'])[0]!.triggered_by, 'schedule');
  const list = runCli(['schedule', 'list', '--project', dir, '--now', '2026-03-28T12:00:00Z']);
  assert.equal(list.code, 0, list.stderr);
  // 02:00 does not exist in Berlin on 2026-03-29: croner fires at 03:00 CEST (01:00 UTC) that day.
  assert.match(list.stdout, /2026-03-29 03:00 GMT\+2 {3}2026-03-29T01:00:00\.000Z/);
  assert.match(list.stdout, /2026-03-30 02:00 GMT\+2 {3}2026-03-30T00:00:00\.000Z/);
});
