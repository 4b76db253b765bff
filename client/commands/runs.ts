// The commands about runs of either dialect: run the last one again, cancel the running one, show the run
// panel or the log, restart the runtime host process, save the last finished run as a test.

import * as vscode from 'vscode';
import type { CommandFactory } from '../ctx';
import { saveRunAsTest as saveAsTest } from '../testing/saveAsTest';

export const rerun: CommandFactory = (ctx) => () => {
  const last = ctx.panel.history.all[0];
  if (!last) return vscode.window.showInformationMessage('cloudfn: nothing has run yet.');
  return ctx.rerun(last);
};

export const cancelRun: CommandFactory = (ctx) => () => ctx.runtime.cancel();

export const showRunPanel: CommandFactory = (ctx) => () => ctx.panel.show(false);

export const showLog: CommandFactory = (ctx) => () => ctx.log.show(true);

export const restartRuntime: CommandFactory = (ctx) => () => ctx.restartRuntime();

export const saveRunAsTest: CommandFactory = (ctx) => () => saveAsTest(ctx.panel.history.all.find((run) => !run.test && (run.result !== null || run.parse)));
