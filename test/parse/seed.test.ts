// Every Parse example of the seed (../shared/seeds/003_3e02667b9cc54c71.txt) runs unchanged: the fixtures
// under test/fixtures/parse/seed/ hold them verbatim (checked here), and the CLI runs them with the
// Backbone-era styles they use (response.success/error, status.*, {success, error}, httpRequest).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { cliPath, repoRoot, runCliJson, tempDir } from '../helpers';
import { Store } from '../../runtime/store/store';
import { ParseClasses } from '../../runtime/parse/classes';
import { seedBlocks } from './seedBlocks';

const seedText = fs.readFileSync(path.resolve(repoRoot, '..', 'shared', 'seeds', '003_3e02667b9cc54c71.txt'), 'utf8');
const seedDir = path.join(repoRoot, 'test', 'fixtures', 'parse', 'seed');
const fixtureFiles = ['functions/main.js', 'truncate/main.js', 'http/main.js', 'client/run.js'].map((file) => path.join(seedDir, file));


type Body = Record<string, unknown>;
type Log = { level: string; message: string };

function parse(cloud: string, db: string, args: string[]): { code: number | null; status: number; body: Body; logs: Log[] } {
  const { code, json } = runCliJson(['parse', ...args, '--cloud', path.join(seedDir, cloud), '--db', db]);
  return { code, status: json.status as number, body: json.body as Body, logs: json.logs as Log[] };
}

async function objects(db: string, className: string): Promise<Body[]> {
  const store = await Store.open(db);
  try {
    return new ParseClasses(store).all(className);
  } finally {
    store.close();
  }
}

const pointer = (className: string, objectId: string): Body => ({ __type: 'Pointer', className, objectId });

