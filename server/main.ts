// The cloudfn language server: completion, hover, signature help, diagnostics and quick fixes for CocoBASE
// cloud-function files, all built from the API model. Runs over stdio or IPC (chosen from argv by
// vscode-languageserver: --stdio, --node-ipc, --socket=N). Diagnostics are pushed on open and on every change.
// Collection names and field keys come from the local database file: initializationOptions `{ dbPath }`, else
// `<workspace root>/.cloudfn/local.db`; diagnostics are pushed again when its collections or keys change. Every document
// is also compiled by CPython in a separate Pyodide process (started on the first document), off the keystroke
// path; the diagnostics are pushed again with its answer: its exact syntax error, or a compile-time error the
// parser accepts (`return` outside a function, a duplicate parameter...).

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createConnection, ProposedFeatures, TextDocumentSyncKind, CodeActionKind, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { DocumentStore } from './documentStore';
import { completionList } from './features/completion';
import { hoverAt } from './features/hover';
import { signatureHelpAt } from './features/signatureHelp';
import { lspDiagnostics } from './features/diagnostics';
import { quickFixes } from './features/codeActions';
import { LocalCollections } from './localCollections';
import { PythonCompiler } from './pythonCompiler';
import { ExactSyntaxErrors } from './exactSyntaxErrors';

const connection = createConnection(ProposedFeatures.all);
const store = new DocumentStore();

let collections: LocalCollections | undefined;
const compiler = new PythonCompiler();
const exactSyntax = new ExactSyntaxErrors((source) => compiler.compile(source), (uri) => store.document(uri)?.version, publishDiagnostics);

/** The database file the server reads collection names from, or undefined without a workspace or dbPath. */
function databasePath(params: InitializeParams): string | undefined {
  const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  const root = rootUri?.startsWith('file:') ? fileURLToPath(rootUri) : params.rootPath ?? undefined;
  const configured: unknown = (params.initializationOptions as { dbPath?: unknown } | undefined)?.dbPath;
  if (typeof configured === 'string' && configured) return path.resolve(root ?? process.cwd(), configured);
  return root ? path.join(root, '.cloudfn', 'local.db') : undefined;
}

connection.onInitialize((params): InitializeResult => {
  const file = databasePath(params);
  collections = file ? new LocalCollections(file, () => { for (const uri of store.uris()) publishDiagnostics(uri); }) : undefined;
  collections?.current();
  return initializeResult;
});

const initializeResult: InitializeResult = {
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { triggerCharacters: ['.', '(', ',', "'", '"'], resolveProvider: false },
    hoverProvider: true,
    signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [','] },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  },
  serverInfo: { name: 'cloudfn-language-server' },
};

function publishDiagnostics(uri: string): void {
  const analysis = store.analysis(uri);
  const document = store.document(uri);
  if (!analysis || !document) return;
  const exact = exactSyntax.lookup(uri, document.version, analysis.text);
  void connection.sendDiagnostics({ uri, version: document.version, diagnostics: lspDiagnostics(analysis, collections?.schema(), exact) });
}

connection.onDidOpenTextDocument(({ textDocument }) => {
  store.openDocument(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
  publishDiagnostics(textDocument.uri);
});

/** Documents whose diagnostics are due; they are pushed after the requests already queued are answered. */
const diagnosticsDue = new Set<string>();

function scheduleDiagnostics(uri: string): void {
  if (diagnosticsDue.size === 0) {
    setImmediate(() => {
      const uris = [...diagnosticsDue];
      diagnosticsDue.clear();
      for (const due of uris) publishDiagnostics(due);
    });
  }
  diagnosticsDue.add(uri);
}

connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  store.changeDocument(textDocument.uri, textDocument.version, contentChanges);
  // A completion typed right after this edit is usually queued already: answer it first.
  scheduleDiagnostics(textDocument.uri);
});

connection.onDidCloseTextDocument(({ textDocument }) => {
  store.closeDocument(textDocument.uri);
  exactSyntax.forget(textDocument.uri);
  void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
});

/** The analysis and cursor offset of a request, or undefined when the document is not open. */
function at(uri: string, position: { line: number; character: number }) {
  const analysis = store.analysis(uri);
  const document = store.document(uri);
  if (!analysis || !document) return undefined;
  return { analysis, offset: document.offsetAt(position) };
}

connection.onCompletion((params) => {
  const context = at(params.textDocument.uri, params.position);
  if (!context) return [];
  // A plain array unless the list is incomplete (inside a query call), as before query completion existed.
  const list = completionList(context.analysis, context.offset, collections?.schema());
  return list.isIncomplete ? list : list.items;
});

connection.onHover((params) => {
  const context = at(params.textDocument.uri, params.position);
  const hover = context && hoverAt(context.analysis, context.offset);
  if (!context || !hover) return null;
  return {
    contents: { kind: 'markdown', value: hover.markdown },
    range: { start: context.analysis.lines.positionAt(hover.from), end: context.analysis.lines.positionAt(hover.to) },
  };
});

connection.onSignatureHelp((params) => {
  const context = at(params.textDocument.uri, params.position);
  return (context && signatureHelpAt(context.analysis, context.offset)) ?? null;
});

connection.onCodeAction((params) => quickFixes(params.textDocument.uri, params.context.diagnostics));

connection.onShutdown(() => compiler.stop());

connection.listen();
