// The run panel's "Mail & HTTP" section and HTML preview as data: a run's outbox and http calls → what the
// panel lists (cases in test/fixtures/client/effects.json), which results are previewed as HTML, and the text
// of an HTML mail checked against CPython's html.parser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../helpers';
import { effectsView, excerptLength, htmlText, mailView, renderedHtml } from '../../client/views/runPanel/effects';
import { panelView, RunHistory } from '../../client/views/runPanel/runHistory';
import { emptyRequestInput, failedRunResult, type RunResult } from '../../runtime/cocobase/run';

interface Case { name: string; result: Partial<RunResult>; expect: unknown }
const { cases } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'client', 'effects.json'), 'utf8')) as { cases: Case[] };

for (const testCase of cases) {
  test(`Mail & HTTP: ${testCase.name}`, () => {
    assert.deepEqual(effectsView(testCase.result as RunResult), testCase.expect);
  });
}

test('Mail & HTTP: a long body is cut to the excerpt length with an ellipsis', () => {
  const view = mailView({ to: ['a@b.c'], subject: 's', body: 'x'.repeat(500), template_id: null, context: null });
  assert.equal(view.excerpt.length, excerptLength);
  assert.ok(view.excerpt.endsWith('…'));
  assert.equal(view.body, 'x'.repeat(500));
});

/** A finished run's result with the given fields over a succeeded run's. */
function result(fields: Partial<RunResult>): RunResult {
  return { ...failedRunResult({ type: 'X', message: 'x' }, [], 1), success: true, error: null, error_type: null, traceback: null, ...fields };
}

test('HTML preview: only a succeeded run whose content type is text/html is previewed', () => {
  const page = '<h1>Hi</h1><script>document.title = "ran"</script>';
  assert.equal(renderedHtml(result({ result: page, content_type: 'text/html; charset=utf-8' })), page);
  assert.equal(renderedHtml(result({ result: page, content_type: 'TEXT/HTML' })), page);
  assert.equal(renderedHtml(result({ result: page, content_type: null })), null, 'a string that looks like HTML is still JSON');
  assert.equal(renderedHtml(result({ result: page, content_type: 'text/htmlx' })), null);
  assert.equal(renderedHtml(result({ result: { html: page }, content_type: 'text/html' })), null);
  assert.equal(renderedHtml({ ...result({ result: page, content_type: 'text/html' }), success: false }), null);
  assert.equal(renderedHtml(null), null);
});

test('HTML preview and Mail & HTTP reach the webview through panelView; a run without them gets nulls', () => {
  const history = new RunHistory();
  const run = history.start('/w/f.py', 'f.py', '(empty)', emptyRequestInput(), { method: 'POST', target: 'f.py', user: null, body: {}, query: {}, headers: {} });
  assert.equal(panelView(run).effects, null);
  assert.equal(panelView(run).html, null);
  history.finish(run, result({
    result: '<p>page</p>', content_type: 'text/html; charset=utf-8',
    outbox: [{ to: ['a@b.c'], subject: 'Hi', body: 'text', template_id: null, context: null }],
  }));
  const view = panelView(run);
  assert.equal(view.html, '<p>page</p>');
  assert.equal(view.effects?.mails[0]?.subject, 'Hi');
  assert.deepEqual(view.effects?.calls, []);
});

test('the text of an HTML mail is what CPython\'s html.parser reads from it (script and style left out)', () => {
  const samples = [
    '<p>Hello <b>Ada</b>,</p>\n<p>your code: <code>123&nbsp;456</code></p>',
    '<html><head><title>T</title><style>p{color:red}</style></head><body><!-- hidden --><a href="x">Fish &amp; chips &lt;3</a><script>var a = "<b>";</script></body></html>',
    '<table><tr><td>a</td><td>b &quot;c&quot; &#39;d&#39;</td></tr></table><br/>end',
  ];
  const oracle = `
import sys, json, re
from html.parser import HTMLParser
class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")
        if tag in ("script", "style"): self.skip += 1
    def handle_endtag(self, tag):
        self.parts.append(" ")
        if tag in ("script", "style"): self.skip -= 1
    def handle_data(self, data):
        if not self.skip: self.parts.append(data)
out = []
for sample in json.load(sys.stdin):
    parser = Text(); parser.feed(sample); parser.close()
    out.append(re.sub(r"\\s+", " ", "".join(parser.parts).replace("\\xa0", " ")).strip())
print(json.dumps(out))
`;
  const python = spawnSync('python3', ['-c', oracle], { input: JSON.stringify(samples), encoding: 'utf8' });
  assert.equal(python.status, 0, python.stderr);
  assert.deepEqual(samples.map(htmlText), JSON.parse(python.stdout));
});
