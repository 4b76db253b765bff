// Runs the editor did not start — fired by `cloudfn serve` (an HTTP call), a hook, a webhook or a schedule —
// as the run panel's history shows them: an execution record of the executions log
// (runtime/cocobase/triggers/executions.ts) turned into a finished run with its payload, logs, result or
// error and what fired it. Pure: no VS Code API.

import { failedRunResult, type RequestInput, type RunResult } from '../../../runtime/cocobase/run';
import type { ExecutionRecord } from '../../../runtime/cocobase/triggers/executions';

/** What fired an execution, as the panel says it: `POST /functions/hello/execute`, `post_save on posts`. */
export function executionLabel(record: Pick<ExecutionRecord, 'trigger_detail' | 'triggered_by'>): string {
  return record.trigger_detail ?? record.triggered_by;
}

/** The result of an execution as a run's result: its returned JSON, or its error (type and message). */
export function executionResult(record: ExecutionRecord): RunResult {
  const base = failedRunResult({ type: 'Error', message: '' }, [], record.duration_ms, undefined, undefined, record.triggered_by);
  const output = record.logs;
  if (record.status === 'success') {
    const json = record.result ?? 'null';
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      value = json;
    }
    return { ...base, success: true, result: value, result_json: json, output, error: null, error_type: null, traceback: null, status_code: record.status_code };
  }
  const error = record.error ?? `the run ${record.status === 'timeout' ? 'timed out' : 'failed'}`;
  const type = /^([A-Za-z_][\w.]*): /.exec(error)?.[1] ?? (record.status === 'timeout' ? 'TimeoutError' : 'Error');
  return { ...base, output, error, error_type: type, traceback: null, status_code: record.status_code };
}

/**
 * The request an execution got, as a run's input (to run it again in the editor), as sent (a run history's
 * SentRequest) and what fired it (its RunAs; both of ./runHistory.ts, which imports this file).
 */
export function executionRequest(record: ExecutionRecord) {
  const spec: RequestInput = { payload: record.payload, query: {}, headers: {}, method: 'POST', user: null };
  const sent = { method: 'POST', target: `${record.function_name}.py`, user: null, body: record.payload as unknown, query: {}, headers: {} };
  return { spec, sent, as: { label: executionLabel(record), triggeredBy: record.triggered_by } };
}
