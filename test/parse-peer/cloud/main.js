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
