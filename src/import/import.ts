// The two imports end to end, streaming: inputs → the converter (./bitget-frames or ./tardis-csv) → sampled feed
// latency → Parquet files (./files). Progress is reported as input bytes are taken; a stop (the signal) ends the
// import between chunks with only finished files left behind.
import { loadCore, type Core, type WasmSource } from '../core/index';
import type { InstrumentGrid } from '../feed/instruments';
import type { BookChannel, FeedCounters } from '../feed/feed-session';
import type { FinishedFile } from '../capture/writer';
import { TardisFrames } from './bitget-frames';
import { CsvStream, mergeByLocalTime, pairMismatch, type CsvHead, type PairMismatch } from './tardis-csv';
import { ImportFiles } from './files';
import { FeedLatencySample } from './feed-latency';
import { LineSplitter } from './lines';
import { ImportError } from './record-sink';
import { isUrl, openFile, openInput, type Input } from './input';
import { venueOf } from './venue';
import { tardisStreamInfo } from './grid';
import { noRecordingOf, symbolList } from '../format/symbols';
import { plural } from '../format/numbers';

export interface ImportProgress {
  input: string;
  /** 0-based index of the input being read, of `inputs`. */
  index: number;
  inputs: number;
  bytesRead: number;
  bytesTotal: number | null;
  rows: number;
  elapsedMs: number;
}

export interface CommonOptions {
  out: string;
  rollNs: bigint;
  maxRows: number;
  signal?: AbortSignal;
  onProgress?(p: ImportProgress): void;
  onFile?(f: FinishedFile): void;
  /** The core to convert with (a fresh one is made otherwise). */
  core?: Core;
  wasm?: WasmSource;
}

export interface ImportSummary {
  files: FinishedFile[];
  rows: number;
  stopped: boolean;
  elapsedMs: number;
  /** Input lines, and the bytes of text they came in (gunzipped). */
  lines: number;
  bytes: number;
  /** Bytes read from the files or the network: compressed where they are (a .gz, a gzip-encoded response), else `bytes`. */
  inputBytes: number;
  /** Feed latency (local − exchange) of the imported book messages, ns. */
  feedLatency: { p1: number; p50: number; p99: number } | null;
  /** Files in the written directories that this import did not write but that overlap it in time. */
  strangers: string[];
  symbols: Array<{ symbol: string; instType: string; firstNs: bigint; lastNs: bigint }>;
  frames?: {
    feed: FeedCounters;
    /** `checked`: false under --no-checksum. */
    checksums: { ok: number; failed: number; checked: boolean };
    disconnectLines: number;
    v3Frames: number;
    /** Lines at an input's start repeating the end of the input before (same local time and bytes): skipped. */
    repeatedAtJoin: number;
    skipped: Array<[string, number]>;
  };
  csv?: Array<{
    input: string;
    kind: string;
    lines: number;
    skippedBeforeSnapshot: number;
    skippedOtherSymbols: number;
    /** Trades left out: one sent again (an id among the last 65 536 kept, same time, price, size, side); a size of 0. */
    duplicateTrades: number;
    zeroSizeTrades: number;
    /** Trades kept with no taker side (Tardis's `unknown`). */
    unknownSideTrades: number;
  }>;
}

async function importCore(o: CommonOptions): Promise<Core> {
  return o.core ?? (await loadCore({ source: o.wasm })).core;
}

export interface TardisOptions extends CommonOptions {
  /** Files or http(s) URLs of tardis-machine replay output (or Tardis raw slices), in time order. */
  inputs: string[];
  /** Bitget grids of the symbols to import. */
  grids: InstrumentGrid[];
  verifyChecksum?: boolean;
  /** The book channel to import (default books: full depth, incremental; books15/5/1 are whole snapshots). */
  bookChannel?: BookChannel;
  log?(line: string): void;
}

