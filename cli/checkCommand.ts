// `cloudfn check FILE...`: runs the language server's analysis on files from the command line, for CI. Prints
// `file:line:col: severity code message` lines (or one JSON object with --json); exit 1 when any error is found,
// 0 otherwise; usage errors (no files, a missing file, an unknown flag) are CliUsageError (exit 2). Collection
// names are read from --db (default .cloudfn/local.db) for unknown-collection; a missing or unreadable database
// silently turns that check off. Every file is compiled by the language server's CPython process (Pyodide from
// the build's memory snapshot, started once for all files), so that syntax and compile-time errors carry
// CPython's own message, line and column.

import { CliUsageError, parseFlags, readSourceFile } from './argv';
import { checkSource, type CheckedDiagnostic } from '../server/analysis/checkSource';
import { PythonCompiler } from '../server/pythonCompiler';
import { readLocalSchema } from '../server/localCollections';

export const checkUsage = `cloudfn check FILE... [--json] [--db PATH]
  Checks cloud-function files with the language server's diagnostics; exit 1 when any error is found.
  Collection names are checked against --db (default .cloudfn/local.db) when that file exists; its field
  names sharpen the check of query operators (status_equal= for status_eq=).`;

export async function checkCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { json: { type: 'boolean' }, db: { type: 'string' } });
  if (positionals.length === 0) throw new CliUsageError('check: missing FILE argument');
  const sources = positionals.map((file) => ({ file, text: readSourceFile(file, 'check') }));
  const local = await readLocalSchema(values.db ?? '.cloudfn/local.db');
  const compiler = new PythonCompiler();
  const files: { file: string; diagnostics: CheckedDiagnostic[] }[] = [];
  try {
    for (const { file, text } of sources) {
      const exact = await compiler.compile(text).catch(() => undefined);
      files.push({ file, diagnostics: checkSource(text, local, exact) });
    }
  } finally {
    compiler.stop();
  }
  const count = (severity: CheckedDiagnostic['severity']) =>
    files.reduce((sum, f) => sum + f.diagnostics.filter((d) => d.severity === severity).length, 0);
  const errors = count('error');
  const warnings = count('warning');
  if (values.json) {
    process.stdout.write(JSON.stringify({ files, errors, warnings }) + '\n');
  } else {
    const lines = files.flatMap(({ file, diagnostics }) =>
      diagnostics.map((d) => `${file}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}\n`));
    process.stdout.write(lines.join(''));
  }
  return errors > 0 ? 1 : 0;
}
