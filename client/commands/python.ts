// The commands of Python cloud functions: run (with the chosen or a picked payload), choose the payload or the
// app user, mark a file as a function, insert the def main() template, configure Pylance.

import * as vscode from 'vscode';
import type { CommandFactory, Ctx } from '../ctx';
import { pickPayload, pickUser } from '../python/pickers';
import * as pylance from '../python/pylance';
import { insertMainTemplate as insertTemplate } from '../python/mainTemplate';

export const run: CommandFactory = (ctx) => (uri?: vscode.Uri) => withFunction(ctx, uri, (file) => ctx.runner.run(file));

export const runWithPayload: CommandFactory = (ctx) => (uri?: vscode.Uri) => withFunction(ctx, uri, async (file) => {
  const payload = await pickPayload(file, ctx.choices);
  if (payload) await ctx.runner.run(file, payload);
});

export const choosePayload: CommandFactory = (ctx) => (uri?: vscode.Uri) => withFunction(ctx, uri, (file) => pickPayload(file, ctx.choices));

export const chooseUser: CommandFactory = (ctx) => (uri?: vscode.Uri) => withFunction(ctx, uri, (file) => pickUser(file, ctx.choices, ctx.runtime));

export const markAsFunction: CommandFactory = (ctx) => async (uri?: vscode.Uri) => {
  const file = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!file) return;
  if (ctx.functionFiles.isFunction(await vscode.workspace.openTextDocument(file))) {
    void vscode.window.showInformationMessage(`cloudfn: ${vscode.workspace.asRelativePath(file)} is already a cloud function.`);
    return;
  }
  // Relative to its workspace folder, as cloudfn.functionGlobs reads it (client/python/functionSelector.ts).
  await ctx.config.addFunctionGlob(vscode.workspace.asRelativePath(file, false));
  void vscode.window.showInformationMessage(`cloudfn: ${vscode.workspace.asRelativePath(file)} is now a cloud function (added to cloudfn.functionGlobs).`);
};

export const configurePylance: CommandFactory = () => () => pylance.configurePylance();

export const insertMainTemplate: CommandFactory = () => (uri?: vscode.Uri) => {
  const file = uri ?? vscode.window.activeTextEditor?.document.uri;
  return file ? insertTemplate(file) : undefined;
};

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
