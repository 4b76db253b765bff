// What names, attribute chains and expressions of a document stand for in the API model: `db`, `request.user`,
// `db.get_documents` and, with inference on, what a local variable was assigned from an API call
// (`doc = db.get_document('users', id)`, `for doc in db.get_documents('users')`), so that completion and hover
// know the members and keys of returned values. Diagnostics infer only from a variable's one binding
// (`payload = request.json()` never reassigned), to stay free of guesses.

import type { SyntaxNode } from '@lezer/common';
import {
  callResult, functionOf, injectedGlobals, memberOf, moduleByName, subscriptResult, type ApiTarget,
} from './apiIndex';
import type { ApiFunction } from '../../runtime/cocobase/apiModel';
import {
  mayBeStarImported, resolveName, scopeAt, type AttributeChain, type CallSite, type DocumentAnalysis, type NameReference,
  type SymbolDefinition,
} from './documentAnalysis';

/**
 * How a local variable's value is inferred: not at all, from its first binding (completion, hover: a good
 * guess), or only when that binding is its one binding and no scope shares the name (diagnostics: a fact).
 */
export type Inference = 'none' | 'firstBinding' | 'onlyBinding';

/** How many assignments inference follows (`a = b`, `b = c`...) before giving up; also stops cycles. */
const maxInferenceDepth = 8;

