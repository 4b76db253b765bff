// Included objects through `serve` go through their own class's find triggers, as Parse Server's includePath
// runs a query of that class: beforeFind may limit what is included, afterFind change it; what is not found
// is dropped (from an array too). The expected answers are those parse-server 9.10 gave in the peer suite
// (test/parse-peer/gapsScenario.ts).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { rest, startServe, type Served } from './serveProcess';

let served: Served;
const dir = tempDir();

before(async () => {
  fs.writeFileSync(path.join(dir, 'main.js'), `
Parse.Cloud.beforeFind('Secret', (request) => { request.query.limit(1); request.query.ascending('rank'); });
Parse.Cloud.afterFind('Secret', (request) => request.objects.map((object) => object.set('seen', true)));
`);
  served = await startServe(['--cloud', path.join(dir, 'main.js'), '--db', path.join(tempDir(), 'include.db')]);
});
after(() => served.stop());

test('an include runs the included class\'s beforeFind and afterFind', async () => {
  const five = (await rest(served.url, 'POST', 'classes/Secret', { rank: 5 })).body as { objectId: string };
  const four = (await rest(served.url, 'POST', 'classes/Secret', { rank: 4 })).body as { objectId: string };
  const secret = (objectId: string): Record<string, string> => ({ __type: 'Pointer', className: 'Secret', objectId });
  await rest(served.url, 'POST', 'classes/SecretRef', { one: secret(five.objectId), many: [secret(five.objectId), secret(four.objectId)] });
  const one = (await rest(served.url, 'GET', 'classes/SecretRef', { include: 'one' })).body as { results: Array<{ one: Record<string, unknown> }> };
  assert.deepEqual([one.results[0]!.one.rank, one.results[0]!.one.seen, one.results[0]!.one.__type], [5, true, 'Object']);
  const many = (await rest(served.url, 'GET', 'classes/SecretRef', { include: 'many' })).body as { results: Array<{ many: Array<Record<string, unknown>> }> };
  assert.deepEqual(many.results[0]!.many.map((object) => [object.rank, object.seen]), [[4, true]], 'beforeFind kept the lowest rank only; the other is dropped');
});
