// Where a cloud function starts: the line of its top-level `def main(` or, failing that, of its top-level
// `result = …` assignment — the two entry points CocoBASE accepts. The code lens sits on that line.

export interface FunctionEntry {
  kind: 'main' | 'result';
  /** Zero-based line. */
  line: number;
}

const mainDefinition = /^(?:async\s+)?def\s+main\s*\(/;
const resultAssignment = /^result\s*(?::[^=]*)?=(?!=)/;

export function findFunctionEntry(source: string): FunctionEntry | undefined {
  const lines = source.split(/\r?\n/);
  let result: FunctionEntry | undefined;
  for (let line = 0; line < lines.length; line++) {
    const text = lines[line]!;
    if (mainDefinition.test(text)) return { kind: 'main', line };
    if (!result && resultAssignment.test(text)) result = { kind: 'result', line };
  }
  return result;
}
