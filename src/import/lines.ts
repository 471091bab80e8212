// Newline-delimited input in chunks → one callback per line (its bytes without the line end, and its 1-based number),
// without a string or an object per line. A line cut by a chunk boundary is carried over in a buffer that grows to
// the longest line seen and handed out as a copy (one a chunk), so a line's bytes are never written again once handed
// out; `maxLine` bounds the buffer so a file without newlines cannot eat the memory.

export type LineFn = (b: Uint8Array, start: number, end: number, line: number) => void;

export class LineSplitter {
  /** Lines handed out so far (the number of the last one). */
  line = 0;
  private carry = new Uint8Array(64 * 1024);
  private carried = 0;

  constructor(
    private readonly onLine: LineFn,
    readonly maxLine = 64 << 20,
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    const n = chunk.length;
    if (this.carried > 0) {
      const nl = chunk.indexOf(0x0a);
      const take = nl < 0 ? n : nl;
      this.append(chunk, 0, take);
      if (nl < 0) return;
      this.emit(this.carry.slice(0, this.carried), 0, this.carried);
      this.carried = 0;
      start = nl + 1;
    }
    while (start < n) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) {
        this.append(chunk, start, n);
        return;
      }
      this.emit(chunk, start, nl);
      start = nl + 1;
    }
  }

  /** Bytes of a line not ended yet: at the input's end, a last line without a line end. */
  get partial(): boolean {
    return this.carried > 0;
  }

  /** The input ended: a last line without a newline is still a line. */
  end(): void {
    if (this.carried > 0) {
      this.emit(this.carry.slice(0, this.carried), 0, this.carried);
      this.carried = 0;
    }
  }

  private emit(b: Uint8Array, start: number, end: number): void {
    if (end > start && b[end - 1] === 0x0d) end--; // CRLF
    this.line++;
    this.onLine(b, start, end, this.line);
  }

  private append(b: Uint8Array, from: number, to: number): void {
    const need = this.carried + (to - from);
    if (need > this.maxLine) throw new Error(`line ${this.line + 1} is longer than ${this.maxLine} bytes: not newline-delimited input`);
    if (need > this.carry.length) {
      const bigger = new Uint8Array(Math.max(need, this.carry.length * 2));
      bigger.set(this.carry.subarray(0, this.carried));
      this.carry = bigger;
    }
    this.carry.set(b.subarray(from, to), this.carried);
    this.carried = need;
  }
}
