// Source map lookups (the v3 format esbuild writes): a position in a strategy bundle → the user's file, line and
// column, for refusals at load and for the line of a handler that threw. Decodes the VLQ mappings once; no dependency.

export interface Original {
  source: string;
  /** 1-based line, 1-based column. */
  line: number;
  column: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) DIGIT[B64.charCodeAt(i)] = i;

export class SourceMap {
  readonly sources: string[];
  /** Per generated line (0-based): segments [genColumn, source, line, column] (0-based), by column. */
  private readonly lines: Int32Array[] = [];

  constructor(json: string | { sources: string[]; mappings: string }) {
    const m = typeof json === 'string' ? (JSON.parse(json) as { sources: string[]; mappings: string }) : json;
    this.sources = m.sources ?? [];
    let src = 0;
    let line = 0;
    let col = 0;
    for (const text of (m.mappings ?? '').split(';')) {
      const segs: number[] = [];
      let gen = 0;
      for (const seg of text.split(',')) {
        if (seg === '') continue;
        const v = decodeVlq(seg);
        gen += v[0];
        if (v.length >= 4) {
          src += v[1];
          line += v[2];
          col += v[3];
          segs.push(gen, src, line, col);
        }
      }
      this.lines.push(Int32Array.from(segs));
    }
  }

  /** The original position of generated `line` (1-based) and `column` (1-based), or null where nothing maps. */
  lookup(line: number, column: number): Original | null {
    const segs = this.lines[line - 1];
    if (!segs || segs.length === 0) return null;
    const c = column - 1;
    let best = -1;
    for (let i = 0; i < segs.length; i += 4) {
      if (segs[i] > c) break;
      best = i;
    }
    if (best < 0) best = 0;
    return { source: this.sources[segs[best + 1]] ?? '?', line: segs[best + 2] + 1, column: segs[best + 3] + 1 };
  }
}

function decodeVlq(s: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < s.length; i++) {
    const d = DIGIT[s.charCodeAt(i)];
    if (d < 0) throw new Error(`source map: bad character ${JSON.stringify(s[i])} in mappings`);
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Line and column (1-based) of a character offset in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}
