// Parse Cloud Code in the packaged extension in a real VS Code (code-server): the code lenses on the seed's
// cloud/main.js, "▶ Run hello" showing "Hello world!" in the run panel, a simulated save showing the object as
// beforeSave changed it, the data explorer listing the class, completion after `Parse.Cloud.` from the
// extension's TypeScript plugin, and a legacy-API warning. Saves docs/images/parse-run.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeServer, type Editor, assertCodeServerInstalled, repoRoot } from './harness';
import { finishedRun } from './runPanel';

const vsix = path.join(repoRoot, 'dist', 'cloudfn.vsix');
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudfn-e2e-parse-'));
let server: CodeServer;
let editor: Editor;

// The guide's hello, and the seed's averageStars, myJob and comment-truncating beforeSave, verbatim.
const seedDir = path.join(repoRoot, 'test', 'fixtures', 'parse', 'seed');
const seedBlocks = (file: string): string => [...fs.readFileSync(path.join(seedDir, file), 'utf8').matchAll(/\/\/ seed:begin\n([\s\S]*?)\/\/ seed:end/g)].map((m) => m[1]).join('\n');
const mainJs = `Parse.Cloud.define("hello", function(request, response) {
  response.success("Hello world!");
});

${seedBlocks('functions/main.js').split('Parse.Cloud.beforeSave("Review"')[0]}
${seedBlocks('truncate/main.js')}`;

before(async () => {
  assertCodeServerInstalled();
  assert.ok(fs.existsSync(vsix), `${vsix} is missing: \`npm run test:e2e\` packages it first (npm run package)`);
  fs.mkdirSync(path.join(workspace, 'cloud'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'cloud', 'main.js'), mainJs);
  fs.writeFileSync(path.join(workspace, 'cloud', 'main.params.json'), JSON.stringify({
    'save Review': { 'long comment': { movie: 'The Matrix', stars: 5, comment: 'A'.repeat(150) } },
  }, null, 2) + '\n');
  server = await CodeServer.start({ extensions: [vsix] });
  editor = await server.openEditor(workspace);
});

/** The text of run `runId` once finished. */
async function shownRun(runId: number): Promise<string> {
  return (await finishedRun(editor, runId)).text;
}

after(async () => {
  await server?.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('cloud/main.js gets code lenses for its functions, job and triggers', async () => {
  await editor.openFile('cloud/main.js');
  await editor.waitForCodeLens('▶ Run hello', 60_000);
  const lenses = await editor.codeLensTexts();
  for (const lens of ['Run hello with params…', '▶ Run averageStars', '▶ Run job myJob', 'Simulate save on Review…']) {
    assert.ok(lenses.includes(lens), `${lens} in ${JSON.stringify(lenses)}`);
  }
});

test('▶ Run hello shows "Hello world!" in the run panel and the log', async () => {
  await editor.clickCodeLens('▶ Run hello');
  const text = await shownRun(1);
  assert.match(text, /Succeeded/);
  assert.match(text, /POST \/parse\/functions\/hello → 200/);
  assert.match(text, /result: "Hello world!"/);
  await editor.waitForOutput('cloudfn', /✔ POST \/parse\/functions\/hello → 200 in [0-9.]+ ms · \{"result":"Hello world!"\}/);
  await editor.screenshot(path.join(repoRoot, 'docs', 'images', 'parse-run.png'));
});

test('a simulated save shows the object as beforeSave changed it', async () => {
  await editor.goToLine(mainJs.split('\n').findIndex((line) => line.startsWith('Parse.Cloud.beforeSave("Review"')) + 1, 1);
  await editor.pickFromCodeLens('Simulate save on Review…', 'long comment');
  const text = await shownRun(2);
  assert.match(text, /POST \/parse\/classes\/Review → 201/);
  assert.match(text, new RegExp(`comment: "${'A'.repeat(137)}\\.\\.\\."`));
});

test('the data explorer lists the Parse class', async () => {
  const items = await editor.waitForTreeItem('Local Database', 'Review');
  assert.ok(items.some((item) => item.label === 'Parse classes'), JSON.stringify(items));
});

test('a legacy API gets a warning', async () => {
  const problem = await editor.waitForProblem(/legacy response\.success\(\): current Parse Server/);
  assert.equal(problem.severity, 'warning');
});

test('completion after Parse.Cloud. lists define (the extension\'s TypeScript plugin)', async () => {
  await editor.openFile('cloud/main.js');
  const lines = mainJs.split('\n').length;
  await editor.goToLine(lines, 1);
  await editor.typeText('\nParse.Cloud.');
  await editor.waitForCompletion('afterSave');
  await editor.typeText('de');
  await editor.waitForCompletion('define');
  await editor.pressEscape();
});
