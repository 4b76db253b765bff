// The Testing view in a real VS Code (code-server) with the packaged extension: it lists the tests of the
// workspace's payloads files under their function files (and a Parse params file's under its cloud file), a
// run turns them green, and a broken function turns one red with its diff (the expectation beside what the
// run gave) at its payload entry and in the run panel ("Test failed"); "Save Last Run as Test" turns a run into
// a new test. Saves docs/images/testing-view.png and testing-failure.png for the README.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeServer, type Editor, assertCodeServerInstalled, repoRoot } from './harness';
import type { Locator } from 'playwright-core';
import { finishedRun } from './runPanel';

const vsix = path.join(repoRoot, 'dist', 'cloudfn.vsix');
const images = path.join(repoRoot, 'docs', 'images');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-e2e-testing-'));
let server: CodeServer;
let editor: Editor;

const greetFunction = `def main():
    name = request.get("name", "world")
    return {"message": f"Hello, {name}!", "length": len(name)}
`;

/** The same function with a mistake: the greeting lost its comma. */
const brokenGreetFunction = greetFunction.replace('Hello, ', 'Hello ');

const greetPayloads = {
  'greets by name': { payload: { name: 'Ada' }, expect: { result: { message: 'Hello, Ada!', length: 3 } } },
  'greets the world': { payload: {}, expect: { result: { message: '$startsWith:Hello', length: '$gte:1' } } },
  'a plain payload': { payload: { name: 'not a test' } },
};

const countFunction = `def main():
    db.create_document("visits", {"page": request.get("page")})
    return {"visits": db.count_documents("visits")}
`;

const countPayloads = {
  'first visit': { payload: { page: 'home' }, expect: { result: { visits: 1 }, changes: { visits: { created: [{ page: 'home' }] } } } },
  'starts from an empty database again': { payload: { page: 'about' }, expect: { result: { visits: 1 } } },
};

const cloudCode = `Parse.Cloud.define('hello', (request) => ({ message: 'Hello, ' + request.params.name + '!' }));
`;

const cloudParams = {
  'function hello': { greets: { name: 'Ada', $expect: { result: { message: 'Hello, Ada!' } } } },
};

// The few browser globals of the code evaluated in the page, declared for this file only.
interface PageElement { querySelector(selector: string): PageElement | null; getAttribute(name: string): string | null; textContent: string | null }

/** A row of the Test Explorer: its label and the state its icon shows. */
interface TestRow { label: string; state: string }

/** The rows of the Test Explorer in the sidebar. */
const explorerRows = (): Locator => editor.page.locator('.part.sidebar .monaco-list-row');

/** The rows of the Test Explorer, each with its label (without its description) and the state of its icon (passed, failed, errored, unset, …). */
async function testRows(): Promise<TestRow[]> {
  return explorerRows().evaluateAll((rows) => rows.map((row) => {
    const element = row as unknown as PageElement;
    const icon = element.querySelector('.computed-state')?.getAttribute('class') ?? '';
    const label = element.querySelector('.label')?.textContent ?? '';
    const description = element.querySelector('.test-label-description')?.textContent ?? '';
    return { label: label.slice(0, label.length - description.length), state: /testing-(\w+)-icon/.exec(icon)?.[1] ?? 'unset' };
  }));
}

/** Waits until the Test Explorer shows every label with the state given. */
async function waitForStates(description: string, wanted: Record<string, string>): Promise<TestRow[]> {
  let seen: TestRow[] = [];
  return editor.waitFor(description, async () => {
    seen = await testRows();
    return Object.entries(wanted).every(([label, state]) => seen.some((row) => row.label === label && row.state === state)) && seen;
  }, { timeoutMs: 90_000, intervalMs: 300, lastSeen: () => JSON.stringify(seen) });
}

before(async () => {
  assertCodeServerInstalled();
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: \`npm run test:e2e\` packages it first (npm run package)`);
  fs.mkdirSync(path.join(workspace, 'functions'));
  fs.writeFileSync(path.join(workspace, 'functions', 'greet.py'), greetFunction);
  fs.writeFileSync(path.join(workspace, 'functions', 'greet.payloads.json'), JSON.stringify(greetPayloads, null, 2) + '\n');
  fs.writeFileSync(path.join(workspace, 'functions', 'count.py'), countFunction);
  fs.writeFileSync(path.join(workspace, 'functions', 'count.payloads.json'), JSON.stringify(countPayloads, null, 2) + '\n');
  fs.mkdirSync(path.join(workspace, 'cloud'));
  fs.writeFileSync(path.join(workspace, 'cloud', 'main.js'), cloudCode);
  fs.writeFileSync(path.join(workspace, 'cloud', 'main.params.json'), JSON.stringify(cloudParams, null, 2) + '\n');
  server = await CodeServer.start({ extensions: [vsix], settings: { 'testing.automaticallyOpenPeekView': 'failureAnywhere' } });
  editor = await server.openEditor(workspace);
});

