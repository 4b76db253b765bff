// Parse requests of the editor against the real host process (dist/runtimeHost.js): a function, a save whose
// beforeSave changed the object, a job, the data explorer's Parse classes and objects, log lines streamed as
// they happen, a failure's stack whose frames in the Cloud Code link to their lines, a Cloud Code file reloaded
// after an edit (the database kept), and a syntax error as a usage error that names its place.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { repoRoot } from '../helpers';
import { RuntimeClient } from '../../client/runtimeClient';
import type { ParseHostRequest } from '../../host/protocol';
import { UsageError } from '../../runtime/usageError';
import type { ParseClassSummary, ParseObjectView } from '../../runtime/store/browse';
import { parseFailure } from '../../client/views/runPanel/errorTrace';

const hostScript = path.join(repoRoot, 'dist', 'runtimeHost.js');
const dir = tempDir();
const cloudFile = path.join(dir, 'cloud', 'main.js');
let client: RuntimeClient;

const mainJs = `Parse.Cloud.define("hello", function(request, response) {
  console.log("saying hello");
  response.success("Hello world!");
});
Parse.Cloud.beforeSave("Review", function(request, response) {
  var comment = request.object.get("comment");
  if (comment.length > 140) {
    request.object.set("comment", comment.substring(0, 137) + "...");
  }
  response.success();
});
Parse.Cloud.define("spinLater", async () => { await null; while (true) {} });
Parse.Cloud.define("whoami", (request) => request.user ? request.user.get("username") : null);
Parse.Cloud.job("count", async (request) => {
  const n = await new Parse.Query("Review").count({ useMasterKey: true });
  request.message("counted " + n);
});
function third(o) { return o.missing.deep; }
function second(o) { return third(o); }
Parse.Cloud.define("deepError", (request) => second({}));
`;
const lineOf = (text: string): number => mainJs.split('\n').findIndex((line) => line.includes(text)) + 1;

const call = (overrides: Partial<ParseHostRequest>): ParseHostRequest => ({ cloudFile, method: 'POST', path: 'functions/hello', body: {}, master: false, timeoutMs: 10_000, ...overrides });

before(async () => {
  fs.mkdirSync(path.dirname(cloudFile), { recursive: true });
  fs.writeFileSync(cloudFile, mainJs);
  client = new RuntimeClient({ hostScript, dbPath: path.join(dir, 'local.db'), memoryLimitMb: 512 });
  await client.start();
});

after(() => client.dispose());

test('a function that throws three calls deep: Parse\'s 141 with the stack, whose frames in the Cloud Code are links', async () => {
  const result = await client.parse(call({ path: 'functions/deepError' }));
  assert.equal(result.status, 400);
  assert.match(result.stack ?? '', /TypeError: Cannot read properties of undefined/);
  assert.ok(result.logs.every((entry) => Object.keys(entry).join() === 'level,message'), 'the log entries keep their shape (the CLI prints them)');
  const failure = parseFailure('Cannot read properties of undefined (reading \'deep\') (Parse error 141)', result.stack, [dir]);
  // Node's stack may start with the throwing line (`main.js:18`, the source, a caret) before the frames.
  const frames = failure.trace.filter((line) => line.location).map((line) => `${path.basename(line.location!.file)}:${line.location!.line}`);
  assert.deepEqual([...new Set(frames)], [`main.js:${lineOf('function third')}`, `main.js:${lineOf('function second')}`, `main.js:${lineOf('"deepError"')}`]);
  assert.match(failure.trace.at(-1)!.text, /… \d+ frames of the runtime/, 'the runtime\'s frames are left out');
  assert.deepEqual(failure.location, { file: cloudFile, line: lineOf('function third'), column: failure.location!.column });
});

test('a function answers as Parse Server, with its logs streamed and returned', async () => {
  const lines: string[] = [];
  const result = await client.parse(call({}), (line) => lines.push(line));
  assert.equal(result.status, 200);
  assert.deepEqual(result.body, { result: 'Hello world!' });
  assert.ok(lines.includes('[info] saying hello'), JSON.stringify(lines));
  assert.ok(result.logs.some((entry) => /Ran cloud function hello/.test(entry.message)), JSON.stringify(result.logs));
});

