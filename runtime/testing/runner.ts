// The test runner of `cloudfn test` and the editor's Testing view: finds the tests (entries with `expect` of
// `*.payloads.json` files, and Parse entries with `$expect` of `*.params.json` files, see parseTests.ts), runs
// them one after another — Python ones in one warm runtime over a throwaway database (each from its fixture,
// see isolation.ts; each run's writes undone in memory at its end) — and compares each run with its expectation.

import fs from 'node:fs';
import path from 'node:path';
import { PythonSupervisor } from '../cocobase/supervisor';
import { buildRunRequest, emptyRequestInput, type RunContext, type RunResult } from '../cocobase/run';
import { loadRunContext } from '../cocobase/project';
import { UsageError } from '../usageError';
import { readRegularFile } from '../userFiles';
import { functionFileFor, PayloadFileError, payloadsFileFor, readPayloadsFile, type NamedPayload } from './payloadsFile';
import { checkExpectation, compareRun, runRecord, type RunRecord } from './expectations';
import { MatcherError, type Mismatch } from './matchers';
import { TestDatabase } from './isolation';
import { cloudFileFor, paramsFileFor, readParamsTests, type ParseTestEntry } from './paramsFile';
import { ParseTestError, runParseTest } from './parseTests';

/** One test: an entry with `expect` of a payloads file. */
export interface TestCase {
  /** The entry's name. */
  name: string;
  /** `file › name`, unique in a run. */
  id: string;
  payloadsFile: string;
  functionFile: string;
  entry: NamedPayload & { expect: Record<string, unknown> };
  /** The fixture's absolute path, or null for an empty database. */
  fixture: string | null;
  /** A Parse Cloud Code test (an entry of a params file); `functionFile` is then its cloud file. */
  parse?: ParseTestEntry;
}

/** A payloads file with its tests, or the reason it cannot be read. */
export interface TestFile {
  payloadsFile: string;
  functionFile: string;
  tests: TestCase[];
  /** Entries without `expect` (plain payloads), which snapshot mode can turn into tests. */
  payloads: NamedPayload[];
  /** The file's default fixture (absolute), or null. */
  fixture: string | null;
  error?: string;
}

export type TestStatus = 'passed' | 'failed' | 'error';

export interface TestOutcome {
  test: TestCase;
  status: TestStatus;
  /** The differences of a failed test; the reason of an errored one (it could not run). */
  mismatches: Mismatch[];
  /** The run, when there was one. */
  run?: RunRecord;
  ms: number;
}

/** Folders never searched for tests. */
const skippedFolders = new Set(['node_modules', '.git', '.cloudfn', 'dist', '.e2e']);

/** Thrown for paths that do not exist (a usage error of `cloudfn test`). */
export class TestPathError extends Error {
  override name = 'TestPathError';
}

/**
 * The payloads files (and Parse params files) under the given paths (files or folders; a `.py` stands for its
 * payloads file, a `.js` for its params file; relative paths from `cwd`), sorted.
 */
export function findPayloadsFiles(paths: readonly string[], cwd = process.cwd()): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !skippedFolders.has(entry.name)) walk(path.join(dir, entry.name));
      else if (entry.isFile() && (entry.name.endsWith('.payloads.json') || entry.name.endsWith('.params.json'))) found.add(path.join(dir, entry.name));
    }
  };
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const stats = fs.statSync(absolute, { throwIfNoEntry: false });
    if (!stats) throw new TestPathError(`no such file or folder: ${given}`);
    if (stats.isDirectory()) walk(absolute);
    else if (absolute.endsWith('.py')) found.add(payloadsFileFor(absolute));
    else if (absolute.endsWith('.js')) found.add(paramsFileFor(absolute));
    else if (absolute.endsWith('.payloads.json') || absolute.endsWith('.params.json')) found.add(absolute);
    else throw new TestPathError(`not a folder, function file, payloads file or params file: ${given}`);
  }
  return [...found].sort();
}

/** The text of a function or payloads file, or undefined when it does not exist. */
function readText(file: string): string | undefined {
  return readRegularFile(file, 64 * 2 ** 20)?.bytes.toString('utf8');
}

/** How a payloads file is named in test ids and messages: relative to the run's root. */
function relativeName(root: string, payloadsFile: string): string {
  return path.relative(root, payloadsFile) || path.basename(payloadsFile);
}

/** A fixture named in a payloads file, resolved against the file's folder. */
function fixturePath(payloadsFile: string, fixture: string): string {
  return path.resolve(path.dirname(payloadsFile), fixture);
}

