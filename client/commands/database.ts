// The commands of the local database (the data explorer's title bar): refresh the view, reset the database,
// import and export fixtures (the format of `cloudfn db export`).

import * as vscode from 'vscode';
import fs from 'node:fs';
import type { CommandFactory } from '../ctx';
import type { ImportCounts } from '../../runtime/store/fixtures';

export const refreshData: CommandFactory = (ctx) => () => ctx.explorer.refresh();

export const resetDatabase: CommandFactory = (ctx) => async () => {
  const answer = await vscode.window.showWarningMessage(`Reset the local database ${vscode.workspace.asRelativePath(ctx.config.databasePath)}? Every collection, document and app user is deleted.`, { modal: true }, 'Reset');
  if (answer !== 'Reset') return;
  await ctx.runtime.db({ op: 'reset' });
  ctx.explorer.refresh();
  ctx.log.info(`database reset: ${ctx.config.databasePath}`);
};

export const importFixture: CommandFactory = (ctx) => async () => {
  const [file] = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'cloudfn fixture': ['json'] }, title: 'Import a database fixture' }) ?? [];
  if (!file) return;
  const mode = await vscode.window.showQuickPick([
    { label: 'Merge', description: 'collections by name, documents and users by id', replace: false },
    { label: 'Replace', description: 'delete everything first', replace: true },
  ], { title: 'Import into the local database' });
  if (!mode) return;
  const fixture: unknown = JSON.parse(fs.readFileSync(file.fsPath, 'utf8'));
  const counts = await ctx.runtime.db<ImportCounts>({ op: 'import', fixture, replace: mode.replace });
  ctx.explorer.refresh();
  ctx.log.info(`imported ${file.fsPath}: ${JSON.stringify(counts)}`);
  void vscode.window.showInformationMessage(`cloudfn: imported ${vscode.workspace.asRelativePath(file)}.`);
};

export const exportFixture: CommandFactory = (ctx) => async () => {
  const target = await vscode.window.showSaveDialog({ filters: { 'cloudfn fixture': ['json'] }, title: 'Export the local database as a fixture', saveLabel: 'Export' });
  if (!target) return;
  const fixture = await ctx.runtime.db({ op: 'export' });
  fs.writeFileSync(target.fsPath, JSON.stringify(fixture, null, 2) + '\n');
  ctx.log.info(`exported the local database to ${target.fsPath}`);
};
