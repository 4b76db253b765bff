// The commands about runs of either dialect: run the last one again, cancel the running one, show the run
// panel or the log, restart the runtime host process.

import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';

export const rerun: CommandFactory = (ctx) => () => {
  const last = ctx.panel.history.all[0];
  if (!last) return vscode.window.showInformationMessage('cloudfn: nothing has run yet.');
  return ctx.rerun(last);
};

export const cancelRun: CommandFactory = (ctx) => () => ctx.runtime.cancel();

export const showRunPanel: CommandFactory = (ctx) => () => ctx.panel.show(false);

export const showLog: CommandFactory = (ctx) => () => ctx.log.show(true);

export const restartRuntime: CommandFactory = (ctx) => () => ctx.restartRuntime();
