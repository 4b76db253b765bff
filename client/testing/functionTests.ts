// The Testing view's cloudfn tests (VS Code's TestController): every entry with `expect` of a
// `*.payloads.json` file (and with `$expect` of a Parse `*.params.json` file), listed under its function (or
// cloud) file at the entry's line, kept current as the files change. A run (one test, a file or all) goes to
// a warm test process (dist/testRunner.js --serve, cli/testServe.ts: `cloudfn test --reporter json` that
// keeps its runtime between runs) over a throwaway database, never the local one, and shows each failure at
// its payload entry: its differences, and the expectation beside what the run gave as a diff. The first
// failing test of a run (in the view's order) that has a run also goes to the run panel, shown like any run
// with a "Test failed" section: one panel for a run of 200 tests, not one per failure.

import * as vscode from 'vscode';
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { entryOffsets, functionFileFor, PayloadFileError, readPayloadsFile } from '../../runtime/testing/payloadsFile';
import { cloudFileFor, readParamsTests } from '../../runtime/testing/paramsFile';
import type { Config } from '../config';
import type { FailedRun, ServeAnswer, ServeRequest } from '../../cli/testServe';
import { failedRunResult, emptyRequestInput, type RequestInput, type RunResult } from '../../runtime/cocobase/run';
import { testFailureView, type ReportedTest, type TestFailureView } from '../views/runPanel/testFailure';
import { errorMessage } from '../../runtime/errorMessage';

/** What a run of the warm test process answered: its tests, and the runs of those that did not pass. */
interface RunAnswer {
  tests: ReportedTest[];
  failedRuns: FailedRun[];
}

/** The first failing test of a run with a run to show, as the run panel takes it (RunPanel.testFailed). */
export type ShowTestFailure = (file: string, label: string, entryName: string, spec: RequestInput, result: RunResult, test: TestFailureView) => void;

const payloadsGlob = '**/*.{payloads,params}.json';
const excluded = '{**/node_modules/**,**/.cloudfn/**}';

/** The tests of a payloads file (entries with "expect") and where each entry starts. */
function payloadsTestOffsets(text: string): Array<{ name: string; offset: number }> {
  const offsets = entryOffsets(text);
  return readPayloadsFile(text).entries.filter((entry) => entry.expect).map((entry) => ({ name: entry.name, offset: offsets.get(entry.name) ?? 0 }));
}

/** The tests of a Parse params file (`function hello › says hi`) and where each entry starts: its name after its target's key. */
function paramsTestOffsets(text: string): Array<{ name: string; offset: number }> {
  const targets = entryOffsets(text);
  return readParamsTests(text).map((test) => {
    const [key, entryName] = test.name.split(' › ') as [string, string];
    const start = targets.get(key) ?? 0;
    const at = text.indexOf(JSON.stringify(entryName), start);
    return { name: test.name, offset: at < 0 ? start : at };
  });
}

/** The warm test process and its requests waiting for an answer. */
interface WarmProcess {
  child: ChildProcess;
  pending: Map<number, { resolve(answer: RunAnswer): void; reject(error: Error): void }>;
  /** The end of what it wrote on stderr, for the message when it ends unexpectedly. */
  stderr: string;
}

/** How long the warm test process (and its runtime's memory) is kept without a run. */
const idleMs = 10 * 60_000;

