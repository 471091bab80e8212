// Why a strategy took the entries it took, from what the runtime and obi-ofi count (risk.denied; gate.*, hurdle,
// entry.*) and what obi-ofi's signal did (SignalWatch), in words with the parameter to change; and why a session
// halted. Read by every report (backtest terminal/JSON/HTML, demo and live summaries and status line). Another
// strategy's counters are listed as they are (explainCounters), its halts in words as for obi-ofi.
import type { Finding } from '../format/findings';
import { durationText } from '../format/durations';
import { count, duration, fixed, moneyIn, plural } from '../format/numbers';
import type { Market } from './api';
import type { ObiOfiConfig } from './builtins/obi-ofi/params';
import { signalValue } from './builtins/obi-ofi/rules';
import type { RuntimeSettings } from './settings';
import { requestsSent, type RefusalLimit } from './risk';
import { Kind } from '../core/record';

/** obi-ofi's parameters with the runtime's settings, in sections (what a nested config file holds). */
export type StrategyConfig = ObiOfiConfig & RuntimeSettings;

/** What the traded value x did over a run: how often it existed, passed ±θ_in, and for how long in a row. */
export interface SignalStats {
  signals: number;
  /** Signals with a valid book. */
  valid: number;
  /** Signals with a value x (valid book, z warmed up). */
  valued: number;
  /** Signals with |x| ≥ θ_in. */
  beyond: number;
  /** Longest run of consecutive valued signals beyond θ_in on one side. */
  longestRun: number;
  /** Largest |x| seen; null when there was none. */
  maxAbs: number | null;
  /** The spread (ticks) while |x| ≥ θ_in, median and 90th percentile: what the spread gate met; null without such signals. */
  spreadBeyond: { p50: number; p90: number } | null;
}

// Spreads above this many ticks are counted together (the quantiles then read as at least this).
const SPREAD_BINS = 4096;

/** Watches the book messages obi-ofi is given (cheap: one comparison per message). */
export class SignalWatch {
  private readonly s: SignalStats = { signals: 0, valid: 0, valued: 0, beyond: 0, longestRun: 0, maxAbs: null, spreadBeyond: null };
  private readonly spreads = new Uint32Array(SPREAD_BINS);
  private run = 0;
  private side = 0;
  private readonly source: StrategyConfig['signal']['source'];
  private readonly theta: number;

  constructor(config: StrategyConfig) {
    this.source = config.signal.source;
    this.theta = config.entry.threshold;
  }

  observe(m: Market): void {
    const s = this.s;
    s.signals++;
    if (m.book.valid) s.valid++;
    const x = signalValue(m, this.source);
    if (x !== x) {
      this.run = 0;
      return;
    }
    s.valued++;
    const a = Math.abs(x);
    if (s.maxAbs === null || a > s.maxAbs) s.maxAbs = a;
    const side = x >= this.theta ? 1 : x <= -this.theta ? -1 : 0;
    if (side === 0) {
      this.run = 0;
    } else {
      s.beyond++;
      this.spreads[Math.max(0, Math.min(SPREAD_BINS - 1, m.book.bestAskTick - m.book.bestBidTick))]++;
      this.run = side === this.side ? this.run + 1 : 1;
      if (this.run > s.longestRun) s.longestRun = this.run;
    }
    this.side = side;
  }

  get stats(): SignalStats {
    const s = { ...this.s };
    if (s.beyond > 0) s.spreadBeyond = { p50: this.quantile(0.5), p90: this.quantile(0.9) };
    return s;
  }

  private quantile(q: number): number {
    const want = Math.ceil(q * this.s.beyond);
    let seen = 0;
    for (let i = 0; i < SPREAD_BINS; i++) {
      seen += this.spreads[i];
      if (seen >= want) return i;
    }
    return SPREAD_BINS - 1;
  }
}

/** Two significant digits, for a suggested threshold. */
function nice(x: number): string {
  if (!(x > 0)) return String(x);
  const p = Math.floor(Math.log10(x)) - 1;
  return String(Number((Math.round(x / 10 ** p) * 10 ** p).toPrecision(2)));
}

