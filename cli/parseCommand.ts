// `cloudfn parse call|save|delete|job` and `cloudfn serve`: the Parse Cloud Code dialect on the command line.
// The CLI process is the Cloud Code's own process (plain `require`, full Node), with the local database. With
// --json each command prints one object {"status", "body", "logs"}: the HTTP status and body Parse Server
// would send; exit 0 for 2xx, 1 otherwise, 2 for usage errors.

import fs from 'node:fs';
import { CliUsageError, defaultDbPath, parseFlags, parseJsonObjectFlag, positiveNumberFlag } from './argv';
import { DatabaseFileError } from '../runtime/store/store';
import type { ParseApp } from '../runtime/parse/app';
import { CloudLoadError } from '../runtime/parse/cloudLoader';
import type { LogEntry } from '../runtime/parse/logs';
import { answerRequest, defaultAppKeys, openParseApp, type SessionRequest } from '../runtime/parse/session';
import { watchEventLoop } from '../runtime/parse/watchdog';
import { allowedOrigins } from '../serve/guard';
import { startParseServer } from '../serve/httpServer';
import { functionsFlags, functionsUsage, serveFunctions } from './serveFunctions';
import { version } from './version';
import { errorMessage } from '../runtime/errorMessage';

export const defaultCloudFile = 'cloud/main.js';
const { appId: defaultAppId, masterKey: defaultMasterKey } = defaultAppKeys;

export const parseUsage = `usage: cloudfn parse call FUNCTION [--params JSON] [options]
       cloudfn parse save CLASS --data JSON [--id ID] [options]
       cloudfn parse delete CLASS ID [options]
       cloudfn parse job NAME [--params JSON] [options]
  options: [--cloud ${defaultCloudFile}] [--db PATH] [--user ID] [--master] [--timeout SECONDS] [--json]`;

export const serveUsage = `usage: cloudfn serve [--port 1337] [--cloud ${defaultCloudFile}] [--db PATH] [--app-id ${defaultAppId}] [--master-key ${defaultMasterKey}] [--allow-origin URL|PORT]... [--timeout SECONDS]
       ${functionsUsage}`;

/** The time limit of a request, in seconds, unless --timeout says otherwise (CocoBASE's). */
const defaultTimeoutSeconds = 20;

const commonFlags = {
  cloud: { type: 'string' },
  db: { type: 'string' },
  user: { type: 'string' },
  master: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  params: { type: 'string' },
  data: { type: 'string' },
  id: { type: 'string' },
} as const;

/** Opens the database and the app with its Cloud Code (a missing default cloud file means none, with a warning). */
async function openApp(values: { cloud?: string; db?: string }, keys: { appId: string; masterKey: string }, onLog?: (entry: LogEntry) => void): Promise<ParseApp> {
  const cloudFile = values.cloud ?? defaultCloudFile;
  let app: ParseApp;
  try {
    app = await openParseApp({ cloudFile, cloudOptional: values.cloud === undefined, dbPath: values.db ?? defaultDbPath, keys, onLog });
  } catch (error) {
    if (error instanceof CloudLoadError || error instanceof DatabaseFileError) throw new CliUsageError(error.message);
    throw error;
  }
  if (!app.cloudCode.file) app.logs.add('warn', `no cloud code at ${cloudFile} (use --cloud FILE): only classes are available`);
  return app;
}

