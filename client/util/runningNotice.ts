// What a click on Run says while another run is going: one notification that shows the wait, offers to cancel
// the running one, and closes by itself when that run ends (cancelled or not), so that none is left behind.

import * as vscode from 'vscode';
import type { RuntimeClient } from '../runtimeClient';

/** When a run is going: says so until it ends (Cancel stops it) and answers true; the new run is not started. */
export function refusedAsRunning(runtime: RuntimeClient): boolean {
  if (runtime.state.kind !== 'running') return false;
  const file = runtime.state.file;
  void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `cloudfn: ${file} is still running; run again once it ends.`, cancellable: true },
    (_progress, token) => new Promise<void>((resolve) => {
      const done = (): void => {
        subscription.dispose();
        cancelled.dispose();
        resolve();
      };
      const subscription = runtime.onDidChangeState((state) => { if (state.kind !== 'running') done(); });
      const cancelled = token.onCancellationRequested(() => {
        runtime.cancel();
        done();
      });
    }));
  return true;
}
