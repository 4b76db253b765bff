// The diagnostics of a cloud-function file, computed from its analysis snapshot and the API model. Each has a
// stable code (syntax-error, disallowed-import, forbidden-builtin, unknown-member, wrong-arguments,
// missing-entry-point, undefined-name, private-attribute, private-name, unknown-collection, unknown-operator) so
// that editors, `cloudfn check` and tests can refer to it. Collection names and field keys come from the caller
// (the local database file); without them, or when the database has none yet, no collection diagnostic is raised. Offsets are into the
// document's text; callers convert them to positions.

import type { ApiFunction } from '../../runtime/cocobase/apiModel';
import {
  allowedDunders, allowedModules, forbiddenAttributeNames, forbiddenBuiltinReasons, hasClosedMembers, isPredefinedName,
  memberNames, nearestName, targetOwner,
} from './apiIndex';
import { calledFunction, chainTargets, collectionLiteral } from './apiTargets';
import { collectionParameter, collectionsCreatedIn } from './collectionUtils';
import { cpythonErrorSpan, type CPythonSyntaxResult } from './cpythonSyntax';
import { mayBeStarImported, resolveName, type CallSite, type DocumentAnalysis } from './documentAnalysis';
import { filterKeys, knownFields, misspeltOperator, queryCallOf } from './queryLanguage';
import type { LocalSchema } from '../localCollections';

export type DiagnosticSeverity = 'error' | 'warning' | 'information';

export type DiagnosticCode =
  | 'syntax-error' | 'disallowed-import' | 'forbidden-builtin' | 'unknown-member' | 'wrong-arguments'
  | 'missing-entry-point' | 'undefined-name' | 'private-attribute' | 'private-name' | 'unknown-collection'
  | 'unknown-operator';

export interface CloudDiagnostic {
  from: number;
  to: number;
  severity: DiagnosticSeverity;
  code: DiagnosticCode;
  message: string;
  /** For unknown-member, wrong-arguments and unknown-operator: the name meant, offered as a quick fix. */
  suggestion?: string;
  /** For disallowed-import: the span of the whole import statement, removed by the quick fix. */
  statement?: { from: number; to: number };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * Syntax errors: CPython's answer when known (it also reports the compile-time errors the parser accepts, such
 * as `return` outside a function); until then the parser's own marks. Returns where the parse tree stops being
 * reliable: the first error, or the parser's first mark (also when CPython compiles what the parser lacks).
 */
function checkSyntax(analysis: DocumentAnalysis, out: CloudDiagnostic[], exact: CPythonSyntaxResult | undefined): number | undefined {
  if (exact !== undefined) {
    // CPython's own answer replaces the parser's marks (and clears them when CPython compiles the file).
    const parserMark = analysis.syntaxProblems[0]?.from;
    if (!exact) return parserMark;
    const span = cpythonErrorSpan(analysis, exact);
    out.push({ ...span, severity: 'error', code: 'syntax-error', message: exact.message });
    return Math.min(span.from, parserMark ?? span.from);
  }
  let lastLine = -1;
  let first: number | undefined;
  for (const problem of analysis.syntaxProblems) {
    const line = analysis.lines.positionAt(problem.from).line;
    if (line === lastLine) continue;
    // The parser's mark at the very end of the file repeats an earlier problem (an unclosed bracket or block).
    if (problem.from === analysis.text.length && out.length > 0) continue;
    lastLine = line;
    let { from, to } = problem;
    if (from === to) {
      // An empty error mark: underline the word after it, else the character before it.
      const text = analysis.text;
      while (to < text.length && /[A-Za-z0-9_]/.test(text[to]!)) to++;
      if (to === from) {
        const lineStart = analysis.lines.lineStarts[line]!;
        if (from > lineStart && /\S/.test(text[from - 1] ?? '')) from -= 1;
        else to = Math.min(from + 1, text.length);
      }
    }
    first ??= from;
    out.push({ from, to, severity: 'error', code: 'syntax-error', message: problem.message });
  }
  return first;
}

function checkImports(analysis: DocumentAnalysis, out: CloudDiagnostic[]): void {
  const allowed = [...allowedModules].join(', ');
  for (const imported of analysis.imports) {
    const statement = { from: imported.statementFrom, to: imported.statementTo };
    if (imported.relative) {
      out.push({ from: imported.statementFrom, to: imported.statementTo, severity: 'error', code: 'disallowed-import', statement,
        message: 'relative imports are not available in cloud functions' });
    } else if (imported.module && imported.module !== '__future__' && !allowedModules.has(imported.module)) {
      // `from __future__ import annotations` is a compiler directive; CPython refuses unknown features itself.
      out.push({ from: imported.from, to: imported.to, severity: 'error', code: 'disallowed-import', statement,
        message: `import of '${imported.module}' is not allowed in cloud functions (allowed modules: ${allowed})` });
    }
  }
}

/**
 * Names: forbidden builtins, private names and undefined names. After a syntax error the parser's recovery can
 * move statements out of their block, so undefined names are not reported past it.
 */
