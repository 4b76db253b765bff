// Cloud Code of the peer comparison suite (test/parse-peer/peer.peer.ts), loaded by both `cloudfn serve` and
// parse-server 9.10: the reference Cloud Code of the golden tests, plus functions that query through the SDK.

require('../../fixtures/parse/reference/main.js');

Parse.Cloud.define('topMovies', async (request) => {
  const query = new Parse.Query('Movie');
  query.greaterThanOrEqualTo('rating', request.params.minRating);
  query.containedIn('genre', ['sf', 'drama']);
  query.descending('rating');
  query.limit(3);
  query.select('title', 'rating');
  return query.find();
});

Parse.Cloud.define('movieStats', async () => {
  const count = (build) => { const query = new Parse.Query('Movie'); build(query); return query.count(); };
  return {
    all: await count(() => {}),
    recent: await count((q) => q.greaterThan('year', 2000).lessThanOrEqualTo('year', 2010)),
    untagged: await count((q) => q.doesNotExist('tags')),
    matrix: await count((q) => q.matches('title', '^the m', 'i')),
    notSf: await count((q) => q.notEqualTo('genre', 'sf')),
    either: await count((q) => q._orQuery([new Parse.Query('Movie').equalTo('genre', 'drama'), new Parse.Query('Movie').lessThan('year', 1990)])),
    titles: (await new Parse.Query('Movie').ascending('year').skip(1).limit(2).find()).map((m) => m.get('title')),
    first: (await new Parse.Query('Movie').equalTo('title', 'Alien').first()).get('year'),
  };
});

Parse.Cloud.define('rateMovie', async (request) => {
  const movie = await new Parse.Query('Movie').get(request.params.id);
  movie.increment('votes');
  movie.addUnique('tags', 'rated');
  movie.remove('tags', 'old');
  return movie.save();
});

// Issue 13: the bug classes and the REST surface real apps use (users, ACLs, roles, relations, files, find and
// login triggers), each answered alike by cloudfn and parse-server.

Parse.Cloud.afterSave('Existed', (request) => ({ existed: request.object.existed() }));

Parse.Cloud.beforeSave('Revert', (request) => {
  request.object.revert('secret');
  if (request.object.get('temp') !== undefined) request.object.unset('temp');
});

Parse.Cloud.define('twoArgsReturns', (request, response) => `returned ${response === undefined ? 'without' : 'with'} a response`);
Parse.Cloud.define('twoArgsAsync', async (request, response) => { await null; return response === undefined ? 'none' : 'some'; });
// eslint-disable-next-line no-unused-vars
Parse.Cloud.beforeSave('TwoArgs', (request, response) => { request.object.set('seen', true); });

Parse.Cloud.beforeSave('Guarded', () => { throw 'only with the master key'; }, { skipWithMasterKey: true });
Parse.Cloud.afterSave('Loop', async (request) => {
  request.object.increment('n');
  await request.object.save(null, { useMasterKey: true });
}, { skipWithMasterKey: true });

Parse.Cloud.define('whoami', (request) => (request.user ? request.user.get('username') : null));

Parse.Cloud.beforeLogin((request) => {
  if (request.object.get('banned')) throw new Parse.Error(Parse.Error.OTHER_CAUSE, 'banned user');
});
Parse.Cloud.afterLogin((request) => { console.log(`afterLogin ${request.object.get('username')}`); });
Parse.Cloud.afterLogout((request) => { console.log(`afterLogout ${request.object.className}`); });

Parse.Cloud.beforeFind('Secret', (request) => {
  request.query.limit(1);
  request.query.ascending('rank');
});
Parse.Cloud.afterFind('Secret', (request) => request.objects.map((object) => { object.set('seen', true); return object; }));

Parse.Cloud.define('countAsUser', async (request) => new Parse.Query('Private').count({ sessionToken: request.user.getSessionToken() }));
Parse.Cloud.define('makeFile', async () => {
  const file = new Parse.File('made.txt', { base64: Buffer.from('made in cloud code').toString('base64') }, 'text/plain');
  await file.save({ useMasterKey: true });
  const holder = new Parse.Object('Holder');
  holder.set('file', file);
  await holder.save();
  return { name: file.name().endsWith('_made.txt'), url: typeof file.url() };
});

