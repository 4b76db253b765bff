// The only reader (and writer) of the extension's settings: everything else asks this object, so a setting
// has one name, one default and one place where it is validated.

import * as vscode from 'vscode';
import path from 'node:path';

const section = 'cloudfn';

export class Config {
  private get settings(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(section);
  }

  /** Glob patterns of cloud-function files (plus every `.py` under a folder with a `cloudfn.json`). */
  get functionGlobs(): string[] {
    const globs = this.settings.get<unknown>('functionGlobs');
    return Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.length > 0) : ['**/functions/**/*.py'];
  }

  // Glob patterns of Parse Cloud Code files, relative to each workspace folder (default: cloud, every .js under it).
  get cloudGlobs(): string[] {
    const globs = this.settings.get<unknown>('parse.cloudGlobs');
    return Array.isArray(globs) ? globs.filter((g): g is string => typeof g === 'string' && g.length > 0) : ['cloud/**/*.js'];
  }

  /** The local database file, absolute: relative settings resolve against the first workspace folder. */
  get databasePath(): string {
    const configured = this.settings.get<string>('databasePath') || '.cloudfn/local.db';
    if (path.isAbsolute(configured)) return configured;
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    return path.join(root, configured);
  }

  get timeoutMs(): number {
    const seconds = this.settings.get<number>('timeoutSeconds') ?? 20;
    return Math.round(Math.min(Math.max(seconds, 0.1), 600) * 1000);
  }

  get memoryLimitMb(): number {
    return Math.max(this.settings.get<number>('memoryLimitMb') ?? 512, 32);
  }

  /** The port `cloudfn serve` listens on when started from the editor (the CLI's default, 1337). */
  get servePort(): number {
    const port = this.settings.get<number>('serve.port') ?? 1337;
    return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 1337;
  }

  /** Whether the runtime host fires the workspace's schedules while the editor is open. */
  get schedulesInEditor(): boolean {
    return this.settings.get<boolean>('schedules.runInEditor') ?? true;
  }

  /** Adds one pattern to the workspace's function globs (the "Mark File as Cloud Function" command). */
  async addFunctionGlob(glob: string): Promise<void> {
    const globs = this.functionGlobs;
    if (!globs.includes(glob)) await this.settings.update('functionGlobs', [...globs, glob], vscode.ConfigurationTarget.Workspace);
  }

  /** Fires when a setting of the given names changes. */
  onDidChange(names: string[], listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
      if (names.some((name) => event.affectsConfiguration(`${section}.${name}`))) listener();
    });
  }
}