/**
 * An entry.threshold the signal did reach (about 80 % of the largest |x| seen, so below it), with what obi-ofi's rules
 * then ask of the others: exit.threshold inside ±entry.threshold (lowered in the same proportion as the entry's when
 * it is not), cooldown.resetThreshold ≤ entry.threshold. Null when no such value is below the threshold set now.
 */
export function thresholdBelow(c: StrategyConfig, maxAbs: number): (Finding['suggest'] & object) | null {
  const entry = Number(nice(maxAbs * 0.8));
  if (!(entry > 0 && entry < maxAbs && entry < c.entry.threshold)) return null;
  const also: Array<{ parameter: string; value: string }> = [];
  const exit = c.exit.threshold;
  if (!(exit < entry && exit > -entry)) {
    // keep θ_out where it sat between −θ_in and θ_in, else halfway to 0
    const share = c.entry.threshold > 0 && Math.abs(exit) < c.entry.threshold ? exit / c.entry.threshold : exit >= 0 ? 0.5 : -0.5;
    let v = Number(nice(Math.abs(entry * share)));
    if (!(v < entry)) v = Number(nice(entry * 0.5)); // rounding to two digits met the entry
    also.push({ parameter: 'exit.threshold', value: String(share < 0 ? -v : v) });
  }
  const reset = c.cooldown?.resetThreshold ?? null;
  if (reset !== null && !(reset <= entry)) also.push({ parameter: 'cooldown.resetThreshold', value: String(entry) });
  return { parameter: 'entry.threshold', value: String(entry), ...(also.length ? { also } : {}) };
}

interface Blocker {
  counter: string;
  parameter?: string;
  text(c: StrategyConfig, s: SignalStats | null, counters: Readonly<Record<string, number>>): string;
  /** What to try; its parameter names the finding when it differs from `parameter` (which bound blocked). */
  suggest?(c: StrategyConfig, s: SignalStats | null, counters: Readonly<Record<string, number>>): { parameter: string; value: string };
}

/** A duration as --set takes it (2s, 1m, 500ms, 250ns): the largest whole unit, as every other suggestion writes it. */
const nsText = (ns: number) => durationText(Math.round(ns));

