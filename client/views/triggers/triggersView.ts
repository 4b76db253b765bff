// The "Triggers" view of the cloudfn view container: for each CocoBASE project of the workspace (a folder with
// a cloudfn.json), its schedules with their next fire times (a "Run now" action each), its hooks per collection
// and its auth hooks (each opening its function), and `cloudfn serve`'s status with its URL (start, stop, copy
// the URL). Read again when a cloudfn.json changes, and every minute for the next fire times. Its clock may be
// set to another time (time travel) to see the fire times across a daylight-saving change or a month end; the
// editor's runtime host fires the schedules on it (client/ctx.ts sends its offset).

import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import { ProjectFileError, readProjectFile, type TriggersProject } from '../../../runtime/cocobase/triggers/projectConfig';
import { functionFileOf, isFunctionId, scheduleTarget } from '../../../runtime/cocobase/triggers/functions';
import { authHooks, collectionHooks, scheduleItem, type CollectionHooks, type HookItem, type ScheduleItem } from './triggersModel';
import type { ServeProcess, ServeState } from './serveProcess';
import { clockFrom, systemClock, type Clock } from '../../../runtime/cocobase/triggers/scheduler';

/** A project of the workspace as last read: its triggers, or why its cloudfn.json cannot be used. */
export type ProjectReading = { file: string; project: TriggersProject; error: null } | { file: string; project: null; error: string };

export type TriggerNode =
  | { kind: 'project'; reading: ProjectReading }
  | { kind: 'error'; message: string }
  | { kind: 'schedules'; project: TriggersProject }
  | { kind: 'schedule'; project: TriggersProject; item: ScheduleItem }
  | { kind: 'hooks'; project: TriggersProject }
  | { kind: 'collection'; project: TriggersProject; hooks: CollectionHooks }
  | { kind: 'auth'; project: TriggersProject; hooks: HookItem[] }
  | { kind: 'hook'; project: TriggersProject; hook: HookItem }
  | { kind: 'serve'; state: ServeState }
  | { kind: 'clock'; start: Date };

/** Whether function id `id` of the project has a file. */
export function functionExists(project: TriggersProject, id: string): boolean {
  return isFunctionId(id) && fs.existsSync(functionFileOf(project.root, id));
}

/** The file of a function named in a project (`reports/daily`, a schedule's `file.entry`), or '' when none of the projects has it. */
export function functionFile(readings: readonly ProjectReading[], name: string): string {
  for (const { project } of readings) {
    const target = project && scheduleTarget(name, (id) => functionExists(project, id));
    if (project && target) return functionFileOf(project.root, target.id);
  }
  return '';
}

/** Reads a project file; a broken one is reported, not thrown. */
export function readProject(file: string): ProjectReading {
  try {
    return { file, project: readProjectFile(path.dirname(file)), error: null };
  } catch (error) {
    return { file, project: null, error: error instanceof ProjectFileError ? error.message : String(error) };
  }
}

export class TriggersView implements vscode.TreeDataProvider<TriggerNode>, vscode.Disposable {
  static readonly viewId = 'cloudfn.triggers';
  private readonly changed = new vscode.EventEmitter<TriggerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readings: ProjectReading[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** Time travel: the clock the view reads started at this time (and runs on at the real pace); undefined: the real clock. */
  private travel: { start: Date; clock: Clock; offsetMs: number } | undefined;

  constructor(private readonly serve: ServeProcess) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/cloudfn.json');
    const timer = setInterval(() => this.changed.fire(undefined), 60_000);
    this.disposables.push(
      watcher, watcher.onDidCreate(() => void this.refresh()), watcher.onDidChange(() => void this.refresh()), watcher.onDidDelete(() => void this.refresh()),
      serve.onDidChange(() => this.changed.fire(undefined)),
      vscode.window.registerTreeDataProvider(TriggersView.viewId, this),
      { dispose: () => clearInterval(timer) },
      this.changed,
    );
    void this.refresh();
  }

  /** Now, on the view's clock: the real time, or the time travelled to. */
  now(): Date {
    return this.travel ? this.travel.clock.now() : systemClock.now();
  }

  /** The time travelled to (the clock's start), or undefined on the real clock. */
  get travelledTo(): Date | undefined {
    return this.travel?.start;
  }

  /** How far the view's clock is ahead of the real one (ms, negative: behind), or null on the real clock. */
  get clockOffsetMs(): number | null {
    return this.travel ? this.travel.offsetMs : null;
  }

  /** Sets the view's clock to start at `start` (undefined: back to the real clock). */
  travelTo(start: Date | undefined): void {
    this.travel = start && { start, clock: clockFrom(start), offsetMs: start.getTime() - Date.now() };
    this.changed.fire(undefined);
  }

  /** The projects of the workspace as last read, sorted by path. */
  get projects(): readonly ProjectReading[] {
    return this.readings;
  }

