// Conversion between offsets in a document's text and 0-based line/character positions (UTF-16 code units,
// as both JavaScript strings and the Language Server Protocol count them).

export interface LinePosition {
  line: number;
  character: number;
}

/** The start offsets of every line of a text, for binary search. */
export class LineIndex {
  private starts: number[] | undefined;

  constructor(readonly text: string) {}

  /** The offset where each line starts; computed on first use (most analyses never convert a position). */
  get lineStarts(): number[] {
    this.starts ??= computeLineStarts(this.text);
    return this.starts;
  }

  positionAt(offset: number): LinePosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  offsetAt(position: LinePosition): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line]!;
    const end = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1]! : this.text.length;
    return Math.max(start, Math.min(start + position.character, end));
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) starts.push(i + 1);
    else if (code === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}