/** The span and value of a plain string literal (no prefix, no escapes) in a span of text, or undefined. */
export function plainStringAt(text: string, from: number, to: number): { from: number; to: number; value: string } | undefined {
  while (from < to && /\s/.test(text[from]!)) from++;
  const literal = /^(['"])([^'"\\\n]*)\1$/.exec(text.slice(from, to).trimEnd());
  if (!literal) return undefined;
  return { from, to: from + literal[0].length, value: literal[2]! };
}

/** The value of a plain string literal node, or undefined. */
export function stringLiteralValue(analysis: DocumentAnalysis, node: SyntaxNode): string | undefined {
  return node.name === 'String' ? plainStringAt(analysis.text, node.from, node.to)?.value : undefined;
}

/**
 * What the root name of a chain stands for in the API, unless the file shadows it with its own definition; with
 * `infer`, a local variable stands for what it was first assigned (or iterated over) when that is an API value.
 */
export function rootTarget(analysis: DocumentAnalysis, ref: NameReference, infer: Inference = 'none', depth = 0): ApiTarget | undefined {
  const symbol = resolveName(ref.scope, ref.name);
  if (symbol) {
    // `import json` (or `import json as j`) still names the allowed module.
    if (symbol.kind === 'import' && symbol.importedFrom && !symbol.importedFrom.member) {
      const module = moduleByName.get(symbol.importedFrom.module);
      return module ? { kind: 'module', module } : undefined;
    }
    if (infer === 'none' || symbol.kind !== 'variable' || depth >= maxInferenceDepth) return undefined;
    if (infer === 'onlyBinding' && (symbol.bindings !== 1 || analysis.sharedNames.has(symbol.name))) return undefined;
    return variableTarget(analysis, symbol, infer, depth + 1);
  }
  if (mayBeStarImported(ref.scope)) return undefined;
  return injectedGlobals.get(ref.name);
}

const comprehensionNodes = new Set([
  'ForStatement', 'ArrayComprehensionExpression', 'DictionaryComprehensionExpression', 'SetComprehensionExpression',
  'ComprehensionExpression', 'ArgList',
]);

/** What a variable holds, from its defining assignment (`x = ...`, `x := ...`) or loop (`for x in ...`). */
function variableTarget(analysis: DocumentAnalysis, symbol: SymbolDefinition, infer: Inference, depth: number): ApiTarget | undefined {
  const node = analysis.tree.resolveInner(symbol.from, 1);
  const parent = node.parent;
  const next = node.nextSibling;
  if (node.name !== 'VariableName' || node.from !== symbol.from || !parent) return undefined;
  if ((parent.name === 'AssignStatement' && next?.name === 'AssignOp') || parent.name === 'NamedExpression') {
    const value = parent.lastChild;
    return value && value.from > node.to ? expressionTarget(analysis, value, depth, infer) : undefined;
  }
  if (next?.name === 'in' && comprehensionNodes.has(parent.name)) {
    const iterable = next.nextSibling;
    return iterable ? subscriptResult(expressionTarget(analysis, iterable, depth, infer), undefined) : undefined;
  }
  return undefined;
}

/** The string literal a call passes as its positional argument `index` or as keyword `param`, or undefined. */
export function argumentLiteral(analysis: DocumentAnalysis, call: CallSite, index: number, param: string): { from: number; to: number; value: string } | undefined {
  const positional = call.args.slice(0, index + 1).every((a) => a.kind === 'positional') ? call.args[index] : undefined;
  const arg = positional ?? call.args.find((a) => a.kind === 'keyword' && a.name === param);
  if (!arg) return undefined;
  const valueFrom = arg.kind === 'keyword' ? analysis.text.indexOf('=', arg.nameTo ?? arg.from) + 1 : arg.from;
  return plainStringAt(analysis.text, valueFrom, arg.to);
}

/** The string literal a call passes as its first positional argument or as keyword `param`, or undefined. */
export function collectionLiteral(analysis: DocumentAnalysis, call: CallSite, param: string): { from: number; to: number; value: string } | undefined {
  return argumentLiteral(analysis, call, 0, param);
}

/** The literal collection name of the call whose argument list is `argList`, or undefined. */
function collectionArgument(analysis: DocumentAnalysis, argList: SyntaxNode): string | undefined {
  const call = analysis.calls.find((site) => site.argsFrom === argList.from);
  return call ? collectionLiteral(analysis, call, 'collection')?.value : undefined;
}

/** What an expression node stands for (names with inference, attributes, calls, subscripts, parentheses). */
export function expressionTarget(analysis: DocumentAnalysis, node: SyntaxNode, depth = 0, infer: Inference = 'firstBinding'): ApiTarget | undefined {
  if (depth > maxInferenceDepth) return undefined;
  switch (node.name) {
    case 'VariableName': {
      const ref = { name: analysis.text.slice(node.from, node.to), from: node.from, to: node.to, scope: scopeAt(analysis, node.from), isStore: false };
      return rootTarget(analysis, ref, infer, depth);
    }
    case 'ParenthesizedExpression': {
      const inner = node.firstChild?.nextSibling;
      return inner && inner.name !== ')' ? expressionTarget(analysis, inner, depth + 1, infer) : undefined;
    }
    case 'MemberExpression': {
      const object = node.firstChild;
      const next = object?.nextSibling;
      const owner = object && next ? expressionTarget(analysis, object, depth + 1, infer) : undefined;
      if (!owner || !next) return undefined;
      if (next.name === '.') {
        const property = next.nextSibling;
        return property?.name === 'PropertyName' ? memberOf(owner, analysis.text.slice(property.from, property.to)) : undefined;
      }
      if (next.name === '[') {
        const index = next.nextSibling;
        return subscriptResult(owner, index ? stringLiteralValue(analysis, index) : undefined);
      }
      return undefined;
    }
    case 'CallExpression': {
      const callee = node.firstChild;
      const argList = node.getChild('ArgList');
      const target = callee ? expressionTarget(analysis, callee, depth + 1, infer) : undefined;
      const takesCollection = functionOf(target)?.params[0]?.name === 'collection';
      return callResult(target, takesCollection && argList ? collectionArgument(analysis, argList) : undefined);
    }
    default:
      return undefined;
  }
}

/** What each step of an attribute chain stands for, as far as the model knows (undefined from the first unknown). */
export function chainTargets(analysis: DocumentAnalysis, chain: AttributeChain, infer: Inference = 'none'): (ApiTarget | undefined)[] {
  const targets: (ApiTarget | undefined)[] = [rootTarget(analysis, chain.root, infer)];
  for (const property of chain.properties) {
    const owner = targets[targets.length - 1];
    targets.push(owner ? memberOf(owner, property.name) : undefined);
  }
  return targets;
}

/** The syntax node of a call's callee. */
function calleeNode(analysis: DocumentAnalysis, call: CallSite): SyntaxNode | undefined {
  for (let node: SyntaxNode | null = analysis.tree.resolveInner(call.calleeFrom, 1); node; node = node.parent) {
    if (node.from === call.calleeFrom && node.to === call.calleeTo) return node;
    if (node.from < call.calleeFrom || node.to > call.calleeTo) return undefined;
  }
  return undefined;
}

/**
 * The API function a call site calls: db.*, request.*, and the methods of the dicts and lists the API returns
 * (`request.query_params.get`, `request.json().get`, and with inference `payload.get`).
 */
export function calledFunction(analysis: DocumentAnalysis, call: CallSite, infer: Inference = 'none'): { owner: string; fn: ApiFunction } | undefined {
  let last: ApiTarget | undefined;
  if (call.calleeChain) {
    if (call.calleeChain.properties.length === 0) return undefined;
    const targets = chainTargets(analysis, call.calleeChain, infer);
    last = targets[targets.length - 1];
  } else {
    const callee = calleeNode(analysis, call);
    last = callee?.name === 'MemberExpression' ? expressionTarget(analysis, callee, 0, infer) : undefined;
  }
  const fn = functionOf(last);
  if (!fn || last?.kind !== 'member') return undefined;
  return { owner: last.owner, fn };
}
