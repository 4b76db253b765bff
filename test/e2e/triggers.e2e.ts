// CocoBASE triggers and side effects in the editor (issues 11 and 12), in the packaged extension in a real VS
// Code (code-server): the Triggers view lists a schedule with its next fire time and runs it now; the run panel
// shows its mails and http calls ("Mail & HTTP") and the HTML it returned in a sandboxed preview where the
// page's <script> did not run, with its source a tab away; a hook's code lens simulates post_save with a
// document of the local database, an auth hook's pre_login with an example user; serve starts from the view, answers a function over HTTP (the run, and the
// hook its write fired, appear in the run panel from the executions log) and stops; time travel moves the
// view's clock to a daylight-saving night, and the editor's own scheduler fires the schedule on it. Saves
// docs/images/triggers-view.png, run-panel-mail-http.png and run-panel-executions.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeServer, type Editor, assertCodeServerInstalled, repoRoot } from './harness';
import { finishedRun } from './runPanel';

const vsix = path.join(repoRoot, 'dist', 'cloudfn.vsix');
const images = path.join(repoRoot, 'docs', 'images');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-e2e-triggers-'));
let server: CodeServer;
let editor: Editor;

const project = {
  project_id: 'shop',
  hooks: { collections: { posts: { post_save: 'functions/on_post' } }, auth: { pre_login: 'functions/gate' } },
  schedules: [
    { name: 'nightly-cleanup', function_name: 'functions/cleanup', cron_expression: '0 2 * * *', timezone: 'Europe/Berlin', payload: { full: true } },
  ],
};

// A schedule that writes a post, mails a report, calls a mocked API and an unmocked one (refused offline), and
// returns a page whose script would rewrite its heading and message the panel if it ran.
const cleanupFunction = `def main():
    db.create_document("posts", {"title": "Hello"})
    request.send_mail(["ops@example.com"], "Nightly cleanup", "<h2>Cleanup</h2><p>Removed <b>3</b> drafts.</p>")
    rates = http.get("https://api.example.com/rates", params={"base": "EUR"}).json()
    try:
        http.post("https://hooks.example.com/notify", json={"done": True})
    except ConnectionError:
        print("notify refused")
    return render.render_html(
        "<h1 id='title'>Report {{ full }}</h1><p>usd {{ usd }}</p>"
        "<script>document.getElementById('title').textContent = 'script ran'; parent.postMessage('script ran', '*');</script>",
        {"full": request.get("full"), "usd": rates["usd"]})
`;

// Called by an app through serve: its write fires the post_save hook.
const publishFunction = `def main():
    post = db.create_document("posts", {"title": request.get("title")})
    return {"id": post["id"]}
`;

const hookFunction = `def main():
    return {"event": request.get("event"), "title": request.get("document")["title"], "header": request.headers.get("x-hook-event")}
`;

// An auth hook that refuses example addresses.
const gateFunction = `def main():
    if request.get("email", "").endswith("@example.com"):
        return {"block": True, "reason": "example addresses may not log in"}
    return {"block": False}
`;

before(async () => {
  assertCodeServerInstalled();
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: \`npm run test:e2e\` packages it first (npm run package)`);
  fs.mkdirSync(path.join(workspace, 'functions'));
  fs.writeFileSync(path.join(workspace, 'cloudfn.json'), JSON.stringify(project, null, 2) + '\n');
  fs.writeFileSync(path.join(workspace, 'functions', 'cleanup.py'), cleanupFunction);
  fs.writeFileSync(path.join(workspace, 'functions', 'cleanup.http.json'), JSON.stringify([{ method: 'GET', url: 'https://api.example.com/rates', json: { usd: 1.08 } }]) + '\n');
  fs.writeFileSync(path.join(workspace, 'functions', 'on_post.py'), hookFunction);
  fs.writeFileSync(path.join(workspace, 'functions', 'publish.py'), publishFunction);
  fs.writeFileSync(path.join(workspace, 'functions', 'gate.py'), gateFunction);
  // Port 0: serve picks a free port and says which.
  server = await CodeServer.start({ extensions: [vsix], settings: { 'cloudfn.serve.port': 0 } });
  editor = await server.openEditor(workspace);
});

