// The editor's warm test process: `dist/testRunner.js --serve`, forked by the Testing view
// (client/testing/functionTests.ts), answers runs over its IPC channel with the JSON report of `cloudfn test
// --reporter json`, keeping one runtime (Python started, its throwaway database) between runs, so that a run
// after the first starts no Python. A run's message: {id, paths, cwd, timeoutMs, memoryLimitMb} (or {id,
// warmUp: true, …} to start the runtime ahead of the first run); its answer: {id, report} or {id, error}. Runs
// are answered one at a time, in order; the process ends when its parent disconnects. An answer also carries
// the run of each test that failed (its `cloudfn run --json` record), which the run panel shows.

import { collectTests } from './testCommand';
import { runTests, TestSession } from '../runtime/testing/runner';
import { jsonReport } from '../runtime/testing/reporters';
import { version } from './version';
import type { RunRecord } from '../runtime/testing/expectations';
import { errorMessage } from '../runtime/errorMessage';

/** A run the editor asks for. */
export interface ServeRequest {
  id: number;
  /** Only start the runtime, ahead of a first run (the bench and the tests use it). */
  warmUp?: boolean;
  paths: string[];
  cwd: string;
  timeoutMs: number;
  memoryLimitMb: number;
}

/** The run of a test that did not pass, by its payloads file and entry name. */
export interface FailedRun {
  file: string;
  name: string;
  run: RunRecord;
}

export type ServeAnswer = { id: number; report: string; failedRuns?: FailedRun[] } | { id: number; error: string };

export function serveTests(): void {
  let session: TestSession | undefined;
  let queue = Promise.resolve();
  const answer = async (request: ServeRequest): Promise<ServeAnswer> => {
    try {
      if (session && session.memoryLimitMb !== request.memoryLimitMb) {
        await session.dispose();
        session = undefined;
      }
      session ??= new TestSession(request.memoryLimitMb);
      if (request.warmUp) {
        await session.supervisor.start();
        return { id: request.id, report: jsonReport({ outcomes: [], fileErrors: [], totalMs: 0 }) };
      }
      const { files, tests } = collectTests(request.paths, request.cwd);
      const { outcomes, stats } = await runTests(tests, { timeoutMs: request.timeoutMs, memoryLimitMb: request.memoryLimitMb, userAgent: `cloudfn/${version}` }, session);
      const fileErrors = files.flatMap((file) => (file.error ? [file.error] : []));
      const failedRuns = outcomes.flatMap((outcome) => (outcome.status !== 'passed' && outcome.run ? [{ file: outcome.test.payloadsFile, name: outcome.test.name, run: outcome.run }] : []));
      return { id: request.id, report: jsonReport({ outcomes, fileErrors, totalMs: stats.totalMs }), failedRuns };
    } catch (error) {
      return { id: request.id, error: errorMessage(error) };
    }
  };
  process.on('message', (request: ServeRequest) => {
    queue = queue.then(async () => { process.send!(await answer(request)); });
  });
  process.on('disconnect', () => {
    void (session?.dispose() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}
