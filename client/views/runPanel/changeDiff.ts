// What an update changed, field by field: the paths (into nested objects) whose value differs between the
// before and after values of a database change, for the run panel's change view. Arrays and other values
// are compared whole. Pure, so tests need no editor.

import { isObject } from '../../../runtime/jsonValues';
import type { ChangeItem, RunChanges } from '../../../runtime/store/changes';

export interface FieldChange {
  /** Keys from the top of the record: `["data", "name"]`. */
  path: string[];
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** A change as the panel shows it: for an update, its changed fields. */
export type ChangeView = ChangeItem & { fields?: FieldChange[] };

/** Changed fields listed per update; more are counted in `moreFields`. */
export const maxFieldsPerChange = 50;

export function fieldChanges(before: unknown, after: unknown, path: string[] = []): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const changes: FieldChange[] = [];
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const at = [...path, key];
      if (!(key in after)) changes.push({ path: at, kind: 'removed', before: before[key] });
      else if (!(key in before)) changes.push({ path: at, kind: 'added', after: after[key] });
      else changes.push(...fieldChanges(before[key], after[key], at));
    }
    return changes;
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, kind: 'changed', before, after }];
}

/** The changes of a run with each update's changed fields, and how many changes are counted but not listed. */
export function changesView(changes: RunChanges): RunChanges & { items: ChangeView[]; unlisted: number } {
  const items = changes.items.map((item): ChangeView => item.op === 'update' && item.before && item.after
    ? { ...item, fields: fieldChanges(item.before, item.after).slice(0, maxFieldsPerChange) } : item);
  const unlisted = Math.max(0, changes.created + changes.updated + changes.deleted - changes.items.length);
  return { ...changes, items, unlisted };
}
