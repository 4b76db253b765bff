// Bad paths and inputs are one clear line and exit 2 — never a hang, never "internal error" (exit 70): a FIFO,
// a folder, a path under a file, a database over 2 GiB (refused without reading it), a payload nested
// 300,000 deep, and an unwritable place for a new database. Each row is driven through the real CLI.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir, writeFunction } from '../helpers';

const dir = tempDir();
const fn = writeFunction(dir, 'f.py', 'def main():\n    return 1\n');
const fifo = path.join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const aFile = path.join(dir, 'a-file');
fs.writeFileSync(aFile, 'x');
// A sparse 3 GiB file: refused by its size, so the test reads none of it.
const huge = path.join(dir, 'huge.db');
fs.closeSync(fs.openSync(huge, 'w'));
fs.truncateSync(huge, 3 * 2 ** 30);
const deep = path.join(dir, 'deep.json');
fs.writeFileSync(deep, '{"a":'.repeat(300_000) + '1' + '}'.repeat(300_000));
const db = path.join(dir, 'ok.db');
// A project whose secrets file is a FIFO: read like every other user-named file, so refused, not waited on.
const project = path.join(dir, 'project');
fs.mkdirSync(project);
fs.writeFileSync(path.join(project, 'cloudfn.json'), '{"project_id": "p"}');
execFileSync('mkfifo', [path.join(project, 'cloudfn.secrets.json')]);
const projectFn = writeFunction(project, 'f.py', 'def main():\n    return 1\n');
// A project whose cloudfn.json itself is a FIFO: the schedules are read through the same reader.
const fifoProject = path.join(dir, 'fifo-project');
fs.mkdirSync(fifoProject);
execFileSync('mkfifo', [path.join(fifoProject, 'cloudfn.json')]);
const fifoProjectFn = writeFunction(fifoProject, 'f.py', 'def main():\n    return 1\n');

const rows: { name: string; args: string[]; message: RegExp }[] = [
  { name: 'a FIFO as --db', args: ['run', fn, '--db', fifo], message: /cannot read database .*fifo: it is not a regular file/ },
  { name: 'a folder as --db', args: ['run', fn, '--db', dir], message: /it is a folder, not a file/ },
  { name: 'a path under a file as --db', args: ['run', fn, '--db', path.join(aFile, 'x.db')], message: /a part of the path is a file, not a folder/ },
  { name: 'a database over 2 GiB', args: ['run', fn, '--db', huge], message: /it is 3\.0 GiB, more than the 2\.0 GiB/ },
  { name: 'db info on a FIFO', args: ['db', 'info', '--db', fifo], message: /not a regular file/ },
  { name: 'db reset under a file', args: ['db', 'reset', '--db', path.join(aFile, 'x.db')], message: /a part of the path is a file/ },
  { name: 'db reset where nothing can be written', args: ['db', 'reset', '--db', '/proc/self/none/x.db'], message: /cannot write database/ },
  { name: 'db import of a FIFO', args: ['db', 'import', fifo, '--db', db], message: /cannot read fixture .*not a regular file/ },
  { name: 'a FIFO as the function file', args: ['run', fifo, '--db', db], message: /not a regular file/ },
  { name: 'a FIFO as the project\'s secrets file', args: ['run', projectFn, '--db', db], message: /cannot read .*cloudfn\.secrets\.json: it is not a regular file/ },
  { name: 'a FIFO as the project file of a run', args: ['run', fifoProjectFn, '--db', db], message: /cannot read .*cloudfn\.json: it is not a regular file/ },
  { name: 'a FIFO as the project file of schedule list', args: ['schedule', 'list', '--project', fifoProject], message: /cannot read .*cloudfn\.json: it is not a regular file/ },
  { name: 'a FIFO given to check', args: ['check', fifo], message: /cannot read .*: it is not a regular file/ },
  { name: 'a FIFO as --payload file', args: ['run', fn, '--db', db, '--payload', '@' + fifo], message: /cannot read --payload file .*not a regular file/ },
  { name: 'a payload nested 300,000 deep', args: ['run', fn, '--db', db, '--payload', '@' + deep], message: /--payload is refused: it nests deeper than 1000 levels/ },
  { name: 'parse params nested 300,000 deep', args: ['parse', 'call', 'hello', '--db', db, '--params', '@' + deep], message: /--params is refused: it nests deeper/ },
];

for (const row of rows) {
  test(`bad input: ${row.name} → exit 2, one line, no hang`, () => {
    const result = runCli(row.args, { timeoutMs: 20_000 });
    assert.equal(result.code, 2, `exit ${result.code}: ${result.stderr}${result.stdout}`);
    assert.match(result.stderr, row.message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
  });
}

test('a refused database file is left exactly as it was', () => {
  assert.equal(fs.statSync(huge).size, 3 * 2 ** 30);
  assert.equal(fs.readFileSync(aFile, 'utf8'), 'x');
});
