// The replay page's import: Tardis.dev files dropped on the page, converted in its worker by the same converters as
// `ringbook import` (./bitget-frames, ./tardis-csv) into the columns the player replays — no CLI, no files written.
// The page has no --tick/--lot: the grid is inferred from the data's decimals (a value with more decimals than the
// guess restarts the conversion one decimal finer), so prices are exact but the tick may be finer than the
// exchange's (0.1 where the exchange steps 0.5). Memory: the whole recording is held, as for a dropped Parquet file.
import { createMemory, instantiateCore, formatMemory, type Core } from '../core/index';
import { DecimalError } from '../core/decimal';
import { recordColumns } from '../capture/parquet/encode';
import { streamMeta } from '../capture/meta';
import type { Columns, FileMeta } from '../capture/schema';
import type { InstrumentGrid } from '../feed/instruments';
import type { BookChannel } from '../feed/feed-session';
import { TardisFrames } from './bitget-frames';
import { CsvStream, mergeByLocalTime, pairMismatch } from './tardis-csv';
import { LineSplitter } from './lines';
import { gridFromDecimals, tardisStreamInfo } from './grid';
import { venueOf } from './venue';
import { isGzip } from './gzip';
import { plural } from '../format/numbers';
import { ImportError, type RecordSink } from './record-sink';

export interface PageImport {
  meta: Partial<FileMeta>;
  cols: Columns;
  rows: number;
  /** What the conversion inferred or skipped, for the page to show. */
  note: string;
}

type Kind = 'ndjson' | 'csv';

interface Dropped {
  file: Blob & { name: string };
  gz: boolean;
  kind: Kind;
  /** The first lines, decompressed. */
  head: string;
}

const MAX_TRIES = 8;

/** The file's bytes, gunzipped when they start with gzip's magic. */
function chunks(d: { file: Blob; gz: boolean }): AsyncIterable<Uint8Array> {
  let stream: ReadableStream<Uint8Array> = d.file.stream();
  if (d.gz) stream = stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  return {
    async *[Symbol.asyncIterator]() {
      const reader = stream.getReader();
      try {
        for (;;) {
          const r = await reader.read();
          if (r.done) return;
          yield r.value;
        }
      } finally {
        reader.releaseLock();
      }
    },
  };
}

async function sniff(file: Blob & { name: string }): Promise<Dropped> {
  const gz = isGzip(new Uint8Array(await file.slice(0, 2).arrayBuffer()));
  let head = '';
  const dec = new TextDecoder();
  for await (const c of chunks({ file, gz })) {
    head += dec.decode(c, { stream: true });
    if (head.length >= 64 * 1024 || head.split('\n').length > 4) break;
  }
  const first = head.split('\n').find((l) => l.trim()) ?? '';
  let kind: Kind;
  if (first.startsWith('{') || /^\d{4}-\d\d-\d\dT/.test(first)) kind = 'ndjson';
  else if (first.includes('local_timestamp') && first.includes(',')) kind = 'csv';
  else
    throw new Error(
      `${file.name}: neither tardis-machine output ({"localTimestamp":…,"message":…} lines) nor a Tardis CSV (a header with local_timestamp)`,
    );
  return { file, gz, kind, head };
}

/** Max fraction digits of the decimal strings a frame line or CSV rows show (a first guess of the grid). */
function decimals(values: string[]): number {
  let d = 0;
  for (const v of values) {
    const m = /^\d+\.(\d+)$/.exec(v);
    if (m) d = Math.max(d, m[1].replace(/0+$/, '').length);
  }
  return d;
}

/** Records gathered in memory, up to `max`. */
class Gather implements RecordSink {
  words = new Int32Array(16 * 65536);
  rows = 0;
  constructor(private readonly max: number) {}
  records(w: Int32Array, at: number, n: number): void {
    if (this.rows + n > this.max)
      throw new Error(
        `more than ${(this.max / 1e6).toFixed(0)} M records: too large to replay in a page — import it with \`ringbook import\` and open its files`,
      );
    if ((this.rows + n) * 16 > this.words.length) {
      const bigger = new Int32Array(Math.max(this.words.length * 2, (this.rows + n) * 16));
      bigger.set(this.words.subarray(0, this.rows * 16));
      this.words = bigger;
    }
    this.words.set(w.subarray(at, at + n * 16), this.rows * 16);
    this.rows += n;
  }
}

async function freshCore(module: WebAssembly.Module): Promise<Core> {
  const core = await instantiateCore(module, createMemory(), { slot: 0 });
  formatMemory(core);
  return core;
}

