// What the current run changed in the database: exact counts of created, updated and deleted things, plus
// the first few changes in detail (with before/after values) for the run panel and the CLI.

export type ChangeOp = 'create' | 'update' | 'delete';
/** `object`: a Parse object (its class is the item's `collection`). */
export type ChangeKind = 'document' | 'app_user' | 'collection' | 'object';

/** One change. `before`/`after` are the shapes the API returns (never a password hash). */
export interface ChangeItem {
  op: ChangeOp;
  kind: ChangeKind;
  /** Name of the collection the document belongs to (or of the collection itself). */
  collection?: string;
  id: string;
  before?: object;
  after?: object;
}

export interface RunChanges {
  created: number;
  updated: number;
  deleted: number;
  /** The first changes, at most `maxChangeItems`. */
  items: ChangeItem[];
  /** True when some changes are counted but not listed in `items`. */
  truncated: boolean;
}

/** Changes listed in detail per run; the counts stay exact beyond it. */
export const maxChangeItems = 200;

const counters = { create: 'created', update: 'updated', delete: 'deleted' } as const;

export class ChangeTracker {
  private changes: RunChanges = emptyChanges();

  /** Whether another item would be listed: callers skip reading `before` values when it would not. */
  get wantsItems(): boolean {
    return this.changes.items.length < maxChangeItems;
  }

  /** Records one change; `describe` builds its details only when the item will be listed. */
  add(op: ChangeOp, kind: ChangeKind, describe: () => Omit<ChangeItem, 'op' | 'kind'>): void {
    this.addMany(op, 1, () => [{ op, kind, ...describe() }]);
  }

  /**
   * Records `count` changes of the same op; `describe(n)` builds the details of the first n of them, where n
   * is what still fits in the list.
   */
  addMany(op: ChangeOp, count: number, describe: (room: number) => ChangeItem[]): void {
    if (count <= 0) return;
    this.changes[counters[op]] += count;
    const room = Math.max(0, Math.min(count, maxChangeItems - this.changes.items.length));
    const listed = room > 0 ? describe(room).slice(0, room) : [];
    this.changes.items.push(...listed);
    if (listed.length < count) this.changes.truncated = true;
  }

  /** Records `count` changes that are never listed (e.g. the documents of a deleted collection). */
  addUnlisted(op: ChangeOp, count: number): void {
    this.addMany(op, count, () => []);
  }

  /** The changes since the last call, clearing them. */
  take(): RunChanges {
    const taken = this.changes;
    this.changes = emptyChanges();
    return taken;
  }
}

/** The changes of a run that changed nothing. */
export function emptyChanges(): RunChanges {
  return { created: 0, updated: 0, deleted: 0, items: [], truncated: false };
}
