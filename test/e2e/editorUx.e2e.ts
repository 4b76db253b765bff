// The editor as a newcomer meets it (issue 15), in the packaged extension in a real VS Code (code-server): an
// unsaved payload is what a run sends; 20,000 printed lines show while typing goes on; a 2,000-document
// result is shown lazily and switched to in the history (how fast is bench/editor.ts's); a failed run's line is marked in the
// editor; the change view highlights the changed field; "Mark File as Cloud Function" gives a Run lens; a new
// function file offers the def main() template; a Parse stack frame opens its line. Saves docs/images/
// screenshots of the panel.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeServer, type Editor, assertCodeServerInstalled, repoRoot } from './harness';
import { writeWorkspace } from './workspace';
import { finishedRun } from './runPanel';
import type { Frame } from 'playwright-core';

const vsix = path.join(repoRoot, 'dist', 'cloudfn.vsix');
const images = path.join(repoRoot, 'docs', 'images');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-e2e-ux-'));
let server: CodeServer;
let editor: Editor;
let runs = 0;

// The browser global of the code evaluated in the pages, declared for this file only.
declare function getComputedStyle(element: unknown, pseudo: string): { content: string };

const renameFunction = `def main():
    doc = db.create_document("people", {"name": "Ada", "age": 36})
    db.update_document_fields("people", doc["id"], {"name": "Ada L."})
    return doc["id"]
`;

const cloudCode = `function third(o) { return o.missing.deep; }
function second(o) { return third(o); }
Parse.Cloud.define("deepError", (request) => second({}));
`;

before(async () => {
  assertCodeServerInstalled();
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: \`npm run test:e2e\` packages it first (npm run package)`);
  writeWorkspace(workspace);
  fs.writeFileSync(path.join(workspace, 'functions', 'rename.py'), renameFunction);
  fs.writeFileSync(path.join(workspace, 'functions', 'fresh.py'), '');
  fs.mkdirSync(path.join(workspace, 'cloud'));
  fs.writeFileSync(path.join(workspace, 'cloud', 'main.js'), cloudCode);
  server = await CodeServer.start({ extensions: [vsix] });
  editor = await server.openEditor(workspace);
});

