// Class schemas (as Parse Server's SchemaController): each class's field types, kept as one `_SCHEMA` object
// per class in parse_objects (objectId = the class name), learned from the first value written to a field
// (or from the objects already stored, for a database written before schemas were kept) and enforced on
// every write (111 "schema mismatch"; one GeoPoint value per write; fields' `defaultValue` and `required`);
// the class-level permissions (CLPs) they store (checked by permissions.ts); and the `schemas` routes (master
// key): read one or all, create, update (fields added or deleted, CLPs, indexes, which are recorded only) and
// delete an empty class; `purge` empties one.

import type { ParseClasses } from './classes';
import type { AppContext } from './context';
import { HttpFailure, ParseCode, ParseFailure } from './errors';
import type { Json, ParseRequest, ParseResponse } from './rest';
import { isObject, type ParseRecord } from './values';

/** One field's type: `{"type": "Pointer", "targetClass": "Album"}`. */
export interface FieldType {
  type: string;
  targetClass?: string;
}

const schemaClass = '_SCHEMA';
const defaultFields: Record<string, FieldType> = { objectId: { type: 'String' }, createdAt: { type: 'Date' }, updatedAt: { type: 'Date' }, ACL: { type: 'ACL' } };
const operations = ['find', 'get', 'count', 'create', 'update', 'delete', 'addField'] as const;
export type ClassOperation = (typeof operations)[number];

/** Parse Server's default CLPs: everything open. */
function defaultPermissions(): Json {
  const permissions: Json = { ACL: { '*': { read: true, write: true } } };
  for (const operation of operations) permissions[operation] = { '*': true };
  permissions.protectedFields = { '*': [] };
  return permissions;
}

/** CLPs given to the `schemas` routes replace the defaults: an operation they leave out is allowed to no one (Parse Server's emptyCLPS). */
function givenPermissions(given: Json): Json {
  const permissions: Json = {};
  for (const operation of operations) permissions[operation] = {};
  return { ...permissions, protectedFields: {}, ...given };
}

/** The type of a value as a schema records it; undefined for null, undefined and a Delete. */
export function typeOf(value: unknown): FieldType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { type: 'String' };
  if (typeof value === 'number') return { type: 'Number' };
  if (typeof value === 'boolean') return { type: 'Boolean' };
  if (Array.isArray(value)) return { type: 'Array' };
  if (!isObject(value)) return undefined;
  switch (value.__op) {
    case 'Delete': return undefined;
    case 'Increment': return { type: 'Number' };
    case 'Add': case 'AddUnique': case 'Remove': return { type: 'Array' };
    default: break;
  }
  switch (value.__type) {
    case 'Pointer': case 'Relation': return { type: value.__type, targetClass: String(value.className) };
    case 'Object': return { type: 'Pointer', targetClass: String(value.className) };
    case 'Date': case 'File': case 'GeoPoint': case 'Polygon': case 'Bytes': return { type: value.__type };
    default: return { type: 'Object' };
  }
}

const typeName = (type: FieldType): string => (type.targetClass ? `${type.type}<${type.targetClass}>` : type.type);

/** The stored schema of a class, or undefined when the class has none yet. */
function storedSchema(classes: ParseClasses, className: string): ParseRecord | undefined {
  return classes.get(schemaClass, className);
}

/**
 * The keys of a write that would add fields to a class whose schema is stored (unset keys are not added; a
 * dotted key adds its first part); none for a class without a schema yet, as on Parse Server.
 */
export function newFieldKeys(classes: ParseClasses, className: string, data: Json): string[] {
  const stored = storedSchema(classes, className);
  if (!stored) return [];
  const fields = { ...defaultFields, ...(stored.fields as Record<string, FieldType>) };
  return Object.keys(data).filter((key) => !key.startsWith('_') && !(isObject(data[key]) && (data[key] as Json).__op === 'Delete') && !(key.split('.')[0]! in fields));
}

