// `cloudfn users add|login|update|delete|list`: the app users of the local database, managed the way an app
// does it through `serve`'s /auth-collections/ routes, so the project's auth hooks fire (pre_register and
// pre_login may refuse; the others run after the operation, before the command ends). Answers are printed as
// JSON: `{access_token, token_type, user}` for add and login, the user for update and delete.

import { CliUsageError, defaultDbPath, parseFlags, parseJsonObjectFlag, positiveNumberFlag } from './argv';
import { listAppUsers } from '../runtime/store/browse';
import { ProjectFileError } from '../runtime/cocobase/triggers/projectConfig';
import { openTriggerSession, type TriggerSession } from '../runtime/cocobase/triggers/session';
import type { AuthAnswer, UserChanges } from '../runtime/cocobase/triggers/appUsers';
import { version } from './version';

export const usersUsage = `usage: cloudfn users add EMAIL --password P [--data JSON] [--project DIR] [--db PATH]
       cloudfn users login EMAIL --password P [--project DIR] [--db PATH]
       cloudfn users update EMAIL [--data JSON] [--email NEW] [--password P] [--override] [--project DIR] [--db PATH]
       cloudfn users delete EMAIL [--project DIR] [--db PATH]
       cloudfn users list [--db PATH] [--json]`;

export async function usersCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    db: { type: 'string' }, project: { type: 'string' }, password: { type: 'string' }, data: { type: 'string' },
    email: { type: 'string' }, override: { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' },
  });
  const [action, email] = positionals;
  const wanted = action === 'list' ? 1 : 2;
  if (!action || !['add', 'login', 'update', 'delete', 'list'].includes(action) || positionals.length !== wanted) throw new CliUsageError(usersUsage);
  if ((action === 'add' || action === 'login') && values.password === undefined) throw new CliUsageError(`users ${action} needs --password`);
  const data = parseJsonObjectFlag('data', values.data);
  const changes: UserChanges = {
    ...(values.data !== undefined ? { data } : {}),
    ...(values.email !== undefined ? { email: values.email } : {}),
    ...(values.password !== undefined ? { password: values.password } : {}),
    ...(values.override ? { override: true } : {}),
  };
  if (action === 'update' && Object.keys(changes).length === 0) throw new CliUsageError('users update needs --data, --email or --password');
  let session: TriggerSession;
  try {
    session = await openTriggerSession({
      dbPath: values.db ?? defaultDbPath, projectDir: values.project ?? '.', timeoutMs: positiveNumberFlag('timeout', values.timeout, 20) * 1000,
      userAgent: `cloudfn/${version}`, poolSize: 1, onLog: (line) => process.stderr.write(`${line}\n`),
      onExecuted: (record) => process.stderr.write(`↳ ${record.trigger_detail ?? record.triggered_by} → ${record.function_name}: ${record.status}${record.error ? ` (${record.error})` : ''}\n`),
    });
  } catch (error) {
    if (error instanceof ProjectFileError) throw new CliUsageError(error.message);
    throw error;
  }
  try {
    if (action === 'list') {
      const users = listAppUsers(session.store, 10_000);
      if (values.json) process.stdout.write(JSON.stringify(users, null, 2) + '\n');
      else for (const user of users) process.stdout.write(`${user.email}  ${user.id}  roles ${JSON.stringify(user.roles)}  data ${JSON.stringify(user.data)}\n`);
      return 0;
    }
    const auth = session.auth;
    let outcome: AuthAnswer<unknown>;
    if (action === 'add') {
      outcome = await auth.register(email, values.password, data);
    } else if (action === 'login') {
      outcome = await auth.login(email, values.password);
    } else {
      const user = auth.userByEmail(email!);
      if (!user) {
        process.stderr.write(`cloudfn: no app user has the email '${email}' in ${session.store.file}\n`);
        return 1;
      }
      if (action === 'delete') {
        outcome = await auth.delete(user.id);
      } else {
        outcome = await auth.update(user.id, changes);
      }
    }
    if (!outcome.ok) {
      process.stderr.write(`cloudfn: users ${action} refused (${outcome.status}): ${outcome.detail}\n`);
      return 1;
    }
    process.stdout.write(JSON.stringify(outcome.value, null, 2) + '\n');
    return 0;
  } finally {
    await session.close();
  }
}
