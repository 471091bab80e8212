// Tardis.dev CSV datasets of any venue — `incremental_book_L2` and `trades`, plain or gzip — into records: the core
// reads the rows (assembly/csv.ts: exact decimals on the instrument's grid, µs → ns, book rows grouped into
// messages by local_timestamp, a snapshot after updates starting a new book), and the two files are merged by local
// time (a trade before a book message of the same local time), streaming: memory stays flat whatever the size.
import { REC_SIZE, DecimalError, type Core } from '../core/index';
import type { InstrumentGrid } from '../feed/instruments';
import { ImportError, type RecordSink } from './record-sink';
import { decimalWhy } from './grid';

/** The CSV reader's config and state block (mirrors assembly/csv.ts CV_*; test/core/layout.test.ts holds them). */
export const CV = {
  kind: 0,
  columns: 4,
  colTs: 8,
  colLocal: 12,
  colFlag: 16,
  colSide: 20,
  colPrice: 24,
  colAmount: 28,
  colSymbol: 32,
  inst: 36,
  priceScale: 40,
  sizeScale: 44,
  priceStep: 48,
  sizeStep: 56,
  symbolPtr: 64,
  symbolLen: 68,
  line: 72,
  inBook: 80,
  prevSnap: 84,
  lastLocal: 88,
  skippedPre: 96,
  skippedSym: 104,
  consumed: 112,
  errLine: 120,
  errCol: 128,
  errDec: 132,
  plain: 192,
  fields: 256,
  bytes: 384,
} as const;

/** csvRecords' errors (mirrors assembly/csv.ts CSV_ERR_*). */
export const CsvError = { columns: -1, time: -2, flag: -3, side: -4, price: -5, amount: -6, order: -7, quoted: -8, tooBig: -9 } as const;

const ERRORS: Record<number, string> = {
  [CsvError.columns]: 'fewer columns than the header',
  [CsvError.time]: 'not a whole number of microseconds since the epoch',
  [CsvError.flag]: 'is_snapshot must be true or false',
  [CsvError.side]: 'side must be bid or ask (incremental_book_L2) or buy, sell or unknown (trades)',
  [CsvError.price]: 'price',
  [CsvError.amount]: 'amount',
  [CsvError.order]: 'local_timestamp is earlier than the row before: the file is not in time order',
  [CsvError.quoted]: 'quoted fields are not Tardis CSV',
  [CsvError.tooBig]: 'one message has more rows than the converter holds at once',
};

export type CsvKind = 'incremental_book_L2' | 'trades';

export interface CsvSource {
  name: string;
  chunks: AsyncIterable<Uint8Array>;
}

/** What the first lines of a Tardis CSV say: its kind, columns, and the first row's exchange and symbol. */
export interface CsvHead {
  kind: CsvKind;
  columns: string[];
  exchange: string;
  symbol: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One CSV file being read: its chunks into a buffer in core memory, records out of the core a batch at a time. */
export class CsvStream {
  head!: CsvHead;
  /** Whether a row follows the header (a header-only file imports nothing). */
  hasRows = false;
  /** Records of the current batch, and the next one to hand out; batches read so far. */
  count = 0;
  pos = 0;
  batches = 0;
  readonly out: number;
  private readonly cfg: number;
  private readonly buf: number;
  private have = 0;
  private eof = false;
  private pending: Uint8Array | null = null;
  /** The tick and lot as the user wrote them (configure), for the hint on a value with more decimals. */
  private gridText: { tick: string; lot: string } | null = null;
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(
    readonly core: Core,
    readonly source: CsvSource,
    private readonly bufBytes = 4 << 20,
    readonly cap = 32768,
  ) {
    this.cfg = core.x.coreAlloc(CV.bytes + 64);
    this.buf = core.x.coreAlloc(bufBytes + 16);
    this.out = core.x.coreAlloc(cap * REC_SIZE);
    this.it = source.chunks[Symbol.asyncIterator]();
  }

