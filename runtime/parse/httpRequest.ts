// Parse.Cloud.httpRequest as the seed documents it (removed from Parse Server in 6.0): url, params (object or
// string), headers, method, body (form-encoded unless Content-Type says JSON; strings and Buffers as they
// are), followRedirects, legacy success/error callbacks; a promise resolved on 2xx (and an unfollowed 3xx) and
// rejected otherwise, with {status, headers, buffer, text, data, cookies}.

import http from 'node:http';
import querystring from 'node:querystring';

 
export interface HttpRequestOptions {
  url: string;
  method?: string;
  params?: string | Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
  followRedirects?: boolean;
  success?: (response: HttpResponse) => void;
  error?: (response: HttpResponse) => void;
}

/** A cookie of the response, as Parse.Cloud.Cookie had it. */
export interface Cookie {
  name: string;
  value: string;
  expires?: Date;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
}

export class HttpResponse {
  constructor(readonly status: number, readonly headers: Record<string, string | string[] | undefined>, readonly buffer: Buffer) {}

  get text(): string {
    return this.buffer.toString('utf8');
  }

  /** The body parsed as JSON, or undefined when it is not JSON. */
  get data(): unknown {
    try {
      return JSON.parse(this.text);
    } catch {
      return undefined;
    }
  }

  get cookies(): Record<string, Cookie> | undefined {
    const setCookie = this.headers['set-cookie'];
    if (!setCookie) return undefined;
    const cookies: Record<string, Cookie> = {};
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const cookie: Cookie = { name: pair!.slice(0, eq), value: pair!.slice(eq + 1) };
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.split('=');
        const value = rest.join('=');
        switch (key!.toLowerCase()) {
          case 'expires': cookie.expires = new Date(value); break;
          case 'path': cookie.path = value; break;
          case 'domain': cookie.domain = value; break;
          case 'secure': cookie.secure = true; break;
          case 'httponly': cookie.httpOnly = true; break;
        }
      }
      cookies[cookie.name] = cookie;
    }
    return cookies;
  }
}

const maxRedirects = 10;

function encodeBody(body: unknown, headers: Record<string, string>): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  const typeKey = Object.keys(headers).find((key) => key.toLowerCase() === 'content-type');
  const contentType = typeKey ? headers[typeKey]! : '';
  if (/json/i.test(contentType)) return Buffer.from(JSON.stringify(body));
  if (!typeKey) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return Buffer.from(querystring.stringify(body as querystring.ParsedUrlQueryInput));
}

function withParams(url: string, params: HttpRequestOptions['params']): string {
  if (params === undefined || params === null) return url;
  const query = typeof params === 'string' ? encodeURI(params) : querystring.stringify(params as querystring.ParsedUrlQueryInput);
  if (!query) return url;
  return url + (url.includes('?') ? '&' : '?') + query;
}

function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined): Promise<HttpResponse & { location?: string }> {
  // node:https (and TLS) is loaded on the first https call, not at start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const client = url.protocol === 'https:' ? (require('node:https') as typeof import('node:https')) : url.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(new Error(`Parse.Cloud.httpRequest: unsupported protocol ${url.protocol}`));
  const allHeaders = body ? { 'Content-Length': String(body.length), ...headers } : headers;
  // CLOUDFN_HTTP_PROXY (http://host:port) sends plain-HTTP requests through a proxy: tests use it to answer the
  // seed's examples (www.parse.com, www.example.com) from a local server, offline.
  const proxy = url.protocol === 'http:' && process.env.CLOUDFN_HTTP_PROXY ? new URL(process.env.CLOUDFN_HTTP_PROXY) : undefined;
  const target: http.RequestOptions = proxy
    ? { host: proxy.hostname, port: proxy.port || 80, path: url.href, method, headers: { Host: url.host, ...allHeaders } }
    : { protocol: url.protocol, host: url.hostname, port: url.port || undefined, path: url.pathname + url.search, method, headers: allHeaders };
  return new Promise((resolve, reject) => {
    const request = client.request(target, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => resolve(new HttpResponse(response.statusCode ?? 0, response.headers, Buffer.concat(chunks))));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Parse.Cloud.httpRequest(options). */
export async function httpRequest(options: HttpRequestOptions): Promise<HttpResponse> {
  const run = async (): Promise<HttpResponse> => {
    if (!options || typeof options.url !== 'string') throw new TypeError('Parse.Cloud.httpRequest: options.url is required');
    let method = (options.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body = encodeBody(options.body, headers);
    let url = new URL(withParams(options.url, options.params));
    for (let redirects = 0; ; redirects++) {
      const response = await send(url, method, headers, body);
      const location = response.headers.location;
      if (options.followRedirects && response.status >= 300 && response.status < 400 && typeof location === 'string' && redirects < maxRedirects) {
        url = new URL(location, url);
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          for (const key of Object.keys(headers)) if (/^content-(type|length)$/i.test(key)) delete headers[key];
        }
        continue;
      }
      if (response.status < 200 || response.status >= 400) throw response;
      return response;
    }
  };
  return run().then(
    (response) => { options.success?.(response); return response; },
    (error) => {
      if (options.error) { options.error(error); return error as HttpResponse; }
      throw error;
    });
}
