// Who may talk to `cloudfn serve`: the checks that keep a web page the developer happens to visit from using
// the local server (a drive-by request, DNS rebinding) while curl, the Parse SDKs in Node and a front end
// the developer allowed keep working.
// - The Host header must name this server: `localhost`, a 127.x.y.z address or `[::1]`, with the bound port.
//   A page on evil.example whose name was re-pointed to 127.0.0.1 sends `Host: evil.example:1337`.
// - A request with an Origin header (every cross-origin fetch/XHR and form POST a browser sends) is taken only
//   from an origin given with `--allow-origin`; a request without one but marked by the browser as cross-site
//   or same-site (`Sec-Fetch-Site`: an image, a link) is refused too. Clients that are not browsers send
//   neither header. So a page's text/plain POST carrying the SDK's `_ApplicationId`/`_MasterKey` in its body
//   is refused before its body is read.
// - CORS headers name the allowed origin that asked, never `*`; a preflight is answered for allowed origins only.

import type http from 'node:http';

/** A refusal: the HTTP status and the reason (sent as Parse's `{"error"}`). */
export interface Refusal {
  status: number;
  error: string;
}

/**
 * The origin an `--allow-origin` value stands for: `http://localhost:5173` (scheme, host and port; no path),
 * or a bare port `5173`, which allows both http://localhost:5173 and http://127.0.0.1:5173. Throws an Error
 * with the reason for anything else (`*` included).
 */
export function allowedOrigins(value: string): string[] {
  const text = value.trim();
  if (/^\d{1,5}$/.test(text) && Number(text) > 0 && Number(text) <= 65535) return [`http://localhost:${text}`, `http://127.0.0.1:${text}`];
  if (text === '*') throw new Error('"*" would let every web page use the server; name the front end\'s origin, e.g. http://localhost:5173');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`'${value}' is not an origin such as http://localhost:5173 (or a port: 5173)`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new Error(`'${value}' is not an origin such as http://localhost:5173 (scheme, host and port only)`);
  }
  return [url.origin];
}

/** A request header's (first) value. */
export const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Whether a Host header names this server on `port`: localhost, 127.x.y.z or [::1]. */
export function isLoopbackHost(host: string, port: number): boolean {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!match) return false;
  const [, name, portText] = match;
  if ((portText === undefined ? 80 : Number(portText)) !== port) return false;
  if (name === 'localhost' || name === '[::1]') return true;
  const octets = name!.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** The origin of a request that may use the server (undefined for a client that sent none), or its refusal. */
export function checkRequest(req: http.IncomingMessage, port: number, allowed: ReadonlySet<string>): { origin?: string } | Refusal {
  const host = header(req, 'host');
  if (host !== undefined && !isLoopbackHost(host, port)) {
    return { status: 403, error: `unauthorized: Host '${host}' is not this server (localhost, 127.0.0.1 or [::1] on port ${port})` };
  }
  const origin = header(req, 'origin');
  if (origin === undefined) {
    const site = header(req, 'sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') return { status: 403, error: 'unauthorized: a cross-site browser request without an Origin' };
    return {};
  }
  let normalized: string | undefined;
  try {
    normalized = origin === 'null' ? undefined : new URL(origin).origin;
  } catch {
    normalized = undefined;
  }
  if (normalized === undefined || !allowed.has(normalized)) {
    return { status: 403, error: `unauthorized: origin ${origin} is not allowed (start serve with --allow-origin ${normalized ?? 'URL'} to allow it)` };
  }
  return { origin: normalized };
}

const allowHeaders = 'X-Parse-Master-Key, X-Parse-REST-API-Key, X-Parse-Javascript-Key, X-Parse-Application-Id, X-Parse-Client-Version, X-Parse-Session-Token, X-Requested-With, X-Parse-Revocable-Session, X-Parse-Request-Id, Content-Type, Pragma, Cache-Control, X-Parse-Installation-Id, X-Parse-Cloud-Context, Authorization, X-API-Key';

/**
 * The CORS headers of an answer: Access-Control-Allow-Origin for an allowed `origin` only. The exposed
 * headers are listed in every answer, since the Parse SDK reads X-Parse-Job-Status-Id only when it is listed
 * there, in Node too (they grant a page nothing without Access-Control-Allow-Origin).
 */
export function corsHeaders(origin: string | undefined): Record<string, string> {
  const expose = { 'Access-Control-Expose-Headers': 'X-Parse-Job-Status-Id, X-Parse-Push-Status-Id' };
  return origin === undefined ? expose : { ...expose, 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** The headers of a preflight answer to an allowed `origin`. */
export function preflightHeaders(req: http.IncomingMessage, origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'Access-Control-Allow-Methods': 'GET,PUT,POST,DELETE,OPTIONS',
    'Access-Control-Allow-Headers': allowHeaders,
    'Access-Control-Max-Age': '600',
    // Chrome asks before a public page reaches a local server; the origin was allowed by the developer.
    ...(header(req, 'access-control-request-private-network') === 'true' ? { 'Access-Control-Allow-Private-Network': 'true' } : {}),
  };
}