/** `ringbook import tardis`: Bitget frames through the live feed's decoder, continuity and checksum checks. */
export async function importTardis(o: TardisOptions): Promise<ImportSummary> {
  const t0 = performance.now();
  const core = await importCore(o);
  const files = new ImportFiles(
    o.out,
    o.grids.map((g, inst) => ({ inst, info: tardisStreamInfo('bitget', g) })),
    { rollNs: o.rollNs, maxRows: o.maxRows, onFile: o.onFile },
  );
  const latency = new FeedLatencySample(files);
  const frames = new TardisFrames(core, {
    instruments: o.grids.map((grid, inst) => ({ inst, grid, channels: [o.bookChannel ?? 'books', 'trade'] })),
    sink: latency,
    verifyChecksum: o.verifyChecksum,
    log: o.log,
  });
  let stopped = false;
  let bytes = 0;
  let inputBytes = 0;
  for (const name of o.inputs) if (!isUrl(name)) openFile(name).close(); // a missing file fails before anything is written
  for (let i = 0; i < o.inputs.length && !stopped; i++) {
    let input: Input;
    try {
      input = await openInput(o.inputs[i]);
    } catch (err) {
      await files.stop();
      throw err;
    }
    frames.begin(input.name);
    const split = new LineSplitter((b, s, e, n) => frames.line(b, s, e, n));
    const report = progress(o, input, i, () => files.rows, t0);
    try {
      for await (const chunk of input.chunks) {
        split.push(chunk);
        report(false);
        await files.settle();
        if (o.signal?.aborted) {
          stopped = true;
          break;
        }
      }
      if (!stopped) endInput(split);
      report(true);
    } catch (err) {
      await files.stop();
      throw err;
    } finally {
      bytes += input.text();
      inputBytes += input.read();
      input.close();
    }
  }
  frames.drain();
  if (stopped) await files.stop();
  else await files.finish();
  const c = frames.counters;
  if (!stopped) {
    const missing = o.grids.filter((_, inst) => files.span(inst).firstNs < 0n);
    if (missing.length) throw new Error(notInInput(o, missing, c.skipped, files.rows));
  }
  return {
    files: files.written,
    rows: files.rows,
    stopped,
    elapsedMs: Math.round(performance.now() - t0),
    lines: c.lines,
    bytes,
    inputBytes,
    feedLatency: latency.quantiles(),
    strangers: files.strangers(),
    symbols: o.grids.map((g, inst) => ({ symbol: g.symbol, instType: g.instType, ...files.span(inst) })),
    frames: {
      feed: frames.session.counters,
      checksums: { ...frames.checksums(), checked: o.verifyChecksum !== false },
      disconnectLines: c.disconnectLines,
      v3Frames: c.v3Frames,
      repeatedAtJoin: c.repeatedAtJoin,
      skipped: [...c.skipped.entries()].sort((a, b) => b[1] - a[1]),
    },
  };
}

/**
 * Ends an input's lines. Its last line without a line end is still read (a frame cut short is broken JSON, so a
 * whole one is safe), and when it is refused the error says the file ends mid-line.
 */
function endInput(split: LineSplitter): void {
  const cut = split.partial;
  try {
    split.end();
  } catch (err) {
    if (!cut || !(err instanceof ImportError)) throw err;
    throw new ImportError(
      err.input,
      err.line,
      `${err.reason} (the file ends mid-line, this last line without a line end: a download cut short? get the file again)`,
      err.grid,
    );
  }
}

/**
 * "no recording of XRPUSDT in the input (found BTCUSDT, ETHUSDT)": symbols asked for that the input has no frame of,
 * and those it holds (from the pushes skipped), as `backtest` says it of a recording.
 */
