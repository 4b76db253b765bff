// The lean entry point of `cloudfn parse …` and `cloudfn serve` (dist/parse.js; bin/cloudfn.js picks it for
// these two commands, dist/cli.js for the others): only the Parse dialect's code and the Parse SDK, without
// the Python runtime, the language server's analysis or the other commands, so that `serve` is ready sooner.
// Same commands, output and exit codes as through cli/main.ts.

// Functions run as in the cloud: in UTC. Set before anything reads the clock.
process.env.TZ = 'UTC';

import { setFlagsFromString } from 'node:v8';
import { parseCommand, serveCommand } from './parseCommand';
import { runCli } from './runCli';

// sql.js's wasm is compiled whole, on V8's background threads, while the Parse SDK loads on this one; by
// default V8 compiles each wasm function on this thread at its first call, i.e. while opening the database.
setFlagsFromString('--no-wasm-lazy-compilation');

runCli(async ([command, ...args]) => (command === 'serve' ? serveCommand(args) : parseCommand(args)));
