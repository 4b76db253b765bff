// What is at or before a cursor offset: the dotted chain being typed (`request.user.na|`), whether the cursor
// is inside a string or comment, and the innermost call whose argument list contains it. Completion, hover and
// signature help all start from here.

import { scopeAt, type CallSite, type DocumentAnalysis, type Scope } from './documentAnalysis';

export interface TypedChain {
  /** Names before the last dot, e.g. ['request', 'user'] for `request.user.na`; empty for a bare name. */
  path: string[];
  /** The partial name under the cursor and where it starts. */
  prefix: string;
  prefixFrom: number;
}

const identifierChar = /[A-Za-z0-9_]/;

/** The dotted chain ending at the cursor, read from the text (it tolerates half-typed code). */
export function typedChainAt(text: string, offset: number): TypedChain {
  let start = offset;
  while (start > 0 && identifierChar.test(text[start - 1]!)) start--;
  const prefix = text.slice(start, offset);
  const path: string[] = [];
  let position = start;
  while (text[position - 1] === '.') {
    let end = position - 1;
    while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    let nameStart = end;
    while (nameStart > 0 && identifierChar.test(text[nameStart - 1]!)) nameStart--;
    if (nameStart === end || /[0-9]/.test(text[nameStart]!)) return { path: ['?'], prefix, prefixFrom: start };
    path.unshift(text.slice(nameStart, end));
    position = nameStart;
  }
  // A chain rooted in a call or subscript (`f().x`) has an object the model cannot name.
  if (path.length > 0 && /[)\]}'"]/.test(text[position - 1] ?? '')) return { path: ['?', ...path], prefix, prefixFrom: start };
  return { path, prefix, prefixFrom: start };
}

/** True when the offset is inside a string literal or a comment, where code completion does not apply. */
export function isInStringOrComment(analysis: DocumentAnalysis, offset: number): boolean {
  for (let node: ReturnType<typeof analysis.tree.resolveInner> | null = analysis.tree.resolveInner(offset, -1); node; node = node.parent) {
    if (node.name === 'Comment') return offset > node.from;
    if (node.name === 'String' || node.name === 'ContinuedString') {
      // An unclosed string (`'us` while typing) runs to its node's end, which the cursor may be at.
      const text = analysis.text.slice(node.from, node.to);
      const quote = /['"]/.exec(text);
      const closed = quote !== null && text.length > quote.index + 1 && text.endsWith(quote[0]);
      return offset > node.from && (offset < node.to || (!closed && offset === node.to));
    }
    if (node.name === 'FormatString') {
      // Inside `{...}` of an f-string the code is Python again.
      return false;
    }
  }
  return false;
}

/** The innermost call whose parentheses contain the offset. */
export function callAt(analysis: DocumentAnalysis, offset: number): CallSite | undefined {
  let best: CallSite | undefined;
  for (const call of analysis.calls) {
    const end = call.closed ? call.argsTo - 1 : call.argsTo;
    if (call.argsFrom < offset && offset <= end && (!best || call.argsFrom >= best.argsFrom)) best = call;
  }
  return best;
}

/** The index of the argument the cursor is in, and the keyword it names when it is `name=...`. */
export function argumentAt(call: CallSite, offset: number): { index: number; keyword?: string } {
  const index = call.commas.filter((comma) => comma < offset).length;
  const keywordArg = call.args.find((arg) => arg.kind === 'keyword' && arg.from <= offset && offset <= arg.to && (arg.nameTo ?? 0) < offset);
  return { index, keyword: keywordArg?.name };
}

export { scopeAt };
