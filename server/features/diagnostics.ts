// Converts the analysis diagnostics of a document to LSP diagnostics (source "cloudfn", stable codes, the
// quick-fix data kept in `data`).

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { computeDiagnostics, type CloudDiagnostic } from '../analysis/diagnostics';
import type { DocumentAnalysis } from '../analysis/documentAnalysis';
import type { CPythonSyntaxResult } from '../analysis/cpythonSyntax';
import type { LocalSchema } from '../localCollections';

const severities: Record<CloudDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** Quick-fix data carried by a diagnostic to the code action request. */
export interface DiagnosticFixData {
  suggestion?: string;
  /** The range a "remove this import" fix deletes: whole lines when the statement is alone on them. */
  removal?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

function removalRange(analysis: DocumentAnalysis, from: number, to: number): DiagnosticFixData['removal'] {
  const start = analysis.lines.positionAt(from);
  const end = analysis.lines.positionAt(to);
  const lineStart = analysis.lines.lineStarts[start.line]!;
  const nextLineStart = analysis.lines.lineStarts[end.line + 1];
  const lineEnd = nextLineStart ?? analysis.text.length;
  const aloneOnLines = analysis.text.slice(lineStart, from).trim() === '' && analysis.text.slice(to, lineEnd).trim() === '';
  if (!aloneOnLines) return { start, end };
  return { start: { line: start.line, character: 0 }, end: nextLineStart === undefined ? end : { line: end.line + 1, character: 0 } };
}

/**
 * The LSP diagnostics of a document; `local` is what the local database holds, `exactSyntax` CPython's syntax
 * answer for its text, when known.
 */
export function lspDiagnostics(analysis: DocumentAnalysis, local?: LocalSchema, exactSyntax?: CPythonSyntaxResult): Diagnostic[] {
  return computeDiagnostics(analysis, local, exactSyntax).map((d) => {
    const data: DiagnosticFixData = {};
    if (d.suggestion) data.suggestion = d.suggestion;
    if (d.statement) data.removal = removalRange(analysis, d.statement.from, d.statement.to);
    return {
      range: { start: analysis.lines.positionAt(d.from), end: analysis.lines.positionAt(d.to) },
      severity: severities[d.severity],
      code: d.code,
      source: 'cloudfn',
      message: d.message,
      data,
    };
  });
}
