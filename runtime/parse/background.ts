// Work of a Parse app that may outlive the answer of a request: requests still running (an afterSave's promise
// that was not returned), Parse.Cloud.httpRequest calls and jobs. The CLI and the editor wait for it before
// writing the database file.

export class BackgroundWork {
  private pending = 0;

  /** Counts one piece of work as running; the returned function ends it. */
  begin(): () => void {
    this.pending++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.pending--;
    };
  }

  /** Counts `work` as running until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    const end = this.begin();
    return work.finally(end);
  }

  /**
   * A wait for the work started from now on to end: resolves once no more pieces run than now, three turns of
   * the event loop in a row (what a handler that takes a legacy `response` and returns nothing is given).
   */
  quietFromNow(): () => Promise<void> {
    const baseline = this.pending;
    return async () => {
      let quiet = 0;
      while (quiet < 3) {
        const busy = this.pending > baseline;
        await new Promise((resolve) => (busy ? setTimeout(resolve, 1) : setImmediate(resolve)));
        quiet = this.pending > baseline ? 0 : quiet + 1;
      }
    };
  }

  /** Waits until nothing runs (or `timeoutMs` passed); true when everything settled. */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > deadline) return false;
      const busy = this.pending > 0;
      await new Promise((resolve) => (busy ? setTimeout(resolve, 1) : setImmediate(resolve)));
      quiet = this.pending === 0 ? quiet + 1 : 0;
    }
    return true;
  }
}
