// Which files are Parse Cloud Code (`cloudfn.parse.cloudGlobs`, relative to each workspace folder) and their
// code lenses: "▶ Run NAME" and "Run NAME with params…" above each define, "▶ Run job NAME" above each job,
// "Simulate save on CLASS…" / "Simulate delete on CLASS…" above each save/delete trigger.

import * as vscode from 'vscode';
import type { Config } from '../config';
import { readCloudCode } from './cloudCode';
import { targetOf } from './params';

export class CloudFiles {
  constructor(private readonly config: Config) {}

  /** The document selector of Cloud Code files (JavaScript files matching a glob in a workspace folder). */
  selector(): vscode.DocumentFilter[] {
    const folders = vscode.workspace.workspaceFolders ?? [];
    return folders.flatMap((folder) => this.config.cloudGlobs.map((glob) => ({ scheme: 'file', pattern: new vscode.RelativePattern(folder, glob) })));
  }

  isCloudFile(document: vscode.TextDocument): boolean {
    return /\.(c|m)?js$/.test(document.uri.path) && vscode.languages.match(this.selector(), document) > 0;
  }
}

export class ParseCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /** `userOf`: the name of the `_User` a cloud file's runs are made as, undefined for anonymous. */
  constructor(private readonly cloudFiles: CloudFiles, private readonly userOf: (uri: vscode.Uri) => string | undefined) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.cloudFiles.isCloudFile(document)) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const entry of readCloudCode(document.getText()).entries) {
      const range = new vscode.Range(entry.line, 0, entry.line, 0);
      const target = targetOf(entry);
      const args = [document.uri, target];
      if (target.kind === 'function') {
        lenses.push(
          new vscode.CodeLens(range, { title: `▶ Run ${target.name}`, command: 'cloudfn.parse.run', arguments: args, tooltip: 'Call this function on the local database with its last params' }),
          new vscode.CodeLens(range, { title: `Run ${target.name} with params…`, command: 'cloudfn.parse.runWithParams', arguments: args, tooltip: 'Pick params (cloud/<file>.params.json, last run, or JSON) and call' }),
          new vscode.CodeLens(range, { title: `$(account) ${this.userOf(document.uri) ?? 'anonymous'}`, command: 'cloudfn.parse.chooseUser', arguments: [document.uri], tooltip: 'The _User this file\'s runs see as request.user: click to choose' }),
        );
      } else if (target.kind === 'job') {
        lenses.push(new vscode.CodeLens(range, { title: `▶ Run job ${target.name}`, command: 'cloudfn.parse.run', arguments: args, tooltip: 'Start this job (as with the master key) and wait for its end' }));
      } else {
        const verb = target.kind === 'save' ? 'save' : 'delete';
        lenses.push(new vscode.CodeLens(range, {
          title: `Simulate ${verb} on ${target.name}…`, command: 'cloudfn.parse.runWithParams', arguments: args,
          tooltip: target.kind === 'save' ? `Save a ${target.name} object (JSON; with "objectId" to update one) through its triggers` : `Delete a ${target.name} object by objectId through its triggers`,
        }));
      }
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
