// Pyodide's module as a classic script (runtime/cocobase/asmScript.ts): the transform leaves no module syntax
// behind, refuses a source of another shape, and the build's script with its code cache is what starts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { asmCodeCacheRejected, asmScriptSource, isAsmCodeCacheFresh, loadCreatePyodideModule } from '../../runtime/cocobase/asmScript';
import { repoRoot } from '../helpers';

const pyodideDist = path.join(repoRoot, 'dist', 'pyodide');

test('the transformed module has no import.meta, no dynamic import and no export, and compiles as a script', () => {
  const script = asmScriptSource(fs.readFileSync(path.join(pyodideDist, 'pyodide.asm.mjs'), 'utf8'));
  assert.doesNotMatch(script, /import\.meta/);
  assert.doesNotMatch(script, /\bimport\(/);
  assert.doesNotMatch(script, /\bexport default\b/);
  assert.equal(typeof new vm.Script(script).runInThisContext(), 'function');
});

test('a module of another shape is refused', () => {
  assert.throws(() => asmScriptSource('export { createModule };'), /no `export default _createPyodideModule`/);
});

test('the build wrote the script and a code cache that V8 accepts', () => {
  assert.equal(isAsmCodeCacheFresh(pyodideDist), true);
  const create = loadCreatePyodideModule(pyodideDist);
  assert.equal(typeof create, 'function');
  assert.equal(asmCodeCacheRejected(), false);
});
