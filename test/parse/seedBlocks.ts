// The verbatim seed blocks of a fixture file: the text between `// seed:begin` and `// seed:end` lines.

import fs from 'node:fs';

export function seedBlocks(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/\/\/ seed:begin\n([\s\S]*?)\n\/\/ seed:end/g)].map((match) => match[1]!);
}
