// What a committed run's document writes fire (spec §7), as data: for each write in write order, the
// collection hooks configured for it with their payloads, and the legacy webhook body of its collection. Built
// from the run's change items (runtime/store/changes.ts), whose before/after are document rows.

import type { ChangeItem } from '../../store/changes';
import type { CollectionHookEvent, TriggersProject } from './projectConfig';

/** One hook call: the function, its event (the `X-Hook-Event` header) and its payload. */
export interface HookCall {
  functionName: string;
  event: CollectionHookEvent;
  collection: string;
  payload: Record<string, unknown>;
}

interface DocumentRow {
  id: string;
  data?: Record<string, unknown>;
  created_at?: string;
  updated_at?: string;
}

/** A document row as the current API returns it: flat, `id`, `created_at`, `updated_at` first. */
export function flatDocument(row: DocumentRow): Record<string, unknown> {
  const flat: Record<string, unknown> = { id: row.id, created_at: row.created_at, updated_at: row.updated_at };
  for (const [key, value] of Object.entries(row.data ?? {})) if (!(key in flat)) flat[key] = value;
  return flat;
}

const fields = (row: DocumentRow | undefined): Record<string, unknown> => ({ ...(row?.data ?? {}) });

/** The document writes of a run's changes, in write order. */
export function documentWrites(items: readonly ChangeItem[]): ChangeItem[] {
  return items.filter((item) => item.kind === 'document' && item.collection !== undefined);
}

/** The hook calls of one write, in the order pre, post (all after the commit: no hook blocks a write). */
export function hookCalls(project: TriggersProject, item: ChangeItem): HookCall[] {
  const collection = item.collection!;
  const configured = project.hooks.collections[collection];
  if (!configured) return [];
  const before = item.before as DocumentRow | undefined;
  const after = item.after as DocumentRow | undefined;
  const calls: HookCall[] = [];
  const add = (event: CollectionHookEvent, payload: Record<string, unknown>): void => {
    const functionName = configured[event];
    if (functionName) calls.push({ functionName, event, collection, payload: { event, collection, ...payload } });
  };
  if (item.op === 'delete') {
    const document = before ? flatDocument(before) : { id: item.id };
    add('pre_delete', { document_id: item.id, document });
    add('post_delete', { document_id: item.id, document });
    return calls;
  }
  const operation = item.op;
  const saved = { operation, document: fields(after), ...(operation === 'update' ? { old_data: fields(before) } : {}) };
  add('pre_save', saved);
  add('post_save', { ...saved, document_id: item.id, document: after ? flatDocument(after) : { id: item.id } });
  return calls;
}

/** The legacy webhook body of one write (lower-case events; `old_data` on update only). */
export function webhookBody(item: ChangeItem): Record<string, unknown> {
  const before = item.before as DocumentRow | undefined;
  const after = item.after as DocumentRow | undefined;
  return {
    event_type: item.op,
    document_id: item.id,
    data: fields(item.op === 'delete' ? before : after),
    created_at: (after ?? before)?.created_at ?? null,
    ...(item.op === 'update' ? { old_data: fields(before) } : {}),
  };
}
