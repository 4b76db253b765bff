// Reads test cases written as Markdown (mdtest style): a `## name` heading, a fenced block (```python,
// ```json…), then lines of `key: value` expectations (e.g. `expect: ImportError`, `result: {"a": 1}`).

import fs from 'node:fs';

export interface MarkdownCase {
  name: string;
  source: string;
  expectations: Record<string, string>;
}

export function readMarkdownCases(file: string): MarkdownCase[] {
  const cases: MarkdownCase[] = [];
  const sections = fs.readFileSync(file, 'utf8').split(/^## /m).slice(1);
  for (const section of sections) {
    const name = section.slice(0, section.indexOf('\n')).trim();
    const block = /```[a-z]*\n([\s\S]*?)```/.exec(section);
    if (!block) throw new Error(`${file}: case '${name}' has no fenced block`);
    const after = section.slice(block.index + block[0].length);
    const expectations: Record<string, string> = {};
    for (const line of after.split('\n')) {
      const match = /^([a-z_]+): (.*)$/.exec(line.trim());
      if (match) expectations[match[1]!] = match[2]!;
    }
    cases.push({ name, source: block[1]!, expectations });
  }
  return cases;
}