after(async () => {
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

/** Clicks a code lens of the active editor and waits for that run to finish in the panel. */
async function run(lens: string | RegExp): Promise<{ panel: Frame; text: string }> {
  await editor.clickCodeLens(lens);
  return finishedRun(editor, ++runs);
}

test('an unsaved edit of the payloads file is what the run sends, and the panel shows the request', async () => {
  await editor.openFile('functions/hello.payloads.json');
  // `      "name": "Ada"`: select Ada (columns 16-18) and type over it, without saving.
  await editor.goToLine(4, 16);
  for (let i = 0; i < 3; i++) await editor.page.keyboard.press('Shift+ArrowRight');
  await editor.typeText('Grace');
  await editor.openFile('functions/hello.py');
  await editor.waitForCodeLens('▶ Run', 60_000);
  await editor.pickFromCodeLens('Run with payload…', /^ada/);
  const { text } = await finishedRun(editor, ++runs);
  assert.match(text, /message: "Hello, Grace!"/);
  assert.match(text, /payload: ada \(unsaved\)/);
  assert.match(text, /Request \(unsaved edits sent\)/i);
  assert.match(text, /POST functions\/hello\.py · user: anonymous/);
  assert.match(text, /name: "Grace"/);
});

test('20,000 printed lines show, and typing goes on meanwhile', async () => {
  await editor.openFile('functions/loud.py');
  await editor.goToLine(4, 200);
  const lens = await editor.waitForCodeLens('▶ Run');
  const panel = await editor.webviewFrame('#cloudfn-run-panel');
  await lens.first().click();
  const runId = ++runs;
  const typed = '  # typing while it prints';
  await editor.typeText(typed);
  // The editor draws spaces as no-break spaces.
  await editor.waitFor('the typed text in the editor', async () => (await editor.page.locator('.part.editor .editor-group-container.active .view-lines').innerText()).replace(/\u00a0/g, ' ').includes(typed.trim()));
  await finishedRun(editor, runId);
  // The output section paints its lines and their count in the animation frame after the run's status.
  const note = /20,000 lines; the last 10,000 are shown here/;
  const text = await editor.waitFor('the output\'s line count in the run panel', async () => {
    const shown = await panel.locator('#run').innerText().catch(() => '');
    return note.test(shown) && shown;
  });
  assert.match(text, note);
  await editor.waitFor('the last printed line in the run panel', async () => (await panel.locator('.output-lines', { hasText: 'line 19999' }).count()) > 0);
  assert.ok((await panel.locator('.output-lines').last().evaluate((rows) => rows.childNodes.length)) < 400, 'only the visible lines are in the DOM');
  await editor.screenshot(path.join(images, 'run-panel-output.png'));
  await editor.page.keyboard.press('Control+z');
});

test('a 2,000-document result is shown lazily and switched to in the history', async () => {
  await editor.openFile('functions/many.py');
  const { panel, text } = await run('▶ Run');
  assert.match(text, /Array\(2000\)/);
  assert.match(text, /Show 200 more \(1,800 not shown\)/);
  await editor.openFile('functions/hello.py');
  await run('▶ Run');
  const manyRun = runs - 1;
  await panel.locator(`.history-item[data-run-id="${manyRun}"]`).click();
  await editor.waitFor('the 2,000-document run shown again', async () => (await panel.locator('.run-result', { hasText: 'Array(2000)' }).count()) > 0);
});

test('a failed run marks its line in the editor, with the message once', async () => {
  await editor.openFile('functions/broken.py');
  const { text } = await run('▶ Run');
  assert.match(text, /ZeroDivisionError: division by zero \(line 3\)/);
  assert.doesNotMatch(text, /\(line 3\) \(line 3\)/);
  // The message after the line is a decoration's `after` text: CSS content of an element of the line.
  await editor.waitFor('the failing line marked in the editor', async () => editor.page.locator('.part.editor .editor-group-container.active .view-lines span').evaluateAll((spans) =>
    spans.some((span) => `${span.textContent} ${getComputedStyle(span, '::after').content} ${getComputedStyle(span, '::before').content}`.includes('ZeroDivisionError'))));
});

test('the change view highlights the changed field', async () => {
  await editor.openFile('functions/rename.py');
  const { panel } = await run('▶ Run');
  const update = panel.locator('.change-update').first();
  assert.match(await update.locator('summary').first().innerText(), /name/);
  assert.ok(await update.locator('.field-diff .field-path', { hasText: 'name' }).count() > 0, 'the changed field is listed');
  assert.ok(await update.locator('.before-after .changed').count() > 0, 'the changed field is highlighted in the values');
  await update.scrollIntoViewIfNeeded();
  await editor.screenshot(path.join(images, 'change-view.png'));
});

test('"Mark File as Cloud Function" gives the file a Run lens', async () => {
  await editor.openFile('other.py');
  await editor.expectNoCodeLens('▶ Run', 1000);
  await editor.runCommand('cloudfn: Mark File as Cloud Function');
  await editor.waitForCodeLens('▶ Run');
});

test('a new empty function file offers the def main() template', async () => {
  await editor.openFile('functions/fresh.py');
  await editor.clickCodeLens('Insert def main() template');
  await editor.pressEscape();
  await editor.waitForCodeLens('▶ Run');
});

test('a Parse error shows its stack, and a frame in the Cloud Code opens its line', async () => {
  await editor.openFile('cloud/main.js');
  const { panel, text } = await run('▶ Run deepError');
  assert.match(text, /Cannot read properties of undefined \(reading 'deep'\) \(Parse error 141\)/);
  const frame = panel.locator('.traceback .trace-link', { hasText: 'at second' });
  assert.match(await frame.innerText(), /cloud\/main\.js:2:/);
  await editor.screenshot(path.join(images, 'parse-error.png'));
  await frame.click();
  await editor.waitForStatusBarItem(/^Ln 2, Col 1$/);
});
