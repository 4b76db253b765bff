// Who a request is (as Parse Server's Auth): the master key, or the user of its session token (a `_Session`
// object, checked for expiry) or of the CLI's --user, with the roles that user holds — `_Role` objects whose
// `users` relation holds the user, and, through each role's `roles` relation, the roles that inherit from
// them. ACLs are read against it: `*`, the user's objectId and `role:NAME` entries.

import { randomBytes } from 'node:crypto';
import type { ParseClasses } from './classes';
import { ParseCode, ParseFailure } from './errors';
import type { Json, ParseRequest } from './rest';
import { owningIds } from './relations';
import { isObject, type ParseRecord } from './values';

export interface Auth {
  master: boolean;
  /** The user's stored record; undefined when anonymous. */
  user?: ParseRecord;
  /** The `_Session` the session token named. */
  session?: ParseRecord;
  /** `role:NAME` of every role the user holds, directly or by inheritance (computed once). */
  roles(): Set<string>;
}

const noRoles = (): Set<string> => new Set();

/** The session with `token`; 209 when there is none or it expired. */
export function sessionByToken(classes: ParseClasses, token: string): ParseRecord {
  const session = classes.findRecords('_Session', { sessionToken: token })[0];
  if (!session) throw new ParseFailure(ParseCode.invalidSessionToken, 'Invalid session token');
  const expires = session.expiresAt as { iso?: string } | undefined;
  if (expires?.iso && Date.parse(expires.iso) < Date.now()) throw new ParseFailure(ParseCode.invalidSessionToken, 'Session token is expired.');
  return session;
}

/** The Auth of a request; throws 209 for an unknown session token and 101 for an unknown --user. */
export function resolveAuth(classes: ParseClasses, request: ParseRequest): Auth {
  let userId = request.userId;
  let session: ParseRecord | undefined;
  if (request.sessionToken) {
    session = sessionByToken(classes, request.sessionToken);
    userId = (session.user as { objectId?: string } | undefined)?.objectId;
    if (!userId) throw new ParseFailure(ParseCode.invalidSessionToken, 'Invalid session token');
  }
  if (!userId) return { master: request.master, roles: noRoles };
  const user = classes.get('_User', userId);
  if (!user) {
    if (session) throw new ParseFailure(ParseCode.invalidSessionToken, 'Invalid session token');
    throw new ParseFailure(ParseCode.objectNotFound, `user ${userId} not found in _User`);
  }
  let roles: Set<string> | undefined;
  return { master: request.master, user, session, roles: () => (roles ??= userRoles(classes, user.objectId)) };
}

/** The names (`role:NAME`) of the roles a user holds: those listing the user, and those inheriting from them. */
function userRoles(classes: ParseClasses, userId: string): Set<string> {
  const held = new Set(owningIds(classes, '_Role', 'users', userId));
  const pending = [...held];
  while (pending.length) {
    const roleId = pending.pop()!;
    for (const parent of owningIds(classes, '_Role', 'roles', roleId)) {
      if (!held.has(parent)) { held.add(parent); pending.push(parent); }
    }
  }
  const names = new Set<string>();
  for (const id of held) {
    const name = classes.get('_Role', id)?.name;
    if (typeof name === 'string') names.add(`role:${name}`);
  }
  return names;
}

/** The ACL entries that grant `auth` access: `*`, and for a user its objectId and `role:NAME` of each role it holds. */
export function aclEntries(auth: Auth): string[] {
  return auth.user ? ['*', auth.user.objectId, ...auth.roles()] : ['*'];
}

/** Whether `auth` may read (or write) an object with this ACL: the master key, public access, the user or a role. */
export function allows(acl: unknown, auth: Auth, access: 'read' | 'write'): boolean {
  if (auth.master || !isObject(acl)) return true;
  const granted = (entry: string): boolean => isObject(acl[entry]) && (acl[entry] as Record<string, unknown>)[access] === true;
  if (granted('*')) return true;
  if (auth.user && granted(auth.user.objectId)) return true;
  if (!auth.user) return false;
  for (const role of auth.roles()) if (granted(role)) return true;
  return false;
}


/** How long a session lasts (Parse Server's default sessionLength: one year). */
const sessionLengthMs = 365 * 24 * 3600 * 1000;

/** Opens a session for a user (a signup or login): a `_Session` object with a new `r:…` token. */
export function createSession(classes: ParseClasses, userId: string, createdWith: Json, installationId?: string): ParseRecord {
  const data: Json = {
    sessionToken: `r:${randomBytes(16).toString('hex')}`,
    user: { __type: 'Pointer', className: '_User', objectId: userId },
    createdWith,
    expiresAt: { __type: 'Date', iso: new Date(Date.now() + sessionLengthMs).toISOString() },
  };
  if (installationId) {
    data.installationId = installationId;
    // One session per user and installation: a new one ends the others (Parse Server's destroyDuplicatedSessions).
    for (const old of classes.findRecords('_Session', { installationId })) {
      if ((old.user as { objectId?: string } | undefined)?.objectId === userId) classes.remove('_Session', old.objectId);
    }
  }
  return classes.create('_Session', data).record;
}

/** The Auth of each request, resolved once. */
const resolved = new WeakMap<ParseRequest, Auth>();

/** The Auth of a request, resolved on first use and kept with it. */
export function authOf(classes: ParseClasses, request: ParseRequest): Auth {
  let auth = resolved.get(request);
  if (!auth) resolved.set(request, auth = resolveAuth(classes, request));
  return auth;
}
