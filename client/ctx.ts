// The extension's context: creates and owns every long-lived object (settings, function files, runtime
// client, language client, run panel and its executions feed, data explorer, code lenses, the Triggers view and
// serve, Parse Cloud Code runner and diagnostics, the Testing view's tests, status bar, log) and their disposables, the commands' included (registered by extensionMain.ts from the
// table of client/commands/).

import * as vscode from 'vscode';
import path from 'node:path';
import { Config } from './config';
import { FunctionFiles } from './python/functionFiles';
import { RuntimeClient, type RuntimeState } from './runtimeClient';
import type { CloudfnLanguageClient } from './languageClient';
import { RunPanel } from './views/runPanel/runPanel';
import { DataExplorer } from './views/dataExplorer';
import { RunCodeLensProvider } from './python/codeLens';
import { MainTemplateActions } from './python/mainTemplate';
import { RuntimeStatusBar } from './statusBar';
import { RunChoices } from './python/runChoices';
import { PersistentState } from './persistentState';
import { Runner } from './python/runner';
import { CloudFiles, ParseCodeLensProvider } from './parse/codeLens';
import { LegacyDiagnostics } from './parse/legacyDiagnostics';
import { ParseRunner } from './parse/runner';
import { FunctionTests } from './testing/functionTests';
import type { RunRecord } from './views/runPanel/runHistory';
import { functionFile, TriggersView } from './views/triggers/triggersView';
import { ExecutionFeed } from './views/runPanel/executionFeed';
import { ServeProcess } from './views/triggers/serveProcess';
import { TriggerCodeLensProvider } from './views/triggers/triggerCodeLens';
import type { ScheduleSettings } from '../host/protocol';
import { errorMessage } from '../runtime/errorMessage';

/** A command's handler: what VS Code calls with the command's arguments. */
export type Cmd = (...args: never[]) => unknown;

/** Makes a command's handler from the context (the table of client/commands/). */
export type CommandFactory = (ctx: Ctx) => Cmd;

