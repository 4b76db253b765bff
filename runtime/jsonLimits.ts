// Limits on JSON a user hands in (payloads, params): nesting deeper than Python itself can handle is refused
// up front with a clear message, instead of overflowing a stack somewhere between the CLI and the worker.

/** The deepest nesting accepted: Python's default recursion limit, beyond which its own json module fails. */
export const maxJsonDepth = 1000;

/** The nesting depth of a parsed JSON value (a scalar is 0, `{}` and `[]` are 1), counted without recursion. */
export function jsonDepth(value: unknown, stopAbove = Infinity): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > stopAbove) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push([child, inner]);
  }
  return deepest;
}

/**
 * JSON text a user handed in, parsed: its value and why its nesting is refused (undefined when it is not), or
 * the parser's message when the text is not JSON. Callers answer either in their own words.
 */
export function parseUserJson(text: string): { value: unknown; tooDeep: string | undefined } | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { invalid: (error as Error).message };
  }
  return { value, tooDeep: tooDeep(value) };
}

/** Why a value is refused, or undefined when it is nested at most maxJsonDepth deep. */
export function tooDeep(value: unknown): string | undefined {
  return jsonDepth(value, maxJsonDepth) > maxJsonDepth ? `it nests deeper than ${maxJsonDepth} levels` : undefined;
}
