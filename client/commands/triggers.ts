// The commands of CocoBASE triggers: run a schedule now (from the Triggers view, its code lens or the palette),
// simulate a collection hook with a document of the local database or an auth hook with an app user (their
// code lenses), start and stop `cloudfn
// serve` and copy its URL, and read the projects' cloudfn.json again.

import * as vscode from 'vscode';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CommandFactory, Ctx } from '../ctx';
import { findProjectFile } from '../../runtime/cocobase/project';
import type { AuthHookEvent, CollectionHookEvent, TriggersProject } from '../../runtime/cocobase/triggers/projectConfig';
import { scheduleTarget } from '../../runtime/cocobase/triggers/functions';
import type { FixtureDocument } from '../../runtime/store/fixtures';
import type { AppUserSummary } from '../../runtime/store/browse';
import { parseClockTime, simulatedAuthPayload, simulatedHookPayload } from '../views/triggers/triggersModel';
import { functionExists, readProject, type TriggerNode } from '../views/triggers/triggersView';
import { preview } from '../util/preview';
import { refusedAsUntrusted } from '../util/workspaceTrust';

/** Documents of a collection offered for a simulated hook. */
const offeredDocuments = 50;

/** The project of a project file; a broken file is an error the user sees. */
function projectOf(file: string): TriggersProject {
  const reading = readProject(file);
  if (reading.error !== null) throw new Error(reading.error);
  return reading.project;
}

/** Asks which schedule of the workspace's projects to run. */
async function pickSchedule(ctx: Ctx): Promise<{ project: TriggersProject; name: string } | undefined> {
  const items = ctx.triggers.projects.flatMap((reading) => (reading.project?.schedules ?? []).map((schedule) => ({
    label: schedule.name, description: `${schedule.function_name} · ${schedule.cron_expression} ${schedule.timezone}`, project: reading.project!,
  })));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('cloudfn: no schedule in the workspace\'s cloudfn.json files.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Run a schedule now' });
  return pick && { project: pick.project, name: pick.label };
}

/** Runs a schedule now: its function (or `file.entry`) with its payload, shown in the run panel as the schedule's run. */
export const runSchedule: CommandFactory = (ctx) => async (target?: TriggerNode | string, name?: string) => {
  const chosen = typeof target === 'string' ? { project: projectOf(target), name: name ?? '' }
    : target?.kind === 'schedule' ? { project: target.project, name: target.item.schedule.name } : await pickSchedule(ctx);
  if (!chosen) return;
  const { project } = chosen;
  const schedule = project.schedules.find((s) => s.name === chosen.name);
  if (!schedule) throw new Error(`no schedule '${chosen.name}' in ${project.file ?? 'cloudfn.json'}`);
  const code = scheduleTarget(schedule.function_name, (id) => functionExists(project, id));
  if (!code) throw new Error(`schedule '${schedule.name}': no function '${schedule.function_name}' in ${project.root}`);
  await ctx.runner.run(vscode.Uri.file(path.join(project.root, `${code.id}.py`)),
    { name: `schedule ${schedule.name}`, spec: { payload: schedule.payload, query: {}, headers: {}, method: 'POST', user: null } },
    { label: `schedule ${schedule.name}`, triggeredBy: 'schedule', ...(code.entry === null ? {} : { entry: code.entry }) });
};

/** Runs a collection hook's function with the payload of a picked document of the collection (or a new empty one). */
export const simulateHook: CommandFactory = (ctx) => async (uri: vscode.Uri, collection: string, event: CollectionHookEvent) => {
  if (await refusedAsUntrusted()) return;
  const projectFile = findProjectFile(path.dirname(uri.fsPath));
  if (!projectFile) throw new Error(`no cloudfn.json above ${vscode.workspace.asRelativePath(uri)}`);
  const project = projectOf(projectFile);
  const documents = await ctx.runtime.db<FixtureDocument[]>({ op: 'documents', collection, limit: offeredDocuments });
  const now = new Date().toISOString();
  const items = [
    ...documents.map((document) => ({ label: document.id, description: preview(document.data), document })),
    { label: '$(add) A new empty document', description: 'no fields', document: { id: randomUUID(), data: {}, created_at: now, updated_at: now } },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `Simulate ${event} on ${collection}`, placeHolder: `The document of ${collection} the hook gets (newest first)`, matchOnDescription: true,
  });
  if (!pick) return;
  const payload = simulatedHookPayload(project, collection, event, pick.document);
  const label = `${event} on ${collection}`;
  await ctx.runner.run(uri, { name: label, spec: { payload, query: {}, headers: { 'x-hook-event': event }, method: 'POST', user: null } },
    { label, triggeredBy: 'db-event' });
};

