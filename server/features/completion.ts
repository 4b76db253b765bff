// Completion: members of db, request/req, request.user and the allowed modules after a dot, and the members
// of the values the API returns (`request.query_params.`, `request.json().`, `doc.` after
// `doc = db.get_document(...)`), all from the API model; keyword arguments inside an API call; inside strings,
// collection names of db calls, the keys of returned dicts (`doc['`, `doc['data'].get('`) and field keys of
// `filters`/`data`/`fields` dicts (from the local database's documents and the file's other db calls);
// in a query call (`db.query`, `db.find_one`, `db.query_users`, `db.count_documents`...), its filter keywords
// (`status=`, and after `status_` the operators `status_eq=`, `status_ne=`...), the keys of its `**{...}` and
// query `filters` dicts (also after `[or]`), `populate` relations (`author`, `author.company`) and `select`
// paths; otherwise file symbols in scope, builtins, keywords and globals.

import type { SyntaxNode } from '@lezer/common';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList } from 'vscode-languageserver';
import { queryOperatorDocs, type ApiMember } from '../../runtime/cocobase/apiModel';
import { operators } from '../../runtime/cocobase/query/filters';
import {
  builtinByName, constantNames, describedMembers, forbiddenBuiltinReasons, formatSignature, injectedGlobals, memberOf,
  moduleByName, targetOwner, valueOf, type ApiTarget,
} from '../analysis/apiIndex';
import { calledFunction, collectionLiteral, expressionTarget, rootTarget, stringLiteralValue } from '../analysis/apiTargets';
import { argumentAt, callAt, isInStringOrComment, scopeAt, typedChainAt } from '../analysis/cursorContext';
import { collectionParameter } from '../analysis/collectionUtils';
import type { CallSite, DocumentAnalysis, SymbolDefinition } from '../analysis/documentAnalysis';
import { knownFields, ownKeys, queryCallOf, relationsOf, type QueryCall, type QueryTarget } from '../analysis/queryLanguage';
import type { LocalSchema } from '../localCollections';
import { memberDocumentation } from './tooltipUtils';

/** Python keywords offered where a statement or expression may start. */
export const pythonKeywords = [
  'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case',
];

