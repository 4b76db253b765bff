// The collection names of the local database file (.cloudfn/local.db by default), for the unknown-collection
// warning and collection-name completion, and the field keys of each collection's documents, for completion of
// `filters`/`data` keys, of `doc['data'][...]` and of query keywords, and the keys of the app users' data (for
// `db.query_users`). The file is re-read only when its mtime changes; a missing
// or unreadable file means no names at all, so that no collection diagnostic is ever raised on a guess.

import fs from 'node:fs';
import { Store } from '../runtime/store/store';

/** What the language server knows of the local database: collection names and the keys of their documents. */
export interface LocalSchema {
  collections: ReadonlySet<string>;
  /** Per collection, the keys seen in its newest documents: top-level keys and dotted keys one level down. */
  fields?: ReadonlyMap<string, readonly string[]>;
  /** The keys seen in the `data` of the newest app users, spelled the same way. */
  userFields?: readonly string[];
}

/** How many of each collection's newest documents are read for field keys. */
const documentsSampled = 200;

const fieldKeysQuery = `
  SELECT DISTINCT c.name, j.fullkey FROM collections c
  JOIN documents d ON d.rowid IN (SELECT rowid FROM documents WHERE collection_id = c.id ORDER BY rowid DESC LIMIT ${documentsSampled})
  JOIN json_tree(d.data) j ON j.fullkey != '$' AND j.fullkey NOT LIKE '%[%'
  ORDER BY c.name, j.fullkey`;

const userKeysQuery = `
  SELECT DISTINCT j.fullkey FROM app_users u
  JOIN json_tree(u.data) j ON j.fullkey != '$' AND j.fullkey NOT LIKE '%[%'
  WHERE u.rowid IN (SELECT rowid FROM app_users ORDER BY rowid DESC LIMIT ${documentsSampled})
  ORDER BY j.fullkey`;

/** One key of a json_tree path: plain (`$.name`), or quoted as SQLite quotes keys with `_` or `-` (`$."user_id"`). */
const keySegment = String.raw`(?:([A-Za-z_][\w-]*)|"([A-Za-z_][\w-]*)")`;
/** Keys as filters spell them: `$.a` is `a`, `$.a.b` is `a.b`; deeper keys and other quoted keys are left out. */
const keyPattern = new RegExp(String.raw`^\$\.${keySegment}(?:\.${keySegment})?$`);

/** The key a json_tree full key stands for, or undefined when filters cannot spell it. */
function fieldKey(fullKey: string): string | undefined {
  const match = keyPattern.exec(fullKey);
  if (!match) return undefined;
  const second = match[3] ?? match[4];
  return (match[1] ?? match[2])! + (second === undefined ? '' : `.${second}`);
}

/** The collections and field keys of a database file, or undefined when the file is missing or unreadable. */
export async function readLocalSchema(file: string): Promise<LocalSchema | undefined> {
  if (!fs.existsSync(file)) return undefined;
  try {
    const store = await Store.open(file);
    try {
      const rows = store.database.exec('SELECT name FROM collections')[0]?.values ?? [];
      const fields = new Map<string, string[]>();
      for (const [name, fullKey] of store.database.exec(fieldKeysQuery)[0]?.values ?? []) {
        const key = fieldKey(String(fullKey));
        if (key === undefined) continue;
        const keys = fields.get(String(name)) ?? [];
        keys.push(key);
        fields.set(String(name), keys);
      }
      const userFields = (store.database.exec(userKeysQuery)[0]?.values ?? [])
        .map(([fullKey]) => fieldKey(String(fullKey))).filter((key) => key !== undefined).sort();
      for (const keys of fields.values()) keys.sort();
      return { collections: new Set(rows.map((row) => String(row[0]))), fields, userFields };
    } finally {
      store.close();
    }
  } catch {
    return undefined;
  }
}

/** The names of the collections in a database file, or undefined when the file is missing or unreadable. */
export async function readCollectionNames(file: string): Promise<ReadonlySet<string> | undefined> {
  return (await readLocalSchema(file))?.collections;
}

/** The live view of one database file: `current()` answers at once and re-reads in the background. */
export class LocalCollections {
  private loaded: LocalSchema | undefined;
  private loadedMtime: number | undefined;
  private loading = false;

  /** `onChange` is called after a re-read that changed the names or field keys (for republishing diagnostics). */
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
      if (this.loaded !== undefined) {
        this.loaded = undefined;
        this.loadedMtime = undefined;
      }
      return undefined;
    }
    if (mtime !== this.loadedMtime && !this.loading) void this.reload(mtime);
    return this.loaded?.collections;
  }

  /** The names and field keys as last read (re-read like current()). */
  schema(): LocalSchema | undefined {
    this.current();
    return this.loaded;
  }

  /** Reads the file now (also used by tests to wait for the names). */
  async reload(mtime?: number): Promise<ReadonlySet<string> | undefined> {
    this.loading = true;
    try {
      const schema = await readLocalSchema(this.file);
      const before = this.loaded;
      this.loaded = schema;
      this.loadedMtime = mtime ?? (schema ? fs.statSync(this.file).mtimeMs : undefined);
      if (!sameNames(before?.collections, schema?.collections) || fieldsText(before) !== fieldsText(schema)) this.onChange();
      return schema?.collections;
    } finally {
      this.loading = false;
    }
  }
}

/** The field keys of a schema as one text, to tell whether a re-read changed them. */
function fieldsText(schema: LocalSchema | undefined): string {
  return JSON.stringify([[...(schema?.fields ?? [])], schema?.userFields ?? []]);
}

function sameNames(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && [...a].every((name) => b.has(name));
}
