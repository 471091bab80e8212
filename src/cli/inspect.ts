// `ringbook inspect <file|dir> [--json]`: what a recording holds and what its timestamps say.
import { inspectRecording, type DamagedEntry, type StreamReport, type LatencyStats } from '../capture/inspect';
import type { OrdersReport, TickerReport } from '../capture/inspect-streams';
import { rawSummary, type RawReport } from '../capture/inspect-raw';
import { dirText, parseCommand, type CommandSpec } from './args';
import { liveHolder } from './dir-lock';
import { selfCommand } from './self';
import { count, duration, groupThousands, plural, quoteCurrency } from '../format/numbers';

export const INSPECT = {
  name: 'inspect',
  usage: '<file|dir> [--json]',
  summary:
    'What a recording holds, per stream (venue/inst_type/symbol): rows by kind, time span, gaps and resyncs, feed latency (local_ts − exch_ts) raw and corrected for the measured clock offset, and the share of negative latencies, explained; a WARNING line for each hole between files and each file that overlaps or duplicates another; beside them the ticker stream (funding settlements in the span of the market data with their rates, the next one announced, the mark prices), the own-order log of trading sessions (records by event) and the raw frames of record --raw (also alone). A file that cannot be read (torn, foreign, failing a page checksum) or whose metadata contradicts itself (tick_size or lot_size against its scaled step, which backtest stops on) is listed under DAMAGED with the reason and the others are still inspected; the exit code is then 1.',
  positionals: { name: 'one path: a .parquet file or a recording directory', min: 1, max: 1 },
  flags: {
    json: {
      type: 'boolean',
      description:
        'the same as JSON: {"streams": [...], "ticker": [...], "orders": [...], "raw": [...], "damaged": [{"path", "reason"}], "warnings": [{"stream", "kind", "path", "other", "ns", "message"}], "journals": [...], "units": {suffix: unit}}',
    },
  },
  examples: [
    ['inspect data/', 'every stream recorded under data/'],
    ['inspect data/ --json', 'the same as JSON, for scripts'],
  ],
} as const satisfies CommandSpec;

/** A latency line, or n/a with what is missing. */
const lat = (l: LatencyStats | null, missing: string) =>
  l
    ? `p1 ${l.p1.toFixed(2)}  p50 ${l.p50.toFixed(2)}  p99 ${l.p99.toFixed(2)}  p99.9 ${l.p999.toFixed(2)} ms  negative ${(l.negativeShare * 100).toFixed(2)}%  (n=${count(l.count)})`
    : `n/a (${missing})`;

/** "2026-12-06 08:00:00 UTC" for ns since the epoch (a string of digits). */
function utcText(ns: string): string {
  const ms = Number(BigInt(ns) / 1_000_000n);
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const span = (first: string, last: string) => duration(Number(BigInt(last) - BigInt(first)));

/**
 * A funding rate as the venue wrote it (a fraction per settlement, "0.000099") in percent, exactly: the decimal point
 * moved, no float ("0.0099 %"). Anything else is shown as written.
 */
export function ratePercent(rate: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!m) return rate;
  const frac = (m[3] ?? '').padEnd(2, '0');
  const whole = `${m[2]}${frac.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = frac.slice(2).replace(/0+$/, '');
  return `${m[1]}${whole}${rest ? `.${rest}` : ''} %`;
}

function renderTicker(t: TickerReport): string[] {
  const ccy = quoteCurrency(t.stream.split('/').pop());
  const price = (p: string) => (/^-?\d+(\.\d+)?$/.test(p) ? groupThousands(p) : p);
  const shown = t.settlements.slice(0, 3).map((x) => `${utcText(x.atNs)} at ${ratePercent(x.rate)}`);
  if (t.settlements.length > 3) shown.push(`… ${t.settlements.length - 3} more`);
  const funding = t.settlements.length
    ? `${plural(t.settlements.length, 'settlement')} in the market data's span (${shown.join(', ')})`
    : "no settlement in the market data's span";
  return [
    `ticker ${t.stream}: ${plural(t.files, 'file')}, ${plural(t.rows, 'row')} over ${span(t.firstExchTs, t.lastExchTs)}`,
    `  funding        ${funding}${t.next ? `; next ${utcText(t.next.atNs)} at ${ratePercent(t.next.rate)}` : ''}`,
    `  mark price     ${t.mark ? `${price(t.mark.low)} – ${price(t.mark.high)} ${ccy}` : 'none published'}`,
  ];
}

/** The order log's events in words. */
const EVENT_WORDS: Record<string, string> = {
  place: 'places',
  ack: 'acks',
  reject: 'rejects',
  fill: 'fills',
  fillFee: 'fill fees',
  cancel: 'cancels',
  cancelAck: 'cancel acks',
  cancelReject: 'cancel rejects',
  cancelAll: 'cancel-alls',
  flatten: 'flattens',
  amend: 'amends',
  amendAck: 'amend acks',
  amendReject: 'amend rejects',
  stop: 'stops',
};