function checkNames(analysis: DocumentAnalysis, out: CloudDiagnostic[], syntaxErrorAt: number | undefined): void {
  for (const ref of analysis.references) {
    const name = ref.name;
    if (!name) continue;
    const defined = resolveName(ref.scope, name) !== undefined;
    const reason = forbiddenBuiltinReasons.get(name);
    if (reason !== undefined && !defined) {
      out.push({ from: ref.from, to: ref.to, severity: 'error', code: 'forbidden-builtin',
        message: `'${name}' is not available in cloud functions: ${reason}` });
      continue;
    }
    if (name.startsWith('__') && name !== '__name__') {
      out.push({ from: ref.from, to: ref.to, severity: 'error', code: 'private-name',
        message: `name '${name}' is not allowed in cloud functions` });
      continue;
    }
    if (defined || ref.isStore || isPredefinedName(name) || mayBeStarImported(ref.scope)) continue;
    if (syntaxErrorAt !== undefined && ref.from >= syntaxErrorAt) continue;
    out.push({ from: ref.from, to: ref.to, severity: 'error', code: 'undefined-name', message: `name '${name}' is not defined` });
  }
}

function checkAttributes(analysis: DocumentAnalysis, out: CloudDiagnostic[]): void {
  for (const property of analysis.properties) {
    const name = property.name;
    if (name.startsWith('_') && !allowedDunders.has(name)) {
      out.push({ from: property.from, to: property.to, severity: 'error', code: 'private-attribute',
        message: `access to private attribute '${name}' is not allowed in cloud functions` });
    } else if (forbiddenAttributeNames.has(name)) {
      out.push({ from: property.from, to: property.to, severity: 'error', code: 'private-attribute',
        message: `attribute '${name}' is not allowed in cloud functions` });
    }
  }
  for (const chain of analysis.chains) {
    const targets = chainTargets(analysis, chain, 'onlyBinding');
    chain.properties.forEach((property, index) => {
      const owner = targets[index];
      if (!owner || !property.name || targets[index + 1] || !hasClosedMembers(owner)) return;
      if (property.name.startsWith('_')) return;
      const suggestion = nearestName(property.name, memberNames(owner) ?? []);
      const ownerLabel = targetOwner(owner);
      out.push({ from: property.from, to: property.to, severity: 'error', code: 'unknown-member', suggestion,
        message: `'${ownerLabel}' has no member '${property.name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}` });
    });
  }
}

/** The wrong-arguments diagnostics of one call to an API function (CPython's rules for binding arguments). */
function checkCall(call: CallSite, owner: string, fn: ApiFunction, out: CloudDiagnostic[]): void {
  const reported = out.length;
  const label = `${owner}.${fn.name}()`;
  const params = fn.params;
  const positionalParams = params.filter((p) => p.passing !== 'keyword');
  const hasUnpacking = call.args.some((arg) => arg.kind === 'star' || arg.kind === 'doubleStar');
  const positional = call.args.filter((arg) => arg.kind === 'positional' || arg.kind === 'generator');
  const keywords = call.args.filter((arg) => arg.kind === 'keyword');
  const calleeSpan = { from: call.calleeTo - fn.name.length, to: call.calleeTo };
  if (!call.args.some((arg) => arg.kind === 'star') && positional.length > positionalParams.length) {
    const extra = positional[positionalParams.length]!;
    out.push({ from: extra.from, to: positional[positional.length - 1]!.to, severity: 'error', code: 'wrong-arguments',
      message: positionalParams.length === 0 && params.length > 0 ? `${label} takes no positional arguments`
        : `${label} takes ${plural(positionalParams.length, 'positional argument')} but ${positional.length} ${positional.length === 1 ? 'was' : 'were'} given` });
  }
  const covered = new Set(positionalParams.slice(0, positional.length).map((p) => p.name));
  const takesKeywords = fn.extraKeywords || params.some((p) => p.passing !== 'positional');
  for (const keyword of keywords) {
    const name = keyword.name!;
    const range = { from: keyword.nameFrom ?? keyword.from, to: keyword.nameTo ?? keyword.to };
    const param = params.find((p) => p.name === name);
    if (!takesKeywords) {
      out.push({ ...range, severity: 'error', code: 'wrong-arguments', message: `${label} takes no keyword arguments` });
    } else if (param?.passing === 'positional' && !fn.extraKeywords) {
      out.push({ ...range, severity: 'error', code: 'wrong-arguments',
        message: `${label} got some positional-only arguments passed as keyword arguments: '${name}'` });
    } else if (!param && !fn.extraKeywords) {
      const suggestion = nearestName(name, params.filter((p) => p.passing !== 'positional').map((p) => p.name));
      out.push({ ...range, severity: 'error', code: 'wrong-arguments', suggestion,
        message: `${label} got an unexpected keyword argument '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}` });
    } else if (param && covered.has(name)) {
      out.push({ ...range, severity: 'error', code: 'wrong-arguments', message: `${label} got multiple values for argument '${name}'` });
    }
    if (param?.passing !== 'positional') covered.add(name);
  }
  // As in CPython, one wrong argument is reported; missing ones only when the others are right.
  if (call.closed && !hasUnpacking && out.length === reported) {
    const missing = params.filter((p) => p.default === undefined && !covered.has(p.name)).map((p) => `'${p.name}'`);
    if (missing.length > 0) {
      out.push({ ...calleeSpan, severity: 'error', code: 'wrong-arguments',
        message: `${label} missing ${plural(missing.length, 'required argument')}: ${missing.join(', ')}` });
    }
  }
}

