// Lookup tables derived from the one API model (runtime/cocobase/apiModel.ts): which global names exist, what members
// an injected object or allowed module has, and the nearest spelling of a mistyped name. It only indexes the
// model; every fact comes from there.

import {
  allowedDunderAttributes, allowedModuleNames, builtinConstants, builtins, dbObject, dictMethods, forbiddenAttributes,
  forbiddenBuiltins, listMethods, modules, requestNames, requestObject, userMembers,
  type ApiBuiltin, type ApiFunction, type ApiMember, type ApiModule, type ApiObject, type ApiValue,
} from '../../runtime/cocobase/apiModel';

/**
 * What a global name, an attribute chain or an expression stands for, as far as the model knows. A `value` is
 * something the API returned (a document, a list of them, request.json()'s dict); `collection` is the
 * collection named by the call that returned it, when the call named one with a literal.
 */
export type ApiTarget =
  | { kind: 'object'; object: ApiObject }
  | { kind: 'module'; module: ApiModule }
  | { kind: 'member'; owner: string; member: ApiMember; collection?: string }
  | { kind: 'members'; owner: string; members: ApiMember[] }
  | { kind: 'value'; owner: string; value: ApiValue; collection?: string; orNone?: boolean };

export const builtinByName = new Map<string, ApiBuiltin>(builtins.map((b) => [b.name, b]));
export const constantNames = new Set(builtinConstants);
export const forbiddenBuiltinReasons = new Map(Object.entries(forbiddenBuiltins));
export const allowedModules = new Set(allowedModuleNames);
export const moduleByName = new Map(modules.map((m) => [m.name, m]));
export const forbiddenAttributeNames = new Set(forbiddenAttributes);
export const allowedDunders = new Set(allowedDunderAttributes);
export { dbObject, requestObject, requestNames };

/** Globals the runtime injects into every function besides the builtins. */
export const injectedGlobals = new Map<string, ApiTarget>([
  ['db', { kind: 'object', object: dbObject }],
  ...requestNames.map((name) => [name, { kind: 'object', object: requestObject }] as [string, ApiTarget]),
  ...modules.map((m) => [m.name, { kind: 'module', module: m }] as [string, ApiTarget]),
]);

/** Names that are always defined in a function file: builtins, constants, injected globals and `__name__`. */
export function isPredefinedName(name: string): boolean {
  return builtinByName.has(name) || constantNames.has(name) || injectedGlobals.has(name) || name === '__name__';
}

/** The display name of an owner: `request` for both `request` and `req`. */
function ownerName(target: ApiTarget): string {
  switch (target.kind) {
    case 'object': return target.object.name;
    case 'module': return target.module.name;
    case 'member': return `${target.owner}.${target.member.name}`;
    case 'members': return target.owner;
    case 'value': return target.owner;
  }
}

/** The value a target holds, when the model describes it (a property's value, a returned value). */
export function valueOf(target: ApiTarget | undefined): ApiValue | undefined {
  if (target?.kind === 'value') return target.value;
  return target?.kind === 'member' && target.member.kind === 'property' ? target.member.value : undefined;
}

/** The attributes of a value: an object's members, or the methods of a dict or list. */
function valueMembers(value: ApiValue): ApiMember[] {
  switch (value.kind) {
    case 'object': return value.members;
    case 'dict': return dictMethods;
    case 'list': return listMethods;
  }
}

/** The members of a target as the model lists them, or undefined (modules list names only). */
function membersOf(target: ApiTarget): ApiMember[] | undefined {
  if (target.kind === 'object') return target.object.members;
  if (target.kind === 'members') return target.members;
  const value = valueOf(target);
  return value ? valueMembers(value) : undefined;
}

/** The members of a target with their display owner, for completion; undefined for modules. */
export function describedMembers(target: ApiTarget): { owner: string; members: ApiMember[] } | undefined {
  const members = membersOf(target);
  return members && { owner: ownerName(target), members };
}

/** The names known as members of a target, or undefined when the model does not know them. */
export function memberNames(target: ApiTarget): string[] | undefined {
  if (target.kind === 'module') return target.module.members;
  return membersOf(target)?.map((m) => m.name);
}