/**
 * Converts dropped files: one or more tardis-machine NDJSON files (Bitget frames; in the order given) or a Tardis CSV
 * pair (incremental_book_L2 and/or trades, any venue). `progress(records)` now and then.
 */
export async function convertDropped(
  module: WebAssembly.Module,
  files: Array<Blob & { name: string }>,
  progress: (records: number) => void = () => {},
  maxRecords = 8_000_000,
): Promise<PageImport> {
  if (!files.length) throw new Error('no file dropped');
  const dropped = await Promise.all(files.map(sniff));
  const kinds = new Set(dropped.map((d) => d.kind));
  if (kinds.size > 1) throw new Error('drop either tardis-machine NDJSON files or Tardis CSV files, not both');
  return dropped[0].kind === 'ndjson' ? frames(module, dropped, progress, maxRecords) : csv(module, dropped, progress, maxRecords);
}

/**
 * What the NDJSON's first lines show: the first push's product type and symbol, the book channel of its first book
 * push, and the decimals its prices and sizes have (a first guess of the grid).
 */
function firstPush(d: Dropped): { instType: string; symbol: string; book: BookChannel; priceDec: number; sizeDec: number } | null {
  let found: { instType: string; symbol: string } | null = null;
  let book: BookChannel | null = null;
  const prices: string[] = [];
  const sizes: string[] = [];
  for (const line of d.head.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    let message: { action?: string; arg?: Record<string, string>; data?: unknown };
    try {
      message = t.startsWith('{') ? JSON.parse(t).message : JSON.parse(t.slice(t.indexOf(' ') + 1));
    } catch {
      continue; // a line cut by the 64 KB head, or not JSON: the conversion will name it
    }
    const arg = message?.arg;
    const channel = arg?.channel ?? arg?.topic ?? '';
    if (!message?.action || !arg || !['books', 'books15', 'books5', 'books1', 'trade', 'publicTrade'].includes(channel)) continue;
    const symbol = String(arg.instId ?? arg.symbol);
    found ??= { instType: String(arg.instType).toUpperCase(), symbol };
    if (symbol !== found.symbol) continue;
    if (channel.startsWith('books')) book ??= channel as BookChannel;
    for (const o of (message.data ?? []) as Array<Record<string, unknown>>) {
      for (const k of ['asks', 'bids', 'a', 'b'])
        for (const l of (o[k] ?? []) as string[][]) {
          prices.push(l[0]);
          sizes.push(l[1]);
        }
      for (const k of ['price', 'p', 'P']) if (typeof o[k] === 'string') prices.push(o[k] as string);
      for (const k of ['size', 'v']) if (typeof o[k] === 'string') sizes.push(o[k] as string);
    }
  }
  if (!found) return null;
  return { ...found, book: book ?? 'books', priceDec: decimals(prices), sizeDec: decimals(sizes) };
}

async function frames(module: WebAssembly.Module, dropped: Dropped[], progress: (n: number) => void, max: number): Promise<PageImport> {
  const first = firstPush(dropped[0]);
  if (!first) throw new Error(`${dropped[0].file.name}: no Bitget books or trade push in its first lines`);
  let { priceDec, sizeDec } = first;
  for (let attempt = 0; ; attempt++) {
    const grid = gridFromDecimals(first.instType, first.symbol, priceDec, sizeDec);
    const gather = new Gather(max);
    try {
      const core = await freshCore(module);
      const f = new TardisFrames(core, { instruments: [{ inst: 0, grid, channels: [first.book, 'trade'] }], sink: gather });
      for (const d of dropped) {
        f.begin(d.file.name);
        const split = new LineSplitter((b, s, e, n) => f.line(b, s, e, n));
        let next = 0;
        for await (const c of chunks(d)) {
          split.push(c);
          if (gather.rows >= next) {
            progress(gather.rows);
            next = gather.rows + 200_000;
          }
        }
        split.end();
      }
      f.drain();
      const c = f.session.counters;
      const skipped = [...f.counters.skipped.keys()].map((k) => k.split('|')[1]).filter((s) => s !== first.symbol);
      const note =
        `${first.instType} ${first.symbol} from ${plural(dropped.length, 'file')}: grid inferred from the data (tick ${grid.tickSize}, lot ${grid.lotSize}); ` +
        `${plural(c.snapshots, 'snapshot')}, ${plural(c.gaps, 'gap')}, ${plural(f.counters.disconnectLines, 'disconnect')}` +
        (skipped.length ? `; other symbols skipped (${[...new Set(skipped)].join(', ')})` : '');
      return result(gather, grid, 'bitget', first.instType, note);
    } catch (err) {
      const g = err instanceof ImportError ? err.grid : undefined;
      if (!g || g.decimal !== DecimalError.tooManyDecimals || attempt >= MAX_TRIES) throw err;
      if (g.field === 'price') priceDec++;
      else sizeDec++;
    }
  }
}

