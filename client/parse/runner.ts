// One Parse run from the editor: picks the input (named entries of `<file>.params.json`, the last run's, or
// typed JSON), saves the cloud file (Cloud Code is required from disk by the host process), sends the request
// to the runtime host, and shows the answer in the run panel, the log and the data explorer.

import * as vscode from 'vscode';
import type { Config } from '../config';
import type { DataExplorer } from '../views/dataExplorer';
import { preview } from '../util/preview';
import type { RuntimeClient } from '../runtimeClient';
import type { RunPanel } from '../views/runPanel/runPanel';
import type { RunRecord } from '../views/runPanel/runHistory';
import { refusedAsUntrusted } from '../util/workspaceTrust';
import { outputLine } from '../views/runLog';
import { refusedAsRunning } from '../util/runningNotice';
import type { ParseObjectView } from '../../runtime/store/browse';
import { isObject } from '../../runtime/jsonValues';
import { ParamsFileError, paramsFileFor, readParamsFile, restRequestOf, targetKey, withParamsEntry, type NamedInput, type ParseTarget } from './params';
import type { ParseUserChoice, PersistentState } from '../persistentState';
import { currentText, hasUnsavedChanges, replaceText } from '../util/documentText';
import { errorMessage } from '../../runtime/errorMessage';

export class ParseRunner {
  private readonly userChanged = new vscode.EventEmitter<void>();
  /** Fires when the user a cloud file runs as changes (the code lens shows it). */
  readonly onDidChangeUser = this.userChanged.event;

  constructor(
    private readonly config: Config,
    private readonly runtime: RuntimeClient,
    private readonly state: PersistentState,
    private readonly panel: RunPanel,
    private readonly explorer: DataExplorer,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The `_User` this cloud file's runs are made as; undefined: anonymous. */
  userFor(uri: vscode.Uri): ParseUserChoice | undefined {
    return this.state.parseUser(uri);
  }

  /**
   * Asks which `_User` of the local database the runs of this cloud file are made as (or anonymous), or for a
   * session token to log in with: runs then send it as X-Parse-Session-Token would, so `request.user` (with
   * `getSessionToken()`), ACLs and CLPs apply as on the server, and an unknown or expired token is Parse's 209.
   */
  async chooseUser(uri: vscode.Uri): Promise<void> {
    const users = await this.runtime.db<ParseObjectView[]>({ op: 'parse-objects', className: '_User', limit: 500 });
    type Item = vscode.QuickPickItem & { choice: ParseUserChoice | undefined | 'token' };
    const items: Item[] = [
      { label: '$(circle-slash) anonymous', description: 'request.user is undefined', choice: undefined },
      { label: '$(key) Session token…', description: 'log in as the user of a session (r:…), as X-Parse-Session-Token', choice: 'token' },
      ...users.map((user): Item => {
        const name = typeof user.json.username === 'string' ? user.json.username : typeof user.json.email === 'string' ? user.json.email : user.objectId;
        return { label: `$(account) ${name}`, description: user.objectId, choice: { objectId: user.objectId, label: name } };
      }),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Parse user for request.user', placeHolder: users.length ? '_User objects of the local database' : 'The local database has no _User objects yet (save one with "Simulate save")',
    });
    if (!picked) return;
    const choice = picked.choice === 'token' ? await this.askSessionToken(users) : picked.choice;
    if (choice === null) return;
    await this.state.setParseUser(uri, choice);
    this.userChanged.fire();
  }

