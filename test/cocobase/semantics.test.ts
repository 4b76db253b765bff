// Python's semantics that the runtime keeps (fixtures/python/semantics.md), in one real runtime: the
// interpreter's own imports (strftime, strptime, generics) work while user code still cannot import those
// modules, results come back as the exact JSON text Python's json.dumps gives, NaN and Infinity are refused,
// and the builtin names the API model lists exist.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PythonSupervisor } from '../../runtime/cocobase/supervisor';
import { sandboxPolicy } from '../../runtime/cocobase/apiModel';
import { readMarkdownCases } from '../markdownCases';
import { repoRoot, runRequest, tempDir } from '../helpers';

let supervisor: PythonSupervisor;

before(async () => {
  supervisor = new PythonSupervisor({ dbPath: path.join(tempDir(), 'semantics.db') });
  await supervisor.start();
});
after(() => supervisor.dispose());

for (const sample of readMarkdownCases(path.join(repoRoot, 'test', 'fixtures', 'python', 'semantics.md'))) {
  test(sample.name, async () => {
    const result = await supervisor.run(runRequest(sample.source));
    const { expect, message, result_json: resultJson } = sample.expectations;
    if (expect !== undefined) {
      assert.equal(result.error_type, expect, `${result.error ?? result.result_json}`);
      if (message !== undefined) assert.ok(result.error!.includes(message), result.error!);
    } else {
      assert.equal(result.error, null, `${result.traceback}`);
      assert.equal(result.result_json, resultJson);
    }
  });
}

test('every builtin and module member the API model lists exists in the runtime', async () => {
  const policy = sandboxPolicy();
  const builtinNames = policy.builtins.filter((name) => !['True', 'False', 'None'].includes(name));
  const members = Object.entries(policy.modules).flatMap(([module, names]) => names.map((name) => `${module}.${name}`));
  const source = `import ${Object.keys(policy.modules).join(', ')}\ndef main():\n    found = [${[...builtinNames, ...members].join(', ')}]\n    return len(found)\n`;
  const result = await supervisor.run(runRequest(source));
  assert.equal(result.error, null, `${result.traceback}`);
  assert.equal(result.result, builtinNames.length + members.length);
});
