// The run panel: one webview in a fixed column right of the code, showing each run's request, status, returned
// value (a lazily built JSON tree), streamed print output, error with a clickable traceback, and database
// changes, mails and http calls ("Mail & HTTP"), returned HTML in a sandboxed preview, with a history of recent
// runs to compare and re-run, and the run of a failing test of the Testing view with its "Test failed"
// section. Files it opens go to the code's group. Themed with VS Code's CSS variables and codicons; strict
// CSP: scripts only by nonce, nothing loaded from the network. Inline styles and data: images are allowed so
// that a previewed page or mail (a sandboxed srcdoc frame, which inherits this policy) keeps its look; the
// panel itself builds its DOM from text only.

import * as vscode from 'vscode';
import crypto from 'node:crypto';
import type { ParseHostResult } from '../../../host/protocol';
import type { RequestInput, RunResult } from '../../../runtime/cocobase/run';
import type { TestFailureView } from './testFailure';
import type { ExecutionRecord } from '../../../runtime/cocobase/triggers/executions';
import { panelView, resultJson, RunHistory, splitLines, type PanelMessage, type PanelRequest, type RunRecord } from './runHistory';
import { LineBatcher } from '../../../host/lineBatcher';
import { FailureMarks } from '../failureMarks';

export interface RunPanelActions {
  rerun(run: RunRecord): void;
  cancel(): void;
}

export class RunPanel implements vscode.Disposable {
  static readonly viewType = 'cloudfn.runPanel';
  readonly history = new RunHistory();
  private panel: vscode.WebviewPanel | undefined;
  private selected: number | null = null;
  private webviewReady = false;
  /** The editor group of the code last run: files opened from the panel go there, and the panel sits right of it. */
  private codeColumn: vscode.ViewColumn = vscode.ViewColumn.One;
  /** The failing line of failed runs, marked in the editor. */
  private readonly marks = new FailureMarks();

  constructor(private readonly mediaRoot: vscode.Uri, private readonly actions: RunPanelActions) {}

