// The CocoBASE half of `cloudfn serve`: the trigger session over the project's functions (the runtime pool, the
// executions log), the /functions/ and /auth-collections/ routes handed to the HTTP server, and the schedules fired while it runs (on
// the real clock, or from `--now`: then the runs see their fire times), each fire time claimed so that the
// editor's runtime host on the same database does not run it too.

import type http from 'node:http';
import { CliUsageError, isoTimeFlag, positiveNumberFlag } from './argv';
import { answerFunction } from '../serve/cocobaseRoutes';
import { answerAuth, authMount } from '../serve/authRoutes';
import type { ParseResponse } from '../runtime/parse/rest';
import { ProjectFileError } from '../runtime/cocobase/triggers/projectConfig';
import { clockFrom, systemClock } from '../runtime/cocobase/triggers/scheduler';
import { openTriggerSession, type TriggerSession } from '../runtime/cocobase/triggers/session';
import { SessionSchedules } from '../runtime/cocobase/triggers/sessionSchedules';
import { version } from './version';

/** The flags `serve` takes for its CocoBASE half. */
export const functionsFlags = {
  project: { type: 'string' },
  pool: { type: 'string' },
  memory: { type: 'string' },
  'allow-network': { type: 'boolean' },
  now: { type: 'string' },
} as const;

export const functionsUsage = '[--project DIR] [--pool N] [--memory MB] [--allow-network] [--now ISO_TIME]';

export interface ServedFunctions {
  session: TriggerSession;
  handler: (req: http.IncomingMessage, url: URL, raw: Buffer) => Promise<ParseResponse>;
  /** Starts firing the schedules. */
  startSchedules(): void;
  close(): Promise<void>;
}

export async function serveFunctions(values: { project?: string; pool?: string; memory?: string; 'allow-network'?: boolean; now?: string },
  dbPath: string, timeoutMs: number, print: (line: string) => void): Promise<ServedFunctions> {
  const now = values.now === undefined ? undefined : isoTimeFlag('now', values.now);
  let session: TriggerSession;
  try {
    session = await openTriggerSession({
      dbPath, projectDir: values.project ?? '.', timeoutMs, userAgent: `cloudfn/${version}`,
      poolSize: values.pool === undefined ? undefined : positiveNumberFlag('pool', values.pool, 2),
      memoryLimitMb: values.memory === undefined ? undefined : positiveNumberFlag('memory', values.memory, 512),
      allowNetwork: values['allow-network'] === true, onLog: print,
    });
  } catch (error) {
    if (error instanceof ProjectFileError) throw new CliUsageError(error.message);
    throw error;
  }
  const schedules = new SessionSchedules(session, {
    clock: now === undefined ? systemClock : clockFrom(now), owner: `cloudfn serve (pid ${process.pid})`, onLog: print,
  });
  return {
    session,
    handler: (req, url, raw) => (url.pathname.startsWith(authMount)
      ? answerAuth(session.auth, req, url, raw).catch((error: unknown) => ({ status: 500, body: { detail: `internal error: ${String(error)}` } }))
      : answerFunction(session.runner, session.project(), req, url, raw)),
    startSchedules: () => schedules.start(),
    async close() {
      schedules.stop();
      await session.close();
    },
  };
}