// obi-ofi's entry counters (its tryEnter / entrySignal / deadlines) and the runtime's refusals, in the order checked.
const BLOCKERS: readonly Blocker[] = [
  { counter: 'gate.invalidBook', text: () => 'the book was not valid (an empty side or a crossed book)' },
  { counter: 'gate.unhealthy', text: () => 'market data was unhealthy (a gap or resync was under way)' },
  {
    counter: 'gate.stale',
    parameter: 'gates.maxDataAgeNs',
    text: (c) => `the signal was older than ${duration(c.gates.maxDataAgeNs)} when the strategy saw it`,
    suggest: (c) => ({ parameter: 'gates.maxDataAgeNs', value: nsText(Math.max(2 * c.gates.maxDataAgeNs, 1e9)) }),
  },
  {
    // gate.feedLatencyLow counts the blocks below the lower bound (a local clock behind the exchange's), within these
    counter: 'gate.feedLatency',
    parameter: 'gates.maxFeedLatencyNs',
    text: (c, _s, n) => {
      const low = n['gate.feedLatencyLow'] ?? 0;
      const all = n['gate.feedLatency'] ?? 0;
      const range = `${duration(c.gates.minFeedLatencyNs)} … ${duration(c.gates.maxFeedLatencyNs)} (gates.minFeedLatencyNs … gates.maxFeedLatencyNs)`;
      const what = 'the feed latency (local − exchange time, a clock offset included)';
      if (low === all)
        return `${what} was below ${duration(c.gates.minFeedLatencyNs)}, outside ${range}: the local clock is behind the exchange's (ringbook inspect measures the offset)`;
      if (low === 0) return `${what} was above ${duration(c.gates.maxFeedLatencyNs)}, outside ${range}`;
      return `${what} was outside ${range}: ${low} below, ${all - low} above`;
    },
    suggest: (c, _s, n) =>
      (n['gate.feedLatencyLow'] ?? 0) * 2 > (n['gate.feedLatency'] ?? 0)
        ? { parameter: 'gates.minFeedLatencyNs', value: nsText(Math.min(2 * c.gates.minFeedLatencyNs, -1e9)) }
        : { parameter: 'gates.maxFeedLatencyNs', value: nsText(Math.max(2 * c.gates.maxFeedLatencyNs, 1e9)) },
  },
  {
    counter: 'gate.spread',
    parameter: 'gates.maxSpreadTicks',
    text: (c, s) =>
      `the spread was wider than ${plural(c.gates.maxSpreadTicks, 'tick')}${
        s?.spreadBeyond
          ? ` (while x was beyond ±${c.entry.threshold} the spread was ${plural(s.spreadBeyond.p50, 'tick')} at the median, ${s.spreadBeyond.p90} at the 90th percentile${
              s.spreadBeyond.p90 <= c.gates.maxSpreadTicks
                ? ': within the limit most of the time, the blocked entries met its rare wide moments'
                : ''
            })`
          : ''
      }`,
    suggest: (c, s) => {
      // the median spread the gate met lets about half of those entries through; without it, double the limit
      const seen = s?.spreadBeyond?.p50 ?? 0;
      const v = seen > c.gates.maxSpreadTicks ? seen : Math.max(2 * c.gates.maxSpreadTicks, c.gates.maxSpreadTicks + 2);
      return { parameter: 'gates.maxSpreadTicks', value: String(v) };
    },
  },
  {
    counter: 'hurdle',
    parameter: 'hurdle.enabled',
    text: (c) =>
      `the expected move (hurdle.coef ${c.hurdle.coef} × ${c.hurdle.source}) did not beat the round-trip cost (fees in and out, ${c.hurdle.spreadMultiple}× the spread, slippage and buffer)`,
    suggest: () => ({ parameter: 'hurdle.enabled', value: 'false' }),
  },
];

/** What each `risk.denied.<which>` counter (src/strategy/risk.ts, refusalCounter) means, with its parameter. */
// 'other': a counter from before every refusal named its limit
const REFUSALS: Record<RefusalLimit | 'other', { parameter?: string; noun?: string; text: (r: RuntimeSettings['risk']) => string }> = {
  maxOrdersPerSecond: {
    parameter: 'risk.maxOrdersPerSecond',
    text: (r) => `${requestsSent(r.maxOrdersPerSecond)} in the last second`,
  },
  maxOrdersPerMinute: {
    parameter: 'risk.maxOrdersPerMinute',
    text: (r) => `${requestsSent(r.maxOrdersPerMinute)} in the last minute`,
  },
  maxPositionLot: {
    parameter: 'risk.maxPositionLot',
    text: (r) => `the position would have passed ${plural(r.maxPositionLot, 'lot')} (every live order on its side filled)`,
  },
  maxNotionalTickLot: {
    parameter: 'risk.maxNotionalTickLot',
    text: (r) => `the position's value would have passed ${r.maxNotionalTickLot} ticks·lots (every live order on its side filled)`,
  },
  reduceOnlySize: {
    noun: 'reduce-only orders',
    text: () => 'with the reduce-only orders already working on their side they would have passed the position they reduce',
  },
  halted: { text: () => 'the session was halted' },
  reconciling: { text: () => 'the runtime was reconciling its orders with the venue' },
  orderBusy: { noun: 'amends', text: () => 'the order had a request in flight, or was no longer working' },
  other: { text: () => 'the runtime said no (the log says why)' },
};

/**
 * The runtime's refusals, one finding per limit (or state) that said no and how often, most first. Counters from
 * before the split (only `risk.denied`) get the one line that lists the limits.
 */
