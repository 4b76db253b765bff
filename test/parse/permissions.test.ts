// Class-level permissions through `serve`: pointer permissions (pointerFields, readUserFields and
// writeUserFields), requiresAuthentication, refused operations, and protected fields. The expected answers are
// those parse-server 9.10 gave to the same requests in the peer suite (test/parse-peer/permissionsScenario.ts).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir } from '../helpers';
import { rest, startServe, type Served } from './serveProcess';

let served: Served;
const master = { masterKey: 'masterKey' };
const as = (sessionToken: string): { sessionToken: string } => ({ sessionToken });
const userPointer = (objectId: string): Record<string, string> => ({ __type: 'Pointer', className: '_User', objectId });
let alice: { objectId: string; sessionToken: string };
let bob: { objectId: string; sessionToken: string };

before(async () => {
  served = await startServe(['--db', path.join(tempDir(), 'permissions.db')]);
  alice = (await rest(served.url, 'POST', 'users', { username: 'alice', password: 'pw' })).body as typeof alice;
  bob = (await rest(served.url, 'POST', 'users', { username: 'bob', password: 'pw', email: 'bob@example.com', ACL: { '*': { read: true } } })).body as typeof bob;
  await rest(served.url, 'POST', 'roles', { name: 'Admins', ACL: { '*': { read: true } }, users: { __op: 'AddRelation', objects: [userPointer(bob.objectId)] } }, master);
});
after(() => served.stop());

const results = (body: unknown): Array<Record<string, unknown>> => (body as { results: Array<Record<string, unknown>> }).results;

test('pointerFields limit find, get, update and delete to the objects pointing to the user; protected fields by userField and role', async () => {
  const created = await rest(served.url, 'POST', 'schemas/OwnedDoc', { className: 'OwnedDoc',
    fields: { owner: { type: 'Pointer', targetClass: '_User' }, title: { type: 'String' }, secret: { type: 'String' }, note: { type: 'String' } },
    classLevelPermissions: { find: { pointerFields: ['owner'] }, get: { pointerFields: ['owner'] }, count: { '*': true }, create: { '*': true },
      update: { pointerFields: ['owner'] }, delete: { pointerFields: ['owner'] }, addField: { '*': true },
      protectedFields: { '*': ['secret', 'note'], 'userField:owner': ['note'], 'role:Admins': [] } } }, master);
  assert.equal(created.status, 200);
  const mine = (await rest(served.url, 'POST', 'classes/OwnedDoc', { owner: userPointer(alice.objectId), title: 'a', secret: 's', note: 'n' }, as(alice.sessionToken))).body as { objectId: string };
  await rest(served.url, 'POST', 'classes/OwnedDoc', { owner: userPointer(bob.objectId), title: 'b', secret: 's', note: 'n' }, master);

  const asAlice = await rest(served.url, 'GET', 'classes/OwnedDoc', {}, as(alice.sessionToken));
  assert.deepEqual(results(asAlice.body).map((o) => [o.title, o.secret, o.note]), [['a', 's', undefined]]);
  const asBob = await rest(served.url, 'GET', 'classes/OwnedDoc', {}, as(bob.sessionToken));
  assert.deepEqual(results(asBob.body).map((o) => [o.title, o.secret, o.note]), [['b', 's', 'n']], 'the role Admins protects nothing: the intersection is empty');
  const withKeys = await rest(served.url, 'GET', 'classes/OwnedDoc', { keys: 'title,secret' }, as(alice.sessionToken));
  assert.deepEqual(results(withKeys.body).map((o) => Object.keys(o).sort()), [['createdAt', 'objectId', 'secret', 'title', 'updatedAt']]);
  assert.deepEqual((await rest(served.url, 'GET', 'classes/OwnedDoc', {})).body, { results: [] });
  assert.deepEqual((await rest(served.url, 'GET', 'classes/OwnedDoc', { count: 1, limit: 0 })).body, { results: [], count: 2 });
  for (const options of [as(bob.sessionToken), {}]) {
    assert.equal((await rest(served.url, 'GET', `classes/OwnedDoc/${mine.objectId}`, {}, options)).status, 404);
    assert.deepEqual((await rest(served.url, 'PUT', `classes/OwnedDoc/${mine.objectId}`, { title: 'x' }, options)).body, { code: 101, error: 'Object not found.' });
    assert.equal((await rest(served.url, 'DELETE', `classes/OwnedDoc/${mine.objectId}`, {}, options)).status, 404);
  }
  assert.equal((await rest(served.url, 'PUT', `classes/OwnedDoc/${mine.objectId}`, { title: 'a2' }, as(alice.sessionToken))).status, 200);
  const all = await rest(served.url, 'GET', 'classes/OwnedDoc', { order: 'title' }, master);
  assert.deepEqual(results(all.body).map((o) => [o.title, o.secret, o.note]), [['a2', 's', 'n'], ['b', 's', 'n']]);
});

