// Regressions found by running parse-server's spec/CloudCode.spec.js against `cloudfn serve`
// (scripts/parse-suites/cloudcode.mjs): each behaviour as that spec (and Parse Server 9.10's source) expects it,
// driven through serve with the real Parse SDK and with plain REST calls.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot, tempDir } from '../helpers';
import { rest, startServe, type Served } from './serveProcess';

const Parse: any = createRequire(__filename)('parse/node');
const cloud = path.join(repoRoot, 'test', 'fixtures', 'parse', 'cloudcodeSpec', 'main.js');

describe('CloudCode.spec behaviours through serve', () => {
  let served: Served;
  const seen = (key: string): Promise<any> => Parse.Cloud.run('seen', { key });
  before(async () => {
    served = await startServe(['--cloud', cloud, '--db', path.join(tempDir(), 'cloudcode.db')]);
    Parse.initialize('appId', undefined, 'masterKey');
    Parse.serverURL = served.url;
    Parse.User.enableUnsafeCurrentUser();
  });
  after(() => served.stop());

  it('answers 141 "Script failed." for a function that throws null', async () => {
    await assert.rejects(Parse.Cloud.run('throwsNull'), (error: any) => error.code === 141 && error.message === 'Script failed.');
  });

  it('refuses a new field named length, even one a beforeSave sets (105)', async () => {
    await assert.rejects(new Parse.Object('LengthField').save({ foo: 'bar' }), (error: any) => error.code === 105 && error.message === 'Invalid field name: length.');
    const direct = await rest(served.url, 'POST', 'classes/Plain', { length: 1 });
    assert.deepEqual([direct.status, direct.body], [400, { code: 105, error: 'Invalid field name: length.' }]);
  });

  it('decodes Files, Pointers and nested Dates in function params', async () => {
    const result = await Parse.Cloud.run('paramTypes', {
      file: { __type: 'File', name: 'a.txt', url: 'https://some.url' },
      pointer: { __type: 'Pointer', className: 'Thing', objectId: 'abc' },
      nested: { when: { __type: 'Date', iso: '2016-05-22T09:00:00.000Z' } },
    });
    assert.deepEqual(result, { file: true, url: 'https://some.url', pointer: true, className: 'Thing', id: 'abc', date: true });
  });

  it("gives beforeFind the REST options (limit 100, read preferences) and applies the trigger's exclude()", async () => {
    const saved = await new Parse.Object('Secret').save({ secret: 'x', open: 'y' });
    // (An excludeKeys the client sends would win over the trigger's exclude(): Parse Server builds the query with
    // Query.withJSON, which keeps it as an extra option; so does cloudfn.)
    const query = new Parse.Query('Secret').equalTo('objectId', saved.id).select('open', 'secret');
    query.readPreference('PRIMARY', 'SECONDARY');
    const [found] = await query.find();
    assert.equal(found.get('open'), 'y');
    assert.equal(found.get('secret'), undefined);
    const json = await seen('beforeFind');
    assert.deepEqual([json.limit, json.keys, json.excludeKeys, json.readPreference, json.includeReadPreference], [100, 'open,secret', undefined, 'PRIMARY', 'SECONDARY']);
    // GET classes/CLASS/ID has no limit (the SDK's query.get() is a find with limit 1).
    const got = await rest(served.url, 'GET', `classes/Secret/${saved.id}`);
    assert.deepEqual([got.status, (got.body as any).secret, (got.body as any).open], [200, undefined, 'y']);
    assert.deepEqual(await seen('beforeFind'), { where: { objectId: saved.id } });
  });

  it('gives afterFind the query and isGet, and answers an object it set in full', async () => {
    const saved = await new Parse.Object('Pointing').save({ name: 'p' });
    const [found] = await new Parse.Query('Pointing').equalTo('objectId', saved.id).find();
    assert.equal(found.get('target').get('foo'), 'bar');
    assert.deepEqual(await seen('afterFind'), { query: { where: { objectId: saved.id }, limit: 100 }, isGet: false });
  });

  it('runs beforeLogin without a request.user (a session token sent with /login is ignored) and afterLogin as the user logged in', async () => {
    const first = await Parse.User.signUp('ann', 'secret1');
    const second = await Parse.User.signUp('bob', 'secret2');
    // The SDK sends bob's session token with ann's login.
    await Parse.User.logIn('ann', 'secret1');
    assert.deepEqual(await seen('beforeLogin'), { object: first.id, user: null });
    assert.deepEqual(await seen('afterLogin'), { object: first.id, user: first.id });
    assert.notEqual(first.id, second.id);
    await Parse.User.logOut();
  });

  it('keeps what beforeSave leaves in request.context for afterSave, and refuses a context that is not an object (107)', async () => {
    await new Parse.Object('Contextual').save(null, { context: { from: 'client' } });
    assert.deepEqual(await seen('context'), { from: 'client', replaced: true });
    const header = await fetch(`${served.url}/classes/Contextual`, {
      method: 'POST', body: '{}', headers: { 'X-Parse-Application-Id': 'appId', 'Content-Type': 'application/json', 'X-Parse-Cloud-Context': '1' },
    });
    assert.deepEqual([header.status, await header.json()], [400, { code: 107, error: 'Invalid object for context.' }]);
    const body = await rest(served.url, 'POST', 'classes/Contextual', { _ApplicationId: 'appId', _context: 'true' }, { appId: null });
    assert.deepEqual([body.status, body.body], [400, { code: 107, error: 'Invalid object for context.' }]);
    const overriding = await rest(served.url, 'POST', 'classes/Contextual', { _ApplicationId: 'appId', _context: '{"from":"body"}' }, { appId: null });
    assert.equal(overriding.status, 201);
    assert.deepEqual(await seen('context'), { from: 'body', replaced: true });
  });

  it('runs the beforeSave and afterSave of Parse.Config around PUT config', async () => {
    await Parse.Config.save({ number: 12, string: 's' });
    assert.deepEqual(await seen('configBefore'), { number: 12, original: null });
    assert.deepEqual(await seen('configAfter'), { number: 12, string: 's' });
    await Parse.Config.save({ number: 13 });
    assert.deepEqual(await seen('configBefore'), { number: 13, original: 12 });
    assert.deepEqual(await seen('configAfter'), { number: 13, string: 's' });
    await assert.rejects(Parse.Config.save({ refuse: true }), (error: any) => error.code === 141 && error.message === 'Script failed. Unknown error.');
    const failing = await rest(served.url, 'PUT', 'config', { params: { failAfter: true } }, { masterKey: 'masterKey' });
    assert.deepEqual([failing.status, failing.body], [400, { code: 400, error: 'It should fail' }]);
  });

  it('calls a (request, status) job that never uses status with the request alone (it succeeds), and request.message answers a promise', async () => {
    // The job's status once it is no longer running (or still running after 500 looks: the assertion fails).
    const finished = async (jobId: string): Promise<any> => {
      let status: any;
      for (let look = 0; look < 500; look++) {
        status = await Parse.Cloud.getJobStatus(jobId);
        if (status.get('status') !== 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return status;
    };
    assert.equal((await finished(await Parse.Cloud.startJob('returnsNothing', {}))).get('status'), 'succeeded');
    assert.equal(await seen('jobName'), 'returnsNothing');
    assert.equal(await seen('statusType'), 'undefined');
    assert.equal((await finished(await Parse.Cloud.startJob('messages', {}))).get('status'), 'succeeded');
    assert.equal(await seen('jobMessage'), 'hello');
  });

  it('writes the relation operators a beforeSave adds, leaving them out of the response (so the SDK finds them with redirectClassNameForKey)', async () => {
    const owner = await new Parse.Object('Owner').save({ name: 'o' });
    assert.equal(owner.get('items'), undefined);
    const items = await owner.relation('items').query().find();
    assert.deepEqual(items.map((item: any) => item.get('name')), ['added by beforeSave']);
  });

  it('answers the failure of afterDelete and afterLogout after the delete or logout took place', async () => {
    const fragile = await new Parse.Object('Fragile').save({ name: 'f' });
    await assert.rejects(fragile.destroy(), (error: any) => error.code === 2000 && error.message === 'afterDelete error');
    assert.equal(await new Parse.Query('Fragile').count(), 0);
    // Signed up over REST, so that the SDK's current user stays logged out.
    const token = ((await rest(served.url, 'POST', 'users', { username: 'carl', password: 'secret3' })).body as any).sessionToken;
    await Parse.Cloud.run('failLogout');
    const logout = await rest(served.url, 'POST', 'logout', {}, { sessionToken: token });
    assert.deepEqual([logout.status, logout.body], [400, { code: 2001, error: 'afterLogout error for _Session' }]);
    assert.equal((await rest(served.url, 'GET', 'users/me', {}, { sessionToken: token })).status, 400);
  });

  it('checks requireAnyUserRoles, requireAllUserRoles (a list or a function) and requireUserKeys (a list or options)', async () => {
    const refused = (name: string, message: string) => assert.rejects(Parse.Cloud.run(name), (error: any) => error.code === 142 && error.message === message);
    await refused('userKeys', 'Please login to make this request.');
    const user = await Parse.User.signUp('dana', 'secret4', { admin: false });
    await refused('anyRole', 'Validation failed. User does not match the required roles.');
    await refused('userKeys', 'Validation failed. Please set data for nickname on your account.');
    await refused('adminOnly', 'Unauthorized.');
    const role = (name: string) => {
      const acl = new Parse.ACL();
      acl.setPublicReadAccess(true);
      const made = new Parse.Role(name, acl);
      made.getUsers().add(user);
      return made.save(null, { useMasterKey: true });
    };
    await role('editor');
    assert.equal(await Parse.Cloud.run('anyRole'), 'ok');
    await refused('allRoles', 'Validation failed. User does not match all the required roles.');
    await role('admin');
    assert.equal(await Parse.Cloud.run('allRoles'), 'ok');
    await Parse.User.logOut();
  });
});