export function riskRefusals(risk: RuntimeSettings['risk'], counters: Readonly<Record<string, number>>): Finding[] {
  const out: Finding[] = [];
  let split = 0;
  for (const [k, v] of Object.entries(counters)) {
    if (!(v > 0) || !k.startsWith('risk.denied.')) continue;
    const r = REFUSALS[k.slice('risk.denied.'.length) as RefusalLimit] ?? REFUSALS.other;
    split += v;
    out.push({
      count: v,
      noun: r.noun ?? 'orders',
      verb: 'refused',
      ...(r.parameter ? { parameter: r.parameter } : {}),
      text: r.text(risk),
    });
  }
  const denied = counters['risk.denied'] ?? 0;
  if (split === 0 && denied > 0)
    out.push({
      count: denied,
      noun: 'orders',
      verb: 'refused',
      parameter: 'risk.*',
      text: `a pre-trade limit said no: at most ${count(risk.maxOrdersPerSecond)} orders a second (risk.maxOrdersPerSecond), ${count(risk.maxOrdersPerMinute)} a minute (risk.maxOrdersPerMinute), ${plural(risk.maxPositionLot, 'lot')} of position (risk.maxPositionLot); the log says which`,
    });
  return out.sort((a, b) => b.count! - a.count! || ((a.parameter ?? '') < (b.parameter ?? '') ? -1 : 1));
}

const ABANDONED: readonly Blocker[] = [
  {
    counter: 'entry.decayed',
    parameter: 'exit.threshold',
    text: (c) => `x fell back to exit.threshold ${c.exit.threshold} before they filled`,
  },
  {
    counter: 'entry.workTimeout',
    parameter: 'entry.workTimeoutNs',
    text: (c) => `they did not fill within ${duration(c.entry.workTimeoutNs)}`,
    suggest: (c) => ({ parameter: 'entry.workTimeoutNs', value: nsText(2 * c.entry.workTimeoutNs) }),
  },
];

export interface EntryInput {
  config: StrategyConfig;
  /** The run's counters (the runtime's and the strategy's). */
  counters: Readonly<Record<string, number>>;
  /** Round trips closed, and fills. */
  trades: number;
  fills: number;
  /** What the signal did, when watched. */
  signals?: SignalStats | null;
  /** What the files held of each instrument whose book was never valid in a replay, where counted. */
  bookless?: readonly BooklessMarket[];
}

/**
 * What a replay's files held of an instrument whose book was never valid (src/cli/replay-contents.ts): its public
 * trades and its book records in the replayed window, and its book records in the whole files.
 */
export interface BooklessMarket {
  /** Named only in a run of several instruments. */
  symbol?: string;
  trades: number;
  bookInWindow: number;
  bookInFiles: number;
}

/**
 * One market record of such an instrument counted into `c` by its kind (`inWindow`: replayed to the strategy): a
 * status record is neither, a public trade a trade, any other kind the book's. The CLI counts the files' rows, the
 * page the recording's, by this one rule.
 */
export function countBookless(c: Omit<BooklessMarket, 'symbol'>, kind: number, inWindow: boolean): void {
  if (kind === Kind.status) return;
  if (kind === Kind.trade) {
    if (inWindow) c.trades++;
    return;
  }
  c.bookInFiles++;
  if (inWindow) c.bookInWindow++;
}

/**
 * The instruments whose records are counted so: every one of `symbols` when the strategy saw no book message, else
 * those the run's settings name in booksNeverValid (a list joined by ", ").
 */
export function booklessSymbols(symbols: readonly string[], signalsSeen: number | undefined, neverValid: unknown): Set<string> {
  return new Set(signalsSeen === 0 ? symbols : typeof neverValid === 'string' ? neverValid.split(', ') : []);
}

/**
 * Each instrument replayed with public trades and no book message: what it lacked was the book, not market data, and
 * the words say where the book is to come from (as `ringbook inspect` says of a trades-only stream).
 */