/** Reads a payloads file's tests; a file that cannot be read, or an expectation that is not valid, is an error of the file. */
export function loadTestFile(payloadsFile: string, root: string, text?: string): TestFile {
  const isParams = payloadsFile.endsWith('.params.json');
  const functionFile = isParams ? cloudFileFor(payloadsFile) : functionFileFor(payloadsFile);
  const relative = relativeName(root, payloadsFile);
  const file: TestFile = { payloadsFile, functionFile, tests: [], payloads: [], fixture: null };
  try {
    const source = text ?? readText(payloadsFile);
    if (source === undefined) throw new PayloadFileError('no such file');
    if (isParams) {
      for (const entry of readParamsTests(source)) {
        checkedExpectation(entry.name, entry.expect);
        const named = { name: entry.name, spec: emptyRequestInput(), expect: entry.expect };
        file.tests.push({ ...testCaseOf(file, named, root), parse: entry });
      }
      return file;
    }
    const parsed = readPayloadsFile(source);
    file.fixture = parsed.fixture === null ? null : fixturePath(payloadsFile, parsed.fixture);
    for (const entry of parsed.entries) {
      if (!entry.expect) {
        file.payloads.push(entry);
        continue;
      }
      checkedExpectation(`payload '${entry.name}'`, entry.expect);
      file.tests.push(testCaseOf(file, entry as TestCase['entry'], root));
    }
  } catch (error) {
    if (!(error instanceof PayloadFileError)) throw error;
    file.error = `${relative}: ${error.message}`;
  }
  return file;
}

/** Checks an expectation before any run; one that is not valid is an error of its file, naming the entry. */
function checkedExpectation(where: string, expect: Record<string, unknown>): void {
  try {
    checkExpectation(expect);
  } catch (error) {
    if (error instanceof MatcherError) throw new PayloadFileError(`${where}: ${error.message}`);
    throw error;
  }
}

/** The test of an entry of a file: its id (the file relative to `root` › the name) and its fixture (its own, or the file's). */
export function testCaseOf(file: TestFile, entry: TestCase['entry'], root: string): TestCase {
  const relative = relativeName(root, file.payloadsFile);
  const fixture = entry.fixture === undefined ? file.fixture : entry.fixture === null ? null : fixturePath(file.payloadsFile, entry.fixture);
  return { name: entry.name, id: `${relative} › ${entry.name}`, payloadsFile: file.payloadsFile, functionFile: file.functionFile, entry, fixture };
}

export interface RunTestsOptions {
  timeoutMs?: number;
  memoryLimitMb?: number;
  userAgent: string;
  /** Reads a function's source (the editor passes unsaved text); the file on disk by default. */
  readSource?: (file: string) => string | undefined;
  onOutcome?: (outcome: TestOutcome) => void;
  /** Stops before the next test when it returns true. */
  cancelled?: () => boolean;
}

/** The figures of a test run: how long it took, and the database resets. */
export interface RunStats {
  totalMs: number;
  startMs: number;
  resets: TestDatabase['resets'];
}

/**
 * A warm runtime and its throwaway database, kept between runs (the editor's Testing view keeps one in its
 * test process, so that a run after the first does not start Python again). One run at a time.
 */
export class TestSession {
  readonly database = new TestDatabase();
  readonly supervisor: PythonSupervisor;

  constructor(readonly memoryLimitMb?: number) {
    this.supervisor = new PythonSupervisor({ dbPath: this.database.dbPath, memoryLimitMb });
  }

  async dispose(): Promise<void> {
    await this.supervisor.dispose();
    this.database.dispose();
  }
}

/**
 * Runs the tests in order in one runtime over a throwaway database: each from its fixture's state (the
 * runtime rolls each run's transaction back, so a test leaves the database as it found it), with its frozen
 * `now` as request.timestamp and as the wall clock the function reads. A test whose run cannot start (unknown
 * user, unreadable function) errors. Without a `session` the runtime is started for these tests and stopped
 * after them; with one it is kept (its fixtures are read again).
 */
