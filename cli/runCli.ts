// How a `cloudfn` entry point ends: the exit code once stdout is written, usage errors as one line on stderr
// (exit 2; also unusable database and input files), anything else as an internal error (exit 70). Shared by dist/cli.js and the lean dist/parse.js.

import { CliUsageError } from './argv';
import { DatabaseFileError, DatabaseWriteError } from '../runtime/store/store';
import { UnreadableFileError } from '../runtime/userFiles';
import { UsageError } from '../runtime/usageError';

/**
 * Errors about the user's inputs (flags, files, paths, and the runtime's UsageError: an unknown user, a project
 * naming a function it does not have): one line on stderr and exit 2, never a stack.
 */
const usageErrors = [CliUsageError, UsageError, DatabaseFileError, DatabaseWriteError, UnreadableFileError];

/** Exits once stdout has been written: process.exit() alone can cut a piped stdout short. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

export function runCli(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(exit, (error: unknown) => {
    if (usageErrors.some((type) => error instanceof type)) {
      process.stderr.write(`cloudfn: ${(error as Error).message}\n`);
      exit(2);
    } else {
      process.stderr.write(`cloudfn: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      exit(70);
    }
  });
}