describe('seed: the Parse examples are in the fixtures verbatim', () => {
  it('every fixture block appears verbatim in the seed', () => {
    let blocks = 0;
    for (const file of fixtureFiles) {
      for (const block of seedBlocks(file)) {
        assert.ok(seedText.includes(block), `${path.relative(repoRoot, file)}: block not verbatim in the seed:\n${block}`);
        blocks++;
      }
    }
    assert.equal(blocks, 17);
  });

  it('every Parse.Cloud example of the seed is in a fixture', () => {
    const all = fixtureFiles.flatMap(seedBlocks).join('\n');
    const starts = seedText.split('\n').filter((line) => /^Parse\.Cloud\.\w+\(/.test(line));
    assert.ok(starts.length >= 17);
    for (const line of starts) assert.ok(all.includes(line), `not covered by a fixture: ${line}`);
  });
});

describe('seed: Cloud Code examples through the CLI', () => {
  const db = path.join(tempDir(), 'seed.db');

  it('averageStars (response.success, query.find({success, error})) answers 4.5', () => {
    for (const stars of [4, 5]) assert.equal(parse('functions/main.js', db, ['save', 'Review', '--data', JSON.stringify({ movie: 'The Matrix', stars })]).status, 201);
    const run = parse('functions/main.js', db, ['call', 'averageStars', '--params', '{"movie":"The Matrix"}']);
    assert.deepEqual([run.code, run.status, run.body], [0, 200, { result: 4.5 }]);
    assert.ok(run.logs.some((log) => log.level === 'warn' && log.message.includes('query.find({success, error})') && log.message.includes('no longer accepts')));
  });

  it('beforeSave Review: response.error rejects out-of-range stars with 141', () => {
    const low = parse('functions/main.js', db, ['save', 'Review', '--data', '{"movie":"The Matrix","stars":-6}']);
    assert.deepEqual([low.code, low.status, low.body], [1, 400, { code: 141, error: 'you cannot give less than one star' }]);
    const high = parse('functions/main.js', db, ['save', 'Review', '--data', '{"movie":"The Matrix","stars":1337}']);
    assert.deepEqual(high.body, { code: 141, error: 'you cannot give more than five stars' });
    assert.ok(high.logs.some((log) => log.message.includes('legacy beforeSave("Review")')));
  });

  it('beforeSave(Parse.User) requires an email', () => {
    const missing = parse('functions/main.js', db, ['save', '_User', '--data', '{"username":"ann","password":"secret"}']);
    assert.deepEqual([missing.status, missing.body], [400, { code: 141, error: 'email is required for signup' }]);
    const ok = parse('functions/main.js', db, ['save', '_User', '--data', '{"username":"ann","password":"secret","email":"ann@example.com"}']);
    assert.equal(ok.status, 201);
  });

  it('afterSave Comment increments the post (query.get({success, error}))', async () => {
    const post = parse('functions/main.js', db, ['save', 'Post', '--data', '{"title":"Hello"}']).body.objectId as string;
    for (const text of ['one', 'two']) {
      const comment = parse('functions/main.js', db, ['save', 'Comment', '--data', JSON.stringify({ post: pointer('Post', post), text })]);
      assert.equal(comment.status, 201);
    }
    assert.equal((await objects(db, 'Post')).find((p) => p.objectId === post)?.comments, 2);
  });

  it('afterDelete Post removes its comments (Parse.Object.destroyAll({success, error}))', async () => {
    const post = (await objects(db, 'Post'))[0]!.objectId as string;
    const deleted = parse('functions/main.js', db, ['delete', 'Post', post]);
    assert.deepEqual([deleted.code, deleted.status, deleted.body], [0, 200, {}]);
    assert.deepEqual(await objects(db, 'Comment'), []);
  });

  it('beforeDelete Album refuses while photos point to it (query.count({success, error}))', () => {
    const album = parse('functions/main.js', db, ['save', 'Album', '--data', '{"name":"Holidays"}']).body.objectId as string;
    const empty = parse('functions/main.js', db, ['save', 'Album', '--data', '{"name":"Empty"}']).body.objectId as string;
    parse('functions/main.js', db, ['save', 'Photo', '--data', JSON.stringify({ album: pointer('Album', album) })]);
    const refused = parse('functions/main.js', db, ['delete', 'Album', album]);
    assert.deepEqual([refused.code, refused.status, refused.body], [1, 400, { code: 141, error: "Can't delete album if it still has photos." }]);
    assert.deepEqual(parse('functions/main.js', db, ['delete', 'Album', empty]).body, {});
  });

  it('myJob (status.message/success) ends succeeded in _JobStatus', async () => {
    const job = parse('functions/main.js', db, ['job', 'myJob']);
    assert.deepEqual([job.code, job.status, job.body], [0, 200, {}]);
    assert.ok(job.logs.some((log) => log.level === 'warn' && log.message.includes('legacy job "myJob"')));
    const [status] = await objects(db, '_JobStatus');
    assert.equal(status!.jobName, 'myJob');
    assert.equal(status!.status, 'succeeded');
    assert.equal(status!.message, 'I just finished');
  });

  it('the truncating beforeSave echoes the shortened comment', () => {
    const comment = 'c'.repeat(200);
    const saved = parse('truncate/main.js', path.join(tempDir(), 'truncate.db'), ['save', 'Review', '--data', JSON.stringify({ stars: 3, comment })]);
    assert.equal(saved.status, 201);
    assert.equal(saved.body.comment, 'c'.repeat(137) + '...');
  });
});

describe('seed: Parse.Cloud.httpRequest examples against a local server', () => {
  it('sends every request as the guide describes and logs the responses', async () => {
    const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const url = new URL(req.url!);
        if (url.host === 'www.example.com' && url.pathname === '/' && !req.headers['content-type']) {
          res.writeHead(302, { Location: 'http://www.example.com/landed' }).end('moved');
        } else {
          res.writeHead(200, { 'Content-Type': 'text/plain', 'Set-Cookie': 'session=abc; Path=/; HttpOnly' }).end(`answer for ${req.method} ${url.host}${url.pathname}${url.search}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const child = spawn(process.execPath, [cliPath, 'parse', 'call', 'seedHttpRequests', '--cloud', path.join(seedDir, 'http', 'main.js'),
      '--db', path.join(tempDir(), 'http.db'), '--json'], { env: { ...process.env, CLOUDFN_HTTP_PROXY: proxy } });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    server.close();
    assert.equal(code, 0, stdout);
    const output = JSON.parse(stdout) as { status: number; logs: Log[] };
    const requests = seen.map((r) => `${r.method} ${r.url}`).sort();
    assert.deepEqual(requests, [
      'GET http://www.example.com/',
      'GET http://www.example.com/',
      'GET http://www.example.com/landed',
      'GET http://www.google.com/search?q=Sean%20Plott',
      'GET http://www.google.com/search?q=Sean%20Plott',
      'GET http://www.parse.com/',
      'GET http://www.parse.com:8080/',
      'POST http://www.example.com/create_post',
      'POST http://www.example.com/create_post',
    ]);
    const posts = seen.filter((r) => r.method === 'POST');
    const form = posts.find((r) => r.headers['content-type'] === 'application/x-www-form-urlencoded')!;
    assert.equal(form.body, 'title=Vote%20for%20Pedro&body=If%20you%20vote%20for%20Pedro%2C%20your%20wildest%20dreams%20will%20come%20true');
    const json = posts.find((r) => r.headers['content-type'] === 'application/json;charset=utf-8')!;
    assert.deepEqual(JSON.parse(json.body), { title: 'Vote for Pedro', body: 'If you vote for Pedro, your wildest dreams will come true' });
    const messages = output.logs.map((log) => log.message);
    assert.ok(messages.includes('answer for GET www.example.com/landed'), 'followRedirects followed the 302');
    assert.ok(messages.includes('answer for GET www.parse.com:8080/'));
    assert.ok(messages.some((m) => m.includes('Parse.Cloud.httpRequest') && m.includes('no longer accepts')));
  });
});