async function csv(module: WebAssembly.Module, dropped: Dropped[], progress: (n: number) => void, max: number): Promise<PageImport> {
  if (dropped.length > 2) throw new Error('drop one incremental_book_L2 file, one trades file, or one of each');
  // a first guess of the decimals from the rows in the files' heads
  const prices: string[] = [];
  const sizes: string[] = [];
  let exchange = '';
  let symbol = '';
  for (const d of dropped) {
    const [header, ...rows] = d.head.split('\n').slice(0, 200);
    const cols = header.split(',');
    for (const r of rows.slice(0, -1)) {
      const f = r.split(',');
      prices.push(f[cols.indexOf('price')]);
      sizes.push(f[cols.indexOf('amount')]);
      exchange ||= f[cols.indexOf('exchange')] ?? '';
      symbol ||= f[cols.indexOf('symbol')] ?? '';
    }
  }
  if (!symbol) throw new Error(`${dropped[0].file.name}: no data rows`);
  let priceDec = decimals(prices);
  let sizeDec = decimals(sizes);
  const where = venueOf(exchange);
  for (let attempt = 0; ; attempt++) {
    const grid = gridFromDecimals(where.instType, symbol, priceDec, sizeDec);
    const gather = new Gather(max);
    try {
      const core = await freshCore(module);
      const streams = dropped.map((d) => new CsvStream(core, { name: d.file.name, chunks: chunks(d) }, 1 << 22, 16384));
      for (const s of streams) {
        await s.open();
        s.configure(grid, 0, symbol);
      }
      const book = streams.find((s) => s.head.kind === 'incremental_book_L2');
      const trades = streams.find((s) => s.head.kind === 'trades');
      if (streams.length === 2 && (!book || !trades))
        throw new Error('two files of one kind: drop one incremental_book_L2 and one trades file');
      // refused as import tardis-csv refuses it: trades of another venue, day or symbol than the book's
      const mismatch = pairMismatch(streams.map((st) => ({ name: st.source.name, head: st.head })));
      if (mismatch) throw new Error(`${mismatch.text}${mismatch.of === 'days' ? " (several days: drop one day's pair at a time)" : ''}`);
      let next = 0;
      await mergeByLocalTime({ book, trades }, gather, () => {
        if (gather.rows >= next) {
          progress(gather.rows);
          next = gather.rows + 200_000;
        }
        return false;
      });
      const sum = (k: 'skippedOtherSymbols' | 'duplicateTrades' | 'zeroSizeTrades' | 'unknownSideTrades') =>
        streams.reduce((a, s) => a + s[k], 0);
      const skipped = sum('skippedOtherSymbols');
      const [repeated, zero, unknown] = [sum('duplicateTrades'), sum('zeroSizeTrades'), sum('unknownSideTrades')];
      const note =
        `${exchange} ${symbol}: grid inferred from the data (tick ${grid.tickSize}, lot ${grid.lotSize})` +
        (skipped ? `; ${plural(skipped, 'row')} of other symbols skipped` : '') +
        (repeated ? `; ${plural(repeated, 'trade')} sent again (an id kept earlier) left out` : '') +
        (zero ? `; ${plural(zero, 'trade')} of size 0 left out` : '') +
        (unknown ? `; ${plural(unknown, 'trade')} of side unknown kept` : '');
      return result(gather, grid, where.venue, where.instType, note);
    } catch (err) {
      const g = err instanceof ImportError ? err.grid : undefined;
      if (!g || g.decimal !== DecimalError.tooManyDecimals || attempt >= MAX_TRIES) throw err;
      if (g.field === 'price') priceDec++;
      else sizeDec++;
    }
  }
}

function result(g: Gather, grid: InstrumentGrid, venue: string, instType: string, note: string): PageImport {
  if (g.rows === 0) throw new Error(`nothing to replay: no ${grid.symbol} records in the files (${note})`);
  const w = g.words;
  const ts = (p: number) => (BigInt(w[p + 5]) << 32n) | BigInt(w[p + 4] >>> 0);
  const meta = streamMeta(tardisStreamInfo(venue, grid, instType), null, 0, ts(0), ts((g.rows - 1) * 16), w, g.rows);
  return { meta, cols: recordColumns(w, 0, g.rows), rows: g.rows, note };
}