/** Runs an auth hook's function with the payload of a picked app user of the local database (or an example one). */
export const simulateAuthHook: CommandFactory = (ctx) => async (uri: vscode.Uri, event: AuthHookEvent) => {
  if (await refusedAsUntrusted()) return;
  const users = await ctx.runtime.db<AppUserSummary[]>({ op: 'app-users', limit: offeredDocuments });
  const example: AppUserSummary = { id: randomUUID(), email: 'ada@example.com', data: { name: 'Ada' }, roles: [], created_at: new Date().toISOString() };
  const items = [
    ...users.map((user) => ({ label: user.email, description: user.id, user })),
    { label: '$(add) An example user', description: example.email, user: example },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Simulate ${event}`, placeHolder: 'The app user the hook gets', matchOnDescription: true });
  if (!pick) return;
  await ctx.runner.run(uri, { name: event, spec: { payload: simulatedAuthPayload(event, pick.user), query: {}, headers: { 'x-hook-event': event }, method: 'POST', user: null } },
    { label: event, triggeredBy: 'db-event' });
};

/** Starts `cloudfn serve` for a project of the workspace (asking which when there are several). */
export const startServe: CommandFactory = (ctx) => async () => {
  if (await refusedAsUntrusted()) return;
  const projects = ctx.triggers.projects;
  let folder: string | undefined;
  if (projects.length > 1) {
    const pick = await vscode.window.showQuickPick(projects.map((reading) => ({ label: vscode.workspace.asRelativePath(path.dirname(reading.file)), folder: path.dirname(reading.file) })),
      { title: 'Serve which project?' });
    folder = pick?.folder;
    if (!folder) return;
  } else {
    folder = projects[0] ? path.dirname(projects[0].file) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }
  if (!folder) throw new Error('open a folder to serve its functions');
  // With time travel on, serve's scheduler runs on the view's clock.
  const now = ctx.triggers.travelledTo && ctx.triggers.now().toISOString();
  ctx.serve.start({ project: folder, dbPath: ctx.config.databasePath, port: ctx.config.servePort, ...(now ? { now } : {}) });
};

export const stopServe: CommandFactory = (ctx) => () => ctx.serve.stop();

export const copyServeUrl: CommandFactory = (ctx) => async () => {
  const state = ctx.serve.state;
  if (state.kind !== 'serving') {
    void vscode.window.showInformationMessage('cloudfn: serve is not running; start it first.');
    return;
  }
  await vscode.env.clipboard.writeText(state.url);
  void vscode.window.showInformationMessage(`cloudfn: copied ${state.url}`);
};

/** Time travel: sets the Triggers view's clock (next fire times, lenses, a serve started later) to another time. */
export const setTriggerClock: CommandFactory = (ctx) => async () => {
  const current = ctx.triggers.travelledTo;
  const answer = await vscode.window.showInputBox({
    title: 'Trigger clock: compute next fire times from…',
    prompt: 'An ISO 8601 time (a time without a zone is UTC), e.g. 2026-03-29T00:30Z; empty for the real clock',
    value: current ? current.toISOString() : '',
    validateInput: (text) => (text.trim() === '' || parseClockTime(text) ? undefined : 'Not an ISO 8601 time, e.g. 2026-03-29T00:30Z'),
  });
  if (answer === undefined) return;
  ctx.triggers.travelTo(answer.trim() === '' ? undefined : parseClockTime(answer));
};

export const refreshTriggers: CommandFactory = (ctx) => () => ctx.triggers.refresh();
