// The sandbox's real objects against the API model: Pyodide is started as the runtime starts it (startPython:
// the build's memory snapshot, or the sandbox package installed from scratch), and `inspect` reads, here in the test
// and not in the sandbox, the signatures of the generated db methods, the hand-written create_document,
// request.json/request.get, and the attributes of Request and User. Names, parameter order and defaults must
// be the model's (runtime/cocobase/apiModel.ts).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dbObject, requestObject, userMembers, type ApiFunction, type ApiMember } from '../../runtime/cocobase/apiModel';

interface PythonParam { name: string; default: string | null }
interface Introspection {
  db: Record<string, PythonParam[]>;
  request: Record<string, PythonParam[]>;
  requestAttributes: string[];
  userAttributes: string[];
}

// The sandbox's Python files are imported as text (esbuild's text loader in the build): the same, for tsx.
require.extensions['.py'] = (module, filename) => { module.exports = fs.readFileSync(filename, 'utf8'); };

/** Public callables of an object with their parameters (self excluded), read with inspect.signature. */
const introspection = `
import inspect, json
from cloudfn_sandbox import entry, request

def params(function):
    return [{"name": ("**" if p.kind == p.VAR_KEYWORD else "") + p.name, "default": None if p.default is inspect.Parameter.empty else repr(p.default)}
            for p in inspect.signature(function).parameters.values() if p.name != "self"]

def methods(cls):
    return {name: params(getattr(cls, name)) for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}

def attributes(cls):
    return sorted(name for name in cls.__slots__ if not name.startswith("_"))

json.dumps({"db": methods(entry._db_class), "request": methods(request.Request),
            "requestAttributes": attributes(request.Request), "userAttributes": attributes(request.User)})
`;

let python: Introspection;

before(async () => {
  const { startPython } = await import('../../runtime/cocobase/pythonRuntime');
  const { py } = await startPython();
  python = JSON.parse(py.runPython(introspection) as string) as Introspection;
}, { timeout: 120_000 });

const functions = (members: ApiMember[]) => members.filter((m): m is ApiFunction => m.kind === 'function');
const modelParams = (fn: ApiFunction): PythonParam[] => [
  ...fn.params.map((p) => ({ name: p.name, default: p.default ?? null })),
  ...(fn.extraKeywords ? [{ name: `**${fn.keywordsName ?? 'kwargs'}`, default: null }] : []),
];

test('the db object has exactly the model\'s methods', () => {
  assert.deepEqual(Object.keys(python.db).sort(), functions(dbObject.members).map((m) => m.name).sort());
});

for (const fn of functions(dbObject.members)) {
  test(`db.${fn.name}: parameters and defaults match the model`, () => {
    assert.deepEqual(python.db[fn.name], modelParams(fn));
  });
}

test('request has exactly the model\'s methods and attributes', () => {
  assert.deepEqual(Object.keys(python.request).sort(), functions(requestObject.members).map((m) => m.name).sort());
  assert.deepEqual(python.requestAttributes, requestObject.members.filter((m) => m.kind === 'property').map((m) => m.name).sort());
});

for (const fn of functions(requestObject.members)) {
  test(`request.${fn.name}: parameters and defaults match the model`, () => {
    assert.deepEqual(python.request[fn.name], modelParams(fn));
  });
}

test('request.user has exactly the model\'s attributes', () => {
  assert.deepEqual(python.userAttributes, userMembers.map((m) => m.name).sort());
});
