// JSON values that survive a JavaScript round trip exactly: numbers keep their text (1.0 stays a float for
// Python, big integers keep every digit) and objects keep their key order (numeric-looking keys included).
// The current API composes results (flat documents, populate, select) on these values and writes them back
// as JSON text for the Python side.

/** A JSON number, kept as its source text. */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** A JSON value: objects are Maps (insertion order), numbers RawNumbers. */
export type Exact = string | boolean | null | RawNumber | Exact[] | ExactObject;
export type ExactObject = Map<string, Exact>;

/** True for an object value. */
export function isExactObject(value: Exact | undefined): value is ExactObject {
  return value instanceof Map;
}

/** The JSON literals and their values. */
const literals = [['true', true], ['false', false], ['null', null]] as const;
/** A JSON number at `lastIndex` (sticky; parsing is synchronous, so one instance serves every call). */
const numberToken = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses JSON text (as SQLite or Python write it) into an exact value. */
export function parseExact(text: string): Exact {
  let at = 0;
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const fail = (): never => {
    throw new SyntaxError(`invalid JSON at ${at}`);
  };
  const value = (): Exact => {
    space();
    const char = text[at];
    if (char === '{') {
      at++;
      const object: ExactObject = new Map();
      space();
      if (text[at] === '}') {
        at++;
        return object;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail();
        const key = string();
        space();
        if (text[at++] !== ':') fail();
        object.set(key, value());
        space();
        const next = text[at++];
        if (next === '}') return object;
        if (next !== ',') fail();
      }
    }
    if (char === '[') {
      at++;
      const list: Exact[] = [];
      space();
      if (text[at] === ']') {
        at++;
        return list;
      }
      for (;;) {
        list.push(value());
        space();
        const next = text[at++];
        if (next === ']') return list;
        if (next !== ',') fail();
      }
    }
    if (char === '"') return string();
    for (const [word, result] of literals) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    numberToken.lastIndex = at;
    const match = numberToken.exec(text);
    if (!match || match[0] === '') return fail();
    at += match[0].length;
    return new RawNumber(match[0]);
  };
  const string = (): string => {
    const start = at;
    at++;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const result = value();
  space();
  if (at !== text.length) fail();
  return result;
}

/** The largest and smallest integers SQLite stores exactly (64-bit). */
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/**
 * Plain JavaScript values of an exact value: objects and lists as usual, numbers as numbers except integers
 * that a number cannot hold exactly but SQLite can (beyond 2^53, within 64 bits), which become BigInts.
 */
export function exactToPlain(value: Exact): unknown {
  if (value instanceof RawNumber) {
    const number = Number(value.text);
    if (Number.isSafeInteger(number) || !/^-?\d+$/.test(value.text)) return number;
    const big = BigInt(value.text);
    return big >= int64.min && big <= int64.max ? big : number;
  }
  if (Array.isArray(value)) return value.map(exactToPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [key, exactToPlain(item)]));
  return value;
}

/** The JSON text of an exact value. */
export function stringifyExact(value: Exact): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof RawNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringifyExact).join(',')}]`;
  return `{${[...value].map(([key, item]) => `${JSON.stringify(key)}:${stringifyExact(item)}`).join(',')}}`;
}
