// The quick picks of a run: which payload (named ones, the last run's, the empty one, or a new one written
// into the payloads file) and which app user `request.user` is (users of the local database, or anonymous).

import * as vscode from 'vscode';
import type { AppUserSummary } from '../../runtime/store/browse';
import { payloadsFileFor, withPayload, type NamedPayload } from './payloads';
import { emptyRequestInput } from '../../runtime/cocobase/run';
import { emptyPayloadName, lastRunName, type RunChoices } from './runChoices';
import type { RuntimeClient } from '../runtimeClient';
import { currentText, replaceText } from '../util/documentText';

type PayloadItem = vscode.QuickPickItem & { payload?: NamedPayload; create?: true };

/** Asks for a payload; returns it (remembered as the function's choice), or undefined when dismissed. */
export async function pickPayload(uri: vscode.Uri, choices: RunChoices): Promise<NamedPayload | undefined> {
  const current = choices.get(uri).payloadName;
  const named = choices.payloads(uri);
  const describe = (payload: NamedPayload): string => `${payload.spec.method} · ${Object.keys(payload.spec.payload).length} fields${payload.spec.user ? ` · as ${payload.spec.user}` : ''}`;
  const items: PayloadItem[] = [
    ...named.map((payload): PayloadItem => ({ label: payload.name, description: describe(payload), picked: payload.name === current, payload })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
  ];
  const last = choices.lastRun(uri);
  if (last) items.push({ label: `$(history) ${lastRunName}`, description: 'the request of the last run', payload: { name: lastRunName, spec: last } });
  items.push({ label: `$(circle-slash) ${emptyPayloadName}`, description: '{}', payload: { name: emptyPayloadName, spec: emptyRequestInput() } });
  items.push({ label: '$(add) New payload…', description: vscode.workspace.asRelativePath(payloadsFileFor(uri.fsPath)), create: true });
  const picked = await vscode.window.showQuickPick(items, { title: 'Run with payload', placeHolder: `Payload for ${vscode.workspace.asRelativePath(uri)}` });
  if (!picked) return undefined;
  if (picked.create) return createPayload(uri, choices);
  await choices.set(uri, { ...choices.get(uri), payloadName: picked.payload!.name });
  return choices.resolve(uri);
}

/** Adds a named payload to the payloads file and opens it for editing; it becomes the function's choice. */
async function createPayload(uri: vscode.Uri, choices: RunChoices): Promise<undefined> {
  const name = await vscode.window.showInputBox({ title: 'New payload', prompt: 'A name for the payload', validateInput: (value) => value.trim() ? undefined : 'Enter a name' });
  if (!name) return undefined;
  const file = payloadsFileFor(uri.fsPath);
  await replaceText(file, withPayload(currentText(file), name.trim(), emptyRequestInput()));
  await choices.set(uri, { ...choices.get(uri), payloadName: name.trim() });
  await vscode.window.showTextDocument(vscode.Uri.file(file));
  void vscode.window.showInformationMessage(`cloudfn: write the payload "${name.trim()}", then click ▶ Run (unsaved edits are sent too).`);
  return undefined;
}

type UserItem = vscode.QuickPickItem & { user?: string | null };

/** Asks which app user runs the function; remembers the answer as the function's choice. */
export async function pickUser(uri: vscode.Uri, choices: RunChoices, runtime: RuntimeClient): Promise<boolean> {
  const users = await runtime.db<AppUserSummary[]>({ op: 'app-users', limit: 500 });
  const items: UserItem[] = [
    { label: '$(symbol-namespace) From the payload', description: 'the payload\'s "user" field', user: undefined },
    { label: '$(circle-slash) anonymous', description: 'request.user is None', user: null },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    ...users.map((user): UserItem => ({ label: `$(account) ${user.email}`, description: user.roles.join(', '), detail: user.id, user: user.email })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'App user for request.user', placeHolder: users.length ? 'Users of the local database' : 'The local database has no app users yet',
  });
  if (!picked) return false;
  await choices.set(uri, { ...choices.get(uri), user: picked.user });
  return true;
}
