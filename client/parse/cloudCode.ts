// Reads a Parse Cloud Code file without running it: where `Parse.Cloud.define/job` and the save/delete
// triggers are (for the code lenses), and where the Backbone-era APIs are used (for the legacy diagnostics and
// their quick fix). No JavaScript parser ships with the extension (only TypeScript, which is a dev dependency
// and several MB), so this is a small tokenizer (strings, templates, comments, regular expressions) with
// bracket matching; the cases it handles are data in test/fixtures/client/cloudCode.md.

export interface Token {
  kind: 'ident' | 'string' | 'number' | 'template' | 'regex' | 'punct';
  text: string;
  /** The value of a string literal (escapes resolved for the common cases). */
  value?: string;
  start: number;
  end: number;
}

const keywordsBeforeRegex = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** Splits JavaScript source into tokens, skipping whitespace and comments. Never throws. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = source.length;
  const regexAllowed = (): boolean => {
    const last = tokens[tokens.length - 1];
    if (!last) return true;
    if (last.kind === 'ident') return keywordsBeforeRegex.has(last.text);
    if (last.kind !== 'punct') return false;
    return !(last.text === ')' || last.text === ']' || last.text === '}');
  };
  /** Skips a quoted string starting at `at` (the quote); returns the index after it. */
  const skipString = (at: number): number => {
    const quote = source[at];
    let j = at + 1;
    while (j < n && source[j] !== quote && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, n);
  };
  /** Skips a template literal starting at `at` (the backtick), substitutions included. */
  const skipTemplate = (at: number): number => {
    let j = at + 1;
    while (j < n && source[j] !== '`') {
      if (source[j] === '\\') { j += 2; continue; }
      if (source[j] === '$' && source[j + 1] === '{') {
        let depth = 1;
        j += 2;
        while (j < n && depth > 0) {
          const c = source[j]!;
          if (c === '\'' || c === '"') { j = skipString(j); continue; }
          if (c === '`') { j = skipTemplate(j); continue; }
          if (c === '{') depth++;
          else if (c === '}') depth--;
          j++;
        }
        continue;
      }
      j++;
    }
    return Math.min(j + 1, n);
  };
  while (i < n) {
    const c = source[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') { i++; continue; }
    if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const close = source.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    const start = i;
    if (c === '\'' || c === '"') {
      i = skipString(i);
      const raw = source.slice(start + 1, source[i - 1] === c && i - 1 > start ? i - 1 : i);
      tokens.push({ kind: 'string', text: source.slice(start, i), value: unescape(raw), start, end: i });
      continue;
    }
    if (c === '`') {
      i = skipTemplate(i);
      const text = source.slice(start, i);
      const plain = !text.includes('${');
      tokens.push({ kind: 'template', text, value: plain ? unescape(text.slice(1, -1)) : undefined, start, end: i });
      continue;
    }
    if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(source[i]!)) i++;
      tokens.push({ kind: 'ident', text: source.slice(start, i), start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      while (i < n && /[0-9A-Za-z_.]/.test(source[i]!)) i++;
      tokens.push({ kind: 'number', text: source.slice(start, i), start, end: i });
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n') {
        const d = source[j]!;
        if (d === '\\') { j += 2; continue; }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < n && /[a-z]/.test(source[j]!)) j++;
      i = Math.min(j, n);
      tokens.push({ kind: 'regex', text: source.slice(start, i), start, end: i });
      continue;
    }
    if (c === '=' && source[i + 1] === '>') {
      i += 2;
      tokens.push({ kind: 'punct', text: '=>', start, end: i });
      continue;
    }
    i++;
    tokens.push({ kind: 'punct', text: c, start, end: i });
  }
  return tokens;
}

function unescape(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e[0] === 'u') return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0' } as Record<string, string>)[e] ?? e;
  });
}

/** For each bracket token, the index of its partner (unbalanced brackets have none). */
function matchBrackets(tokens: Token[]): Int32Array {
  const partner = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  const opening: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  tokens.forEach((token, index) => {
    if (token.kind !== 'punct') return;
    if (token.text === '(' || token.text === '[' || token.text === '{') stack.push(index);
    else if (opening[token.text]) {
      // Skip unbalanced openers of another kind (broken code being typed).
      let k = stack.length - 1;
      while (k >= 0 && tokens[stack[k]!]!.text !== opening[token.text]) k--;
      if (k < 0) return;
      const open = stack[k]!;
      stack.length = k;
      partner[open] = index;
      partner[index] = open;
    }
  });
  return partner;
}

const controlKeywords = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'return', 'typeof', 'await', 'new', 'in', 'of', 'do', 'else']);

