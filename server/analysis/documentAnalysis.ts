// The analysis snapshot of one document: the @lezer/python tree (error tolerant), the scopes with the symbols
// each defines (functions, classes, assignments, parameters, imports, for/with/except targets, comprehension
// variables, globals, PEP 695 type parameters), every name reference, attribute chain, call site and import.
// Features and diagnostics read only this snapshot; it is built once per document version. Two forms CPython
// accepts and @lezer/python does not (`with x as (a, b):`, `with (a() as x, b() as y):`) are repaired on a
// copy of the text of the same length before parsing, so that offsets stay the document's.

import { parser } from '@lezer/python';
import type { SyntaxNode, Tree, TreeFragment } from '@lezer/common';
import { LineIndex } from './textPositions';

export type ScopeKind = 'module' | 'function' | 'class' | 'lambda' | 'comprehension' | 'typeParameters';

export type SymbolKind = 'function' | 'class' | 'variable' | 'parameter' | 'import' | 'global';

export interface SymbolDefinition {
  name: string;
  kind: SymbolKind;
  from: number;
  to: number;
  /** For imports: the module imported from and, for `from m import x`, the member's name. */
  importedFrom?: { module: string; member?: string };
  /** How many statements bind the name in its scope (assignments, loops, augmented assignments...). */
  bindings: number;
}

export interface Scope {
  kind: ScopeKind;
  from: number;
  to: number;
  parent: Scope | undefined;
  symbols: Map<string, SymbolDefinition>;
  /** True when `from m import *` of a module the analysis does not know may define any name. */
  hasUnknownStarImport: boolean;
}

export interface NameReference {
  name: string;
  from: number;
  to: number;
  scope: Scope;
  /** True when the name is also the target of an assignment (`x += 1`) or a `del`. */
  isStore: boolean;
}

/** `a.b.c` where `a` is a plain name: the name and each property with its span. */
export interface AttributeChain {
  root: NameReference;
  properties: { name: string; from: number; to: number }[];
  from: number;
  to: number;
}

/** A property access anywhere, whether or not its object is a plain name. */
export interface PropertyAccess {
  name: string;
  from: number;
  to: number;
}

export interface CallArgument {
  kind: 'positional' | 'keyword' | 'star' | 'doubleStar' | 'generator';
  name?: string;
  from: number;
  to: number;
  /** Span of the keyword's name. */
  nameFrom?: number;
  nameTo?: number;
}

export interface CallSite {
  /** The callee when it is a plain name or attribute chain, e.g. ['db', 'get_documents']. */
  calleePath: string[] | undefined;
  calleeChain: AttributeChain | undefined;
  calleeFrom: number;
  calleeTo: number;
  /** Span of the argument list including its parentheses (`to` is the end of the text when unclosed). */
  argsFrom: number;
  argsTo: number;
  closed: boolean;
  args: CallArgument[];
  /** Offsets of the commas separating arguments at the top level of the call. */
  commas: number[];
  scope: Scope;
}

export interface ImportedModule {
  /** Dotted module name, e.g. `os.path`; empty for `from . import x`. */
  module: string;
  relative: boolean;
  from: number;
  to: number;
  statementFrom: number;
  statementTo: number;
}

export interface SyntaxProblem {
  from: number;
  to: number;
  message: string;
}

export interface DocumentAnalysis {
  text: string;
  tree: Tree;
  lines: LineIndex;
  moduleScope: Scope;
  scopes: Scope[];
  references: NameReference[];
  chains: AttributeChain[];
  properties: PropertyAccess[];
  calls: CallSite[];
  imports: ImportedModule[];
  syntaxProblems: SyntaxProblem[];
  /** Names some scope declares `global` or `nonlocal` (their bindings elsewhere are not counted). */
  sharedNames: ReadonlySet<string>;
}

const comprehensionNodes = new Set([
  'ArrayComprehensionExpression', 'DictionaryComprehensionExpression', 'SetComprehensionExpression', 'ComprehensionExpression',
]);

function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}

/** Parses (reusing the fragments of a previous parse after an edit, when given) and analyses a document's text. */
export function analyzeDocument(text: string, fragments?: readonly TreeFragment[]): DocumentAnalysis {
  const tree = parser.parse(repairForParser(text), fragments);
  return new Analyzer(text, tree).run();
}

