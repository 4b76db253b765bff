// Completion, hover and signature help as data: each fixture has a `$0` cursor and header lines stating what
// the answer must include (`# includes:`, `# excludes:`, `# contains:`, `# label:`, `# active:`, `# none:`,
// `# incomplete:` for whether the completion list is marked incomplete); `# collections:`, `# fields:` and
// `# user-fields:` describe the local database for completion.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeDocument } from '../../server/analysis/documentAnalysis';
import { completionList } from '../../server/features/completion';
import { hoverAt } from '../../server/features/hover';
import { signatureHelpAt } from '../../server/features/signatureHelp';
import { fixtureHeaders, listFixtures, localSchemaHeader, parseCursorSource } from './fixtureFormat';

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function headerValues(source: string, key: string): string[] {
  return source.split('\n').filter((line) => line.startsWith(`# ${key}: `)).map((line) => line.slice(key.length + 4));
}

for (const file of listFixtures('completion')) {
  test(`completion: ${path.basename(file)}`, () => {
    const source = fs.readFileSync(file, 'utf8');
    const headers = fixtureHeaders(source);
    const { code, offset } = parseCursorSource(source);
    const answer = completionList(analyzeDocument(code), offset, localSchemaHeader(source));
    const labels = answer.items.map((item) => item.label);
    const incomplete = headers.get('incomplete');
    if (incomplete !== undefined) assert.equal(answer.isIncomplete, incomplete === 'true');
    for (const label of list(headers.get('includes'))) assert.ok(labels.includes(label), `missing '${label}' in ${JSON.stringify(labels)}`);
    for (const label of list(headers.get('excludes'))) assert.ok(!labels.includes(label), `unexpected '${label}'`);
  });
}

for (const file of listFixtures('hover')) {
  test(`hover: ${path.basename(file)}`, () => {
    const source = fs.readFileSync(file, 'utf8');
    const { code, offset } = parseCursorSource(source);
    const hover = hoverAt(analyzeDocument(code), offset);
    assert.ok(hover, 'no hover');
    for (const text of headerValues(source, 'contains')) assert.ok(hover.markdown.includes(text), `'${text}' not in:\n${hover.markdown}`);
  });
}

for (const file of listFixtures('signature')) {
  test(`signature help: ${path.basename(file)}`, () => {
    const source = fs.readFileSync(file, 'utf8');
    const headers = fixtureHeaders(source);
    const { code, offset } = parseCursorSource(source);
    const help = signatureHelpAt(analyzeDocument(code), offset);
    if (headers.get('none') === 'true') {
      assert.equal(help, undefined);
      return;
    }
    assert.ok(help, 'no signature help');
    const label = headers.get('label');
    if (label) assert.equal(help.signatures[0]!.label, label);
    const active = headers.get('active');
    if (active) assert.equal(help.activeParameter, Number(active));
  });
}