function checkCalls(analysis: DocumentAnalysis, out: CloudDiagnostic[]): void {
  for (const call of analysis.calls) {
    const called = calledFunction(analysis, call, 'onlyBinding');
    if (called) checkCall(call, called.owner, called.fn, out);
  }
}

/**
 * unknown-collection: a literal collection name that is neither in the local database nor created by the file
 * itself (any of its create_collection/create_document calls, whatever their order: functions run in any order).
 * A database without collections (a fresh one) says nothing about the names, so it raises no warning.
 */
function checkCollections(analysis: DocumentAnalysis, collections: ReadonlySet<string>, out: CloudDiagnostic[]): void {
  if (collections.size === 0) return;
  // The file's own creations are looked for only when a name is not in the database (most files: never).
  let created: ReadonlySet<string> | undefined;
  for (const call of analysis.calls) {
    const param = collectionParameter(calledFunction(analysis, call));
    if (!param) continue;
    const literal = collectionLiteral(analysis, call, param);
    if (!literal || collections.has(literal.value)) continue;
    created ??= collectionsCreatedIn(analysis);
    if (created.has(literal.value)) continue;
    const suggestion = nearestName(literal.value, [...collections]);
    out.push({ from: literal.from, to: literal.to, severity: 'warning', code: 'unknown-collection',
      message: `collection '${literal.value}' is not in the local database${suggestion ? `; did you mean '${suggestion}'?` : ''}` });
  }
}

/**
 * unknown-operator: a filter key of a query call (`status_equal=`, `**{"age_gteq": 1}`) whose suffix is a
 * misspelt operator; the runtime would read it as an equality on a field of that name. The rule that keeps
 * real field names with underscores out is misspeltOperator's.
 */
function checkQueryKeys(analysis: DocumentAnalysis, local: LocalSchema | undefined, out: CloudDiagnostic[]): void {
  // The fields of each target, read once per analysis (reading them walks the file's calls).
  const fieldsByTarget = new Map<string, Set<string>>();
  for (const call of analysis.calls) {
    const query = queryCallOf(analysis, call);
    if (!query) continue;
    const keys = filterKeys(analysis, call, query);
    if (keys.length === 0) continue;
    const target = query.target;
    const targetKey = target?.kind === 'collection' ? `collection:${target.name}` : target?.kind ?? '';
    let fields = fieldsByTarget.get(targetKey);
    if (!fields) {
      fields = target ? knownFields(analysis, target, local, false) : new Set<string>();
      fieldsByTarget.set(targetKey, fields);
    }
    for (const key of keys) {
      const misspelt = misspeltOperator(key.value, fields);
      if (!misspelt) continue;
      out.push({ from: key.from, to: key.to, severity: 'warning', code: 'unknown-operator', suggestion: misspelt.replacement,
        message: `'${misspelt.suffix}' is not a query operator, so '${key.value}' filters on a field of that name; did you mean '${misspelt.replacement}'?` });
    }
  }
}

function checkEntryPoint(analysis: DocumentAnalysis, out: CloudDiagnostic[]): void {
  const symbols = analysis.moduleScope.symbols;
  if (symbols.has('main') || symbols.has('result') || analysis.moduleScope.hasUnknownStarImport) return;
  const firstLineEnd = analysis.lines.lineStarts.length > 1 ? analysis.lines.lineStarts[1]! - 1 : analysis.text.length;
  out.push({ from: 0, to: Math.max(0, firstLineEnd), severity: 'error', code: 'missing-entry-point',
    message: 'the function defines neither main() nor a result variable' });
}

/**
 * Every diagnostic of a document, sorted by position. `local` is what the local database holds: its
 * collection names (when undefined, no readable database, unknown-collection is never raised) and field keys. `exactSyntax` is
 * CPython's answer for this text when known (an error, or null when it compiles); until then the parser's own
 * error marks are reported.
 */
export function computeDiagnostics(analysis: DocumentAnalysis, local?: LocalSchema, exactSyntax?: CPythonSyntaxResult): CloudDiagnostic[] {
  const out: CloudDiagnostic[] = [];
  const syntaxErrorAt = checkSyntax(analysis, out, exactSyntax);
  checkImports(analysis, out);
  checkNames(analysis, out, syntaxErrorAt);
  checkAttributes(analysis, out);
  checkCalls(analysis, out);
  checkEntryPoint(analysis, out);
  if (local) checkCollections(analysis, local.collections, out);
  checkQueryKeys(analysis, local, out);
  return out.sort((a, b) => a.from - b.from || a.to - b.to);
}
