// The sandbox suite: every escape attempt of the corpus fixtures/sandbox/*.md (cases with `expect:`) fails
// with its Python error and leaks nothing of the supervisor, and ordinary Python (fixtures/python/ordinary.md
// and the corpus's cases with `result:`, the escape classes' legitimate neighbours) keeps working. All run in
// one real runtime, as the editor and the CLI use it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import { readMarkdownCases } from '../markdownCases';
import { repoRoot, runRequest, tempDir } from '../helpers';

const canary = `canary-${crypto.randomUUID()}`;
const dir = tempDir();
let supervisor: PythonSupervisor;

before(async () => {
  process.env.CLOUDFN_TEST_CANARY = canary;
  fs.writeFileSync(path.join(dir, 'secret.txt'), canary);
  supervisor = new PythonSupervisor({ dbPath: path.join(dir, 'sandbox.db') });
  await supervisor.start();
});
after(() => supervisor.dispose());

const corpusDir = path.join(repoRoot, 'test', 'fixtures', 'sandbox');
const corpus = fs.readdirSync(corpusDir).filter((name) => name.endsWith('.md')).sort()
  .flatMap((name) => readMarkdownCases(path.join(corpusDir, name)).map((sample) => ({ ...sample, name: `${name}: ${sample.name}` })));

for (const attempt of corpus.filter((sample) => sample.expectations.expect !== undefined)) {
  test(`escape attempt fails: ${attempt.name}`, async () => {
    const result = await supervisor.run(runRequest(attempt.source));
    assert.equal(result.success, false, `the attempt succeeded: ${JSON.stringify(result.result)}`);
    assert.equal(result.error_type, attempt.expectations.expect, `${result.error}`);
    const everything = JSON.stringify(result);
    assert.ok(!everything.includes(canary), 'the host canary leaked');
    assert.ok(!everything.includes('root:x:0:0'), '/etc/passwd leaked');
  });
}

const ordinary = [...readMarkdownCases(path.join(repoRoot, 'test', 'fixtures', 'python', 'ordinary.md')),
  ...corpus.filter((sample) => sample.expectations.result !== undefined)];
for (const sample of ordinary) {
  test(`ordinary python works: ${sample.name}`, async () => {
    const result = await supervisor.run(runRequest(sample.source));
    assert.equal(result.error, null, `${result.traceback}`);
    assert.deepEqual(result.result, JSON.parse(sample.expectations.result!));
    if (sample.expectations.output !== undefined) assert.equal(result.output, JSON.parse(sample.expectations.output));
  });
}