test('readUserFields and writeUserFields over an array of users and a pointer', async () => {
  await rest(served.url, 'POST', 'schemas/Shared', { className: 'Shared',
    fields: { owner: { type: 'Pointer', targetClass: '_User' }, readers: { type: 'Array' }, text: { type: 'String' } },
    classLevelPermissions: { find: {}, get: {}, count: {}, create: { '*': true }, update: {}, delete: {}, addField: {}, readUserFields: ['readers'], writeUserFields: ['owner'] } }, master);
  const shared = (await rest(served.url, 'POST', 'classes/Shared', { owner: userPointer(alice.objectId), readers: [userPointer(bob.objectId)], text: 'hi' }, as(alice.sessionToken))).body as { objectId: string };
  assert.equal(results((await rest(served.url, 'GET', 'classes/Shared', {}, as(bob.sessionToken))).body).length, 1);
  assert.equal(results((await rest(served.url, 'GET', 'classes/Shared', {}, as(alice.sessionToken))).body).length, 0);
  assert.equal((await rest(served.url, 'PUT', `classes/Shared/${shared.objectId}`, { text: 'x' }, as(bob.sessionToken))).status, 404);
  assert.equal((await rest(served.url, 'PUT', `classes/Shared/${shared.objectId}`, { text: 'hello' }, as(alice.sessionToken))).status, 200);
});

test('refused operations: 119 Permission denied, and 101 for requiresAuthentication without a user', async () => {
  await rest(served.url, 'POST', 'schemas/Locked', { className: 'Locked', fields: { text: { type: 'String' } },
    classLevelPermissions: { find: { requiresAuthentication: true }, get: { 'role:Admins': true } } }, master);
  const locked = (await rest(served.url, 'POST', 'classes/Locked', { text: 'l' }, master)).body as { objectId: string };
  assert.deepEqual(await answer('GET', 'classes/Locked', {}), [404, { code: 101, error: 'Permission denied' }]);
  assert.equal((await answer('GET', 'classes/Locked', {}, as(alice.sessionToken)))[0], 200);
  assert.deepEqual(await answer('GET', `classes/Locked/${locked.objectId}`, {}, as(alice.sessionToken)), [400, { code: 119, error: 'Permission denied' }]);
  assert.equal((await answer('GET', `classes/Locked/${locked.objectId}`, {}, as(bob.sessionToken)))[0], 200);
  assert.deepEqual(await answer('POST', 'classes/Locked', { text: 'x' }, as(alice.sessionToken)), [400, { code: 119, error: 'Permission denied' }], 'an operation the CLPs leave out is refused');
});

test("_User's email is protected from other users, not from the user itself", async () => {
  const other = await rest(served.url, 'GET', `users/${bob.objectId}`, {}, as(alice.sessionToken));
  assert.equal((other.body as Record<string, unknown>).email, undefined);
  const own = (await rest(served.url, 'GET', `users/${bob.objectId}`, {}, as(bob.sessionToken))).body as Record<string, unknown>;
  assert.deepEqual([own.email, own.sessionToken, own.ACL], ['bob@example.com', bob.sessionToken, { '*': { read: true }, [bob.objectId]: { read: true, write: true } }]);
});

async function answer(method: string, route: string, body: Record<string, unknown>, options = {}): Promise<[number, unknown]> {
  const response = await rest(served.url, method, route, body, options);
  return [response.status, response.body];
}

test('a write adding a field needs addField: pointer fields grant it to an update of an object pointing to the user only', async () => {
  await rest(served.url, 'POST', 'schemas/Fixed', { className: 'Fixed', fields: { a: { type: 'String' }, owner: { type: 'Pointer', targetClass: '_User' } },
    classLevelPermissions: { find: { '*': true }, get: { '*': true }, count: { '*': true }, create: { '*': true }, update: { '*': true }, delete: { '*': true }, addField: { pointerFields: ['owner'] } } }, master);
  const fixed = await answer('POST', 'classes/Fixed', { a: 'x', owner: userPointer(alice.objectId) }, as(alice.sessionToken));
  assert.equal(fixed[0], 201);
  const id = (fixed[1] as { objectId: string }).objectId;
  assert.deepEqual(await answer('POST', 'classes/Fixed', { a: 'x', b: 1 }, as(alice.sessionToken)), [400, { code: 119, error: 'Permission denied' }]);
  assert.equal((await answer('PUT', `classes/Fixed/${id}`, { b: 1 }, as(bob.sessionToken)))[0], 404);
  assert.equal((await answer('PUT', `classes/Fixed/${id}`, { b: 1 }, as(alice.sessionToken)))[0], 200);
  assert.equal((await answer('PUT', `classes/Fixed/${id}`, { a: 'y', b: 2 }, as(bob.sessionToken)))[0], 200, 'no field added');
  assert.equal((await answer('POST', 'classes/Fixed', { a: 'x', c: true }, master))[0], 201);
});

