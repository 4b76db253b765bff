// The lean entry point of `cloudfn test` for the editor's Testing view (dist/testRunner.js, shipped in the
// .vsix): only the test runner and the Python runtime's supervisor, without the language server's analysis or
// the other commands. Same flags, output and exit codes as `cloudfn test` through cli/main.ts.

// Functions run as in the cloud: in UTC. Set before anything reads the clock.
process.env.TZ = 'UTC';

import { testCommand } from './testCommand';
import { runCli } from './runCli';

runCli((args) => testCommand(args));
