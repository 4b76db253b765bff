// "Configure Pylance for Cloud Functions": writes `typings/__builtins__.pyi` (generated from the API model,
// as `cloudfn stubs` does) so that Pylance/Pyright know db, request, req and the allowed names.

import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { builtinsStub } from '../../server/stubs';

export async function configurePylance(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('cloudfn: open a folder first: the stub goes into its typings/ folder.');
    return;
  }
  // Pyright's default stubPath is `typings` under the workspace root; it reads __builtins__.pyi from there.
  const file = path.join(folder.uri.fsPath, 'typings', '__builtins__.pyi');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, builtinsStub());
  const open = await vscode.window.showInformationMessage(`cloudfn: wrote ${vscode.workspace.asRelativePath(file)} — Pylance now knows db, request and req.`, 'Open');
  if (open) await vscode.window.showTextDocument(vscode.Uri.file(file));
}