test('included objects are read through their own class: protected fields removed, objects the reader may not read dropped', async () => {
  await rest(served.url, 'POST', 'classes/Story', { title: 's1', author: userPointer(bob.objectId) }, master);
  await rest(served.url, 'POST', 'classes/Story', { title: 's2', author: userPointer(alice.objectId) }, master);
  const authors = async (options: object, query: Record<string, unknown> = { include: 'author' }): Promise<unknown[]> =>
    results((await rest(served.url, 'GET', 'classes/Story', { order: 'title', ...query }, options)).body).map((story) => story.author as unknown);
  const [bobSeenByAlice, aliceSeenByAlice] = await authors(as(alice.sessionToken)) as Array<Record<string, unknown>>;
  assert.deepEqual([bobSeenByAlice!.username, bobSeenByAlice!.email, bobSeenByAlice!.__type, aliceSeenByAlice!.username], ['bob', undefined, 'Object', 'alice']);
  const seenByBob = await authors(as(bob.sessionToken)) as Array<Record<string, unknown> | undefined>;
  assert.deepEqual([seenByBob[0]!.email, seenByBob[1]], ['bob@example.com', undefined], 'alice\'s own ACL hides her from bob: the author is dropped');
  const keysOnly = await authors(as(alice.sessionToken), { keys: 'title,author.email' }) as Array<Record<string, unknown>>;
  assert.deepEqual(Object.keys(keysOnly[0]!).sort(), ['ACL', '__type', 'className', 'createdAt', 'objectId', 'updatedAt'], 'keys=author.email includes author, whose email is protected');
  const doc = (await rest(served.url, 'POST', 'classes/OwnedDoc', { owner: userPointer(alice.objectId), title: 'linked', secret: 's', note: 'n' }, master)).body as { objectId: string };
  await rest(served.url, 'POST', 'classes/Link', { doc: { __type: 'Pointer', className: 'OwnedDoc', objectId: doc.objectId } }, master);
  const linked = (doc: unknown): unknown[] => [(doc as Record<string, unknown> | undefined)?.title, (doc as Record<string, unknown> | undefined)?.note];
  assert.deepEqual(linked(results((await rest(served.url, 'GET', 'classes/Link', { include: 'doc' }, as(alice.sessionToken))).body)[0]!.doc), ['linked', undefined]);
  assert.deepEqual(results((await rest(served.url, 'GET', 'classes/Link', { include: 'doc' }, as(bob.sessionToken))).body)[0]!.doc, undefined);
  assert.deepEqual(await answer('GET', 'classes/Link', { include: 'doc' }), [404, { code: 101, error: 'Object not found.' }], 'a pointer permission without a user fails the include, as on Parse');
});

test('a field saved as null is left out of reads (as on PostgreSQL) and equals null in a query', async () => {
  const { objectId } = (await rest(served.url, 'POST', 'classes/Nully', { a: null, b: 1, obj: { x: null } }, master)).body as { objectId: string };
  await rest(served.url, 'PUT', `classes/Nully/${objectId}`, { b: null }, master);
  const read = (await rest(served.url, 'GET', `classes/Nully/${objectId}`, {}, master)).body as Record<string, unknown>;
  assert.deepEqual([Object.keys(read).sort(), read.obj], [['createdAt', 'obj', 'objectId', 'updatedAt'], { x: null }]);
  assert.equal(results((await rest(served.url, 'GET', 'classes/Nully', { where: { a: null } }, master)).body).length, 1);
});

// Last: it refuses `get` on _User for everyone but the master key.
test('login, users/me and verifyPassword answer the user as it may read itself: only its id when _User refuses get', async () => {
  const clp = { find: { '*': true }, get: {}, count: { '*': true }, create: { '*': true }, update: { '*': true }, delete: { '*': true }, addField: { '*': true } };
  assert.equal((await rest(served.url, 'PUT', 'schemas/_User', { classLevelPermissions: clp }, master)).status, 200);
  const login = await answer('POST', 'login', { username: 'bob', password: 'pw' });
  assert.deepEqual([login[0], Object.keys(login[1] as object).sort()], [200, ['objectId', 'sessionToken']]);
  assert.deepEqual(await answer('POST', 'verifyPassword', { username: 'bob', password: 'pw' }), [200, { objectId: bob.objectId }]);
  assert.deepEqual(await answer('GET', 'users/me', {}, as(bob.sessionToken)), [400, { code: 119, error: 'Permission denied' }]);
  const withMaster = (await answer('POST', 'login', { username: 'bob', password: 'pw' }, master))[1] as Record<string, unknown>;
  assert.equal(withMaster.email, 'bob@example.com');
});
