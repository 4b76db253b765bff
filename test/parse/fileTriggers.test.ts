// The file triggers through `serve` (runtime/parse/files.ts): beforeSave(Parse.File) refusing an upload or
// returning another file to store, afterSave seeing the stored file, beforeDelete refusing a delete and
// afterDelete running after it; the find triggers of a download (beforeFind serving another file or refusing,
// afterFind replacing the data or forcing a download). The peer suite compares the same behaviour with
// parse-server 9.10.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { rest, startServe, type Served } from './serveProcess';

let served: Served;
const dir = tempDir();
const master = { masterKey: 'masterKey' };
const upload = (name: string, text: string): Promise<{ status: number; body: unknown }> =>
  rest(served.url, 'POST', `files/${name}`, {}, { ...master, raw: { contentType: 'text/plain', text } });

before(async () => {
  fs.writeFileSync(path.join(dir, 'main.js'), `
const seen = [];
Parse.Cloud.define('seen', () => seen);
Parse.Cloud.beforeSave(Parse.File, (request) => {
  seen.push(['beforeSave', request.file.name(), request.fileSize, request.master]);
  if (request.file.name() === 'bad.txt') throw 'no bad files';
  if (request.file.name() === 'swap.txt') return new Parse.File('swapped.txt', [104, 105], 'text/plain');
});
Parse.Cloud.afterSave(Parse.File, (request) => { seen.push(['afterSave', request.file.name().replace(/^[0-9a-f]+_/, ''), request.fileSize, typeof request.file.url()]); });
Parse.Cloud.beforeDelete(Parse.File, (request) => { if (request.file.name().endsWith('_keep.txt')) throw new Parse.Error(Parse.Error.VALIDATION_ERROR, 'kept'); });
Parse.Cloud.afterDelete(Parse.File, (request) => { seen.push(['afterDelete', request.file.name().replace(/^[0-9a-f]+_/, '')]); });
let aliasOf = '';
Parse.Cloud.define('alias', (request) => { aliasOf = request.params.name; return {}; });
Parse.Cloud.beforeFind(Parse.File, (request) => {
  const name = request.file.name();
  seen.push(['beforeFind', name.replace(/^[0-9a-f]+_/, ''), request.master, request.user ? request.user.get('username') : null]);
  if (name.endsWith('_private.txt')) throw new Parse.Error(Parse.Error.OPERATION_FORBIDDEN, 'private');
  if (name === 'alias.txt') return { file: new Parse.File(aliasOf) };
});
Parse.Cloud.afterFind(Parse.File, async (request) => {
  const name = request.file.name();
  if (name.endsWith('_shout.txt')) {
    const text = Buffer.from(await request.file.getData(), 'base64').toString();
    return { file: new Parse.File('shout.txt', { base64: Buffer.from(text.toUpperCase()).toString('base64') }) };
  }
  if (name.endsWith('_attach.txt')) {
    request.forceDownload = true;
    request.responseHeaders['X-Seen'] = 'yes';
  }
  if (name.endsWith('_broken.txt')) throw 'broken';
});
`);
  // The database (and the files beside it) outside the cloud folder: a change there would reload the Cloud Code.
  served = await startServe(['--cloud', path.join(dir, 'main.js'), '--db', path.join(tempDir(), 'files.db')]);
});
after(() => served.stop());

test('a beforeSave(Parse.File) that throws refuses the upload with 130; one returning a Parse.File stores that file instead', async () => {
  const refused = await upload('bad.txt', 'x');
  assert.deepEqual([refused.status, refused.body], [400, { code: 130, error: 'no bad files' }]);
  const swapped = await upload('swap.txt', 'original');
  assert.equal(swapped.status, 201);
  const { name } = swapped.body as { name: string };
  assert.match(name, /^[0-9a-f]{32}_swapped\.txt$/);
  const download = await fetch(`${served.url}/files/appId/${name}`);
  assert.equal(await download.text(), 'hi');
});

