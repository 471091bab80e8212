// What is in a recording: rows by kind, time span, gaps and resyncs, feed latency raw and corrected for the clock
// offset, and the share of negative latencies — with the explanation the original recorder lacked: a negative
// local_ts − exch_ts means the local clock is behind the exchange's (θ < 0), not that data arrived before it was
// sent. Streams row groups; memory holds one latency per book message.
import { Kind, Status, Flag } from '../core/record';
import { damaged, fileRowGroups, readFileMeta } from './read-file';
import { journalsUnder, listParquet, unfinishedJournals } from './recover';
import { inspectOrders, inspectTicker, type OrdersReport, type TickerReport } from './inspect-streams';
import { inspectRaw, rawFiles, rawSummary, RAW_KIND, type RawReport } from './inspect-raw';
import { sideStreamOf } from './side-stream';
import { continuityWarnings, type ContinuityWarning, type DamagedSpan, type FileSpan } from './inspect-continuity';
import { marketPathParts, type FileMeta } from './schema';
import { gridMetaAgrees } from './grid-meta';
import { existsSync, statSync } from 'node:fs';
import { selfCommand } from '../cli/self';
import { resolve } from 'node:path';

const KIND_NAMES: Record<number, string> = {
  1: 'book_level',
  2: 'book_clear',
  3: 'trade',
  4: 'msg_end',
  5: 'status',
  6: 'order',
  7: 'ticker',
  16: 'signal',
};
const STATUS_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k]));

export interface LatencyStats {
  count: number;
  p1: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  min: number;
  max: number;
  negativeShare: number;
}

export interface StreamReport {
  stream: string;
  files: number;
  rows: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  bookMessages: number;
  snapshots: number;
  firstLocalTs: string;
  lastLocalTs: string;
  spanSeconds: number;
  /** The last file's measured clock offset (each file stores its own: a restarted recorder measures again). */
  clock: {
    offsetNs: string;
    boundNs: string;
    rttNs: string;
    method: string;
  } | null;
  /** The offsets of every file that measured one: how many files, the lowest and highest θ. */
  clockOffsets: { files: number; minNs: string; maxNs: string } | null;
  /** Corrected latencies subtract each file's own θ; files with none measured are left out of them. */
  feedLatencyMsRaw: LatencyStats | null;
  feedLatencyMsCorrected: LatencyStats | null;
  droppedRecords: number;
  /**
   * Holes of a second or more between one file's last row and the next file's first, and files whose spans overlap
   * (a copy, or a recording written twice: a backtest would replay those events twice), in words; the same as
   * objects in InspectResult.warnings.
   */
  warnings: string[];
  /** The metadata's `source` (live, demo, simulator, replay, tardis) of the stream's first file. */
  source: string;
  explanation: string;
}

/**
 * Latency figures in ms from whole nanoseconds: the ns are exact (integers far below 2^53), and each figure is divided
 * once, so the JSON holds 1.730195, not the 1.7301949999999997 that subtracting θ in ms left.
 */
function stats(ns: Float64Array): LatencyStats | null {
  if (!ns.length) return null;
  const s = ns.slice().sort();
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] / 1e6;
  let neg = 0;
  for (const v of s) if (v < 0) neg++;
  return {
    count: s.length,
    p1: q(0.01),
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    min: s[0] / 1e6,
    max: s[s.length - 1] / 1e6,
    negativeShare: neg / s.length,
  };
}

