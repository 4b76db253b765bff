// `cloudfn serve`'s CocoBASE routes (spec §1): the project's functions at `/functions/{project_id}/func/{name}`
// and `/functions/{name}/execute`, GET and POST, answered with CocoBASE's envelope `{success, result, output,
// error, execution_time}` (the result spliced in as the exact JSON text Python wrote), a `(body, status)`
// tuple's status, 500 for an exception, 504 for a time-out, and an HTML result as text/html. A bearer token
// signs in the app user it was issued for. httpServer.ts calls this after its Host/Origin guard and body limit.

import type http from 'node:http';
import { parseUserJson } from '../runtime/jsonLimits';
import type { ParseResponse } from '../runtime/parse/rest';
import type { RunResult } from '../runtime/cocobase/run';
import { parseFunctionPath } from '../runtime/cocobase/triggers/functions';
import type { TriggerRunner } from '../runtime/cocobase/triggers/runner';
import type { TriggersProject } from '../runtime/cocobase/triggers/projectConfig';
import { UsageError } from '../runtime/usageError';
import { isObject } from '../runtime/jsonValues';

export const functionsMount = '/functions/';

const jsonType = { 'Content-Type': 'application/json; charset=utf-8' };

/** The envelope's JSON text; `resultJson` is spliced in as it is. */
function envelope(status: number, fields: { success: boolean; resultJson: string; output: string; error: string | null; ms: number }): ParseResponse {
  const text = `{"success": ${fields.success}, "result": ${fields.resultJson}, "output": ${JSON.stringify(fields.output)}, `
    + `"error": ${JSON.stringify(fields.error)}, "execution_time": ${fields.ms}}`;
  return { status, body: text, headers: jsonType };
}

const refusal = (status: number, error: string): ParseResponse => envelope(status, { success: false, resultJson: 'null', output: '', error, ms: 0 });

/** The answer when answering a function request failed inside cloudfn itself: the envelope, with status 500. */
export function internalFailure(error: unknown): ParseResponse {
  return refusal(500, `RuntimeError: ${String(error)}`);
}

/** The HTTP answer of a run. */
export function runResponse(result: RunResult): ParseResponse {
  // A returned render.render_html()/render_template(): its text as the answer, with its status, no envelope.
  if (result.success && result.content_type && typeof result.result === 'string') {
    return { status: result.status_code ?? 200, body: result.result, headers: { 'Content-Type': result.content_type } };
  }
  const status = result.success ? result.status_code ?? 200 : result.error_type === 'TimeoutError' ? 504 : 500;
  return envelope(status, { success: result.success, resultJson: result.result_json, output: result.output, error: result.error, ms: result.execution_time });
}

/** The payload of a request (spec §1): a GET's query, a POST's object body (its `payload` key unwrapped). */
function requestPayload(method: string, query: Record<string, string>, raw: Buffer): { payload: Record<string, unknown> } | { refused: ParseResponse } {
  if (method === 'GET') return { payload: { ...query } };
  const text = raw.toString('utf8');
  if (text.trim() === '') return { payload: {} };
  const decoded = parseUserJson(text);
  if ('invalid' in decoded) return { refused: refusal(400, 'ValueError: the request body is not valid JSON') };
  if (decoded.tooDeep) return { refused: refusal(400, `ValueError: the request body is too deeply nested (${decoded.tooDeep})`) };
  const body = decoded.value;
  if (!isObject(body)) return { refused: refusal(400, 'ValueError: the request body must be a JSON object') };
  if (!('payload' in body)) return { payload: body };
  if (!isObject(body.payload)) return { refused: refusal(400, 'ValueError: "payload" must be a JSON object') };
  return { payload: body.payload };
}

/** Answers a request under /functions/. */
export async function answerFunction(runner: TriggerRunner, project: TriggersProject, req: http.IncomingMessage, url: URL,
  raw: Buffer): Promise<ParseResponse> {
  const method = (req.method ?? 'GET').toUpperCase();
  const target = parseFunctionPath(url.pathname);
  if (!target) return refusal(404, `NotFound: ${url.pathname} is not a function URL (/functions/{project_id}/func/{name} or /functions/{name}/execute)`);
  if (target.projectId !== undefined && target.projectId !== project.projectId) {
    return refusal(404, `NotFound: no project '${target.projectId}' here (this project is '${project.projectId}')`);
  }
  const code = runner.load(target.name);
  if (!code) return refusal(404, `NotFound: no function '${target.name}' (${target.name}.py in ${project.root})`);
  if (method !== 'GET' && method !== 'POST') return { ...refusal(405, `MethodNotAllowed: functions answer GET and POST, not ${method}`), headers: { ...jsonType, Allow: 'GET, POST' } };
  const query = Object.fromEntries(url.searchParams);
  const decoded = requestPayload(method, query, raw);
  if ('refused' in decoded) return decoded.refused;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  const user = bearer ? runner.userForToken(bearer) : null;
  try {
    const { result } = await runner.execute(code, { payload: decoded.payload, query, headers, method, user },
      { by: 'http', detail: `${method} ${url.pathname}` });
    return runResponse(result);
  } catch (error) {
    if (error instanceof UsageError) return refusal(500, `RuntimeError: ${error.message}`);
    throw error;
  }
}
