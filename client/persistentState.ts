// What the extension remembers per workspace (VS Code's workspace state), typed, in one place: for each
// function the payload and app user chosen and the last run's request; for each Cloud Code file the `_User`
// its runs are made as and the last input of each target. Nobody else names a key.

import type * as vscode from 'vscode';
import type { RequestInput } from '../runtime/cocobase/run';
import { targetKey, type NamedInput, type ParseTarget } from './parse/params';

/** What the next run of a function sends: a named payload, and the app user picked over the payload's. */
export interface RunChoice {
  payloadName: string;
  /** The app user picked in the editor (email or id); null for anonymous; undefined: the payload's own. */
  user?: string | null;
}

/** The `_User` a cloud file's runs are made as (`request.user`): its objectId and a name to show. */
export interface ParseUserChoice {
  objectId: string;
  label: string;
  /** Runs log in by this session token instead of naming the user (request.user has it; ACLs apply as on the server). */
  sessionToken?: string;
}

/** One key per remembered value: existing workspaces hold these strings, so they never change. */
const keys = {
  runChoice: (uri: vscode.Uri) => `cloudfn.choice:${uri.toString()}`,
  lastRequest: (uri: vscode.Uri) => `cloudfn.lastRun:${uri.toString()}`,
  parseUser: (uri: vscode.Uri) => `cloudfn.parse.user:${uri.toString()}`,
  lastParseInput: (uri: vscode.Uri, target: ParseTarget) => `cloudfn.parse.last:${uri.toString()}:${targetKey(target)}`,
};

export class PersistentState {
  constructor(private readonly state: vscode.Memento) {}

  /** The payload and app user chosen for a function file. */
  runChoice(uri: vscode.Uri): RunChoice | undefined {
    return this.state.get<RunChoice>(keys.runChoice(uri));
  }

  setRunChoice(uri: vscode.Uri, choice: RunChoice): Thenable<void> {
    return this.state.update(keys.runChoice(uri), choice);
  }

  /** The request the last run of a function file sent. */
  lastRequest(uri: vscode.Uri): RequestInput | undefined {
    return this.state.get<RequestInput>(keys.lastRequest(uri));
  }

  setLastRequest(uri: vscode.Uri, input: RequestInput): Thenable<void> {
    return this.state.update(keys.lastRequest(uri), input);
  }

  /** The `_User` a cloud file's runs are made as; undefined: anonymous. */
  parseUser(uri: vscode.Uri): ParseUserChoice | undefined {
    return this.state.get<ParseUserChoice>(keys.parseUser(uri));
  }

  setParseUser(uri: vscode.Uri, user: ParseUserChoice | undefined): Thenable<void> {
    return this.state.update(keys.parseUser(uri), user);
  }

  /** The input the last run of a cloud file's target sent. */
  lastParseInput(uri: vscode.Uri, target: ParseTarget): NamedInput | undefined {
    return this.state.get<NamedInput>(keys.lastParseInput(uri, target));
  }

  setLastParseInput(uri: vscode.Uri, target: ParseTarget, input: NamedInput): Thenable<void> {
    return this.state.update(keys.lastParseInput(uri, target), input);
  }
}