export type TriggerType = 'beforeSave' | 'afterSave' | 'beforeDelete' | 'afterDelete';
const triggerTypes = new Set<string>(['beforeSave', 'afterSave', 'beforeDelete', 'afterDelete']);

/** A handler function given inline to Parse.Cloud.*: its parameter names and its body's braces (token indices). */
export interface Handler {
  params: (string | null)[];
  bodyOpen: number;
  bodyClose: number;
}

export interface CloudEntry {
  kind: 'function' | 'job' | 'trigger';
  /** The function or job name, or the trigger's class name (`_User` for Parse.User). */
  name: string;
  trigger?: TriggerType;
  /** 0-based line of the `Parse` token. */
  line: number;
  handler?: Handler;
}

/** Classes of the SDK that triggers take as a class rather than a name. */
const sdkClasses: Record<string, string> = { User: '_User', Role: '_Role', Session: '_Session', Installation: '_Installation' };

export interface CloudCode {
  tokens: Token[];
  partner: Int32Array;
  entries: CloudEntry[];
  /** Per token, the index of the `{` of the innermost function body holding it (-1 at top level). */
  enclosingFunction: Int32Array;
}

/** Reads a Cloud Code file: its tokens and its `Parse.Cloud.define/job/beforeSave/…` registrations. */
export function readCloudCode(source: string): CloudCode {
  const tokens = tokenize(source);
  const partner = matchBrackets(tokens);
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  const is = (index: number, text: string): boolean => tokens[index]?.text === text && tokens[index]!.kind !== 'string' && tokens[index]!.kind !== 'template';
  const stringAt = (index: number): string | undefined => {
    const token = tokens[index];
    return token && (token.kind === 'string' || token.kind === 'template') ? token.value : undefined;
  };
  const entries: CloudEntry[] = [];
  for (let i = 0; i + 5 < tokens.length; i++) {
    if (!(is(i, 'Parse') && is(i + 1, '.') && is(i + 2, 'Cloud') && is(i + 3, '.') && is(i + 5, '('))) continue;
    if (i > 0 && is(i - 1, '.')) continue;
    const method = tokens[i + 4]!.text;
    const kind = method === 'define' ? 'function' : method === 'job' ? 'job' : triggerTypes.has(method) ? 'trigger' : undefined;
    if (!kind) continue;
    const argStart = i + 6;
    let name = stringAt(argStart);
    let argEnd = argStart + 1;
    if (name === undefined && kind === 'trigger') {
      const target = readClassTarget(tokens, argStart, partner);
      if (target) {
        name = target.name;
        argEnd = target.end;
      }
    }
    if (name === undefined || !is(argEnd, ',')) continue;
    entries.push({
      kind, name, line: lineOf(tokens[i]!.start),
      ...(kind === 'trigger' ? { trigger: method as TriggerType } : {}),
      handler: readHandler(tokens, argEnd + 1, partner),
    });
  }
  return { tokens, partner, entries, enclosingFunction: enclosingFunctions(tokens, partner) };

  /** `Parse.User` → _User; `Review` (a Parse.Object subclass) → its class name; `Parse.Object.extend('X')` → X. */
  function readClassTarget(all: Token[], at: number, pairs: Int32Array): { name: string; end: number } | undefined {
    if (is(at, 'Parse') && is(at + 1, '.') && all[at + 2]?.kind === 'ident') {
      const member = all[at + 2]!.text;
      if (member === 'Object' && is(at + 3, '.') && is(at + 4, 'extend') && is(at + 5, '(')) {
        const extended = stringAt(at + 6);
        const close = pairs[at + 5]!;
        if (extended !== undefined && close > 0) return { name: extended, end: close + 1 };
        return undefined;
      }
      return { name: sdkClasses[member] ?? member, end: at + 3 };
    }
    if (all[at]?.kind === 'ident') return { name: subclassName(all[at]!.text), end: at + 1 };
    return undefined;
  }

  /** The class name of a Parse.Object subclass declared in this file (`X = Parse.Object.extend('Name')`, `class X extends Parse.Object { … super('Name') }`), else the identifier. */
  function subclassName(identifier: string): string {
    for (let k = 0; k + 7 < tokens.length; k++) {
      if (is(k, identifier) && is(k + 1, '=') && is(k + 2, 'Parse') && is(k + 3, '.') && is(k + 4, 'Object') && is(k + 5, '.') && is(k + 6, 'extend') && is(k + 7, '(')) {
        const extended = stringAt(k + 8);
        if (extended !== undefined) return extended;
      }
      if (is(k, 'class') && is(k + 1, identifier) && is(k + 2, 'extends') && is(k + 3, 'Parse') && is(k + 4, '.') && is(k + 5, 'Object')) {
        let open = k + 6;
        while (open < tokens.length && !is(open, '{')) open++;
        const close = partner[open] ?? -1;
        for (let s = open; s > 0 && s < close; s++) {
          if (is(s, 'super') && is(s + 1, '(')) {
            const named = stringAt(s + 2);
            if (named !== undefined) return named;
          }
        }
      }
    }
    return identifier;
  }
}

