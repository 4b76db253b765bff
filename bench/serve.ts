// `npm run bench` (and `npm run bench:serve` alone): the triggers issue's speed figures for `cloudfn serve` —
// hello over keep-alive HTTP (p50 with one client, requests/s with four), hello's p99 while a 2 s function
// runs on another runtime, the dispatch of a collection hook after a write, and an edited function's first
// answer. `serve` runs as a user starts it (the CLI, its own process, the default pool); the hook dispatch is timed
// inside a trigger session (from the writing run's end to the hook's hand-over to the pool), which HTTP cannot
// see. Run alone, it rewrites its own rows of bench/results.md.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { defaultPoolSize } from '../runtime/cocobase/triggers/pool';
import { openTriggerSession } from '../runtime/cocobase/triggers/session';
import { loadFunction } from '../runtime/cocobase/triggers/functions';
import { median, percentile } from './stats';

const root = path.resolve(__dirname, '..');
/** The pool `serve` starts with by default here (the cores, 2 to 4): more runtimes than cores only compete. */
const poolSize = defaultPoolSize();
/** The machine's load when a figure was taken: the machine is shared, and throughput follows it. */
const load = (): string => `load average ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores`;

export interface ServeRow { figure: string; goal: string; measured: string; met: boolean | null; note: string }

const ms = (value: number, digits = 2): string => `${value.toFixed(digits)} ms`;
const sleep = (wait: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, wait));

/** A project with the bench's functions: hello, a 2 s busy loop, a writer with a post_save hook, an editable one. */
function makeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-bench-serve-'));
  fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({ project_id: 'bench', hooks: { collections: { posts: { post_save: 'audit' } } } }));
  fs.writeFileSync(path.join(dir, 'hello.py'), 'def main():\n    return {"message": "hello"}\n');
  fs.writeFileSync(path.join(dir, 'slow.py'), 'import datetime\ndef main():\n    end = datetime.datetime.now() + datetime.timedelta(seconds=2)\n    while datetime.datetime.now() < end:\n        pass\n    return "slow"\n');
  fs.writeFileSync(path.join(dir, 'writer.py'), 'def main():\n    return db.create_document("posts", {"title": "t"})["id"]\n');
  fs.writeFileSync(path.join(dir, 'audit.py'), 'def main():\n    return "ok"\n');
  fs.writeFileSync(path.join(dir, 'live.py'), 'def main():\n    return 0\n');
  return dir;
}

interface Serve { child: ChildProcess; port: number }

function startServe(dir: string): Promise<Serve> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'cloudfn.js'), 'serve', '--port', '0', '--project', dir, '--db', path.join(dir, 'local.db')], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /at http:\/\/127\.0\.0\.1:(\d+)\/functions/.exec(out);
      if (match) {
        child.removeAllListeners('exit');
        resolve({ child, port: Number(match[1]) });
      }
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** POSTs `{}` to a function over the keep-alive agent; resolves with the status and the body. */
function call(port: number, name: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: `/functions/${name}/execute`, method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': 2 } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end('{}');
  });
}

async function timedHello(port: number): Promise<number> {
  const started = performance.now();
  const answer = await call(port, 'hello');
  const elapsed = performance.now() - started;
  if (answer.status !== 200) throw new Error(`hello failed: ${answer.status} ${answer.body}`);
  return elapsed;
}

