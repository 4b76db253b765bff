// The extension's context: creates and owns every long-lived object (settings, function files, runtime
// client, language client, run panel, data explorer, code lens, status bar, log) and their disposables.

import * as vscode from 'vscode';
import path from 'node:path';
import { Config } from './config';
import { FunctionFiles } from './functionFiles';
import { RuntimeClient } from './runtimeClient';
import { CloudfnLanguageClient } from './languageClient';
import { RunPanel } from './runPanel/runPanel';
import { DataExplorer } from './dataExplorer';
import { RunCodeLensProvider } from './codeLens';
import { RuntimeStatusBar } from './statusBar';
import { RunChoices } from './runChoices';
import { Runner } from './runner';
import { registerCommands } from './commands';

export class Ctx implements vscode.Disposable {
  readonly config = new Config();
  readonly log = vscode.window.createOutputChannel('cloudfn', { log: true });
  readonly functionFiles: FunctionFiles;
  readonly runtime: RuntimeClient;
  readonly languageClient: CloudfnLanguageClient;
  readonly choices: RunChoices;
  readonly panel: RunPanel;
  readonly explorer: DataExplorer;
  readonly runner: Runner;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(context: vscode.ExtensionContext) {
    const dist = path.join(context.extensionPath, 'dist');
    this.functionFiles = new FunctionFiles(this.config);
    this.runtime = new RuntimeClient({ hostScript: path.join(dist, 'runtimeHost.js'), dbPath: this.config.databasePath, memoryLimitMb: this.config.memoryLimitMb });
    this.languageClient = new CloudfnLanguageClient(path.join(dist, 'server.js'), this.functionFiles, this.config, this.log);
    this.choices = new RunChoices(context.workspaceState);
    this.panel = new RunPanel(vscode.Uri.joinPath(context.extensionUri, 'dist', 'media'), {
      rerun: (run) => void this.runner.run(vscode.Uri.file(run.file), { name: run.payloadName, spec: run.spec }),
      cancel: () => this.runtime.cancel(),
    });
    this.explorer = new DataExplorer(this.runtime);
    const version = (context.extension.packageJSON as { version?: string }).version ?? '0';
    this.runner = new Runner(this.config, this.runtime, this.choices, this.panel, this.explorer, this.log, `cloudfn-vscode/${version}`);
    const codeLens = new RunCodeLensProvider(this.functionFiles, this.choices);
    const statusBar = new RuntimeStatusBar();
    this.disposables.push(
      this.log, this.functionFiles, this.languageClient, this.panel, this.explorer, this.choices, codeLens, statusBar,
      { dispose: () => this.runtime.dispose() },
      this.runtime.onDidChangeState((state) => {
        statusBar.show(state);
        if (state.kind === 'stopped') this.log.warn(`runtime stopped: ${state.reason}`);
        if (state.kind === 'ready') this.log.info(`runtime ready in ${Math.round(state.bootMs)} ms`);
      }),
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, codeLens),
      this.choices.onDidChange(() => codeLens.refresh()),
      this.functionFiles.onDidChange(() => {
        codeLens.refresh();
        void this.languageClient.restart();
      }),
      this.config.onDidChange(['databasePath', 'memoryLimitMb'], () => void this.restartRuntime()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.startRuntime()),
      ...registerCommands(this),
    );
  }

  /** Starts the background parts without blocking activation: function files, language server, runtime. */
  start(): void {
    void this.functionFiles.refresh();
    this.startRuntime();
  }

  /** The runtime only starts in a trusted workspace: it runs the workspace's code. */
  private startRuntime(): void {
    if (!vscode.workspace.isTrusted) return;
    this.runtime.start().catch((error: unknown) => this.log.error(`runtime: ${error instanceof Error ? error.message : String(error)}`));
  }

  async restartRuntime(): Promise<void> {
    await this.runtime.restart({ dbPath: this.config.databasePath, memoryLimitMb: this.config.memoryLimitMb });
    this.explorer.refresh();
  }

  dispose(): void {
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}