/** The member of a target named `name`, or undefined (also when the model does not know the members). */
export function memberOf(target: ApiTarget, name: string): ApiTarget | undefined {
  const owner = ownerName(target);
  const members = membersOf(target);
  if (members) {
    const member = members.find((m) => m.name === name);
    const collection = target.kind === 'value' || target.kind === 'member' ? target.collection : undefined;
    return member ? { kind: 'member', owner, member, ...(collection === undefined ? {} : { collection }) } : undefined;
  }
  if (target.kind === 'module' && target.module.members.includes(name)) {
    return { kind: 'members', owner: `${owner}.${name}`, members: [] };
  }
  return undefined;
}

/** A short display name for a returned value: `dict`, `list` or the object's class. */
function valueOwner(value: ApiValue): string {
  return value.kind === 'object' ? value.name : value.kind;
}

/** What calling a target returns, when it is an API function whose result the model describes. */
export function callResult(target: ApiTarget | undefined, collection?: string): ApiTarget | undefined {
  const fn = functionOf(target);
  const value = fn?.returnValue;
  if (!value) return undefined;
  // Members are still offered for `X | None` results: the usual code checks for None first.
  const orNone = fn.returns.endsWith(' | None') ? { orNone: true } : {};
  return { kind: 'value', owner: valueOwner(value), value, ...orNone, ...(collection === undefined ? {} : { collection }) };
}

/** What `target[key]` holds: a list's item, or the value of a known dict key (`key` is the literal's text). */
export function subscriptResult(target: ApiTarget | undefined, key: string | undefined): ApiTarget | undefined {
  const value = valueOf(target);
  const collection = target?.kind === 'value' || target?.kind === 'member' ? target.collection : undefined;
  const inner = value?.kind === 'list' ? value.item
    : value?.kind === 'dict' && key !== undefined ? value.fields?.find((f) => f.name === key)?.value
      : undefined;
  if (!inner || typeof inner === 'string') return undefined;
  return { kind: 'value', owner: valueOwner(inner), value: inner, ...(collection === undefined ? {} : { collection }) };
}

/** True when the model lists every member of the target, so that a missing name is a real mistake. */
export function hasClosedMembers(target: ApiTarget): boolean {
  return memberNames(target) !== undefined && !(target.kind === 'members' && target.members.length === 0);
}

/** The display owner of a target (`db`, `request.user`, `json`). */
export function targetOwner(target: ApiTarget): string {
  return ownerName(target);
}

/** The API function a target names, when it names one. */
export function functionOf(target: ApiTarget | undefined): ApiFunction | undefined {
  return target?.kind === 'member' && target.member.kind === 'function' ? target.member : undefined;
}

/** The Python signature of an API function, e.g. `get_documents(collection: str, filters: dict | None = None) -> list`. */
export function formatSignature(owner: string, fn: ApiFunction): string {
  const params: string[] = [];
  fn.params.forEach((p, index) => {
    if (p.passing === 'keyword' && index === 0) params.push('*');
    params.push(`${p.name}: ${p.type}${p.default === undefined ? '' : ` = ${p.default}`}`);
    if (p.passing === 'positional' && fn.params[index + 1]?.passing !== 'positional') params.push('/');
  });
  if (fn.extraKeywords) params.push('**kwargs');
  return `${owner}.${fn.name}(${params.join(', ')}) -> ${fn.returns}`;
}

/** Damerau-free Levenshtein distance, small strings only. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** True when every character of `short` appears in `long` in order (`get_docs` in `get_documents`). */
function isSubsequence(short: string, long: string): boolean {
  let index = 0;
  for (const char of long) if (char === short[index]) index++;
  return index === short.length;
}

/** The candidate nearest to `name` when it is close enough to be a plausible typo, else undefined. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    let score = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (candidate.startsWith(name) || name.startsWith(candidate)) score = Math.min(score, 1.5);
    else if (name.length >= 3 && isSubsequence(name.toLowerCase(), candidate.toLowerCase())) score = Math.min(score, 1.9 + score / 1000);
    if (score < bestScore) { best = candidate; bestScore = score; }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
