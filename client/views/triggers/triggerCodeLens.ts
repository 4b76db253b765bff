// The code lenses of trigger functions: "Simulate post_save on posts…" above a collection hook's entry point,
// "Simulate pre_login…" above an auth hook's, and "Run as schedule NAME" with "next: Tue 02:00 Europe/Berlin" above a scheduled function's (or its
// `file.entry` function's `def`), for the function files of a project whose cloudfn.json names them.

import * as vscode from 'vscode';
import path from 'node:path';
import { findProjectFile } from '../../../runtime/cocobase/project';
import { findFunctionEntry } from '../../python/functionEntry';
import { functionIdOf } from '../../../runtime/cocobase/triggers/functions';
import { triggerLenses } from './triggersModel';
import { functionExists, readProject } from './triggersView';

export class TriggerCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /** `now`: the Triggers view's clock (the real one, or the time travelled to). */
  constructor(private readonly now: () => Date) {}

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const projectFile = findProjectFile(path.dirname(document.uri.fsPath));
    if (!projectFile) return [];
    const { project } = readProject(projectFile);
    const id = project && functionIdOf(project.root, document.uri.fsPath);
    if (!project || !id) return [];
    const source = document.getText();
    return triggerLenses(project, id, source, findFunctionEntry(source)?.line, this.now(), (other) => functionExists(project, other)).map((lens) => {
      const range = new vscode.Range(lens.line, 0, lens.line, 0);
      const action = lens.action;
      if (!action) return new vscode.CodeLens(range, { title: lens.title, command: '', tooltip: lens.tooltip });
      switch (action.kind) {
        case 'simulateHook':
          return new vscode.CodeLens(range, { title: lens.title, command: 'cloudfn.simulateHook', arguments: [document.uri, action.collection, action.event], tooltip: lens.tooltip });
        case 'simulateAuthHook':
          return new vscode.CodeLens(range, { title: lens.title, command: 'cloudfn.simulateAuthHook', arguments: [document.uri, action.event], tooltip: lens.tooltip });
        case 'runSchedule':
          return new vscode.CodeLens(range, { title: lens.title, command: 'cloudfn.runSchedule', arguments: [projectFile, action.schedule], tooltip: lens.tooltip });
      }
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
