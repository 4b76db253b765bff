// `cloudfn serve`'s HTTP layer: Parse's REST API on 127.0.0.1 under /parse, as the Parse SDKs and curl speak
// it — keys in X-Parse-* headers or in the SDK's JSON body (`_ApplicationId`, `_MasterKey`, `_method`, ...),
// GET queries in the query string, the app-id check (403 unauthorized), X-Parse-Job-Status-Id exposed to an
// allowed front end — around ParseApp.handle(); and, when given, the CocoBASE functions under /functions/
// (cocobaseRoutes.ts), which keep their own time limits (the runtime's). Before anything is read, guard.ts decides who may ask (Host,
// Origin); body.ts reads and decodes the body within its limits; each request is answered within its time
// limit (deadlines.ts), and the event-loop watchdog stops Cloud Code that would hold the server.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParseApp } from '../runtime/parse/app';
import { answerWithin } from '../runtime/parse/deadlines';
import { ParseCode } from '../runtime/parse/errors';
import type { ParseResponse } from '../runtime/parse/rest';
import { decodeBody, decodeJsonObject, maxBodyBytes, readBody, tooLarge } from './body';
import { checkRequest, corsHeaders, header, preflightHeaders } from './guard';
import { functionsMount, internalFailure } from './cocobaseRoutes';
import { authMount } from './authRoutes';

export interface ServeOptions {
  port: number;
  appId: string;
  masterKey: string;
  /** The origins (`http://localhost:5173`) whose pages may use the server; none by default. */
  allowedOrigins?: readonly string[];
  /** The time limit of each request, in ms. */
  timeoutMs: number;
  /** The largest request body, in bytes (Parse Server's default maxUploadSize unless given). */
  maxBodyBytes?: number;
  /** Called before each request (e.g. to reload the database when another process changed it). */
  beforeRequest?: () => void;
  /** Called when a request has been answered, just before the answer is sent (e.g. to save what it wrote). */
  afterRequest?: () => void;
  /** Answers the requests under /functions/ and /auth-collections/ (the CocoBASE routes), after the guard and the body limit. */
  functions?: (req: http.IncomingMessage, url: URL, raw: Buffer) => Promise<ParseResponse>;
}

const mount = '/parse/';

/** Starts the server; resolves once it listens, with the bound port. */
export function startParseServer(app: ParseApp, options: ServeOptions): Promise<{ server: http.Server; port: number }> {
  const allowed = new Set(options.allowedOrigins ?? []);
  let port = options.port;
  const server = http.createServer((req, res) => {
    const verdict = checkRequest(req, port, allowed);
    if ('error' in verdict) {
      refuse(req, res, { status: verdict.status, body: { error: verdict.error } });
      return;
    }
    const cors = corsHeaders(verdict.origin);
    if ((req.method ?? '').toUpperCase() === 'OPTIONS') {
      res.writeHead(204, verdict.origin ? preflightHeaders(req, verdict.origin) : { Allow: 'GET,PUT,POST,DELETE,OPTIONS' });
      res.end();
      return;
    }
    readBody(req, options.maxBodyBytes ?? maxBodyBytes).then((raw) => {
      if (raw === undefined) {
        send(res, tooLarge, cors);
        return;
      }
      const functionsUrl = options.functions && functionUrl(req);
      if (functionsUrl) {
        options.functions!(req, functionsUrl, raw).then(
          (response) => send(res, response, cors),
          (error: unknown) => send(res, internalFailure(error), cors),
        );
        return;
      }
      // afterRequest (saving what the request wrote) runs before the answer: an acknowledged write is durable.
      answerWithin(() => answer(app, options, req, raw), options.timeoutMs).then(
        (response) => { options.afterRequest?.(); send(res, response, cors); },
        (error: unknown) => { options.afterRequest?.(); send(res, { status: 500, body: { code: ParseCode.internalServerError, message: String(error) } }, cors); },
      );
    }, () => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  // A client that sends its headers or body slowly does not hold a socket for ever.
  server.headersTimeout = 30_000;
  server.requestTimeout = Math.max(60_000, options.timeoutMs * 2);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve({ server, port });
    });
  });
}

