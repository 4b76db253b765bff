// The commands of the "cloudfn" category: one table of factories `(ctx) => handler`, keyed by name under the
// `cloudfn.` prefix, registered by extensionMain.ts (so that ctx.ts imports no command).

import type { CommandFactory } from '../ctx';
import * as python from './python';
import * as parse from './parse';
import * as runs from './runs';
import * as database from './database';
import * as triggers from './triggers';

export const commands: Record<string, CommandFactory> = {
  'run': python.run,
  'runWithPayload': python.runWithPayload,
  'choosePayload': python.choosePayload,
  'chooseUser': python.chooseUser,
  'markAsFunction': python.markAsFunction,
  'configurePylance': python.configurePylance,
  'insertMainTemplate': python.insertMainTemplate,
  'parse.run': parse.run,
  'parse.runWithParams': parse.runWithParams,
  'parse.chooseUser': parse.chooseUser,
  'rerun': runs.rerun,
  'cancelRun': runs.cancelRun,
  'showRunPanel': runs.showRunPanel,
  'showLog': runs.showLog,
  'restartRuntime': runs.restartRuntime,
  'saveRunAsTest': runs.saveRunAsTest,
  'refreshData': database.refreshData,
  'resetDatabase': database.resetDatabase,
  'importFixture': database.importFixture,
  'exportFixture': database.exportFixture,
  'runSchedule': triggers.runSchedule,
  'simulateHook': triggers.simulateHook,
  'simulateAuthHook': triggers.simulateAuthHook,
  'startServe': triggers.startServe,
  'stopServe': triggers.stopServe,
  'copyServeUrl': triggers.copyServeUrl,
  'refreshTriggers': triggers.refreshTriggers,
  'setTriggerClock': triggers.setTriggerClock,
};
