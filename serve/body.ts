// A request body as `serve` takes it: read up to a limit (Parse Server's default maxUploadSize, 20 MB), a
// larger one refused as Parse does (413 "request entity too large") by its Content-Length or as soon as the
// bytes read pass the limit, never buffered whole (the rest is read and dropped); then decoded (JSON,
// whatever the Content-Type says, as the JS SDK sends text/plain; or a form), nesting deeper than
// jsonLimits.ts accepts refused with a clear 400.

import type http from 'node:http';
import { isObject } from '../runtime/jsonValues';
import { parseUserJson } from '../runtime/jsonLimits';
import { ParseCode } from '../runtime/parse/errors';
import type { ParseResponse } from '../runtime/parse/rest';

/** Parse Server's default maxUploadSize ('20mb'). */
export const maxBodyBytes = 20 * 2 ** 20;

export const tooLarge: ParseResponse = { status: 413, body: { error: 'request entity too large' } };

/** The body's bytes, or undefined when it is larger than `limit` (reading stops there). */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // The rest is read and dropped (up to the server's requestTimeout), so that the client, still sending,
        // gets the 413 rather than a reset connection.
        req.off('end', onEnd);
        req.off('data', onData);
        req.resume();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** A JSON value for a Parse request (an object), or the 400 it is answered with. */
export function decodeJsonObject(text: string, what = 'invalid JSON', objectOnly = false): { value: Record<string, unknown> } | { refused: ParseResponse } {
  const decoded = parseUserJson(text);
  if ('invalid' in decoded) return { refused: { status: 400, body: { code: ParseCode.invalidJson, error: what } } };
  if (decoded.tooDeep) return { refused: { status: 400, body: { code: ParseCode.invalidJson, error: `${what}: ${decoded.tooDeep}` } } };
  if (objectOnly && !isObject(decoded.value)) return { refused: { status: 400, body: { code: ParseCode.invalidJson, error: what } } };
  return { value: isObject(decoded.value) ? decoded.value : {} };
}

/** The body's parameters: a form when the Content-Type says so, JSON otherwise (the SDK sends text/plain). */
export function decodeBody(raw: Buffer, contentType: string): { value: Record<string, unknown> } | { refused: ParseResponse } {
  if (raw.length === 0) return { value: {} };
  if (contentType.includes('application/x-www-form-urlencoded')) return { value: Object.fromEntries(new URLSearchParams(raw.toString('utf8'))) };
  return decodeJsonObject(raw.toString('utf8'));
}