/** The URL of a request under /functions/ or /auth-collections/, or undefined. */
function functionUrl(req: http.IncomingMessage): URL | undefined {
  if (![functionsMount, authMount].some((mount) => (req.url ?? '').startsWith(mount))) return undefined;
  try {
    return new URL(req.url!, 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

function send(res: http.ServerResponse, response: ParseResponse, cors: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const isText = typeof response.body === 'string';
  const isBytes = Buffer.isBuffer(response.body);
  const payload = isBytes ? response.body as Buffer : isText ? String(response.body) : JSON.stringify(response.body ?? {});
  res.writeHead(response.status, {
    ...cors,
    'Content-Type': isBytes ? 'application/octet-stream' : isText ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...(response.headers ?? {}),
  });
  res.end(payload);
}

/** Answers a request that is refused before its body is read: the body is read and dropped. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, response: ParseResponse): void {
  req.resume();
  send(res, response, {});
}

async function answer(app: ParseApp, options: ServeOptions, req: http.IncomingMessage, raw: Buffer): Promise<ParseResponse> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return { status: 400, body: { error: 'malformed request URL' } };
  }
  let method = (req.method ?? 'GET').toUpperCase();
  if (!url.pathname.startsWith(mount)) return { status: 404, body: `Cannot ${method} ${url.pathname}` };
  const path = url.pathname.slice(mount.length);
  // A file upload's body is the file (the JS SDK sends JSON with `base64` instead).
  const upload = method === 'POST' && path.startsWith('files/') ? rawUpload(raw, header(req, 'content-type') ?? '') : undefined;
  const decoded = upload ? { value: {} } : decodeBody(raw, header(req, 'content-type') ?? '');
  if ('refused' in decoded) return decoded.refused;
  const body = decoded.value;
  // The JavaScript SDK sends every request as a POST with its keys and real method in the body.
  const meta = (key: string): string | undefined => (typeof body[key] === 'string' ? body[key] as string : undefined);
  if (meta('_method')) method = meta('_method')!.toUpperCase();
  const basic = basicAuth(header(req, 'authorization'));
  const appId = header(req, 'x-parse-application-id') ?? meta('_ApplicationId') ?? basic?.appId;
  const masterKey = header(req, 'x-parse-master-key') ?? meta('_MasterKey') ?? basic?.masterKey;
  const sessionToken = header(req, 'x-parse-session-token') ?? meta('_SessionToken');
  const installationId = header(req, 'x-parse-installation-id') ?? meta('_InstallationId');
  // The context: the X-Parse-Cloud-Context header, then the SDK's `_context` (an object, or JSON text) over
  // it; either must be a JSON object (400 with 107 otherwise), as on Parse Server. Like Parse Server, the
  // body's `_context` is read only when the application id is not in a header (the JS SDK's requests).
  let context: Record<string, unknown> | undefined;
  const contextHeader = header(req, 'x-parse-cloud-context');
  const keysInBody = (header(req, 'x-parse-application-id') ?? basic?.appId) !== options.appId;
  for (const given of [contextHeader, keysInBody ? body._context : undefined]) {
    if (given === undefined || given === null || given === '' || given === false) continue;
    if (typeof given === 'object' && !Array.isArray(given)) { context = given as Record<string, unknown>; continue; }
    const decodedContext = typeof given === 'string' ? decodeJsonObject(given, 'Invalid object for context.', true) : undefined;
    if (!decodedContext) return { status: 400, body: { code: ParseCode.invalidJson, error: 'Invalid object for context.' } };
    if ('refused' in decodedContext) return decodedContext.refused;
    context = decodedContext.value;
  }
  for (const key of Object.keys(body)) if (key.startsWith('_') && /^_[A-Z]|^_method$|^_context$/.test(key)) delete body[key];
  // /health answers without keys, as on Parse Server; a file is served by the app id in its URL.
  const open = method === 'GET' && (path === 'health' || path.startsWith('files/'));
  if (appId !== options.appId && !open) return { status: 403, body: { error: 'unauthorized' } };
  if (method === 'GET' || method === 'DELETE') {
    for (const [key, value] of url.searchParams) body[key] = value;
  }
  options.beforeRequest?.();
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
  return app.handle({
    method, path, body, upload, master: masterKey === options.masterKey,
    sessionToken, installationId, context, headers, ip: req.socket.remoteAddress ?? '127.0.0.1',
  });
}

/** Keys given as HTTP Basic auth: `appId:masterKey` (or `appId:javascript-key=…`, which gives no master key). */
function basicAuth(authorization: string | undefined): { appId: string; masterKey?: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const [appId, ...rest] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':');
  const key = rest.join(':');
  return { appId: appId!, masterKey: key && !key.includes('=') ? key : undefined };
}

/** A file upload's bytes and type, unless the body is the JS SDK's JSON (`{"base64": …}`). */
function rawUpload(raw: Buffer, contentType: string): { bytes: Buffer; contentType: string } | undefined {
  try {
    const decoded = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (decoded && typeof decoded === 'object' && (typeof decoded.base64 === 'string' || typeof decoded._ApplicationId === 'string')) return undefined;
  } catch {
    // Not JSON: the file itself.
  }
  return { bytes: raw, contentType };
}
