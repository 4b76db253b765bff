// The matcher language of expectations: an expected JSON value is compared exactly with what a run gave,
// except for strings that name a matcher ("$string", "$isoDate", "$gte:3", "$regex:^a", ...) and objects
// holding "$partial": true (extra keys allowed). Each mismatch names its path, what was expected and what
// was found, which is the diff a failing test shows.

import { isObject } from '../jsonValues';

/** One difference between an expectation and a run: where, and what was wanted and found. */
export interface Mismatch {
  path: string;
  message: string;
}

/** Matchers without an argument, by name: what they accept, and how a failure describes them. */
const simpleMatchers: Record<string, { describe: string; test(value: unknown): boolean }> = {
  any: { describe: 'any value', test: (value) => value !== undefined },
  string: { describe: 'a string', test: (value) => typeof value === 'string' },
  nonEmptyString: { describe: 'a non-empty string', test: (value) => typeof value === 'string' && value.length > 0 },
  number: { describe: 'a number', test: (value) => typeof value === 'number' },
  integer: { describe: 'an integer', test: (value) => Number.isInteger(value) },
  boolean: { describe: 'a boolean', test: (value) => typeof value === 'boolean' },
  object: { describe: 'an object', test: (value) => isObject(value) },
  array: { describe: 'an array', test: (value) => Array.isArray(value) },
  null: { describe: 'null', test: (value) => value === null },
  notNull: { describe: 'a value other than null', test: (value) => value !== null && value !== undefined },
  isoDate: { describe: 'an ISO 8601 date', test: (value) => typeof value === 'string' && isoDate.test(value) && !Number.isNaN(Date.parse(value.replace(/(\.\d{3})\d+/, '$1'))) },
  uuid: { describe: 'a UUID', test: (value) => typeof value === 'string' && uuid.test(value) },
};

/** Matchers with an argument after a colon ("$gte:3"): what they accept. */
const argumentMatchers: Record<string, (argument: string, value: unknown) => boolean> = {
  gt: (argument, value) => typeof value === 'number' && value > Number(argument),
  gte: (argument, value) => typeof value === 'number' && value >= Number(argument),
  lt: (argument, value) => typeof value === 'number' && value < Number(argument),
  lte: (argument, value) => typeof value === 'number' && value <= Number(argument),
  regex: (argument, value) => typeof value === 'string' && new RegExp(argument).test(value),
  contains: (argument, value) => (typeof value === 'string' && value.includes(argument)) || (Array.isArray(value) && value.includes(argument)),
  startsWith: (argument, value) => typeof value === 'string' && value.startsWith(argument),
  length: (argument, value) => (typeof value === 'string' || Array.isArray(value)) && value.length === Number(argument),
};

/** How a failure names a matcher with an argument. */
const argumentDescriptions: Record<string, (argument: string) => string> = {
  gt: (argument) => `a number > ${argument}`,
  gte: (argument) => `a number ≥ ${argument}`,
  lt: (argument) => `a number < ${argument}`,
  lte: (argument) => `a number ≤ ${argument}`,
  regex: (argument) => `a string matching /${argument}/`,
  contains: (argument) => `something containing ${show(argument)}`,
  startsWith: (argument) => `a string starting with ${show(argument)}`,
  length: (argument) => `a length of ${argument}`,
};

const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The names of every matcher, for the JSON schema and for error messages. */
export const matcherNames = [...Object.keys(simpleMatchers), ...Object.keys(argumentMatchers).map((name) => `${name}:…`)];

/** The key of an expected object that allows keys the actual object has beyond the expected ones. */
export const partialKey = '$partial';

/** A matcher string parsed: undefined when the string is a literal ("$$x" is the literal "$x"). */
function parseMatcher(expected: string): { name: string; argument?: string } | undefined {
  if (!expected.startsWith('$') || expected.startsWith('$$')) return undefined;
  const colon = expected.indexOf(':');
  return colon < 0 ? { name: expected.slice(1) } : { name: expected.slice(1, colon), argument: expected.slice(colon + 1) };
}