// File triggers (the peer scenario's "file triggers" steps): each acts on its own file names only.
Parse.Cloud.beforeSave(Parse.File, (request) => {
  const name = request.file.name();
  if (name === 'refused.txt') throw 'refused by beforeSave';
  if (name === 'refusedParse.txt') throw new Parse.Error(Parse.Error.VALIDATION_ERROR, 'not this file');
  if (name === 'shape.txt') {
    const shape = {
      triggerName: request.triggerName, name, fileSize: request.fileSize, master: request.master, isReadOnly: request.isReadOnly,
      user: request.user ? request.user.get('username') : null, log: typeof request.log, headers: typeof request.headers, ip: typeof request.ip,
      url: request.file.url() === undefined,
    };
    throw new Parse.Error(Parse.Error.SCRIPT_FAILED, JSON.stringify(shape));
  }
  if (name === 'replace.txt') return new Parse.File('replaced.txt', { base64: Buffer.from('replaced by the trigger').toString('base64') }, 'text/plain');
  return undefined;
});
Parse.Cloud.afterSave(Parse.File, async (request) => {
  const name = request.file.name();
  if (!name.endsWith('_logged.txt') && !name.endsWith('_replaced.txt')) return;
  await new Parse.Object('FileLog').save({ trigger: request.triggerName, suffix: name.replace(/^[0-9a-f]{32}_/, ''), fileSize: request.fileSize, hasUrl: typeof request.file.url() }, { useMasterKey: true });
});
Parse.Cloud.beforeDelete(Parse.File, (request) => {
  if (request.file.name().endsWith('_kept.txt')) throw 'kept by beforeDelete';
});
Parse.Cloud.afterDelete(Parse.File, async (request) => {
  const name = request.file.name();
  if (!name.endsWith('_logged.txt')) return;
  // The size is null for a delete, which a read leaves out: it is saved as text.
  await new Parse.Object('FileLog').save({ trigger: request.triggerName, suffix: name.replace(/^[0-9a-f]{32}_/, ''), fileSize: String(request.fileSize), master: request.master }, { useMasterKey: true });
});

// File find triggers (downloads; the peer scenario's gaps steps): each acts on its own file names only.
Parse.Cloud.beforeFind(Parse.File, async (request) => {
  const name = request.file.name();
  if (name.endsWith('_hidden.txt')) throw new Parse.Error(Parse.Error.OPERATION_FORBIDDEN, 'hidden by beforeFind');
  if (name.endsWith('_secret.txt')) throw 'secret by beforeFind';
  if (name === 'alias.txt') {
    const target = await new Parse.Query('AliasTarget').first({ useMasterKey: true });
    return { file: target.get('file') };
  }
  if (name.endsWith('_fshape.txt')) {
    await new Parse.Object('FindLog').save({
      trigger: request.triggerName, master: request.master, user: request.user ? request.user.get('username') : 'none',
      url: typeof request.file.url(), isReadOnly: request.isReadOnly, headers: typeof request.headers, log: typeof request.log,
    }, { useMasterKey: true });
  }
  return undefined;
});
Parse.Cloud.afterFind(Parse.File, async (request) => {
  const name = request.file.name();
  if (name.endsWith('_afail.txt')) throw new Error('afterFind failed');
  if (name.endsWith('_upper.txt')) {
    const text = Buffer.from(await request.file.getData(), 'base64').toString('utf8');
    return { file: new Parse.File('upper.json', { base64: Buffer.from(JSON.stringify({ loud: text.toUpperCase() })).toString('base64') }) };
  }
  if (name.endsWith('_attach.txt')) {
    request.forceDownload = true;
    request.responseHeaders['X-Checked'] = 'yes';
  }
  if (name.endsWith('_fshape.txt')) {
    await new Parse.Object('FindLog').save({
      trigger: request.triggerName, master: request.master, user: request.user ? request.user.get('username') : 'none',
      size: Buffer.from(await request.file.getData(), 'base64').length, forceDownload: request.forceDownload,
      responseHeaders: JSON.stringify(request.responseHeaders),
    }, { useMasterKey: true });
  }
  return undefined;
});

// A field saved as null, read back through the SDK.
Parse.Cloud.define('nullFields', async () => {
  const object = new Parse.Object('Nully');
  object.set({ a: null, c: 'sdk' });
  await object.save();
  const fetched = await new Parse.Query('Nully').get(object.id);
  return { has: fetched.has('a'), value: fetched.get('a') === null ? 'null' : typeof fetched.get('a'), keys: Object.keys(fetched.toJSON()).sort() };
});

// Refuses `get` on _User (and protects its city) through the SDK's schema API, answering only that it did.
Parse.Cloud.define('refuseUserGet', async () => {
  const schema = new Parse.Schema('_User');
  schema.setCLP({
    find: { '*': true }, get: {}, count: { '*': true }, create: { '*': true }, update: { '*': true }, delete: { '*': true }, addField: { '*': true },
    protectedFields: { '*': ['email', 'city'] },
  });
  await schema.update();
  return { updated: true };
}, { requireMaster: true });

require('./cloudcodeSpec.js');
