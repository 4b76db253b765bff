// bcrypt checks of passwords hashed by Parse Server (runtime/parse/bcrypt.ts): hashes made by bcryptjs, the
// library parse-server 9.10 uses (test/fixtures/parse/bcrypt.json), verify with their passwords and with no
// other; malformed hashes never do. A user stored with such a hash logs in through `serve`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers';
import { isBcryptHash, verifyBcrypt } from '../../runtime/parse/bcrypt';
import { rest, startServe } from './serveProcess';

const { hashes } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'parse', 'bcrypt.json'), 'utf8')) as { hashes: Array<{ password: string; hash: string }> };

test('hashes made by bcryptjs verify with their password (2a and 2b, costs 4 to 10, UTF-8, over 72 bytes), and not with another', () => {
  for (const { password, hash } of hashes) {
    assert.ok(isBcryptHash(hash), hash);
    assert.equal(verifyBcrypt(hash, password), true, `${JSON.stringify(password)} ${hash}`);
    assert.equal(verifyBcrypt(hash, `${password}!`), password.length >= 72, `a changed password (only bytes past 72 are ignored): ${hash}`);
  }
});

test('malformed bcrypt hashes never verify', () => {
  const [{ password, hash }] = hashes as [{ password: string; hash: string }];
  for (const bad of [hash.slice(0, -1), hash.replace('$04$', '$03$'), hash.replace('$2b$', '$2x$'), `${hash}x`, '']) {
    assert.equal(verifyBcrypt(bad, password), false, bad);
  }
});

test('a user stored with a bcrypt hash from Parse Server logs in through serve', async () => {
  const { password, hash } = hashes.find((entry) => entry.password === 'correct horse battery staple')!;
  const served = await startServe(['--db', path.join(tempDir(), 'bcrypt.db')]);
  try {
    const created = await rest(served.url, 'POST', 'classes/_User', { username: 'imported', _hashed_password: hash }, { masterKey: 'masterKey' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(Object.keys(created.body as object).sort(), ['createdAt', 'objectId', 'sessionToken'], 'the hash is never shown');
    const login = await rest(served.url, 'POST', 'login', { username: 'imported', password });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.match((login.body as { sessionToken: string }).sessionToken, /^r:/);
    assert.equal((await rest(served.url, 'POST', 'login', { username: 'imported', password: 'wrong' })).status, 404);
  } finally {
    await served.stop();
  }
});
