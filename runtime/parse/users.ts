// Users and sessions (as Parse Server's UsersRouter and SessionsRouter): signup (a `_User` save that opens a
// session; `authData` alone, such as anonymous, logs in the user it names or signs up a new one, without
// calling any provider), login with beforeLogin/afterLogin, logout with afterLogout, `users/me`,
// `verifyPassword` and `sessions/me`. Passwords are checked against their scrypt hash, or the bcrypt hash of a
// user that came from Parse Server.

import { verifyPassword } from '../store/passwords';
import { isBcryptHash, verifyBcrypt } from './bcrypt';
import { authOf, createSession } from './auth';
import { baseRequest, inflate } from './cloudRequests';
import type { AppContext } from './context';
import { ParseCode, ParseFailure } from './errors';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { maybeRunTrigger } from './triggers';
import { isObject, publicView, type ParseRecord } from './values';
import { getObject } from './read';
import { saveObject } from './write';

const invalidLogin = (): ParseFailure => new ParseFailure(ParseCode.objectNotFound, 'Invalid username/password.');

/** A user as its own login answers it: the public fields (never the password hash), and its session token. */
function userView(user: ParseRecord, sessionToken?: string): Json {
  const view = publicView(user);
  return sessionToken ? { ...view, sessionToken } : view;
}

/** The user named by `username` (or `email`) whose password is `password`; 101 otherwise. */
function checkCredentials(ctx: AppContext, body: Json): ParseRecord {
  const { username, email, password } = body;
  if ((typeof username !== 'string' || !username) && (typeof email !== 'string' || !email)) throw new ParseFailure(ParseCode.usernameMissing, 'username/email is required.');
  if (typeof password !== 'string' || !password) throw new ParseFailure(ParseCode.passwordMissing, 'password is required.');
  const user = ctx.classes.findRecords('_User', typeof username === 'string' && username ? { username } : { email: email as string })[0];
  const hash = user?._hashed_password;
  if (!user || typeof hash !== 'string' || !(isBcryptHash(hash) ? verifyBcrypt(hash, password) : verifyPassword(hash, password))) throw invalidLogin();
  return user;
}

/** Logs `user` in: beforeLogin may refuse, a session is opened, afterLogin runs; answers the user with its token. */
async function logIn(ctx: AppContext, request: ParseRequest, user: ParseRecord, createdWith: Json, status = 200): Promise<ParseResponse> {
  const base = baseRequest(ctx, request);
  await maybeRunTrigger(ctx, 'beforeLogin', { className: '_User', record: user }, base);
  const session = createSession(ctx.classes, user.objectId, createdWith, request.installationId);
  const body = userView(user, session.sessionToken as string);
  if (createdWith.authProvider !== 'password') body.authDataResponse = {};
  // afterLogin's request.user is the user now logged in, with its new session (as on Parse Server).
  const loggedIn = inflate(ctx, '_User', user);
  loggedIn._finishFetch({ sessionToken: session.sessionToken });
  await maybeRunTrigger(ctx, 'afterLogin', { className: '_User', record: user }, { ...base, user: loggedIn });
  return { status, body };
}

/**
 * The user as it may read itself: Parse Server 9.10 answers a login and a password check with the user read
 * again as that user (with the master key, as the master key), so that `_User`'s CLPs, protected fields and
 * find triggers apply; when that read is refused, only the objectId is answered.
 */
async function asItselfSees(ctx: AppContext, request: ParseRequest, user: ParseRecord): Promise<Json> {
  if (request.master) return userView(user);
  try {
    return (await getObject(ctx, '_User', user.objectId, { ...request, body: {}, sessionToken: undefined, userId: user.objectId })).body as Json;
  } catch {
    return { objectId: user.objectId };
  }
}

/** GET or POST login. */
export async function login(ctx: AppContext, request: ParseRequest): Promise<ParseResponse> {
  const user = checkCredentials(ctx, request.body);
  // A session token sent with a login is ignored (Parse Server's middleware drops it for /login): the login
  // triggers get no request.user but the one logging in.
  const loginRequest = { ...request, sessionToken: undefined };
  const response = await logIn(ctx, loginRequest, user, { action: 'login', authProvider: 'password' });
  return { ...response, body: { ...await asItselfSees(ctx, loginRequest, user), sessionToken: (response.body as Json).sessionToken } };
}

/**
 * POST loginAs (master key): a session for the user `userId` names, without its password and without the
 * login triggers, as Parse Server's handleLogInAs.
 */
