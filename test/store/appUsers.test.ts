// App users: shapes without passwords, case-insensitive emails, taken emails, merged data and replaced roles,
// and salted scrypt password hashes.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { verifyPassword } from '../../runtime/cocobase/dataService';
import { hashPassword, unusablePasswordHash } from '../../runtime/store/passwords';
import { assertDataError, isoTimestamp, openHarness, uuid4, type Harness } from './support';

const userKeys = ['id', 'email', 'data', 'roles', 'created_at', 'updated_at'];

describe('app users', () => {
  let h: Harness;
  let jane: { id: string; email: string; created_at: string };
  const storedHash = (id: string): string => h.store.value('SELECT password_hash FROM app_users WHERE id = ?', [id]) as string;

  before(async () => {
    h = await openHarness();
    jane = h.call('create_app_user', { email: 'Jane@Example.com', password: 'secure_password', data: { department: 'engineering', level: 'senior' }, roles: ['user', 'developer'] });
  });

  test('create_app_user returns the user without any password', () => {
    assert.deepEqual(Object.keys(jane), userKeys);
    assert.match(jane.id, uuid4);
    assert.match(jane.created_at, isoTimestamp);
    const text = h.service.call('get_app_user', JSON.stringify({ user_id: jane.id }));
    assert.doesNotMatch(text, /password|scrypt/);
    assert.deepEqual(JSON.parse(text), { ...jane });
  });

  test('defaults: empty data and roles', () => {
    const user = h.call('create_app_user', { email: 'plain@example.com', password: 'pw' });
    assert.deepEqual([user.data, user.roles], [{}, []]);
  });

  test('the password is stored as a salted scrypt hash', () => {
    const hash = storedHash(jane.id);
    assert.match(hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.ok(verifyPassword(hash, 'secure_password'));
    assert.ok(!verifyPassword(hash, 'Secure_password'));
    assert.notEqual(hashPassword('same'), hashPassword('same'));
    assert.ok(!verifyPassword(unusablePasswordHash(), ''));
    assert.ok(!verifyPassword('scrypt$1$1$1$$', 'x'));
  });

  test('emails are unique per project, compared case-insensitively', () => {
    assert.equal(h.call('get_app_user_by_email', { email: 'jane@example.COM' }).id, jane.id);
    assertDataError(() => h.call('create_app_user', { email: 'JANE@example.com', password: 'x' }), 'ValueError',
      "create_app_user(): email 'JANE@example.com' is already taken");
  });

  test('get_app_users: oldest first, limit and offset; count_app_users', () => {
    h.call('create_app_user', { email: 'third@example.com', password: 'pw' });
    const emails = (args: Record<string, unknown>) => h.call('get_app_users', args).map((u: { email: string }) => u.email);
    assert.deepEqual(emails({}), ['Jane@Example.com', 'plain@example.com', 'third@example.com']);
    assert.deepEqual(emails({ limit: 1, offset: 1 }), ['plain@example.com']);
    assert.deepEqual(emails({ limit: 50 }).length, 3);
    assert.equal(h.call('count_app_users'), 3);
  });

  test('update_app_user merges data, replaces roles, changes email and password', () => {
    const updated = h.call('update_app_user', { user_id: jane.id, data: { department: 'marketing', since: 2020 }, roles: ['user', 'admin'] });
    assert.deepEqual(updated.data, { department: 'marketing', level: 'senior', since: 2020 });
    assert.deepEqual(updated.roles, ['user', 'admin']);
    assert.equal(updated.created_at, jane.created_at);
    const moved = h.call('update_app_user', { user_id: jane.id, email: 'jane.doe@example.com', password: 'new-secret' });
    assert.equal(moved.email, 'jane.doe@example.com');
    assert.deepEqual(moved.roles, ['user', 'admin']);
    assert.ok(verifyPassword(storedHash(jane.id), 'new-secret'));
    assert.deepEqual(h.call('update_app_user', { user_id: jane.id }), moved);
  });

  test('update_app_user positional data (the seed calls it so)', () => {
    const updated = h.call('update_app_user', { user_id: jane.id, data: { last_activity: '2026-01-01T00:00:00' } });
    assert.equal(updated.data.last_activity, '2026-01-01T00:00:00');
    assert.equal(updated.data.level, 'senior');
  });

  test('update_app_user refuses an email another user has; its own is fine', () => {
    assertDataError(() => h.call('update_app_user', { user_id: jane.id, email: 'PLAIN@example.com' }), 'ValueError',
      "update_app_user(): email 'PLAIN@example.com' is already taken");
    assert.equal(h.call('update_app_user', { user_id: jane.id, email: 'JANE.DOE@example.com' }).email, 'JANE.DOE@example.com');
  });

  test('delete_app_user', () => {
    const user = h.call('get_app_user_by_email', { email: 'third@example.com' });
    assert.equal(h.call('delete_app_user', { user_id: user.id }), true);
    assert.equal(h.call('get_app_user', { user_id: user.id }), null);
    assert.equal(h.call('delete_app_user', { user_id: user.id }), false);
    assert.equal(h.call('count_app_users'), 2);
  });
});