  /** Reads up to the first data row: the header's columns and the first row's exchange and symbol. */
  async open(): Promise<CsvHead> {
    let text = '';
    const bytes: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const joined = concat(bytes, total);
      const first = joined.indexOf(0x0a);
      const second = first >= 0 ? joined.indexOf(0x0a, first + 1) : -1;
      if (second >= 0 || (this.eof && joined.length > 0)) {
        text = dec.decode(joined.subarray(0, second >= 0 ? second : joined.length));
        // the rows after the header go to the core; the header is line 1
        this.pending = first >= 0 ? joined.subarray(first + 1) : new Uint8Array(0);
        break;
      }
      if (this.eof) throw new Error(`${this.source.name} is empty`);
      const r = await this.it.next();
      if (r.done) this.eof = true;
      else {
        bytes.push(r.value);
        total += r.value.length;
      }
      if (total > 1 << 20 && second < 0 && first < 0) throw new Error(`${this.source.name}: no line end in the first MB: not a CSV file`);
    }
    const [headerLine, firstRow = ''] = text.split('\n').map((l) => l.replace(/\r$/, ''));
    const columns = headerLine.split(',').map((c) => c.trim());
    const kind: CsvKind | null = columns.includes('is_snapshot') ? 'incremental_book_L2' : columns.includes('id') ? 'trades' : null;
    const need = ['timestamp', 'local_timestamp', 'side', 'price', 'amount'];
    const missing = need.filter((c) => !columns.includes(c));
    const other = otherDataType(columns);
    if (other) throw new Error(`${this.source.name}: a Tardis ${other}`);
    if (!kind || missing.length)
      throw new Error(
        `${this.source.name}: not a Tardis incremental_book_L2 or trades CSV (header: ${headerLine.slice(0, 120)}${missing.length ? `; missing ${missing.join(', ')}` : ''})`,
      );
    const cells = firstRow.split(',');
    const at = (c: string) => cells[columns.indexOf(c)] ?? '';
    this.hasRows = firstRow !== '';
    for (const c of ['timestamp', 'local_timestamp']) {
      const why = this.hasRows ? notMicros(at(c)) : null;
      if (why) throw new ImportError(this.source.name, 2, `${c} ${at(c)} ${why}`);
    }
    this.head = {
      kind,
      columns,
      exchange: columns.includes('exchange') ? at('exchange') : '',
      symbol: columns.includes('symbol') ? at('symbol') : '',
    };
    return this.head;
  }

  /** Sets the grid, the instrument index stamped on the records and the symbol kept (others are skipped). */
  configure(grid: InstrumentGrid, inst: number, symbol: string): void {
    this.gridText = { tick: grid.tickSize, lot: grid.lotSize };
    const w = this.core.words;
    const c = this.cfg;
    const col = (name: string) => {
      const i = this.head.columns.indexOf(name);
      if (i >= 16) throw new Error(`${this.source.name}: column ${name} is column ${i + 1}; the reader takes the first 16`);
      return i;
    };
    const set32 = (off: number, v: number) => (w[(c + off) >> 2] = v);
    const set64 = (off: number, v: bigint) => {
      w[(c + off) >> 2] = Number(v & 0xffffffffn) | 0;
      w[(c + off + 4) >> 2] = Number(v >> 32n);
    };
    this.core.bytes.fill(0, c, c + CV.bytes);
    set32(CV.kind, this.head.kind === 'incremental_book_L2' ? 1 : 2);
    set32(CV.columns, this.head.columns.length);
    set32(CV.colTs, col('timestamp'));
    set32(CV.colLocal, col('local_timestamp'));
    set32(CV.colFlag, col(this.head.kind === 'incremental_book_L2' ? 'is_snapshot' : 'id'));
    set32(CV.colSide, col('side'));
    set32(CV.colPrice, col('price'));
    set32(CV.colAmount, col('amount'));
    set32(CV.colSymbol, col('symbol'));
    set32(CV.inst, inst);
    set32(CV.priceScale, grid.priceScale);
    set32(CV.sizeScale, grid.sizeScale);
    set64(CV.priceStep, grid.priceStep);
    set64(CV.sizeStep, grid.sizeStep);
    const sym = enc.encode(symbol);
    if (sym.length > 64) throw new Error(`symbol "${symbol}" is longer than 64 bytes`);
    // the symbol's bytes sit in the input buffer's slack (16 bytes would not do: keep them in the cfg's tail)
    const symAt = c + CV.bytes;
    this.core.bytes.set(sym, symAt);
    set32(CV.symbolPtr, sym.length ? symAt : 0);
    set32(CV.symbolLen, sym.length);
    set64(CV.line, 1n); // the header
  }