class Growable {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  get view(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

/** A file inspect could not read, and why. */
export interface DamagedEntry {
  path: string;
  reason: string;
}

export interface InspectResult {
  streams: StreamReport[];
  /** The ticker streams (funding rates, settlements, marks) and the own-order logs beside the market data. */
  ticker: TickerReport[];
  orders: OrdersReport[];
  /** Raw WebSocket frames (record --raw, under _raw/): per venue, files, frames and span; also in the why lines. */
  raw: RawReport[];
  /**
   * Files left out of the figures because they could not be read (torn, foreign, failing a checksum) or their
   * metadata contradicts itself (a grid whose tick_size disagrees with price_step at price_scale: backtest stops on it).
   */
  damaged: DamagedEntry[];
  /** Every stream's continuity warnings (holes, overlaps, duplicates), each with its stream, kind, files and length. */
  warnings: ContinuityWarning[];
  /** Unfinished journals (.parquet.partial) beside the finished files: not in the figures (a recorder running, or killed). */
  journals: string[];
}

/** One file's figures, merged into its stream only once the whole file was read. */
interface FilePart {
  key: string;
  meta: Partial<FileMeta>;
  rows: number;
  byKind: Record<string, number>;
  statuses: Record<string, number>;
  bookMessages: number;
  snapshots: number;
  first: bigint;
  last: bigint;
  /** local_ts − exch_ts of each book message, in whole ns. */
  raw: Growable;
  /** This file's clock offset θ in ns, if measured. */
  theta: bigint | null;
  /** The longest pause between consecutive rows in this file, ns: how quiet its market gets. */
  maxPause: bigint;
}

/** Thrown by inspectFile for a raw-frames file outside _raw/: summarised with the raw frames, not read as market data. */
class RawFramesFile extends Error {}

async function inspectFile(f: string): Promise<FilePart> {
  const { meta } = await readFileMeta(f);
  if ((meta as Record<string, string | undefined>).kind === RAW_KIND) throw new RawFramesFile(f);
  // the grid a backtest would price this file's records on: a footer that contradicts itself is a damaged file
  gridMetaAgrees(meta, f);
  const part: FilePart = {
    key: `${meta.venue ?? '?'}/${meta.inst_type ?? '?'}/${meta.symbol ?? f}`,
    meta,
    rows: 0,
    byKind: {},
    statuses: {},
    bookMessages: 0,
    snapshots: 0,
    first: 0n,
    last: 0n,
    raw: new Growable(),
    theta: meta.clock_offset_ns ? BigInt(meta.clock_offset_ns) : null,
    maxPause: 0n,
  };
  let prev = -1n;
  for await (const g of fileRowGroups(f)) {
    const kind = g.columns.kind as Int32Array;
    const flags = g.columns.flags as Int32Array;
    const local = g.columns.local_ts as BigInt64Array;
    const exch = g.columns.exch_ts as BigInt64Array;
    const seq = g.columns.seq as BigInt64Array;
    part.rows += g.rows;
    for (let i = 0; i < g.rows; i++) {
      const k = kind[i];
      const name = KIND_NAMES[k] ?? `kind_${k}`;
      part.byKind[name] = (part.byKind[name] ?? 0) + 1;
      const t = local[i];
      if (prev >= 0n && t - prev > part.maxPause) part.maxPause = t - prev;
      prev = t;
      if (part.first === 0n || t < part.first) part.first = t;
      if (t > part.last) part.last = t;
      if (k === Kind.status) {
        const st = STATUS_NAMES[Number(seq[i])] ?? `code_${seq[i]}`;
        part.statuses[st] = (part.statuses[st] ?? 0) + 1;
      } else if (k === Kind.bookClear) {
        part.snapshots++;
      }
      if ((k === Kind.bookLevel || k === Kind.msgEnd) && flags[i] & Flag.last && exch[i] > 0n) {
        part.bookMessages++;
        part.raw.push(Number(t - exch[i]));
      }
    }
  }
  return part;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Every stream under `path` (a file or a recording directory), and the files that could not be read: a damaged
 * file is reported and left out, the others are still inspected.
 */
export async function inspectRecording(path: string): Promise<InspectResult> {
  const within = sideStreamOf(resolve(path));
  if (within === 'raw') {
    // a path inside the raw-frames tree: a summary of its frames (there are no market records to report)
    if (!existsSync(path)) throw new Error(`no such file or directory: ${path}`);
    const bad: DamagedEntry[] = [];
    const raw = await inspectRaw(rawFiles(path), bad);
    if (!raw.length && !bad.length) throw unfinishedJournals(path) ?? new Error(`no .parquet files under ${path}`);
    return { streams: [], ticker: [], orders: [], raw, damaged: bad, warnings: [], journals: [] };
  }
  // a path inside a side stream (data/_ticker, a file of data/_orders): that stream's report, no market data
  if (within) {
    if (!existsSync(path)) throw new Error(`no such file or directory: ${path}`);
    const bad: DamagedEntry[] = [];
    const ticker = within === 'ticker' ? await inspectTicker(path, bad) : [];
    const orders = within === 'orders' ? await inspectOrders(path, bad) : [];
    if (!ticker.length && !orders.length && !bad.length) {
      // only unfinished journals there: say so, and how to recover them
      throw unfinishedJournals(path) ?? new Error(`no .parquet files under ${path}`);
    }
    return { streams: [], ticker, orders, raw: [], damaged: bad, warnings: [], journals: journalsUnder(path) };
  }
  // Tardis input given to inspect: not a recording yet, and "not a readable Parquet file" would not say what to do
  if (/\.(csv|ndjson|jsonl?)(\.gz)?$/i.test(path) && existsSync(path) && statSync(path).isFile())
    throw new Error(
      `${path} is ${/\.csv(\.gz)?$/i.test(path) ? 'a CSV' : 'an NDJSON'} file, not a recording: inspect reads the Parquet files of record or import (${selfCommand()} import ${/\.csv(\.gz)?$/i.test(path) ? 'tardis-csv' : 'tardis'} ${path} --tick T --lot L --out data/, then inspect data/; docs/import.md)`,
    );
  const files = listParquet(path);
  const streams = new Map<
    string,
    {
      r: StreamReport;
      raw: Growable;
      corrected: Growable;
      thetas: bigint[];
      spans: FileSpan[];
      first: bigint;
      last: bigint;
    }
  >();
  const bad: DamagedEntry[] = [];
  const rawOutside: string[] = [];
  for (const f of files) {
    let part: FilePart;
    try {
      part = await inspectFile(f);
    } catch (err) {
      if (err instanceof RawFramesFile) {
        rawOutside.push(f);
        continue;
      }
      const d = damaged(f, err);
      bad.push({ path: d.path, reason: d.reason });
      continue;
    }
    const { key, meta } = part;
    let s = streams.get(key);
    if (!s) {
      s = {
        r: {
          stream: key,
          files: 0,
          rows: 0,
          byKind: {},
          statuses: {},
          bookMessages: 0,
          snapshots: 0,
          firstLocalTs: '',
          lastLocalTs: '',
          spanSeconds: 0,
          clock: null,
          clockOffsets: null,
          feedLatencyMsRaw: null,
          feedLatencyMsCorrected: null,
          droppedRecords: 0,
          warnings: [],
          source: meta.source ?? '',
          explanation: '',
        },
        raw: new Growable(),
        corrected: new Growable(),
        thetas: [],
        spans: [],
        first: 0n,
        last: 0n,
      };
      streams.set(key, s);
    }
    s.r.files++;
    s.r.droppedRecords += Number(meta.dropped_records ?? 0);
    if (meta.clock_offset_ns)
      s.r.clock = {
        offsetNs: meta.clock_offset_ns,
        boundNs: meta.clock_offset_bound_ns ?? '',
        rttNs: meta.clock_offset_rtt_ns ?? '',
        method: meta.clock_offset_method ?? '',
      };
    s.r.rows += part.rows;
    addCounts(s.r.byKind, part.byKind);
    addCounts(s.r.statuses, part.statuses);
    s.r.bookMessages += part.bookMessages;
    s.r.snapshots += part.snapshots;
    if (part.rows) {
      s.spans.push({
        path: f,
        first: part.first,
        last: part.last,
        rows: part.rows,
        maxPause: part.maxPause,
        source: meta.source,
      });
      if (s.first === 0n || part.first < s.first) s.first = part.first;
      if (part.last > s.last) s.last = part.last;
    }
    for (const v of part.raw.view) s.raw.push(v);
    if (part.theta !== null) {
      s.thetas.push(part.theta);
      const theta = Number(part.theta);
      for (const v of part.raw.view) s.corrected.push(v - theta);
    }
  }
  const raw = await inspectRaw([...rawFiles(path), ...rawOutside], bad);
  const out: StreamReport[] = [];
  const warnings: ContinuityWarning[] = [];
  for (const s of streams.values()) {
    const r = s.r;
    r.firstLocalTs = String(s.first);
    r.lastLocalTs = String(s.last);
    r.spanSeconds = Number(s.last - s.first) / 1e9;
    r.feedLatencyMsRaw = stats(s.raw.view);
    if (s.thetas.length) {
      const min = s.thetas.reduce((a, b) => (b < a ? b : a));
      const max = s.thetas.reduce((a, b) => (b > a ? b : a));
      r.clockOffsets = {
        files: s.thetas.length,
        minNs: String(min),
        maxNs: String(max),
      };
      r.feedLatencyMsCorrected = stats(s.corrected.view);
    }
    const found = continuityWarnings(r.stream, s.spans, damagedOf(r.stream, bad));
    r.warnings = found.map((w) => w.message);
    warnings.push(...found);
    r.explanation = explain(r);
    const venueRaw = raw.find((x) => r.stream.startsWith(`${x.venue}/`));
    if (venueRaw) r.explanation += `; beside it, ${rawSummary(venueRaw)}`;
    out.push(r);
  }
  const spans = new Map(out.map((r) => [r.stream, { first: BigInt(r.firstLocalTs), last: BigInt(r.lastLocalTs) }]));
  const ticker = await inspectTicker(path, bad, (stream) => spans.get(stream));
  const orders = await inspectOrders(path, bad);
  // raw frames alone (a recording made with --raw whose market files were moved away) are still a capture to report
  if (!out.length && !ticker.length && !orders.length && !raw.length && !bad.length)
    throw unfinishedJournals(path) ?? new Error(`no .parquet files under ${path}`);
  return { streams: out, ticker, orders, raw, damaged: bad, warnings, journals: journalsUnder(path) };
}

/** The damaged files whose path names `stream` (venue/inst_type/symbol), with the first stamp their names give. */
function damagedOf(stream: string, bad: readonly DamagedEntry[]): DamagedSpan[] {
  return bad.flatMap((d) => {
    const p = marketPathParts(d.path);
    return p && `${p.venue}/${p.instType}/${p.symbol}` === stream ? [{ path: d.path, first: p.firstLocalTsNs }] : [];
  });
}

function explain(r: StreamReport): string {
  const raw = r.feedLatencyMsRaw;
  if (!raw)
    return r.bookMessages === 0 && (r.byKind.trade ?? 0) > 0
      ? 'trades only, no book messages: feed latency is measured on book messages, and a backtest replays the book and has none to trade on (import the incremental_book_L2 file beside the trades, or record the book)'
      : 'no book messages with exchange timestamps';
  const parts: string[] = [];
  const offsets = r.clockOffsets;
  if (offsets && offsets.minNs !== offsets.maxNs) {
    const ms = (ns: string) => (Number(BigInt(ns)) / 1e6).toFixed(3);
    // the side is said only where every file's θ is further from 0 than the last measurement's bound
    const bound = BigInt(r.clock?.boundNs || '0');
    const side =
      BigInt(offsets.maxNs) < -bound
        ? ": the local clock is behind the exchange's in every file"
        : BigInt(offsets.minNs) > bound
          ? ": the local clock is ahead of the exchange's in every file"
          : '';
    parts.push(
      `clock offset θ = local − exchange differs between files: ${ms(offsets.minNs)} ms … ${ms(offsets.maxNs)} ms over ${offsets.files} files (measured again at each recorder start and every --clock-every, and each file keeps the one of its time; the clock line shows the last file's), and each file's latencies are corrected by its own θ${side}`,
    );
  } else if (r.clock) {
    const theta = Number(BigInt(r.clock.offsetNs)) / 1e6;
    const bound = Number(BigInt(r.clock.boundNs || '0')) / 1e6;
    parts.push(
      `clock offset θ = local − exchange = ${theta.toFixed(3)} ms ± ${bound.toFixed(3)} ms (${r.clock.method}): ${
        Math.abs(theta) <= bound
          ? "the two clocks agree within the measurement's bound (θ is no further from 0 than it)"
          : `the local clock is ${theta < 0 ? 'behind' : 'ahead of'} the exchange's`
      }`,
    );
  } else if (r.source === 'tardis') {
    parts.push(
      "imported from Tardis.dev: local_ts is when Tardis's collector received each frame, on its clock and from where it runs (no offset was measured); rebase it to yours with backtest --feed-latency-shift (docs/import.md)",
    );
  } else {
    parts.push('clock offset not measured (no REST round trips in this recording)');
  }
  if (offsets && offsets.files < r.files)
    parts.push(
      `${r.files - offsets.files} of ${r.files} files measured no clock offset: their latencies are left out of the corrected figures`,
    );
  if (raw.negativeShare > 0) {
    parts.push(
      `${(raw.negativeShare * 100).toFixed(2)}% of raw feed latencies (local_ts − exch_ts) are negative: impossible as travel times, so they measure the clock offset — the local clock is behind the exchange by at least ${(-raw.p1).toFixed(3)} ms`,
    );
  }
  const c = r.feedLatencyMsCorrected;
  if (c) {
    // a corrected latency may be negative by the offset's bound plus the exchange's 1 ms stamps, no more: beyond that
    // the clock moved after θ was measured (or θ is wrong), and the corrected figures are off by as much
    const slackMs = Number(BigInt(r.clock?.boundNs || '0')) / 1e6 + 1;
    const negative = `${(c.negativeShare * 100).toFixed(2)}% negative`;
    parts.push(
      `after subtracting θ: p50 ${c.p50.toFixed(3)} ms, ${
        c.negativeShare === 0
          ? negative
          : -c.min <= slackMs
            ? `${negative} (within the offset's bound and the exchange's 1 ms stamp resolution)`
            : `${negative}, down to ${c.min.toFixed(3)} ms: more than the offset's bound and the exchange's 1 ms stamps allow (±${slackMs.toFixed(3)} ms), so the local clock moved after θ was measured (an NTP step or drift: ringbook doctor checks its sync) or θ is wrong, and the corrected figures are off by about that much`
      }`,
    );
  }
  return parts.join('; ');
}
