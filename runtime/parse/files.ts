// Parse files (as Parse Server's FilesRouter with its default options): an upload (`POST files/NAME`, the body
// the file itself, or the JS SDK's `{"base64"}` JSON) by a user or with the master key — the public may not
// upload (130) — is stored on local disk in `parse-files/` beside the database, under a random prefix and its
// name; `GET files/APPID/NAME` serves it back; `DELETE files/NAME` needs the master key. A File value in an
// object (`{"__type": "File", "name"}`) must name a file, and reads give it its `url`. The file triggers
// (`beforeSave`/`afterSave`/`beforeDelete`/`afterDelete` of `Parse.File`) run around an upload and a delete
// as Parse Server runs them: a before-trigger that throws refuses it (130 or 153 unless it threw a
// Parse.Error), a beforeSave may return another Parse.File to store instead (or an already saved one, which
// is then not stored again), and an after-trigger's failure fails the request too. A download runs the find
// triggers (`beforeFind`/`afterFind` of `Parse.File`), which may serve another file or other data.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { authOf } from './auth';
import { baseRequest, type ParseObject } from './cloudRequests';
import type { AppContext } from './context';
import { HttpFailure, ParseCode, ParseFailure, resolveError } from './errors';
import { runValidator, skipsWithMasterKey } from './validators';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { isObject } from './values';

/** The folder of an app's files: `parse-files/` beside its database file. */
export const filesFolder = (ctx: AppContext): string => path.join(path.dirname(ctx.store.file), 'parse-files');

/** Parse Server's rule for file names. */
const validName = /^[_a-zA-Z0-9][a-zA-Z0-9@. ~_-]*$/;

/** Content types by extension, for serving a file back. */
const contentTypes: Record<string, string> = {
  '.txt': 'text/plain', '.json': 'application/json', '.html': 'text/html', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.pdf': 'application/pdf', '.svg': 'image/svg+xml', '.csv': 'text/csv',
};

/** The URL a file is served at, on the server the request came to. */
export function fileUrl(ctx: AppContext, request: ParseRequest | undefined, name: string): string {
  const host = request?.headers?.host ?? '127.0.0.1:1337';
  return `http://${host}/parse/files/${encodeURIComponent(ctx.appId)}/${encodeURIComponent(name)}`;
}

/** The class name Parse Server files the triggers of `Parse.File` under. */
export const fileClassName = '@File';

/** What a file trigger is given besides the request's user and keys: the Parse.File and its size in bytes (null when unknown). */
interface FileObject {
  file: ParseObject;
  fileSize: number | null;
}

type FileTriggerName = 'beforeSave' | 'afterSave' | 'beforeDelete' | 'afterDelete' | 'beforeFind' | 'afterFind';

/**
 * Runs a file trigger when one is registered (with its validator; skipped with the master key when it says
 * so); returns whether it ran, what its handler returned and the request it was given (find triggers set
 * `forceDownload` and `responseHeaders` on it). Failures are thrown as they were thrown.
 */
async function runFileTrigger(ctx: AppContext, triggerName: FileTriggerName, request: ParseRequest, fileObject: FileObject | FindObject): Promise<{ ran: boolean; returned?: unknown; cloudRequest: Json }> {
  const registered = ctx.registry.trigger(triggerName, fileClassName);
  if (!registered) return { ran: false, cloudRequest: {} };
  const cloudRequest: Json = { ...baseRequest(ctx, request), ...fileObject, triggerName, isReadOnly: false };
  // A download is not a Parse API request: Parse Server gives its find triggers no headers and no ip.
  if (triggerName === 'beforeFind' || triggerName === 'afterFind') Object.assign(cloudRequest, { headers: undefined, ip: undefined });
  await runValidator(registered.validator, cloudRequest);
  if (skipsWithMasterKey(registered.validator, cloudRequest)) return { ran: false, cloudRequest };
  return { ran: true, returned: await registered.handler(cloudRequest), cloudRequest };
}

