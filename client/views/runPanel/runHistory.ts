// The runs the run panel shows: the recent runs of this window, newest first, each with its streamed output
// and, once it ended, its result. Pure data, shared with the webview through postMessage.

import type { ParseHostResult } from '../../../host/protocol';
import { emptyRequestInput, type RequestInput, type RunRequest, type RunResult, type TriggeredBy } from '../../../runtime/cocobase/run';
import { parseFailure, pythonFailure, type RunFailureView } from './errorTrace';
import { changesView } from './changeDiff';
import { effectsView, renderedHtml, type EffectsView } from './effects';
import { executionRequest, executionResult } from './executions';
import type { TestFailureView } from './testFailure';
import type { ExecutionRecord } from '../../../runtime/cocobase/triggers/executions';
import { indentJsonText } from '../../../runtime/cocobase/resultText';

export interface RunRecord {
  id: number;
  /** Absolute path of the function file. */
  file: string;
  /** The file's name as shown. */
  label: string;
  payloadName: string;
  /** What the run sent, so that it can run again as it was. */
  spec: RequestInput;
  user: string | null;
  /** The request as it was sent (defaults filled in), shown in the panel for both dialects. */
  sent: SentRequest;
  /** What the run stood in for, when not a plain run (a schedule's run, a simulated hook). */
  as?: RunAs;
  /** A run the editor did not start (serve, a hook, a schedule): its execution's id, and the one whose write fired it. */
  execution?: { id: string; parentId: string | null };
  /** The execution id the editor's own run is recorded under: the log's record of it is this run, and hooks its writes fire nest under it. */
  ownExecutionId?: string;
  /** The payload (or params) came from an open file with unsaved edits. */
  unsaved?: boolean;
  startedAt: number;
  /** When the run ended (its result or its failure arrived); null while it runs. */
  endedAt: number | null;
  status: 'running' | 'succeeded' | 'failed';
  /** A failed run's error, traceback or stack, and the place in the user's code it points at. */
  failure: RunFailureView | null;
  output: string[];
  result: RunResult | null;
  /** A Parse Cloud Code run: the request sent and, once answered, Parse Server's status, body and logs. */
  parse?: ParseRun;
  /** The run of a test of the Testing view that failed: its "Test failed" section (it is not run again from the panel). */
  test?: TestFailureView;
}

/** A run standing in for a trigger: what it is said to be, what the result reports as its trigger, its entry. */
export interface RunAs {
  /** `schedule nightly-cleanup`, `post_save on posts`. */
  label: string;
  triggeredBy: TriggeredBy;
  /** A schedule's `file.entry`: the module-level function the run calls instead of `main`. */
  entry?: string;
}

/** A request as a run sent it: a Python run's request, or a Parse REST request. */
export interface SentRequest {
  method: string;
  /** A Python run's function file, or a Parse request's path (`/parse/functions/hello`). */
  target: string;
  user: string | null;
  /** A Python run's payload, or a Parse request's body. */
  body: unknown;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** What a Python run sent: its request with the client's defaults filled in (headers, method), and its user. */
export function sentRequestOf(run: RunRequest): SentRequest {
  const { method, payload, query, headers } = run.request;
  return { method, target: run.filename, user: run.user, body: payload, query, headers };
}

export interface ParseRun {
  /** What the code lens ran: `function hello`, `job myJob`, `save Review`, `delete Review`. */
  target: string;
  /** The input as picked (params, object JSON with its objectId, or an objectId), to run it again as it was. */
  input: unknown;
  response: ParseHostResult | null;
  /** Why the request could not be sent (Cloud Code that does not load, runtime stopped). */
  error: string | null;
}

export const maxHistory = 20;

/** Output lines the panel holds per run (the last ones); "Open full output" shows them all. */
export const panelOutputLines = 10_000;

/**
 * A run as the webview gets it: its total line count and only its last lines of output, sent once; its mails
 * and http calls ("Mail & HTTP", null when none) and the HTML it returned (null when it returned none).
 */
export type PanelRun = RunRecord & { outputTotal: number; effects: EffectsView | null; html: string | null };

/**
 * The run as the webview gets it: the last `panelOutputLines` of its output, and no second copy of them in the
 * result or the Parse response; its database changes with each update's changed fields.
 */
export function panelView(run: RunRecord): PanelRun {
  const output = run.output.length > panelOutputLines ? run.output.slice(-panelOutputLines) : run.output;
  const result = run.result && { ...run.result, output: '', changes: changesView(run.result.changes) };
  const parse = run.parse?.response ? { ...run.parse, response: { ...run.parse.response, logs: [], changes: changesView(run.parse.response.changes) } } : run.parse;
  return { ...run, output, outputTotal: run.output.length, result, parse, effects: effectsView(run.result), html: renderedHtml(run.result) };
}

/** Lines as the panel holds them: one entry per line (a log entry of several lines becomes several). */
export function splitLines(lines: readonly string[]): string[] {
  const split: string[] = [];
  for (const line of lines) {
    if (line.includes('\n')) split.push(...line.split('\n'));
    else split.push(line);
  }
  return split;
}

export class RunHistory {
  private runs: RunRecord[] = [];
  private nextId = 1;

  get all(): readonly RunRecord[] {
    return this.runs;
  }

  get(id: number): RunRecord | undefined {
    return this.runs.find((run) => run.id === id);
  }

  start(file: string, label: string, payloadName: string, spec: RequestInput, sent: SentRequest): RunRecord {
    const run: RunRecord = { id: this.nextId++, file, label, payloadName, spec, user: spec.user, sent, startedAt: Date.now(), endedAt: null, status: 'running', failure: null, output: [], result: null };
    return this.push(run);
  }