/** The fields of a class's schema, learned from its stored objects when no schema is stored yet. */
export function fieldsOf(classes: ParseClasses, className: string): Record<string, FieldType> {
  const stored = storedSchema(classes, className);
  if (stored) return stored.fields as Record<string, FieldType>;
  const fields: Record<string, FieldType> = {};
  for (const record of classes.all(className)) {
    for (const [key, value] of Object.entries(record)) {
      if (key.startsWith('_') || key in defaultFields) continue;
      const type = typeOf(value);
      if (type && !fields[key]) fields[key] = type;
    }
  }
  return fields;
}

/**
 * Checks the values of a write against the class's schema (111 on a type change) and records the types of
 * new fields; a class without a stored schema gets one. The fields' defaults and `required` apply first
 * (`create` for a create); returns the keys given a default.
 */
export function enforceSchema(classes: ParseClasses, className: string, data: Json, create = false): string[] {
  if (className.startsWith('_Join:') || className === schemaClass) return [];
  const stored = storedSchema(classes, className);
  const defaulted = applyFieldDefaults(stored, data, create);
  const fields = { ...(stored ? stored.fields as Record<string, FieldType> : fieldsOf(classes, className)) };
  let added = !stored;
  // One GeoPoint value per write (Parse Server's validateObject; a later write may add another GeoPoint field).
  if (Object.values(data).filter((value) => isObject(value) && value.__type === 'GeoPoint').length > 1) {
    throw new ParseFailure(ParseCode.incorrectType, 'there can only be one geopoint field in a class');
  }
  for (const [fullKey, value] of Object.entries(data)) {
    // A dotted key ("obj.a.b") writes inside an Object field: the field's type is Object.
    const key = fullKey.split('.')[0]!;
    if (key.startsWith('_') || key in defaultFields) continue;
    // Parse Server's invalidColumns: a field may not be named `length`.
    if (key === 'length') throw new ParseFailure(ParseCode.invalidKeyName, 'Invalid field name: length.');
    const type = fullKey.includes('.') ? { type: 'Object' } : typeOf(value);
    if (!type) continue;
    const known = fields[key];
    if (!known) {
      // Parse Server's invalidColumns: a new field may not be called `length` (its SchemaController refuses it).
      if (key === 'length') throw new ParseFailure(ParseCode.invalidKeyName, `Invalid field name: ${key}.`);
      fields[key] = type; added = true; continue;
    }
    if (known.type !== type.type || (known.targetClass && type.targetClass && known.targetClass !== type.targetClass)) {
      throw new ParseFailure(ParseCode.incorrectType, `schema mismatch for ${className}.${key}; expected ${typeName(known)} but got ${typeName(type)}`);
    }
  }
  if (added && stored) classes.update(schemaClass, className, { fields });
  else if (added) classes.create(schemaClass, { className, fields, classLevelPermissions: defaultPermissions() }, className);
  return defaulted;
}

/**
 * The `defaultValue` and `required` of a class's schema fields applied to a write (Parse Server's
 * setRequiredFieldsIfNeeded, after beforeSave): a create gets the default of each field it leaves out or
 * deletes, an update the default of each field it deletes; a required field left empty is 142. Returns the
 * keys given a default (the save response shows them, as Parse does).
 */
function applyFieldDefaults(stored: ParseRecord | undefined, data: Json, create: boolean): string[] {
  if (!stored) return [];
  const fields = stored.fields as Record<string, FieldType & { required?: boolean; defaultValue?: unknown }>;
  const defaulted: string[] = [];
  for (const name of create ? Object.keys(fields) : Object.keys(data).filter((key) => key in fields)) {
    const value = data[name];
    const deleted = isObject(value) && value.__op === 'Delete';
    if (value !== undefined && value !== null && value !== '' && !deleted) continue;
    const { defaultValue, required } = fields[name]!;
    if (create && defaultValue !== undefined && defaultValue !== null && (value === undefined || deleted)) {
      data[name] = defaultValue;
      defaulted.push(name);
    } else if (required === true) {
      throw new ParseFailure(ParseCode.validationError, `${name} is required`);
    }
  }
  return defaulted;
}

/**
 * The class-level permissions of a class as they apply: the stored ones (none when the class has no schema),
 * with Parse Server's default protected field of `_User` (`email`, hidden from everyone but the user) merged in.
 */