  /** Finds and reads the workspace's project files again. */
  async refresh(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/cloudfn.json', '**/node_modules/**', 50);
    this.readings = files.map((uri) => readProject(uri.fsPath)).sort((a, b) => a.file.localeCompare(b.file));
    this.changed.fire(undefined);
  }

  getChildren(node?: TriggerNode): TriggerNode[] {
    if (!node) {
      const serve: TriggerNode = { kind: 'serve', state: this.serve.state };
      const clock: TriggerNode[] = this.travel ? [{ kind: 'clock', start: this.travel.start }] : [];
      if (this.readings.length === 1) return [...clock, ...this.projectChildren(this.readings[0]!), serve];
      return [...clock, ...this.readings.map((reading): TriggerNode => ({ kind: 'project', reading })), serve];
    }
    switch (node.kind) {
      case 'project': return this.projectChildren(node.reading);
      case 'schedules': {
        const now = this.now();
        return node.project.schedules.map((schedule) => ({ kind: 'schedule', project: node.project, item: scheduleItem(schedule, now) }));
      }
      case 'hooks': {
        const children: TriggerNode[] = collectionHooks(node.project).map((hooks) => ({ kind: 'collection', project: node.project, hooks }));
        const auth = authHooks(node.project);
        if (auth.length) children.push({ kind: 'auth', project: node.project, hooks: auth });
        return children;
      }
      case 'collection': return node.hooks.hooks.map((hook) => ({ kind: 'hook', project: node.project, hook }));
      case 'auth': return node.hooks.map((hook) => ({ kind: 'hook', project: node.project, hook }));
      default: return [];
    }
  }

  private projectChildren(reading: ProjectReading): TriggerNode[] {
    if (reading.error !== null) return [{ kind: 'error', message: reading.error }];
    return [{ kind: 'schedules', project: reading.project }, { kind: 'hooks', project: reading.project }];
  }

  getTreeItem(node: TriggerNode): vscode.TreeItem {
    const { Expanded, None } = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'project': {
        const item = new vscode.TreeItem(node.reading.project?.projectId ?? path.basename(path.dirname(node.reading.file)), Expanded);
        item.description = vscode.workspace.asRelativePath(path.dirname(node.reading.file));
        item.iconPath = new vscode.ThemeIcon('project');
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem('cloudfn.json cannot be used', None);
        item.description = node.message;
        item.tooltip = node.message;
        item.iconPath = new vscode.ThemeIcon('error');
        return item;
      }
      case 'schedules': {
        const count = node.project.schedules.length;
        const item = new vscode.TreeItem('Schedules', count ? Expanded : None);
        item.description = count ? String(count) : 'none in cloudfn.json';
        item.iconPath = new vscode.ThemeIcon('watch');
        return item;
      }
      case 'schedule': return this.scheduleItem(node.project, node.item);
      case 'hooks': {
        const count = Object.keys(node.project.hooks.collections).length + Object.keys(node.project.hooks.auth).length;
        const item = new vscode.TreeItem('Hooks', count ? Expanded : None);
        if (!count) item.description = 'none in cloudfn.json';
        item.iconPath = new vscode.ThemeIcon('zap');
        return item;
      }
      case 'collection': {
        const item = new vscode.TreeItem(node.hooks.collection, Expanded);
        item.description = 'collection';
        item.iconPath = new vscode.ThemeIcon('database');
        return item;
      }
      case 'auth': {
        const item = new vscode.TreeItem('auth', Expanded);
        item.description = 'app users';
        item.iconPath = new vscode.ThemeIcon('account');
        return item;
      }
      case 'hook': {
        const item = new vscode.TreeItem(node.hook.event, None);
        item.description = `→ ${node.hook.functionName}`;
        item.iconPath = new vscode.ThemeIcon('symbol-event');
        const file = functionExists(node.project, node.hook.functionName) ? functionFileOf(node.project.root, node.hook.functionName) : undefined;
        item.tooltip = file ? `${node.hook.event} runs ${vscode.workspace.asRelativePath(file)}` : `no function file ${node.hook.functionName}.py in ${node.project.root}`;
        if (file) item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(file)] };
        return item;
      }
      case 'serve': return serveItem(node.state);
      case 'clock': {
        const item = new vscode.TreeItem('Clock', None);
        item.description = `${node.start.toISOString().replace(/:00\.000Z$/, 'Z')} (time travel)`;
        item.tooltip = `Next fire times are computed from ${node.start.toISOString()} on (the clock runs on from there); the editor fires the schedules on this clock, and so does a serve started now; a run it fires sees its fire time. Set the clock again with an empty time to go back to the real one.`;
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'cloudfn.clock';
        return item;
      }
    }
  }

  private scheduleItem(project: TriggersProject, schedule: ScheduleItem): vscode.TreeItem {
    const config = schedule.schedule;
    const item = new vscode.TreeItem(config.name, vscode.TreeItemCollapsibleState.None);
    item.description = schedule.error ?? schedule.nextLabel;
    item.contextValue = 'cloudfn.schedule';
    item.iconPath = new vscode.ThemeIcon(schedule.error ? 'error' : config.is_active ? 'watch' : 'circle-slash');
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${config.name}** runs \`${config.function_name}\` at \`${config.cron_expression}\` (${config.timezone})${config.is_active ? '' : ', inactive'}\n\n`);
    if (schedule.error) tooltip.appendText(schedule.error);
    else tooltip.appendMarkdown(`Next times (${config.timezone}, then UTC):\n\n${schedule.upcoming.map((time) => `- ${time}`).join('\n')}`);
    item.tooltip = tooltip;
    return item;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function serveItem(state: ServeState): vscode.TreeItem {
  const item = new vscode.TreeItem('Serve', vscode.TreeItemCollapsibleState.None);
  item.contextValue = `cloudfn.serve.${state.kind}`;
  switch (state.kind) {
    case 'stopped':
      item.description = state.reason ? `stopped: ${state.reason}` : 'stopped';
      item.iconPath = new vscode.ThemeIcon(state.reason ? 'error' : 'debug-stop');
      item.tooltip = 'cloudfn serve: the project\'s functions over HTTP for an app (start it with ▶)';
      break;
    case 'starting':
      item.description = 'starting…';
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      break;
    case 'serving':
      item.description = state.url;
      item.iconPath = new vscode.ThemeIcon('radio-tower');
      item.tooltip = `Serving ${state.project} at ${state.url}: functions at ${state.url}/functions/{name}/execute, Parse at ${state.url}/parse`;
      break;
  }
  return item;
}
