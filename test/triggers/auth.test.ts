// App users through `cloudfn serve` over real HTTP (Node's fetch) and through `cloudfn users`: the platform's
// /auth-collections/ routes (signup, login, user, users/{id}) with their answers and statuses, and the auth
// hooks they fire, as data: each operation → the hook executions it adds, with their `X-Hook-Event` and the
// spec's payload keys, in order; pre_register and pre_login refusing with 403 and the reason.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../helpers';
import { startServe, type Served } from '../parse/serveProcess';

const dir = tempDir();
const db = path.join(dir, 'local.db');
const events = ['pre_register', 'post_register', 'pre_login', 'post_login', 'pre_user_update', 'post_user_update', 'pre_user_delete', 'post_user_delete'];
fs.writeFileSync(path.join(dir, 'cloudfn.json'), JSON.stringify({
  project_id: 'demo',
  hooks: { auth: Object.fromEntries(events.map((event) => [event, event.startsWith('pre_') && !event.includes('user') ? 'gate' : 'recorder'])) },
}));
// The gate refuses one domain, fails for another, and lets the rest through (returning something that is not a block).
fs.writeFileSync(path.join(dir, 'gate.py'), `def main():
    p = request.json()
    if p["email"].endswith("@blocked.test"):
        return {"block": True, "reason": "sign-ups from blocked.test are closed"}
    if p["email"].startswith("boom"):
        raise RuntimeError("gate crashed")
    return {"event": request.headers.get("x-hook-event"), "keys": sorted(p.keys()), "block": False}
`);
fs.writeFileSync(path.join(dir, 'recorder.py'), `def main():
    p = request.json()
    return {"event": request.headers.get("x-hook-event"), "keys": sorted(p.keys()), "payload": p}
`);
fs.writeFileSync(path.join(dir, 'whoami.py'), 'def main():\n    return request.user.email if request.user else None\n');

let served: Served;
let base = '';
before(async () => {
  served = await startServe(['--project', dir, '--db', db, '--timeout', '5', '--pool', '2']);
  base = served.url.replace(/\/parse$/, '');
});
after(() => served.stop());

