// The runtime host process (dist/runtimeHost.js): what the editor starts with `child_process.fork`. It owns
// one PythonSupervisor (the Python runtime process and its watchdogs) and a read/write handle on the same database file
// for the data explorer and the Parse requests (one ParseApp per Cloud Code file, host/parseApps.ts:
// the user's Cloud Code is required here, never in the editor), and answers the typed messages of
// host/protocol.ts over the IPC channel. Each run is recorded in the executions log as `manual`, and the
// hooks of its writes run in a trigger session of the function's project; while it runs, the schedules of the
// projects the editor names fire in those sessions too (host/schedules.ts).

process.env.TZ = 'UTC';

import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PythonSupervisor } from '../runtime/cocobase/supervisor';
import type { ClientToHost, DbRequest, HostProcessOptions, HostToClient } from './protocol';
import { UsageError } from '../runtime/usageError';
import { DatabaseFileError, Store } from '../runtime/store/store';
import { exportFixture, FixtureError, importFixture } from '../runtime/store/fixtures';
import { listAppUsers, listCollections, listDocuments, listParseClasses, listParseObjects } from '../runtime/store/browse';
import { EditorParseApps } from './parseApps';
import { LineBatcher } from './lineBatcher';
import { ExecutionLog } from '../runtime/cocobase/triggers/executions';
import type { RunRecording, RunRequest, RunResult } from '../runtime/cocobase/run';
import { readProjectFile } from '../runtime/cocobase/triggers/projectConfig';
import { finishManualRun, openTriggerSession, withManualRecord, type TriggerSession } from '../runtime/cocobase/triggers/session';
import { HostSchedules } from './schedules';
import { errorMessage } from '../runtime/errorMessage';

const options = JSON.parse(process.argv[2] ?? '{}') as HostProcessOptions;
const supervisor = new PythonSupervisor({
  dbPath: options.dbPath, memoryLimitMb: options.memoryLimitMb, onWarning: (message) => send({ type: 'warning', message }),
});
let browsing: Store | undefined;
const parseApps = new EditorParseApps(() => browseStore());

function send(message: HostToClient): void {
  process.send?.(message);
}

/** The explorer's handle on the database, re-read when a run (in the worker) or another tool changed it. */
async function browseStore(): Promise<Store> {
  if (!browsing) browsing = await Store.open(options.dbPath);
  else browsing.reloadIfChangedOnDisk();
  return browsing;
}

async function answerDb(request: DbRequest): Promise<unknown> {
  if (request.op === 'reset') {
    // A reset starts a new file; the worker re-reads it before its next run.
    (await Store.createEmpty(options.dbPath)).save();
    browsing?.close();
    browsing = undefined;
    // The trigger sessions used that handle: the next run opens them again.
    schedules.stop();
    void closeSessions();
    parseApps.reset();
    void schedules.rearm();
    return null;
  }
  const store = await browseStore();
  switch (request.op) {
    case 'collections': return listCollections(store);
    case 'documents': return listDocuments(store, request.collection, request.limit);
    case 'app-users': return listAppUsers(store, request.limit);
    case 'parse-classes': return listParseClasses(store);
    case 'parse-objects': return listParseObjects(store, request.className, request.limit);
    case 'executions': return new ExecutionLog(store).list({ since: request.since, limit: request.limit });
    case 'export': return exportFixture(store);
    case 'import': {
      store.begin();
      try {
        const counts = importFixture(store, request.fixture, { replace: request.replace });
        store.commit();
        store.save();
        return counts;
      } catch (error) {
        store.rollback();
        throw error;
      }
    }
  }
}

/** The trigger session of each project folder the editor ran a function of (opened on its first run). */
const sessions = new Map<string, Promise<TriggerSession>>();

/** Ends every trigger session's runtime pool and forgets the sessions (the next run opens them again). */
function closeSessions(): Promise<void> {
  const closing = [...sessions.values()].map((session) => session.then((opened) => opened.pool.dispose()).catch(() => undefined));
  sessions.clear();
  return Promise.all(closing).then(() => undefined);
}