/** POST files/NAME, with the file triggers. */
export async function uploadFile(ctx: AppContext, name: string, request: ParseRequest): Promise<ParseResponse> {
  const auth = authOf(ctx.classes, request);
  if (!auth.master && !auth.user) throw new ParseFailure(ParseCode.fileSaveError, 'File upload by public is disabled.');
  if (name.length > 128) throw new ParseFailure(ParseCode.invalidFileName, 'Filename too long.');
  if (!validName.test(name)) throw new ParseFailure(ParseCode.invalidFileName, 'Filename contains invalid characters.');
  const bytes = request.upload ? request.upload.bytes
    : typeof request.body.base64 === 'string' ? Buffer.from(request.body.base64.replace(/^data:[^,]*,/, ''), 'base64') : undefined;
  if (!bytes || bytes.length === 0) throw new ParseFailure(ParseCode.fileSaveError, 'Invalid file upload.');
  const fileObject: FileObject = { file: new ctx.Parse.File(name, { base64: bytes.toString('base64') }, request.upload?.contentType), fileSize: bytes.length };
  try {
    const { returned } = await runFileTrigger(ctx, 'beforeSave', request, fileObject);
    let saved: { url: string; name: string } | undefined;
    if (returned instanceof ctx.Parse.File) {
      fileObject.file = returned;
      const url = (returned as ParseObject).url() as string | undefined;
      if (url) {
        fileObject.fileSize = null;
        saved = { url, name: (returned as ParseObject).name() as string };
      }
    }
    if (!saved) {
      const data = fileBytes(fileObject.file);
      fileObject.fileSize = data.length;
      saved = storeFile(ctx, request, fileObject.file.name() as string, data);
      fileObject.file._name = saved.name;
      fileObject.file._url = saved.url;
    }
    await runFileTrigger(ctx, 'afterSave', request, fileObject);
    return { status: 201, body: saved, headers: { Location: saved.url } };
  } catch (error) {
    throw resolveError(error, ParseCode.fileSaveError, `Could not store file: ${String(fileObject.file.name())}.`);
  }
}

/** The bytes of a Parse.File made in Cloud Code (from a Buffer, bytes or base64). */
function fileBytes(file: ParseObject): Buffer {
  const source = file._source as { format?: string; buffer?: Buffer } | undefined;
  if (source?.format === 'buffer' && Buffer.isBuffer(source.buffer)) return source.buffer;
  if (typeof file._data === 'string') return Buffer.from(file._data, 'base64');
  throw new ParseFailure(ParseCode.fileSaveError, 'Invalid file upload.');
}

/** Writes a file into the app's folder under a random prefix and its name; its stored name and URL. */
function storeFile(ctx: AppContext, request: ParseRequest, name: string, bytes: Buffer): { url: string; name: string } {
  if (!validName.test(name)) throw new ParseFailure(ParseCode.invalidFileName, 'Filename contains invalid characters.');
  const stored = `${randomBytes(16).toString('hex')}_${name}`;
  const folder = filesFolder(ctx);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, stored), bytes);
  return { url: fileUrl(ctx, request, stored), name: stored };
}

/** The path of a stored file, or undefined for a name that is not one (no separators, no dot files). */
function storedPath(ctx: AppContext, name: string): string | undefined {
  if (!validName.test(name) || name.startsWith('.')) return undefined;
  const file = path.join(filesFolder(ctx), name);
  return fs.existsSync(file) ? file : undefined;
}

/** What a file find trigger is given besides the request's user and keys (afterFind: whether to force a download, the response headers). */
interface FindObject {
  file?: ParseObject;
  forceDownload?: boolean;
  responseHeaders?: Record<string, string>;
}

