// Completion: members of db, request/req, request.user and the allowed modules after a dot (from the API model);
// keyword arguments inside a db/request call; collection names (from the local database) inside the string
// argument of a collection-taking db call; otherwise file symbols in scope, builtins, keywords and globals.

import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import type { ApiMember } from '../../runtime/api/model';
import {
  builtinByName, constantNames, forbiddenBuiltinReasons, formatSignature, injectedGlobals, memberOf, moduleByName,
  targetOwner, type ApiTarget,
} from '../analysis/apiIndex';
import { argumentAt, callAt, isInStringOrComment, scopeAt, typedChainAt } from '../analysis/cursorContext';
import { calledFunction, collectionParameter, rootTarget } from '../analysis/diagnostics';
import type { DocumentAnalysis, SymbolDefinition } from '../analysis/documentAnalysis';
import { memberDocumentation } from './hover';

/** Python keywords offered where a statement or expression may start. */
export const pythonKeywords = [
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case',
];

function memberItem(owner: string, member: ApiMember, sortPrefix: string): CompletionItem {
  const isFunction = member.kind === 'function';
  return {
    label: member.name,
    kind: isFunction ? CompletionItemKind.Method : CompletionItemKind.Property,
    detail: isFunction ? formatSignature(owner, member) : `${owner}.${member.name}: ${member.type}`,
    documentation: { kind: MarkupKind.Markdown, value: memberDocumentation(owner, member) },
    sortText: sortPrefix + member.name,
  };
}

function targetMembers(target: ApiTarget): CompletionItem[] {
  const owner = targetOwner(target);
  if (target.kind === 'object') return target.object.members.map((m) => memberItem(owner, m, '0'));
  if (target.kind === 'member' && target.member.kind === 'property' && target.member.members) {
    return target.member.members.map((m) => memberItem(owner, m, '0'));
  }
  if (target.kind === 'module') {
    return target.module.members.map((name) => ({
      label: name,
      kind: /^[A-Z][A-Z_0-9]*$/.test(name) || /^(pi|e|tau|inf|nan|min|max)$/.test(name) ? CompletionItemKind.Constant
        : /^[A-Z]/.test(name) || ['datetime', 'date', 'time', 'timedelta', 'timezone', 'tzinfo'].includes(name) ? CompletionItemKind.Class
          : CompletionItemKind.Function,
      detail: `${owner}.${name}`,
      documentation: { kind: MarkupKind.Markdown, value: target.module.doc },
      sortText: '0' + name,
    }));
  }
  return [];
}

function symbolKind(symbol: SymbolDefinition): CompletionItemKind {
  switch (symbol.kind) {
    case 'function': return CompletionItemKind.Function;
    case 'class': return CompletionItemKind.Class;
    case 'parameter': return CompletionItemKind.Variable;
    case 'import': return CompletionItemKind.Module;
    default: return CompletionItemKind.Variable;
  }
}

/** Collection names when the cursor is in the string that names the collection of a db call, else none. */
function collectionItems(analysis: DocumentAnalysis, offset: number, collections: ReadonlySet<string> | undefined): CompletionItem[] {
  const call = collections && callAt(analysis, offset);
  const param = call && collectionParameter(calledFunction(analysis, call));
  if (!call || !param) return [];
  const { index, keyword } = argumentAt(call, offset);
  if (keyword ? keyword !== param : index !== 0) return [];
  const node = analysis.tree.resolveInner(offset, -1);
  if (node.name !== 'String' || !/^['"]/.test(analysis.text[node.from]!)) return [];
  const quote = analysis.text[node.from]!;
  const closed = node.to - node.from >= 2 && analysis.text[node.to - 1] === quote;
  const range = {
    start: analysis.lines.positionAt(node.from + 1),
    end: analysis.lines.positionAt(closed ? node.to - 1 : offset),
  };
  return [...collections!].sort().map((name) => ({
    label: name, kind: CompletionItemKind.Value, detail: 'collection in the local database', sortText: '0' + name,
    textEdit: { range, newText: name },
  }));
}

/**
 * The completion items at an offset of an analysed document; `collections` are the local database's
 * collection names, offered inside the collection string of db calls.
 */
export function completionItems(analysis: DocumentAnalysis, offset: number, collections?: ReadonlySet<string>): CompletionItem[] {
  if (isInStringOrComment(analysis, offset)) return collectionItems(analysis, offset, collections);
  const chain = typedChainAt(analysis.text, offset);
  const scope = scopeAt(analysis, offset);
  if (chain.path.length > 0) {
    if (chain.path[0] === '?') return [];
    let target = rootTarget(analysis, { name: chain.path[0]!, from: offset, to: offset, scope, isStore: false });
    for (const name of chain.path.slice(1)) target = target ? memberOf(target, name) : undefined;
    return target ? targetMembers(target) : [];
  }
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (item: CompletionItem) => {
    if (seen.has(item.label)) return;
    seen.add(item.label);
    items.push(item);
  };
  const call = callAt(analysis, offset);
  const called = call && calledFunction(analysis, call);
  if (call && called) {
    const used = new Set(call.args.filter((a) => a.kind === 'keyword').map((a) => a.name));
    for (const param of called.fn.params) {
      if (used.has(param.name)) continue;
      add({
        label: `${param.name}=`, kind: CompletionItemKind.Field, detail: `${param.name}: ${param.type}${param.default === undefined ? '' : ` = ${param.default}`}`,
        documentation: { kind: MarkupKind.Markdown, value: param.doc }, sortText: '0' + param.name,
        insertText: `${param.name}=`, insertTextFormat: InsertTextFormat.PlainText,
      });
    }
  }
  for (let current: typeof scope | undefined = scope; current; current = current.parent) {
    if (current.kind === 'class' && current !== scope) continue;
    for (const symbol of current.symbols.values()) {
      add({ label: symbol.name, kind: symbolKind(symbol), detail: symbol.kind, sortText: '1' + symbol.name });
    }
  }
  for (const [name, target] of injectedGlobals) {
    add({
      label: name, kind: target.kind === 'module' ? CompletionItemKind.Module : CompletionItemKind.Variable,
      detail: target.kind === 'module' ? `module ${name}` : name,
      documentation: { kind: MarkupKind.Markdown, value: target.kind === 'module' ? moduleByName.get(name)!.doc : target.kind === 'object' ? target.object.doc : '' },
      sortText: '2' + name,
    });
  }
  for (const builtin of builtinByName.values()) {
    add({
      label: builtin.name, kind: builtin.kind === 'function' ? CompletionItemKind.Function : CompletionItemKind.Class,
      detail: `builtin ${builtin.kind}`, documentation: builtin.doc, sortText: '3' + builtin.name,
    });
  }
  for (const name of constantNames) add({ label: name, kind: CompletionItemKind.Constant, sortText: '3' + name });
  for (const keyword of pythonKeywords) add({ label: keyword, kind: CompletionItemKind.Keyword, sortText: '4' + keyword });
  for (const name of forbiddenBuiltinReasons.keys()) seen.add(name);
  return items;
}
