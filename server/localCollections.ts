// The collection names of the local database file (.cloudfn/local.db by default), for the unknown-collection
// warning and collection-name completion. The file is re-read only when its mtime changes; a missing or
// unreadable file means no names at all, so that no collection diagnostic is ever raised on a guess.

import fs from 'node:fs';
import { Store } from '../runtime/store/store';

/** The names of the collections in a database file, or undefined when the file is missing or unreadable. */
export async function readCollectionNames(file: string): Promise<ReadonlySet<string> | undefined> {
  if (!fs.existsSync(file)) return undefined;
  try {
    const store = await Store.open(file);
    try {
      const rows = store.database.exec('SELECT name FROM collections')[0]?.values ?? [];
      return new Set(rows.map((row) => String(row[0])));
    } finally {
      store.close();
    }
  } catch {
    return undefined;
  }
}

/** The live view of one database file: `current()` answers at once and re-reads in the background. */
export class LocalCollections {
  private names: ReadonlySet<string> | undefined;
  private loadedMtime: number | undefined;
  private loading = false;

  /** `onChange` is called after a re-read that changed the names (for republishing diagnostics). */
  constructor(readonly file: string, private readonly onChange: () => void = () => undefined) {}

  /** The names as last read; starts a re-read when the file's mtime differs from the one read. */
  current(): ReadonlySet<string> | undefined {
    let mtime: number | undefined;
    try {
      mtime = fs.statSync(this.file).mtimeMs;
    } catch {
      mtime = undefined;
    }
    if (mtime === undefined) {
      if (this.names !== undefined) {
        this.names = undefined;
        this.loadedMtime = undefined;
      }
      return undefined;
    }
    if (mtime !== this.loadedMtime && !this.loading) void this.reload(mtime);
    return this.names;
  }

  /** Reads the file now (also used by tests to wait for the names). */
  async reload(mtime?: number): Promise<ReadonlySet<string> | undefined> {
    this.loading = true;
    try {
      const names = await readCollectionNames(this.file);
      const before = this.names;
      this.names = names;
      this.loadedMtime = mtime ?? (names ? fs.statSync(this.file).mtimeMs : undefined);
      if (!sameNames(before, names)) this.onChange();
      return names;
    } finally {
      this.loading = false;
    }
  }
}

function sameNames(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && [...a].every((name) => b.has(name));
}