/** A `with` line: its head, its items and the colon (with a trailing comment). */
const withLine = /^([ \t]*(?:async[ \t]+)?with\b[ \t]*)(.*?)([ \t]*:[ \t]*(?:#.*)?)$/gm;

/**
 * The text with the `with` forms the parser lacks rewritten at the same length: a bracketed target becomes one
 * placeholder identifier (the analyzer reads the names from the original text), and parentheses around the
 * items of a one-line `with (...)` become spaces. Each line is repaired on its own, so that the fragments
 * reused by an incremental parse stay valid.
 */
function repairForParser(text: string): string {
  if (!text.includes('with')) return text;
  return text.replace(withLine, (line, head: string, items: string, tail: string) => {
    let repaired = items;
    if (repaired.startsWith('(') && /\bas\b/.test(repaired) && closingBracket(repaired, 0) === repaired.length - 1) {
      repaired = ` ${repaired.slice(1, -1)} `;
    }
    for (const match of repaired.matchAll(/\bas[ \t]*(?=[([])/g)) {
      const open = match.index! + match[0].length;
      const close = closingBracket(repaired, open);
      const target = close < 0 ? '' : repaired.slice(open, close + 1);
      if (!target || !/^[\w\s,*()[\]]*$/.test(target) || !/^[ \t]*(,|$)/.test(repaired.slice(close + 1))) continue;
      repaired = repaired.slice(0, open) + '_'.repeat(target.length) + repaired.slice(close + 1);
    }
    return repaired === items ? line : head + repaired + tail;
  });
}

/** The index of the bracket closing the one at `open`, or -1 when it is not closed in the text. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index]!;
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') depth--;
    if (depth === 0) return index;
  }
  return -1;
}

class Analyzer {
  private readonly moduleScope: Scope;
  private readonly scopes: Scope[] = [];
  private readonly references: NameReference[] = [];
  private readonly chains: AttributeChain[] = [];
  private readonly properties: PropertyAccess[] = [];
  private readonly calls: CallSite[] = [];
  private readonly imports: ImportedModule[] = [];
  private readonly syntaxProblems: SyntaxProblem[] = [];
  private readonly sharedNames = new Set<string>();

  constructor(private readonly text: string, private readonly tree: Tree) {
    this.moduleScope = this.newScope('module', 0, text.length, undefined);
  }

  run(): DocumentAnalysis {
    this.visit(this.tree.topNode, this.moduleScope);
    return {
      text: this.text, tree: this.tree, lines: new LineIndex(this.text), moduleScope: this.moduleScope, scopes: this.scopes,
      references: this.references, chains: this.chains, properties: this.properties, calls: this.calls,
      imports: this.imports, syntaxProblems: this.syntaxProblems, sharedNames: this.sharedNames,
    };
  }

  private newScope(kind: ScopeKind, from: number, to: number, parent: Scope | undefined): Scope {
    const scope: Scope = { kind, from, to, parent, symbols: new Map(), hasUnknownStarImport: false };
    this.scopes.push(scope);
    return scope;
  }

  private slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private define(scope: Scope, node: SyntaxNode, kind: SymbolKind, importedFrom?: SymbolDefinition['importedFrom']): void {
    this.defineName(scope, this.slice(node), node.from, node.to, kind, importedFrom);
  }

  private defineName(scope: Scope, name: string, from: number, to: number, kind: SymbolKind, importedFrom?: SymbolDefinition['importedFrom']): void {
    if (!name) return;
    // The first definition is the one shown by hover and go-to; later ones only confirm the name exists.
    const existing = scope.symbols.get(name);
    if (existing) existing.bindings++;
    else scope.symbols.set(name, { name, kind, from, to, importedFrom, bindings: 1 });
  }

  private reference(node: SyntaxNode, scope: Scope, isStore = false): NameReference {
    const ref: NameReference = { name: this.slice(node), from: node.from, to: node.to, scope, isStore };
    this.references.push(ref);
    return ref;
  }

  private visitAll(nodes: SyntaxNode[], scope: Scope): void {
    for (const node of nodes) this.visit(node, scope);
  }

  /** Visits every child of `node` (without building the list `children()` returns). */
  private visitChildren(node: SyntaxNode, scope: Scope): void {
    for (let child = node.firstChild; child; child = child.nextSibling) this.visit(child, scope);
  }

  private visit(node: SyntaxNode, scope: Scope): void {
    if (node.type.isError) {
      this.syntaxProblems.push({ from: node.from, to: node.to, message: node.from === node.to ? 'invalid syntax' : 'invalid syntax' });
      this.visitChildren(node, scope);
      return;
    }
    switch (node.name) {
      case 'VariableName': this.reference(node, scope); return;
      case 'String':
        this.checkString(node);
        this.visitChildren(node, scope);
        return;
      case 'FunctionDefinition': this.visitFunction(node, scope); return;
      case 'ClassDefinition': this.visitClass(node, scope); return;
      case 'LambdaExpression': this.visitLambda(node, scope); return;
      case 'AssignStatement': this.visitAssign(node, scope); return;
      case 'UpdateStatement': this.visitUpdate(node, scope); return;
      case 'ForStatement': this.visitForLike(node, scope, scope); return;
      case 'WithStatement': this.visitAsTargets(node, scope); return;
      case 'TryStatement': this.visitAsTargets(node, scope); return;
      case 'ImportStatement': this.visitImport(node, scope); return;
      case 'ScopeStatement': this.visitScopeStatement(node, scope); return;
      case 'NamedExpression': this.visitNamed(node, scope); return;
      case 'MemberExpression': this.visitMember(node, scope); return;
      case 'CallExpression': this.visitCall(node, scope); return;
      case 'ArgList': this.visitArgList(node, scope); return;
      case 'MatchClause': this.visitMatchClause(node, scope); return;
      case 'DeleteStatement': this.visitDelete(node, scope); return;
      case 'PrintStatement':
        this.syntaxProblems.push({ from: node.from, to: node.to, message: "Missing parentheses in call to 'print'. Did you mean print(...)?" });
        this.visitChildren(node, scope);
        return;
      case 'TypeDefinition': this.visitTypeDefinition(node, scope); return;
      case 'Decorator': this.visitDecorator(node, scope); return;
      default:
        if (comprehensionNodes.has(node.name)) {
          this.visitComprehension(node, scope);
          return;
        }
        this.visitChildren(node, scope);
    }
  }

  /** A string literal the parser ended at a line break (or at the end) without its closing quote. */
  private checkString(node: SyntaxNode): void {
    const text = this.slice(node);
    const prefix = /^[A-Za-z]*/.exec(text)![0].length;
    const quote = text.startsWith(text[prefix]!.repeat(3), prefix) ? text[prefix]!.repeat(3) : text[prefix];
    if (!quote || !/^['"]+$/.test(quote)) return;
    const body = text.slice(prefix + quote.length);
    const escapedEnd = /(\\+)$/.exec(body.slice(0, body.length - quote.length))?.[1]?.length ?? 0;
    const closed = body.length >= quote.length && body.endsWith(quote) && (quote.length === 3 || escapedEnd % 2 === 0);
    if (!closed) this.syntaxProblems.push({ from: node.from, to: node.to, message: 'unterminated string literal' });
  }

  /** Parameters of a def or lambda: names are defined in `inner`; defaults and annotations are read in `outer`. */
  private visitParams(paramList: SyntaxNode, outer: Scope, inner: Scope): void {
    let previous: SyntaxNode | null = null;
    for (const child of children(paramList)) {
      if (child.name === 'VariableName' && previous?.name !== 'AssignOp') this.define(inner, child, 'parameter');
      else this.visit(child, outer);
      previous = child;
    }
  }

  /**
   * The scope where a def's or class's annotations, defaults and bases are read: with PEP 695 type parameters
   * (`def swap[A, B]`, `class Stack[T]`) a scope of their own between the enclosing one and the body's.
   */
  private typeParameterScope(node: SyntaxNode, scope: Scope): Scope {
    const list = node.getChild('TypeParamList');
    if (!list) return scope;
    const params = this.newScope('typeParameters', node.from, node.to, scope);
    for (const param of list.getChildren('TypeParam')) {
      for (const child of children(param)) {
        if (child.name === 'VariableName' && child.from === param.from) this.define(params, child, 'class');
        else this.visit(child, params);
      }
    }
    return params;
  }

  private visitFunction(node: SyntaxNode, scope: Scope): void {
    const outer = this.typeParameterScope(node, scope);
    const inner = this.newScope('function', node.from, node.to, outer);
    let named = false;
    for (const child of children(node)) {
      if (child.name === 'VariableName' && !named) {
        this.define(scope, child, 'function');
        named = true;
      } else if (child.name === 'ParamList') this.visitParams(child, outer, inner);
      else if (child.name === 'Body') this.visit(child, inner);
      else if (child.name !== 'TypeParamList') this.visit(child, outer);
    }
  }

  private visitClass(node: SyntaxNode, scope: Scope): void {
    const outer = this.typeParameterScope(node, scope);
    const inner = this.newScope('class', node.from, node.to, outer);
    let named = false;
    for (const child of children(node)) {
      if (child.name === 'VariableName' && !named) {
        this.define(scope, child, 'class');
        named = true;
      } else if (child.name === 'Body') this.visit(child, inner);
      else if (child.name !== 'TypeParamList') this.visit(child, outer);
    }
  }

  /** `@name`, `@name.attr` and `@name.attr(...)`: the first name is read, the later ones are attributes. */
  private visitDecorator(node: SyntaxNode, scope: Scope): void {
    let afterDot = false;
    for (const child of children(node)) {
      if (child.name === 'VariableName' && afterDot) this.properties.push({ name: this.slice(child), from: child.from, to: child.to });
      else if (child.name !== '.') this.visit(child, scope);
      afterDot = child.name === '.';
    }
  }

  private visitLambda(node: SyntaxNode, scope: Scope): void {
    const inner = this.newScope('lambda', node.from, node.to, scope);
    for (const child of children(node)) {
      if (child.name === 'ParamList') this.visitParams(child, scope, inner);
      else this.visit(child, inner);
    }
  }

  /** Defines the names an assignment target binds and visits the rest of it (attributes, subscripts) as reads. */
  private visitTarget(node: SyntaxNode, scope: Scope, defineIn: Scope, kind: SymbolKind = 'variable'): void {
    switch (node.name) {
      case 'VariableName':
        if (/^[([]/.test(this.slice(node))) {
          this.defineBracketTarget(node, scope, defineIn, kind);
          return;
        }
        this.define(defineIn, node, kind);
        this.reference(node, scope, true);
        return;
      case 'TupleExpression': case 'ArrayExpression': case 'ParenthesizedExpression':
        for (const child of children(node)) this.visitTarget(child, scope, defineIn, kind);
        return;
      default:
        this.visit(node, scope);
    }
  }

  /** A bracketed `with` target the text repair turned into one placeholder: each name in it is a target. */
  private defineBracketTarget(node: SyntaxNode, scope: Scope, defineIn: Scope, kind: SymbolKind): void {
    for (const match of this.slice(node).matchAll(/[A-Za-z_]\w*/g)) {
      const from = node.from + match.index!;
      this.defineName(defineIn, match[0], from, from + match[0].length, kind);
      this.references.push({ name: match[0], from, to: from + match[0].length, scope, isStore: true });
    }
  }

  private visitAssign(node: SyntaxNode, scope: Scope): void {
    const parts = children(node);
    let lastAssign = -1;
    parts.forEach((child, index) => { if (child.name === 'AssignOp') lastAssign = index; });
    // `x: int` without a value binds x too (as far as a conservative name check is concerned).
    const targetsEnd = lastAssign >= 0 ? lastAssign : parts.findIndex((child) => child.name === 'TypeDef');
    parts.forEach((child, index) => {
      if (index < targetsEnd && child.name !== 'AssignOp' && child.name !== 'TypeDef') this.visitTarget(child, scope, scope);
      else this.visit(child, scope);
    });
  }

  private visitUpdate(node: SyntaxNode, scope: Scope): void {
    const [target, ...rest] = children(node);
    if (target?.name === 'VariableName') {
      this.reference(target, scope, true);
      this.define(scope, target, 'variable');
    } else if (target) this.visit(target, scope);
    this.visitAll(rest, scope);
  }

  /** `for TARGETS in ...`: the nodes between `for` and `in` are targets (also used by comprehensions). */
  private visitForLike(node: SyntaxNode, readScope: Scope, defineIn: Scope): void {
    let inTargets = false;
    for (const child of children(node)) {
      if (child.name === 'for') inTargets = true;
      else if (child.name === 'in') inTargets = false;
      else if (inTargets) this.visitTarget(child, readScope, defineIn);
      else this.visit(child, readScope);
    }
  }

  /** `with x as y` and `except E as e`: the node right after `as` is a target. */
  private visitAsTargets(node: SyntaxNode, scope: Scope): void {
    let afterAs = false;
    for (const child of children(node)) {
      if (child.name === 'as') { afterAs = true; continue; }
      if (afterAs) this.visitTarget(child, scope, scope);
      else this.visit(child, scope);
      afterAs = false;
    }
  }

  private visitComprehension(node: SyntaxNode, scope: Scope): void {
    const inner = this.newScope('comprehension', node.from, node.to, scope);
    this.visitForLike(node, inner, inner);
  }

  private nearestNonComprehension(scope: Scope): Scope {
    let current = scope;
    while (current.kind === 'comprehension' && current.parent) current = current.parent;
    return current;
  }

  private visitNamed(node: SyntaxNode, scope: Scope): void {
    const [target, ...rest] = children(node);
    if (target?.name === 'VariableName') {
      this.define(this.nearestNonComprehension(scope), target, 'variable');
      this.reference(target, scope, true);
    } else if (target) this.visit(target, scope);
    this.visitAll(rest, scope);
  }

  private visitScopeStatement(node: SyntaxNode, scope: Scope): void {
    const isGlobal = node.firstChild?.name === 'global';
    for (const child of children(node)) {
      if (child.name !== 'VariableName') continue;
      this.sharedNames.add(this.slice(child));
      // A global declaration binds the name in the module (when assigned); nonlocal names an enclosing one.
      this.define(isGlobal ? this.moduleScope : scope, child, 'global');
      this.reference(child, scope, true);
    }
  }

  private visitDelete(node: SyntaxNode, scope: Scope): void {
    for (const child of children(node)) {
      if (child.name === 'VariableName') this.reference(child, scope, true);
      else this.visit(child, scope);
    }
  }

  private visitTypeDefinition(node: SyntaxNode, scope: Scope): void {
    for (const child of children(node)) {
      if (child.name === 'VariableName') this.define(scope, child, 'class');
      else if (child.name === 'TypeParamList') {
        for (const param of child.getChildren('TypeParam')) {
          const name = param.getChild('VariableName');
          if (name) this.define(scope, name, 'class');
        }
      } else this.visit(child, scope);
    }
  }

  private visitImport(node: SyntaxNode, scope: Scope): void {
    const parts = children(node);
    const isFrom = parts[0]?.name === 'from';
    if (!isFrom) {
      // import a.b as c, d
      let index = 1;
      while (index < parts.length) {
        const start = parts[index]!;
        if (start.name !== 'VariableName') { this.visit(start, scope); index++; continue; }
        const names = [start];
        index++;
        while (parts[index]?.name === '.' && parts[index + 1]?.name === 'VariableName') {
          names.push(parts[index + 1]!);
          index += 2;
        }
        const moduleName = names.map((n) => this.slice(n)).join('.');
        const last = names[names.length - 1]!;
        this.imports.push({ module: moduleName, relative: false, from: start.from, to: last.to, statementFrom: node.from, statementTo: node.to });
        if (parts[index]?.name === 'as' && parts[index + 1]?.name === 'VariableName') {
          this.define(scope, parts[index + 1]!, 'import', { module: moduleName });
          index += 2;
        } else {
          this.define(scope, start, 'import', { module: this.slice(start) });
        }
        if (parts[index]?.name === ',') index++;
      }
      return;
    }
    // from [.]a.b import x as y, z | *
    let index = 1;
    let relative = false;
    const names: SyntaxNode[] = [];
    while (index < parts.length && parts[index]!.name !== 'import') {
      const part = parts[index]!;
      if (part.name === '.' || part.name === 'Ellipsis') {
        if (names.length === 0) relative = true;
      } else if (part.name === 'VariableName') names.push(part);
      else this.visit(part, scope);
      index++;
    }
    const moduleName = names.map((n) => this.slice(n)).join('.');
    const moduleFrom = names[0]?.from ?? node.from;
    const moduleTo = names[names.length - 1]?.to ?? node.from + 4;
    this.imports.push({ module: moduleName, relative, from: moduleFrom, to: moduleTo, statementFrom: node.from, statementTo: node.to });
    index++;
    while (index < parts.length) {
      const part = parts[index]!;
      if (part.name === '*') {
        scope.hasUnknownStarImport = true;
      } else if (part.name === 'VariableName') {
        const member = this.slice(part);
        if (parts[index + 1]?.name === 'as' && parts[index + 2]?.name === 'VariableName') {
          this.define(scope, parts[index + 2]!, 'import', { module: moduleName, member });
          index += 2;
        } else {
          this.define(scope, part, 'import', { module: moduleName, member });
        }
      } else if (part.type.isError) this.visit(part, scope);
      index++;
    }
  }

  /** A chain `name.a.b` when the object is a plain name or another such chain. */
  private chainOf(node: SyntaxNode, scope: Scope): AttributeChain | undefined {
    if (node.name === 'VariableName') {
      return { root: this.reference(node, scope), properties: [], from: node.from, to: node.to };
    }
    if (node.name !== 'MemberExpression') return undefined;
    const object = node.firstChild;
    const dot = object?.nextSibling;
    if (!object || dot?.name !== '.') return undefined;
    const base = this.chainOf(object, scope);
    if (!base) return undefined;
    const property = dot.nextSibling;
    if (property?.name === 'PropertyName') {
      const access = { name: this.slice(property), from: property.from, to: property.to };
      this.properties.push(access);
      return { root: base.root, properties: [...base.properties, access], from: node.from, to: node.to };
    }
    // `db.` while typing: the chain ends with an empty property at the dot's end.
    const empty = { name: '', from: dot.to, to: dot.to };
    return { root: base.root, properties: [...base.properties, empty], from: node.from, to: dot.to };
  }

  /** Visits a member expression; returns its chain when the whole expression is one (`a.b.c`, not `f().c`). */
  private visitMember(node: SyntaxNode, scope: Scope): AttributeChain | undefined {
    const chain = this.chainOf(node, scope);
    if (chain) {
      this.chains.push(chain);
      // chainOf registered the root and the properties; visit error nodes inside the chain for syntax problems.
      for (let inner: SyntaxNode | null = node; inner && inner.name === 'MemberExpression'; inner = inner.firstChild) {
        for (const child of children(inner)) if (child.type.isError) this.visit(child, scope);
      }
      return chain;
    }
    for (const child of children(node)) {
      if (child.name === 'PropertyName') this.properties.push({ name: this.slice(child), from: child.from, to: child.to });
      else this.visit(child, scope);
    }
    return undefined;
  }

  private visitCall(node: SyntaxNode, scope: Scope): void {
    const callee = node.firstChild;
    const argList = node.getChild('ArgList');
    if (!callee) return;
    let calleeChain: AttributeChain | undefined;
    // Only a callee that is itself a chain has one: `request.json().get` is a method of what request.json() returns.
    if (callee.name === 'VariableName') {
      calleeChain = { root: this.reference(callee, scope), properties: [], from: callee.from, to: callee.to };
    } else if (callee.name === 'MemberExpression') calleeChain = this.visitMember(callee, scope);
    else this.visit(callee, scope);
    for (let child = callee.nextSibling; child; child = child.nextSibling) {
      if (child.name !== 'ArgList' || child.from !== argList?.from) this.visit(child, scope);
    }
    if (!argList) return;
    const site: CallSite = {
      calleePath: calleeChain ? [calleeChain.root.name, ...calleeChain.properties.map((p) => p.name)] : undefined,
      calleeChain, calleeFrom: callee.from, calleeTo: callee.to,
      argsFrom: argList.from, argsTo: argList.to, closed: argList.lastChild?.name === ')', args: [], commas: [], scope,
    };
    this.calls.push(site);
    this.visitArgList(argList, scope, site);
  }

  private visitArgList(node: SyntaxNode, scope: Scope, site?: CallSite): void {
    const parts = children(node);
    if (parts.some((child) => child.name === 'for')) {
      // A bare generator argument: `sum(x for x in xs)`.
      const inner = this.newScope('comprehension', node.from, node.to, scope);
      this.visitForLike(node, inner, inner);
      site?.args.push({ kind: 'generator', from: node.from + 1, to: node.to });
      return;
    }
    let pending: CallArgument['kind'] = 'positional';
    for (let index = 0; index < parts.length; index++) {
      const child = parts[index]!;
      const next = parts[index + 1];
      if (child.name === '(' || child.name === ')') continue;
      if (child.name === ',') { site?.commas.push(child.from); pending = 'positional'; continue; }
      if (child.name === '*' ) { pending = 'star'; continue; }
      if (child.name === '**') { pending = 'doubleStar'; continue; }
      if (child.name === 'VariableName' && next?.name === 'AssignOp' && this.slice(next) === '=') {
        const value = parts[index + 2];
        const valueIsArgument = value && value.name !== ',' && value.name !== ')';
        site?.args.push({ kind: 'keyword', name: this.slice(child), from: child.from, to: valueIsArgument ? value.to : next.to, nameFrom: child.from, nameTo: child.to });
        index += valueIsArgument ? 2 : 1;
        if (valueIsArgument) this.visit(value, scope);
        continue;
      }
      if (child.type.isError && child.from === child.to) { this.visit(child, scope); continue; }
      site?.args.push({ kind: pending, from: child.from, to: child.to });
      pending = 'positional';
      this.visit(child, scope);
    }
  }

  private visitMatchClause(node: SyntaxNode, scope: Scope): void {
    for (const child of children(node)) {
      if (child.name === 'Body' || child.name === 'Guard' || child.name === 'case') this.visit(child, scope);
      else this.visitPattern(child, scope);
    }
  }

  /** Match patterns: capture names are defined; class names and dotted values are read. */
  private visitPattern(node: SyntaxNode, scope: Scope): void {
    switch (node.name) {
      case 'CapturePattern': case 'StarPattern':
        for (const child of children(node)) this.visitPattern(child, scope);
        return;
      case 'AsPattern': {
        for (const child of children(node)) {
          if (child.name === 'VariableName') this.define(scope, child, 'variable');
          else this.visitPattern(child, scope);
        }
        return;
      }
      case 'ClassPattern': {
        for (const child of children(node)) {
          if (child.name === 'VariableName' || child.name === 'MemberExpression') this.visit(child, scope);
          else this.visitPattern(child, scope);
        }
        return;
      }
      case 'KeywordPattern': {
        for (const child of children(node)) if (child.name !== 'VariableName') this.visitPattern(child, scope);
        return;
      }
      case 'AttributePattern': case 'LiteralPattern':
        this.visit(node, scope);
        return;
      case 'MappingPattern': {
        let afterDoubleStar = false;
        for (const child of children(node)) {
          if (child.name === '**') { afterDoubleStar = true; continue; }
          if (afterDoubleStar && child.name === 'VariableName') this.define(scope, child, 'variable');
          else this.visitPattern(child, scope);
          afterDoubleStar = false;
        }
        return;
      }
      case 'VariableName':
        this.define(scope, node, 'variable');
        return;
      default:
        for (const child of children(node)) this.visitPattern(child, scope);
    }
  }
}

/**
 * Looks a name up through a scope and its parents as Python does: an enclosing class's names are not visible
 * from the functions, lambdas and comprehensions inside it (only from the class body itself).
 */
export function resolveName(scope: Scope, name: string): SymbolDefinition | undefined {
  for (let current: Scope | undefined = scope; current; current = current.parent) {
    if (current.kind === 'class' && current !== scope) continue;
    const symbol = current.symbols.get(name);
    if (symbol) return symbol;
  }
  return undefined;
}

/** True when some scope in the chain has a star import that may define any name. */
export function mayBeStarImported(scope: Scope): boolean {
  for (let current: Scope | undefined = scope; current; current = current.parent) if (current.hasUnknownStarImport) return true;
  return false;
}

/** The innermost scope containing an offset. */
export function scopeAt(analysis: DocumentAnalysis, offset: number): Scope {
  let best = analysis.moduleScope;
  for (const scope of analysis.scopes) {
    if (scope.from <= offset && offset <= scope.to && scope.to - scope.from <= best.to - best.from && scope !== best) {
      if (scope.kind === 'function' || scope.kind === 'class' || scope.kind === 'lambda' || scope.kind === 'comprehension') best = scope;
    }
  }
  return best;
}