export function classPermissions(classes: ParseClasses, className: string): Json | undefined {
  const stored = storedSchema(classes, className);
  const permissions = isObject(stored?.classLevelPermissions) ? stored.classLevelPermissions : undefined;
  if (className !== '_User') return permissions;
  const merged: Json = { ...(permissions ?? defaultPermissions()) };
  const hidden = isObject(merged.protectedFields) ? { ...merged.protectedFields } : {};
  const everyone = Array.isArray(hidden['*']) ? hidden['*'] as string[] : [];
  hidden['*'] = everyone.includes('email') ? everyone : [...everyone, 'email'];
  merged.protectedFields = hidden;
  return merged;
}

/** A schema as the `schemas` routes answer it. */
function schemaView(classes: ParseClasses, className: string): Json {
  const view: Json = {
    className,
    fields: { ...defaultFields, ...fieldsOf(classes, className) },
    classLevelPermissions: classPermissions(classes, className) ?? defaultPermissions(),
  };
  const indexes = storedSchema(classes, className)?.indexes;
  if (isObject(indexes)) view.indexes = indexes;
  return view;
}

/**
 * The indexes of a class after a `schemas` body's `indexes` (added, or deleted with `{"__op": "Delete"}`),
 * checked as Parse Server on PostgreSQL checks them (102); undefined when the body names none. They are
 * recorded and answered only: cloudfn's queries use no per-field indexes.
 */
function bodyIndexes(body: Json, existing: Json | undefined, fields: Record<string, FieldType>): Json | undefined {
  if (!isObject(body.indexes)) return undefined;
  // A class's first indexes come with the objectId's own (`_id_`); without `existing`, the given ones alone.
  const indexes: Json = !existing ? {} : Object.keys(existing).length ? { ...existing } : { _id_: { _id: 1 } };
  for (const [name, index] of Object.entries(body.indexes)) {
    const deleting = isObject(index) && index.__op === 'Delete';
    if (indexes[name] && !deleting) throw new ParseFailure(ParseCode.invalidQuery, `Index ${name} exists, cannot update.`);
    if (!indexes[name] && deleting) throw new ParseFailure(ParseCode.invalidQuery, `Index ${name} does not exist, cannot delete.`);
    if (deleting) { delete indexes[name]; continue; }
    for (const key of Object.keys(isObject(index) ? index : {})) {
      if (!(key in fields) && !(key in defaultFields)) throw new ParseFailure(ParseCode.invalidQuery, `Field ${key} does not exist, cannot add index.`);
    }
    indexes[name] = index;
  }
  return indexes;
}

/** The classes that have objects or a schema. */
function classNames(classes: ParseClasses): string[] {
  const names = new Set(classes.classNames().filter((name) => !name.startsWith('_Join:') && name !== schemaClass));
  for (const schema of classes.all(schemaClass)) names.add(schema.objectId);
  return [...names].sort();
}

function requireMaster(request: ParseRequest): void {
  if (!request.master) throw new HttpFailure(403, 'Permission denied');
}

/** GET schemas[/CLASS]. */
export function readSchemas(ctx: AppContext, request: ParseRequest, className?: string): ParseResponse {
  requireMaster(request);
  if (className === undefined) return { status: 200, body: { results: classNames(ctx.classes).map((name) => schemaView(ctx.classes, name)) } };
  if (!classNames(ctx.classes).includes(className)) throw new ParseFailure(ParseCode.invalidClassName, `Class ${className} does not exist.`);
  return { status: 200, body: schemaView(ctx.classes, className) };
}

/** The field types of a `schemas` body (`{"fields": {"size": {"type": "Number"}}}`), checked. */
function bodyFields(body: Json): Record<string, FieldType | { __op: 'Delete' }> {
  const fields = isObject(body.fields) ? body.fields : {};
  const known = ['String', 'Number', 'Boolean', 'Date', 'Object', 'Array', 'Pointer', 'Relation', 'File', 'GeoPoint', 'Polygon', 'Bytes'];
  for (const [name, spec] of Object.entries(fields)) {
    if (isObject(spec) && spec.__op === 'Delete') continue;
    if (!isObject(spec) || typeof spec.type !== 'string' || !known.includes(spec.type)) throw new ParseFailure(ParseCode.incorrectType, `invalid field type: ${isObject(spec) ? String(spec.type) : String(spec)}`);
    if ((spec.type === 'Pointer' || spec.type === 'Relation') && typeof spec.targetClass !== 'string') throw new ParseFailure(ParseCode.missingRequiredField, `type ${spec.type} needs a class name`);
    if (name in defaultFields) throw new ParseFailure(ParseCode.changedImmutableField, `field ${name} cannot be changed`);
  }
  return fields as Record<string, FieldType>;
}