after(async () => {
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

/** The Triggers view's row with this label, and its description. */
async function triggerRow(label: string): Promise<{ row: ReturnType<Editor['page']['locator']>; description: string }> {
  await editor.waitForTreeItem('Triggers', label);
  const row = editor.page.locator('.pane').filter({ has: editor.page.locator('.pane-header h3.title', { hasText: /^Triggers$/i }) })
    .locator('.monaco-list-row').filter({ has: editor.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
  return { row, description: (await row.locator('.label-description').textContent()) ?? '' };
}

/** Clicks an inline action (by its title) of a Triggers view row. */
async function clickRowAction(label: string, action: string): Promise<void> {
  const { row } = await triggerRow(label);
  await row.hover();
  await row.locator(`.actions .action-label[aria-label="${action}"]`).click();
}

test('the Triggers view lists the schedule with its next fire time, the hook per collection and serve', async () => {
  const items = await editor.waitForTreeItem('Triggers', 'nightly-cleanup');
  const labels = items.map((item) => item.label);
  for (const label of ['Schedules', 'nightly-cleanup', 'Hooks', 'posts', 'post_save', 'auth', 'pre_login', 'Serve']) assert.ok(labels.includes(label), `${label} in ${JSON.stringify(labels)}`);
  assert.match((await triggerRow('nightly-cleanup')).description, /^next: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) 02:00 Europe\/Berlin$/);
  assert.equal((await triggerRow('post_save')).description, '→ functions/on_post');
  assert.equal((await triggerRow('Serve')).description, 'stopped');
  await editor.screenshot(path.join(images, 'triggers-view.png'));
});

test('Run now runs the schedule; the panel shows Mail & HTTP and the HTML in a sandboxed preview whose script did not run', async () => {
  await clickRowAction('nightly-cleanup', 'Run Schedule Now');
  const { panel, text } = await finishedRun(editor, 1);
  assert.match(text, /Succeeded/);
  assert.match(text, /as schedule nightly-cleanup/);
  assert.match(text, /Mail & HTTP/i);
  assert.match(text, /ops@example\.com/);
  assert.match(text, /Nightly cleanup/);
  assert.match(text, /GET\s+https:\/\/api\.example\.com\/rates\?base=EUR\s+200\s+answered by a mock in cleanup\.http\.json/);
  assert.match(text, /POST\s+https:\/\/hooks\.example\.com\/notify\s+—\s+refused \(offline\)/);

  // The preview: a frame with an empty sandbox attribute (no scripts, opaque origin), whose heading the script
  // would have rewritten, and no message from it reached the panel.
  await panel.evaluate(`window.addEventListener('message', (event) => { if (event.data === 'script ran') window.cloudfnScriptRan = true; })`);
  const frameElement = panel.locator('iframe.html-preview');
  assert.equal(await frameElement.getAttribute('sandbox'), '');
  const preview = panel.frameLocator('iframe.html-preview');
  const heading = await editor.waitFor('the preview\'s heading', async () => (await preview.locator('#title').textContent({ timeout: 1000 })) ?? undefined);
  assert.equal(heading, 'Report True');
  assert.equal(await preview.locator('p').textContent(), 'usd 1.08');
  assert.equal(await panel.evaluate('window.cloudfnScriptRan === true'), false);

  await panel.locator('.html-tab', { hasText: 'Source' }).click();
  assert.match(await panel.locator('.html-source').innerText(), /<script>document\.getElementById\('title'\)/);
  assert.equal(await frameElement.isHidden(), true);
  await panel.locator('.html-tab', { hasText: 'Preview' }).click();
  await panel.locator('details.mail summary').click();
  assert.equal(await panel.locator('.mail-excerpt').innerText(), 'Cleanup Removed 3 drafts.');
  await panel.locator('details.mail iframe.html-preview').waitFor();
  assert.equal(await panel.locator('details.mail iframe.html-preview').getAttribute('sandbox'), '');
  await panel.locator('.http-calls').scrollIntoViewIfNeeded();
  await editor.screenshot(path.join(images, 'run-panel-mail-http.png'));
});

test('the hook\'s code lens simulates post_save with a document of the local database', async () => {
  await editor.openFile('functions/on_post.py');
  await editor.waitForCodeLens('Simulate post_save on posts…', 60_000);
  await editor.pickFromCodeLens('Simulate post_save on posts…', /"title":"Hello"/);
  const text = await finishedRunShowing(/as post_save on posts/);
  assert.match(text, /event: "post_save"/);
  assert.match(text, /title: "Hello"/);
  assert.match(text, /header: "post_save"/);
});

test('the auth hook\'s code lens simulates pre_login with an app user', async () => {
  await editor.openFile('functions/gate.py');
  await editor.pickFromCodeLens('Simulate pre_login…', /An example user/);
  const text = await finishedRunShowing(/as pre_login/);
  assert.match(text, /email: "ada@example\.com"/);
  assert.match(text, /block: true/);
  assert.match(text, /reason: "example addresses may not log in"/);
});

test('the scheduled function has its lenses: Run as schedule and the next fire time', async () => {
  await editor.openFile('functions/cleanup.py');
  await editor.waitForCodeLens('Run as schedule nightly-cleanup', 60_000);
  // The next fire time only tells: a lens without a command is text, not a link.
  const line = await editor.page.locator('.part.editor .editor-group-container.active .codelens-decoration').allTextContents();
  assert.ok(line.some((text) => /Run as schedule nightly-cleanup \| next: \w{3} 02:00 Europe\/Berlin/.test(text.replace(/\s+/g, ' '))), JSON.stringify(line));
});

test('serve starts from the view, answers a function over HTTP at the URL it shows, and stops', async () => {
  await clickRowAction('Serve', 'Start Serve');
  const url = await editor.waitFor('serve to show its URL in the Triggers view', async () => {
    const { description } = await triggerRow('Serve');
    return /^http:\/\/127\.0\.0\.1:\d+$/.test(description) && description;
  }, { timeoutMs: 60_000 });
  const response = await fetch(`${url}/functions/functions/on_post/execute`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'by-http', document: { title: 'From an app' } }),
  });
  assert.equal(response.status, 200);
  assert.deepEqual((await response.json() as { result: unknown }).result, { event: 'by-http', title: 'From an app', header: null });

  // An app's call whose write fires the hook: both runs appear in the run panel, the hook nested under the call.
  const published = await fetch(`${url}/functions/functions/publish/execute`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Posted by an app' }),
  });
  assert.equal(published.status, 200);
  const panel = await editor.webviewFrame('#cloudfn-run-panel');
  const historyRows = async (): Promise<string[]> => (await panel.locator('.history-item').allInnerTexts()).map((row) => row.replace(/\s+/g, ' '));
  const publishedRow = (rows: string[]): number => rows.findIndex((row) => /publish\.py POST \/functions\/functions\/publish\/execute/.test(row));
  const rows = await editor.waitFor('the app\'s call and the hook it fired, nested under it in the run history', async () => {
    const listed = await historyRows();
    const at = publishedRow(listed);
    return at >= 0 && /on_post\.py ↳ post_save on posts/.test(listed[at + 1] ?? '') && listed;
  });
  assert.ok(rows.some((row) => /on_post\.py POST \/functions\/functions\/on_post\/execute/.test(row)), JSON.stringify(rows));
  // The hook's row under the call (the list may grow meanwhile: the row is found again by what it shows).
  const children = panel.locator('.history-item.history-child', { hasText: /on_post\.py/ });
  const text = await editor.waitFor('the hook\'s run of the app\'s call in the panel', async () => {
    for (let i = 0; i < await children.count(); i++) {
      if (!await children.nth(i).click({ timeout: 2000 }).then(() => true, () => false)) continue;
      const shown = await panel.locator('#run').innerText();
      if (/fired by post_save on posts/.test(shown) && /Posted by an app/.test(shown)) return shown;
    }
    return false;
  });
  assert.match(text, /Succeeded/);
  assert.match(text, /title: "Posted by an app"/);
  assert.match(text, /header: "post_save"/);
  await editor.screenshot(path.join(images, 'run-panel-executions.png'));
  await clickRowAction('Serve', 'Stop Serve');
  await editor.waitFor('serve to be stopped', async () => (await triggerRow('Serve')).description === 'stopped');
  await assert.rejects(fetch(`${url}/functions/functions/on_post/execute`, { method: 'POST' }));
});

