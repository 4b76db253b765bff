// The real Parse JS SDK (parse/node) as a client of `cloudfn serve`: functions, objects, the query operators
// the SDK sends, update operators, batch (saveAll/destroyAll), errors, jobs, and the seed's client call.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot, tempDir } from '../helpers';
import { startServe, type Served } from './serveProcess';
import { seedBlocks } from './seedBlocks';

 
const Parse: any = createRequire(__filename)('parse/node');
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'parse');

describe('the Parse SDK against serve', () => {
  let served: Served;
  before(async () => {
    served = await startServe(['--cloud', path.join(fixtures, 'reference', 'main.js'), '--db', path.join(tempDir(), 'sdk.db')]);
    Parse.initialize('appId', undefined, 'masterKey');
    Parse.serverURL = served.url;
  });
  after(() => served.stop());

  it('runs functions', async () => {
    assert.equal(await Parse.Cloud.run('hello'), 'Hello world!');
    const echoed = await Parse.Cloud.run('echo', { when: new Date('2020-01-01T00:00:00.000Z') });
    assert.ok(echoed.params.when instanceof Date);
    await assert.rejects(Parse.Cloud.run('noSuchFunction'), (error: any) => error.code === 141 && error.message === 'Invalid function: "noSuchFunction"');
  });

  it('saves, queries with the operators the SDK sends, and updates with operators', async () => {
    const Review = Parse.Object.extend('Review');
    const author = await new Parse.Object('Author').save({ name: 'Ann' });
    const saved = await Parse.Object.saveAll([
      new Review({ movie: 'Alien', stars: 5, tags: ['scifi'], author }),
      new Review({ movie: 'Brazil', stars: 4, tags: ['comedy', 'scifi'] }),
      new Review({ movie: 'Cars', stars: 2 }),
      new Review({ movie: 'Dune', stars: 3, comment: 'Long' }),
    ]);
    assert.equal(saved.length, 4);
    const movies = async (query: any): Promise<string[]> => (await query.find()).map((r: any) => r.get('movie'));
    const q = (): any => new Parse.Query('Review');
    assert.deepEqual(await movies(q().greaterThan('stars', 3).ascending('movie')), ['Alien', 'Brazil']);
    assert.deepEqual(await movies(q().greaterThanOrEqualTo('stars', 3).lessThan('stars', 5).ascending('stars')), ['Dune', 'Brazil']);
    assert.deepEqual(await movies(q().lessThanOrEqualTo('stars', 2)), ['Cars']);
    assert.deepEqual(await movies(q().notEqualTo('stars', 5).descending('stars')), ['Brazil', 'Dune', 'Cars']);
    assert.deepEqual(await movies(q().containedIn('movie', ['Cars', 'Dune']).ascending('movie')), ['Cars', 'Dune']);
    assert.deepEqual(await movies(q().notContainedIn('movie', ['Cars', 'Dune']).ascending('movie')), ['Alien', 'Brazil']);
    assert.deepEqual(await movies(q().exists('comment')), ['Dune']);
    assert.deepEqual(await movies(q().doesNotExist('tags').ascending('movie')), ['Cars', 'Dune']);
    assert.deepEqual(await movies(q().equalTo('tags', 'scifi').ascending('movie')), ['Alien', 'Brazil']);
    assert.deepEqual(await movies(q().matches('movie', '^b', 'i')), ['Brazil']);
    assert.deepEqual(await movies(q().startsWith('movie', 'Du')), ['Dune']);
    assert.deepEqual(await movies(Parse.Query.or(q().equalTo('stars', 2), q().equalTo('movie', 'Alien')).ascending('movie')), ['Alien', 'Cars']);
    assert.deepEqual(await movies(q().equalTo('author', author)), ['Alien']);
    assert.deepEqual(await movies(q().ascending('movie').skip(1).limit(2)), ['Brazil', 'Cars']);
    assert.equal(await q().greaterThan('stars', 2).count(), 3);
    const withAuthor = await q().equalTo('movie', 'Alien').include('author').first();
    assert.equal(withAuthor.get('author').get('name'), 'Ann');
    const selected = await q().equalTo('movie', 'Dune').select('stars').first();
    assert.equal(selected.get('stars'), 3);
    assert.equal(selected.get('comment'), undefined);
    const fetched = await q().get(saved[0].id);
    assert.equal(fetched.get('movie'), 'Alien');
    await assert.rejects(q().get('nonexistent'), (error: any) => error.code === 101);

    const dune = saved[3];
    dune.increment('views', 2);
    dune.add('tags', 'epic');
    await dune.save();
    assert.equal(dune.get('views'), 2);
    dune.increment('views');
    dune.remove('tags', 'epic');
    dune.unset('comment');
    await dune.save();
    dune.addUnique('tags', 'desert');
    dune.addUnique('tags', 'desert');
    await dune.save();
    const reloaded = await q().get(dune.id);
    assert.equal(reloaded.get('views'), 3);
    assert.deepEqual(reloaded.get('tags'), ['desert']);
    assert.equal(reloaded.get('comment'), undefined);

    await Parse.Object.destroyAll(saved);
    assert.equal(await q().count(), 0);
  });

  it('gets Parse errors from triggers and unsupported operators', async () => {
    await assert.rejects(new Parse.Object('Review').save({ stars: 0 }), (error: any) => error.code === 141 && error.message === 'you cannot give less than one star');
    assert.deepEqual(await new Parse.Query('Review').withinKilometers('where', new Parse.GeoPoint(0, 0), 10).find(), []);
    const polygon = new Parse.Query('Review').polygonContains('area', new Parse.GeoPoint(0, 0));
    await assert.rejects(polygon.find(), (error: any) => error.code === 102 && /not supported/.test(error.message));
  });

  it('starts a job with the master key and reads its status', async () => {
    const jobId = await Parse.Cloud.startJob('myJob', { steps: 2 });
    assert.equal(typeof jobId, 'string');
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = await Parse.Cloud.getJobStatus(jobId);
      if (status.get('status') !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(status.get('status'), 'succeeded');
    assert.equal(status.get('message'), 'job finished: 2 steps');
  });

  it("runs the seed's client call unchanged", async () => {
    await new Parse.Object('Review').save({ movie: 'The Matrix', stars: 4 });
    await new Parse.Object('Review').save({ movie: 'The Matrix', stars: 5 });
    const [snippet] = seedBlocks(path.join(fixtures, 'seed', 'client', 'run.js'));
    let ratings: unknown;
    const realThen = Promise.prototype.then;
    // The snippet's callback only has a comment: observe the value it receives.
    const promise = new Function('Parse', `return ${snippet!.trim().replace(/;$/, '')}`)({
      Cloud: { run: (...args: unknown[]) => Parse.Cloud.run(...args).then((value: unknown) => { ratings = value; return value; }) },
    });
    await realThen.call(promise, () => undefined);
    assert.equal(ratings, 4.5);
  });
});