export async function parseCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseFlags(rest, commonFlags);
  const expect = (count: number, names: string): void => {
    if (positionals.length !== count) throw new CliUsageError(`parse ${action}: expected ${names}, got ${positionals.length ? positionals.join(' ') : 'nothing'}`);
  };
  const only = (allowed: string[]): void => {
    for (const flag of ['params', 'data', 'id'] as const) {
      if (values[flag] !== undefined && !allowed.includes(flag)) throw new CliUsageError(`parse ${action} does not take --${flag}`);
    }
  };
  let request: Omit<SessionRequest, 'master' | 'userId'>;
  switch (action) {
    case 'call':
      expect(1, 'FUNCTION'); only(['params']);
      request = { method: 'POST', path: `functions/${encodeURIComponent(positionals[0]!)}`, body: parseJsonObjectFlag('params', values.params) };
      break;
    case 'job':
      expect(1, 'NAME'); only(['params']);
      request = { method: 'POST', path: `jobs/${encodeURIComponent(positionals[0]!)}`, body: parseJsonObjectFlag('params', values.params) };
      break;
    case 'save': {
      expect(1, 'CLASS'); only(['data', 'id']);
      if (values.data === undefined) throw new CliUsageError('parse save: --data JSON is required');
      const body = parseJsonObjectFlag('data', values.data);
      const id = values.id;
      if (id !== undefined && id.trim() === '') throw new CliUsageError('--id must not be empty');
      request = id === undefined
        ? { method: 'POST', path: `classes/${encodeURIComponent(positionals[0]!)}`, body }
        : { method: 'PUT', path: `classes/${encodeURIComponent(positionals[0]!)}/${encodeURIComponent(id)}`, body };
      break;
    }
    case 'delete':
      expect(2, 'CLASS ID'); only([]);
      request = { method: 'DELETE', path: `classes/${encodeURIComponent(positionals[0]!)}/${encodeURIComponent(positionals[1]!)}`, body: {} };
      break;
    default:
      throw new CliUsageError(action ? `unknown parse command '${action}' (call, save, delete, job)` : parseUsage.split('\n')[0]!);
  }
  const timeoutMs = positiveNumberFlag('timeout', values.timeout, defaultTimeoutSeconds) * 1000;
  if (values.user !== undefined && values.user.trim() === '') throw new CliUsageError('--user must not be empty');
  const json = values.json === true;

  const app = await openApp(values, defaultAppKeys);
  if (values.user !== undefined && !app.classes.get('_User', values.user)) {
    throw new CliUsageError(`--user ${values.user}: no such user in _User (create one with: cloudfn parse save _User --data '{"username":"…","password":"…"}')`);
  }
  // Jobs are started with the master key, as from the dashboard or curl: the CLI user owns the app.
  const master = values.master === true || action === 'job';
  // Cloud Code that spins after an await (where the vm limit of its synchronous part does not reach) is stopped.
  // Armed once the app is open: loading the database and Cloud Code is not the request's time.
  watchEventLoop(timeoutMs);
  const outcome = await answerRequest(app, { ...request, master, userId: values.user }, { timeoutMs, userAgent: `cloudfn/${version}` });
  const output = { status: outcome.status, body: outcome.body, logs: outcome.logs };
  process.stdout.write(json ? JSON.stringify(output) + '\n' : formatParseReport(request.method, request.path, output, outcome.headers));
  return outcome.status >= 200 && outcome.status < 300 ? 0 : 1;
}

