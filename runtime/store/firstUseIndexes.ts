// Indexes made on first use: one per key (a filter's path, an order's expression), named from a hash of the
// key so that any field name is safe, at most a set number of them per kind (every index slows writes a
// little). The CocoBASE filters (documentQuery.ts) and the Parse dialect's ordered finds share it.

import { createHash } from 'node:crypto';
import type { Store } from './store';

export class FirstUseIndexes {
  /** Keys known to be indexed, or known not to get an index because the cap was reached. */
  private readonly settled = new Set<string>();

  constructor(private readonly store: Store, private readonly prefix: string, private readonly max: number) {
    store.onInvalidate(() => this.settled.clear());
  }

  /** The name of the index of `key` among those starting with `prefix`. */
  static nameOf(prefix: string, key: string): string {
    return prefix + createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  /**
   * Makes the index of `key` unless it exists or `max` of this kind do; `create` gives its CREATE INDEX
   * statement for the name it gets.
   */
  ensure(key: string, create: (name: string) => string): void {
    if (this.settled.has(key)) return;
    const name = FirstUseIndexes.nameOf(this.prefix, key);
    const exists = this.store.value("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [name]) !== undefined;
    if (!exists && this.count() < this.max) {
      this.store.run(create(name));
      this.store.markDirty();
    }
    this.settled.add(key);
  }

  private count(): number {
    return Number(this.store.value("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name GLOB ?", [`${this.prefix}*`]));
  }
}
