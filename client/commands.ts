// The commands of the "cloudfn" category, registered in one place against the objects the context owns.

import * as vscode from 'vscode';
import fs from 'node:fs';
import type { Ctx } from './ctx';
import type { ImportCounts } from '../runtime/store/fixtures';
import { pickPayload, pickUser } from './python/pickers';
import { configurePylance } from './python/pylance';
import type { ParseTarget } from './parse/params';

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  const register = (id: string, handler: (...args: never[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await handler(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`cloudfn: ${message}`);
      }
    });
  return [
    register('cloudfn.run', (uri?: vscode.Uri) => withFunction(ctx, uri, (file) => ctx.runner.run(file))),
    register('cloudfn.runWithPayload', (uri?: vscode.Uri) => withFunction(ctx, uri, async (file) => {
      const payload = await pickPayload(file, ctx.choices);
      if (payload) await ctx.runner.run(file, payload);
    })),
    register('cloudfn.choosePayload', (uri?: vscode.Uri) => withFunction(ctx, uri, (file) => pickPayload(file, ctx.choices))),
    register('cloudfn.chooseUser', (uri?: vscode.Uri) => withFunction(ctx, uri, (file) => pickUser(file, ctx.choices, ctx.runtime))),
    register('cloudfn.parse.run', (uri: vscode.Uri, target: ParseTarget) => ctx.parseRunner.run(uri, target)),
    register('cloudfn.parse.runWithParams', (uri: vscode.Uri, target: ParseTarget) => ctx.parseRunner.runWithParams(uri, target)),
    register('cloudfn.parse.chooseUser', (uri?: vscode.Uri) => {
      const file = uri ?? vscode.window.activeTextEditor?.document.uri;
      return file ? ctx.parseRunner.chooseUser(file) : undefined;
    }),
    register('cloudfn.rerun', () => {
      const last = ctx.panel.history.all[0];
      if (!last) return vscode.window.showInformationMessage('cloudfn: nothing has run yet.');
      if (last.parse) return ctx.parseRunner.rerun(last);
      return ctx.runner.run(vscode.Uri.file(last.file), { name: last.payloadName, spec: last.spec });
    }),
    register('cloudfn.cancelRun', () => ctx.runtime.cancel()),
    register('cloudfn.showRunPanel', () => ctx.panel.show(false)),
    register('cloudfn.showLog', () => ctx.log.show(true)),
    register('cloudfn.restartRuntime', () => ctx.restartRuntime()),
    register('cloudfn.markAsFunction', async (uri?: vscode.Uri) => {
      const file = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!file) return;
      await ctx.config.addFunctionGlob(vscode.workspace.asRelativePath(file, false));
      void vscode.window.showInformationMessage(`cloudfn: ${vscode.workspace.asRelativePath(file)} is now a cloud function (added to cloudfn.functionGlobs).`);
    }),
    register('cloudfn.refreshData', () => ctx.explorer.refresh()),
    register('cloudfn.resetDatabase', async () => {
      const answer = await vscode.window.showWarningMessage(`Reset the local database ${vscode.workspace.asRelativePath(ctx.config.databasePath)}? Every collection, document and app user is deleted.`, { modal: true }, 'Reset');
      if (answer !== 'Reset') return;
      await ctx.runtime.db({ op: 'reset' });
      ctx.explorer.refresh();
      ctx.log.info(`database reset: ${ctx.config.databasePath}`);
    }),
    register('cloudfn.importFixture', async () => {
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
    }),
    register('cloudfn.exportFixture', async () => {
      const target = await vscode.window.showSaveDialog({ filters: { 'cloudfn fixture': ['json'] }, title: 'Export the local database as a fixture', saveLabel: 'Export' });
      if (!target) return;
      const fixture = await ctx.runtime.db({ op: 'export' });
      fs.writeFileSync(target.fsPath, JSON.stringify(fixture, null, 2) + '\n');
      ctx.log.info(`exported the local database to ${target.fsPath}`);
    }),
    register('cloudfn.configurePylance', () => configurePylance()),
  ];
}

/** Runs `action` on the given function file or the active editor's; says why not when it is not one. */
async function withFunction(ctx: Ctx, uri: vscode.Uri | undefined, action: (file: vscode.Uri) => unknown): Promise<void> {
  const file = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!file) {
    void vscode.window.showInformationMessage('cloudfn: open a cloud function file first.');
    return;
  }
  const document = await vscode.workspace.openTextDocument(file);
  if (!ctx.functionFiles.isFunction(document)) {
    const mark = await vscode.window.showInformationMessage(`cloudfn: ${vscode.workspace.asRelativePath(file)} is not a cloud function file (see cloudfn.functionGlobs).`, 'Mark as Cloud Function');
    if (mark) await vscode.commands.executeCommand('cloudfn.markAsFunction', file);
    return;
  }
  await action(file);
}
