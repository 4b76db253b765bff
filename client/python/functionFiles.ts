// Which files are cloud functions: those matching `cloudfn.functionGlobs` (relative to each workspace folder unless
// they start with `**` or are absolute), and every `.py` under a folder
// holding a `cloudfn.json` project file. Owns the document selector the language client and the code lens
// use, and the `cloudfn.isFunctionFile` context key of the active editor.

import * as vscode from 'vscode';
import path from 'node:path';
import type { Config } from '../config';
import { functionSelector, projectFileName, type FunctionDocumentFilter } from './functionSelector';

export class FunctionFiles implements vscode.Disposable {
  private projectFolders: string[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Fires when the set of function files may have changed (settings, project files). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly config: Config) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${projectFileName}`);
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => void this.refresh()),
      watcher.onDidDelete(() => void this.refresh()),
      config.onDidChange(['functionGlobs'], () => void this.refresh()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey()),
    );
  }

  get selector(): FunctionDocumentFilter[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
    return functionSelector(this.config.functionGlobs, this.projectFolders, folders);
  }

  isFunction(document: vscode.TextDocument): boolean {
    return vscode.languages.match(this.selector, document) > 0;
  }

  /** Finds the project files of the workspace; call once at start (it does not block activation). */
  async refresh(): Promise<void> {
    const files = await vscode.workspace.findFiles(`**/${projectFileName}`, '**/node_modules/**', 100);
    this.projectFolders = files.map((file) => path.dirname(file.fsPath)).sort();
    this.updateContextKey();
    this.changed.fire();
  }

  private updateContextKey(): void {
    const document = vscode.window.activeTextEditor?.document;
    void vscode.commands.executeCommand('setContext', 'cloudfn.isFunctionFile', document ? this.isFunction(document) : false);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
