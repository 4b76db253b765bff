// Generates `__builtins__.pyi` from the API model so that Pyright/Pylance know the globals a cloud function
// gets (db, request, req, the allowed modules) and show no false "db is not defined".

import {
  appUserShape, builtins, dbObject, modules, requestNames, requestObject, serviceObjects, userMembers,
  type ApiFunction, type ApiMember, type ApiObject, type ApiValue,
} from '../runtime/cocobase/apiModel';

/** Python types of the model as a stub can spell them (shapes like `{"id": str}` become `dict[str, Any]`). */
function stubType(type: string): string {
  let stub = type;
  // Shapes nest (a page holds a list of documents): replace the innermost ones until none is left.
  for (let previous = ''; previous !== stub;) {
    previous = stub;
    stub = stub.replace(/\{[^{}]*\}/g, 'dict[str, Any]');
  }
  return stub.replace(/\bUser\b/g, 'User');
}

function docstring(text: string, indent: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
  return `${indent}"""${escaped}${escaped.endsWith('"') ? ' ' : ''}"""\n`;
}

function methodStub(fn: ApiFunction, indent: string): string {
  const params = ['self', ...fn.params.map((p) => `${p.name}: ${stubType(p.type)}${p.default === undefined ? '' : ` = ${p.default}`}`)];
  if (fn.extraKeywords) params.push(`**${fn.keywordsName ?? 'kwargs'}: Any`);
  const doc = `${fn.doc}\n\n${indent}    Example: ${fn.example}`;
  return `${indent}def ${fn.name}(${params.join(', ')}) -> ${stubType(fn.returns)}:\n${docstring(doc, indent + '    ')}${indent}    ...\n`;
}

function propertyStub(member: Extract<ApiMember, { kind: 'property' }>, indent: string): string {
  return `${indent}@property\n${indent}def ${member.name}(self) -> ${stubType(member.type)}:\n${docstring(`${member.doc}\n\n${indent}    Example: ${member.example}`, indent + '    ')}${indent}    ...\n`;
}

function classStub(className: string, object: Pick<ApiObject, 'doc' | 'members'>, base = ''): string {
  const members = object.members.map((m) => (m.kind === 'function' ? methodStub(m, '    ') : propertyStub(m, '    ')));
  return `class ${className}${base ? `(${base})` : ''}:\n${docstring(object.doc, '    ')}${members.join('\n')}`;
}

/** The object values the services return (HtmlResponse, HttpResponse), each once, as classes of the stub. */
function serviceValueStubs(): string[] {
  const seen = new Map<string, Extract<ApiValue, { kind: 'object' }>>();
  for (const object of serviceObjects) {
    for (const member of object.members) {
      const value = member.kind === 'function' ? member.returnValue : member.value;
      if (value?.kind === 'object') seen.set(value.name, value);
    }
  }
  return [...seen.values()].map((value) => classStub(value.name, { doc: `What the API returns as ${value.name}.`, members: value.members }));
}

/** The stub class name of an injected service (`render` → `Render`). */
const serviceClassName = (object: ApiObject): string => object.name[0]!.toUpperCase() + object.name.slice(1);

/** The import lines of the injected modules: plain modules, the urllib package with its parse submodule, and timedelta. */
function moduleImports(): string[] {
  return modules.filter((m) => m.name !== 'datetime').map((m) => {
    if (m.kind === 'class') return `from datetime import ${m.name} as ${m.name}`;
    return m.kind === 'submodule' ? `import ${m.name}` : `import ${m.name} as ${m.name}`;
  });
}

/** Members of the injected `datetime` that come from the module rather than from the datetime.datetime class. */
const datetimeModuleMembers = (modules.find((m) => m.name === 'datetime')?.members ?? [])
  .filter((name) => ['datetime', 'date', 'time', 'timedelta', 'timezone', 'tzinfo', 'MINYEAR', 'MAXYEAR', 'UTC'].includes(name));

/**
 * What a module name that is also an attribute of datetime values gives on such a value: `datetime.date` is
 * the class (`datetime.date(2024, 2, 28)`) while `datetime.now().date` is the method.
 */
const onDatetimeValues: Record<string, string> = {
  date: 'Callable[[], _datetime_module.date]',
  time: 'Callable[[], _datetime_module.time]',
  tzinfo: '_datetime_module.tzinfo | None',
};

/** The lines of the injected `datetime`: the datetime.datetime class that also exposes the module's names. */
function datetimeStub(): string[] {
  return [
    '# The injected `datetime` is the datetime.datetime class that also exposes the module\'s names. A module',
    '# name that is also an attribute of datetime values (date, time, tzinfo) is the module\'s on the class and',
    '# the value\'s on a value, as at run time.',
    'import datetime as _datetime_module',
    '_OnClass = TypeVar("_OnClass")',
    '_OnValue = TypeVar("_OnValue")',
    'class _ClassOrValue(Generic[_OnClass, _OnValue]):',
    '    @overload',
    '    def __get__(self, instance: None, owner: Any, /) -> _OnClass: ...',
    '    @overload',
    '    def __get__(self, instance: object, owner: Any, /) -> _OnValue: ...',
    'class datetime(_datetime_module.datetime):',
    ...datetimeModuleMembers.map((name) => onDatetimeValues[name]
      ? `    ${name}: ClassVar[_ClassOrValue[type[_datetime_module.${name}], ${onDatetimeValues[name]}]]`
      : `    ${name} = _datetime_module.${name}`),
  ];
}

/** The text of `__builtins__.pyi`. */
export function builtinsStub(): string {
  const parts = [
    '# Generated by `cloudfn stubs` from the CocoBASE API model: the globals of a cloud function.',
    '# Regenerate instead of editing.',
    '# pyright: reportIncompatibleMethodOverride=false, reportIncompatibleVariableOverride=false',
    '',
    'from typing import Any, Callable, ClassVar, Generic, TypeVar, overload',
    ...moduleImports(),
    ...datetimeStub(),
    '',
    // The user is a dict whose keys are also attributes: the dict's own methods come from the base class.
    classStub('User', { doc: `The authenticated app user of a request, a dict whose keys are also attributes. Shape of an app user: ${appUserShape}`,
      members: userMembers.filter((m) => m.kind === 'property') }, 'dict[str, Any]'),
    '',
    classStub('Database', dbObject),
    '',
    classStub('Request', requestObject),
    '',
    ...serviceValueStubs().flatMap((stub) => [stub, '']),
    ...serviceObjects.flatMap((object) => [classStub(serviceClassName(object), object), '']),
    `db: Database`,
    ...requestNames.map((name) => `${name}: Request`),
    ...serviceObjects.map((object) => `${object.name}: ${serviceClassName(object)}`),
    '',
    `# Allowed builtins: ${builtins.map((b) => b.name).join(', ')}.`,
    '',
  ];
  return parts.join('\n');
}
