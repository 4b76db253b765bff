// The code lenses above a function's entry point (`def main` or the `result` assignment): "▶ Run",
// "Run with payload…", the payload the next run uses and the app user it runs as; on a function file without
// an entry point (a new one), "Insert def main() template".

import * as vscode from 'vscode';
import { findFunctionEntry } from './functionEntry';
import type { FunctionFiles } from './functionFiles';
import type { RunChoices } from './runChoices';

export class RunCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly functionFiles: FunctionFiles, private readonly choices: RunChoices) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.functionFiles.isFunction(document)) return [];
    const entry = findFunctionEntry(document.getText());
    if (!entry) {
      return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(add) Insert def main() template', command: 'cloudfn.insertMainTemplate', arguments: [document.uri], tooltip: 'A cloud function starts at def main(): insert a template to fill in' })];
    }
    const range = new vscode.Range(entry.line, 0, entry.line, 0);
    const uri = document.uri;
    const choice = this.choices.get(uri);
    return [
      new vscode.CodeLens(range, { title: '▶ Run', command: 'cloudfn.run', arguments: [uri], tooltip: 'Run this function on the local database' }),
      new vscode.CodeLens(range, { title: 'Run with payload…', command: 'cloudfn.runWithPayload', arguments: [uri], tooltip: 'Pick a named payload (or write a new one) and run' }),
      new vscode.CodeLens(range, { title: `$(json) ${choice.payloadName}`, command: 'cloudfn.choosePayload', arguments: [uri], tooltip: 'The payload the next run sends: click to choose another' }),
      new vscode.CodeLens(range, { title: `$(account) ${choice.user ?? 'anonymous'}`, command: 'cloudfn.chooseUser', arguments: [uri], tooltip: 'The app user the next run sees as request.user: click to choose' }),
    ];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
