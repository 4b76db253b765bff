// Exact syntax errors as CPython reports them: the Python code that compiles a file in Pyodide (the runtime's
// own interpreter, so the same Python version as the cloud function's run) and reports its SyntaxError, and the
// conversion of CPython's 1-based line/column (counted in code points) to offsets in the document's text.
// The language server asks a Pyodide process for it off the request path; `cloudfn check` compiles in-process.

import type { PyodideAPI } from 'pyodide';
import type { DocumentAnalysis } from './documentAnalysis';

/** A SyntaxError (or IndentationError, TabError) as CPython reports it; lines and columns 1-based. */
export interface CPythonSyntaxError {
  type: string;
  message: string;
  line: number;
  column: number;
  endLine: number | null;
  endColumn: number | null;
}

/** The answer of a check: the error, or null when CPython compiles the file. */
export type CPythonSyntaxResult = CPythonSyntaxError | null;

/** Defines `cloudfn_syntax_error(source, filename)` in Python: JSON of the SyntaxError, or "" when it compiles. */
const compileCheckSource = `
def cloudfn_syntax_error(source, filename):
    import json
    try:
        compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as error:
        return json.dumps({"type": type(error).__name__, "message": error.msg, "line": error.lineno or 1,
                           "column": error.offset or 1, "endLine": error.end_lineno, "endColumn": error.end_offset})
    except ValueError as error:
        return json.dumps({"type": type(error).__name__, "message": str(error), "line": 1, "column": 1,
                           "endLine": None, "endColumn": None})
    return ""
cloudfn_syntax_error
`;

/** A function that compiles a source with CPython in this interpreter and returns its syntax error, if any. */
export function cpythonSyntaxChecker(py: PyodideAPI): (source: string) => CPythonSyntaxResult {
  const check = py.runPython(compileCheckSource) as (source: string, filename: string) => string;
  return (source) => {
    const answer = check(source, '<cloudfn>');
    return answer ? JSON.parse(answer) as CPythonSyntaxError : null;
  };
}

/** The UTF-16 offset of a 1-based line and 1-based code-point column, clamped to the text and to the line. */
function offsetOf(analysis: DocumentAnalysis, line: number, column: number): number {
  const starts = analysis.lines.lineStarts;
  if (line > starts.length) return analysis.text.length;
  const start = starts[Math.max(0, line - 1)]!;
  let lineEnd = line < starts.length ? starts[line]! : analysis.text.length;
  while (lineEnd > start && /[\r\n]/.test(analysis.text[lineEnd - 1]!)) lineEnd--;
  let offset = start;
  for (let remaining = column - 1; remaining > 0 && offset < lineEnd; remaining--) {
    offset += analysis.text.codePointAt(offset)! > 0xffff ? 2 : 1;
  }
  return offset;
}

/**
 * The span of a CPython syntax error in the document: it starts at CPython's line and column; it ends at
 * CPython's end when there is one, else covers one character (none at the end of a line, where the error
 * points past the last character).
 */
export function cpythonErrorSpan(analysis: DocumentAnalysis, error: CPythonSyntaxError): { from: number; to: number } {
  const from = offsetOf(analysis, error.line, error.column);
  const hasEnd = error.endLine !== null && error.endColumn !== null && error.endColumn > 0;
  const to = hasEnd ? offsetOf(analysis, error.endLine!, error.endColumn!) : from;
  if (to > from) return { from, to };
  const atLineEnd = from >= analysis.text.length || /[\r\n]/.test(analysis.text[from]!);
  return { from, to: atLineEnd ? from : from + 1 };
}
