// The second hang of issue 13: an afterSave that saves its own object with the master key, without
// skipWithMasterKey, recursed for ever (100% CPU, memory growing, /health unanswered, SIGTERM ignored). Now the
// recursion is refused after 16 levels, the save is answered, /health answers and SIGTERM ends `serve`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { rest, startServe } from './serveProcess';

test('an afterSave re-saving its object is bounded; /health and SIGTERM are answered', async () => {
  const dir = tempDir();
  const cloud = path.join(dir, 'main.js');
  fs.writeFileSync(cloud, [
    "Parse.Cloud.afterSave('Loop', async (request) => {",
    "  request.object.increment('n');",
    '  await request.object.save(null, { useMasterKey: true });',
    '});',
  ].join('\n'));
  const served = await startServe(['--cloud', cloud, '--db', path.join(dir, 'loop.db')]);
  try {
    const saved = await rest(served.url, 'POST', 'classes/Loop', { n: 0 });
    assert.equal(saved.status, 201);
    const health = await rest(served.url, 'GET', 'health', {}, { appId: null });
    assert.deepEqual([health.status, health.body], [200, { status: 'ok' }]);
    const found = await rest(served.url, 'GET', 'classes/Loop', {});
    const n = (found.body as { results: Array<{ n: number }> }).results[0]!.n;
    assert.ok(n > 1 && n <= 17, `n = ${n}`);
    assert.match(served.output(), /runs inside itself more than 16 times/);
    // The database sits beside the cloud code: its writes are not edits of the code, so nothing reloads.
    assert.doesNotMatch(served.output(), /reloaded/);
  } finally {
    await served.stop();
    assert.equal(served.child.exitCode, 0, 'serve ended on SIGTERM (not killed)');
  }
});