/** The trigger session of project folder `root` (its runtime starts when a hook or schedule first runs). */
function sessionOf(root: string, timeoutMs: number): Promise<TriggerSession> {
  let session = sessions.get(root);
  if (!session) {
    session = browseStore().then((store) => openTriggerSession({
      dbPath: options.dbPath, store, projectDir: root, timeoutMs, userAgent: 'cloudfn-editor', poolSize: 1,
      memoryLimitMb: options.memoryLimitMb, onLog: (line) => send({ type: 'warning', message: line }),
    }));
    sessions.set(root, session);
  }
  return session;
}

/** The schedules fired while the host runs (set by the editor's `schedules` message). */
const schedules = new HostSchedules(sessionOf, (message) => send({ type: 'log', message }));

/**
 * After an editor run, which its runtime recorded as a `manual` execution: runs the hooks and webhooks its
 * committed writes fire, as `cloudfn run` does (the project's session, opened for the first such run).
 */
async function recordRun(run: RunRequest, result: RunResult, recording: RunRecording | undefined): Promise<void> {
  await finishManualRun(run, result, recording, async () => sessionOf(readProjectFile(path.dirname(run.functionPath!)).root, run.timeoutMs),
    (line) => send({ type: 'warning', message: line }));
}

function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || error instanceof DatabaseFileError || error instanceof FixtureError;
}

process.on('message', (message: ClientToHost) => {
  switch (message.type) {
    case 'run': {
      const output = outputOf(message.id);
      const run = withManualRecord(message.run, message.run.request.payload, `editor run of ${path.basename(message.run.functionPath ?? '')}`, new Date());
      supervisor.runRecorded(run, (line) => output.push(line)).then(
        ({ result, recording }) => { output.flush(); send({ type: 'result', id: message.id, result }); void recordRun(run, result, recording); },
        (error: unknown) => { output.flush(); send({ type: 'error', id: message.id, usage: isUsageError(error), message: errorMessage(error) }); },
      );
      break;
    }
    case 'parse': {
      const output = outputOf(message.id);
      parseApps.handle(message.request, (entry) => output.push(`[${entry.level}] ${entry.message}`)).then(
        (result) => { output.flush(); send({ type: 'parse-result', id: message.id, result }); },
        (error: unknown) => { output.flush(); send({ type: 'error', id: message.id, usage: isUsageError(error), message: errorMessage(error) }); },
      );
      break;
    }
    case 'cancel':
      supervisor.cancel();
      break;
    case 'schedules':
      void schedules.apply(message.settings);
      break;
    case 'db':
      answerDb(message.request).then(
        (value) => send({ type: 'db-result', id: message.id, value }),
        (error: unknown) => send({ type: 'error', id: message.id, usage: isUsageError(error), message: errorMessage(error) }),
      );
      break;
  }
});

/** The output lines of request `id`, sent in batches (every 15 ms at most), the rest before its answer. */
function outputOf(id: number): LineBatcher {
  return new LineBatcher((lines) => send({ type: 'output', id, lines }), 15);
}

// The client going away (editor closed, extension host crashed) ends this process and its worker.
process.on('disconnect', () => {
  schedules.stop();
  void Promise.all([supervisor.dispose(), closeSessions()]).finally(() => process.exit(0));
});

// Cloud Code runs on this thread, so a loop that never yields also blocks the 'disconnect' above: a small
// thread of its own ends the process when the client's process is gone.
const orphanWatch = new Worker(`
  const { parentPort, workerData } = require('node:worker_threads');
  setInterval(() => {
    try { process.kill(workerData.parent, 0); } catch { process.kill(workerData.self, 'SIGKILL'); }
  }, 1000);
`, { eval: true, workerData: { parent: process.ppid, self: process.pid } });
orphanWatch.unref();

supervisor.start().then(
  ({ bootMs, snapshot }) => send({ type: 'ready', bootMs, snapshot }),
  (error: unknown) => send({ type: 'fatal', message: errorMessage(error) }),
);
