// What a file holds as the user sees it: the text of its open document (saved or not) when it is open in the
// editor, else the file on disk. Payload and params files are read through here, so a run sends what is on
// screen, and entries are added through here, so unsaved edits are never overwritten.

import * as vscode from 'vscode';
import fs from 'node:fs';

function openDocument(fsPath: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'file' && document.uri.fsPath === fsPath);
}

/** The file's text as shown in the editor; undefined when it is neither open nor on disk. */
export function currentText(fsPath: string): string | undefined {
  const document = openDocument(fsPath);
  if (document) return document.getText();
  return fs.existsSync(fsPath) ? fs.readFileSync(fsPath, 'utf8') : undefined;
}

/** Whether the file is open with changes that are not saved yet. */
export function hasUnsavedChanges(fsPath: string): boolean {
  return openDocument(fsPath)?.isDirty ?? false;
}

/** Replaces the file's text: through its open document (then saved) when it is open, else on disk. */
export async function replaceText(fsPath: string, text: string): Promise<void> {
  const document = openDocument(fsPath);
  if (!document) {
    fs.writeFileSync(fsPath, text);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
  await vscode.workspace.applyEdit(edit);
  await document.save();
}
