// The VS Code extension's entry point (dist/extension.js): a few lines that note the time, then load the main
// bundle, so that the activation time the extension reports includes loading its code.

import type * as vscode from 'vscode';

type Main = typeof import('./extensionMain');
let main: Main | undefined;

export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const loadStarted = performance.now();
  // A separate bundle, left out of this one by the build (see scripts/build.mjs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded synchronously, timed.
  main = require('./extensionMain.js') as Main;
  return main.activate(context, loadStarted);
}

export function deactivate(): void {
  main?.deactivate();
}
