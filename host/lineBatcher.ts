// Collects lines that arrive one by one (a function's print output, Cloud Code's log) and hands them on in
// batches, at most one batch per interval, so that a function printing thousands of lines costs a few dozen
// messages instead of one per line: the host process's IPC to the editor, and the editor's updates of the run
// panel and the log. Used by both processes.

export class LineBatcher {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deliver: (lines: string[]) => void, private readonly intervalMs = 50) {}

  push(line: string): void {
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Hands on what is pending now (the run ended); nothing when nothing is. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const lines = this.pending;
    this.pending = [];
    this.deliver(lines);
  }
}