export function explainBookless(seen: readonly BooklessMarket[] = []): Finding[] {
  return seen
    .filter((x) => x.trades > 0 && x.bookInWindow === 0)
    .map((x) => ({
      text:
        `${x.symbol ? `${x.symbol}: ` : ''}` +
        (x.bookInFiles === 0
          ? `trades only: the replay held ${plural(x.trades, 'public trade')} and no book message, so no book to trade on (import the incremental_book_L2 file beside the trades, or record the book)`
          : `only ${plural(x.trades, 'public trade')} and no book message in the replayed window, so no book message reached the strategy: the recording's are all outside it (--from, --to)`),
    }));
}

/**
 * Why an instrument's book was never valid, where its files show it: public trades and no book message at all (trades
 * only), or none in the replayed window. Null when they do not (no trades either, or book messages that reached it).
 * The Settings section's warning says it (src/backtest/report-text.ts); the findings say it as explainBookless does.
 */
export function booklessCause(x: BooklessMarket): string | null {
  if (x.trades === 0 || x.bookInWindow > 0) return null;
  return x.bookInFiles === 0
    ? `trades only: ${plural(x.trades, 'public trade')} and no book message in the replayed data (import the incremental_book_L2 file beside the trades, or record the book)`
    : `${plural(x.trades, 'public trade')} and no book message in the replayed window: the recording's are all outside it (--from, --to)`;
}

/**
 * What stopped entries, most frequent first; when nothing was blocked and nothing traded, why the signal never
 * asked for an entry. Empty when entries went through unhindered.
 */
export function explainEntries(o: EntryInput): Finding[] {
  const c = o.config;
  const out: Finding[] = [];
  const blocked = (list: readonly Blocker[], noun?: string, verb?: string) =>
    list
      .filter((b) => (o.counters[b.counter] ?? 0) > 0)
      .map((b) => {
        const suggest = b.suggest?.(c, o.signals ?? null, o.counters);
        const parameter = suggest?.parameter ?? b.parameter;
        return {
          count: o.counters[b.counter],
          ...(noun ? { noun } : {}),
          ...(verb ? { verb } : {}),
          ...(parameter ? { parameter } : {}),
          text: b.text(c, o.signals ?? null, o.counters),
          ...(suggest ? { suggest } : {}),
        };
      })
      .sort((a, b) => b.count - a.count);
  out.push(...[...blocked(BLOCKERS), ...riskRefusals(c.risk, o.counters)].sort((a, b) => b.count! - a.count!));
  if (o.fills === 0) out.push(...blocked(ABANDONED, 'entry orders', 'cancelled'));
  if (out.length || o.trades > 0 || o.fills > 0) return out;
  const s = o.signals;
  const x = `x (signal.source ${c.signal.source})`;
  const theta = c.entry.threshold;
  if (!s) return [{ text: 'no entry signal was confirmed (the signal never stayed beyond entry.threshold long enough)' }];
  if (s.signals === 0) {
    const bookless = explainBookless(o.bookless);
    return bookless.length ? bookless : [{ text: 'no market data reached the strategy' }];
  }
  if (s.valid === 0) return [{ text: `the book was never valid in ${plural(s.signals, 'signal')}` }];
  if (s.valued === 0)
    return [
      {
        parameter: 'signal.source',
        text: `${x} never had a value${c.signal.source === 'z' ? ': the z-score did not warm up in this much data' : ''}`,
        suggest: { parameter: 'signal.source', value: 'obiN' },
      },
    ];
  if (s.beyond === 0) {
    const suggest = s.maxAbs !== null && s.maxAbs > 0 ? thresholdBelow(c, s.maxAbs) : null;
    return [
      {
        parameter: 'entry.threshold',
        text: `${x} never reached ±${theta}: the largest |x| was ${fixed(s.maxAbs, 3)}`,
        ...(suggest ? { suggest } : {}),
      },
    ];
  }
  return [
    {
      parameter: 'entry.confirmCount',
      text: `${x} passed ±${theta} ${plural(s.beyond, 'time')} but never for ${c.entry.confirmCount} signals in a row (longest ${s.longestRun})${c.entry.confirmDwellNs > 0 ? ` and ${duration(c.entry.confirmDwellNs)} (entry.confirmDwellNs)` : ''}`,
      suggest: { parameter: 'entry.confirmCount', value: String(Math.max(1, s.longestRun)) },
    },
  ];
}

