// The sandbox package (runtime/cocobase/sandbox) in a started interpreter, as the runtime starts it: every
// file listed in index.ts is an imported module, the install leaves no trace (files, sys.path, __main__), and
// single modules work alone (the code check, the format guard, the output capture with a stand-in bridge).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

// The sandbox's Python files are imported as text (esbuild's text loader in the build): the same, for tsx.
require.extensions['.py'] = (module, filename) => { module.exports = fs.readFileSync(filename, 'utf8'); };

let python: (source: string) => unknown;
let files: string[];

before(async () => {
  const { startPython } = await import('../../runtime/cocobase/pythonRuntime');
  files = Object.keys((await import('../../runtime/cocobase/sandbox')).sandboxFiles);
  const { py } = await startPython();
  python = (source) => JSON.parse(py.runPython(`import json\n${source}`) as string);
}, { timeout: 120_000 });

test('every file of the package is an imported module', () => {
  const modules = python('import sys\njson.dumps(sorted(name for name in sys.modules if name.startswith("cloudfn_sandbox")))');
  const expected = files.map((name) => name === '__init__.py' ? 'cloudfn_sandbox' : `cloudfn_sandbox.${name.slice(0, -3)}`).sort();
  assert.deepEqual(modules, expected);
});

test('the install leaves no files, no sys.path entry and no names in __main__', () => {
  assert.deepEqual(python(`import os, sys
json.dumps([os.path.exists("/cloudfn"), [p for p in sys.path if p.startswith("/cloudfn")],
            [p for p in sys.path_importer_cache if p.startswith("/cloudfn")], "cloudfn_sandbox" in globals()])`), [false, [], [], false]);
});

test('check.py alone: a private attribute is refused before the code runs, with its line and column', () => {
  assert.deepEqual(python(`from cloudfn_sandbox.check import SandboxViolation, compile_function
try:
    compile_function("x = 1\\ny = x.__class__\\n", "alone.py")
    found = None
except SandboxViolation as error:
    found = [error.error_type.__name__, str(error), error.lineno, error.col_offset]
json.dumps(found)`), ['AttributeError', "access to private attribute '__class__' is not allowed in cloud functions", 2, 4]);
});

test('guards.py alone: the format guard refuses a field that walks to a private attribute', () => {
  assert.deepEqual(python(`from cloudfn_sandbox.guards import _format_attribute
checked = _format_attribute("{0.real}-{0.__class__}", "format")
try:
    checked(1)
    found = None
except AttributeError as error:
    found = str(error)
json.dumps([_format_attribute("{0}!", "format")(1), found])`),
  ['1!', "format field '0.__class__': access to private attribute '__class__' is not allowed in cloud functions"]);
});

test('output.py alone: print is captured line by line through the bridge', () => {
  assert.deepEqual(python(`from cloudfn_sandbox import bridge, output
lines, emit = [], bridge.emit
bridge.emit = lines.append
try:
    output.start()
    output._print("a", 1, sep="-", end="")
    output._print("b\\nc")
    output._print("d", end="")
    output.finish()
finally:
    bridge.emit = emit
json.dumps(lines)`), ['a-1b', 'c', 'd']);
});
