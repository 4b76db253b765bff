// Parse Relations (as Parse Server's join tables `_Join:KEY:CLASS`): each link of a relation field is one
// object of the class `_Join:KEY:OWNINGCLASS` in parse_objects, `{owningId, relatedId}`. AddRelation and
// RemoveRelation write them, `$relatedTo` and roles read them; the relation field itself holds
// `{"__type": "Relation", "className": …}` on the owning object.

import type { ParseClasses } from './classes';
import { ParseCode, ParseFailure } from './errors';
import type { Json } from './rest';
import { isObject, isPointer } from './values';

const joinClass = (owningClass: string, key: string): string => `_Join:${key}:${owningClass}`;

/** The objectIds linked from `owningId` by the relation `key` of `owningClass`. */
export function relatedIds(classes: ParseClasses, owningClass: string, key: string, owningId: string): string[] {
  return classes.findRecords(joinClass(owningClass, key), { owningId }).map((link) => link.relatedId as string);
}

/** The objectIds of the `owningClass` objects whose relation `key` links to `relatedId`. */
export function owningIds(classes: ParseClasses, owningClass: string, key: string, relatedId: string): string[] {
  return classes.findRecords(joinClass(owningClass, key), { relatedId }).map((link) => link.owningId as string);
}

/** A relation operator of a save body (`AddRelation`/`RemoveRelation`, or a `Batch` of them). */
export const isRelationOp = (value: unknown): boolean => isObject(value)
  && (value.__op === 'AddRelation' || value.__op === 'RemoveRelation' || (value.__op === 'Batch' && Array.isArray(value.ops)));

/**
 * Takes the relation operators out of a save body: the body keeps `{"__type": "Relation", className}` for each
 * such field, and the links to write once the object exists are returned.
 */
export function takeRelationOps(body: Json, existing: Json | undefined): { body: Json; apply: (classes: ParseClasses, owningClass: string, owningId: string) => void } {
  const rest: Json = {};
  const pending: { key: string; op: string; ids: string[] }[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!isRelationOp(value)) { rest[key] = value; continue; }
    const ops = (value as Json).__op === 'Batch' ? ((value as Json).ops as Json[]) : [value as Json];
    let targetClass: string | undefined;
    for (const op of ops) {
      if (!Array.isArray(op.objects)) throw new ParseFailure(ParseCode.invalidJson, `${String(op.__op)} needs objects`);
      const ids: string[] = [];
      for (const object of op.objects) {
        if (!isPointer(object)) throw new ParseFailure(ParseCode.invalidJson, 'relations can only hold pointers');
        if (targetClass && object.className !== targetClass) throw new ParseFailure(ParseCode.incorrectType, 'All objects in a relation must be of the same class.');
        targetClass = object.className;
        ids.push(object.objectId);
      }
      pending.push({ key, op: String(op.__op), ids });
    }
    const current = existing?.[key];
    if (isObject(current) && current.__type === 'Relation' && targetClass && current.className !== targetClass) {
      throw new ParseFailure(ParseCode.incorrectType, `schema mismatch for ${key}; expected Relation<${String(current.className)}> but got Relation<${targetClass}>`);
    }
    rest[key] = { __type: 'Relation', className: targetClass ?? (isObject(current) ? current.className : undefined) };
  }
  return {
    body: rest,
    apply: (classes, owningClass, owningId) => {
      for (const { key, op, ids } of pending) {
        const join = joinClass(owningClass, key);
        const linked = new Set(relatedIds(classes, owningClass, key, owningId));
        for (const relatedId of ids) {
          if (op === 'AddRelation' && !linked.has(relatedId)) {
            classes.create(join, { owningId, relatedId });
            linked.add(relatedId);
          } else if (op === 'RemoveRelation' && linked.has(relatedId)) {
            for (const link of classes.findRecords(join, { owningId, relatedId })) classes.remove(join, link.objectId);
            linked.delete(relatedId);
          }
        }
      }
    },
  };
}
