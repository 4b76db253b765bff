// The editor's runtime client against the real host process (dist/runtimeHost.js): a run with streamed
// output and committed changes, cancelling an endless loop, database browsing, reset and import, bad users,
// an unreadable database, and starting again after the process is killed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers';
import { RuntimeClient, type RuntimeState } from '../../client/runtimeClient';
import { buildRunRequest, type RunRequest } from '../../runtime/cocobase/run';
import { UsageError } from '../../runtime/usageError';
import type { CollectionSummary } from '../../runtime/store/browse';
import type { FixtureDocument } from '../../runtime/store/fixtures';

const hostScript = path.join(repoRoot, 'dist', 'runtimeHost.js');
const dir = tempDir();
const dbPath = path.join(dir, 'local.db');
let client: RuntimeClient;
const states: RuntimeState['kind'][] = [];

function request(source: string, overrides: Partial<RunRequest> = {}): RunRequest {
  const run = buildRunRequest({ source, filename: 'functions/test.py', timeoutMs: 20_000 },
    { payload: { name: 'ada' }, query: {}, headers: {}, method: 'POST', user: null }, 'test');
  return { ...run, ...overrides };
}

before(async () => {
  client = new RuntimeClient({ hostScript, dbPath, memoryLimitMb: 512 });
  client.onDidChangeState((state) => states.push(state.kind));
  await client.start();
});

after(() => client.dispose());

test('a run streams its output, commits its writes and the explorer sees them', async () => {
  const lines: string[] = [];
  const result = await client.run(request(`
def main():
    print("creating", request.get("name"))
    doc = db.create_document("people", {"name": request.get("name")})
    return {"id": doc["id"]}
`), (line) => lines.push(line));
  assert.equal(result.success, true, result.error ?? '');
  assert.deepEqual(lines, ['creating ada']);
  assert.equal(result.committed, true);
  assert.equal(result.changes.created, 2);
  assert.deepEqual(await client.db<CollectionSummary[]>({ op: 'collections' }), [{ name: 'people', documents: 1 }]);
  const documents = await client.db<FixtureDocument[]>({ op: 'documents', collection: 'people', limit: 10 });
  assert.equal(documents[0]!.id, (result.result as { id: string }).id);
  assert.deepEqual(documents[0]!.data, { name: 'ada' });
  assert.ok(states.includes('running') && client.state.kind === 'ready');
});

test('cancel stops an endless loop; nothing it wrote is kept and the next run works', async () => {
  const running = client.run(request(`
def main():
    db.create_document("loops", {"n": 1})
    while True:
        pass
`));
  setTimeout(() => client.cancel(), 300);
  const result = await running;
  assert.equal(result.success, false);
  assert.equal(result.error_type, 'CancelledError');
  assert.equal(result.error, 'CancelledError: the run was cancelled');
  assert.equal(result.committed, false);
  assert.deepEqual((await client.db<CollectionSummary[]>({ op: 'collections' })).map((c) => c.name), ['people']);
  assert.equal((await client.run(request('result = 41 + 1'))).result, 42);
});

test('an unknown app user is a usage error, not a failed function', async () => {
  await assert.rejects(client.run(request('result = 1', { user: 'nobody@example.com' })), (error: unknown) =>
    error instanceof UsageError && /unknown app user 'nobody@example.com'/.test(error.message));
});

test('import, export and reset go through the host and the worker sees them', async () => {
  const fixture = {
    format: 'cloudfn-fixture', version: 1,
    collections: [{ name: 'shop', documents: [{ id: 'd1', data: { item: 'tea' } }] }],
    app_users: [{ id: 'u1', email: 'ada@example.com', data: {}, roles: ['admin'] }],
  };
  await client.db({ op: 'import', fixture, replace: true });
  const run = await client.run(request('result = [request.user.email, db.count_documents("shop")]', { user: 'ada@example.com' }));
  assert.deepEqual(run.result, ['ada@example.com', 1]);
  const exported = await client.db<{ collections: { name: string }[] }>({ op: 'export' });
  assert.deepEqual(exported.collections.map((c) => c.name), ['shop']);
  await client.db({ op: 'reset' });
  assert.deepEqual(await client.db({ op: 'collections' }), []);
  assert.deepEqual((await client.run(request('result = db.count_documents("shop")'))).result, 0);
  await assert.rejects(client.db({ op: 'import', fixture: { format: 'nope' }, replace: false }), UsageError);
});

test('the client starts a new host process when the process dies', async () => {
  const child = (client as unknown as { child: { pid: number } }).child;
  process.kill(child.pid, 'SIGKILL');
  const seen = states.length;
  const deadline = Date.now() + 20_000;
  const restarted = (): boolean => states.slice(seen).includes('stopped') && client.state.kind === 'ready';
  while (!restarted() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(states.slice(seen), ['stopped', 'starting', 'ready']);
  assert.equal((await client.run(request('result = "again"'))).result, 'again');
});

test('an unreadable database file is reported and left as it was', async () => {
  const corrupt = path.join(dir, 'corrupt.db');
  fs.writeFileSync(corrupt, 'this is not sqlite at all, just text that is long enough to have a header'.repeat(10));
  const before = fs.readFileSync(corrupt);
  const other = new RuntimeClient({ hostScript, dbPath: corrupt, memoryLimitMb: 512 });
  try {
    await assert.rejects(other.run(request('result = 1')), (error: unknown) => error instanceof UsageError && /corrupt\.db/.test(error.message));
    assert.deepEqual(fs.readFileSync(corrupt), before);
  } finally {
    other.dispose();
  }
});

test('requests sent together run one after another: a run, a database read and another run', async () => {
  const [first, collections, second] = await Promise.all([
    client.run(request('db.create_document("queued", {"n": 1})\nresult = 1')),
    client.db<CollectionSummary[]>({ op: 'collections' }),
    client.run(request('result = db.count_documents("queued")')),
  ]);
  assert.equal(first.result, 1);
  assert.ok(collections.some((c) => c.name === 'queued'), JSON.stringify(collections));
  assert.equal(second.result, 1);
});

test('a client that may not start (an untrusted workspace) refuses, starting no process', async () => {
  const untrusted = new RuntimeClient({ hostScript, dbPath, memoryLimitMb: 512, mayStart: () => false });
  try {
    await assert.rejects(untrusted.run(request('result = 1')), (error: unknown) => error instanceof UsageError && /untrusted workspace/.test(error.message));
    await assert.rejects(untrusted.db({ op: 'collections' }), UsageError);
    assert.equal(untrusted.state.kind, 'stopped');
  } finally {
    untrusted.dispose();
  }
});
