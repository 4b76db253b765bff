// Diagnostics as data: every fixture under fixtures/diagnostics states its expected diagnostics with caret
// annotations (a `# collections: a, b` header stands for the local database's collections; without it there is
// no database); every seed example (test/fixtures/seed) must yield zero error diagnostics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkSource } from '../../server/analysis/checkSource';
import { listFixtures, localSchemaHeader, parseAnnotatedSource } from './fixtureFormat';

for (const file of listFixtures('diagnostics')) {
  test(`diagnostics: ${path.basename(file)}`, () => {
    const { code, expected } = parseAnnotatedSource(fs.readFileSync(file, 'utf8'));
    const actual = checkSource(code, localSchemaHeader(code)).map((d) => ({
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

/** The .py files under a folder, at any depth. */
function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? pythonFiles(file) : entry.name.endsWith('.py') ? [file] : [];
  });
}

// The misspelt-operator warning must never fire on real code: the seed's examples, the repo's examples and the
// checker corpus hold many field names with underscores (user_id, created_at, is_new...).
const realCode = [seedDir, path.join(__dirname, '..', '..', 'examples'), path.join(__dirname, '..', 'fixtures', 'corpus')].flatMap(pythonFiles);
test('no unknown-operator warning on the seed examples, the examples folder and the corpus', () => {
  assert.ok(realCode.length > 40, `only ${realCode.length} files`);
  const flagged = realCode.flatMap((file) => checkSource(fs.readFileSync(file, 'utf8')).filter((d) => d.code === 'unknown-operator')
    .map((d) => `${path.relative(process.cwd(), file)}:${d.line}: ${d.message}`));
  assert.deepEqual(flagged, []);
});
