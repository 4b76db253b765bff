// CPython's exact syntax errors for the open documents, computed off the request path. For every document,
// `lookup` answers with CPython's result for that exact text when it is known, and otherwise
// schedules a check (debounced, so that typing does not queue a compile per keystroke) and answers undefined:
// the parser's marks are published meanwhile. An answer is kept only when the document is still at the version
// it was asked for; stale answers are dropped. `onReady` is called when a kept answer arrives (to republish).

import type { CPythonSyntaxResult } from './analysis/cpythonSyntax';

interface DocumentState {
  /** The last answer and the text it is for. */
  known?: { text: string; result: CPythonSyntaxResult };
  timer?: NodeJS.Timeout;
  /** The version a scheduled or running check is for. */
  wanted?: number;
}

export class ExactSyntaxErrors {
  private readonly documents = new Map<string, DocumentState>();
  /** How many answers were dropped because the document had changed since (for tests). */
  dropped = 0;

  constructor(
    private readonly compile: (source: string) => Promise<CPythonSyntaxResult>,
    private readonly currentVersion: (uri: string) => number | undefined,
    private readonly onReady: (uri: string) => void,
    private readonly debounceMs = 150,
  ) {}

  /** CPython's answer for this text when known; otherwise undefined, and a check is scheduled. */
  lookup(uri: string, version: number, text: string): CPythonSyntaxResult | undefined {
    const state = this.documents.get(uri) ?? {};
    this.documents.set(uri, state);
    if (state.known?.text === text) return state.known.result;
    if (state.wanted === version) return undefined;
    state.wanted = version;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => this.check(uri, version, text), this.debounceMs);
    return undefined;
  }

  /** Forgets a closed document (a pending check's answer is then dropped). */
  forget(uri: string): void {
    clearTimeout(this.documents.get(uri)?.timer);
    this.documents.delete(uri);
  }

  private check(uri: string, version: number, text: string): void {
    if (this.currentVersion(uri) !== version) return;
    this.compile(text).then(
      (result) => {
        const state = this.documents.get(uri);
        if (!state || this.currentVersion(uri) !== version) {
          this.dropped++;
          return;
        }
        state.known = { text, result };
        if (state.wanted === version) state.wanted = undefined;
        this.onReady(uri);
      },
      () => {
        // No CPython (a failed start): the parser's marks stay; the next edit asks again.
        const state = this.documents.get(uri);
        if (state?.wanted === version) state.wanted = undefined;
      },
    );
  }
}