/**
 * The panel's text once the run it shows matches `shown` and has finished. Runs are not found by number: runs
 * of the executions log (the hooks an earlier run's writes fired) take numbers as they arrive.
 */
async function finishedRunShowing(shown: RegExp): Promise<string> {
  const panel = await editor.webviewFrame('#cloudfn-run-panel');
  return editor.waitFor(`a finished run matching ${shown} in the run panel`, async () => {
    const text = await panel.locator('#run').innerText().catch(() => '');
    return shown.test(text) && /Succeeded|Failed/.test(text) && text;
  }, { timeoutMs: 90_000 });
}

/** Clicks a row of the run history, again while the list is redrawn under the pointer. */
async function clickHistoryRow(row: ReturnType<Editor['page']['locator']>): Promise<void> {
  await editor.waitFor('a click on the history row', async () => row.first().click({ timeout: 2000 }).then(() => true, () => false));
}

/** Sets the view's clock through its command's input box (an empty time: the real clock). */
async function setClock(time: string): Promise<void> {
  // The view's title action (the command palette's pick would wait for a quick input that the input box reuses).
  await editor.openView('Triggers');
  await editor.page.locator('.part.sidebar .title-actions .action-label[aria-label^="Set Trigger Clock"]').click();
  const input = editor.page.locator('.quick-input-widget input');
  await editor.waitFor('the trigger clock\'s input box', async () => (await editor.page.locator('.quick-input-title', { hasText: 'Trigger clock' }).isVisible()) && input.isVisible());
  await input.fill(time);
  await input.press('Enter');
  // The next command's quick input must not find this box's input still in the page.
  await editor.waitFor('the trigger clock\'s input box to close', async () => !(await editor.page.locator('.quick-input-widget').isVisible()));
}

