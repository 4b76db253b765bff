// The `cloudfn` command line: run, test, db, check, stubs, and the Parse dialect's parse and serve; the triggers'
// token, users, logs and schedule. Exit codes: 0 ok, 1 the function failed (or a check found errors), 2 usage
// errors with a one-line message on stderr.

// Functions run as in the cloud: in UTC. Set before anything reads the clock.
process.env.TZ = 'UTC';

import { CliUsageError } from './argv';
import { runCommand, runUsage } from './runCommand';
import { testCommand, testUsage } from './testCommand';
import { dbCommand, dbUsage } from './dbCommand';
import { checkCommand, checkUsage } from './checkCommand';
import { stubsCommand, stubsUsage } from './stubsCommand';
import { parseCommand, parseUsage, serveCommand, serveUsage } from './parseCommand';
import { logsCommand, logsUsage, scheduleCommand, scheduleUsage, tokenCommand, tokenUsage } from './triggersCommand';
import { usersCommand, usersUsage } from './usersCommand';
import { version } from './version';
import { runCli } from './runCli';

const help = `cloudfn ${version} — run and check CocoBASE cloud functions locally

${runUsage}
${testUsage}
${dbUsage}
${checkUsage}
${stubsUsage}
${parseUsage}
${serveUsage}
${tokenUsage}
${usersUsage}
${logsUsage}
${scheduleUsage}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'run': return runCommand(args);
    case 'test': return testCommand(args);
    case 'db': return dbCommand(args);
    case 'check': return checkCommand(args);
    case 'stubs': return stubsCommand(args);
    case 'parse': return parseCommand(args);
    case 'serve': return serveCommand(args);
    case 'token': return tokenCommand(args);
    case 'users': return usersCommand(args);
    case 'logs': return logsCommand(args);
    case 'schedule': return scheduleCommand(args);
    case '--version': case 'version': process.stdout.write(version + '\n'); return 0;
    case undefined: case '--help': case '-h': case 'help': process.stdout.write(help); return command ? 0 : 2;
    default: throw new CliUsageError(`unknown command '${command}' (run, test, db, check, stubs, parse, serve, token, users, logs, schedule, help)`);
  }
}

runCli(main);
