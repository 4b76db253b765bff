// Quick fixes: replace an unknown member (or keyword) with the nearest existing one, a filter key's misspelt
// operator with the operator meant; remove a disallowed import.

import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { DiagnosticFixData } from './diagnostics';

/** The quick fixes for the diagnostics the client sends with a code action request. */
export function quickFixes(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'cloudfn') continue;
    const data = (diagnostic.data ?? {}) as DiagnosticFixData;
    if ((diagnostic.code === 'unknown-member' || diagnostic.code === 'wrong-arguments' || diagnostic.code === 'unknown-operator') && data.suggestion) {
      actions.push({
        title: `Change to '${data.suggestion}'`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true,
        edit: { changes: { [uri]: [{ range: diagnostic.range, newText: data.suggestion }] } },
      });
    }
    if (diagnostic.code === 'disallowed-import' && data.removal) {
      actions.push({
        title: 'Remove this import', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic],
        edit: { changes: { [uri]: [{ range: data.removal, newText: '' }] } },
      });
    }
  }
  return actions;
}
