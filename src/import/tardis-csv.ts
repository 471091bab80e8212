// Tardis.dev CSV datasets of any venue — `incremental_book_L2` and `trades`, plain or gzip — into records: the core
// reads the rows (assembly/csv.ts: exact decimals on the instrument's grid, µs → ns, book rows grouped into
// messages by local_timestamp, a snapshot after updates starting a new book), and the two files are merged by local
// time (a trade before a book message of the same local time), streaming: memory stays flat whatever the size.
import { REC_SIZE, Kind, type Core } from '../core/index';
import { ImportError, type RecordSink } from './record-sink';
import { gridHint } from './grid';
import { TradeWindow } from './trade-window';
import { closest } from '../format/suggest';
import { renderScaled, type InstrumentGrid } from '../feed/instruments';

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
  colExchange: 136,
  exchangeLen: 140,
  exchangeLine: 144,
  exchange: 152,
  plain: 192,
  fields: 256,
  bytes: 384,
} as const;

/** csvRecords' errors (mirrors assembly/csv.ts CSV_ERR_*). */
export const CsvError = {
  columns: -1,
  time: -2,
  flag: -3,
  side: -4,
  price: -5,
  amount: -6,
  order: -7,
  quoted: -8,
  tooBig: -9,
  exchange: -10,
} as const;

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
  /** The first row's local_timestamp, µs since the epoch; null without rows. */
  firstLocalUs: bigint | null;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One CSV file being read: its chunks into a buffer in core memory, records out of the core a batch at a time. */
