// The records the current API returns, built from rows as exact JSON: flat documents (`id`, `created_at`,
// `updated_at` first, hiding data fields of those names), users (`id`, `email`, `data`, `roles`,
// `created_at`, never a password), and what `populate` and `select` do to them.

import type { SqlValue } from 'sql.js';
import { isExactObject, parseExact, type Exact, type ExactObject } from './exactJson';
import { relationTarget, type QueryEnv, type Target } from './compile';

/** The columns of a document row that `flatDocument` reads, for a table alias. */
export const documentColumnsSql = (alias: string): string => `${alias}.id, ${alias}.created_at, ${alias}.updated_at, ${alias}.data`;
/** The columns of a user row that `userRecord` reads, for a table alias. */
export const userColumnsSql = (alias: string): string => `${alias}.id, ${alias}.email, ${alias}.data, ${alias}.roles, ${alias}.created_at`;

const ownKeys = ['id', 'created_at', 'updated_at'];

/** A flat document from a row of `documentColumnsSql`. */
export function flatDocument(row: SqlValue[]): ExactObject {
  const record: ExactObject = new Map([['id', row[0] as string], ['created_at', row[1] as string], ['updated_at', row[2] as string]]);
  const data = parseExact(row[3] as string);
  if (isExactObject(data)) for (const [key, value] of data) if (!ownKeys.includes(key)) record.set(key, value);
  return record;
}

/** A user from a row of `userColumnsSql`. */
export function userRecord(row: SqlValue[]): ExactObject {
  return new Map<string, Exact>([
    ['id', row[0] as string], ['email', row[1] as string], ['data', parseExact(row[2] as string)],
    ['roles', parseExact(row[3] as string)], ['created_at', row[4] as string],
  ]);
}

/** The records of a target by id (documents of its collection or the project's users). */
export function recordsById(env: QueryEnv, target: Target, ids: string[]): Map<string, ExactObject> {
  const found = new Map<string, ExactObject>();
  if (ids.length === 0) return found;
  const rows = target.kind === 'document'
    ? env.store.rows(`SELECT ${documentColumnsSql('d')} FROM documents AS d WHERE d.collection_id = ? AND d.id IN (SELECT value FROM json_each(?))`,
      [target.collectionId, JSON.stringify(ids)])
    : env.store.rows(`SELECT ${userColumnsSql('u')} FROM app_users AS u WHERE u.project_id = ? AND u.id IN (SELECT value FROM json_each(?))`,
      [env.projectId, JSON.stringify(ids)]);
  for (const row of rows) found.set(row[0] as string, target.kind === 'document' ? flatDocument(row) : userRecord(row));
  return found;
}

/** One name of `populate`, with the names populated inside it (`X.Y`). */
interface PopulateNode {
  name: string;
  forced?: string;
  children: PopulateNode[];
}

/** The tree of `populate` names: `["author", "topic.owner", "editor:appuser"]`. */
export function populateTree(names: string[]): PopulateNode[] {
  const roots: PopulateNode[] = [];
  for (const name of names) {
    let level = roots;
    for (const part of name.split('.')) {
      const [relation, forced] = part.split(':') as [string, string | undefined];
      let node = level.find((candidate) => candidate.name === relation);
      if (!node) {
        node = forced === undefined ? { name: relation, children: [] } : { name: relation, forced, children: [] };
        level.push(node);
      }
      level = node.children;
    }
  }
  return roots;
}

/**
 * Populates records in place: `X` follows `X_id` (a record or None) or `X_ids` (a list, misses left out) to
 * its target; a record holding neither gets nothing. For users the ids are read from, and the records added
 * to, `data`. Nested names populate inside the related records.
 */
export function populate(env: QueryEnv, records: ExactObject[], kind: Target['kind'], nodes: PopulateNode[]): void {
  for (const node of nodes) {
    const target = relationTarget(env, node.name, node.forced);
    const holders = records.map((record) => (kind === 'user' ? record.get('data') : record)).filter(isExactObject);
    const wanted = new Set<string>();
    for (const holder of holders) {
      const one = holder.get(`${node.name}_id`);
      const many = holder.get(`${node.name}_ids`);
      if (typeof one === 'string') wanted.add(one);
      else if ((one === undefined || one === null) && Array.isArray(many)) for (const id of many) if (typeof id === 'string') wanted.add(id);
    }
    const related = target ? recordsById(env, target, [...wanted]) : new Map<string, ExactObject>();
    if (target && node.children.length > 0) populate(env, [...related.values()], target.kind, node.children);
    for (const holder of holders) {
      const one = holder.get(`${node.name}_id`);
      const many = holder.get(`${node.name}_ids`);
      if (one !== undefined && one !== null) holder.set(node.name, (typeof one === 'string' && related.get(one)) || null);
      else if (Array.isArray(many)) {
        holder.set(node.name, many.flatMap((id) => (typeof id === 'string' && related.has(id) ? [related.get(id)!] : [])));
      }
    }
  }
}

/** A tree of select paths: `true` keeps the whole value. */
type SelectTree = Map<string, SelectTree | true>;

/** The tree of `select` paths, with `id` first. */
export function selectTree(paths: string[]): SelectTree {
  const tree: SelectTree = new Map([['id', true]]);
  for (const path of paths) {
    let level = tree;
    const parts = path.split('.');
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1) {
        level.set(part, true);
        break;
      }
      const existing = level.get(part);
      if (existing === true) break;
      const next: SelectTree = existing ?? new Map();
      level.set(part, next);
      level = next;
    }
  }
  return tree;
}

/** A record reduced to the selected paths; absent paths are omitted, a path into a list applies to each item. */
export function applySelect(record: ExactObject, tree: SelectTree): ExactObject {
  const out: ExactObject = new Map();
  for (const [key, sub] of tree) {
    if (!record.has(key)) continue;
    const value = record.get(key)!;
    if (sub === true) out.set(key, value);
    else if (isExactObject(value)) out.set(key, applySelect(value, sub));
    else if (Array.isArray(value)) out.set(key, value.filter(isExactObject).map((item) => applySelect(item, sub)));
  }
  return out;
}
