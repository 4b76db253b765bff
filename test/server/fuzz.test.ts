// Property test: 10,000 mutated and truncated function files (seed examples with random cuts, deletions and
// inserted fragments) go through analysis, diagnostics, completion, hover, signature help and quick fixes at
// random offsets. Nothing may throw, and each file must be answered quickly (no pathological slowness).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { analyzeDocument } from '../../server/analysis/documentAnalysis';
import { lspDiagnostics } from '../../server/features/diagnostics';
import { completionItems } from '../../server/features/completion';
import { hoverAt } from '../../server/features/hover';
import { signatureHelpAt } from '../../server/features/signatureHelp';
import { quickFixes } from '../../server/features/codeActions';
import { DocumentStore } from '../../server/documentStore';

const seedDir = path.join(__dirname, '..', 'fixtures', 'seed');
const seeds = fs.readdirSync(seedDir).filter((n) => n.endsWith('.py')).sort().map((n) => fs.readFileSync(path.join(seedDir, n), 'utf8'));

const fragments = [
  'db.', 'request.', 'req.user.', 'json.', '(', ')', '[', ']', '{', '}', ':', ',', '=', '\n', '\n    ', '\t', "'", '"', '"""',
  'f"{', 'lambda x:', 'for x in ', 'import os\n', 'from . import x\n', 'def ', 'class C:', 'except E as e:', ':=', '*', '**',
  'db.get_documents(', 'filters=', '__class__', '.', '\\', '#', 'é', '😀', 'match x:\n    case [a, *b]:', 'global g', 'yield',
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 8 })) }),
);

function mutate(text: string, mutations: { kind: 'truncate' | 'delete' | 'insert'; at: number; length?: number; text?: string }[]): string {
  let result = text;
  for (const m of mutations) {
    const at = result.length === 0 ? 0 : m.at % (result.length + 1);
    if (m.kind === 'truncate') result = result.slice(0, at);
    else if (m.kind === 'delete') result = result.slice(0, at) + result.slice(at + (m.length ?? 0));
    else result = result.slice(0, at) + m.text + result.slice(at);
  }
  return result;
}

/** This process's CPU time in ms: what a pathological file costs, which a loaded machine's waits do not inflate. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

test('mutated files never make a feature throw', { timeout: 300_000 }, () => {
  let slowest = 0;
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.nat(), (seedIndex, mutations, cursor) => {
      const started = cpuMs();
      const text = mutate(seeds[seedIndex]!, mutations);
      const analysis = analyzeDocument(text);
      const offset = text.length === 0 ? 0 : cursor % (text.length + 1);
      const diagnostics = lspDiagnostics(analysis);
      quickFixes('file:///f.py', diagnostics);
      completionItems(analysis, offset);
      hoverAt(analysis, offset);
      signatureHelpAt(analysis, offset);
      for (const d of diagnostics) assert.ok(d.range.start.line <= d.range.end.line);
      slowest = Math.max(slowest, cpuMs() - started);
    }),
    { numRuns: 10_000 },
  );
  assert.ok(slowest < 1_000, `slowest file took ${slowest.toFixed(1)} ms of CPU`);
});

test('incremental re-parses after random edits give the same diagnostics as a fresh parse', { timeout: 300_000 }, () => {
  const uri = 'file:///f.py';
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 10 }), fc.constantFrom(...fragments, '')), { minLength: 1, maxLength: 8 }),
      (seedIndex, edits) => {
        const store = new DocumentStore();
        store.openDocument(uri, 'python', 1, seeds[seedIndex]!);
        let version = 1;
        for (const [at, length, text] of edits) {
          const document = store.document(uri)!;
          const content = document.getText();
          const from = at % (content.length + 1);
          const to = Math.min(content.length, from + length);
          store.changeDocument(uri, ++version, [{ range: { start: document.positionAt(from), end: document.positionAt(to) }, text }]);
          if (at % 2 === 0) store.analysis(uri);
        }
        const incremental = lspDiagnostics(store.analysis(uri)!);
        const fresh = lspDiagnostics(analyzeDocument(store.document(uri)!.getText()));
        assert.deepEqual(incremental, fresh);
      }),
    { numRuns: 2_000 },
  );
});
