// Diagnostics as data: every fixture under fixtures/diagnostics states its expected diagnostics with caret
// annotations (a `# collections: a, b` header stands for the local database's collections; without it there is
// no database); every seed example (test/fixtures/seed) must yield zero error diagnostics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkSource } from '../../server/analysis/checkSource';
import { collectionsHeader, listFixtures, parseAnnotatedSource } from './fixtureFormat';

for (const file of listFixtures('diagnostics')) {
  test(`diagnostics: ${path.basename(file)}`, () => {
    const { code, expected } = parseAnnotatedSource(fs.readFileSync(file, 'utf8'));
    const actual = checkSource(code, collectionsHeader(code)).map((d) => ({
      line: d.line,
      column: d.column,
      length: d.line === d.endLine ? d.endColumn - d.column : undefined,
      severity: d.severity,
      code: d.code,
      message: d.message,
    }));
    const comparable = actual.map((d, index) => {
      const want = expected[index];
      return {
        ...d,
        length: want?.length === undefined ? undefined : d.length,
        message: want?.message === undefined ? undefined : d.message,
      };
    });
    assert.deepEqual(comparable, expected.map((e) => ({ ...e, length: e.length, message: e.message })));
  });
}

const seedDir = path.join(__dirname, '..', 'fixtures', 'seed');
for (const name of fs.readdirSync(seedDir).filter((n) => n.endsWith('.py')).sort()) {
  test(`seed example has no error diagnostics: ${name}`, () => {
    const errors = checkSource(fs.readFileSync(path.join(seedDir, name), 'utf8')).filter((d) => d.severity === 'error');
    assert.deepEqual(errors, []);
  });
}