const BREACH_PARAMETER: Record<string, string> = {
  dailyLoss: 'risk.maxDailyLossQuote',
  position: 'risk.maxPositionLot',
  notional: 'risk.maxNotionalTickLot',
  staleData: 'risk.maxDataAgeNs',
  feedLatency: 'risk.maxFeedLatencyNs',
  clockOffset: 'risk.maxClockOffsetNs',
};

/**
 * What the runtime's own bookkeeping counters mean, in words a report can print beside them (by name, or by the
 * prefix before a dot: breach.dailyLoss). An answer from the venue for an order that had already ended (filled,
 * cancelled, rejected, or dropped at a reconcile) is counted as <answer>.unknown and not passed to the strategy: the
 * order's end was, and a fill of such an order still moves the position (fill.unknownOrder). A ctx.cancel or ctx.amend
 * that sent nothing (cancel.*, amend.*) is counted too: the call returned false.
 */
const COUNTER_NOTES: Readonly<Record<string, string>> = {
  'ack.unknown': 'acks for orders already finished (not passed on)',
  'reject.unknown': 'rejects for orders already finished, or of the flatten (not passed on)',
  'cancelAck.unknown': 'cancel answers for orders already finished (not passed on)',
  'cancelReject.unknown': 'cancel refusals for orders already finished (not passed on)',
  'amendAck.unknown': 'amend answers for orders already finished (not passed on)',
  'amendReject.unknown': 'amend refusals for orders already finished (not passed on)',
  'fill.unknownOrder': "fills of orders not live: the runtime's flatten, or late (the position moved)",
  'fill.duplicate': 'fill reports seen twice (ignored)',
  'cancel.notLive': 'ctx.cancel of an order not live (finished, or not ours): nothing sent',
  'cancel.repeated': 'ctx.cancel of an order whose cancel was already asked: nothing sent',
  'amend.notLive': 'ctx.amend of an order not live (finished, or not ours): nothing sent',
  'amend.noChange': 'ctx.amend to the price and size the order already has: nothing sent',
  'resync.ok': 'venue checks that agreed',
  'resync.ignored': 'venue checks not compared (orders were working)',
  'resync.recheck': 'venue positions that differed, asked again',
  'strategy.error': 'handler errors (the first halts)',
  'risk.denied': 'requests refused by the risk checks, all limits',
  breach: 'risk breaches (each halts)',
  'risk.denied.': 'requests refused by this limit',
};

/** The words for a runtime counter (COUNTER_NOTES), or 'counter' for one the strategy keeps (ctx.count). */
export function counterNote(name: string): string {
  const exact = COUNTER_NOTES[name];
  if (exact !== undefined) return exact;
  if (name.startsWith('risk.denied.')) return COUNTER_NOTES['risk.denied.'];
  if (name.startsWith('breach.')) return COUNTER_NOTES.breach;
  if (PACE_BY_LIMIT.test(name)) return "book messages on which this limit held the strategy's quotes back";
  if (/^pace\.held \S+$/.test(name)) return "book messages on which the pacing held the strategy's quotes back";
  return 'counter';
}

// Counters the runtime keeps for itself (bookkeeping, not reasons an entry did not happen).
const RUNTIME_COUNTERS =
  /^(breach\.|fill\.|ack\.|reject\.|cancelAck\.|cancelReject\.|amendAck\.|amendReject\.|cancel\.(notLive|repeated)$|amend\.(notLive|noChange)$|resync\.|strategy\.error$|risk\.denied($|\.))/;

/**
 * Why a strategy other than obi-ofi did what it did: the runtime's refusals in words, then every counter the strategy
 * kept with ctx.count, most frequent first.
 */
