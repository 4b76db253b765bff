// The place a failed run failed, marked in the editor: the line (of a failed or stopped Python run, or the
// innermost frame of Cloud Code's stack) gets an error background and the message after it; Cloud Code that
// does not load also gets a diagnostic on its line. Cleared when the document is edited or the file runs again.

import * as vscode from 'vscode';
import type { RunRecord } from './runPanel/runHistory';

interface Mark {
  line: number;
  message: string;
}

export class FailureMarks implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('inputValidation.errorBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.errorForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('cloudfn-run');
  /** By absolute path. */
  private readonly marks = new Map<string, Mark>();
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [
      this.decoration, this.diagnostics,
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length && this.marks.has(event.document.uri.fsPath)) this.clear(event.document.uri.fsPath);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.paint()),
    ];
  }

  /** A run starts: its file's mark goes. */
  started(run: RunRecord): void {
    this.clear(run.file);
  }

  /** A run ended: a failure with a place in the user's code marks that line. */
  finished(run: RunRecord): void {
    this.clear(run.file);
    const location = run.failure?.location;
    if (!location) return;
    this.marks.set(location.file, { line: location.line - 1, message: run.failure!.summary });
    // Cloud Code that did not load (a syntax error): the request was never sent; the place is a diagnostic too.
    if (run.parse?.error) {
      const diagnostic = new vscode.Diagnostic(new vscode.Range(location.line - 1, 0, location.line - 1, Number.MAX_SAFE_INTEGER), run.failure!.summary, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'cloudfn';
      this.diagnostics.set(vscode.Uri.file(location.file), [diagnostic]);
    }
    this.paint();
  }

  private clear(file: string): void {
    if (!this.marks.delete(file)) return;
    this.diagnostics.delete(vscode.Uri.file(file));
    this.paint();
  }

  private paint(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const mark = this.marks.get(editor.document.uri.fsPath);
      const line = mark && Math.min(mark.line, editor.document.lineCount - 1);
      editor.setDecorations(this.decoration, mark && line !== undefined ? [{
        range: new vscode.Range(line, 0, line, 0),
        hoverMessage: mark.message,
        renderOptions: { after: { contentText: `  ← ${mark.message}`, color: new vscode.ThemeColor('editorError.foreground'), margin: '0 0 0 2em' } },
      }] : []);
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
