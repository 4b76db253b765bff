// One run from the editor: checks workspace trust, resolves the payload and user, sends the function's
// current text to the runtime host, and fans the run out to the run panel, the run log, the status bar
// (through the runtime's state) and the data explorer.

import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { buildRunRequest, failedRunResult, type RunResult } from '../../runtime/cocobase/run';
import { UsageError } from '../../runtime/usageError';
import type { Config } from '../config';
import type { DataExplorer } from '../views/dataExplorer';
import type { NamedPayload } from './payloads';
import { PayloadFileError, payloadsFileFor } from './payloads';
import { emptyPayloadName, lastRunName, type RunChoices } from './runChoices';
import type { RuntimeClient } from '../runtimeClient';
import { outputLine, runEndLine, runStartLine } from '../views/runLog';
import type { RunPanel } from '../views/runPanel/runPanel';
import { sentRequestOf, type RunAs, type RunRecord } from '../views/runPanel/runHistory';
import { scheduledSource } from '../../runtime/cocobase/triggers/functions';
import { refusedAsUntrusted } from '../util/workspaceTrust';
import { hasUnsavedChanges } from '../util/documentText';
import { refusedAsRunning } from '../util/runningNotice';
import { errorMessage } from '../../runtime/errorMessage';

export class Runner {
  constructor(
    private readonly config: Config,
    private readonly runtime: RuntimeClient,
    private readonly choices: RunChoices,
    private readonly panel: RunPanel,
    private readonly explorer: DataExplorer,
    private readonly log: vscode.LogOutputChannel,
    private readonly userAgent: string,
  ) {}

  /**
   * Runs the function with its chosen payload (or the one given). Resolves with the result once shown. `as`: the
   * run stands in for a trigger (a schedule, a hook), reported as that trigger's and not kept as the last run.
   */
  async run(uri: vscode.Uri, payload?: NamedPayload, as?: RunAs): Promise<RunResult | undefined> {
    if (await refusedAsUntrusted()) return undefined;
    if (refusedAsRunning(this.runtime)) return undefined;
    let named: NamedPayload;
    try {
      named = payload ?? this.choices.resolve(uri);
    } catch (error) {
      if (!(error instanceof PayloadFileError)) throw error;
      const open = await vscode.window.showErrorMessage(`cloudfn: ${vscode.workspace.asRelativePath(payloadsFileFor(uri.fsPath))}: ${error.message}`, 'Open Payloads File');
      if (open) await vscode.window.showTextDocument(vscode.Uri.file(payloadsFileFor(uri.fsPath)));
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const label = vscode.workspace.asRelativePath(uri, false);
    const source = as?.entry ? scheduledSource(document.getText(), as.entry) : document.getText();
    // The file's path: its project (cloudfn.json config, secrets, templates, http mocks) is the run's context, as in the CLI.
    const run = {
      ...buildRunRequest({ source, filename: label, timeoutMs: this.config.timeoutMs }, named.spec, this.userAgent),
      functionPath: uri.fsPath, triggeredBy: as?.triggeredBy, executionId: randomUUID(),
    };
    const record = this.panel.history.start(uri.fsPath, label, named.name, named.spec, sentRequestOf(run));
    // The executions log's record of this run is this entry (not a second one), and its hooks nest under it.
    record.ownExecutionId = run.executionId;
    record.as = as;
    // A named payload comes from the payloads file, as the editor shows it.
    record.unsaved = !as && named.name !== emptyPayloadName && named.name !== lastRunName && hasUnsavedChanges(payloadsFileFor(uri.fsPath));
    this.panel.show(true, uri);
    this.panel.started(record);
    this.log.info(runStartLine(label, named.name, named.spec.user));
    let result: RunResult;
    const output = this.panel.stream(record, (lines) => this.log.info(lines.map(outputLine).join('\n')));
    try {
      result = await this.runtime.run(run, (line) => output.push(line));
    } catch (error) {
      result = failedRun(record, error);
    }
    output.flush();
    this.panel.finished(record, result);
    (result.success ? this.log.info : this.log.error).call(this.log, runEndLine(label, result));
    if (!as) await this.choices.setLastRun(uri, named.spec);
    if (result.committed) this.explorer.refresh();
    return result;
  }
}

/** A run the runtime could not start (unknown user, unreadable database, runtime stopped), as a failed run. */
function failedRun(record: RunRecord, error: unknown): RunResult {
  const type = error instanceof UsageError ? 'UsageError' : 'RuntimeError';
  const message = errorMessage(error);
  return failedRunResult({ type, message }, record.output, Date.now() - record.startedAt);
}