export function explainCounters(o: { risk: RuntimeSettings['risk']; counters: Readonly<Record<string, number>> }): Finding[] {
  const out: Finding[] = [];
  out.push(...riskRefusals(o.risk, o.counters));
  const own = Object.entries(o.counters)
    .filter(([k, v]) => v > 0 && !RUNTIME_COUNTERS.test(k) && !PACE_BY_LIMIT.test(k))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [k, v] of own) {
    const pace = /^pace\.held (\S+)$/.exec(k);
    out.push(
      pace
        ? {
            count: v,
            noun: 'book messages',
            verb: 'held back on',
            parameter: `${pace[1]} quotes`,
            text: `the strategy's pacing keeps its new quotes and price changes within ${count(o.risk.maxOrdersPerSecond)} a second (risk.maxOrdersPerSecond) and ${count(o.risk.maxOrdersPerMinute)} a minute (risk.maxOrdersPerMinute), a fair share each instrument${pacingHolds(o.counters, k)}`,
            suggest: pacingAdvice(
              o.risk,
              v,
              o.counters[`${k} risk.maxOrdersPerSecond`] ?? 0,
              o.counters[`${k} risk.maxOrdersPerMinute`] ?? 0,
            ),
          }
        : { count: v, noun: 'times', verb: 'counted', parameter: k, text: 'the strategy counted it (ctx.count)' },
    );
  }
  return out;
}

/** mm-glft's count of the book messages on which one limit held its quotes back (`pace.held SYMBOL risk.LIMIT`). */
const PACE_BY_LIMIT = /^pace\.held \S+ risk\./;

/** Which limit held the quotes back how often, as mm-glft counted it (nothing for a bundle from before it did). */
function pacingHolds(counters: Readonly<Record<string, number>>, held: string): string {
  const second = counters[`${held} risk.maxOrdersPerSecond`] ?? 0;
  const minute = counters[`${held} risk.maxOrdersPerMinute`] ?? 0;
  if (second === 0 && minute === 0) return '';
  const on = (n: number) => (n === 0 ? 'none' : count(n));
  return `; the second limit ran out on ${on(second)} of them, the minute limit on ${on(minute)}`;
}

/**
 * The limit to raise, from how often each held the quotes back (`held` book messages, `second` of them by the second
 * limit, `minute` by the minute limit, both on some): one that held none back alone (every one of its holds the other
 * limit's too) would change nothing raised; of two that each did, the one that held more back; both when neither
 * alone would do. A bundle from before the strategy counted them: the limit that runs out first quoting all the time.
 */
function pacingAdvice(
  risk: RuntimeSettings['risk'],
  held: number,
  second: number,
  minute: number,
): { parameter: string; value: string; also?: Array<{ parameter: string; value: string }> } {
  if (second === 0 && minute === 0) return pacingLimit(risk);
  const secondAlone = held - minute;
  const minuteAlone = held - second;
  const raiseSecond = { parameter: 'risk.maxOrdersPerSecond', value: String(risk.maxOrdersPerSecond * 2) };
  // the minute limit no further than 60 × the second limit, past which the second limit holds back the same orders
  const minuteTo = (perSecond: number) => {
    const capped = Math.min(risk.maxOrdersPerMinute * 2, 60 * perSecond);
    return { parameter: 'risk.maxOrdersPerMinute', value: String(capped > risk.maxOrdersPerMinute ? capped : risk.maxOrdersPerMinute * 2) };
  };
  if (secondAlone > 0 && (minuteAlone <= 0 || second > minute)) return raiseSecond;
  if (minuteAlone > 0 && (secondAlone <= 0 || minute > second)) return minuteTo(risk.maxOrdersPerSecond);
  return { ...raiseSecond, also: [minuteTo(risk.maxOrdersPerSecond * 2)] };
}

/**
 * The order-rate limit that holds back a strategy quoting all the time: the one with the lower rate on average (a minute
 * limit below 60 × the second limit runs out first over any stretch longer than a few seconds), doubled — a minute
 * limit no further than 60 × the second limit, past which the second limit holds back the same orders.
 */