  /** A session token typed or pasted, named after its user when the local database has that session; null when cancelled. */
  private async askSessionToken(users: ParseObjectView[]): Promise<ParseUserChoice | null> {
    const token = (await vscode.window.showInputBox({
      title: 'Parse session token for request.user', prompt: 'A session token (r:…), such as a login or signup answered', ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'A session token is required'),
    }))?.trim();
    if (!token) return null;
    const sessions = await this.runtime.db<ParseObjectView[]>({ op: 'parse-objects', className: '_Session', limit: 500 });
    const userId = (sessions.find((session) => session.json.sessionToken === token)?.json.user as { objectId?: string } | undefined)?.objectId;
    const user = users.find((candidate) => candidate.objectId === userId);
    if (!userId) void vscode.window.showWarningMessage('No session of the local database has this token: runs will be answered 209 (invalid session token) until one does.');
    const name = user && typeof user.json.username === 'string' ? user.json.username : userId ?? `${token.slice(0, 8)}…`;
    return { objectId: userId ?? '', label: `${name} (session)`, sessionToken: token };
  }

  dispose(): void {
    this.userChanged.dispose();
  }

  /** "▶ Run": the last input of this target, or `{}`. */
  async run(uri: vscode.Uri, target: ParseTarget): Promise<RunRecord | undefined> {
    const last = this.state.lastParseInput(uri, target);
    return this.send(uri, target, last ? { name: 'last run', value: last.value } : { name: 'empty params', value: {} });
  }

  /** "Run with params…" / "Simulate save/delete…": pick or type the input, then run. */
  async runWithParams(uri: vscode.Uri, target: ParseTarget): Promise<RunRecord | undefined> {
    const picked = await this.pickInput(uri, target);
    return picked ? this.send(uri, target, picked.input, picked.fromFile) : undefined;
  }

  /** Runs a record of the run panel again, with the same input. */
  rerun(record: RunRecord): Promise<RunRecord | undefined> {
    const parse = record.parse!;
    const [kind, ...rest] = parse.target.split(' ');
    const target = { kind, name: rest.join(' ') } as ParseTarget;
    return this.send(vscode.Uri.file(record.file), target, { name: record.payloadName, value: parse.input });
  }

  /** The input picked or typed; `fromFile` when it is an entry of the params file (as the editor shows it). */
  private async pickInput(uri: vscode.Uri, target: ParseTarget): Promise<{ input: NamedInput; fromFile: boolean } | undefined> {
    const file = paramsFileFor(uri.fsPath);
    let named: NamedInput[] = [];
    try {
      const text = currentText(file);
      if (text !== undefined) named = readParamsFile(text, target);
    } catch (error) {
      if (!(error instanceof ParamsFileError)) throw error;
      void vscode.window.showWarningMessage(`cloudfn: ${vscode.workspace.asRelativePath(file)}: ${error.message}`);
    }
    const last = this.state.lastParseInput(uri, target);
    const what = target.kind === 'delete' ? 'objectId' : target.kind === 'save' ? 'object JSON' : 'params JSON';
    type Item = vscode.QuickPickItem & { input?: NamedInput; fromFile?: boolean; action?: 'type' | 'new' };
    const items: Item[] = [
      ...named.map((input) => ({ label: input.name, description: preview(input.value), input, fromFile: true })),
      ...(last ? [{ label: 'last run', description: preview(last.value), input: last }] : []),
      ...(target.kind === 'function' || target.kind === 'job' ? [{ label: 'empty params', description: '{}', input: { name: 'empty params', value: {} } }] : []),
      { label: `Enter ${what}…`, description: 'type it', action: 'type' },
      { label: 'New named entry…', description: `add to ${vscode.workspace.asRelativePath(file)}`, action: 'new' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `${targetKey(target)}: choose the ${what}`, matchOnDescription: true });
    if (!picked) return undefined;
    if (picked.input) return { input: picked.input, fromFile: picked.fromFile ?? false };
    const value = await this.askValue(target, what, last?.value);
    if (value === undefined) return undefined;
    if (picked.action === 'new') {
      const name = await vscode.window.showInputBox({ title: `Name of the new entry of "${targetKey(target)}"`, value: 'example' });
      if (!name) return undefined;
      await replaceText(file, withParamsEntry(currentText(file), target, name, value));
      return { input: { name, value }, fromFile: true };
    }
    return { input: { name: 'typed', value }, fromFile: false };
  }

  private async askValue(target: ParseTarget, what: string, last: unknown): Promise<unknown> {
    const text = await vscode.window.showInputBox({
      title: `${targetKey(target)}: ${what}`,
      value: target.kind === 'delete' ? (typeof last === 'string' ? last : '') : JSON.stringify(last ?? {}),
      validateInput: (value) => {
        if (target.kind === 'delete') return value.trim() ? undefined : 'an objectId';
        try {
          return isObject(JSON.parse(value)) ? undefined : 'a JSON object';
        } catch (error) {
          return `not JSON: ${errorMessage(error)}`;
        }
      },
    });
    if (text === undefined) return undefined;
    return target.kind === 'delete' ? text.trim() : JSON.parse(text);
  }

  private async send(uri: vscode.Uri, target: ParseTarget, input: NamedInput, fromFile = false): Promise<RunRecord | undefined> {
    if (await refusedAsUntrusted() || refusedAsRunning(this.runtime)) return undefined;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) await document.save();
    const request = restRequestOf(target, input.value);
    const label = vscode.workspace.asRelativePath(uri, false);
    const user = this.userFor(uri);
    const sent = { method: request.method, target: `/parse/${request.path}`, user: user?.label ?? null, body: request.body, query: {}, headers: {} };
    const record = this.panel.history.startParse(uri.fsPath, label, input.name, { target: targetKey(target), input: input.value }, sent);
    record.unsaved = fromFile && hasUnsavedChanges(paramsFileFor(uri.fsPath));
    this.panel.show(true, uri);
    this.panel.started(record);
    this.log.info(`▶ parse ${request.method} /parse/${request.path} · ${label} · params "${input.name}"`);
    const output = this.panel.stream(record, (lines) => this.log.info(lines.map(outputLine).join('\n')));
    try {
      const response = await this.runtime.parse({ cloudFile: uri.fsPath, ...request, ...(user?.sessionToken ? { sessionToken: user.sessionToken } : { userId: user?.objectId }), timeoutMs: this.config.timeoutMs }, (line) => output.push(line));
      output.flush();
      this.panel.finishedParse(record, response, null);
      const ok = response.status >= 200 && response.status < 300;
      (ok ? this.log.info : this.log.error).call(this.log, `${ok ? '✔' : '✘'} ${request.method} /parse/${request.path} → ${response.status} in ${response.timeMs.toFixed(1)} ms · ${JSON.stringify(response.body)}`);
      if (response.wrote) this.explorer.refresh();
    } catch (error) {
      const message = errorMessage(error);
      output.flush();
      this.panel.finishedParse(record, null, message);
      this.log.error(`✘ ${request.method} /parse/${request.path} · ${message}`);
    }
    await this.state.setLastParseInput(uri, target, input);
    return record;
  }
}