export class Ctx implements vscode.Disposable {
  readonly config = new Config();
  readonly log = vscode.window.createOutputChannel('cloudfn', { log: true });
  readonly functionFiles: FunctionFiles;
  readonly runtime: RuntimeClient;
  private languageClient: CloudfnLanguageClient | undefined;
  private readonly dist: string;
  readonly choices: RunChoices;
  readonly panel: RunPanel;
  readonly explorer: DataExplorer;
  readonly runner: Runner;
  readonly parseRunner: ParseRunner;
  /** `cloudfn serve` started from the editor, and the Triggers view that shows it with the projects' triggers. */
  readonly serve: ServeProcess;
  readonly triggers: TriggersView;
  /** Runs fired elsewhere (serve, hooks, schedules), read from the executions log into the run panel. */
  private readonly executions: ExecutionFeed;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(context: vscode.ExtensionContext) {
    const dist = path.join(context.extensionPath, 'dist');
    this.functionFiles = new FunctionFiles(this.config);
    this.runtime = new RuntimeClient({
      hostScript: path.join(dist, 'runtimeHost.js'), dbPath: this.config.databasePath, memoryLimitMb: this.config.memoryLimitMb,
      mayStart: () => vscode.workspace.isTrusted, onWarning: (message) => this.log.warn(message), onLog: (message) => this.log.info(message),
    });
    this.dist = dist;
    const state = new PersistentState(context.workspaceState);
    this.choices = new RunChoices(state);
    this.panel = new RunPanel(vscode.Uri.joinPath(context.extensionUri, 'dist', 'media'), {
      rerun: (run) => void this.rerun(run),
      cancel: () => this.runtime.cancel(),
    });
    this.explorer = new DataExplorer(this.runtime);
    const version = (context.extension.packageJSON as { version?: string }).version ?? '0';
    this.runner = new Runner(this.config, this.runtime, this.choices, this.panel, this.explorer, this.log, `cloudfn-vscode/${version}`);
    const codeLens = new RunCodeLensProvider(this.functionFiles, this.choices);
    this.parseRunner = new ParseRunner(this.config, this.runtime, state, this.panel, this.explorer, this.log);
    const cloudFiles = new CloudFiles(this.config);
    const parseLens = new ParseCodeLensProvider(cloudFiles, (uri) => this.parseRunner.userFor(uri)?.label);
    const legacy = new LegacyDiagnostics(cloudFiles);
    const statusBar = new RuntimeStatusBar();
    const serveLog = vscode.window.createOutputChannel('cloudfn serve');
    this.serve = new ServeProcess(path.join(dist, 'parse.js'), (line) => serveLog.appendLine(line));
    this.triggers = new TriggersView(this.serve);
    const triggerLens = new TriggerCodeLensProvider(() => this.triggers.now());
    this.executions = new ExecutionFeed(this.runtime, this.panel, (name) => functionFile(this.triggers.projects, name),
      () => this.serve.state.kind === 'serving', (message) => this.log.warn(message));
    // The tests run the workspace's code: listed everywhere, runnable in a trusted workspace only.
    const tests = new FunctionTests(path.join(dist, 'testRunner.js'), this.config, () => vscode.workspace.isTrusted, (...failure) => this.panel.testFailed(...failure));
    if (!vscode.workspace.isTrusted) statusBar.show({ kind: 'stopped', reason: 'Running functions is disabled in this untrusted workspace.' });
    let previous: RuntimeState['kind'] = 'stopped';
    this.disposables.push(
      this.log, this.functionFiles, tests, { dispose: () => this.languageClient?.dispose() }, this.panel, this.explorer, this.choices, codeLens, statusBar,
      { dispose: () => this.runtime.dispose() },
      this.runtime.onDidChangeState((state) => {
        statusBar.show(state);
        if ((state.kind === 'running') !== (previous === 'running')) void vscode.commands.executeCommand('setContext', 'cloudfn.running', state.kind === 'running');
        if (state.kind === 'stopped') this.log.warn(`runtime stopped: ${state.reason}`);
        if (state.kind === 'ready' && previous === 'starting') {
          this.log.info(`runtime ready in ${Math.round(state.bootMs)} ms${state.snapshot ? ' (from its memory snapshot)' : ' (no usable snapshot: started from scratch)'}`);
        }
        previous = state.kind;
      }),
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, codeLens),
      serveLog, this.serve, this.triggers, triggerLens, this.executions, this.triggers.onDidChangeTreeData(() => triggerLens.refresh()),
      this.serve.onDidChange((state) => void vscode.commands.executeCommand('setContext', 'cloudfn.serving', state.kind !== 'stopped')),
      vscode.languages.registerCodeLensProvider({ language: 'python', scheme: 'file' }, triggerLens),
      vscode.languages.registerCodeActionsProvider({ language: 'python', scheme: 'file' }, new MainTemplateActions(), MainTemplateActions.metadata),
      parseLens, legacy, this.parseRunner, this.parseRunner.onDidChangeUser(() => parseLens.refresh()),
      vscode.languages.registerCodeLensProvider({ language: 'javascript', scheme: 'file' }, parseLens),
      vscode.languages.registerCodeActionsProvider({ language: 'javascript', scheme: 'file' }, legacy, LegacyDiagnostics.metadata),
      this.config.onDidChange(['parse.cloudGlobs'], () => { parseLens.refresh(); legacy.checkAll(); }),
      this.choices.onDidChange(() => codeLens.refresh()),
      this.functionFiles.onDidChange(() => {
        codeLens.refresh();
        void this.startLanguageClient();
      }),
      this.config.onDidChange(['databasePath', 'memoryLimitMb'], () => void this.restartRuntime()),
      // The host fires the projects' schedules on the view's clock (read again on each change of the view).
      this.triggers.onDidChangeTreeData(() => this.runtime.setSchedules(this.scheduleSettings())),
      this.config.onDidChange(['schedules.runInEditor', 'timeoutSeconds'], () => this.runtime.setSchedules(this.scheduleSettings())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.startRuntime()),
    );
  }

  /** The schedules the runtime host fires: the workspace's projects' (none when the setting is off). */
  private scheduleSettings(): ScheduleSettings {
    const projects = this.config.schedulesInEditor ? this.triggers.projects.flatMap((reading) => (reading.project ? [reading.project.root] : [])) : [];
    return { projects, clockOffsetMs: this.triggers.clockOffsetMs, timeoutMs: this.config.timeoutMs };
  }

  /** Registers the command `cloudfn.<name>`; a failure is logged and shown rather than thrown at VS Code. */
  registerCommand(name: string, factory: CommandFactory): void {
    const id = `cloudfn.${name}`;
    const handler = factory(this);
    this.disposables.push(vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        await handler(...args);
      } catch (error) {
        const message = errorMessage(error);
        this.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`cloudfn: ${message}`);
      }
    }));
  }

  /** Runs a run of the history again as it was (a Python function with its payload, or a Parse request). */
  rerun(record: RunRecord): Promise<unknown> {
    if (record.parse) return this.parseRunner.rerun(record);
    return this.runner.run(vscode.Uri.file(record.file), { name: record.payloadName, spec: record.spec }, record.as);
  }

  /** Starts the background parts without blocking activation: function files, language server, runtime. */
  start(): void {
    void this.functionFiles.refresh();
    this.explorer.watch(this.config.databasePath);
    this.executions.watch(this.config.databasePath);
    this.startRuntime();
  }

  /**
   * Starts (or restarts, for a new set of function files) the language client. Its bundle (most of the
   * extension's code) is loaded here, after activation, so that activating stays fast.
   */
  private startLanguageClient(): Promise<void> {
    if (!this.languageClient) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate bundle, loaded after activation.
      const { CloudfnLanguageClient } = require('./languageClient.js') as typeof import('./languageClient');
      this.languageClient = new CloudfnLanguageClient(path.join(this.dist, 'server.js'), this.functionFiles, this.config, this.log);
    }
    return this.languageClient.restart();
  }

  /** The runtime only starts in a trusted workspace: it runs the workspace's code. */
  private startRuntime(): void {
    if (!vscode.workspace.isTrusted) return;
    this.runtime.start().catch((error: unknown) => this.log.error(`runtime: ${errorMessage(error)}`));
  }

  async restartRuntime(): Promise<void> {
    await this.runtime.restart({ dbPath: this.config.databasePath, memoryLimitMb: this.config.memoryLimitMb });
    this.explorer.watch(this.config.databasePath);
    this.executions.watch(this.config.databasePath);
    this.explorer.refresh();
  }

  dispose(): void {
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}
