// The extension's main bundle (dist/extensionMain.js), loaded by the entry point: activation creates the
// context (which owns everything), registers the commands' table with it and starts the language server and
// the runtime in the background; deactivation disposes the context.

import type * as vscode from 'vscode';
import { Ctx } from './ctx';
import { commands } from './commands';

let ctx: Ctx | undefined;

/** `loadMs`: the time the entry point spent loading this bundle, included in the reported activation time. */
export function activate(context: vscode.ExtensionContext, loadStarted: number): { activationMs: number } {
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  for (const [name, factory] of Object.entries(commands)) ctx.registerCommand(name, factory);
  ctx.start();
  const activationMs = performance.now() - loadStarted;
  ctx.log.info(`activated in ${activationMs.toFixed(1)} ms (loading the extension included)`);
  return { activationMs };
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