  /** Lines read so far (the header included) and rows skipped (before the first snapshot; other symbols). */
  get lines(): number {
    return this.i64(CV.line);
  }
  get skippedBeforeSnapshot(): number {
    return this.i64(CV.skippedPre);
  }
  get skippedOtherSymbols(): number {
    return this.i64(CV.skippedSym);
  }

  /** Word index of record `i` of the current batch. */
  at(i: number): number {
    return (this.out >> 2) + i * 16;
  }

  /** Makes sure a record is waiting (pos < count); false at the end of the file. */
  async next(): Promise<boolean> {
    const core = this.core;
    while (this.pos >= this.count) {
      if (!this.eof || this.pending) await this.fill();
      const final = this.eof && !this.pending;
      const n = core.x.csvRecords(this.buf, this.have, final ? 1 : 0, this.cfg, this.out, this.cap);
      if (n < 0) throw this.error(n);
      const consumed = core.words[(this.cfg + CV.consumed) >> 2];
      if (consumed > 0) {
        core.bytes.copyWithin(this.buf, this.buf + consumed, this.buf + this.have);
        this.have -= consumed;
      }
      this.count = n;
      this.pos = 0;
      if (n > 0) this.batches++;
      if (n === 0 && final) return false;
      if (n === 0 && consumed === 0 && this.have >= this.bufBytes)
        throw new ImportError(this.source.name, this.lines + 1, `a line or one message's rows exceed ${this.bufBytes >> 20} MB`);
    }
    return true;
  }

  /** Tops the buffer up to at least half full (or to the end of the input). */
  private async fill(): Promise<void> {
    const core = this.core;
    while (this.have < this.bufBytes) {
      if (!this.pending) {
        if (this.eof) return;
        const r = await this.it.next();
        if (r.done) {
          this.eof = true;
          return;
        }
        this.pending = r.value;
      }
      const room = this.bufBytes - this.have;
      const p = this.pending;
      const take = Math.min(room, p.length);
      core.bytes.set(take === p.length ? p : p.subarray(0, take), this.buf + this.have);
      this.have += take;
      this.pending = take === p.length ? null : p.subarray(take);
      if (this.have >= this.bufBytes >> 1) return;
    }
  }

  private i64(off: number): number {
    const w = this.core.words;
    return w[(this.cfg + off + 4) >> 2] * 4294967296 + (w[(this.cfg + off) >> 2] >>> 0);
  }

  private error(code: number): ImportError {
    const w = this.core.words;
    const line = this.i64(CV.errLine);
    const col = w[(this.cfg + CV.errCol) >> 2];
    const name = col >= 0 ? this.head.columns[col] : '';
    let reason = ERRORS[code] ?? `error ${code}`;
    let grid: ImportError['grid'];
    if (code === CsvError.price || code === CsvError.amount) {
      const d = w[(this.cfg + CV.errDec) >> 2];
      grid = { field: code === CsvError.price ? 'price' : 'size', decimal: d };
      const off = w[(this.cfg + CV.fields + col * 8) >> 2] >>> 0;
      const len = w[(this.cfg + CV.fields + col * 8 + 4) >> 2];
      const value = dec.decode(this.core.bytes.slice(off, off + Math.min(len, 40)));
      reason = `${name} "${value}" ${decimalWhy(d)}`;
      const flag = code === CsvError.price ? '--tick' : '--lot';
      const wider =
        d === DecimalError.tooManyDecimals && this.gridText
          ? widerStep(value, flag === '--tick' ? this.gridText.tick : this.gridText.lot)
          : null;
      if (wider) reason += ` (a venue that prints trailing zeros: write ${flag} ${wider})`;
      else if (d === DecimalError.offGrid || d === DecimalError.tooManyDecimals)
        reason += ` (${flag} does not fit this value: check it against the venue's instrument)`;
    } else if (name && code !== CsvError.order) reason = `${name}: ${reason}`;
    return new ImportError(this.source.name, line, reason, grid);
  }
}

/**
 * The step written with as many decimals as `value` has, when the value's extra decimals are trailing zeros and it
 * then fits ("94099.40" with 0.1: "0.10"); null otherwise.
 */
