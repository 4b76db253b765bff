// Class-level permissions as a request meets them (Parse Server's SchemaController.validatePermission and
// DatabaseController's addPointerPermissions, addProtectedFields and filterSensitiveData): whether the
// request's user may run an operation on a class at all (119, or 101 when only authenticated users may);
// when only pointer permissions grant it (`readUserFields`/`writeUserFields`, or `pointerFields` of the
// operation), the condition an object must meet — one of those fields points to the user; and the protected
// fields (`protectedFields` keyed by `*`, `authenticated`, `role:NAME`, a user id or `userField:FIELD`) removed
// from what a read answers. The master key bypasses all of it.

import { aclEntries, authOf, type Auth } from './auth';
import type { ParseClasses } from './classes';
import type { AppContext } from './context';
import { ParseCode, ParseFailure } from './errors';
import type { Json, ParseRequest } from './rest';
import { classPermissions, fieldsOf, type ClassOperation } from './schemas';
import { isObject, isPointer } from './values';

/** What a request may do with a class's objects for one operation. */
export interface ClassAccess {
  auth: Auth;
  /**
   * Set when only pointer permissions grant the operation: the `where` condition an object must also meet,
   * or null when the request has no user (then no object does).
   */
  pointerWhere?: Json | null;
  /** Removes the fields protected from this request from a found object (read operations only). */
  redact?: (record: Json) => Json;
}

/** Parse Server's sanitized message for a refused class-level permission. */
const denied = 'Permission denied';

/** Whether the operation's rule grants it outright: public, or the user or one of its roles listed. */
function granted(rule: Json, group: string[]): boolean {
  return rule['*'] === true || group.some((entry) => rule[entry] === true);
}

/**
 * Checks the class-level permission of `operation` for a request; throws 119 (or 101) when it is refused.
 * `action` says whether an `addField` is part of a create or an update: pointer fields can grant it only to
 * an update (the object must then point to the user).
 */
export function classAccess(ctx: AppContext, request: ParseRequest, className: string, operation: ClassOperation, action?: 'create' | 'update'): ClassAccess {
  const auth = authOf(ctx.classes, request);
  if (auth.master) return { auth };
  const permissions = classPermissions(ctx.classes, className);
  const access: ClassAccess = { auth, redact: operation === 'get' || operation === 'find' ? redactor(permissions, className, auth) : undefined };
  const rule = permissions?.[operation];
  if (!permissions || !isObject(rule)) return access;
  const group = aclEntries(auth);
  if (granted(rule, group)) return access;
  if (rule.requiresAuthentication === true) {
    if (!auth.user) throw new ParseFailure(ParseCode.objectNotFound, denied);
    return access;
  }
  const groupKey = ['get', 'find', 'count'].includes(operation) ? 'readUserFields' : 'writeUserFields';
  if (operation === 'create') throw new ParseFailure(ParseCode.operationForbidden, denied);
  const fields = [...stringList(rule.pointerFields)];
  for (const field of stringList(permissions[groupKey])) if (!fields.includes(field)) fields.push(field);
  const grantedByGroup = stringList(permissions[groupKey]).length > 0;
  if (fields.length === 0 || (operation === 'addField' && action === 'create' && !grantedByGroup)) throw new ParseFailure(ParseCode.operationForbidden, denied);
  return { ...access, pointerWhere: auth.user ? pointerCondition(ctx.classes, className, fields, auth.user.objectId) : null };
}

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** The objects whose fields (a Pointer, an Array of pointers or an Object) point to the user: one `$or` branch per field. */
function pointerCondition(classes: ParseClasses, className: string, fields: string[], userId: string): Json {
  const types = fieldsOf(classes, className);
  const user = { __type: 'Pointer', className: '_User', objectId: userId };
  const branches = fields.map((field): Json => {
    switch (types[field]?.type) {
      case 'Pointer': case 'Object': return { [field]: user };
      case 'Array': return { [field]: { $all: [user] } };
      // Parse Server throws a plain Error here, which its error handler answers as an internal error.
      default: throw new ParseFailure(ParseCode.internalServerError, 'An internal server error occurred');
    }
  });
  return branches.length === 1 ? branches[0]! : { $or: branches };
}

/** Whether a pointer value (or an array of them) names the user. */
function pointsTo(value: unknown, userId: string | undefined): boolean {
  if (!userId) return false;
  if (Array.isArray(value)) return value.some((item) => isPointer(item) && item.objectId === userId);
  return isPointer(value) && value.objectId === userId;
}

/**
 * The function that removes protected fields from each found object, or undefined when none are protected.
 * The sets that apply to the request (`*`; `authenticated`, the user's roles and its id for a user) are
 * intersected; a `userField:FIELD` set applies to the objects whose FIELD points to the user, intersected
 * with the rest. A user always sees all of its own `_User` object.
 */
function redactor(permissions: Json | undefined, className: string, auth: Auth): ((record: Json) => Json) | undefined {
  const sets = isObject(permissions?.protectedFields) ? permissions.protectedFields : undefined;
  if (!sets) return undefined;
  const userId = auth.user?.objectId;
  const applying: string[][] = [];
  for (const [key, fields] of Object.entries(sets)) {
    if (key.startsWith('userField:')) continue;
    if (key === '*' || (userId && (key === 'authenticated' || (key.startsWith('role:') && auth.roles().has(key)) || key === userId))) applying.push(stringList(fields));
  }
  const intersect = (lists: string[][]): string[] => {
    let result = lists.flat();
    for (const list of lists) result = result.filter((field) => list.includes(field));
    return [...new Set(result)];
  };
  const general = intersect(applying);
  const byPointer = Object.entries(sets).filter(([key]) => key.startsWith('userField:')).map(([key, fields]) => ({ field: key.slice('userField:'.length), fields: stringList(fields) }));
  if (general.length === 0 && byPointer.length === 0) return undefined;
  return (record) => {
    if (className === '_User' && userId && record.objectId === userId) return record;
    const pointing = byPointer.filter(({ field }) => pointsTo(record[field], userId)).map(({ fields }) => fields);
    const hidden = pointing.length ? intersect([...pointing, general]) : general;
    if (hidden.length === 0) return record;
    const view = { ...record };
    for (const field of hidden) delete view[field];
    return view;
  };
}