/** The Content-Type of a file name as Express sends it (text and JSON with their charset). */
function contentTypeOf(name: string): string {
  const type = contentTypes[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
  return /^text\/|^application\/(javascript|json)/.test(type) ? `${type}; charset=utf-8` : type;
}

const notFound = (): ParseResponse => ({ status: 404, body: 'File not found.', headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

/**
 * GET files/APPID/NAME: the file's bytes (404 when there is none), with the file find triggers as Parse Server
 * 9.10 runs them: beforeFind gets the Parse.File (no data) and may return `{file}` naming another stored file
 * to serve; afterFind gets the file with its data and may return `{file}` with other data (and a type from
 * its name), or set `request.forceDownload` (a Content-Disposition) and `request.responseHeaders`. A trigger
 * that throws answers 403 with its code (141 unless it threw a Parse.Error).
 */
export async function downloadFile(ctx: AppContext, appId: string, name: string, request: ParseRequest): Promise<ParseResponse> {
  if (appId !== ctx.appId) return notFound();
  let filename = name;
  try {
    const before = await runFileTrigger(ctx, 'beforeFind', request, { file: new ctx.Parse.File(name, { base64: '' }) });
    const replaced = before.ran && isObject(before.returned) && isObject(before.returned.file) ? (before.returned.file as ParseObject)._name : undefined;
    if (typeof replaced === 'string' && replaced) filename = replaced;
    const file = storedPath(ctx, filename);
    if (!file) return notFound();
    let data = fs.readFileSync(file);
    const findObject: FindObject = { forceDownload: false, responseHeaders: { 'X-Content-Type-Options': 'nosniff' } };
    // The file with its data (as base64) is made only for an afterFind to see.
    if (ctx.registry.trigger('afterFind', fileClassName)) findObject.file = new ctx.Parse.File(filename, { base64: data.toString('base64') });
    const after = await runFileTrigger(ctx, 'afterFind', request, findObject);
    if (after.ran && after.cloudRequest.forceDownload) findObject.forceDownload = true;
    if (after.ran && isObject(after.cloudRequest.responseHeaders)) findObject.responseHeaders = after.cloudRequest.responseHeaders as Record<string, string>;
    // Parse Server goes on with what the trigger returned, or the file object when it returned nothing.
    const result = (after.ran && after.returned ? after.returned : findObject) as Partial<FindObject>;
    let type = contentTypeOf(filename);
    if (after.ran && isObject(result.file)) {
      type = contentTypeOf(String(result.file._name));
      data = Buffer.from(String(result.file._data ?? ''), 'base64');
    }
    const headers: Record<string, string> = { 'Content-Type': type };
    if (result.forceDownload) headers['Content-Disposition'] = `attachment;filename=${String(result.file?._name)}`;
    for (const [key, value] of Object.entries(isObject(result.responseHeaders) ? result.responseHeaders : {})) headers[key] = String(value);
    return { status: 200, body: data, headers };
  } catch (error) {
    const failure = resolveError(error, ParseCode.scriptFailed, `Could not find file: ${filename}.`);
    return { status: 403, body: { code: failure.code, error: failure.message } };
  }
}

/** DELETE files/NAME: with the master key only, with the file delete triggers. */
export async function deleteFile(ctx: AppContext, name: string, request: ParseRequest): Promise<ParseResponse> {
  if (!request.master) throw new HttpFailure(403, 'Permission denied');
  const file = new ctx.Parse.File(name);
  file._url = fileUrl(ctx, request, name);
  const fileObject: FileObject = { file, fileSize: null };
  try {
    await runFileTrigger(ctx, 'beforeDelete', request, fileObject);
    const stored = storedPath(ctx, name);
    if (!stored) throw new ParseFailure(ParseCode.fileDeleteError, 'Could not delete file.');
    fs.rmSync(stored);
    await runFileTrigger(ctx, 'afterDelete', request, fileObject);
  } catch (error) {
    throw resolveError(error, ParseCode.fileDeleteError, 'Could not delete file.');
  }
  // Parse Server answers a deleted file with an empty body.
  return { status: 200, body: '' };
}

/** A File value of a save body must name a file (111 otherwise); it is stored as `{__type, name}`. */
export function checkFileValue(value: unknown): void {
  if (isObject(value) && value.__type === 'File' && (typeof value.name !== 'string' || !value.name)) {
    throw new ParseFailure(ParseCode.incorrectType, 'This is not a valid File');
  }
}

/** A stored record's File values with their `url`, for a read. */
export function withFileUrls(ctx: AppContext, request: ParseRequest, record: Json): Json {
  let copy: Json | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (isObject(value) && value.__type === 'File' && typeof value.name === 'string') {
      copy ??= { ...record };
      copy[key] = { __type: 'File', name: value.name, url: fileUrl(ctx, request, value.name) };
    }
  }
  return copy ?? record;
}
