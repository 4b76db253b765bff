// The editor's warm test process (dist/testRunner.js --serve): it starts its runtime on a warm-up request,
// answers runs with the JSON report of `cloudfn test --reporter json`, and keeps its runtime between runs
// without keeping stale inputs: a function, a payloads file and a fixture edited between two runs are read
// again; a path that does not exist is an error answer, after which it still runs; it ends when its parent
// disconnects.

import test from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers';
import type { ServeAnswer, ServeRequest } from '../../cli/testServe';

test('the warm test process answers runs and reads edited files again', async () => {
  const dir = tempDir();
  const fixture = { format: 'cloudfn-fixture', version: 1, app_users: [], collections: [{ name: 'items', webhook_url: null, documents: [{ id: 'a', data: { n: 1 } }] }] };
  fs.writeFileSync(path.join(dir, 'items.fixture.json'), JSON.stringify(fixture));
  fs.writeFileSync(path.join(dir, 'count.py'), 'def main():\n    return db.count_documents("items")\n');
  fs.writeFileSync(path.join(dir, 'count.payloads.json'), JSON.stringify({ $fixture: 'items.fixture.json', one: { expect: { result: 1 } } }));

  const child = fork(path.join(repoRoot, 'dist', 'testRunner.js'), ['--serve'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const answers = new Map<number, (answer: ServeAnswer) => void>();
  child.on('message', (answer: ServeAnswer) => answers.get(answer.id)?.(answer));
  let nextId = 1;
  const ask = (request: Partial<ServeRequest>): Promise<ServeAnswer> => new Promise((resolve) => {
    const id = nextId++;
    answers.set(id, resolve);
    child.send({ paths: ['.'], cwd: dir, timeoutMs: 20_000, memoryLimitMb: 512, ...request, id });
  });
  const statuses = async (): Promise<string[]> => {
    const answer = await ask({});
    assert.ok('report' in answer, JSON.stringify(answer));
    return (JSON.parse(answer.report) as { tests: Array<{ name: string; status: string }> }).tests.map((entry) => `${entry.name}: ${entry.status}`);
  };
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    assert.deepEqual(await ask({ warmUp: true }), { id: 1, report: JSON.stringify({ passed: 0, failed: 0, errors: 0, total: 0, time_ms: 0, file_errors: [], tests: [] }, null, 2) + '\n' });
    assert.deepEqual(await statuses(), ['one: passed']);
    // The fixture gains a document: the next run starts from the new fixture.
    fixture.collections[0]!.documents.push({ id: 'b', data: { n: 2 } });
    fs.writeFileSync(path.join(dir, 'items.fixture.json'), JSON.stringify(fixture));
    assert.deepEqual(await statuses(), ['one: failed']);
    // The function and the payloads file are read again too.
    fs.writeFileSync(path.join(dir, 'count.py'), 'def main():\n    return db.count_documents("items") - 1\n');
    fs.writeFileSync(path.join(dir, 'count.payloads.json'), JSON.stringify({ $fixture: 'items.fixture.json', one: { expect: { result: 1 } }, two: { expect: { result: 1 } } }));
    assert.deepEqual(await statuses(), ['one: passed', 'two: passed']);
    assert.deepEqual(await ask({ paths: ['no/such/folder'] }), { id: 5, error: 'no such file or folder: no/such/folder' });
    assert.deepEqual(await statuses(), ['one: passed', 'two: passed']);
  } finally {
    child.disconnect();
  }
  assert.equal(await exited, 0);
});