/** Thrown for an expectation that is not valid (an unknown matcher): a usage error of the test file. */
export class MatcherError extends Error {
  override name = 'MatcherError';
}

/** Checks that every matcher string in an expectation is known, so that a typo is reported before any run. */
export function checkMatchers(expected: unknown, path: string): void {
  if (typeof expected === 'string') {
    const matcher = parseMatcher(expected);
    if (!matcher) return;
    const known = matcher.argument === undefined ? matcher.name in simpleMatchers : matcher.name in argumentMatchers;
    if (!known) throw new MatcherError(`${path}: unknown matcher '${expected}' (write '$${expected}' for the literal string; matchers: ${matcherNames.map((name) => '$' + name).join(', ')})`);
    if (matcher.name === 'regex') {
      try {
        new RegExp(matcher.argument!);
      } catch (error) {
        throw new MatcherError(`${path}: '${expected}' is not a valid regular expression (${(error as Error).message})`);
      }
    }
  } else if (Array.isArray(expected)) {
    expected.forEach((item, index) => checkMatchers(item, `${path}[${index}]`));
  } else if (isObject(expected)) {
    for (const [key, value] of Object.entries(expected)) if (key !== partialKey) checkMatchers(value, `${path}.${key}`);
  }
}

/** A value as failures show it: JSON text, shortened past 200 characters. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 200 ? text.slice(0, 197) + '…' : text;
}

/** How a failure names what was expected: the matcher's description, or the literal value. */
function describeExpected(expected: unknown): string {
  if (typeof expected === 'string') {
    const matcher = parseMatcher(expected);
    if (matcher) return matcher.argument === undefined ? simpleMatchers[matcher.name]!.describe : argumentDescriptions[matcher.name]!(matcher.argument);
    if (expected.startsWith('$$')) return show(expected.slice(1));
  }
  return show(expected);
}

/** Compares an expected value (with matchers) with an actual one, appending every difference to `out`. */
export function match(expected: unknown, actual: unknown, path: string, out: Mismatch[]): void {
  if (typeof expected === 'string') {
    const matcher = parseMatcher(expected);
    if (matcher) {
      const ok = matcher.argument === undefined ? simpleMatchers[matcher.name]!.test(actual) : argumentMatchers[matcher.name]!(matcher.argument, actual);
      if (!ok) out.push({ path, message: `expected ${describeExpected(expected)}, got ${show(actual)}` });
      return;
    }
    const literal = expected.startsWith('$$') ? expected.slice(1) : expected;
    if (actual !== literal) out.push({ path, message: `expected ${show(literal)}, got ${show(actual)}` });
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ path, message: `expected an array, got ${show(actual)}` });
      return;
    }
    const length = Math.max(expected.length, actual.length);
    for (let index = 0; index < length; index++) {
      const itemPath = `${path}[${index}]`;
      if (index >= actual.length) out.push({ path: itemPath, message: `missing (expected ${describeExpected(expected[index])})` });
      else if (index >= expected.length) out.push({ path: itemPath, message: `unexpected item ${show(actual[index])}` });
      else match(expected[index], actual[index], itemPath, out);
    }
    return;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) {
      out.push({ path, message: `expected an object, got ${show(actual)}` });
      return;
    }
    const partial = expected[partialKey] === true;
    for (const [key, value] of Object.entries(expected)) {
      if (key === partialKey) continue;
      const keyPath = `${path}.${key}`;
      if (!(key in actual)) out.push({ path: keyPath, message: `missing (expected ${describeExpected(value)})` });
      else match(value, actual[key], keyPath, out);
    }
    if (!partial) {
      for (const key of Object.keys(actual)) {
        if (!(key in expected)) out.push({ path: `${path}.${key}`, message: `unexpected key (got ${show(actual[key])})` });
      }
    }
    return;
  }
  if (!Object.is(expected, actual) && !(expected === 0 && actual === 0)) out.push({ path, message: `expected ${show(expected)}, got ${show(actual)}` });
}
