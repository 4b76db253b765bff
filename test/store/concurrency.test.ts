// Several real processes on one database file: concurrent CLI runs and a `serve`, with random SIGKILLs among
// them, lose no write that was reported committed (a run's `committed: true`, serve's 201); the lost
// update (a slow run and a fast one overlapping) keeps both; and a crash injected at every step of the commit
// path (in the runtime process, where runs write) leaves a readable file holding exactly the runs that were
// durable, which the next run builds on, and no lock or temporary file behind.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import { cliPath, runRequest, tempDir, writeFunction } from '../helpers';
import { openHarness } from './support';

/** A run that creates `n` documents tagged `tag` after busy-waiting `wait_ms`, and returns their ids. */
const writerSource = `import datetime

def main():
    tag = request.get("tag")
    end = datetime.datetime.now() + datetime.timedelta(milliseconds=request.get("wait_ms", 0))
    while datetime.datetime.now() < end:
        pass
    return [db.create_document("runs", {"tag": tag, "i": i})["id"] for i in range(request.get("n", 5))]
`;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  json?: { committed?: boolean; result?: unknown; success?: boolean; error?: string };
  stderr: string;
}

/** Starts `cloudfn run` on `db` with `payload`; `kill()` sends SIGKILL. */
function startRun(fn: string, db: string, payload: object, env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Outcome> } {
  const child = spawn(process.execPath, [cliPath, 'run', fn, '--db', db, '--json', '--payload', JSON.stringify(payload)], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const done = new Promise<Outcome>((resolve) => child.once('close', (code, signal) => {
    let json: Outcome['json'];
    try {
      json = JSON.parse(stdout) as Outcome['json'];
    } catch {
      json = undefined;
    }
    resolve({ code, signal, json, stderr });
  }));
  return { child, done };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Ids of the documents of collection `runs` and the Parse objects in the file, as a fresh process sees it. */
async function idsInFile(db: string): Promise<Set<string>> {
  const h = await openHarness(db);
  const ids = h.store.rows("SELECT id FROM documents UNION ALL SELECT object_id FROM parse_objects").map((row) => String(row[0]));
  h.store.close();
  return new Set(ids);
}

/** Starts `cloudfn serve` on `db` and resolves with its port once it listens. */
async function startServe(db: string, cloud: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--db', db, '--port', '0', '--cloud', cloud], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /127\.0\.0\.1:(\d+)\/parse/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error(`serve exited: ${out}`)));
  });
  return { child, port };
}

describe('concurrent writers', () => {
  test('the lost update of the issue: a slow run and a fast one overlapping both keep their documents', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'shared.db');
    const fn = writeFunction(dir, 'writer.py', writerSource);
    const slow = startRun(fn, db, { tag: 'slow', wait_ms: 2500, n: 1 });
    await sleep(1500);
    const fast = startRun(fn, db, { tag: 'fast', n: 1 });
    const [a, b] = await Promise.all([slow.done, fast.done]);
    assert.equal(a.json?.committed, true, a.stderr);
    assert.equal(b.json?.committed, true, b.stderr);
    const ids = await idsInFile(db);
    for (const id of [...(a.json!.result as string[]), ...(b.json!.result as string[])]) assert.ok(ids.has(id), `document ${id} was lost`);
  });

  test('CLI runs and serve, with random SIGKILLs: every reported commit is in the file', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'shared.db');
    const fn = writeFunction(dir, 'writer.py', writerSource);
    const cloud = writeFunction(dir, 'main.js', '// No Cloud Code: plain object saves.\n');
    let seed = 17;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const acknowledged: string[] = [];
    const serve = await startServe(db, cloud);
    let serving = true;
    const posts = (async () => {
      for (let i = 0; serving; i++) {
        try {
          const response = await fetch(`http://127.0.0.1:${serve.port}/parse/classes/Item`, {
            method: 'POST', headers: { 'X-Parse-Application-Id': 'appId', 'Content-Type': 'application/json' }, body: JSON.stringify({ i }),
          });
          if (response.status === 201) acknowledged.push(((await response.json()) as { objectId: string }).objectId);
        } catch {
          return;
        }
        await sleep(30);
      }
    })();
    const outcomes: Outcome[] = [];
    let killed = 0;
    for (let wave = 0; wave < 3; wave++) {
      const runs = [0, 1, 2].map((k) => startRun(fn, db, { tag: `w${wave}-${k}`, wait_ms: Math.floor(random() * 300), n: 5 }));
      const victim = runs[Math.floor(random() * runs.length)]!;
      const killAfter = 600 + Math.floor(random() * 900);
      const timer = setTimeout(() => { killed++; victim.child.kill('SIGKILL'); }, killAfter);
      outcomes.push(...await Promise.all(runs.map((run) => run.done)));
      clearTimeout(timer);
    }
    serving = false;
    serve.child.kill('SIGKILL');
    await posts;
    const ids = await idsInFile(db);
    const committed = outcomes.filter((outcome) => outcome.json?.committed === true);
    assert.ok(committed.length >= outcomes.length - killed, `runs failed: ${outcomes.map((o) => o.stderr).join('\n')}`);
    for (const outcome of committed) {
      for (const id of outcome.json!.result as string[]) assert.ok(ids.has(id), `document ${id} of a committed run was lost`);
    }
    assert.ok(acknowledged.length > 0, 'serve answered no write');
    for (const id of acknowledged) assert.ok(ids.has(id), `object ${id} acknowledged by serve was lost`);
  });
});

