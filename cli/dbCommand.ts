// `cloudfn db reset|export|import|info`: manage the local database file — start over, and share or seed it
// as a JSON fixture (collections with their documents, app users without passwords).

import fs from 'node:fs';
import { CliUsageError, defaultDbPath, parseFlags, readFlagFile } from './argv';
import { Store, DatabaseFileError } from '../runtime/store/store';
import { exportFixture, importFixture, FixtureError } from '../runtime/store/fixtures';
import { errorMessage } from '../runtime/errorMessage';

export const dbUsage = `usage: cloudfn db reset [--db PATH]
       cloudfn db export [--db PATH] [--out FILE.json]
       cloudfn db import FILE.json [--db PATH] [--replace]
       cloudfn db info [--db PATH]`;

async function openStore(dbPath: string): Promise<Store> {
  try {
    return await Store.open(dbPath);
  } catch (error) {
    if (error instanceof DatabaseFileError) throw new CliUsageError(error.message);
    throw error;
  }
}

export async function dbCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseFlags(rest, {
    db: { type: 'string' },
    out: { type: 'string' },
    replace: { type: 'boolean' },
  });
  const dbPath = values.db ?? defaultDbPath;
  switch (action) {
    case 'reset': {
      expectPositionals('reset', positionals, 0);
      // A reset starts a new file: it never needs to read (or refuse) the old one.
      (await Store.createEmpty(dbPath)).save();
      process.stderr.write(`reset ${dbPath}: empty database with one local project\n`);
      return 0;
    }
    case 'export': {
      expectPositionals('export', positionals, 0);
      const fixture = JSON.stringify(exportFixture(await openStore(dbPath)), null, 2) + '\n';
      if (values.out) {
        fs.writeFileSync(values.out, fixture);
        process.stderr.write(`exported ${dbPath} to ${values.out}\n`);
      } else {
        process.stdout.write(fixture);
      }
      return 0;
    }
    case 'import': {
      expectPositionals('import', positionals, 1);
      const file = positionals[0]!;
      let fixture: unknown;
      const text = readFlagFile(file, `cannot read fixture '${file}'`);
      try {
        fixture = JSON.parse(text);
      } catch (error) {
        throw new CliUsageError(`cannot read fixture '${file}': ${errorMessage(error)}`);
      }
      const store = await openStore(dbPath);
      try {
        store.begin();
        const counts = importFixture(store, fixture, { replace: values.replace === true });
        store.commit();
        store.save();
        process.stderr.write(`imported ${file} into ${dbPath}: ${JSON.stringify(counts)}\n`);
      } catch (error) {
        store.rollback();
        if (error instanceof FixtureError) throw new CliUsageError(`bad fixture '${file}': ${error.message}`);
        throw error;
      }
      return 0;
    }
    case 'info': {
      expectPositionals('info', positionals, 0);
      const fixture = exportFixture(await openStore(dbPath));
      const documents = fixture.collections.reduce((n, c) => n + c.documents.length, 0);
      process.stdout.write(`${dbPath}: ${fixture.collections.length} collections, ${documents} documents, ${fixture.app_users.length} app users\n`);
      return 0;
    }
    default:
      throw new CliUsageError(action ? `unknown db command '${action}' (reset, export, import, info)` : dbUsage.split('\n')[0]!);
  }
}

function expectPositionals(command: string, positionals: string[], count: number): void {
  if (positionals.length !== count) {
    throw new CliUsageError(`db ${command} takes ${count === 0 ? 'no arguments' : 'one FILE'}, got: ${positionals.join(' ') || 'none'}`);
  }
}
