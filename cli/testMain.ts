// The lean entry point of `cloudfn test` for the editor's Testing view (dist/testRunner.js, shipped in the
// .vsix): only the test runner and the Python runtime's supervisor, without the language server's analysis or
// the other commands. Same flags, output and exit codes as `cloudfn test` through cli/main.ts; with `--serve`
// (the editor's own) it stays up as a warm test process answering runs over IPC (testServe.ts).

// Functions run as in the cloud: in UTC. Set before anything reads the clock.
process.env.TZ = 'UTC';

import { testCommand } from './testCommand';
import { runCli } from './runCli';
import { serveTests } from './testServe';

if (process.argv[2] === '--serve' && process.send) serveTests();
else runCli((args) => testCommand(args));