export class CsvStream {
  head!: CsvHead;
  /** Whether a row follows the header (a header-only file imports nothing). */
  hasRows = false;
  /** Trades left out (a repeat of one kept earlier: same id, exchange time, price, size and side; a size of 0) and kept with no side (`unknown`). */
  duplicateTrades = 0;
  zeroSizeTrades = 0;
  unknownSideTrades = 0;
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
  /** The input's last line had no line end (one was added so the core reads it; the file is refused once it has). */
  private unterminated = false;
  private tailSeen = false;
  private symbol = '';
  /** The last trades kept with a numeric id, to tell a trade sent again (made with the first such trade). */
  private window: TradeWindow | null = null;
  private grid: InstrumentGrid | null = null;
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
        `${this.source.name}:1: not a Tardis incremental_book_L2 or trades CSV (header: ${headerLine.slice(0, 120)}${missing.length ? `; missing ${missing.map((m) => misspelt(m, columns)).join(', ')}` : ''})`,
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
      firstLocalUs: this.hasRows && /^\d{1,19}$/.test(at('local_timestamp')) ? BigInt(at('local_timestamp')) : null,
    };
    return this.head;
  }

  /** Sets the grid, the instrument index stamped on the records and the symbol kept (others are skipped). */
  configure(grid: InstrumentGrid, inst: number, symbol: string): void {
    this.gridText = { tick: grid.tickSize, lot: grid.lotSize };
    this.grid = grid;
    this.symbol = symbol;
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
    set32(CV.colExchange, col('exchange'));
    set32(CV.exchangeLen, -1); // taken from the first kept row
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
      if (this.eof && !this.pending) this.endOfInput();
      const final = this.eof && !this.pending;
      const line0 = this.lines;
      const n = core.x.csvRecords(this.buf, this.have, final ? 1 : 0, this.cfg, this.out, this.cap);
      if (n < 0) throw this.error(n);
      const consumed = core.words[(this.cfg + CV.consumed) >> 2];
      // checked while the rows' text is still in the buffer (an error names the row by re-reading it)
      const kept = n > 0 ? this.checkBatch(n, consumed, line0) : 0;
      if (final && this.unterminated && consumed === this.have)
        throw new ImportError(
          this.source.name,
          this.lines,
          'the file ends mid-line: its last line has no line end (a download cut short?), so its last value may be cut; get the file again (if that line is whole, end it with a newline)',
        );
      if (consumed > 0) {
        core.bytes.copyWithin(this.buf, this.buf + consumed, this.buf + this.have);
        this.have -= consumed;
      }
      this.count = kept;
      this.pos = 0;
      if (n > 0) this.batches++;
      if (n === 0 && final) return false;
      if (n === 0 && consumed === 0 && this.have >= this.bufBytes)
        throw new ImportError(this.source.name, this.lines + 1, `a line or one message's rows exceed ${this.bufBytes >> 20} MB`);
    }
    return true;
  }

  /** The input ended: a last line without a line end gets one (the core then reads and checks it) and is remembered. */
  private endOfInput(): void {
    if (this.tailSeen) return;
    this.tailSeen = true;
    if (this.have > 0 && this.core.bytes[this.buf + this.have - 1] !== 0x0a) {
      this.core.bytes[this.buf + this.have] = 0x0a; // the buffer has 16 bytes of slack
      this.have++;
      this.unterminated = true;
    }
  }

  /**
   * One pass over a batch's records for what the core's row checks leave: an exchange time outside µs since the
   * epoch (a row in ms or s among µs rows reads as 1970) and a price of 0; for trades, a trade sent again (its id in
   * the window of trades kept, ./trade-window) and a size of 0 are left out and counted, one id for two different
   * trades refused, an `unknown` side counted. Local times need no pass: the
   * core keeps them in order and under 9e15 µs, so the first record's decides. Returns the records kept (compacted
   * in place). Two loads a book record: the loop is on the import's hot path.
   */
  private checkBatch(n: number, consumed: number, line0: number): number {
    const w = this.core.words;
    const base = this.out >> 2;
    if (below1e18(w, base + 4)) throw this.badRow(consumed, line0, 'time');
    if (this.head.kind === 'trades') return this.checkTrades(w, base, n, consumed, line0);
    const end = base + n * 16;
    for (let p = base; p < end; p += 16) {
      if (w[p + 3] > MIN_NS_HI && w[p + 6] !== 0) continue;
      const why = this.refused(w, p);
      if (why) throw this.badRow(consumed, line0, why);
    }
    return n;
  }

  /** What is wrong with the record at word `p` (the rare path of a check: a time near or below 1e18 ns, a price's low word 0). */
  private refused(w: Int32Array, p: number): 'time' | 'price' | null {
    if (below1e18(w, p + 2)) return 'time';
    if ((w[p] & 0xff) !== Kind.bookClear && w[p + 6] === 0 && w[p + 7] === 0) return 'price';
    return null;
  }

  private checkTrades(w: Int32Array, base: number, n: number, consumed: number, line0: number): number {
    // every line of the batch a record (one symbol, no empty lines): record i is line line0 + 1 + i
    const exact = this.lines - line0 === n;
    let win = this.window;
    let to = base;
    for (let i = 0; i < n; i++) {
      const p = base + i * 16;
      if (w[p + 3] <= MIN_NS_HI || w[p + 6] === 0) {
        const why = this.refused(w, p);
        if (why) throw this.badRow(consumed, line0, why);
      }
      if (w[p + 8] === 0 && w[p + 9] === 0) {
        this.zeroSizeTrades++;
        continue;
      }
      const side = (w[p] >> 8) & 0xff;
      if (w[p + 10] !== 0 || w[p + 11] !== 0) {
        if (win === null) win = this.window = new TradeWindow();
        const slot = win.find(w[p + 10], w[p + 11]);
        if (slot >= 0) {
          if (!win.same(slot, w, p, side))
            throw this.twoTrades(win, slot, w, p, side, exact ? line0 + 1 + i : this.rowLine(consumed, line0, i), consumed, line0);
          this.duplicateTrades++;
          continue;
        }
        if (exact) win.add(w, p, side, line0 + 1 + i, line0 + 1 + i);
        else win.add(w, p, side, line0 + 1, this.lines);
      }
      if (side === 0) this.unknownSideTrades++;
      if (to !== p) w.copyWithin(to, p, p + 16);
      to += 16;
    }
    return (to - base) >> 4;
  }

  /**
   * A trade whose id the window holds with another exchange time, price, size or side: two trades under one id.
   * Which is right cannot be told, and keeping either (or both) changes the tape: refused, naming both rows.
   */
  private twoTrades(
    win: TradeWindow,
    slot: number,
    w: Int32Array,
    p: number,
    side: number,
    line: number,
    consumed: number,
    line0: number,
  ): ImportError {
    const r = win.words;
    const o = slot * 8;
    const g = this.grid!;
    const us = (lo: number, hi: number) => String(int64(lo, hi) / 1000n);
    const fields = [
      ['timestamp', us(w[p + 2], w[p + 3]), us(r[o + 2], r[o + 3])],
      ['price', renderScaled(int64(w[p + 6], w[p + 7]), g.priceScale), renderScaled(int64(r[o + 4], r[o + 5]), g.priceScale)],
      ['amount', renderScaled(int64(w[p + 8], w[p + 9]), g.sizeScale), renderScaled(int64(r[o + 6], r[o + 7]), g.sizeScale)],
      ['side', SIDES[side], SIDES[win.sides[slot]]],
    ].filter(([, here, there]) => here !== there);
    const id = int64(w[p + 10], w[p + 11]);
    let first = win.lineFirst[slot];
    let last = win.lineLast[slot];
    // a trade of a batch with other symbols' rows has no line of its own: one of this batch is looked for by its id
    if (first !== last && first === line0 + 1) first = last = this.idLine(consumed, line0, String(id)) ?? first;
    const at = first === last ? `line ${first}` : `a row of lines ${first}–${last}`;
    return new ImportError(
      this.source.name,
      line,
      `trade id ${id} is already the trade at ${at}, with another ${fields.map((f) => f[0]).join(' and ')} (${fields.map(([c, here, there]) => `${c} ${here} here, ${there} there`).join('; ')}): one id for two trades (exports of two venues or products joined?); the import cannot tell which is right: remove the wrong rows`,
    );
  }

  /**
   * The rows of the kept symbol in the batch's text (bytes [buf, buf + consumed), lines after `line0`), each with its
   * line and cells, and the count of the text's pieces between line ends: re-read on the error paths only.
   */
  private keptRows(consumed: number, line0: number): { rows: Array<{ line: number; cells: string[] }>; pieces: number } {
    const text = dec.decode(this.core.bytes.subarray(this.buf, this.buf + consumed));
    const iSym = this.head.columns.indexOf('symbol');
    const lines = text.split('\n');
    const rows: Array<{ line: number; cells: string[] }> = [];
    for (let k = 0; k < lines.length; k++) {
      const row = lines[k].replace(/\r$/, '');
      if (row === '') continue;
      const cells = row.split(',');
      if (this.symbol && iSym >= 0 && cells[iSym] !== this.symbol) continue;
      rows.push({ line: line0 + k + 1, cells });
    }
    return { rows, pieces: lines.length };
  }

  /** The line of the batch's first row of the kept symbol with trade id `id` (as written), or null: the error path. */
  private idLine(consumed: number, line0: number, id: string): number | null {
    const iId = this.head.columns.indexOf('id');
    return this.keptRows(consumed, line0).rows.find((r) => r.cells[iId] === id)?.line ?? null;
  }

  /** The line of the batch's `i`-th row of the kept symbol (rows of other symbols and empty lines between): the error path. */
  private rowLine(consumed: number, line0: number, i: number): number {
    return this.keptRows(consumed, line0).rows[i]?.line ?? line0 + 1;
  }

  /**
   * The error for the first row of the batch's text (bytes [buf, buf + consumed), lines after `line0`) that fails
   * `what`: re-read here, on the error path only, to name its line, column and value.
   */
  private badRow(consumed: number, line0: number, what: 'time' | 'price'): ImportError {
    const cols = this.head.columns;
    const { rows, pieces } = this.keptRows(consumed, line0);
    for (const { line, cells } of rows) {
      if (what === 'price') {
        const v = cells[cols.indexOf('price')] ?? '';
        if (!/[1-9]/.test(v.split(/e/i)[0]))
          return new ImportError(this.source.name, line, `price "${v}" is 0: not a price (a damaged row?)`);
        continue;
      }
      for (const c of ['timestamp', 'local_timestamp']) {
        const v = cells[cols.indexOf(c)] ?? '';
        const why = notMicros(v);
        if (why) return new ImportError(this.source.name, line, `${c} ${v} ${why}${line > 2 ? UNIT_SWITCH : ''}`);
      }
    }
    // not found again (it cannot be): name the rows the batch held
    return new ImportError(this.source.name, line0 + 1, `a row up to line ${line0 + pieces} has a ${what} the import refuses`);
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

  private error(err: number): ImportError {
    let code = err;
    const w = this.core.words;
    const line = this.i64(CV.errLine);
    const col = w[(this.cfg + CV.errCol) >> 2];
    const name = col >= 0 ? this.head.columns[col] : '';
    let reason = ERRORS[code] ?? `error ${code}`;
    let grid: ImportError['grid'];
    if (code === CsvError.order && col >= 0 && notMicros(this.field(col))) code = CsvError.time; // a unit, not an order, problem
    if (code === CsvError.time && col >= 0) {
      const v = this.field(col);
      const why =
        v === ''
          ? 'is empty'
          : (notMicros(v) ?? `is not a whole number of µs since the epoch (Tardis CSV times are 16 digits, e.g. 1777593600002500)`);
      return new ImportError(
        this.source.name,
        line,
        `${name} ${v === '' ? '' : `${v} `}${why}${line > 2 && notMicros(v) ? UNIT_SWITCH : ''}`,
      );
    }
    if (code === CsvError.exchange) {
      const iSym = this.head.columns.indexOf('symbol');
      const sym = iSym >= 0 ? ` ${this.field(iSym)}` : '';
      const first = this.core.bytes.slice(
        this.cfg + CV.exchange,
        this.cfg + CV.exchange + Math.min(w[(this.cfg + CV.exchangeLen) >> 2], 40),
      );
      return new ImportError(
        this.source.name,
        line,
        `rows of two venues: this row is ${this.field(col)}${sym}, the rows before it ${dec.decode(first)}${sym} (from line ${this.i64(CV.exchangeLine)}): give the rows of one venue (a file joined from two venues' exports?)`,
      );
    }
    if (code === CsvError.price || code === CsvError.amount) {
      const d = w[(this.cfg + CV.errDec) >> 2];
      grid = { field: code === CsvError.price ? 'price' : 'size', decimal: d };
      const value = this.field(col);
      reason = `${name} "${value}" ${gridHint(grid.field, value, d, this.gridText, 'venue')}`;
    } else if ((code === CsvError.side || code === CsvError.flag) && col >= 0) {
      // the value as written, as for a price: `side "buy" is not bid or ask`
      const value = this.field(col);
      const allowed =
        code === CsvError.flag
          ? 'true or false'
          : this.head.kind === 'trades'
            ? 'buy, sell or unknown (a trades row)'
            : 'bid or ask (an incremental_book_L2 row)';
      reason = `${name} "${value}" ${value === '' ? 'is empty' : `is not ${allowed}`}`;
    } else if (name && code !== CsvError.order) reason = `${name}: ${reason}`;
    return new ImportError(this.source.name, line, reason, grid);
  }

  /** Field `col` of the row the core stopped at, as written (up to 40 bytes). */
  private field(col: number): string {
    const w = this.core.words;
    const off = w[(this.cfg + CV.fields + col * 8) >> 2] >>> 0;
    const len = w[(this.cfg + CV.fields + col * 8 + 4) >> 2];
    return dec.decode(this.core.bytes.slice(off, off + Math.min(len, 40)));
  }
}