export async function runTests(tests: readonly TestCase[], options: RunTestsOptions, session?: TestSession): Promise<{ outcomes: TestOutcome[]; stats: RunStats }> {
  const started = performance.now();
  const own = session ?? new TestSession(options.memoryLimitMb);
  const { database, supervisor } = own;
  if (session) database.forgetFixtures();
  const resetsBefore = { ...database.resets };
  const outcomes: TestOutcome[] = [];
  let startMs = 0;
  try {
    const first = tests.find((test) => !test.parse);
    if (first) {
      const booting = supervisor.start().then(() => (startMs = performance.now() - started));
      await database.prepare(first.fixture);
      await booting;
    }
    const functions = new Map<string, FunctionUnderTest>();
    const readSource = options.readSource ?? readText;
    for (const test of tests) {
      if (options.cancelled?.()) break;
      const testStarted = performance.now();
      let outcome: TestOutcome;
      if (test.parse) {
        outcome = await runParse(test, test.parse, database.folder, options);
      } else {
        let under = functions.get(test.functionFile);
        if (!under) functions.set(test.functionFile, under = functionUnderTest(test, readSource));
        outcome = await runOne(test, under, supervisor, database, options);
      }
      outcome.ms = performance.now() - testStarted;
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
    }
  } finally {
    if (!session) await own.dispose();
  }
  const resets = { count: database.resets.count - resetsBefore.count, totalMs: database.resets.totalMs - resetsBefore.totalMs, maxMs: database.resets.maxMs };
  return { outcomes, stats: { totalMs: performance.now() - started, startMs, resets } };
}

/** A Parse test: its request answered in this process over a database of its own, compared with its expectation. */
async function runParse(test: TestCase, entry: ParseTestEntry, folder: string, options: RunTestsOptions): Promise<TestOutcome> {
  if (!fs.existsSync(test.functionFile)) return { test, status: 'error', mismatches: [{ path: '', message: `no cloud file ${path.basename(test.functionFile)} beside ${path.basename(test.payloadsFile)}` }], ms: 0 };
  let run: RunRecord;
  try {
    run = await runParseTest(entry, test.functionFile, folder, { timeoutMs: options.timeoutMs ?? 20_000, userAgent: options.userAgent });
  } catch (error) {
    if (error instanceof ParseTestError) return { test, status: 'error', mismatches: [{ path: '', message: error.message }], ms: 0 };
    throw error;
  }
  const mismatches = compareRun(test.entry.expect, run);
  return { test, status: mismatches.length ? 'failed' : 'passed', mismatches, run, ms: 0 };
}

/** A function file as its tests run it: its source and its project's context (mocks, secrets, config), or why it cannot run. */
type FunctionUnderTest = { source: string; context: RunContext } | { error: string };

/** Reads a test's function and its project's context once for all the tests of that function. */
function functionUnderTest(test: TestCase, readSource: (file: string) => string | undefined): FunctionUnderTest {
  let source: string | undefined;
  try {
    source = readSource(test.functionFile);
  } catch (error) {
    return { error: `cannot read ${test.functionFile}: ${(error as Error).message}` };
  }
  if (source === undefined) return { error: `no function file ${path.basename(test.functionFile)} beside ${path.basename(test.payloadsFile)}` };
  try {
    return { source, context: loadRunContext(test.functionFile) };
  } catch (error) {
    if (error instanceof UsageError) return { error: error.message };
    throw error;
  }
}

async function runOne(test: TestCase, under: FunctionUnderTest, supervisor: PythonSupervisor, database: TestDatabase, options: RunTestsOptions): Promise<TestOutcome> {
  const errored = (message: string): TestOutcome => ({ test, status: 'error', mismatches: [{ path: '', message }], ms: 0 });
  if ('error' in under) return errored(under.error);
  try {
    await database.prepare(test.fixture);
  } catch (error) {
    return errored((error as Error).message);
  }
  const now = test.entry.now === undefined ? new Date() : new Date(test.entry.now);
  const request = {
    ...buildRunRequest({ source: under.source, filename: test.functionFile, timeoutMs: options.timeoutMs ?? 20_000 }, test.entry.spec, options.userAgent, now),
    functionPath: test.functionFile, context: under.context, discardWrites: true,
    ...(test.entry.now === undefined ? {} : { frozenNow: now.toISOString() }),
  };
  let result: RunResult;
  try {
    result = await supervisor.run(request);
  } catch (error) {
    if (error instanceof UsageError) return errored(error.message.split(database.dbPath).join(test.fixture ? path.basename(test.fixture) : 'the empty database'));
    throw error;
  }
  const run = runRecord(result);
  const mismatches = compareRun(test.entry.expect, run);
  return { test, status: mismatches.length ? 'failed' : 'passed', mismatches, run, ms: 0 };
}
