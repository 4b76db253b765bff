// Workspace trust for both dialects: functions and Cloud Code are the workspace's code, so an untrusted
// workspace runs neither, and says why.

import * as vscode from 'vscode';

const untrustedMessage = 'cloudfn: running functions is disabled in an untrusted workspace (functions are code from this folder). Trust the workspace to run them; completion and diagnostics work either way.';

/** In an untrusted workspace: says why nothing runs (with a way to manage trust) and answers true. */
export async function refusedAsUntrusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return false;
  const choice = await vscode.window.showWarningMessage(untrustedMessage, 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return true;
}