/** POST schemas/CLASS: a new class with its fields and CLPs. */
export function createSchema(ctx: AppContext, request: ParseRequest, className: string): ParseResponse {
  requireMaster(request);
  if (typeof request.body.className === 'string' && request.body.className !== className) throw new ParseFailure(ParseCode.invalidClassName, 'Class name mismatch between body and path.');
  if (classNames(ctx.classes).includes(className)) throw new ParseFailure(ParseCode.invalidClassName, `Class ${className} already exists.`);
  const fields = bodyFields(request.body) as Record<string, FieldType>;
  const permissions = isObject(request.body.classLevelPermissions) ? givenPermissions(request.body.classLevelPermissions) : defaultPermissions();
  // Stored with the objectId's own index (`_id_`), answered without it, as Parse Server on PostgreSQL does.
  const indexes = bodyIndexes(request.body, {}, fields);
  ctx.classes.create(schemaClass, { className, fields, classLevelPermissions: permissions, ...(indexes ? { indexes } : {}) }, className);
  const view = schemaView(ctx.classes, className);
  return { status: 200, body: indexes ? { ...view, indexes: bodyIndexes(request.body, undefined, fields) } : view };
}

/** PUT schemas/CLASS: fields added or deleted (`{"__op": "Delete"}`), CLPs replaced. */
export function updateSchema(ctx: AppContext, request: ParseRequest, className: string): ParseResponse {
  requireMaster(request);
  if (!classNames(ctx.classes).includes(className)) throw new ParseFailure(ParseCode.invalidClassName, `Class ${className} does not exist.`);
  enforceSchema(ctx.classes, className, {});
  const fields = { ...fieldsOf(ctx.classes, className) } as Record<string, FieldType>;
  for (const [name, spec] of Object.entries(bodyFields(request.body))) {
    if ('__op' in spec) { delete fields[name]; continue; }
    if (fields[name]) throw new ParseFailure(ParseCode.invalidKeyName, `Field ${name} exists, cannot update.`);
    fields[name] = spec;
  }
  const update: Json = { fields };
  const stored = storedSchema(ctx.classes, className)?.indexes;
  const indexes = bodyIndexes(request.body, isObject(stored) ? stored : {}, fields);
  if (indexes) update.indexes = indexes;
  // CLPs that are not an object (`setCLP(1234)`) replace the stored ones with none, as on Parse Server.
  const given = request.body.classLevelPermissions;
  if (given !== undefined && given !== null) update.classLevelPermissions = givenPermissions(isObject(given) ? given : {});
  ctx.classes.update(schemaClass, className, update);
  return { status: 200, body: schemaView(ctx.classes, className) };
}

/** DELETE schemas/CLASS: only an empty class (255 otherwise). */
export function deleteSchema(ctx: AppContext, request: ParseRequest, className: string): ParseResponse {
  requireMaster(request);
  if (ctx.classes.all(className).length > 0) throw new ParseFailure(ParseCode.classNotEmpty, `Class ${className} is not empty, contains ${ctx.classes.all(className).length} objects, cannot drop schema.`);
  if (storedSchema(ctx.classes, className)) ctx.classes.remove(schemaClass, className);
  return { status: 200, body: {} };
}

/** DELETE purge/CLASS (master key): every object of the class removed, without triggers; the schema stays. */
export function purgeClass(ctx: AppContext, request: ParseRequest, className: string): ParseResponse {
  requireMaster(request);
  for (const record of ctx.classes.all(className)) ctx.classes.remove(className, record.objectId);
  return { status: 200, body: {} };
}