export function loginAs(ctx: AppContext, request: ParseRequest): ParseResponse {
  if (!authOf(ctx.classes, request).master) throw new ParseFailure(ParseCode.operationForbidden, 'Permission denied');
  const userId = request.body.userId;
  if (typeof userId !== 'string' || !userId) throw new ParseFailure(ParseCode.invalidValue, 'userId must not be empty, null, or undefined');
  const user = ctx.classes.get('_User', userId);
  if (!user) throw new ParseFailure(ParseCode.objectNotFound, 'user not found');
  const session = createSession(ctx.classes, userId, { action: 'login', authProvider: 'masterkey' }, request.installationId);
  return { status: 200, body: userView(user, session.sessionToken as string) };
}

/** GET verifyPassword: the user, without a session. */
export async function checkPassword(ctx: AppContext, request: ParseRequest): Promise<ParseResponse> {
  return { status: 200, body: await asItselfSees(ctx, request, checkCredentials(ctx, request.body)) };
}

/** POST users: a signup, or a login by authData when a user already has the same provider id. */
export async function signUp(ctx: AppContext, request: ParseRequest): Promise<ParseResponse> {
  const authData = request.body.authData;
  if (isObject(authData)) {
    for (const [provider, data] of Object.entries(authData)) {
      const id = isObject(data) ? data.id : undefined;
      if (typeof id !== 'string') continue;
      const existing = ctx.classes.all('_User').find((user) => {
        const stored = isObject(user.authData) ? user.authData[provider] : undefined;
        return isObject(stored) && stored.id === id;
      });
      if (existing) return logIn(ctx, request, existing, { action: 'login', authProvider: provider });
    }
  }
  const response = await saveObject(ctx, '_User', undefined, request);
  if (isObject(authData) && isObject(response.body) && request.body.username === undefined) {
    const saved = ctx.classes.get('_User', (response.body as Json).objectId as string);
    return { ...response, body: { ...(response.body as Json), username: saved?.username, authDataResponse: {} } };
  }
  return response;
}

/** The session a request's token names; 209 "Permission denied" without a token (Parse Server's answer). */
function requireSession(ctx: AppContext, request: ParseRequest): { user: ParseRecord; session: ParseRecord } {
  if (!request.sessionToken) throw new ParseFailure(ParseCode.invalidSessionToken, 'Permission denied');
  const auth = authOf(ctx.classes, request);
  if (!auth.user || !auth.session) throw new ParseFailure(ParseCode.invalidSessionToken, 'Invalid session token');
  return { user: auth.user, session: auth.session };
}

/** GET users/me: the session's user as the request may read it (a refused read fails), with its token. */
export async function currentUser(ctx: AppContext, request: ParseRequest): Promise<ParseResponse> {
  const { user, session } = requireSession(ctx, request);
  const { body } = await getObject(ctx, '_User', user.objectId, { ...request, body: {} });
  return { status: 200, body: { ...body as Json, sessionToken: session.sessionToken } };
}

/** GET users/ID: the user; the request's own user comes with the request's session token (as Parse Server answers). */
export async function getUser(ctx: AppContext, objectId: string, request: ParseRequest): Promise<ParseResponse> {
  const response = await getObject(ctx, '_User', objectId, request);
  const auth = authOf(ctx.classes, request);
  if (request.sessionToken && auth.user?.objectId === objectId && isObject(response.body)) return { ...response, body: { ...response.body, sessionToken: request.sessionToken } };
  return response;
}

/** GET sessions/me: the session object. */
export function currentSession(ctx: AppContext, request: ParseRequest): ParseResponse {
  const { session } = requireSession(ctx, request);
  return { status: 200, body: publicView(session) };
}

/** POST logout: ends the session (afterLogout sees it); without a valid token there is nothing to end. */
export async function logout(ctx: AppContext, request: ParseRequest): Promise<ParseResponse> {
  if (!request.sessionToken) return { status: 200, body: {} };
  const { session } = requireSession(ctx, request);
  ctx.classes.remove('_Session', session.objectId);
  if (ctx.registry.trigger('afterLogout', '_Session')) {
    await maybeRunTrigger(ctx, 'afterLogout', { className: '_Session', record: session }, { ...baseRequest(ctx, { ...request, sessionToken: undefined }), user: inflate(ctx, '_User', requireUserOf(ctx, session)) });
  }
  return { status: 200, body: {} };
}

function requireUserOf(ctx: AppContext, session: ParseRecord): Json {
  const id = (session.user as { objectId?: string } | undefined)?.objectId;
  return (id && ctx.classes.get('_User', id)) || {};
}