function notInInput(o: TardisOptions, missing: InstrumentGrid[], skipped: Map<string, number>, rows: number): string {
  const instType = missing[0].instType;
  const book = o.bookChannel ?? 'books';
  const held = new Set<string>();
  let otherType = false;
  for (const key of skipped.keys()) {
    const [type, symbol] = key.split('|');
    if (!symbol) continue;
    otherType ||= type !== instType;
    held.add(type === instType ? symbol : `${type} ${symbol}`);
  }
  const written = o.grids.filter((g) => !missing.includes(g)).map((g) => g.symbol);
  for (const s of written) held.add(s);
  const where = o.inputs.length === 1 ? ` in ${o.inputs[0]}` : ` in the ${o.inputs.length} inputs`;
  const then = written.length
    ? `; ${written.join(', ')} ${written.length === 1 ? 'was' : 'were'} imported (${plural(rows, 'row')})`
    : '; nothing was written';
  // a symbol the input has on other channels only (books15 where books is imported, its ticker)
  const others = missing.map((g) => [...skipped].filter(([k]) => k.startsWith(`${g.instType}|${g.symbol}|`)));
  if (others.some((x) => x.length)) {
    const books = others.flat().find(([k]) => /\|books\d*$/.test(k));
    const hint = books ? `give --book-channel ${books[0].split('|')[2]}` : 'check --symbol';
    const what = missing.map(
      (g, i) =>
        `${g.symbol}${where} has ${others[i].length ? others[i].map(([k, n]) => `${k.split('|')[2]} ×${n}`).join(', ') : 'no push'}`,
    );
    return `no ${book} or trade push of ${missing.map((g) => g.symbol).join(', ')}: ${what.join('; ')}${then}: ${hint}`;
  }
  const found = held.size ? symbolList(held) : 'no book or trade push of any symbol';
  const names = missing.map((g) => `${otherType ? `${instType} ` : ''}${g.symbol}`);
  return `${noRecordingOf(names, found, where)}${then}: check --symbol${otherType ? ' and --inst-type' : ''}`;
}

export interface CsvOptions extends CommonOptions {
  /** One incremental_book_L2 and/or one trades file (plain or gzip), any order: their headers tell them apart. */
  inputs: string[];
  tick: string;
  lot: string;
  /** Default: the first row's exchange and symbol. */
  exchange?: string;
  symbol?: string;
  instType?: string;
  gridFor(instType: string, symbol: string): InstrumentGrid;
}

/** What to do about a pair pairMismatch refuses, on the command line. */
const PAIR_ADVICE: Record<PairMismatch['of'], string> = {
  venues: '',
  days: ' (several days: one run a day, into the same --out)',
  symbols: ' (or --symbol, for files that hold several)',
};