/** An inline handler at token `at`: `function (a, b) {…}`, `async (a) => {…}`, `a => {…}`. */
function readHandler(tokens: Token[], at: number, partner: Int32Array): Handler | undefined {
  let k = at;
  const text = (index: number): string | undefined => (tokens[index]?.kind === 'punct' || tokens[index]?.kind === 'ident' ? tokens[index]!.text : undefined);
  if (text(k) === 'async') k++;
  let params: (string | null)[];
  if (text(k) === 'function') {
    k++;
    if (text(k) === '*') k++;
    if (tokens[k]?.kind === 'ident' && text(k + 1) === '(') k++;
    if (text(k) !== '(') return undefined;
    const close = partner[k]!;
    if (close < 0) return undefined;
    params = readParams(tokens, k, close);
    k = close + 1;
  } else if (text(k) === '(') {
    const close = partner[k]!;
    if (close < 0 || text(close + 1) !== '=>') return undefined;
    params = readParams(tokens, k, close);
    k = close + 2;
  } else if (tokens[k]?.kind === 'ident' && text(k + 1) === '=>') {
    params = [tokens[k]!.text];
    k += 2;
  } else {
    return undefined;
  }
  if (text(k) !== '{' || partner[k]! < 0) return undefined;
  return { params, bodyOpen: k, bodyClose: partner[k]! };
}

function readParams(tokens: Token[], open: number, close: number): (string | null)[] {
  const params: (string | null)[] = [];
  let current: Token[] = [];
  let depth = 0;
  const flush = (): void => {
    if (current.length) params.push(current[0]!.kind === 'ident' && (current.length === 1 || current[1]!.text === '=') ? current[0]!.text : null);
    current = [];
  };
  for (let k = open + 1; k < close; k++) {
    const token = tokens[k]!;
    if (token.kind === 'punct' && '([{'.includes(token.text)) depth++;
    if (token.kind === 'punct' && ')]}'.includes(token.text)) depth--;
    if (depth === 0 && token.kind === 'punct' && token.text === ',') flush();
    else current.push(token);
  }
  flush();
  return params;
}

/** For every token, the `{` of the innermost function body around it. */
function enclosingFunctions(tokens: Token[], partner: Int32Array): Int32Array {
  const result = new Int32Array(tokens.length).fill(-1);
  const stack: { open: number; isFunction: boolean }[] = [];
  const isFunctionBody = (open: number): boolean => {
    const before = tokens[open - 1];
    if (!before || before.kind !== 'punct') return false;
    if (before.text === '=>') return true;
    if (before.text !== ')') return false;
    const paren = partner[open - 1]!;
    if (paren <= 0) return false;
    const head = tokens[paren - 1]!;
    if (head.kind === 'ident') return head.text === 'function' || !controlKeywords.has(head.text);
    return false;
  };
  tokens.forEach((token, index) => {
    let current = -1;
    for (let s = stack.length - 1; s >= 0; s--) if (stack[s]!.isFunction) { current = stack[s]!.open; break; }
    if (token.kind === 'punct' && token.text === '{') {
      result[index] = current;
      stack.push({ open: index, isFunction: isFunctionBody(index) });
      return;
    }
    if (token.kind === 'punct' && token.text === '}') {
      const top = stack[stack.length - 1];
      if (top && partner[top.open] === index) stack.pop();
      result[index] = current;
      return;
    }
    result[index] = current;
  });
  return result;
}

// Legacy APIs.

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface LegacyUse {
  start: number;
  end: number;
  message: string;
  /** The quick fix, when the call is a statement of the handler itself (not of a callback) that ends its block. */
  fix?: { title: string; edit: TextEdit };
}

const promiseAdvice = 'use the returned promise (then/await) instead';

/**
 * The Backbone-era APIs of a Cloud Code file: `response.success/error` in define and triggers,
 * `status.success/error/message` in jobs, and `{success, error}` options objects.
 */