test('afterSave sees the stored file and its size; beforeDelete may refuse a delete, afterDelete runs after one', async () => {
  const kept = (await upload('keep.txt', 'keep')).body as { name: string };
  assert.deepEqual((await rest(served.url, 'DELETE', `files/${kept.name}`, {}, master)).body, { code: 142, error: 'kept' });
  assert.equal((await fetch(`${served.url}/files/appId/${kept.name}`)).status, 200);
  const plain = (await upload('plain.txt', 'four')).body as { name: string };
  assert.equal((await rest(served.url, 'DELETE', `files/${plain.name}`, {}, master)).status, 200);
  const { result } = (await rest(served.url, 'POST', 'functions/seen', {})).body as { result: unknown[][] };
  assert.deepEqual(result.filter((entry) => String(entry[1]).endsWith('plain.txt')), [
    ['beforeSave', 'plain.txt', 4, true], ['afterSave', 'plain.txt', 4, 'string'], ['afterDelete', 'plain.txt'],
  ]);
  assert.deepEqual(result.find((entry) => entry[0] === 'afterSave' && entry[1] === 'swapped.txt'), ['afterSave', 'swapped.txt', 2, 'string'], JSON.stringify(result));
});

test('a download runs beforeFind(Parse.File), which may refuse it (403) or serve another stored file', async () => {
  const privateFile = (await upload('private.txt', 'secret')).body as { name: string };
  const refused = await fetch(`${served.url}/files/appId/${privateFile.name}`);
  assert.deepEqual([refused.status, await refused.json()], [403, { code: 119, error: 'private' }]);
  const target = (await upload('target.txt', 'the target')).body as { name: string };
  await rest(served.url, 'POST', 'functions/alias', { name: target.name });
  const alias = await fetch(`${served.url}/files/appId/alias.txt`);
  assert.deepEqual([alias.status, await alias.text(), alias.headers.get('content-type'), alias.headers.get('x-content-type-options')],
    [200, 'the target', 'text/plain; charset=utf-8', 'nosniff']);
  const missing = await fetch(`${served.url}/files/appId/missing.txt`);
  assert.deepEqual([missing.status, await missing.text()], [404, 'File not found.']);
  const { result } = (await rest(served.url, 'POST', 'functions/seen', {})).body as { result: unknown[][] };
  assert.deepEqual(result.filter((entry) => entry[0] === 'beforeFind' && ['private.txt', 'alias.txt', 'missing.txt'].includes(String(entry[1]))), [
    ['beforeFind', 'private.txt', false, null], ['beforeFind', 'alias.txt', false, null], ['beforeFind', 'missing.txt', false, null],
  ]);
});

test('afterFind(Parse.File) may answer other data, force a download with its headers, or fail the download', async () => {
  const shout = (await upload('shout.txt', 'quiet words')).body as { name: string };
  assert.equal(await (await fetch(`${served.url}/files/appId/${shout.name}`)).text(), 'QUIET WORDS');
  const attach = (await upload('attach.txt', 'attached')).body as { name: string };
  const attached = await fetch(`${served.url}/files/appId/${attach.name}`);
  assert.deepEqual([await attached.text(), attached.headers.get('content-disposition'), attached.headers.get('x-seen')],
    ['attached', `attachment;filename=${attach.name}`, 'yes']);
  const broken = (await upload('broken.txt', 'x')).body as { name: string };
  const failed = await fetch(`${served.url}/files/appId/${broken.name}`);
  assert.deepEqual([failed.status, await failed.json()], [403, { code: 141, error: 'broken' }]);
});

test('an included object\'s File values carry their URL, as the object\'s own do', async () => {
  const { name } = (await upload('inside.txt', 'inside')).body as { name: string };
  const holder = (await rest(served.url, 'POST', 'classes/Holder', { file: { __type: 'File', name } })).body as { objectId: string };
  await rest(served.url, 'POST', 'classes/HolderRef', { holder: { __type: 'Pointer', className: 'Holder', objectId: holder.objectId } });
  for (const options of [{}, master]) {
    const { results } = (await rest(served.url, 'GET', 'classes/HolderRef', { include: 'holder' }, options)).body as { results: Array<{ holder: { file: { url?: string } } }> };
    assert.equal(results[0]!.holder.file.url, `${served.url}/files/appId/${name}`);
  }
});
