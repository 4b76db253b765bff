// Every example of the CocoBASE seed runs unchanged through the CLI (`cloudfn run --json`) against a seeded
// database, with the result, output and exit code the seed documents. Cases are data: fixtures/seed/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertMatches, repoRoot, runCli, runCliJson, tempDir } from '../helpers';

interface SeedCase {
  file: string;
  name?: string;
  payload?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  user?: string;
  expect: { success: boolean; result: unknown; output?: string };
}

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'seed');
const { cases } = JSON.parse(fs.readFileSync(path.join(fixtures, 'cases.json'), 'utf8')) as { cases: SeedCase[] };
const seedText = fs.readFileSync(path.resolve(repoRoot, '..', 'shared', 'seeds', '000_dd5001eeada80048.txt'), 'utf8');
const dir = tempDir();
const seededDb = path.join(dir, 'seeded.db');

test('the seeded fixture database imports', () => {
  const imported = runCli(['db', 'import', path.join(fixtures, 'seed-db.json'), '--db', seededDb]);
  assert.equal(imported.code, 0, imported.stderr);
});

test('every fixture is an example of the seed, verbatim', () => {
  const files = fs.readdirSync(fixtures).filter((f) => f.endsWith('.py'));
  assert.equal(files.length, 20);
  for (const file of files) {
    const source = fs.readFileSync(path.join(fixtures, file), 'utf8');
    assert.ok(seedText.includes(source.trimEnd()), `${file} is not verbatim in the seed`);
    assert.ok(cases.some((c) => c.file === file), `${file} has no case`);
  }
});

for (const [index, seedCase] of cases.entries()) {
  test(`seed example ${seedCase.file}${seedCase.name ? ` (${seedCase.name})` : ''}`, () => {
    const db = path.join(dir, `case-${index}.db`);
    fs.copyFileSync(seededDb, db);
    const args = ['run', path.join(fixtures, seedCase.file), '--db', db];
    if (seedCase.payload !== undefined) args.push('--payload', JSON.stringify(seedCase.payload));
    for (const [k, v] of Object.entries(seedCase.query ?? {})) args.push('--query', `${k}=${v}`);
    for (const [k, v] of Object.entries(seedCase.headers ?? {})) args.push('--header', `${k}=${v}`);
    if (seedCase.user) args.push('--user', seedCase.user);
    const { code, json, stderr } = runCliJson(args);
    assert.equal(json.error, null, `error: ${String(json.error)}\n${String(json.traceback)}`);
    assert.equal(json.success, seedCase.expect.success);
    assert.equal(code, 0, stderr);
    assertMatches(json.result, seedCase.expect.result);
    if (seedCase.expect.output !== undefined) assert.equal(json.output, seedCase.expect.output);
    assert.equal(typeof json.execution_time, 'number');
  });
}
