// One-call diagnostics of a source text with 1-based line/column positions, shared by `cloudfn check` and the
// tests; the language server converts the same diagnostics to LSP ranges instead. Given CPython's answer for the
// text, a file the parser finds broken gets CPython's exact syntax error.

import { analyzeDocument } from './documentAnalysis';
import { computeDiagnostics, type CloudDiagnostic } from './diagnostics';
import type { CPythonSyntaxResult } from './cpythonSyntax';
import type { LocalSchema } from '../localCollections';

export interface CheckedDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: CloudDiagnostic['severity'];
  code: CloudDiagnostic['code'];
  message: string;
}

/**
 * The diagnostics of a text, positions 1-based (end exclusive), sorted by position; `local` (the local
 * database's collection names and field keys) enables unknown-collection and sharpens unknown-operator;
 * `exactSyntax` is CPython's syntax answer for the text, when known.
 */
export function checkSource(text: string, local?: LocalSchema, exactSyntax?: CPythonSyntaxResult): CheckedDiagnostic[] {
  const analysis = analyzeDocument(text);
  return computeDiagnostics(analysis, local, exactSyntax).map((d) => {
    const start = analysis.lines.positionAt(d.from);
    const end = analysis.lines.positionAt(d.to);
    return {
      line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1,
      severity: d.severity, code: d.code, message: d.message,
    };
  });
}
