// The status bar item: the runtime's state (starting / ready / running with elapsed time / stopped); a click
// opens the run panel.

import * as vscode from 'vscode';
import type { RuntimeState } from './runtimeClient';

export class RuntimeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('cloudfn.runtime', vscode.StatusBarAlignment.Left, 10);
  private ticker: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = 'cloudfn Runtime';
    this.item.command = 'cloudfn.showRunPanel';
    this.show({ kind: 'starting' });
    this.item.show();
  }

  show(state: RuntimeState): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.item.backgroundColor = undefined;
    switch (state.kind) {
      case 'starting':
        this.item.text = '$(loading~spin) cloudfn: starting';
        this.item.tooltip = 'Starting the Python runtime (Pyodide) in the background';
        break;
      case 'ready':
        this.item.text = '$(zap) cloudfn: ready';
        this.item.tooltip = `Runtime ready (started in ${Math.round(state.bootMs)} ms). Click to show the run panel.`;
        break;
      case 'running': {
        const tick = (): void => { this.item.text = `$(sync~spin) cloudfn: running ${((Date.now() - state.since) / 1000).toFixed(1)} s`; };
        tick();
        this.ticker = setInterval(tick, 100);
        this.item.tooltip = `Running ${state.file}. Click to show the run panel.`;
        break;
      }
      case 'stopped':
        this.item.text = '$(debug-disconnect) cloudfn: stopped';
        this.item.tooltip = state.reason;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
    }
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.item.dispose();
  }
}
