// The sandbox's real objects against the API model: Pyodide is started as the runtime starts it (startPython:
// the build's memory snapshot, or the sandbox package installed from scratch), and `inspect` reads, here in the test
// and not in the sandbox, the signatures of the generated db methods, the hand-written create_document,
// request.json/request.get, and the attributes of Request and User, and the current API's services (render,
// env, config, email, http) and the objects they return. Names, parameter order and defaults must be the
// model's (runtime/cocobase/apiModel.ts).

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dbObject, requestObject, serviceObjects, userMembers, type ApiFunction, type ApiMember } from '../../runtime/cocobase/apiModel';

interface PythonParam { name: string; default: string | null }
interface Introspection {
  db: Record<string, PythonParam[]>;
  request: Record<string, PythonParam[]>;
  requestAttributes: string[];
  userAttributes: string[];
  services: Record<string, { methods: Record<string, PythonParam[]>; attributes: string[] }>;
}

// The sandbox's Python files are imported as text (esbuild's text loader in the build): the same, for tsx.
require.extensions['.py'] = (module, filename) => { module.exports = fs.readFileSync(filename, 'utf8'); };

/** Public callables of an object with their parameters (self excluded), read with inspect.signature. */
const introspection = `
import inspect, json
from cloudfn_sandbox import entry, render, request, services

def params(function):
    return [{"name": ("**" if p.kind == p.VAR_KEYWORD else "") + p.name, "default": None if p.default is inspect.Parameter.empty else repr(p.default)}
            for p in inspect.signature(function).parameters.values() if p.name != "self"]

def methods(cls):
    return {name: params(getattr(cls, name)) for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}

def attributes(cls):
    slots = {name for name in cls.__slots__ if not name.startswith("_")}
    return sorted(slots | {name for name, value in vars(cls).items() if isinstance(value, property)})

def service(cls):
    return {"methods": methods(cls), "attributes": attributes(cls)}

json.dumps({"db": methods(entry._db_class), "request": methods(request.Request),
            "requestAttributes": attributes(request.Request),
            "userAttributes": sorted([*request.User({}).keys(), *attributes(request.User)]),
            "services": {"render": service(render.Render), "env": service(services.Env), "config": service(services.Config),
                         "email": service(services.Email), "http": service(services.Http),
                         "HtmlResponse": service(render.HtmlResponse), "HttpResponse": service(services.HttpResponse)}})
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

test('request.user has exactly the model\'s attributes (its dict methods are dict\'s own)', () => {
  assert.deepEqual(python.userAttributes, userMembers.filter((m) => m.kind === 'property').map((m) => m.name).sort());
});

/** The services and the objects their methods return, as the model describes them. */
const serviceShapes = serviceObjects.flatMap((object) => [
  { name: object.name, members: object.members },
  ...object.members.flatMap((member) => member.kind === 'function' && member.returnValue?.kind === 'object'
    ? [{ name: member.returnValue.name, members: member.returnValue.members }] : []),
]).filter((shape, index, all) => all.findIndex((other) => other.name === shape.name) === index);

for (const shape of serviceShapes) {
  test(`${shape.name} has exactly the model's methods (with their parameters) and attributes`, () => {
    const found = python.services[shape.name]!;
    assert.deepEqual(Object.fromEntries(Object.entries(found.methods).sort()),
      Object.fromEntries(functions(shape.members).map((fn) => [fn.name, modelParams(fn)]).sort()));
    assert.deepEqual(found.attributes, shape.members.filter((m) => m.kind === 'property').map((m) => m.name).sort());
  });
}