describe('the confined runtime process and the lock (its supervisor judges other processes for it)', () => {
  test('a lock left by a dead process is broken by the waiting run\'s supervisor', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'stale.db');
    const fn = writeFunction(dir, 'writer.py', writerSource);
    assert.equal((await startRun(fn, db, { tag: 'first', n: 1 }).done).json?.committed, true);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    fs.writeFileSync(`${db}.cloudfn-lock`, JSON.stringify({ host: os.hostname(), pid: dead, thread: 0, token: 'dead' }));
    // Were the lock not broken for it, the run would wait this long and fail.
    const run = await startRun(fn, db, { tag: 'after', n: 1 }, { CLOUDFN_LOCK_TIMEOUT_MS: '20000' }).done;
    assert.equal(run.json?.committed, true, run.stderr + JSON.stringify(run.json));
    assert.ok(!fs.existsSync(`${db}.cloudfn-lock`));
  });

  test('a run killed at its time limit while holding the lock: its supervisor releases it, the next run commits', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'killed.db');
    const supervisor = new PythonSupervisor({ dbPath: db, graceMs: 100 });
    try {
      const first = await supervisor.run(runRequest('def main():\n    db.create_document("runs", {"tag": "first"})'));
      assert.equal(first.committed, true, first.error ?? '');
      const stuck = 'def main():\n    db.create_document("runs", {"tag": "stuck"})\n    while True:\n        try:\n            while True:\n                pass\n        except:\n            pass';
      const killed = await supervisor.run(runRequest(stuck, { timeoutMs: 300 }));
      assert.equal(killed.error_type, 'TimeoutError');
      const next = await supervisor.run(runRequest('def main():\n    db.create_document("runs", {"tag": "next"})', { timeoutMs: 10_000 }));
      assert.equal(next.committed, true, next.error ?? '');
      assert.ok(!fs.existsSync(`${db}.cloudfn-lock`));
    } finally {
      await supervisor.dispose();
    }
    const h = await openHarness(db);
    assert.deepEqual(h.store.rows("SELECT json_extract(data, '$.tag') FROM documents ORDER BY rowid").map((row) => String(row[0])), ['first', 'next']);
    h.store.close();
  });
});

describe('a crash at every step of the commit path', () => {
  // [step, whether the crashed run is durable, environment that routes the save through that step].
  const steps: [string, boolean, Record<string, string>][] = [
    ['lock-taken', false, {}],
    ['journal-half-written', false, {}],
    ['journal-written', true, {}],
    ['checkpoint-half-written', false, { CLOUDFN_STORE_CHECKPOINT_BYTES: '1' }],
    ['checkpoint-written', false, { CLOUDFN_STORE_CHECKPOINT_BYTES: '1' }],
    ['checkpoint-renamed', true, { CLOUDFN_STORE_CHECKPOINT_BYTES: '1' }],
  ];
  for (const [step, durable, env] of steps) {
    test(`${step}: the file holds the runs before it${durable ? ' and the crashed one' : ''}, and the next run goes on`, async () => {
      const dir = tempDir();
      const db = path.join(dir, 'crash.db');
      const fn = writeFunction(dir, 'writer.py', writerSource);
      const seeded = await openHarness(db);
      seeded.store.begin();
      const before = seeded.call('create_document', { collection: 'runs', data: { tag: 'before' } }).id as string;
      seeded.store.commit();
      seeded.store.save();
      seeded.store.close();
      const crashed = await startRun(fn, db, { tag: 'crashed', n: 2 }, { ...env, CLOUDFN_STORE_CRASH_AT: step }).done;
      // The crash kills the runtime process (where the store writes); the CLI reports it and goes on.
      assert.match(crashed.json?.error ?? '', /stopped unexpectedly \(SIGKILL\)/, `the run did not reach ${step}: ${crashed.stderr}`);
      assert.notEqual(crashed.json?.committed, true);
      const next = await startRun(fn, db, { tag: 'next', n: 1 }, env).done;
      assert.equal(next.json?.committed, true, next.stderr);
      const h = await openHarness(db);
      const tags = h.store.rows("SELECT json_extract(data, '$.tag') FROM documents ORDER BY rowid").map((row) => String(row[0]));
      assert.deepEqual(tags, durable ? ['before', 'crashed', 'crashed', 'next'] : ['before', 'next']);
      assert.ok(h.store.rows('SELECT id FROM documents').some((row) => row[0] === before));
      h.store.close();
      assert.deepEqual(fs.readdirSync(dir).filter((name) => name.includes('.tmp-') || name.endsWith('.cloudfn-lock')), [], 'leftovers');
    });
  }
});