/** `ringbook import tardis-csv`: Tardis CSV datasets of any venue through the core's exact CSV reader. */
export async function importTardisCsv(o: CsvOptions): Promise<ImportSummary> {
  const t0 = performance.now();
  if (o.inputs.length < 1 || o.inputs.length > 2)
    throw new Error('give one incremental_book_L2 file, one trades file, or one of each (plain or .gz)');
  const core = await importCore(o);
  const opened: Input[] = [];
  try {
    for (const name of o.inputs) opened.push(await openInput(name));
    const streams = opened.map((input) => new CsvStream(core, { name: input.name, chunks: input.chunks }));
    const heads: CsvHead[] = [];
    for (const s of streams) heads.push(await s.open());
    const book = streams.find((s) => s.head.kind === 'incremental_book_L2');
    const trades = streams.find((s) => s.head.kind === 'trades');
    if (streams.length === 2 && (!book || !trades))
      throw new Error(
        opened[0].name === opened[1].name
          ? `${opened[0].name} given twice: give one incremental_book_L2 and one trades file`
          : `two files of one kind (${heads.map((h, i) => `${opened[i].name}: ${h.kind}`).join(', ')}): give one incremental_book_L2 and one trades file (several days: one run a day, into the same --out)`,
      );
    if (!streams.some((s) => s.hasRows))
      throw new Error(
        `${opened.map((i) => i.name).join(' and ')}: a header and no rows: nothing to import (a day Tardis has no data of, or a download cut short)`,
      );
    const mismatch = pairMismatch(
      heads.map((head, i) => ({ name: opened[i].name, head })),
      o.symbol,
    );
    if (mismatch) throw new Error(`${mismatch.text}${PAIR_ADVICE[mismatch.of]}`);
    // --exchange names files that do not say their venue; over rows that do, another id would file one venue's data
    // under another's name
    const other = heads.findIndex((h) => o.exchange !== undefined && h.exchange && h.exchange !== o.exchange);
    if (other >= 0)
      throw new Error(
        `--exchange ${o.exchange}, but ${opened[other].name} is ${heads[other].exchange} ${heads[other].symbol} (its first row): leave --exchange out (the rows name their venue) or give that venue's files`,
      );
    const exchange = o.exchange ?? heads.find((h) => h.exchange)?.exchange;
    // --symbol btcusdt means the rows' BTCUSDT, as import tardis takes it in any case (the rows are matched byte for byte)
    const symbol =
      o.symbol === undefined
        ? heads.find((h) => h.symbol)?.symbol
        : (heads.find((h) => h.symbol.toUpperCase() === o.symbol!.toUpperCase())?.symbol ?? o.symbol);
    if (!exchange) throw new Error('the files name no exchange: give --exchange (a Tardis exchange id, e.g. binance-futures)');
    if (!symbol) throw new Error('the files name no symbol: give --symbol');
    const where = venueOf(exchange, o.instType);
    const grid = o.gridFor(where.instType, symbol);
    for (const s of streams) s.configure(grid, 0, symbol);
    const files = new ImportFiles(o.out, [{ inst: 0, info: tardisStreamInfo(where.venue, grid) }], {
      rollNs: o.rollNs,
      maxRows: o.maxRows,
      onFile: o.onFile,
    });
    const latency = new FeedLatencySample(files);
    // progress follows the larger input (the book file, usually)
    const main = opened.reduce((a, b) => ((a.size ?? 0) >= (b.size ?? 0) ? a : b));
    // one bar for the pair: the larger file's share read
    const report = progress({ ...o, inputs: [main.name] }, main, 0, () => files.rows, t0);
    let stopped = false;
    try {
      await mergeByLocalTime({ book, trades }, latency, async () => {
        report(false);
        await files.settle();
        return (stopped = o.signal?.aborted === true);
      });
    } catch (err) {
      await files.stop();
      throw err;
    }
    report(true);
    if (stopped) await files.stop();
    else await files.finish();
    if (!stopped && files.span(0).firstNs < 0n) {
      const strangers = streams.filter((s) => s.skippedOtherSymbols > 0);
      if (strangers.length && strangers.every((s) => s.skippedOtherSymbols === s.lines - 1))
        throw new Error(
          `no row of ${symbol} in ${strangers.map((s) => s.source.name).join(' or ')} (${strangers.length > 1 ? 'their' : 'its'} rows are of other symbols, the first ${symbolList(strangers.map((s) => s.head.symbol))}); nothing was written: check --symbol`,
        );
    }
    return {
      files: files.written,
      rows: files.rows,
      stopped,
      elapsedMs: Math.round(performance.now() - t0),
      lines: streams.reduce((a, s) => a + s.lines, 0),
      bytes: opened.reduce((a, i) => a + i.text(), 0),
      inputBytes: opened.reduce((a, i) => a + i.read(), 0),
      feedLatency: latency.quantiles(),
      strangers: files.strangers(),
      symbols: [{ symbol, instType: where.instType, ...files.span(0) }],
      csv: streams.map((s) => ({
        input: s.source.name,
        kind: s.head.kind,
        lines: s.lines,
        skippedBeforeSnapshot: s.skippedBeforeSnapshot,
        skippedOtherSymbols: s.skippedOtherSymbols,
        duplicateTrades: s.duplicateTrades,
        zeroSizeTrades: s.zeroSizeTrades,
        unknownSideTrades: s.unknownSideTrades,
      })),
    };
  } finally {
    for (const i of opened) i.close();
  }
}

/** A progress reporter for one input: at most every 250 ms, and once at its end. */
function progress(
  o: CommonOptions & { inputs: string[] },
  input: Input,
  index: number,
  rows: () => number,
  t0: number,
): (last: boolean) => void {
  let next = 0;
  const inputs = o.inputs.length;
  return (last) => {
    if (!o.onProgress) return;
    const now = performance.now();
    if (!last && now < next) return;
    next = now + 250;
    o.onProgress({ input: input.name, index, inputs, bytesRead: input.read(), bytesTotal: input.size, rows: rows(), elapsedMs: now - t0 });
  };
}
