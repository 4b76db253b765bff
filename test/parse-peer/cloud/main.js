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
