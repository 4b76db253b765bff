// `cloudfn check` through the CLI bundle (it compiles every file in a Pyodide process, and the test runner's own
// output would mix into an in-process capture): output lines, --json shape, exit codes, CPython's syntax message;
// usage errors and `cloudfn stubs` in-process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkCommand } from '../../cli/checkCommand';
import { stubsCommand } from '../../cli/stubsCommand';
import { CliUsageError } from '../../cli/argv';
import { dbObject } from '../../runtime/cocobase/apiModel';

/** Runs a command with stdout captured. */
async function captured(run: () => Promise<number>): Promise<{ code: number; stdout: string }> {
  const write = process.stdout.write;
  let stdout = '';
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  try {
    return { code: await run(), stdout };
  } finally {
    process.stdout.write = write;
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-check-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const goodFile = path.join(dir, 'good.py');
const badFile = path.join(dir, 'bad.py');
fs.writeFileSync(goodFile, 'def main():\n    return db.get_documents("users")\n');
fs.writeFileSync(badFile, 'import os\n\ndef main():\n    return db.get_docs("users")\n');

/** Runs `cloudfn check` with these arguments through the CLI bundle. */
function check(...args: string[]): { code: number | null; stdout: string } {
  const run = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'cloudfn.js'), 'check', ...args], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout };
}

test('check: a clean file prints nothing and exits 0', { timeout: 60_000 }, () => {
  assert.deepEqual(check(goodFile), { code: 0, stdout: '' });
});

test('check: errors are printed as file:line:col lines and exit 1', { timeout: 60_000 }, () => {
  const { code, stdout } = check(goodFile, badFile);
  assert.equal(code, 1);
  assert.equal(stdout,
    `${badFile}:1:8: error disallowed-import import of 'os' is not allowed in cloud functions (allowed modules: json, datetime, math, re)\n` +
    `${badFile}:4:15: error unknown-member 'db' has no member 'get_docs'; did you mean 'get_documents'?\n`);
});

test('check --json: one object with files, diagnostics and counts', { timeout: 60_000 }, () => {
  const { code, stdout } = check('--json', badFile);
  assert.equal(code, 1);
  const report = JSON.parse(stdout);
  assert.equal(report.errors, 2);
  assert.equal(report.warnings, 0);
  assert.equal(report.files[0].file, badFile);
  assert.deepEqual(report.files[0].diagnostics[1], {
    line: 4, column: 15, endLine: 4, endColumn: 23, severity: 'error', code: 'unknown-member',
    message: "'db' has no member 'get_docs'; did you mean 'get_documents'?",
  });
});

test('check: a syntax error carries CPython\'s message, line and column', { timeout: 60_000 }, async () => {
  const brokenFile = path.join(dir, 'broken.py');
  fs.writeFileSync(brokenFile, 'def main():\n    x = db.get_documents("users"\n    return x\n');
  assert.deepEqual(check(goodFile, brokenFile), {
    code: 1,
    stdout: `${brokenFile}:2:25: error syntax-error '(' was never closed\n`,
  });
});

test('check: usage errors throw CliUsageError', async () => {
  await assert.rejects(checkCommand([]), CliUsageError);
  await assert.rejects(checkCommand([path.join(dir, 'missing.py')]), /no such file/);
  await assert.rejects(checkCommand(['--bogus', goodFile]), CliUsageError);
});

test('stubs: writes __builtins__.pyi with every db method, request, req and the modules', async () => {
  const out = path.join(dir, 'stubs');
  const { code } = await captured(() => stubsCommand(['--out', out]));
  assert.equal(code, 0);
  const stub = fs.readFileSync(path.join(out, '__builtins__.pyi'), 'utf8');
  for (const member of dbObject.members) assert.match(stub, new RegExp(`def ${member.name}\\(self`));
  for (const line of ['db: Database', 'request: Request', 'req: Request', 'import json as json', 'class datetime(']) {
    assert.ok(stub.includes(line), `missing '${line}'`);
  }
  await assert.rejects(stubsCommand(['extra']), CliUsageError);
});