  /**
   * Shows the panel without taking focus from the editor. It is created in the column right of the code's and
   * stays in its column after that (wherever the user moved it), unless the code is in that very column: then
   * it moves right of it, so that it never hides the code. `code`: the file being run, whose editor group is
   * where files opened from the panel go.
   */
  show(preserveFocus = true, code?: vscode.Uri): void {
    const editor = code && [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors].find((e) => e?.document.uri.toString() === code.toString());
    if (editor?.viewColumn !== undefined) this.codeColumn = editor.viewColumn;
    if (this.panel) {
      const column = this.panel.viewColumn;
      this.panel.reveal(column === this.codeColumn ? this.codeColumn + 1 : undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(RunPanel.viewType, 'cloudfn: Run', { viewColumn: this.codeColumn + 1, preserveFocus }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [this.mediaRoot],
    });
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((message: PanelRequest) => this.onRequest(message));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.webviewReady = false;
    });
    this.panel = panel;
  }

  started(run: RunRecord): void {
    // "Save Last Run as Test" needs a run of the editor's (a failing test's run shown here is already a test).
    if (this.history.all.filter((entry) => !entry.test).length === 1) void vscode.commands.executeCommand('setContext', 'cloudfn.hasRun', true);
    this.marks.started(run);
    this.selected = run.id;
    this.post({ type: 'run', run: panelView(run) });
  }

  /**
   * Where a run's streamed lines go: into its record and, in batches, to the webview and to `onLines` (the
   * log). Flush it before `finished`.
   */
  stream(run: RunRecord, onLines: (lines: string[]) => void): LineBatcher {
    return new LineBatcher((batch) => {
      const lines = splitLines(batch);
      for (const line of lines) run.output.push(line);
      this.post({ type: 'output', runId: run.id, lines, total: run.output.length });
      onLines(lines);
    });
  }

  finished(run: RunRecord, result: RunResult): void {
    this.history.finish(run, result);
    this.marks.finished(run);
    this.post({ type: 'run', run: panelView(run) });
  }

  /**
   * Adds runs of the executions log (fired by serve, a hook, a schedule) to the history, oldest first; the
   * newest is shown unless one of the editor's runs is going on. `fileOf`: a function's file, or ''.
   */
  addExecutions(records: readonly ExecutionRecord[], fileOf: (functionName: string) => string): void {
    // A run the user started keeps the panel: runs of the log are listed, and shown only when the panel is
    // already following the log (nothing selected, or a run of the log selected) and no run is going on.
    const busy = this.history.all.some((run) => run.status === 'running');
    const selected = this.selected === null ? undefined : this.history.get(this.selected);
    const follow = !busy && (selected === undefined || selected.execution !== undefined);
    for (const record of [...records].reverse()) {
      const run = this.history.addExecution(record, fileOf(record.function_name));
      if (!run) continue;
      if (follow) this.selected = run.id;
      this.post({ type: follow ? 'run' : 'added', run: panelView(run) });
    }
  }

  /**
   * Shows the run of a failing test of the Testing view (see ../../testing/functionTests.ts) like any run,
   * with its "Test failed" section, and opens the panel without taking focus.
   */
  testFailed(file: string, label: string, entryName: string, spec: RequestInput, result: RunResult, test: TestFailureView): void {
    const run = this.history.addTestRun(file, label, entryName, spec, result, test);
    this.selected = run.id;
    this.show(true, vscode.Uri.file(file));
    this.post({ type: 'run', run: panelView(run) });
  }

  finishedParse(run: RunRecord, response: ParseHostResult | null, error: string | null): void {
    this.history.finishParse(run, response, error, (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath));
    this.marks.finished(run);
    this.post({ type: 'run', run: panelView(run) });
  }

  private onRequest(message: PanelRequest): void {
    switch (message.type) {
      case 'ready':
        this.webviewReady = true;
        void this.panel?.webview.postMessage({ type: 'history', runs: this.history.all.map(panelView), selected: this.selected } satisfies PanelMessage);
        break;
      case 'open': {
        // Only a place a run of the history links to: the webview's messages are not trusted.
        const linked = (run: RunRecord): boolean => run.file === message.file || !!run.failure?.trace.some((line) => line.location?.file === message.file);
        if (!this.history.all.some(linked) || !Number.isInteger(message.line) || message.line < 1) break;
        const position = new vscode.Position(message.line - 1, 0);
        void vscode.window.showTextDocument(vscode.Uri.file(message.file), { selection: new vscode.Range(position, position), viewColumn: this.codeColumn });
        break;
      }
      case 'rerun': {
        const run = this.history.get(message.runId);
        if (run && !run.test) this.actions.rerun(run);
        break;
      }
      case 'select':
        // Only a run of the history: the webview's messages are not trusted.
        if (this.history.get(message.runId)) this.selected = message.runId;
        break;
      case 'cancel':
        this.actions.cancel();
        break;
      case 'openOutput': {
        const run = this.history.get(message.runId);
        if (run) void this.openText(run.output.join('\n') + '\n', 'log');
        break;
      }
      case 'openResult': {
        const run = this.history.get(message.runId);
        const json = run && resultJson(run);
        if (json !== undefined) void this.openText(json + '\n', 'json');
        break;
      }
    }
  }

  /** Opens text (a run's full output, its result as JSON) as a new untitled document in the code's group. */
  private async openText(content: string, language: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument({ content, language });
    await vscode.window.showTextDocument(document, { viewColumn: this.codeColumn });
  }

  private post(message: PanelMessage): void {
    if (!this.panel) return;
    // Before the webview is ready nothing is sent: its 'ready' message gets the whole history then.
    if (!this.webviewReady) return;
    void this.panel.webview.postMessage(message);
  }

  private html(webview: vscode.Webview): string {
    const nonce = crypto.randomBytes(16).toString('base64');
    const media = (name: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(this.mediaRoot, name));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; img-src ${webview.cspSource} data:; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${media('codicon.css')}" rel="stylesheet">
<link href="${media('runPanel.css')}" rel="stylesheet">
<title>cloudfn: Run</title>
</head>
<body>
<div id="cloudfn-run-panel">
  <nav id="history" aria-label="Recent runs"></nav>
  <main id="run"><p class="empty">No run yet. Click <strong>▶ Run</strong> above <code>def main</code> in a function file.</p></main>
</div>
<script nonce="${nonce}" src="${media('runPanel.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.marks.dispose();
    this.panel?.dispose();
  }
}
