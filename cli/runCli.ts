// How a `cloudfn` entry point ends: the exit code once stdout is written, usage errors as one line on stderr
// (exit 2), anything else as an internal error (exit 70). Shared by dist/cli.js and the lean dist/parse.js.

import { CliUsageError } from './argv';

/** Exits once stdout has been written: process.exit() alone can cut a piped stdout short. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

export function runCli(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(exit, (error: unknown) => {
    if (error instanceof CliUsageError) {
      process.stderr.write(`cloudfn: ${error.message}\n`);
      exit(2);
    } else {
      process.stderr.write(`cloudfn: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
      exit(70);
    }
  });
}
