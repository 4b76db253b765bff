// Routing of the REST emulation: routes are data (method, path pattern, handler), as Parse Server's routers
// mount them. A pattern's segments are literals, `:name` (one non-empty segment, URL-decoded, passed to the
// handler) or a final `*` (any further segments). A request no route takes answers 404 with Express's text.

import { HttpFailure } from './errors';
import type { ParseRequest, ParseResponse } from './rest';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: RouteMethod;
  /** Under the mount: `classes/:className/:objectId`. */
  path: string;
  handler: (request: ParseRequest, params: Record<string, string>) => ParseResponse | Promise<ParseResponse>;
}

export class Router {
  private readonly routes: { route: Route; pattern: string[] }[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => ({ route, pattern: route.path.split('/') }));
  }

  /** Answers with the first route that takes the request; throws what the handler throws. */
  route(request: ParseRequest): ParseResponse | Promise<ParseResponse> {
    const segments = request.path.replace(/^\/+|\/+$/g, '').split('/').map(decodeSegment);
    const method = request.method.toUpperCase();
    for (const { route, pattern } of this.routes) {
      if (route.method !== method) continue;
      const params = matchPattern(pattern, segments);
      if (params) return route.handler(request, params);
    }
    return { status: 404, body: `Cannot ${method} /parse/${request.path.replace(/^\/+/, '')}` };
  }
}

/** A path segment URL-decoded; a malformed escape (`%E0%A4%A`) is Express's 400. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpFailure(400, `Failed to decode param '${segment}'`);
  }
}

function matchPattern(pattern: string[], segments: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    if (part === '*' && i === pattern.length - 1) return params;
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if (part.startsWith(':')) {
      if (!segment) return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return segments.length === pattern.length ? params : undefined;
}
