// What the next run of each function sends: the chosen named payload (from `<name>.payloads.json`), or the
// empty payload, or the exact request of the last run; and the app user for `request.user` when the user
// picked one over the payload's. Remembered per file in the workspace state (client/persistentState.ts).

import * as vscode from 'vscode';
import { readPayloads, payloadsFileFor, type NamedPayload } from './payloads';
import { emptyRequestInput, type RequestInput } from '../../runtime/cocobase/run';
import type { PersistentState, RunChoice } from '../persistentState';
import { currentText } from '../util/documentText';

export const emptyPayloadName = 'empty payload';
export const lastRunName = 'last run';

export class RunChoices {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: PersistentState) {}

  get(uri: vscode.Uri): RunChoice {
    return this.state.runChoice(uri) ?? { payloadName: emptyPayloadName };
  }

  async set(uri: vscode.Uri, choice: RunChoice): Promise<void> {
    await this.state.setRunChoice(uri, choice);
    this.changed.fire();
  }

  lastRun(uri: vscode.Uri): RequestInput | undefined {
    return this.state.lastRequest(uri);
  }

  async setLastRun(uri: vscode.Uri, spec: RequestInput): Promise<void> {
    await this.state.setLastRequest(uri, spec);
  }

  /**
   * The named payloads of a function as its payloads file shows them in the editor (unsaved edits included);
   * throws PayloadFileError when that text is malformed.
   */
  payloads(uri: vscode.Uri): NamedPayload[] {
    const text = currentText(payloadsFileFor(uri.fsPath));
    return text === undefined ? [] : readPayloads(text);
  }

  /** The payload the next run sends, with the user choice applied. Throws PayloadFileError. */
  resolve(uri: vscode.Uri, choice: RunChoice = this.get(uri)): NamedPayload {
    let named: NamedPayload;
    if (choice.payloadName === lastRunName) named = { name: lastRunName, spec: this.lastRun(uri) ?? emptyRequestInput() };
    else named = this.payloads(uri).find((p) => p.name === choice.payloadName) ?? { name: emptyPayloadName, spec: emptyRequestInput() };
    return choice.user === undefined ? named : { name: named.name, spec: { ...named.spec, user: choice.user } };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
