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

test('db.py alone: the stored text and its errors are json.dumps\'s own, also after an error left the encoder mid-way', () => {
  // The oracle is the standard library's json.dumps with the options create_document documents.
  const [texts, errors] = python(`from cloudfn_sandbox import db
import datetime
def oracle(value):
    return json.dumps(value, default=db.json_default, allow_nan=False, separators=(",", ":"))
def outcome(encode, value):
    try:
        return encode(value)
    except Exception as error:
        return [type(error).__name__, str(error)]
shared = [1, 2]
cyclic = {"shared": shared}
cyclic["self"] = cyclic
values = [{}, {"b": 1, "a": [1.5, -0.0, 10**30, True, None]}, {"t": (1, "x"), 3: "int key", None: 1, 1.5: 2},
          {"s": "Jos\\u00e9 \\ud800 \\u001e"}, {"when": datetime.datetime(2026, 1, 2, 3, 4, 5)}, {"d": datetime.date(2026, 1, 2)},
          {"shared": shared, "again": shared}]
bad = [{"n": float("nan")}, {"i": float("-inf")}, {"o": object()}, {"k": {(1, 2): 1}}, cyclic, {"big": 10**5000}]
texts = [[outcome(db._encode_data, v), outcome(oracle, v)] for v in values]
errors = [[outcome(db._encode_data, v), outcome(oracle, v)] for v in bad]
# After the errors the encoder still encodes the dict it was in the middle of (no stale "circular" mark).
del cyclic["self"]
texts.append([outcome(db._encode_data, cyclic), outcome(oracle, cyclic)])
json.dumps([texts, errors])`) as [unknown[][], unknown[][]];
  for (const [ours, stdlib] of [...texts, ...errors]) assert.deepEqual(ours, stdlib);
  assert.equal(errors.filter(([ours]) => Array.isArray(ours)).length, 6);
});

test('db.py alone: create_document takes ids from the store in growing batches and returns what the store keeps', () => {
  const [calls, ids, records, copies] = python(`from cloudfn_sandbox import bridge, db
calls, batches = [], []
saved_call, saved_insert = bridge.call, bridge.insert_rows
def call(operation, arguments):
    calls.append([operation, json.loads(arguments)])
    if operation == "new_ids":
        return json.dumps([f"id-{len(calls)}-{n}" for n in range(json.loads(arguments)["count"])])
    return json.dumps("collection-1")
bridge.call, bridge.insert_rows = call, lambda records: batches.append(records) or ""
db._fresh_ids.clear()
db._id_batch = 16
try:
    database = db.make_db_class({"dbMethods": {}})()
    data = {"n": (1, 2), "when": __import__("datetime").date(2026, 1, 2)}
    created = [database.create_document("things", data) for _ in range(100)]
    data["n"] = "changed after the call"
    database._flush()
finally:
    bridge.call, bridge.insert_rows = saved_call, saved_insert
ids = [document["id"] for document in created]
records = [record.split("\\x1f")[:3] for batch in batches for record in batch.split("\\x1e")]
json.dumps([calls, [len(ids), len(set(ids))], records[:1], [created[0]["data"], created[0]["data"] is not created[1]["data"]]])`) as [unknown[], number[], string[][], unknown[]];
  assert.deepEqual(calls, [['ensure_collection', { name: 'things' }], ['new_ids', { count: 16 }], ['new_ids', { count: 64 }], ['new_ids', { count: 256 }]]);
  assert.deepEqual(ids, [100, 100]);
  assert.deepEqual(records, [['id-2-15', 'collection-1', '{"n":[1,2],"when":"2026-01-02"}']]);
  // The returned data is the stored JSON read back: a list for the tuple, text for the date, its own dict.
  assert.deepEqual(copies, [{ n: [1, 2], when: '2026-01-02' }, true]);
});
