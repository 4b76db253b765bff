// The language client: starts the cloudfn language server (dist/server.js) over IPC for cloud-function files
// only, and restarts it with a new document selector when the set of function files changes. A blank function
// file's missing-entry-point error is left out (its code lens offers the template).

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Config } from './config';
import type { FunctionFiles } from './python/functionFiles';
import { isBlank, missingEntryPoint } from './python/mainTemplate';
import { errorMessage } from '../runtime/errorMessage';

export class CloudfnLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> = Promise.resolve();

  constructor(private readonly serverModule: string, private readonly functionFiles: FunctionFiles, private readonly config: Config,
    private readonly outputChannel: vscode.LogOutputChannel) {}

  /** Starts (or restarts) the server; resolves when it is running. */
  restart(): Promise<void> {
    this.starting = this.starting.then(async () => {
      await this.stopClient();
      const run = { module: this.serverModule, transport: TransportKind.ipc };
      const serverOptions: ServerOptions = { run, debug: run };
      const clientOptions: LanguageClientOptions = {
        documentSelector: this.functionFiles.selector,
        outputChannel: this.outputChannel,
        initializationOptions: { dbPath: this.config.databasePath },
        diagnosticCollectionName: 'cloudfn',
        middleware: {
          // A blank function file (just created) is not an error: the code lens offers the def main() template.
          handleDiagnostics: (uri, diagnostics, next) => {
            const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
            next(uri, document && isBlank(document) ? diagnostics.filter((d) => d.code !== missingEntryPoint) : diagnostics);
          },
        },
      };
      this.client = new LanguageClient('cloudfn', 'cloudfn Language Server', serverOptions, clientOptions);
      await this.client.start();
    }).catch((error: unknown) => {
      this.outputChannel.error(`the language server did not start: ${errorMessage(error)}`);
    });
    return this.starting;
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.isRunning()) await client.stop();
  }

  dispose(): void {
    void this.stopClient();
  }
}