interface Answer { status: number; json: Record<string, unknown> }
const call = async (method: string, route: string, body?: unknown, token?: string): Promise<Answer> => {
  const response = await fetch(`${base}/auth-collections/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'x-api-key': 'any-key', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() as Record<string, unknown> };
};

/** The auth hook executions so far, oldest first: [function, X-Hook-Event, payload keys, status]. */
function hookRuns(): Array<[string, string, string[], string]> {
  const result = runCli(['logs', '--db', db, '--json', '--limit', '500']);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => String(record.trigger_detail).startsWith('auth '))
    .map((record) => {
      const returned = record.result === null ? null : JSON.parse(record.result as string) as { event: string; keys: string[] };
      return [record.function_name as string, returned?.event ?? String(record.trigger_detail).slice(5), returned?.keys ?? [], record.status as string];
    });
}
let seen = 0;
/** Waits until the hooks an operation fires have all run (the post_* ones run after the answer), and returns them. */
async function added(count: number): Promise<Array<[string, string, string[], string]>> {
  for (let waited = 0; ; waited += 200) {
    const runs = hookRuns();
    if (runs.length >= seen + count || waited > 15_000) {
      const fresh = runs.slice(seen);
      seen = runs.length;
      return fresh;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const userKeys = ['id', 'email', 'data', 'roles', 'created_at', 'updated_at'];

test('signup: the token answer, the docs\' and the SDKs\' body shapes, a taken email, and the register hooks', async () => {
  const ada = await call('POST', 'signup', { email: 'ada@example.com', password: 'pw-123456', data: { name: 'Ada' } });
  assert.equal(ada.status, 200, JSON.stringify(ada.json));
  assert.deepEqual(Object.keys(ada.json), ['access_token', 'token_type', 'user']);
  assert.equal(ada.json.token_type, 'bearer');
  const user = ada.json.user as Record<string, unknown>;
  assert.deepEqual(Object.keys(user), userKeys);
  assert.deepEqual(user.data, { name: 'Ada' });
  assert.deepEqual(await added(2), [
    ['gate', 'pre_register', ['data', 'email', 'event'], 'success'],
    ['recorder', 'post_register', ['event', 'user'], 'success'],
  ]);
  // The REST docs' shape: profile fields at the top level.
  const docs = await call('POST', 'signup/', { email: 'bob@example.com', password: 'pw-123456', city: 'Lagos' });
  assert.deepEqual((docs.json.user as Record<string, unknown>).data, { city: 'Lagos' });
  await added(2);
  const taken = await call('POST', 'signup', { email: 'ADA@example.com', password: 'other-pw' });
  assert.equal(taken.status, 409);
  assert.match(String(taken.json.detail), /already exists/);
  assert.equal((await call('POST', 'signup', { email: 'ada2@example.com' })).status, 400);
  assert.equal((await call('GET', 'signup')).status, 405);
  assert.deepEqual(await added(0), [], 'a refused body or a taken email fires no hook');
  // The function routes take the signup's token.
  const whoami = await fetch(`${base}/functions/whoami/execute`, { method: 'POST', headers: { Authorization: `Bearer ${String(ada.json.access_token)}` }, body: '{}' });
  assert.equal(((await whoami.json()) as Record<string, unknown>).result, 'ada@example.com');
});

test('pre_register blocks with its reason (403); a gate that raises refuses with "pre_register hook failed"', async () => {
  const blocked = await call('POST', 'signup', { email: 'eve@blocked.test', password: 'pw-123456' });
  assert.deepEqual(blocked, { status: 403, json: { detail: 'sign-ups from blocked.test are closed' } });
  const crashed = await call('POST', 'signup', { email: 'boom@example.com', password: 'pw-123456' });
  assert.deepEqual(crashed, { status: 403, json: { detail: 'pre_register hook failed' } });
  assert.deepEqual(await added(2), [
    ['gate', 'pre_register', [], 'success'],
    ['gate', 'pre_register', [], 'failed'],
  ]);
  assert.equal((await call('POST', 'login', { email: 'eve@blocked.test', password: 'pw-123456' })).status, 401, 'no user was created');
  assert.deepEqual(await added(0), []);
});

test('login: 401 for a wrong password (no hook), else pre_login after the password check, a new token, post_login', async () => {
  assert.deepEqual(await call('POST', 'login', { email: 'ada@example.com', password: 'wrong' }), { status: 401, json: { detail: 'Invalid email or password' } });
  assert.deepEqual(await added(0), []);
  const login = await call('POST', 'login', { email: 'ada@example.com', password: 'pw-123456' });
  assert.equal(login.status, 200);
  assert.deepEqual(await added(2), [
    ['gate', 'pre_login', ['email', 'event', 'user'], 'success'],
    ['recorder', 'post_login', ['event', 'user'], 'success'],
  ]);
  const token = String(login.json.access_token);
  const me = await call('GET', 'user', undefined, token);
  assert.equal(me.status, 200);
  assert.equal(me.json.email, 'ada@example.com');
  assert.equal((await call('GET', 'user', undefined, 'not-a-token')).status, 401);
  assert.equal((await call('GET', 'user')).status, 401);
});

test('PATCH/PUT user merges data (override replaces it) and fires pre_user_update then post_user_update', async () => {
  const token = String((await call('POST', 'login', { email: 'ada@example.com', password: 'pw-123456' })).json.access_token);
  await added(2);
  const patched = await call('PATCH', 'user', { data: { city: 'London' }, password: 'new-pw-1' }, token);
  assert.equal(patched.status, 200);
  assert.deepEqual(patched.json.data, { name: 'Ada', city: 'London' });
  assert.deepEqual(await added(2), [
    ['recorder', 'pre_user_update', ['changes', 'event', 'user'], 'success'],
    ['recorder', 'post_user_update', ['event', 'old_data', 'user'], 'success'],
  ]);
  const records = runCli(['logs', '--db', db, '--json', '--function', 'recorder', '--limit', '2']).stdout.trim().split('\n')
    .map((line) => JSON.parse(JSON.parse(line).result as string) as { payload: Record<string, unknown> });
  assert.deepEqual(records[0]!.payload.changes, { data: { city: 'London' }, password: '[redacted]' }, 'a new password never reaches a hook');
  assert.deepEqual(records[1]!.payload.old_data, { name: 'Ada' });
  assert.equal((await call('POST', 'login', { email: 'ada@example.com', password: 'new-pw-1' })).status, 200);
  await added(2);
  const replaced = await call('PUT', 'user', { data: { only: true }, override: true }, token);
  assert.deepEqual(replaced.json.data, { only: true });
  await added(2);
});

test('GET and DELETE users/{id}: the delete hooks run after the delete; the user\'s tokens stop working', async () => {
  const bob = await call('POST', 'login', { email: 'bob@example.com', password: 'pw-123456' });
  await added(2);
  const id = (bob.json.user as Record<string, unknown>).id as string;
  assert.equal((await call('GET', `users/${id}`)).json.email, 'bob@example.com');
  const deleted = await call('DELETE', `users/${id}`);
  assert.equal(deleted.status, 200);
  assert.deepEqual(await added(2), [
    ['recorder', 'pre_user_delete', ['event', 'user'], 'success'],
    ['recorder', 'post_user_delete', ['event', 'user'], 'success'],
  ]);
  assert.equal((await call('GET', `users/${id}`)).status, 404);
  assert.equal((await call('GET', 'user', undefined, String(bob.json.access_token))).status, 401);
  assert.equal((await call('GET', 'nothing-here')).status, 404);
});

test('cloudfn users: add, login, update and delete fire the same hooks; a blocked add exits 1 with the reason', () => {
  const project = ['--project', dir, '--db', db];
  const blocked = runCli(['users', 'add', 'mallory@blocked.test', '--password', 'pw-123456', ...project]);
  assert.equal(blocked.code, 1);
  assert.match(blocked.stderr, /refused \(403\): sign-ups from blocked\.test are closed/);
  const addedUser = runCli(['users', 'add', 'cara@example.com', '--password', 'pw-123456', '--data', '{"team": "core"}', ...project]);
  assert.equal(addedUser.code, 0, addedUser.stderr);
  assert.deepEqual((JSON.parse(addedUser.stdout) as { user: { data: unknown } }).user.data, { team: 'core' });
  assert.equal(runCli(['users', 'login', 'cara@example.com', '--password', 'pw-123456', ...project]).code, 0);
  assert.equal(runCli(['users', 'update', 'cara@example.com', '--data', '{"team": "web"}', ...project]).code, 0);
  assert.equal(runCli(['users', 'delete', 'cara@example.com', ...project]).code, 0);
  assert.equal(runCli(['users', 'delete', 'cara@example.com', ...project]).code, 1);
  assert.equal(runCli(['users', 'update', 'cara@example.com', ...project]).code, 2);
  const runs = hookRuns().slice(seen);
  seen += runs.length;
  assert.deepEqual(runs.map(([fn, event, , status]) => `${fn} ${event} ${status}`), [
    'gate pre_register success',
    'gate pre_register success', 'recorder post_register success',
    'gate pre_login success', 'recorder post_login success',
    'recorder pre_user_update success', 'recorder post_user_update success',
    'recorder pre_user_delete success', 'recorder post_user_delete success',
  ]);
  const listed = runCli(['users', 'list', '--db', db, '--json']);
  assert.deepEqual((JSON.parse(listed.stdout) as Array<{ email: string }>).map((user) => user.email), ['ada@example.com']);
});
