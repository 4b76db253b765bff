// The VS Code extension's entry point: activation creates the context (which owns everything) and starts the
// language server and the runtime in the background; deactivation disposes the context.

import type * as vscode from 'vscode';
import { Ctx } from './ctx';

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  ctx.start();
  const activationMs = performance.now() - started;
  ctx.log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs };
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
