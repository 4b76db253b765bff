// The request a run sends, built the same way by every client (the CLI and the editor): the client's
// default headers first, the user's (lower-cased) headers over them, the time it was received.

import type { RequestSpec } from './run';

export interface RequestParts {
  payload: Record<string, unknown>;
  query: Record<string, string>;
  headers: Record<string, string>;
  method: string;
}

export function buildRequest(parts: RequestParts, userAgent: string, now: Date = new Date()): RequestSpec {
  const headers = Object.fromEntries(Object.entries(parts.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    payload: parts.payload,
    query: parts.query,
    headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...headers },
    method: parts.method.toUpperCase(),
    timestamp: now.toISOString(),
  };
}