test('a save runs beforeSave, echoes its change, and the explorer lists the class and object', async () => {
  const comment = 'x'.repeat(200);
  const result = await client.parse(call({ path: 'classes/Review', body: { movie: 'The Matrix', stars: 5, comment } }));
  assert.equal(result.status, 201);
  const body = result.body as Record<string, unknown>;
  assert.equal(body.comment, 'x'.repeat(137) + '...');
  assert.equal(result.wrote, true);
  assert.deepEqual({ ...result.changes, items: result.changes.items.map(({ op, kind, collection, id }) => ({ op, kind, collection, id })) },
    { created: 1, updated: 0, deleted: 0, truncated: false, items: [{ op: 'create', kind: 'object', collection: 'Review', id: body.objectId }] });
  assert.equal((result.changes.items[0]?.after as Record<string, unknown>).comment, 'x'.repeat(137) + '...');
  assert.ok(result.logs.some((entry) => entry.level === 'warn' && /legacy beforeSave\("Review"\)/.test(entry.message)), JSON.stringify(result.logs));
  assert.deepEqual(await client.db<ParseClassSummary[]>({ op: 'parse-classes' }), [{ className: 'Review', objects: 1 }]);
  const [object] = await client.db<ParseObjectView[]>({ op: 'parse-objects', className: 'Review', limit: 10 });
  assert.equal(object?.objectId, body.objectId);
  assert.equal(object?.json.comment, 'x'.repeat(137) + '...');
  const deleted = await client.parse(call({ method: 'DELETE', path: `classes/Review/${String(body.objectId)}` }));
  assert.equal(deleted.status, 200);
  assert.deepEqual(deleted.changes.items.map(({ op, id, before }) => [op, id, (before as Record<string, unknown>).stars]), [['delete', body.objectId, 5]]);
  assert.deepEqual(await client.db<ParseClassSummary[]>({ op: 'parse-classes' }), []);
});

test('a run made as a _User of the local database sees it as request.user', async () => {
  const saved = await client.parse(call({ path: 'classes/_User', body: { username: 'ada', password: 'not-a-real-secret' }, master: true }));
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const userId = String((saved.body as Record<string, unknown>).objectId);
  assert.deepEqual((await client.parse(call({ path: 'functions/whoami', userId }))).body, { result: 'ada' });
  assert.deepEqual((await client.parse(call({ path: 'functions/whoami' }))).body, { result: null });
  await client.parse(call({ method: 'DELETE', path: `classes/_User/${userId}`, master: true }));
});

test('a run made with a session token (the editor\'s "Session token…" user) is that session\'s user; an unknown token is 209', async () => {
  const signup = await client.parse(call({ path: 'users', body: { username: 'grace', password: 'not-a-real-secret' } }));
  assert.equal(signup.status, 201, JSON.stringify(signup.body));
  const { objectId, sessionToken } = signup.body as { objectId: string; sessionToken: string };
  assert.deepEqual((await client.parse(call({ path: 'functions/whoami', sessionToken }))).body, { result: 'grace' });
  const unknown = await client.parse(call({ path: 'functions/whoami', sessionToken: 'r:not-a-session' }));
  assert.deepEqual([unknown.status, unknown.body], [400, { code: 209, error: 'Invalid session token' }]);
  await client.parse(call({ method: 'DELETE', path: `classes/_User/${objectId}`, master: true }));
});

test('Cloud Code that never yields after an await is stopped by restarting the host; the next request works', async () => {
  await assert.rejects(client.parse(call({ path: 'functions/spinLater', timeoutMs: 300 })), /TimeoutError: the Cloud Code did not finish within 0.3 s; the runtime process was restarted/);
  assert.deepEqual((await client.parse(call({}))).body, { result: 'Hello world!' });
});

test('a job runs to its end and _JobStatus holds its message', async () => {
  const result = await client.parse(call({ path: 'jobs/count', master: true }));
  assert.equal(result.status, 200);
  const [status] = await client.db<ParseObjectView[]>({ op: 'parse-objects', className: '_JobStatus', limit: 1 });
  assert.equal(status?.json.status, 'succeeded');
  assert.equal(status?.json.message, 'counted 0');
});

test('an edited cloud file is reloaded; a broken one is a usage error naming the file and line', async () => {
  fs.writeFileSync(cloudFile, mainJs.replace('"Hello world!"', '"Hello again!"'));
  fs.utimesSync(cloudFile, new Date(), new Date(Date.now() + 2000));
  assert.deepEqual((await client.parse(call({}))).body, { result: 'Hello again!' });
  fs.writeFileSync(cloudFile, 'Parse.Cloud.define("hello", function() {\n');
  fs.utimesSync(cloudFile, new Date(), new Date(Date.now() + 4000));
  const syntax = await client.parse(call({})).catch((error: unknown) => error);
  assert.ok(syntax instanceof UsageError && /syntax error/.test(syntax.message) && /main\.js/.test(syntax.message), String(syntax));
  const failure = parseFailure(syntax.message, undefined, [dir]);
  assert.deepEqual(failure.location && [failure.location.file, failure.location.line], [cloudFile, 2], failure.summary);
  const unknown = await client.parse(call({ cloudFile: path.join(dir, 'cloud', 'missing.js') })).catch((error: unknown) => error);
  assert.ok(unknown instanceof UsageError);
});
