// The packaged extension in a real VS Code (code-server): the Run code lens on function files only, a run's
// result and output in the run panel and the log channel, a failing function's error line, completion after
// `db.`, a diagnostic for `import os`, and the data explorer listing the collection a run created. Saves the
// README's screenshots to docs/images/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeServer, type Editor, assertCodeServerInstalled, repoRoot } from './harness';
import { writeWorkspace } from './workspace';
import type { Frame } from 'playwright-core';
import { finishedRun } from './runPanel';

const vsix = path.join(repoRoot, 'dist', 'cloudfn.vsix');
const images = path.join(repoRoot, 'docs', 'images');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-e2e-ws-'));
let server: CodeServer;
let editor: Editor;
let panel: Frame;

before(async () => {
  assertCodeServerInstalled();
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: \`npm run test:e2e\` packages it first (npm run package)`);
  writeWorkspace(workspace);
  server = await CodeServer.start({ extensions: [vsix] });
  editor = await server.openEditor(workspace);
});

/** The text of run `runId` once finished; keeps the panel's frame for later queries. */
async function shownRun(runId: number): Promise<string> {
  const shown = await finishedRun(editor, runId);
  panel = shown.panel;
  return shown.text;
}

after(async () => {
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('the Run code lens is on function files and not on an ordinary .py', async () => {
  await editor.openFile('functions/hello.py');
  await editor.waitForCodeLens('▶ Run', 60_000);
  const lenses = await editor.codeLensTexts();
  assert.ok(lenses.includes('Run with payload…'), JSON.stringify(lenses));
  assert.ok(lenses.some((text) => text.includes('empty payload')), JSON.stringify(lenses));
  await editor.screenshot(path.join(images, 'code-lens.png'));
  await editor.openFile('other.py');
  await editor.expectNoCodeLens('▶ Run');
});

test('Run shows the result and the print output in the run panel and the log channel', async () => {
  await editor.openFile('functions/hello.py');
  await editor.clickCodeLens('▶ Run');
  const text = await shownRun(1);
  assert.match(text, /Succeeded/);
  assert.match(text, /message: "Hello, world!"/);
  assert.match(text, /saying hello to world/);
  assert.match(text, /1 created|2 created/);
  await editor.waitForOutput('cloudfn', /│ saying hello to world/);
  await editor.waitForOutput('cloudfn', /✔ functions\/hello\.py succeeded in [0-9.]+ ms/);
  await editor.screenshot(path.join(images, 'run-panel.png'));
});

test('Run with payload… sends the picked named payload; the status bar shows the runtime ready', async () => {
  await editor.pickFromCodeLens('Run with payload…', /^ada/);
  const text = await shownRun(2);
  assert.match(text, /message: "Hello, Ada!"/);
  assert.match(text, /payload: ada/);
  await editor.waitForCodeLens(/ada$/);
  await editor.waitForStatusBarItem('cloudfn: ready');
});

test('the data explorer lists the collection the run created', async () => {
  const items = await editor.waitForTreeItem('Local Database', 'greetings');
  assert.ok(items.some((item) => item.label === 'Collections'), JSON.stringify(items));
});

test('a failing function shows its error and error line', async () => {
  await editor.openFile('functions/broken.py');
  await editor.clickCodeLens('▶ Run');
  const text = await shownRun(3);
  assert.match(text, /Failed/);
  assert.match(text, /ZeroDivisionError: division by zero \(line 3\)/);
  assert.match(text, /File "functions\/broken\.py", line 3/);
  assert.equal(await panel.locator('.trace-link').count() > 0, true, 'the traceback line links to the file');
  await editor.waitForOutput('cloudfn', /✘ functions\/broken\.py failed in [0-9.]+ ms · ZeroDivisionError: division by zero \(line 3\)/);
});

test('completion after db. lists the API', async () => {
  await editor.openFile('functions/hello.py');
  // A new line after line 4 (the editor keeps its indentation), then `db.`.
  await editor.goToLine(4, 200);
  await editor.typeText('\ndb.');
  await editor.waitForCompletion('create_document');
  const labels = await editor.completionLabels();
  assert.ok(labels.includes('count_documents') && labels.includes('create_app_user'), JSON.stringify(labels));
  await editor.screenshot(path.join(images, 'completion.png'));
  await editor.pressEscape();
});

test('import os gets a disallowed-import diagnostic', async () => {
  await editor.openFile('functions/broken.py');
  await editor.goToLine(1, 1);
  await editor.typeText('import os\n');
  // The keystrokes reached the editor (the editor draws spaces as no-break spaces) before the diagnostic is awaited.
  await editor.waitFor('"import os" typed in the editor', async () => (await editor.page.locator('.part.editor .editor-group-container.active .view-lines').innerText()).replace(/\u00a0/g, ' ').includes('import os'));
  const problem = await editor.waitForProblem(/import of 'os' is not allowed/);
  assert.equal(problem.severity, 'error');
  assert.match(problem.text, /disallowed-import|not allowed|cannot be imported/i);
});