function pacingLimit(risk: RuntimeSettings['risk']): { parameter: string; value: string } {
  const ceiling = 60 * risk.maxOrdersPerSecond;
  return risk.maxOrdersPerMinute < ceiling
    ? { parameter: 'risk.maxOrdersPerMinute', value: String(Math.min(risk.maxOrdersPerMinute * 2, ceiling)) }
    : { parameter: 'risk.maxOrdersPerSecond', value: String(risk.maxOrdersPerSecond * 2) };
}

/** The limits and retries a halt's words need: the runtime's settings, and obi-ofi's exit retries when known. */
export interface HaltContext {
  risk: RuntimeSettings['risk'];
  exit?: { maxRetries: number };
}

/** Why the session halted, in words, with the parameter behind it; null for a kill switch (an ordinary stop). */
export function explainHalt(reason: string | null, c: HaltContext, currency = 'quote', symbol: string | null = null): Finding | null {
  if (reason === null || reason === 'kill switch') return null;
  const breach = /^risk breach \((\w+)\)/.exec(reason);
  if (breach) {
    const kind = breach[1];
    const r = c.risk;
    // The runtime says which bound a feed latency crossed and the value it saw: "feed latency -6 h 43 min below …".
    const low = kind === 'feedLatency' && / below risk\.minFeedLatencyNs/.test(reason);
    const seen = kind === 'feedLatency' ? (/feed latency (.+?) (?:below|above) risk\./.exec(reason)?.[1] ?? null) : null;
    const parameter = kind === 'feedLatency' && low ? 'risk.minFeedLatencyNs' : BREACH_PARAMETER[kind];
    // and the offset or the data's age it measured: the log's line and the summary's give the same figure
    const offset = kind === 'clockOffset' ? (/clock offset (.+?) beyond risk\./.exec(reason)?.[1] ?? null) : null;
    const age = kind === 'staleData' ? (/last valid signal (.+?) old > risk\./.exec(reason)?.[1] ?? null) : null;
    const text: Record<string, string> = {
      dailyLoss: `the loss since the UTC day began passed ${moneyIn(r.maxDailyLossQuote, currency)}`,
      position: `the position passed ${plural(r.maxPositionLot, 'lot')}`,
      notional: `the position's value passed ${r.maxNotionalTickLot} ticks·lots`,
      staleData: `no valid market data for ${duration(r.maxDataAgeNs)} while exposed${age ? ` (the last valid signal ${age} old)` : ''}`,
      feedLatency: `a signal's feed latency${seen ? ` (${seen})` : ''} was ${low ? `below ${duration(r.minFeedLatencyNs)}` : `above ${duration(r.maxFeedLatencyNs)}`}`,
      clockOffset: `the clock offset to the exchange${offset ? ` (${offset})` : ''} passed ±${duration(r.maxClockOffsetNs)}`,
    };
    return { parameter, text: `risk limit: ${text[kind] ?? reason}` };
  }
  if (reason.startsWith('exit failed'))
    return c.exit ? { parameter: 'exit.maxRetries', text: `an exit did not fill after ${c.exit.maxRetries} retries` } : { text: reason };
  if (reason.startsWith('strategy error in '))
    return {
      text: `the strategy threw: ${reason.slice('strategy error in '.length)} (its orders were cancelled${c.risk.flattenOnBreach ? ' and its position flattened' : ''})`,
    };
  // a mismatch was answered: the venue holds other than our fills and orders say
  if (/^(reconcile|resync) mismatch: /.test(reason))
    return {
      text: `${symbol ? `${symbol}: ` : ''}the venue does not hold what our fills and orders say (${reason}): a position or orders left by an earlier session or another client, or a fill we missed`,
    };
  if (reason.startsWith('reconcile'))
    return { parameter: 'orders.maxReconcileAttempts', text: `the venue did not answer a reconcile (${reason})` };
  return { text: reason };
}
