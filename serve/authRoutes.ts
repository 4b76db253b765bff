// `cloudfn serve`'s CocoBASE app-user routes, as the platform and its SDKs name them: POST
// /auth-collections/signup and /login (answered `{access_token, token_type, user}`), GET and PATCH (or PUT)
// /auth-collections/user for the bearer token's user, GET and DELETE /auth-collections/users/{id}. Errors are
// answered `{"detail": "..."}` with the platform's statuses (400, 401, 404, 409); a sign-up or login refused by
// its pre_* hook is a 403 with the hook's reason. The auth hooks themselves run in AppUserAuth.

import type http from 'node:http';
import type { ParseResponse } from '../runtime/parse/rest';
import type { AppUserAuth, AuthAnswer, UserChanges } from '../runtime/cocobase/triggers/appUsers';
import { isObject } from '../runtime/jsonValues';
import { parseUserJson } from '../runtime/jsonLimits';

export const authMount = '/auth-collections/';

const problem = (status: number, detail: string): ParseResponse => ({ status, body: { detail } });

const answer = <T>(outcome: AuthAnswer<T>): ParseResponse =>
  (outcome.ok ? { status: 200, body: outcome.value as unknown as Record<string, unknown> } : problem(outcome.status, outcome.detail));

/** The JSON object body of a request, or the answer refusing it. */
function objectBody(raw: Buffer): { body: Record<string, unknown> } | { refused: ParseResponse } {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { body: {} };
  const decoded = parseUserJson(text);
  if ('invalid' in decoded) return { refused: problem(400, 'the request body is not valid JSON (multipart bodies are not taken locally)') };
  if (decoded.tooDeep) return { refused: problem(400, 'the request body is too deeply nested') };
  return isObject(decoded.value) ? { body: decoded.value } : { refused: problem(400, 'the request body must be a JSON object') };
}

/**
 * A body's profile fields: its `data` object (the SDKs' shape) over any other top-level keys (the REST docs'
 * shape, `{"email", "password", "name": ...}`); undefined when `data` is given but is not an object.
 */
function profileData(body: Record<string, unknown>, reserved: readonly string[]): Record<string, unknown> | undefined {
  if (body.data !== undefined && body.data !== null && !isObject(body.data)) return undefined;
  const rest = Object.fromEntries(Object.entries(body).filter(([key]) => !reserved.includes(key) && key !== 'data'));
  return { ...rest, ...(isObject(body.data) ? body.data : {}) };
}

/** Answers a request under /auth-collections/. */
export async function answerAuth(auth: AppUserAuth, req: http.IncomingMessage, url: URL, raw: Buffer): Promise<ParseResponse> {
  const method = (req.method ?? 'GET').toUpperCase();
  const route = url.pathname.slice(authMount.length).replace(/\/$/, '');
  const allow = (methods: string[]): ParseResponse | undefined => (methods.includes(method) ? undefined
    : { ...problem(405, `Method Not Allowed: ${route} answers ${methods.join(', ')}`), headers: { Allow: methods.join(', ') } });
  const decoded = method === 'GET' || method === 'DELETE' ? { body: {} } : objectBody(raw);
  if ('refused' in decoded) return decoded.refused;
  const { body } = decoded;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''))?.[1];

  if (route === 'signup') {
    const data = profileData(body, ['email', 'password']);
    return allow(['POST']) ?? (data ? answer(await auth.register(body.email, body.password, data)) : problem(400, '"data" must be a JSON object'));
  }
  if (route === 'login') return allow(['POST']) ?? answer(await auth.login(body.email, body.password));
  if (route === 'user') {
    const refused = allow(['GET', 'PATCH', 'PUT']);
    if (refused) return refused;
    const user = bearer ? auth.userForToken(bearer) : undefined;
    if (!user) return problem(401, 'Not authenticated: send "Authorization: Bearer <token>" with a token from signup, login or `cloudfn token issue`');
    if (method === 'GET') return { status: 200, body: user as unknown as Record<string, unknown> };
    const data = profileData(body, ['email', 'password', 'override']);
    if (!data) return problem(400, '"data" must be a JSON object');
    if (body.email !== undefined && typeof body.email !== 'string') return problem(400, '"email" must be a string');
    if (body.password !== undefined && typeof body.password !== 'string') return problem(400, '"password" must be a string');
    const changes: UserChanges = {
      ...(Object.keys(data).length || body.override === true ? { data } : {}),
      ...(body.email !== undefined ? { email: body.email as string } : {}),
      ...(body.password !== undefined ? { password: body.password as string } : {}),
      ...(body.override === true ? { override: true } : {}),
    };
    return answer(await auth.update(user.id, changes));
  }
  const byId = /^users\/([^/]+)$/.exec(route);
  if (byId) {
    const refused = allow(['GET', 'DELETE']);
    if (refused) return refused;
    let id: string;
    try {
      id = decodeURIComponent(byId[1]!);
    } catch {
      return problem(400, `malformed user id in ${url.pathname}`);
    }
    if (method === 'DELETE') return answer(await auth.delete(id));
    const user = auth.user(id);
    return user ? { status: 200, body: user as unknown as Record<string, unknown> } : problem(404, 'User not found');
  }
  return problem(404, `Not Found: ${url.pathname} (local routes: /auth-collections/signup, /login, /user, /users/{id})`);
}