after(async () => {
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('the Testing view lists the tests under their function files', async () => {
  await editor.runCommand('View: Show Testing');
  await editor.waitFor('the function files in the Test Explorer', async () => {
    const labels = (await testRows()).map((row) => row.label);
    return labels.includes('greet.py') && labels.includes('count.py') && labels.includes('main.js');
  }, { timeoutMs: 60_000, lastSeen: async () => JSON.stringify(await testRows()) });
  // Expand the files: their tests are the entries with "expect" (a Parse params file's with "$expect"), not the plain payload.
  for (const file of ['count.py', 'greet.py', 'main.js']) {
    const row = explorerRows().filter({ has: editor.page.locator('.label', { hasText: file }) });
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }
  const rows = await editor.waitFor('the tests of the three files', async () => {
    const seen = await testRows();
    return seen.length >= 8 && seen;
  }, { lastSeen: async () => JSON.stringify(await testRows()) });
  assert.deepEqual(rows.map((row) => row.label).sort(), ['count.py', 'first visit', 'starts from an empty database again', 'greet.py', 'greets by name', 'greets the world', 'main.js', 'function hello › greets'].sort());
});

test('a run turns them green', async () => {
  await editor.runCommand('Test: Run All Tests');
  await waitForStates('every test to pass', {
    'greets by name': 'passed', 'greets the world': 'passed', 'first visit': 'passed', 'starts from an empty database again': 'passed', 'function hello › greets': 'passed',
  });
  // The payloads file beside the view, its entries ticked in the gutter.
  await editor.openFile('functions/greet.payloads.json');
  await editor.waitFor('the passed marks in the gutter of the payloads file', async () => (await editor.page.locator('.part.editor .codicon-testing-passed-icon').count()) >= 2);
  await editor.screenshot(path.join(images, 'testing-view.png'));
});

test('a broken function turns its test red, with the diff at its payload entry', async () => {
  fs.writeFileSync(path.join(workspace, 'functions', 'greet.py'), brokenGreetFunction);
  await editor.runCommand('Test: Run All Tests');
  await waitForStates('"greets by name" to fail and the others to pass', { 'greets by name': 'failed', 'greets the world': 'passed', 'first visit': 'passed' });
  // The peek opens at the failing entry of greet.payloads.json with the message and the diff of its two sides.
  const peek = editor.page.locator('.test-output-peek');
  await editor.waitFor('the failure peek with its message', async () => {
    const shown = (await peek.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    return shown.includes('result.message: expected "Hello, Ada!", got "Hello Ada!"') && shown;
  }, { timeoutMs: 60_000, lastSeen: async () => (await peek.innerText().catch(() => '(no peek)')).slice(0, 400) });
  const diff = peek.locator('.monaco-diff-editor');
  await editor.waitFor('the diff of the expectation and the run', async () => {
    const lines = (await diff.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    const labels = await peek.innerText().catch(() => '');
    return lines.includes('"message": "Hello, Ada!"') && lines.includes('"message": "Hello Ada!"') && /\nExpected\n[^]*\nActual/.test(labels);
  }, { lastSeen: async () => (await diff.innerText().catch(() => '(no diff editor)')).slice(0, 400) });
  const tab = editor.page.locator('.part.editor .editor-group-container.active .tab.active');
  assert.match((await tab.getAttribute('title')) ?? (await tab.textContent()) ?? '', /greet\.payloads\.json/);
  // The run panel shows the failing test's run (the first run of its history) with its "Test failed" section and diff.
  const { text } = await finishedRun(editor, 1);
  assert.match(text, /Test failed\s+greet\.py › greets by name\s+result\.message: expected "Hello, Ada!", got "Hello Ada!"/i);
  assert.match(text, /- {5}"message": "Hello, Ada!",\s+\+ {5}"message": "Hello Ada!",/);
  await editor.screenshot(path.join(images, 'testing-failure.png'));
});

test('"Save Last Run as Test" writes a run as a new test, which the view lists and which passes', async () => {
  await editor.openFile('functions/greet.py');
  await editor.clickCodeLens('▶ Run');
  // Run 1 of the panel's history is the failing test's of the test before.
  const { text } = await finishedRun(editor, 2);
  assert.match(text, /Hello Ada!|Hello world!/);
  const name = /Hello Ada!/.test(text) ? 'greets by name (2)' : 'empty payload';
  // The command asks for the name in the same quick input as the palette: picked by hand, not with runCommand (which waits for it to close).
  const input = editor.page.locator('.quick-input-widget .quick-input-box input');
  const command = editor.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'cloudfn: Save Last Run as Test' });
  await editor.waitFor('the command "cloudfn: Save Last Run as Test" in the palette', async () => {
    if (!(await input.isVisible())) await editor.page.keyboard.press('F1');
    await input.fill('>cloudfn: Save Last Run as Test');
    return (await command.count()) > 0;
  }, { intervalMs: 1000 });
  await command.first().click();
  await editor.waitFor(`the name "${name}" offered for the new test`, async () => (await input.inputValue().catch(() => '')) === name, {
    lastSeen: async () => input.inputValue().catch(() => '(no input box)'),
  });
  await editor.page.keyboard.press('Enter');
  const saved = await editor.waitFor('the new entry in greet.payloads.json', () => {
    const entries = JSON.parse(fs.readFileSync(path.join(workspace, 'functions', 'greet.payloads.json'), 'utf8')) as Record<string, { expect?: { result?: unknown } }>;
    return entries[name]?.expect;
  });
  assert.deepEqual(saved, { success: true, result: { message: /Hello Ada!/.test(text) ? 'Hello Ada!' : 'Hello world!', length: /Hello Ada!/.test(text) ? 3 : 5 } });
  await editor.runCommand('View: Show Testing');
  await editor.runCommand('Test: Run All Tests');
  await waitForStates(`the saved test "${name}" to pass`, { [name]: 'passed', 'greets by name': 'failed' });
});
