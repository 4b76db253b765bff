// Reading Cloud Code without running it: the code lens entries (define/job/triggers) and the legacy-API
// diagnostics with their quick fix. Cases are data in test/fixtures/client/cloudCode.md.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readMarkdownCases } from '../markdownCases';
import { repoRoot } from '../helpers';
import { applyEdit, findLegacyUses, readCloudCode } from '../../client/parse/cloudCode';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'client');

function position(source: string, offset: number): string {
  const before = source.slice(0, offset).split('\n');
  return `${before.length - 1}:${before[before.length - 1]!.length}`;
}

for (const testCase of readMarkdownCases(path.join(fixtures, 'cloudCode.md'))) {
  test(`cloud code: ${testCase.name}`, () => {
    const code = readCloudCode(testCase.source);
    const entries = code.entries.map((entry) => `${entry.kind === 'trigger' ? `trigger ${entry.trigger}` : entry.kind} ${entry.name}@${entry.line}`);
    assert.equal(entries.join(', ') || 'none', testCase.expectations.entries);
    const uses = findLegacyUses(testCase.source, code).map((use) =>
      `${position(testCase.source, use.start)} ${use.message.slice(0, use.message.indexOf(':'))}${use.fix ? ` → ${use.fix.edit.text}` : ''}`);
    assert.equal(uses.join(' | ') || 'none', testCase.expectations.legacy);
  });
}

test('the quick fix keeps the statement and the rest of the file as they were', () => {
  const source = 'Parse.Cloud.define("hello", function(request, response) {\n  response.success("Hello world!");\n});\n';
  const [use] = findLegacyUses(source);
  assert.ok(use?.fix);
  assert.equal(applyEdit(source, use.fix.edit), 'Parse.Cloud.define("hello", function(request, response) {\n  return "Hello world!";\n});\n');
  assert.equal(use.fix.title, 'Convert response.success() to return');
});
