// The runs the run panel shows: the recent runs of this window, newest first, each with its streamed output
// and, once it ended, its result. Pure data, shared with the webview through postMessage.

import type { RunResult } from '../../runtime/protocol';
import type { NamedPayload, PayloadSpec } from '../payloads';

export interface RunRecord {
  id: number;
  /** Absolute path of the function file. */
  file: string;
  /** The file's name as shown. */
  label: string;
  payloadName: string;
  /** What the run sent, so that it can run again as it was. */
  spec: PayloadSpec;
  user: string | null;
  startedAt: number;
  status: 'running' | 'succeeded' | 'failed';
  output: string[];
  result: RunResult | null;
}

export const maxHistory = 20;

export class RunHistory {
  private runs: RunRecord[] = [];
  private nextId = 1;

  get all(): readonly RunRecord[] {
    return this.runs;
  }

  get(id: number): RunRecord | undefined {
    return this.runs.find((run) => run.id === id);
  }

  start(file: string, label: string, payload: NamedPayload): RunRecord {
    const run: RunRecord = { id: this.nextId++, file, label, payloadName: payload.name, spec: payload.spec, user: payload.spec.user, startedAt: Date.now(), status: 'running', output: [], result: null };
    this.runs = [run, ...this.runs].slice(0, maxHistory);
    return run;
  }

  finish(run: RunRecord, result: RunResult): void {
    run.result = result;
    run.status = result.success ? 'succeeded' : 'failed';
    // The streamed lines and the result's output are the same text; keep the complete one.
    run.output = result.output ? result.output.replace(/\n$/, '').split('\n') : run.output;
  }
}

/** Messages from the extension to the run panel's webview. */
export type PanelMessage =
  | { type: 'history'; runs: readonly RunRecord[]; selected: number | null }
  | { type: 'run'; run: RunRecord }
  | { type: 'output'; runId: number; line: string };

/** Messages from the webview to the extension. */
export type PanelRequest =
  | { type: 'ready' }
  | { type: 'open'; file: string; line: number }
  | { type: 'rerun'; runId: number }
  | { type: 'cancel' };