export class FunctionTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('cloudfn.tests', 'cloudfn functions');
  private readonly disposables: vscode.Disposable[] = [];
  private warm: WarmProcess | undefined;
  private nextRequest = 1;
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly runnerScript: string, private readonly config: Config, private readonly mayRun: () => boolean,
    private readonly showFailure: ShowTestFailure) {
    const watcher = vscode.workspace.createFileSystemWatcher(payloadsGlob);
    this.disposables.push(
      this.controller, watcher,
      watcher.onDidCreate((uri) => void this.load(uri)),
      watcher.onDidChange((uri) => void this.load(uri)),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (/\.(payloads|params)\.json$/.test(event.document.uri.fsPath)) this.loadText(event.document.uri, event.document.getText());
      }),
      this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true),
    );
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.loadAll();
    };
    this.controller.refreshHandler = () => this.loadAll();
  }

  /** Lists the tests of every payloads file of the workspace. */
  async loadAll(): Promise<void> {
    const files = await vscode.workspace.findFiles(payloadsGlob, excluded);
    await Promise.all(files.map((uri) => this.load(uri)));
  }

  private async load(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    const text = open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    this.loadText(uri, text);
  }

  /**
   * The tests of one payloads (or Parse params) file's text: a file item (the function's or cloud file's name)
   * with one child per test, at its entry's line.
   */
  private loadText(uri: vscode.Uri, text: string): void {
    const isParams = uri.fsPath.endsWith('.params.json');
    let entries: Array<{ name: string; offset: number }>;
    try {
      entries = isParams ? paramsTestOffsets(text) : payloadsTestOffsets(text);
    } catch (error) {
      if (!(error instanceof PayloadFileError)) throw error;
      const item = this.controller.items.get(uri.toString());
      if (item) item.error = error.message;
      return;
    }
    if (!entries.length) {
      this.controller.items.delete(uri.toString());
      return;
    }
    const item = this.controller.createTestItem(uri.toString(), path.basename(isParams ? cloudFileFor(uri.fsPath) : functionFileFor(uri.fsPath)), uri);
    item.description = vscode.workspace.asRelativePath(path.dirname(uri.fsPath));
    item.error = undefined;
    const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length - 1;
    item.children.replace(entries.map((entry) => {
      const child = this.controller.createTestItem(`${uri.toString()}#${entry.name}`, entry.name, uri);
      const line = lineOf(entry.offset);
      child.range = new vscode.Range(line, 0, line, 0);
      return child;
    }));
    this.controller.items.add(item);
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    const tests: vscode.TestItem[] = [];
    const collect = (item: vscode.TestItem): void => {
      if (request.exclude?.includes(item)) return;
      if (item.children.size) item.children.forEach(collect);
      else if (item.parent) tests.push(item);
    };
    if (request.include) request.include.forEach(collect);
    else this.controller.items.forEach(collect);
    for (const test of tests) run.started(test);
    const files = [...new Set(tests.map((test) => test.uri!.fsPath))];
    try {
      if (!this.mayRun()) throw new Error('Running functions is disabled in this untrusted workspace.');
      await vscode.workspace.saveAll(false);
      const { tests: report, failedRuns } = await this.runFiles(files, token);
      const byId = new Map(report.map((entry) => [`${vscode.Uri.file(entry.file).toString()}#${entry.name}`, entry]));
      let shown = false;
      for (const test of tests) {
        const result = byId.get(test.id);
        if (!result) run.skipped(test);
        else if (result.status === 'passed') run.passed(test, result.time_ms);
        else {
          const failure = testFailureView(result, String(test.parent?.label ?? ''))!;
          const text = failure.mismatches.join('\n');
          // A failure with both sides shows them as a diff (expectation ⟷ what the run gave) in the peek at the entry.
          const message = result.expected && result.actual
            ? vscode.TestMessage.diff(text, JSON.stringify(result.expected, null, 2), JSON.stringify(result.actual, null, 2))
            : new vscode.TestMessage(text);
          message.location = new vscode.Location(test.uri!, test.range ?? new vscode.Range(0, 0, 0, 0));
          // The Test Results panel gets the failure as text too, linked to the entry.
          run.appendOutput(`✘ ${failure.name}\r\n${failure.mismatches.map((line) => `    ${line}`).join('\r\n')}\r\n`, message.location, test);
          if (result.status === 'failed') run.failed(test, message, result.time_ms);
          else run.errored(test, message, result.time_ms);
          const ran = failedRuns.find((entry) => entry.file === result.file && entry.name === result.name);
          if (ran && !shown) shown = this.showInPanel(result, ran, failure);
        }
      }
    } catch (error) {
      const message = new vscode.TestMessage(errorMessage(error));
      for (const test of tests) run.errored(test, message);
    } finally {
      run.end();
    }
  }

  /**
   * Shows a failing test's run in the run panel, with the request of its entry as its file gives it; false when
   * the file no longer holds the entry.
   */
  private showInPanel(test: ReportedTest, ran: FailedRun, failure: TestFailureView): boolean {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === test.file);
    let text: string;
    try {
      text = open ? open.getText() : fs.readFileSync(test.file, 'utf8');
    } catch {
      return false;
    }
    const isParams = test.file.endsWith('.params.json');
    let spec: RequestInput | undefined;
    try {
      const parse = isParams ? readParamsTests(text).find((entry) => entry.name === test.name) : undefined;
      spec = isParams
        ? parse && { ...emptyRequestInput(), payload: parse.input as RequestInput['payload'], user: parse.user ?? null }
        : readPayloadsFile(text).entries.find((entry) => entry.name === test.name)?.spec;
    } catch (error) {
      if (!(error instanceof PayloadFileError)) throw error;
    }
    if (!spec) return false;
    const functionFile = isParams ? cloudFileFor(test.file) : functionFileFor(test.file);
    // A Parse test's record has the fields of a Python run's but not its timings and effects: the defaults fill them.
    const result = { ...failedRunResult({ type: 'Error', message: '' }, [], test.time_ms), ...ran.run, execution_time: Number(ran.run.execution_time ?? test.time_ms) } as RunResult;
    this.showFailure(functionFile, path.basename(functionFile), test.name, spec, result, failure);
    return true;
  }

  /**
   * The warm test process (`dist/testRunner.js --serve`): started on the first need, kept between runs with
   * its runtime, ended after some idle minutes, on cancel (a run is stopped by ending it) and on dispose.
   */
  private warmProcess(): WarmProcess {
    if (this.warm?.child.connected) return this.warm;
    const child = fork(this.runnerScript, ['--serve'], {
      // In VS Code's Electron, a forked process must run as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const warm: WarmProcess = { child, pending: new Map(), stderr: '' };
    child.stderr!.on('data', (chunk: Buffer) => { warm.stderr = (warm.stderr + chunk.toString()).slice(-4000); });
    child.on('message', (answer: ServeAnswer) => {
      const pending = warm.pending.get(answer.id);
      warm.pending.delete(answer.id);
      if (!pending) return;
      if ('error' in answer) pending.reject(new Error(answer.error));
      else pending.resolve({ tests: (JSON.parse(answer.report) as { tests: ReportedTest[] }).tests, failedRuns: answer.failedRuns ?? [] });
    });
    const ended = (why: string): void => {
      if (this.warm === warm) this.warm = undefined;
      for (const pending of warm.pending.values()) pending.reject(new Error(warm.stderr.trim() || why));
      warm.pending.clear();
    };
    child.on('error', (error) => ended(error.message));
    child.on('exit', (code, signal) => ended(`the test process ended (${signal ?? `exit code ${code}`})`));
    this.warm = warm;
    return warm;
  }

  /** Sends one request to the warm test process; the tests it reported. */
  private ask(request: Omit<ServeRequest, 'id'>, token?: vscode.CancellationToken): Promise<RunAnswer> {
    const warm = this.warmProcess();
    const id = this.nextRequest++;
    clearTimeout(this.idle);
    const cancel = token?.onCancellationRequested(() => warm.child.kill());
    return new Promise<RunAnswer>((resolve, reject) => {
      warm.pending.set(id, { resolve, reject });
      warm.child.send({ ...request, id } satisfies ServeRequest);
    }).finally(() => {
      cancel?.dispose();
      this.idle = setTimeout(() => this.warm?.child.kill(), idleMs);
    });
  }

  /** Runs the tests of payloads files in the warm test process, from their workspace folder; the tests it reported. */
  private runFiles(files: string[], token: vscode.CancellationToken): Promise<RunAnswer> {
    const cwd = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(files[0]!))?.uri.fsPath ?? path.dirname(files[0]!);
    return this.ask({ paths: files, cwd, timeoutMs: this.config.timeoutMs, memoryLimitMb: this.config.memoryLimitMb }, token);
  }

  dispose(): void {
    clearTimeout(this.idle);
    this.warm?.child.kill();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
