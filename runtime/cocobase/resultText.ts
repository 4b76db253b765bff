// A run's result as text, never as a JavaScript value (which rounds integers above 2^53, writes 10.0 as 10 and
// moves integer-like keys first): the run result as one JSON object whose `result` is the function's JSON text
// as Python's json.dumps wrote it (`cloudfn run --json`), and that text indented as Python's
// `json.dumps(value, indent=2, ensure_ascii=False)` would write it (the readable report, the run panel).

import type { RunResult } from './run';

/** The run result as one JSON object; `result` is result_json verbatim, and result_json is not repeated. */
export function runResultJson(result: RunResult): string {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (key === 'result_json' || value === undefined) continue;
    fields.push(`${JSON.stringify(key)}:${key === 'result' ? result.result_json : JSON.stringify(value)}`);
  }
  return `{${fields.join(',')}}`;
}

/** Strings, punctuation, literals (numbers, true, false, null) and whitespace of JSON text. */
const jsonToken = /"(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:"]+|\s+/g;

/** A JSON string token with its \uXXXX escapes of non-ASCII characters written as the characters. */
function unescapeNonAscii(token: string): string {
  return token.replace(/\\(u([0-9a-fA-F]{4})|.)/g, (escape: string, _body: string, hex: string | undefined) =>
    hex !== undefined && parseInt(hex, 16) >= 0x7f ? String.fromCharCode(parseInt(hex, 16)) : escape);
}

/**
 * JSON text (as json.dumps writes it) indented the way Python's `json.dumps(value, indent=2,
 * ensure_ascii=False)` writes the same value: one item per line, `{}` and `[]` for empty containers, numbers
 * and key order untouched.
 */
export function indentJsonText(text: string, indent = 2): string {
  const tokens = (text.match(jsonToken) ?? []).filter((token) => !/^\s/.test(token));
  let depth = 0;
  let out = '';
  const newline = (): string => '\n' + ' '.repeat(indent * depth);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '{' || token === '[') {
      const close = token === '{' ? '}' : ']';
      if (tokens[i + 1] === close) {
        out += token + close;
        i++;
      } else {
        depth++;
        out += token + newline();
      }
    } else if (token === '}' || token === ']') {
      depth--;
      out += newline() + token;
    } else if (token === ',') {
      out += ',' + newline();
    } else if (token === ':') {
      out += ': ';
    } else {
      out += token.startsWith('"') ? unescapeNonAscii(token) : token;
    }
  }
  return out;
}