function renderOrders(o: OrdersReport): string[] {
  const events = Object.entries(o.byEvent)
    .map(([k, v]) => `${EVENT_WORDS[k] ?? k} ${count(v)}`)
    .join(', ');
  return [
    `own orders ${o.stream}: ${plural(o.files, 'file')}, ${plural(o.records, 'record')} over ${span(o.firstLocalTs, o.lastLocalTs)}`,
    `  by event       ${events || 'none'}`,
  ];
}

export function renderReport(
  rs: StreamReport[],
  damaged: DamagedEntry[] = [],
  ticker: TickerReport[] = [],
  orders: OrdersReport[] = [],
  raw: RawReport[] = [],
): string {
  const out: string[] = [];
  for (const r of rs) {
    out.push(`${r.stream}: ${plural(r.files, 'file')}, ${plural(r.rows, 'row')} over ${duration(r.spanSeconds * 1e9)}`);
    out.push(
      `  rows by kind   ${Object.entries(r.byKind)
        .map(([k, v]) => `${k} ${count(v)}`)
        .join(', ')}`,
    );
    out.push(
      `  book messages  ${count(r.bookMessages)}, snapshots ${count(r.snapshots)}, statuses ${
        Object.entries(r.statuses)
          .map(([k, v]) => `${k} ${count(v)}`)
          .join(', ') || 'none'
      }${r.droppedRecords ? `, DROPPED ${count(r.droppedRecords)}` : ''}`,
    );
    out.push(`  feed latency   raw        ${lat(r.feedLatencyMsRaw, 'no book messages with exchange timestamps')}`);
    out.push(
      `                 corrected  ${lat(r.feedLatencyMsCorrected, r.feedLatencyMsRaw ? 'no clock offset measured' : 'nothing to correct')}`,
    );
    out.push(
      `  clock          ${r.clock ? `θ ${(Number(BigInt(r.clock.offsetNs)) / 1e6).toFixed(3)} ms ± ${(Number(BigInt(r.clock.boundNs || '0')) / 1e6).toFixed(3)} ms, round trip ${(Number(BigInt(r.clock.rttNs || '0')) / 1e6).toFixed(3)} ms (${r.clock.method})` : 'not measured'}`,
    );
    out.push(`  why            ${r.explanation}`);
    for (const w of r.warnings) out.push(`  WARNING        ${w}`);
  }
  for (const t of ticker) out.push(...renderTicker(t));
  for (const o of orders) out.push(...renderOrders(o));
  for (const r of raw) out.push(rawSummary(r));
  if (raw.length && !rs.length && !ticker.length && !orders.length)
    out.push('no market data beside them: backtest, optimize and serve replay the market streams (venue=…/), not raw frames');
  if (damaged.length) {
    out.push(
      out.length
        ? `DAMAGED: ${plural(damaged.length, 'file')} could not be read and ${damaged.length === 1 ? 'is' : 'are'} left out of the figures above:`
        : `DAMAGED: ${plural(damaged.length, 'file')} could not be read, and no other file holds data to report:`,
    );
    for (const d of damaged) out.push(`  ${d.path}: ${d.reason}`);
  }
  return out.join('\n');
}

/**
 * Journals beside the finished files: rows the figures above do not count. Who writes them, when the directory's lock
 * says (a run still going: its next roll finishes them), else how to recover them.
 */
function journalLines(path: string, journals: readonly string[]): string[] {
  if (!journals.length) return [];
  const holder = liveHolder(path);
  const why = holder
    ? `pid ${holder.pid} (${holder.command}) is writing into this directory now: its files are finished at each roll and when it stops`
    : `left by a recorder that was stopped before it finished them (killed): ${selfCommand()} record --out ${dirText(path)} --duration 1s recovers them into Parquet files as it starts (docs/capture.md, Crash safety)`;
  return [
    `UNFINISHED: ${plural(journals.length, 'journal')} (.parquet.partial) not in the figures above; ${why}:`,
    ...journals.map((j) => `  ${j}`),
  ];
}

/** Field-name suffix → unit, as in backtest --json: what a number in --json counts. */
const UNITS = {
  Ts: 'nanoseconds since the Unix epoch (a string of digits: exact beyond 2^53)',
  Ns: 'nanoseconds (a string of digits)',
  ns: 'nanoseconds (warnings[].ns: the hole or the overlap; a string of digits)',
  Ms: 'milliseconds',
  Seconds: 'seconds',
};

export async function runInspect(argv: string[]): Promise<number> {
  const args = parseCommand(INSPECT, argv);
  if (!args) return 0;
  const path = args.positionals[0];
  const { streams, ticker, orders, damaged, raw, warnings, journals } = await inspectRecording(path);
  console.log(
    args.values.json
      ? JSON.stringify({ streams, ticker, orders, raw, damaged, warnings, journals, units: UNITS }, null, 2)
      : [renderReport(streams, damaged, ticker, orders, raw), ...journalLines(path, journals)].join('\n'),
  );
  // only a file that could not be used fails the run: warnings and a recording of raw frames alone are reports
  return damaged.length ? 1 : 0;
}
