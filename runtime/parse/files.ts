// Parse files (as Parse Server's FilesRouter with its default options): an upload (`POST files/NAME`, the body
// the file itself, or the JS SDK's `{"base64"}` JSON) by a user or with the master key — the public may not
// upload (130) — is stored on local disk in `parse-files/` beside the database, under a random prefix and its
// name; `GET files/APPID/NAME` serves it back; `DELETE files/NAME` needs the master key. A File value in an
// object (`{"__type": "File", "name"}`) must name a file, and reads give it its `url`.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { authOf } from './auth';
import type { AppContext } from './context';
import { HttpFailure, ParseCode, ParseFailure } from './errors';
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

/** POST files/NAME. */
export function uploadFile(ctx: AppContext, name: string, request: ParseRequest): ParseResponse {
  const auth = authOf(ctx.classes, request);
  if (!auth.master && !auth.user) throw new ParseFailure(ParseCode.fileSaveError, 'File upload by public is disabled.');
  if (name.length > 128) throw new ParseFailure(ParseCode.invalidFileName, 'Filename too long.');
  if (!validName.test(name)) throw new ParseFailure(ParseCode.invalidFileName, 'Filename contains invalid characters.');
  const bytes = request.upload ? request.upload.bytes
    : typeof request.body.base64 === 'string' ? Buffer.from(request.body.base64.replace(/^data:[^,]*,/, ''), 'base64') : undefined;
  if (!bytes) throw new ParseFailure(ParseCode.fileSaveError, 'Invalid file upload.');
  const stored = `${randomBytes(16).toString('hex')}_${name}`;
  const folder = filesFolder(ctx);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, stored), bytes);
  const url = fileUrl(ctx, request, stored);
  return { status: 201, body: { url, name: stored }, headers: { Location: url } };
}

/** The path of a stored file, or undefined for a name that is not one (no separators, no dot files). */
function storedPath(ctx: AppContext, name: string): string | undefined {
  if (!validName.test(name) || name.startsWith('.')) return undefined;
  const file = path.join(filesFolder(ctx), name);
  return fs.existsSync(file) ? file : undefined;
}

/** GET files/APPID/NAME: the file's bytes; 404 when there is none. */
export function downloadFile(ctx: AppContext, appId: string, name: string): ParseResponse {
  const file = appId === ctx.appId ? storedPath(ctx, name) : undefined;
  if (!file) return { status: 404, body: 'File not found.', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
  const type = contentTypes[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
  return { status: 200, body: fs.readFileSync(file), headers: { 'Content-Type': type } };
}

/** DELETE files/NAME: with the master key only. */
export function deleteFile(ctx: AppContext, name: string, request: ParseRequest): ParseResponse {
  if (!request.master) throw new HttpFailure(403, 'Permission denied');
  const file = storedPath(ctx, name);
  if (!file) throw new ParseFailure(ParseCode.fileDeleteError, 'Could not delete file.');
  fs.rmSync(file);
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
