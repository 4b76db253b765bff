// Proves the editor-test harness on a throwaway "probe" extension built at test time: a code lens on .py files
// under functions/, a command that writes to the LogOutputChannel "probe", a diagnostic, a status bar item, a
// webview panel with an element #probe and a tree view. The suite runs in one fresh code-server; each test
// drives one or two harness helpers.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir as makeTempDir } from '../helpers';
import { CodeServer, packageExtension, type Editor } from './harness';

const probeManifest = {
  name: 'probe',
  displayName: 'Harness probe',
  description: 'A throwaway extension that exercises every helper of the editor-test harness.',
  publisher: 'cloudfn-e2e',
  version: '0.0.1',
  license: 'MIT',
  engines: { vscode: '^1.100.0' },
  main: './extension.js',
  activationEvents: ['onStartupFinished'],
  contributes: {
    commands: [
      { command: 'probe.run', title: 'Run', category: 'Probe' },
      { command: 'probe.showPanel', title: 'Show Panel', category: 'Probe' },
    ],
    views: { explorer: [{ id: 'probe.items', name: 'Probe Items' }] },
  },
};

const probeExtension = `// The probe extension: one of each thing the harness can observe.
const vscode = require('vscode');

exports.activate = (context) => {
  const log = vscode.window.createOutputChannel('probe', { log: true });
  log.info('probe activated');
  const functionFiles = { language: 'python', pattern: '**/functions/**/*.py' };
  const diagnostics = vscode.languages.createDiagnosticCollection('probe');
  const check = (document) => {
    if (!vscode.languages.match(functionFiles, document)) return;
    const found = [];
    document.getText().split('\\n').forEach((line, index) => {
      const column = line.indexOf('import os');
      if (column >= 0) found.push(new vscode.Diagnostic(new vscode.Range(index, column, index, line.length), 'probe: os is not available', vscode.DiagnosticSeverity.Warning));
    });
    diagnostics.set(document.uri, found);
  };
  vscode.workspace.textDocuments.forEach(check);
  const statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left);
  statusItem.text = '$(beaker) probe ready';
  statusItem.show();
  context.subscriptions.push(
    log,
    diagnostics,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((event) => check(event.document)),
    vscode.languages.registerCodeLensProvider(functionFiles, {
      provideCodeLenses(document) {
        return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '▶ Probe Run', command: 'probe.run', arguments: [vscode.workspace.asRelativePath(document.uri)] })];
      },
    }),
    vscode.commands.registerCommand('probe.run', (file) => log.info('probe ran ' + (file ?? 'without a file'))),
    vscode.commands.registerCommand('probe.showPanel', () => {
      const panel = vscode.window.createWebviewPanel('probe.panel', 'Probe Panel', vscode.ViewColumn.Beside, {});
      panel.webview.html = '<!DOCTYPE html><html><body><h1>Probe</h1><div id="probe">probe says hello</div></body></html>';
    }),
    statusItem,
    vscode.window.registerTreeDataProvider('probe.items', {
      getTreeItem: (item) => item,
      getChildren: (item) => (item ? [] : ['alpha', 'beta'].map((label) => new vscode.TreeItem(label))),
    }),
  );
};

exports.deactivate = () => {};
`;

/** Writes the probe extension into a temporary folder and packs it into a .vsix. */
function buildProbeVsix(dir: string): string {
  const extensionDir = path.join(dir, 'probe-extension');
  fs.mkdirSync(extensionDir, { recursive: true });
  fs.writeFileSync(path.join(extensionDir, 'package.json'), JSON.stringify(probeManifest, null, 2));
  fs.writeFileSync(path.join(extensionDir, 'extension.js'), probeExtension);
  fs.writeFileSync(path.join(extensionDir, 'README.md'), '# Harness probe\n\nA throwaway extension for the editor-test harness.\n');
  fs.writeFileSync(path.join(extensionDir, 'LICENSE'), 'MIT\n');
  return packageExtension(extensionDir, path.join(dir, 'probe.vsix'));
}

/** The workspace the editor opens: a function file, an unrelated .py file and a plain text file. */
function writeWorkspace(dir: string): string {
  const workspace = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(workspace, 'functions'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'functions', 'x.py'), 'import os\n\nresult = {"ok": True}\n');
  fs.writeFileSync(path.join(workspace, 'other.py'), 'print("not a function")\n');
  fs.writeFileSync(path.join(workspace, 'notes.txt'), 'probeAlpha probeBeta\n\n');
  return workspace;
}

describe('editor-test harness, driven against the probe extension', () => {
  const suiteStart = Date.now();
  const tempDir = makeTempDir('cloudfn-e2e-probe-');
  let server: CodeServer;
  let editor: Editor;

  before(async () => {
    const vsix = buildProbeVsix(tempDir);
    const packed = Date.now();
    server = await CodeServer.start({ extensions: [vsix] });
    const started = Date.now();
    editor = await server.openEditor(writeWorkspace(tempDir));
    console.log(`ready after ${Date.now() - suiteStart} ms: pack ${packed - suiteStart} ms, install + start ${started - packed} ms, open ${Date.now() - started} ms`);
  });

  after(async () => {
    await server?.stop();
    console.log(`suite took ${Date.now() - suiteStart} ms`);
  });

  test('code lens shows on a function file, and clicking it writes to the output channel', async () => {
    await editor.openFile('functions/x.py');
    await editor.waitForCodeLens('▶ Probe Run');
    await editor.screenshot('probe-code-lens');
    await editor.clickCodeLens('▶ Probe Run');
    const line = await editor.waitForOutput('probe', 'probe ran functions/x.py');
    assert.match(line, /\[info\] probe ran functions\/x\.py/);
  });

  test('no code lens on a .py file outside functions/', async () => {
    await editor.openFile('other.py');
    await editor.expectNoCodeLens('Probe Run');
  });

  test('a diagnostic shows in the Problems panel', async () => {
    const problem = await editor.waitForProblem('probe: os is not available');
    assert.equal(problem.severity, 'warning');
  });

  test('a command run from the palette writes to the output channel', async () => {
    await editor.runCommand('Probe: Run');
    await editor.waitForOutput('probe', 'probe ran without a file');
  });

  test('a webview element is readable through its frame', async () => {
    await editor.runCommand('Probe: Show Panel');
    const frame = await editor.webviewFrame('#probe');
    assert.equal(await frame.locator('#probe').textContent(), 'probe says hello');
  });

  test('a status bar item is readable', async () => {
    assert.equal(await editor.waitForStatusBarItem('probe ready'), 'probe ready');
  });

  test('tree view items are listed', async () => {
    const items = await editor.waitForTreeItem('Probe Items', 'beta');
    assert.deepEqual(items.map((item) => item.label), ['alpha', 'beta']);
    assert.ok(items.every((item) => item.level === 1 && item.expanded === undefined));
  });

  test('completion rows are readable', async () => {
    await editor.openFile('notes.txt');
    await editor.goToLine(2, 1);
    await editor.typeText('probe');
    await editor.triggerCompletion();
    await editor.waitForCompletion('probeBeta');
    assert.ok((await editor.completionLabels()).includes('probeAlpha'));
    const file = await editor.screenshot('probe-completion');
    assert.ok(fs.statSync(file).size > 0);
    await editor.pressEscape();
  });
});
