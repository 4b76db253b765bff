// The `def main()` template of a new function file: the snippet "Cloud function main()" (snippets/python.json,
// the one copy of its text) inserted by a code lens on a function file without an entry point, by the quick fix
// of the language server's `missing-entry-point` error, and by the command. A blank function file gets the lens
// instead of that error (languageClient.ts drops it there).

import * as vscode from 'vscode';

export const missingEntryPoint = 'missing-entry-point';
const snippetName = 'Cloud function main()';

/** Whether a document holds nothing but whitespace (a function file just created). */
export function isBlank(document: vscode.TextDocument): boolean {
  return document.getText().trim() === '';
}

/** Inserts the template at the end of the file (after a blank line when it holds code), as a snippet to fill in. */
export async function insertMainTemplate(uri: vscode.Uri): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri);
  const document = editor.document;
  const end = document.lineAt(document.lineCount - 1).range.end;
  if (!isBlank(document)) await editor.edit((edit) => edit.insert(end, document.lineAt(document.lineCount - 1).isEmptyOrWhitespace ? '\n' : '\n\n'));
  const last = document.lineAt(document.lineCount - 1).range.end;
  editor.selection = new vscode.Selection(isBlank(document) ? new vscode.Position(0, 0) : last, last);
  await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'python', name: snippetName });
}

/** The quick fix of the `missing-entry-point` error: insert the template. */
export class MainTemplateActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const diagnostics = context.diagnostics.filter((diagnostic) => diagnostic.code === missingEntryPoint);
    if (!diagnostics.length) return [];
    const action = new vscode.CodeAction('Insert def main() template', vscode.CodeActionKind.QuickFix);
    action.command = { title: action.title, command: 'cloudfn.insertMainTemplate', arguments: [document.uri] };
    action.diagnostics = diagnostics;
    action.isPreferred = true;
    return [action];
  }
}