export function findLegacyUses(source: string, code: CloudCode = readCloudCode(source)): LegacyUse[] {
  const { tokens, partner, entries, enclosingFunction } = code;
  const uses: LegacyUse[] = [];
  const punct = (index: number, text: string): boolean => tokens[index]?.kind === 'punct' && tokens[index]!.text === text;
  for (const entry of entries) {
    const handler = entry.handler;
    const second = handler?.params[1];
    if (!handler || !second) continue;
    const methods = entry.kind === 'job' ? ['success', 'error', 'message'] : ['success', 'error'];
    for (let k = handler.bodyOpen + 1; k < handler.bodyClose; k++) {
      if (!(tokens[k]!.kind === 'ident' && tokens[k]!.text === second && punct(k + 1, '.') && punct(k + 3, '('))) continue;
      if (punct(k - 1, '.')) continue;
      const method = tokens[k + 2]!.text;
      if (!methods.includes(method)) continue;
      const close = partner[k + 3]!;
      if (close < 0) continue;
      const call = `${second}.${method}()`;
      const advice = entry.kind === 'job'
        ? (method === 'message' ? 'use request.message() instead' : method === 'success' ? 'return (or resolve) instead' : 'throw instead')
        : (method === 'success' ? 'return the result instead' : 'throw the error instead');
      const why = entry.kind === 'job' ? 'current Parse Server no longer accepts it (jobs get no status object)'
        : entry.kind === 'trigger' ? 'current Parse Server no longer accepts it (triggers get no response object)'
          : 'current Parse Server no longer documents it (functions still get a response object, triggers none)';
      const use: LegacyUse = { start: tokens[k]!.start, end: tokens[close]!.end, message: `legacy ${call}: ${why}; ${advice}` };
      if (entry.kind !== 'job' && enclosingFunction[k] === handler.bodyOpen && isStatementEndingBlock(k, close)) {
        const args = source.slice(tokens[k + 3]!.end, tokens[close]!.start).trim();
        const single = !hasTopLevelComma(k + 3, close);
        if (single && (method === 'success' || args)) {
          const text = method === 'success' ? (args ? `return ${args}` : 'return') : `throw ${args}`;
          use.fix = { title: `Convert ${call} to ${method === 'success' ? 'return' : 'throw'}`, edit: { start: tokens[k]!.start, end: tokens[close]!.end, text } };
        }
      }
      uses.push(use);
    }
  }
  // `{success: …, error: …}` options objects, in argument position, anywhere in the file.
  for (let k = 0; k < tokens.length; k++) {
    if (!punct(k, '{') || !(punct(k - 1, '(') || punct(k - 1, ','))) continue;
    const close = partner[k]!;
    if (close < 0) continue;
    let depth = 0;
    for (let j = k + 1; j < close; j++) {
      const token = tokens[j]!;
      if (token.kind === 'punct' && '([{'.includes(token.text)) depth++;
      else if (token.kind === 'punct' && ')]}'.includes(token.text)) depth--;
      else if (depth === 0 && token.kind === 'ident' && (token.text === 'success' || token.text === 'error')
        && (punct(j - 1, '{') || punct(j - 1, ',')) && (punct(j + 1, ':') || punct(j + 1, '('))) {
        uses.push({ start: token.start, end: token.end, message: `legacy {success, error} options: current Parse Server no longer accepts callbacks; ${promiseAdvice}` });
        break;
      }
    }
  }
  return uses.sort((a, b) => a.start - b.start);

  /** The call `tokens[k..close]` is a whole statement and the last of its block (so return/throw keeps the flow). */
  function isStatementEndingBlock(k: number, close: number): boolean {
    const before = tokens[k - 1];
    let statement = false;
    if (!before) statement = true;
    else if (before.kind === 'punct' && ['{', ';', '}'].includes(before.text)) statement = true;
    else if (before.kind === 'ident' && before.text === 'else') statement = true;
    else if (before.kind === 'punct' && before.text === ')') {
      const head = tokens[partner[k - 1]! - 1];
      statement = head?.kind === 'ident' && ['if', 'while', 'for'].includes(head.text);
    }
    if (!statement) return false;
    let next = close + 1;
    if (punct(next, ';')) next++;
    return punct(next, '}') || (tokens[next]?.kind === 'ident' && tokens[next]!.text === 'else');
  }

  function hasTopLevelComma(open: number, close: number): boolean {
    let depth = 0;
    for (let j = open + 1; j < close; j++) {
      const token = tokens[j]!;
      if (token.kind !== 'punct') continue;
      if ('([{'.includes(token.text)) depth++;
      else if (')]}'.includes(token.text)) depth--;
      else if (depth === 0 && token.text === ',') return true;
    }
    return false;
  }
}

/** Applies one edit to a text (tests and the quick fix preview). */
export function applyEdit(source: string, edit: TextEdit): string {
  return source.slice(0, edit.start) + edit.text + source.slice(edit.end);
}
