// Snapshots of what the editor shows, for every completion, hover and signature fixture: the completion list
// (label, kind, detail and the first sentence of the documentation of each item, in the editor's order), the
// hover's markdown, the signature's label, active parameter and documentation. Compared exactly with the files
// under snapshots/; `UPDATE_SNAPSHOTS=1` rewrites them (review the diff before committing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CompletionItemKind, type CompletionItem, type MarkupContent } from 'vscode-languageserver';
import { analyzeDocument } from '../../server/analysis/documentAnalysis';
import { completionItems } from '../../server/features/completion';
import { hoverAt } from '../../server/features/hover';
import { signatureHelpAt } from '../../server/features/signatureHelp';
import { listFixtures, localSchemaHeader, parseCursorSource } from './fixtureFormat';

const snapshotsDir = path.join(__dirname, 'snapshots');
const update = process.env.UPDATE_SNAPSHOTS === '1';
const kindNames = new Map(Object.entries(CompletionItemKind).map(([name, value]) => [value, name]));

/** The first line of prose in documentation (code blocks skipped). */
function summary(documentation: string | MarkupContent | undefined): string {
  const text = typeof documentation === 'string' ? documentation : documentation?.value ?? '';
  let inCode = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    else if (!inCode && line.trim()) return line.trim();
  }
  return '';
}

function renderCompletion(items: CompletionItem[]): string {
  const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
  if (sorted.length === 0) return '(no items)\n';
  return sorted.map((item) => {
    const doc = summary(item.documentation);
    const edit = item.textEdit && 'range' in item.textEdit ? ` edit@${item.textEdit.range.start.line}:${item.textEdit.range.start.character}-${item.textEdit.range.end.character}` : '';
    return `${item.label} (${kindNames.get(item.kind!) ?? '?'})${item.detail ? ` ${item.detail}` : ''}${edit}\n${doc ? `    ${doc}\n` : ''}`;
  }).join('');
}

/** Compares a rendering with its snapshot file, or writes it under UPDATE_SNAPSHOTS=1. */
function matchSnapshot(name: string, actual: string): void {
  const file = path.join(snapshotsDir, `${name}.snap`);
  if (update) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `no snapshot ${path.relative(process.cwd(), file)}; run with UPDATE_SNAPSHOTS=1`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'));
}

function fixture(file: string) {
  const source = fs.readFileSync(file, 'utf8');
  const { code, offset } = parseCursorSource(source);
  return { source, analysis: analyzeDocument(code), offset };
}

for (const file of listFixtures('completion')) {
  test(`completion snapshot: ${path.basename(file)}`, () => {
    const { source, analysis, offset } = fixture(file);
    matchSnapshot(`completion/${path.basename(file, '.py')}`, renderCompletion(completionItems(analysis, offset, localSchemaHeader(source))));
  });
}

for (const file of listFixtures('hover')) {
  test(`hover snapshot: ${path.basename(file)}`, () => {
    const { analysis, offset } = fixture(file);
    const hover = hoverAt(analysis, offset);
    matchSnapshot(`hover/${path.basename(file, '.py')}`, hover ? `${hover.markdown}\n` : '(no hover)\n');
  });
}

for (const file of listFixtures('signature')) {
  test(`signature snapshot: ${path.basename(file)}`, () => {
    const { analysis, offset } = fixture(file);
    const help = signatureHelpAt(analysis, offset);
    const signature = help?.signatures[help.activeSignature ?? 0];
    const text = !help || !signature ? '(no signature help)\n' : [
      signature.label,
      `active parameter: ${help.activeParameter}`,
      ...(signature.parameters ?? []).map((param, index) => {
        const label = typeof param.label === 'string' ? param.label : signature.label.slice(param.label[0], param.label[1]);
        return `${index === help.activeParameter ? '>' : ' '} ${label} — ${summary(param.documentation)}`;
      }),
      '',
      typeof signature.documentation === 'string' ? signature.documentation : signature.documentation?.value ?? '',
      '',
    ].join('\n');
    matchSnapshot(`signature/${path.basename(file, '.py')}`, text);
  });
}