async function httpRows(dir: string, quick: boolean): Promise<ServeRow[]> {
  const serve = await startServe(dir);
  const rows: ServeRow[] = [];
  try {
    const { port } = serve;
    // Warm every runtime of the pool (each starts on first use).
    for (let i = 0; i < 3; i++) await Promise.all(Array.from({ length: poolSize }, () => timedHello(port)));
    for (let i = 0; i < 200; i++) await timedHello(port);

    const sequential: number[] = [];
    for (let i = 0; i < (quick ? 500 : 3000); i++) sequential.push(await timedHello(port));
    const p50 = median(sequential);
    rows.push({
      figure: '`serve` hello over keep-alive HTTP, one client (p50)', goal: '≤ 1 ms', measured: ms(p50, 3), met: p50 <= 1,
      note: `${sequential.length} requests; p95 ${ms(percentile(sequential, 0.95), 3)}; client: Node http with a keep-alive agent in the bench process; pool of ${poolSize}; ${load()}`,
    });

    const seconds = quick ? 2 : 5;
    let done = 0;
    const end = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (performance.now() < end) {
        await timedHello(port);
        done++;
      }
    }));
    const rate = done / ((performance.now() - started) / 1000);
    rows.push({
      figure: '`serve` hello requests/s, 4 concurrent keep-alive clients', goal: '≥ 1,000', measured: `${Math.round(rate)}/s`, met: rate >= 1000,
      note: `${done} requests in ${seconds} s; the same machine runs the 4 clients, serve and its ${poolSize} runtimes; ${load()}`,
    });

    const during: number[] = [];
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      let slowDone = false;
      const slow = call(port, 'slow').then((answer) => {
        slowDone = true;
        if (answer.status !== 200) throw new Error(`slow failed: ${answer.body}`);
      });
      await sleep(50);
      while (!slowDone) {
        const elapsed = await timedHello(port);
        if (!slowDone) during.push(elapsed);
      }
      await slow;
    }
    const p99 = percentile(during, 0.99);
    rows.push({
      figure: 'p99 of hello requests while a 2 s function runs', goal: '≤ 10 ms', measured: ms(p99), met: p99 <= 10,
      note: `${during.length} requests from one client during ${quick ? 1 : 3} runs of a 2 s busy loop on another runtime; p50 ${ms(median(during), 3)}; ${load()}`,
    });

    const reloads: number[] = [];
    const live = path.join(dir, 'live.py');
    for (let i = 1; i <= (quick ? 5 : 21); i++) {
      const began = performance.now();
      fs.writeFileSync(live, `def main():\n    return ${i}\n`);
      const answer = await call(port, 'live');
      reloads.push(performance.now() - began);
      if (!answer.body.includes(`"result": ${i}`)) throw new Error(`the edited function did not answer: ${answer.body}`);
    }
    const reload = median(reloads);
    rows.push({
      figure: 'Edited function file → its first served answer (median)', goal: '≤ 50 ms', measured: ms(reload), met: reload <= 50,
      note: `${reloads.length} edits: write the file, then one request; the file is read on every request (no watcher, no restart)`,
    });
  } finally {
    serve.child.kill('SIGTERM');
    await new Promise((resolve) => serve.child.once('exit', resolve));
    agent.destroy();
  }
  return rows;
}

async function hookRow(dir: string, quick: boolean): Promise<ServeRow> {
  const session = await openTriggerSession({ dbPath: path.join(dir, 'hooks.db'), projectDir: dir, timeoutMs: 20_000, userAgent: 'bench', poolSize: 2 });
  const dispatch: number[] = [];
  try {
    const pool = session.pool;
    const run = pool.run.bind(pool);
    let writerEnded = 0;
    let hookHandedOver = 0;
    pool.run = async (request, onOutput) => {
      if (request.filename.endsWith('audit.py')) hookHandedOver = performance.now();
      const result = await run(request, onOutput);
      if (request.filename.endsWith('writer.py')) writerEnded = performance.now();
      return result;
    };
    const writer = loadFunction(dir, 'writer');
    if (!writer) throw new Error('no writer function');
    for (let i = 0; i < (quick ? 10 : 40); i++) {
      const { result } = await session.runner.execute(writer, { payload: {}, query: {}, headers: {}, method: 'POST', user: null }, { by: 'http' });
      if (!result.committed) throw new Error(`the writer did not commit: ${result.error}`);
      await session.runner.settle();
      if (i >= 3) dispatch.push(hookHandedOver - writerEnded);
    }
  } finally {
    await session.close();
  }
  const value = median(dispatch);
  return {
    figure: 'Collection hook dispatch after a committed write (median)', goal: '≤ 2 ms', measured: ms(value, 3), met: value <= 2,
    note: `${dispatch.length} writes to a collection with a post_save hook: from the writing run's result to the hook run's hand-over to the pool (project file read, hook payload, function file read); p95 ${ms(percentile(dispatch, 0.95), 3)}`,
  };
}

/** The serve figures, for bench/run.ts's table. */
export async function serveRows(quick = false): Promise<ServeRow[]> {
  const dir = makeProject();
  try {
    return [...await httpRows(dir, quick), await hookRow(dir, quick)];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the rows of bench/results.md that have these figures' names (appending new ones). */
function updateResults(rows: ServeRow[]): void {
  const file = path.join(root, 'bench', 'results.md');
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  for (const row of rows) {
    const line = `| ${row.figure} | ${row.goal} | ${row.measured} | ${row.met === null ? '–' : row.met ? 'yes' : 'no'} | ${row.note} |`;
    const at = lines.findIndex((existing) => existing.startsWith(`| ${row.figure} |`));
    if (at >= 0) lines[at] = line;
    else lines.push(line);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

if (require.main === module) {
  void serveRows(process.argv.includes('--quick')).then((rows) => {
    for (const row of rows) console.log(`${row.figure}: ${row.measured} (goal ${row.goal})`);
    updateResults(rows);
  });
}