function widerStep(value: string, step: string): string | null {
  const m = /^\d*\.(\d*?)(0+)$/.exec(value);
  const frac = step.split('.')[1] ?? '';
  if (!m || m[1].length > frac.length) return null;
  const decimals = m[1].length + m[2].length;
  return decimals > frac.length ? `${step.includes('.') ? step : `${step}.`}${'0'.repeat(decimals - frac.length)}` : null;
}

// Tardis's other CSV data types, told by a column only they have: named, so the error says what the file is
const OTHER_TYPES: Array<[column: string, what: string]> = [
  ['asks[0].price', 'book_snapshot_25/_5 CSV (top-of-book snapshots): not read; import incremental_book_L2, the full book'],
  ['funding_rate', 'derivative_ticker CSV (funding, mark and index prices): not read; the import takes incremental_book_L2 and trades'],
  ['ask_price', 'quotes CSV (best bid/ask only): not read; import incremental_book_L2, the full book'],
];

function otherDataType(columns: string[]): string | null {
  if (columns.includes('is_snapshot') || columns.includes('id')) return null;
  return OTHER_TYPES.find(([c]) => columns.includes(c))?.[1] ?? null;
}

// Tardis CSV times are µs since the epoch: 16 digits from 2001 to 2286. Milliseconds would read as January 1970 and
// import without a complaint, so the first row's times are checked for their unit.
const MICROS_MIN = 1_000_000_000_000_000n;
const MICROS_MAX = 9_999_999_999_999_999n;
const UNITS: Record<number, string> = { 10: 'seconds', 13: 'milliseconds', 19: 'nanoseconds' };

/** Why a first row's time is not µs since the epoch, or null (text that is not digits is the core's to name). */
function notMicros(v: string): string | null {
  if (!/^\d{1,20}$/.test(v)) return null;
  const n = BigInt(v);
  if (n >= MICROS_MIN && n <= MICROS_MAX) return null;
  const unit = UNITS[v.length];
  return `is not µs since the epoch (Tardis CSV times are 16 digits, e.g. 1777593600002500)${unit ? `: it looks like ${unit}; convert the file's times to µs` : ''}`;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Merges the book and trade streams (either may be absent) into `sink` by local time — at equal times the trade
 * first — a run of records at a time. `pause()` is awaited whenever a batch of the core's output is used up (the
 * caller's progress, back-pressure and stop: true ends the merge). Returns the records handed over.
 */
export async function mergeByLocalTime(
  streams: { book?: CsvStream; trades?: CsvStream },
  sink: RecordSink,
  pause: () => Promise<boolean> | boolean = () => false,
): Promise<number> {
  const { book, trades } = streams;
  let a = book ? await book.next() : false;
  let b = trades ? await trades.next() : false;
  let total = 0;
  const w = book?.core.words ?? trades!.core.words;
  let batches = -1;
  while (a || b) {
    const fresh = (book?.batches ?? 0) + (trades?.batches ?? 0);
    if (fresh !== batches) {
      batches = fresh;
      if (await pause()) break;
    }
    if (a && b) {
      const tb = book!.at(book!.pos);
      const tt = trades!.at(trades!.pos);
      // trades up to and including the book's next local time, then book records before the next trade's
      let k = 0;
      const bh = w[tb + 5];
      const bl = w[tb + 4] >>> 0;
      while (trades!.pos + k < trades!.count) {
        const p = trades!.at(trades!.pos + k);
        const h = w[p + 5];
        if (h > bh || (h === bh && w[p + 4] >>> 0 > bl)) break;
        k++;
      }
      if (k > 0) {
        sink.records(w, tt, k);
        trades!.pos += k;
        total += k;
        if (trades!.pos >= trades!.count) b = await trades!.next();
        continue;
      }
      const th = w[tt + 5];
      const tl = w[tt + 4] >>> 0;
      while (book!.pos + k < book!.count) {
        const p = book!.at(book!.pos + k);
        const h = w[p + 5];
        if (h > th || (h === th && w[p + 4] >>> 0 >= tl)) break;
        k++;
      }
      sink.records(w, tb, k);
      book!.pos += k;
      total += k;
      if (book!.pos >= book!.count) a = await book!.next();
      continue;
    }
    const s = a ? book! : trades!;
    const k = s.count - s.pos;
    sink.records(w, s.at(s.pos), k);
    s.pos += k;
    total += k;
    if (a) a = await book!.next();
    else b = await trades!.next();
  }
  return total;
}
