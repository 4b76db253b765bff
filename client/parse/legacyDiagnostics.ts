// Warnings on the Backbone-era APIs of Cloud Code files (`response.success/error`, `status.*` in jobs,
// `{success, error}` options), found by client/parse/cloudCode.ts, and the quick fix converting
// `response.success(x)` → `return x` and `response.error(e)` → `throw e` where it is a statement of the handler.

import * as vscode from 'vscode';
import { findLegacyUses, type LegacyUse } from './cloudCode';
import type { CloudFiles } from './codeLens';

const source = 'cloudfn';
export const legacyCode = 'parse-legacy-api';

export class LegacyDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly collection = vscode.languages.createDiagnosticCollection('cloudfn-parse');
  /** The fixes of each document's diagnostics, by document URI. */
  private readonly uses = new Map<string, LegacyUse[]>();
  private readonly disposables: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly cloudFiles: CloudFiles) {
    this.disposables = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.check(document)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.check(event.document), 200);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.collection.delete(document.uri);
        this.uses.delete(document.uri.toString());
      }),
    ];
    this.checkAll();
  }

  checkAll(): void {
    for (const document of vscode.workspace.textDocuments) this.check(document);
  }

  private check(document: vscode.TextDocument): void {
    if (!this.cloudFiles.isCloudFile(document)) {
      this.collection.delete(document.uri);
      return;
    }
    const uses = findLegacyUses(document.getText());
    this.uses.set(document.uri.toString(), uses);
    this.collection.set(document.uri, uses.map((use) => {
      const diagnostic = new vscode.Diagnostic(new vscode.Range(document.positionAt(use.start), document.positionAt(use.end)), use.message, vscode.DiagnosticSeverity.Warning);
      diagnostic.source = source;
      diagnostic.code = legacyCode;
      return diagnostic;
    }));
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const diagnostics = this.collection.get(document.uri) ?? [];
    for (const use of this.uses.get(document.uri.toString()) ?? []) {
      if (!use.fix) continue;
      const useRange = new vscode.Range(document.positionAt(use.start), document.positionAt(use.end));
      if (!useRange.intersection(range)) continue;
      const action = new vscode.CodeAction(use.fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, new vscode.Range(document.positionAt(use.fix.edit.start), document.positionAt(use.fix.edit.end)), use.fix.edit.text);
      action.diagnostics = diagnostics.filter((d) => d.range.isEqual(useRange));
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