function formatParseReport(method: string, path: string, output: { status: number; body: unknown; logs: LogEntry[] }, headers?: Record<string, string>): string {
  const ok = output.status >= 200 && output.status < 300;
  const lines = [`${ok ? '✔' : '✘'} ${method} /parse/${path} → ${output.status}`];
  for (const [key, value] of Object.entries(headers ?? {})) lines.push(`${key}: ${value}`);
  lines.push(JSON.stringify(output.body, null, 2));
  if (output.logs.length) {
    lines.push('logs:');
    for (const entry of output.logs) lines.push(`  ${entry.level.padEnd(5)} ${entry.message.replace(/\n/g, '\n        ')}`);
  }
  return lines.join('\n') + '\n';
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    port: { type: 'string' },
    cloud: { type: 'string' },
    db: { type: 'string' },
    'app-id': { type: 'string' },
    'master-key': { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    timeout: { type: 'string' },
    ...functionsFlags,
  });
  if (positionals.length) throw new CliUsageError(`serve takes no arguments, got ${positionals.join(' ')}`);
  const port = values.port === undefined ? 1337 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port must be a port number, got '${values.port}'`);
  const appId = values['app-id'] ?? defaultAppId;
  const masterKey = values['master-key'] ?? defaultMasterKey;
  if (!appId || !masterKey) throw new CliUsageError('--app-id and --master-key must not be empty');
  const origins = (values['allow-origin'] ?? []).flatMap((value) => value.split(',')).flatMap((value) => {
    try {
      return allowedOrigins(value);
    } catch (error) {
      throw new CliUsageError(`--allow-origin: ${(error as Error).message}`);
    }
  });
  const timeoutMs = positiveNumberFlag('timeout', values.timeout, defaultTimeoutSeconds) * 1000;
  const print = (entry: LogEntry): void => { process.stdout.write(`${entry.level}: ${entry.message}\n`); };
  const app = await openApp(values, { appId, masterKey }, print);
  app.logs.take();
  // Each handler's synchronous part and, through the watchdog, anything that holds the event loop is limited
  // too: Cloud Code that spins cannot stop the server (Parse Server has no such limit).
  app.syncTimeoutMs = timeoutMs;
  watchEventLoop(timeoutMs);
  const store = app.store;
  const functions = await serveFunctions(values, store.file, timeoutMs, (line) => print({ level: 'info', message: line }));

  let saveTimer: NodeJS.Timeout | undefined;
  const saveNow = (): void => {
    saveTimer = undefined;
    try {
      app.persist();
    } catch (error) {
      process.stderr.write(`cloudfn serve: cannot save ${store.file}: ${String(error)}\n`);
    }
  };
  const scheduleSave = (): void => { app.logs.take(); if (!saveTimer && store.dirty) saveTimer = setTimeout(saveNow, 20); };
  const background = setInterval(scheduleSave, 250);
  background.unref();
  let listening;
  try {
    listening = await startParseServer(app, {
      port, appId, masterKey, allowedOrigins: origins, timeoutMs, functions: functions.handler,
      beforeRequest: () => {
        if (store.dirty || saveTimer) return;
        try {
          store.reloadIfChangedOnDisk();
        } catch (error) {
          process.stderr.write(`cloudfn serve: ${String(error)}\n`);
        }
      },
      // Saving is one journal append, so every request's writes are saved before it is answered.
      afterRequest: () => { app.logs.take(); clearTimeout(saveTimer); saveNow(); },
    });
  } catch (error) {
    throw new CliUsageError(`cannot listen on 127.0.0.1:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const cloudFile = values.cloud ?? defaultCloudFile;
  // Reload on change: the database (in memory and on disk) is kept; a broken file keeps the previous code.
  app.cloudCode.watch((error) => {
    if (error === undefined) print({ level: 'info', message: `reloaded ${cloudFile}` });
    else print({ level: 'error', message: `${errorMessage(error)}; still serving the previous version` });
  });
  functions.startSchedules();
  process.stdout.write(`cloudfn serve: CocoBASE functions of ${functions.session.project().root} at http://127.0.0.1:${listening.port}/functions/{name}/execute and /functions/${functions.session.project().projectId}/func/{name} (${functions.session.pool.size} runtimes)\n`);
  process.stdout.write(`cloudfn serve: Parse API at http://127.0.0.1:${listening.port}/parse (app id ${appId}, database ${store.file}, cloud code ${fs.existsSync(cloudFile) ? cloudFile : 'none'})\n`);
  process.stdout.write(origins.length
    ? `cloudfn serve: web pages allowed: ${origins.join(', ')}\n`
    : 'cloudfn serve: no web page may use this server (curl and SDKs outside a browser may); allow a front end with --allow-origin http://localhost:PORT\n');
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      clearTimeout(saveTimer);
      saveNow();
      listening.server.close();
      void functions.close().finally(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
