// Quick fixes: an unknown member is replaced with the nearest name, a misspelt query operator with the operator
// meant; a disallowed import line is removed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeDocument } from '../../server/analysis/documentAnalysis';
import { lspDiagnostics } from '../../server/features/diagnostics';
import { quickFixes } from '../../server/features/codeActions';

const uri = 'file:///f.py';

test('quick fix: unknown member is replaced with the nearest one', () => {
  const diagnostics = lspDiagnostics(analyzeDocument('def main():\n    return db.get_docs("x")\n'));
  const [action] = quickFixes(uri, diagnostics);
  assert.equal(action?.title, "Change to 'get_documents'");
  assert.deepEqual(action?.edit?.changes?.[uri], [{ range: { start: { line: 1, character: 14 }, end: { line: 1, character: 22 } }, newText: 'get_documents' }]);
});

test('quick fix: a disallowed import alone on its line removes the line', () => {
  const diagnostics = lspDiagnostics(analyzeDocument('import os\ndef main():\n    return 1\n'));
  const [action] = quickFixes(uri, diagnostics);
  assert.equal(action?.title, 'Remove this import');
  assert.deepEqual(action?.edit?.changes?.[uri], [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, newText: '' }]);
});

test('quick fix: a misspelt query operator is replaced with the operator meant', () => {
  const diagnostics = lspDiagnostics(analyzeDocument("def main():\n    return db.query('posts', status_equal='open')\n"));
  const [action] = quickFixes(uri, diagnostics);
  assert.equal(action?.title, "Change to 'status_eq'");
  assert.deepEqual(action?.edit?.changes?.[uri], [{ range: { start: { line: 1, character: 29 }, end: { line: 1, character: 41 } }, newText: 'status_eq' }]);
});

test('quick fix: a misspelt operator in a **{...} key keeps the key\'s OR group', () => {
  const diagnostics = lspDiagnostics(analyzeDocument("def main():\n    return db.query('posts', **{'[or:a]title_contain': 'x'})\n"));
  const [action] = quickFixes(uri, diagnostics);
  assert.deepEqual(action?.edit?.changes?.[uri], [{ range: { start: { line: 1, character: 33 }, end: { line: 1, character: 52 } }, newText: '[or:a]title_contains' }]);
});