test('time travel: with the clock set to the spring-forward night, the 02:00 schedule next fires at 03:00 Berlin time', async () => {
  await setClock('2026-03-29T00:30Z');
  await editor.waitFor('the Clock row of time travel', async () => /^2026-03-29T00:30Z \(time travel\)$/.test((await triggerRow('Clock')).description));
  assert.equal((await triggerRow('nightly-cleanup')).description, 'next: Sun 03:00 Europe/Berlin');
  await setClock('');
  await editor.waitFor('the schedule back on the real clock', async () => /02:00 Europe\/Berlin$/.test((await triggerRow('nightly-cleanup')).description));
  assert.ok(!(await editor.treeViewItems('Triggers')).some((item) => item.label === 'Clock'));
});

test('the editor fires the schedule on the travelled clock: its run appears in the run panel, fired by the schedule', async () => {
  // Seconds before 03:00 CEST (01:00 UTC), the first minute after the gap, when the 02:00 schedule fires.
  await setClock('2026-03-29T00:59:50Z');
  await editor.runCommand('cloudfn: Show Run Panel');
  const panel = await editor.webviewFrame('#cloudfn-run-panel');
  const row = panel.locator('.history-item', { hasText: /schedule nightly-cleanup at 2026-03-29T01:00:00\.000Z/ });
  await editor.waitFor('the run the editor\'s scheduler fired, in the run history', async () => (await row.count()) > 0, { timeoutMs: 60_000 });
  // The file tab's tooltip may lie over the panel's top rows: the pointer leaves the tabs first.
  await editor.page.mouse.move(5, 400);
  await row.first().scrollIntoViewIfNeeded();
  await clickHistoryRow(row);
  const text = await editor.waitFor('the scheduled run in the panel', async () => {
    const shown = await panel.locator('#run').innerText();
    return /fired by schedule nightly-cleanup/.test(shown) && shown;
  });
  assert.match(text, /Succeeded/);
  await setClock('');
});