  /** Starts a Parse run: `payloadName` is the chosen params' name, `spec` is unused (empty). */
  startParse(file: string, label: string, paramsName: string, parse: Omit<ParseRun, 'response' | 'error'>, sent: SentRequest): RunRecord {
    const user = sent.user;
    const run: RunRecord = {
      id: this.nextId++, file, label, payloadName: paramsName, spec: emptyRequestInput(), sent,
      user, startedAt: Date.now(), endedAt: null, status: 'running', failure: null, output: [], result: null, parse: { ...parse, response: null, error: null },
    };
    return this.push(run);
  }

  /**
   * Ends a Parse run: succeeded for a 2xx status (as the CLI's exit code). A failure's stack frames (and a load
   * error's place) in files under `roots` become links.
   */
  finishParse(run: RunRecord, response: ParseHostResult | null, error: string | null, roots: readonly string[] = []): void {
    if (!run.parse) return;
    run.parse.response = response;
    run.parse.error = error;
    run.endedAt = Date.now();
    run.status = response && response.status >= 200 && response.status < 300 ? 'succeeded' : 'failed';
    if (run.status === 'succeeded') return;
    const body = (response?.body ?? {}) as { code?: unknown; error?: unknown };
    const message = error ?? (typeof body.error === 'string' ? `${body.error}${typeof body.code === 'number' ? ` (Parse error ${body.code})` : ''}` : `HTTP ${response?.status}`);
    run.failure = parseFailure(message, response?.stack, roots, run.file);
  }

  /**
   * Adds a run of the executions log (fired by serve, a hook or a schedule) as a finished run, once: an
   * execution already in the history is not added again (undefined). `file`: its function file, when known.
   */
  addExecution(record: ExecutionRecord, file: string): RunRecord | undefined {
    if (this.runs.some((run) => run.execution?.id === record.id || run.ownExecutionId === record.id)) return undefined;
    const { spec, sent, as } = executionRequest(record);
    const label = `${record.function_name}.py`;
    const startedAt = Date.parse(record.started_at);
    const run: RunRecord = {
      id: this.nextId++, file, label, payloadName: as.label, spec, user: null, sent, as, execution: { id: record.id, parentId: record.parent_id },
      startedAt, endedAt: null, status: 'running', failure: null, output: [], result: null,
    };
    this.finish(run, executionResult(record));
    run.endedAt = startedAt + record.duration_ms;
    return this.push(run);
  }

  /**
   * Adds the run of a failing test of the Testing view as a finished run with its "Test failed" section.
   * `entryName`: the test's entry; `spec`: its request as its file gives it.
   */
  addTestRun(file: string, label: string, entryName: string, spec: RequestInput, result: RunResult, test: TestFailureView): RunRecord {
    const sent: SentRequest = { method: spec.method, target: label, user: spec.user, body: spec.payload, query: spec.query, headers: spec.headers };
    const now = Date.now();
    const run: RunRecord = {
      id: this.nextId++, file, label, payloadName: entryName, spec, user: spec.user, sent, test,
      startedAt: now - result.execution_time, endedAt: null, status: 'running', failure: null, output: [], result: null,
    };
    this.finish(run, result);
    return this.push(run);
  }

  /** Puts a new run first in the history, which keeps the newest `maxHistory`. */
  private push(run: RunRecord): RunRecord {
    this.runs = [run, ...this.runs].slice(0, maxHistory);
    return run;
  }

  finish(run: RunRecord, result: RunResult): void {
    run.result = result;
    run.endedAt = Date.now();
    run.status = result.success ? 'succeeded' : 'failed';
    run.failure = result.success ? null : pythonFailure(result, run.file, run.label);
    // The streamed lines and the result's output are the same text; keep the complete one.
    run.output = result.output ? result.output.replace(/\n$/, '').split('\n') : run.output;
  }
}

/**
 * A run's result as JSON text for "Open result as JSON" (a Python run's returned value, a Parse run's response
 * body); undefined when it has none. A Python run's is the runtime's exact JSON text (Python's json.dumps).
 */
export function resultJson(run: RunRecord): string | undefined {
  if (run.parse) return run.parse.response ? JSON.stringify(run.parse.response.body, null, 2) : undefined;
  if (!run.result?.success) return undefined;
  // Runs saved before the runtime sent its exact text have only the JavaScript value.
  return run.result.result_json !== undefined ? indentJsonText(run.result.result_json) : JSON.stringify(run.result.result, null, 2);
}

/** Messages from the extension to the run panel's webview. */
export type PanelMessage =
  | { type: 'history'; runs: readonly PanelRun[]; selected: number | null }
  | { type: 'run'; run: PanelRun }
  /** A run added to the history without being shown (a run fired elsewhere while one of the editor's runs goes on). */
  | { type: 'added'; run: PanelRun }
  /** More lines of a running run's output (a batch), and how many it has printed in all. */
  | { type: 'output'; runId: number; lines: string[]; total: number };

/** Messages from the webview to the extension. */
export type PanelRequest =
  | { type: 'ready' }
  | { type: 'open'; file: string; line: number }
  | { type: 'rerun'; runId: number }
  | { type: 'openOutput'; runId: number }
  | { type: 'openResult'; runId: number }
  | { type: 'cancel' }
  /** The user chose a run of the history (the panel follows the executions log only while one of its runs is chosen). */
  | { type: 'select'; runId: number };
