// `cloudfn serve`'s HTTP layer: Parse's REST API on 127.0.0.1 under /parse, as the Parse SDKs and curl speak
// it — keys in X-Parse-* headers or in the SDK's JSON body (`_ApplicationId`, `_MasterKey`, `_method`, ...),
// GET queries in the query string, the app-id check (403 unauthorized), CORS with X-Parse-Job-Status-Id
// exposed — around ParseApp.handle().

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParseApp } from '../runtime/parse/app';
import type { ParseResponse } from '../runtime/parse/rest';
import { ParseCode } from '../runtime/parse/errors';

export interface ServeOptions {
  port: number;
  appId: string;
  masterKey: string;
  /** Called before each request (e.g. to reload the database when another process changed it). */
  beforeRequest?: () => void;
  /** Called when a request has been answered, just before the answer is sent (e.g. to save what it wrote). */
  afterRequest?: () => void;
}

const mount = '/parse/';

const corsHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET,PUT,POST,DELETE,OPTIONS',
  'Access-Control-Allow-Headers': 'X-Parse-Master-Key, X-Parse-REST-API-Key, X-Parse-Javascript-Key, X-Parse-Application-Id, X-Parse-Client-Version, X-Parse-Session-Token, X-Requested-With, X-Parse-Revocable-Session, X-Parse-Request-Id, Content-Type, Pragma, Cache-Control, X-Parse-Installation-Id, X-Parse-Cloud-Context',
  'Access-Control-Expose-Headers': 'X-Parse-Job-Status-Id, X-Parse-Push-Status-Id',
};

/** Starts the server; resolves once it listens, with the bound port. */
export function startParseServer(app: ParseApp, options: ServeOptions): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      // afterRequest (saving what the request wrote) runs before the answer: an acknowledged write is durable.
      answer(app, options, req, Buffer.concat(chunks)).then(
        (response) => { options.afterRequest?.(); send(res, response); },
        (error: unknown) => { options.afterRequest?.(); send(res, { status: 500, body: { code: ParseCode.internalServerError, message: String(error) } }); },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

function send(res: http.ServerResponse, response: ParseResponse): void {
  const isText = typeof response.body === 'string';
  const payload = isText ? String(response.body) : JSON.stringify(response.body ?? {});
  res.writeHead(response.status, {
    ...corsHeaders,
    'Content-Type': isText ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    ...(response.headers ?? {}),
  });
  res.end(payload);
}

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

async function answer(app: ParseApp, options: ServeOptions, req: http.IncomingMessage, raw: Buffer): Promise<ParseResponse> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let method = (req.method ?? 'GET').toUpperCase();
  if (method === 'OPTIONS') return { status: 200, body: '' };
  if (!url.pathname.startsWith(mount)) return { status: 404, body: `Cannot ${method} ${url.pathname}` };
  let body: Record<string, unknown> = {};
  if (raw.length > 0) {
    const contentType = header(req, 'content-type') ?? '';
    try {
      const decoded: unknown = contentType.includes('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(raw.toString('utf8')))
        : JSON.parse(raw.toString('utf8'));
      if (decoded && typeof decoded === 'object' && !Array.isArray(decoded)) body = decoded as Record<string, unknown>;
    } catch {
      return { status: 400, body: { code: ParseCode.invalidJson, error: 'invalid JSON' } };
    }
  }
  // The JavaScript SDK sends every request as a POST with its keys and real method in the body.
  const meta = (key: string): string | undefined => (typeof body[key] === 'string' ? body[key] as string : undefined);
  if (meta('_method')) method = meta('_method')!.toUpperCase();
  const appId = header(req, 'x-parse-application-id') ?? meta('_ApplicationId');
  const masterKey = header(req, 'x-parse-master-key') ?? meta('_MasterKey');
  const sessionToken = header(req, 'x-parse-session-token') ?? meta('_SessionToken');
  const installationId = header(req, 'x-parse-installation-id') ?? meta('_InstallationId');
  let context: Record<string, unknown> | undefined;
  const contextHeader = header(req, 'x-parse-cloud-context');
  if (contextHeader) {
    try {
      context = JSON.parse(contextHeader) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { code: ParseCode.invalidJson, error: 'Invalid object for context.' } };
    }
  } else if (body._context && typeof body._context === 'object') {
    context = body._context as Record<string, unknown>;
  }
  for (const key of Object.keys(body)) if (key.startsWith('_') && /^_[A-Z]|^_method$|^_context$/.test(key)) delete body[key];
  if (appId !== options.appId) return { status: 403, body: { error: 'unauthorized' } };
  if (method === 'GET' || method === 'DELETE') {
    for (const [key, value] of url.searchParams) body[key] = value;
  }
  options.beforeRequest?.();
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key] = value;
  return app.handle({
    method, path: url.pathname.slice(mount.length), body, master: masterKey === options.masterKey,
    sessionToken, installationId, context, headers, ip: req.socket.remoteAddress ?? '127.0.0.1',
  });
}
