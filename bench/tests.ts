// `cloudfn test` speed (part of `npm run bench`): 200 tests of a hello-sized function over a 1,000-document
// fixture, end to end from the command line (cold start included), and the per-test reset of the database
// (putting the fixture's template back, plus the runtime reloading it) measured on 200 tests that each write.
// Writes bench/tests-results.md.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../runtime/store/store';
import { loadTestFile, runTests } from '../runtime/testing/runner';
import { TestDatabase } from '../runtime/testing/isolation';
import { median, percentile } from './stats';

/** The median and 95th percentile of timings. */
const summarize = (values: number[]): { median: number; p95: number } => ({ median: median(values), p95: percentile(values, 0.95) });

const repoRoot = path.resolve(__dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-bench-tests-'));
const count = 200;

const fixture = {
  format: 'cloudfn-fixture', version: 1, app_users: [],
  collections: [{ name: 'items', webhook_url: null, documents: Array.from({ length: 1000 }, (_, i) => ({ id: `item-${i}`, data: { n: i, name: `item ${i}`, tags: ['a', 'b'] } })) }],
};
fs.writeFileSync(path.join(dir, 'items.fixture.json'), JSON.stringify(fixture));
fs.writeFileSync(path.join(dir, 'hello.py'), "def main():\n    return {'message': f\"Hello {request.get('name', 'world')}!\"}\n");
fs.writeFileSync(path.join(dir, 'hello.payloads.json'), JSON.stringify({
  $fixture: 'items.fixture.json',
  ...Object.fromEntries(Array.from({ length: count }, (_, i) => [`hello ${i}`, { payload: { name: `n${i}` }, expect: { result: { message: `Hello n${i}!` } } }])),
}));
fs.mkdirSync(path.join(dir, 'writes'));
fs.writeFileSync(path.join(dir, 'writes', 'write.py'), "def main():\n    db.update_document_fields('items', 'item-1', {'n': request.get('n')})\n    return db.count_documents('items')\n");
fs.writeFileSync(path.join(dir, 'writes', 'write.payloads.json'), JSON.stringify({
  $fixture: '../items.fixture.json',
  ...Object.fromEntries(Array.from({ length: count }, (_, i) => [`write ${i}`, { payload: { n: i }, expect: { result: 1000, changes: { items: { updated: [{ n: i, $partial: true }] } } } }])),
}));

async function main(): Promise<void> {
  const cliRuns: number[] = [];
  let last = '';
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'cloudfn.js'), 'test', 'hello.payloads.json'], { cwd: dir, encoding: 'utf8' });
    cliRuns.push(performance.now() - started);
    if (child.status !== 0) throw new Error(`cloudfn test failed:\n${child.stdout}\n${child.stderr}`);
    last = child.stdout.trim().split('\n').at(-1)!;
  }

  // Writing tests: each one resets the database before the next. The reset is the template copy (timed by
  // TestDatabase) plus the runtime's reload of the file, which is what Store.open costs on the template.
  const writes = loadTestFile(path.join(dir, 'writes', 'write.payloads.json'), dir);
  const { outcomes, stats } = await runTests(writes.tests, { userAgent: 'bench' });
  if (outcomes.some((outcome) => outcome.status !== 'passed')) throw new Error('a writing test failed');
  const hellos = loadTestFile(path.join(dir, 'hello.payloads.json'), dir);
  const warm = await runTests(hellos.tests, { userAgent: 'bench' });
  const database = new TestDatabase();
  await database.prepare(path.join(dir, 'items.fixture.json'));
  const reloads: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    (await Store.open(database.dbPath)).close();
    reloads.push(performance.now() - started);
  }
  database.dispose();
  const reload = summarize(reloads);
  const copyMean = stats.resets.totalMs / stats.resets.count;
  const writePerTest = summarize(outcomes.map((outcome) => outcome.ms));
  const helloPerTest = summarize(warm.outcomes.map((outcome) => outcome.ms));

  const cli = summarize(cliRuns);
  const lines = [
    '# `cloudfn test` speed', '',
    `${count} tests of a hello-sized function, fixture of 1,000 documents; ${os.cpus().length} cores, Node ${process.version}.`, '',
    '| What | Figure | Goal |', '| --- | --- | --- |',
    `| \`cloudfn test\` end to end, cold start included (median of 3) | ${cli.median.toFixed(0)} ms (${last}) | ≤ 2000 ms |`,
    `| per test, warm (hello, no writes: no reset needed) | median ${helloPerTest.median.toFixed(2)} ms, p95 ${helloPerTest.p95.toFixed(2)} ms | |`,
    `| per-test reset: template copy (main thread) | mean ${copyMean.toFixed(2)} ms, max ${stats.resets.maxMs.toFixed(2)} ms over ${stats.resets.count} resets | ≤ 2 ms |`,
    `| per-test reset: the runtime reloading the 1,000-document file (Store.open) | median ${reload.median.toFixed(2)} ms, p95 ${reload.p95.toFixed(2)} ms | ≤ 2 ms (with the copy) |`,
    `| per test that writes (run + commit + journal + reset) | median ${writePerTest.median.toFixed(2)} ms, p95 ${writePerTest.p95.toFixed(2)} ms | |`,
    '',
  ];
  fs.writeFileSync(path.join(repoRoot, 'bench', 'tests-results.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
