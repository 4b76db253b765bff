// The commands of Parse Cloud Code, run from its code lenses: run a target (with its last input or a picked
// one), and choose the `_User` a cloud file's runs are made as.

import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';
import type { ParseTarget } from '../parse/params';

export const run: CommandFactory = (ctx) => (uri: vscode.Uri, target: ParseTarget) => ctx.parseRunner.run(uri, target);

export const runWithParams: CommandFactory = (ctx) => (uri: vscode.Uri, target: ParseTarget) => ctx.parseRunner.runWithParams(uri, target);

export const chooseUser: CommandFactory = (ctx) => (uri?: vscode.Uri) => {
  const file = uri ?? vscode.window.activeTextEditor?.document.uri;
  return file ? ctx.parseRunner.chooseUser(file) : undefined;
};
