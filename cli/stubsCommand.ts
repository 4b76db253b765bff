// `cloudfn stubs [--out DIR]`: writes `__builtins__.pyi` (generated from the API model) into DIR, the current
// folder by default, so that Pyright/Pylance know db, request, req and the allowed modules.

import fs from 'node:fs';
import path from 'node:path';
import { CliUsageError, parseFlags } from './argv';
import { builtinsStub } from '../server/stubs';

export const stubsUsage = `cloudfn stubs [--out DIR]
  Writes __builtins__.pyi describing db, request, req and the allowed modules for Pyright/Pylance.`;

export async function stubsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { out: { type: 'string' } });
  if (positionals.length > 0) throw new CliUsageError(`stubs: unexpected argument '${positionals[0]}'`);
  const dir = values.out ?? '.';
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new CliUsageError(`cannot create '${dir}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const file = path.join(dir, '__builtins__.pyi');
  fs.writeFileSync(file, builtinsStub());
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}