/** Whether the int64 at word `at` (low word first) is below 1e18 (ns): µs since the epoch are 16 digits. */
function below1e18(w: Int32Array, at: number): boolean {
  const hi = w[at + 1];
  return hi < MIN_NS_HI || (hi === MIN_NS_HI && w[at] >>> 0 < MIN_NS_LO);
}

const SIDES = ['unknown', 'buy', 'sell'];

function int64(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
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
// import without a complaint, so every row's times are checked: the first row's as text (open), the others in ns on
// their records (checkBatch: 1e18 ns as two 32-bit halves; the core refuses more than 9e15 µs itself).
const MIN_NS_HI = Math.floor(1e18 / 4294967296);
const MIN_NS_LO = 1e18 - MIN_NS_HI * 4294967296;
const UNIT_SWITCH = ' (the rows before it are µs: a file joined from exports in different units?)';
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

/** How a book and trades pair does not belong together (pairMismatch). */
export interface PairMismatch {
  of: 'venues' | 'days' | 'symbols';
  text: string;
}

/**
 * What is wrong with a book and trades pair, by their first rows, or null: two venues (the trades of another venue
 * merged into the book's), two UTC days (Tardis's files are a UTC day each: a book of one day and trades of another
 * share no time, yet would merge without a word into a recording whose trades never meet its book; an hour's leeway
 * for other CSVs that cross midnight), or — when no `symbol` is asked for — two symbols (one file's rows all
 * skipped). `import tardis-csv` and the replay page refuse such a pair with this sentence, each adding what to do
 * about it where it runs.
 */
export function pairMismatch(pair: ReadonlyArray<{ name: string; head: CsvHead }>, symbol?: string): PairMismatch | null {
  if (pair.length !== 2) return null;
  const [a, b] = pair.map((f) => f.head);
  const what = (i: number) => `${pair[i].name} is ${pair[i].head.exchange} ${pair[i].head.symbol} (its first row)`;
  if (a.exchange && b.exchange && a.exchange !== b.exchange)
    return { of: 'venues', text: `a book and trades pair of two venues: ${what(0)}, ${what(1)}: give the two files of one venue` };
  if (a.firstLocalUs !== null && b.firstLocalUs !== null) {
    const day = (us: bigint) => new Date(Number(us / 1000n)).toISOString().slice(0, 10);
    const apart = a.firstLocalUs > b.firstLocalUs ? a.firstLocalUs - b.firstLocalUs : b.firstLocalUs - a.firstLocalUs;
    if (day(a.firstLocalUs) !== day(b.firstLocalUs) && apart > 3_600_000_000n)
      return {
        of: 'days',
        text: `a book and trades pair of two days: ${pair[0].name} begins ${day(a.firstLocalUs)}, ${pair[1].name} begins ${day(b.firstLocalUs)} (their first rows' local_timestamp): give the two files of one day`,
      };
  }
  if (symbol === undefined && a.symbol && b.symbol && a.symbol !== b.symbol)
    return { of: 'symbols', text: `a book and trades pair of two symbols: ${what(0)}, ${what(1)}: give the two files of one symbol` };
  return null;
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

/** A required column, and the header's column it is likely a typo of: `amount (amout in the header?)`. */
function misspelt(want: string, columns: string[]): string {
  const near = closest(
    want,
    columns.filter((c) => !REQUIRED.includes(c)),
    1,
  );
  return near.length ? `${want} (${near[0]} in the header?)` : want;
}

const REQUIRED = ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'is_snapshot', 'id', 'side', 'price', 'amount'];
