// POST batch: each request of `requests` (`{method, path: "/parse/…", body}`) answered through the app in turn,
// with the batch's keys, user and headers; the results in Parse's `{success}` / `{error}` shape.

import type { AppContext } from './context';
import { ParseCode, ParseFailure } from './errors';
import type { Json, ParseRequest, ParseResponse } from './rest';

export async function runBatch(ctx: AppContext, request: ParseRequest): Promise<ParseResponse> {
  const requests = request.body.requests;
  if (!Array.isArray(requests)) throw new ParseFailure(ParseCode.invalidJson, 'requests must be an array');
  const results: unknown[] = [];
  for (const item of requests as Json[]) {
    const itemPath = typeof item.path === 'string' ? item.path : '';
    const match = /^\/(?:parse|1)\/(.*)$/.exec(itemPath);
    if (!match) throw new ParseFailure(ParseCode.invalidJson, `cannot route batch path ${itemPath}`);
    const response = await ctx.handle({
      ...request, method: String(item.method ?? 'GET'), path: match[1]!, body: (item.body as Json | undefined) ?? {},
    });
    results.push(response.status >= 200 && response.status < 300 ? { success: response.body } : { error: response.body });
  }
  return { status: 200, body: results };
}
