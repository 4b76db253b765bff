// Crash safety of the database file: a CLI process killed (SIGKILL) at random moments while it writes many
// documents never leaves the file unreadable; it holds the state before or after the run, never a mix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cliPath, runCli, runCliJson, tempDir, writeFunction } from '../helpers';

test('killing the CLI during writes leaves a readable database', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'crash.db');
  const writer = writeFunction(dir, 'writer.py', 'def main():\n    for i in range(30000):\n        db.create_document("bulk", {"i": i, "text": "x" * 50})\n    return db.count_documents("bulk")\n');
  const counter = writeFunction(dir, 'counter.py', 'def main():\n    return db.count_documents("bulk")\n');
  assert.equal(runCliJson(['run', writer, '--db', db]).json.result, 30000);
  const delays = [250, 400, 550, 700, 850, 1000, 1150, 1300];
  for (const delay of delays) {
    const child = spawn(process.execPath, [cliPath, 'run', writer, '--db', db, '--json'], { stdio: 'ignore' });
    // The exit listener is attached at once: the child may end before the kill (a fast machine).
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await exited;
    const check = runCliJson(['run', counter, '--db', db]);
    assert.equal(check.code, 0, `unreadable after a kill at ${delay} ms: ${check.stderr}`);
    assert.equal((check.json.result as number) % 30000, 0, 'the file holds a partial run');
  }
  assert.equal(runCli(['db', 'info', '--db', db]).code, 0);
});
