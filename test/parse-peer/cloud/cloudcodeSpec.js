// Cloud Code of the peer scenario test/parse-peer/cloudcodeScenario.ts (required by main.js): the behaviours
// parse-server's spec/CloudCode.spec.js found wrong in cloudfn, each observable in a REST answer. What a
// trigger saw is kept in `seen` and answered by the `ccSeen` function.

const seen = {};
Parse.Cloud.define('ccSeen', ({ params }) => (seen[params.key] === undefined ? null : seen[params.key]));

Parse.Cloud.define('ccThrowsNull', () => {
  throw null;
});

Parse.Cloud.beforeSave('CcLength', ({ object }) => {
  object.set('length', 0);
});

Parse.Cloud.define('ccParamTypes', ({ params }) => ({
  file: params.file instanceof Parse.File, url: params.file.url(),
  pointer: params.pointer instanceof Parse.Object, className: params.pointer.className, id: params.pointer.id,
}));

Parse.Cloud.beforeFind('CcSecret', ({ query }) => {
  const json = query.toJSON();
  seen.beforeFind = { limit: json.limit === undefined ? null : json.limit, keys: json.keys || null };
  query.exclude('secret');
});

Parse.Cloud.afterFind('CcPointing', async ({ objects, isGet }) => {
  seen.afterFindIsGet = isGet;
  const target = await new Parse.Object('CcTarget').save({ foo: 'bar' }, { useMasterKey: true });
  objects[0].set('target', target);
});

Parse.Cloud.beforeLogin(({ object, user }) => {
  if (object.get('username') !== 'cc-ann') return;
  seen.beforeLogin = { object: object.get('username'), user: user ? user.get('username') : null };
});
Parse.Cloud.afterLogin(({ object, user }) => {
  if (object.get('username') !== 'cc-ann') return;
  seen.afterLogin = { object: object.get('username'), user: user ? user.get('username') : null };
});

Parse.Cloud.beforeSave('CcContext', (request) => {
  request.context = { replaced: true, from: request.context.from || null };
});
Parse.Cloud.afterSave('CcContext', ({ context }) => {
  seen.context = { ...context };
});

Parse.Cloud.beforeSave(Parse.Config, ({ object, original }) => {
  if (object.get('ccRefuse')) throw null;
  if (object.get('ccNumber') !== undefined) seen.configBefore = { number: object.get('ccNumber'), original: original ? original.get('ccNumber') || null : null };
});
Parse.Cloud.afterSave(Parse.Config, ({ object }) => {
  if (object.get('ccFailAfter')) throw new Parse.Error(400, 'It should fail');
});

Parse.Cloud.job('ccReturnsNothing', (request, status) => {
  seen.jobStatusParameter = typeof status;
});
Parse.Cloud.job('ccMessages', async (request) => {
  await request.message('hello');
});

Parse.Cloud.beforeSave('CcOwner', async ({ object }) => {
  if (object.existed()) return;
  const item = await new Parse.Object('CcItem').save({ name: 'added by beforeSave' }, { useMasterKey: true });
  object.relation('items').add(item);
});

Parse.Cloud.afterDelete('CcFragile', () => {
  throw new Parse.Error(2000, 'afterDelete error');
});

Parse.Cloud.define('ccAnyRole', () => 'ok', { requireAnyUserRoles: ['ccAdmin'] });
Parse.Cloud.define('ccAllRoles', () => 'ok', { requireAllUserRoles: () => ['ccAdmin', 'ccEditor'] });
Parse.Cloud.define('ccUserKeys', () => 'ok', { requireUserKeys: ['nickname'] });