/** Parameters of db document calls whose dict keys are fields of the collection's documents. */
const fieldDictParameters = new Set(['filters', 'data', 'fields']);

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
  const described = describedMembers(target);
  if (described) return described.members.map((m) => memberItem(described.owner, m, '0'));
  if (target.kind === 'module') {
    const owner = targetOwner(target);
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

/** The range of a string literal's content up to its closing quote (or the cursor when unclosed). */
function stringContentRange(analysis: DocumentAnalysis, node: SyntaxNode, offset: number) {
  const quote = analysis.text[node.from]!;
  const closed = node.to - node.from >= 2 && analysis.text[node.to - 1] === quote;
  return { start: analysis.lines.positionAt(node.from + 1), end: analysis.lines.positionAt(closed ? node.to - 1 : offset) };
}

/** The string literal (no prefix) the cursor is in, or undefined. */
function plainStringNodeAt(analysis: DocumentAnalysis, offset: number): SyntaxNode | undefined {
  const node = analysis.tree.resolveInner(offset, -1);
  return node.name === 'String' && /^['"]/.test(analysis.text[node.from]!) ? node : undefined;
}

/** Collection names when the cursor is in the string that names the collection of a db call, else none. */
function collectionItems(analysis: DocumentAnalysis, node: SyntaxNode, offset: number, collections: ReadonlySet<string> | undefined): CompletionItem[] {
  const call = collections && callAt(analysis, offset);
  const param = call && collectionParameter(calledFunction(analysis, call));
  if (!call || !param) return [];
  const { index, keyword } = argumentAt(call, offset);
  if (keyword ? keyword !== param : index !== 0) return [];
  const range = stringContentRange(analysis, node, offset);
  return [...collections!].sort().map((name) => ({
    label: name, kind: CompletionItemKind.Value, detail: 'collection in the local database', sortText: '0' + name,
    textEdit: { range, newText: name },
  }));
}

/** The keys of the dict literals passed as filters/data/fields to the file's db calls on one collection. */
function keysUsedInFile(analysis: DocumentAnalysis, collection: string, except: SyntaxNode): string[] {
  const keys: string[] = [];
  for (const call of analysis.calls) {
    const called = calledFunction(analysis, call);
    if (collectionParameter(called) !== 'collection' || collectionLiteral(analysis, call, 'collection')?.value !== collection) continue;
    const argList = analysis.tree.resolveInner(call.argsFrom, 1).parent;
    for (let child = argList?.firstChild; child; child = child.nextSibling) {
      if (child.name !== 'DictionaryExpression' || child.from === except.from) continue;
      for (let key = child.firstChild; key; key = key.nextSibling) {
        const value = key.prevSibling && /^[{,]$/.test(key.prevSibling.name) ? stringLiteralValue(analysis, key) : undefined;
        if (value) keys.push(value);
      }
    }
  }
  return keys;
}

/** Field-key items of a collection: keys of its documents in the local database, then keys the file uses. */
function fieldKeyItems(analysis: DocumentAnalysis, collection: string, node: SyntaxNode, offset: number, local: LocalSchema | undefined,
  dict: SyntaxNode | undefined): CompletionItem[] {
  const range = stringContentRange(analysis, node, offset);
  const items = new Map<string, CompletionItem>();
  for (const key of local?.fields?.get(collection) ?? []) {
    items.set(key, { label: key, kind: CompletionItemKind.Field, detail: `field of '${collection}'`, sortText: '0' + key,
      documentation: `A field of the documents of '${collection}' in the local database.`, textEdit: { range, newText: key } });
  }
  for (const key of keysUsedInFile(analysis, collection, dict ?? node)) {
    if (items.has(key)) continue;
    items.set(key, { label: key, kind: CompletionItemKind.Field, detail: `field of '${collection}'`, sortText: '1' + key,
      documentation: `A field of '${collection}' used by another db call in this file.`, textEdit: { range, newText: key } });
  }
  return [...items.values()];
}

/** Keys of a `filters`/`data`/`fields` dict literal of a db call when the cursor is in one of its keys. */
function filterKeyItems(analysis: DocumentAnalysis, node: SyntaxNode, offset: number, local: LocalSchema | undefined): CompletionItem[] {
  const dict = node.parent;
  const isKey = node.prevSibling && /^[{,]$/.test(node.prevSibling.name);
  if (!dict || !isKey || !/^(DictionaryExpression|SetExpression|SetComprehensionExpression)$/.test(dict.name) || dict.parent?.name !== 'ArgList') return [];
  const call = callAt(analysis, offset);
  const called = call && calledFunction(analysis, call);
  if (!call || !called || collectionParameter(called) !== 'collection') return [];
  const { index, keyword } = argumentAt(call, offset);
  const param = keyword ?? called.fn.params[index]?.name;
  const collection = collectionLiteral(analysis, call, 'collection')?.value;
  if (!param || !fieldDictParameters.has(param) || collection === undefined) return [];
  return fieldKeyItems(analysis, collection, node, offset, local, dict);
}

/** Keys of a returned dict when the cursor is in `value['...']` or `value.get('...')`. */
function returnedKeyItems(analysis: DocumentAnalysis, node: SyntaxNode, offset: number, local: LocalSchema | undefined): CompletionItem[] {
  const parent = node.parent;
  let object: SyntaxNode | null | undefined;
  if (parent?.name === 'MemberExpression' && node.prevSibling?.name === '[') object = parent.firstChild;
  else if (parent?.name === 'ArgList' && node.prevSibling?.name === '(') {
    const callee = parent.prevSibling;
    const property = callee?.name === 'MemberExpression' ? callee.lastChild : undefined;
    if (property?.name === 'PropertyName' && analysis.text.slice(property.from, property.to) === 'get') object = callee!.firstChild;
  }
  const target = object ? expressionTarget(analysis, object) : undefined;
  const value = valueOf(target);
  if (value?.kind !== 'dict') return [];
  if (value.collectionFields) {
    const collection = target?.kind === 'value' || target?.kind === 'member' ? target.collection : undefined;
    return collection === undefined ? [] : fieldKeyItems(analysis, collection, node, offset, local, undefined);
  }
  const range = stringContentRange(analysis, node, offset);
  return (value.fields ?? []).map((field) => ({
    label: field.name, kind: CompletionItemKind.Field, detail: `"${field.name}": ${field.type}`, sortText: '0' + field.name,
    documentation: field.doc, textEdit: { range, newText: field.name },
  }));
}

/** How the records of a query target are named in completion details. */
function targetLabel(target: QueryTarget): string {
  return target.kind === 'users' ? 'app users' : `'${target.name}'`;
}

/** The longest known field a typed key starts with, followed by `_` or `__`, and that separator. */
function typedField(typed: string, fields: ReadonlySet<string>): { field: string; separator: string } | undefined {
  let best: { field: string; separator: string } | undefined;
  for (const field of fields) {
    const separator = typed.startsWith(`${field}__`) ? '__' : typed.startsWith(`${field}_`) ? '_' : undefined;
    if (separator && (!best || field.length > best.field.length)) best = { field, separator };
  }
  return best;
}

/**
 * Filter-key items of a query target for what is typed: every known field, and once a known field and `_`
 * are typed (`status_`), that field with every operator of the query language, in the docs' order. `make`
 * turns a key into the text to insert (`status_ne=` as a keyword, `status_ne` inside a dict key's string).
 */
function filterKeyCompletions(target: QueryTarget, fields: ReadonlySet<string>, typed: string, keyword: boolean,
  make: (key: string) => Partial<CompletionItem>): CompletionItem[] {
  const items: CompletionItem[] = [];
  const usable = [...fields].filter((field) => !keyword || /^[A-Za-z_]\w*$/.test(field));
  for (const field of usable) {
    items.push({ label: keyword ? `${field}=` : field, kind: CompletionItemKind.Field, detail: `field of ${targetLabel(target)}`, sortText: '0' + field,
      documentation: `Equality filter on the field '${field}'; type '${field}_' for the operators.`, ...make(field) });
  }
  const typedKey = typedField(typed, new Set(usable));
  if (typedKey) {
    operators.forEach((op, index) => {
      const key = `${typedKey.field}${typedKey.separator}${op}`;
      items.push({ label: keyword ? `${key}=` : key, kind: CompletionItemKind.Operator, detail: `${typedKey.field} ${op} (query operator)`,
        documentation: queryOperatorDocs[op], sortText: `00${String(index).padStart(2, '0')}`, ...make(key) });
    });
  }
  return items;
}

/** Filter keywords of a query call at a keyword position (`db.query('posts', sta|`). */
function queryKeywordItems(analysis: DocumentAnalysis, call: CallSite, offset: number, local: LocalSchema | undefined): CompletionItem[] {
  const query = queryCallOf(analysis, call, 'firstBinding');
  if (!query?.keywordFilters || !query.target || argumentAt(call, offset).keyword !== undefined) return [];
  const typed = typedChainAt(analysis.text, offset).prefix;
  const fields = knownFields(analysis, query.target, local, true);
  const used = new Set(call.args.filter((a) => a.kind === 'keyword' && !(a.from <= offset && offset <= a.to)).map((a) => `${a.name}=`));
  return filterKeyCompletions(query.target, fields, typed, true, (key) => ({ insertText: `${key}=`, insertTextFormat: InsertTextFormat.PlainText }))
    .filter((item) => !used.has(item.label));
}

/** Dotted paths through the relations of some fields: `topic.label` for `topic_id` and topics' `label`. */
function relationPaths(analysis: DocumentAnalysis, fields: Iterable<string>, local: LocalSchema | undefined): string[] {
  const paths: string[] = [];
  for (const relation of relationsOf(fields, local?.collections)) {
    if (relation.target.kind !== 'collection') continue;
    for (const field of local?.fields?.get(relation.target.name) ?? []) paths.push(`${relation.name}.${field}`);
  }
  return paths;
}

/** The string values a call passes as one argument (`populate='a'` or `populate=['a', 'b.c']`). */
function argumentStrings(analysis: DocumentAnalysis, call: CallSite, query: QueryCall, name: string): string[] {
  const index = query.fn.params.findIndex((p) => p.name === name);
  const arg = call.args.find((a) => a.kind === 'keyword' && a.name === name)
    ?? (call.args.slice(0, index + 1).every((a) => a.kind === 'positional') ? call.args[index] : undefined);
  const value = arg && analysis.tree.resolveInner(arg.to, -1);
  let node: SyntaxNode | null | undefined = value;
  while (node && node.to === arg!.to && node.parent && node.parent.name !== 'ArgList') node = node.parent;
  if (!node) return [];
  if (node.name === 'String') return [stringLiteralValue(analysis, node)].filter((v) => v !== undefined);
  const values: string[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    const text = stringLiteralValue(analysis, child);
    if (text !== undefined) values.push(text);
  }
  return values;
}

/** `populate` items: the target's relations (`author` for `author_id`) and one level of nesting (`author.company`). */
function populatePaths(analysis: DocumentAnalysis, target: QueryTarget, local: LocalSchema | undefined): [string, string][] {
  const paths: [string, string][] = [];
  for (const relation of relationsOf(knownFields(analysis, target, local, true), local?.collections)) {
    paths.push([relation.name, `relation to ${targetLabel(relation.target)}`]);
    for (const nested of relationsOf(knownFields(analysis, relation.target, local, true), local?.collections)) {
      paths.push([`${relation.name}.${nested.name}`, `relation of ${targetLabel(relation.target)} to ${targetLabel(nested.target)}`]);
    }
  }
  return paths;
}

/** `select` items: paths into the returned records, including the relations the same call populates. */
function selectPaths(analysis: DocumentAnalysis, call: CallSite, query: QueryCall, target: QueryTarget, local: LocalSchema | undefined): [string, string][] {
  const fields = knownFields(analysis, target, local, true);
  const paths: [string, string][] = target.kind === 'users'
    ? [...['id', 'email', 'data', 'roles', 'created_at'].map((key): [string, string] => [key, 'key of the user']),
      ...[...fields].filter((f) => !ownKeys.users.includes(f)).map((f): [string, string] => [`data.${f}`, 'field of the user\'s data'])]
    : [...fields].map((f): [string, string] => [f, `field of ${targetLabel(target)}`]);
  const into = target.kind === 'users' ? 'data.' : '';
  for (const name of argumentStrings(analysis, call, query, 'populate')) {
    const first = name.split(/[.:]/)[0]!;
    const relation = relationsOf([`${first}_id`], local?.collections)[0];
    if (!relation) continue;
    paths.push([`${into}${first}`, `populated ${targetLabel(relation.target)}`]);
    for (const field of knownFields(analysis, relation.target, local, true)) paths.push([`${into}${first}.${field}`, `field of the populated ${targetLabel(relation.target)}`]);
  }
  return paths;
}

/**
 * Inside a string of a query call: a `sort` field or `order` direction, a `populate` or `select` path, or a key
 * of its `**{...}` or query `filters` dict.
 */
function queryStringItems(analysis: DocumentAnalysis, node: SyntaxNode, offset: number, local: LocalSchema | undefined): CompletionItem[] {
  const call = callAt(analysis, offset);
  const query = call && queryCallOf(analysis, call, 'firstBinding');
  if (!call || !query?.target) return [];
  const range = stringContentRange(analysis, node, offset);
  const parent = node.parent;
  const inArgument = parent?.name === 'ArgList' || (/^(ArrayExpression|TupleExpression)$/.test(parent?.name ?? '') && parent?.parent?.name === 'ArgList');
  const { index, keyword } = argumentAt(call, offset);
  const param = keyword ?? query.fn.params[index]?.name;
  if (parent?.name === 'ArgList' && (param === 'sort' || param === 'order')) {
    const values: [string, string][] = param === 'order' ? [['asc', 'ascending'], ['desc', 'descending']]
      : [...knownFields(analysis, query.target, local, true)].map((f) => [f, `field of ${targetLabel(query.target!)}`]);
    return values.map(([value, detail]) => ({ label: value, kind: CompletionItemKind.Value, detail, sortText: '0' + value, textEdit: { range, newText: value } }));
  }
  if (inArgument && (param === 'populate' || param === 'select')) {
    const paths = param === 'populate' ? populatePaths(analysis, query.target, local) : selectPaths(analysis, call, query, query.target, local);
    return [...new Map(paths).entries()].map(([path, detail]) => ({
      label: path, kind: param === 'populate' ? CompletionItemKind.Reference : CompletionItemKind.Field, detail, sortText: '0' + path,
      textEdit: { range, newText: path },
    }));
  }
  const isKey = node.prevSibling && /^[{,]$/.test(node.prevSibling.name) && /^(DictionaryExpression|SetExpression)$/.test(parent?.name ?? '')
    && parent?.parent?.name === 'ArgList';
  const isQueryDict = parent?.prevSibling?.name === '**' ? query.keywordFilters : query.fn.params.find((p) => p.name === param)?.queryFilters === true;
  if (!isKey || !isQueryDict) return [];
  const typed = analysis.text.slice(node.from + 1, offset);
  const group = /^\[or(?::[^\]]*)?\]/.exec(typed)?.[0] ?? '';
  const fields = knownFields(analysis, query.target, local, true, offset);
  for (const path of relationPaths(analysis, fields, local)) fields.add(path);
  const items = filterKeyCompletions(query.target, fields, typed.slice(group.length), false, (key) => ({ label: group + key, textEdit: { range, newText: group + key } }));
  if (!group) {
    items.push({ label: '[or]', kind: CompletionItemKind.Keyword, detail: 'OR group', sortText: '1[or]', textEdit: { range, newText: '[or]' },
      documentation: 'Keys starting with `[or]` are ORed together (`[or:name]` names a group; groups are ANDed); a trailing `_2` after the field lets a field repeat.' });
  }
  return items;
}

/** What the object before the dot at `dot` stands for, read from the tree (`request.json().`, `doc['data'].`). */
function objectBeforeDot(analysis: DocumentAnalysis, dot: number): ApiTarget | undefined {
  const node = analysis.tree.resolveInner(dot, 1);
  const object = node.name === '.' && node.parent?.name === 'MemberExpression' ? node.parent.firstChild : undefined;
  return object ? expressionTarget(analysis, object) : undefined;
}

/**
 * The completion items at an offset of an analysed document; `local` holds the local database's collection
 * names (offered inside the collection string of db calls) and field keys (offered as dict keys).
 */
export function completionItems(analysis: DocumentAnalysis, offset: number, local?: LocalSchema): CompletionItem[] {
  if (isInStringOrComment(analysis, offset)) {
    const node = plainStringNodeAt(analysis, offset);
    if (!node) return [];
    const collections = collectionItems(analysis, node, offset, local?.collections);
    if (collections.length > 0) return collections;
    const queryItems = queryStringItems(analysis, node, offset, local);
    if (queryItems.length > 0) return queryItems;
    const keys = filterKeyItems(analysis, node, offset, local);
    return keys.length > 0 ? keys : returnedKeyItems(analysis, node, offset, local);
  }
  const chain = typedChainAt(analysis.text, offset);
  const scope = scopeAt(analysis, offset);
  if (chain.path.length > 0) {
    let target = chain.path[0] === '?'
      ? objectBeforeDot(analysis, chain.prefixFrom - 1)
      : rootTarget(analysis, { name: chain.path[0]!, from: offset, to: offset, scope, isStore: false }, 'firstBinding');
    if (chain.path[0] !== '?') for (const name of chain.path.slice(1)) target = target ? memberOf(target, name) : undefined;
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
  const called = call && calledFunction(analysis, call, 'firstBinding');
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
    for (const item of queryKeywordItems(analysis, call, offset, local)) add(item);
  }
  for (let current: typeof scope | undefined = scope; current; current = current.parent) {
    if (current.kind === 'class' && current !== scope) continue;
    for (const symbol of current.symbols.values()) {
      add({ label: symbol.name, kind: symbolKind(symbol), detail: symbol.kind, sortText: '1' + symbol.name });
    }
  }
  for (const [name, target] of injectedGlobals) {
    add({
      // An injected class (timedelta) is offered as a class, not a module.
      label: name, kind: target.kind !== 'module' ? CompletionItemKind.Variable : target.module.kind === 'class' ? CompletionItemKind.Class : CompletionItemKind.Module,
      detail: target.kind !== 'module' ? name : `${target.module.kind === 'class' ? 'class' : 'module'} ${name}`,
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

/**
 * The completion list at an offset: completionItems, marked incomplete inside a query call so that the editor
 * asks again as a key grows (`status` offers fields, `status_` the operators).
 */
export function completionList(analysis: DocumentAnalysis, offset: number, local?: LocalSchema): CompletionList {
  const call = callAt(analysis, offset);
  return { isIncomplete: call !== undefined && queryCallOf(analysis, call, 'firstBinding') !== undefined, items: completionItems(analysis, offset, local) };
}
