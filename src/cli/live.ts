// `ringbook live` and `ringbook demo`: the strategy trading the local exchange (default) or Bitget's demo
// environment (--demo, with keys), with a live status line, a word on why it is not entering while it waits, and a
// summary at the end: what it did, what stopped entries, why it halted, and the parameters it traded with.
import { resolve } from 'node:path';
import { SignalWatch, explainHalt, type HaltContext, type StrategyConfig } from '../strategy/explain';
import { coreHash } from '../strategy/loader';
import { checkInstrumentCount } from './instrument-count';
import { LOCAL_DEMO_CREDENTIALS, credentialsFromEnv, credentialsFromJson, describeCredentials, type Credentials } from '../gateway/index';
import { readFileSync } from 'node:fs';
import { checkCreatableDir, checkWritableDir } from '../capture/files';
import { warnExisting } from './existing-recording';
import { lockDir } from './dir-lock';
import { formatPlain } from '../core/format';
import { startExchange } from '../exchange/index';
import { nextFundingMs, settlementsBetween } from '../exchange/funding';
import { FUNDING_EVERY, INFORMED_SHARE, fundingEveryMs } from './exchange';
import { fetchGrids, UnlistedSymbolError, type InstType } from '../feed/instruments';
import { TradingSession, type LeftAtVenue, type SessionSummary, type SymbolSummary } from '../live/trading-session';
import { findingLine } from '../format/findings';
import { count, duration, moneyIn, plural, quoteCurrency } from '../format/numbers';
import { compactParams, paramRows, paramsOrigin } from '../format/params';
import { resolveEndpoints } from './endpoints';
import { dirText, parseCommand, UsageError, type CommandSpec } from './args';
import { loadParams, presetHelp, strategyFlags, type ResolvedParams } from './params';
import { findingsOf } from './run-report';
import { ENDPOINT_FLAGS } from './watch';
import { selfCommand } from './self';
import { latencyLines, latencyStatus } from '../latency/format';
import { jsonLogs, logger, registerSecret, type Logger } from '../log/logger';
import { withOutputHeld } from '../log/output';
import { MONITOR_FLAGS, startMonitoring, type Monitoring } from './monitoring';
import { pipelineMetrics, RecordingWatch } from '../monitor/pipeline-metrics';
import { tradingMetrics, type TradingSnapshot } from '../monitor/trading-metrics';
import { tradingHealth } from '../monitor/health';
import { STATUS_EVERY, statusEveryMs } from './status-every';
import { onStopSignals, signalExit, signalText, type StopSignal } from './stop-signals';
import { THREADS_CHOICES, choosePlacement, threadsRefusal, usableCores, type ThreadsOption } from '../feed/placement';
import { hungAfterFlag } from './hung-after';

const SYMBOL = {
  type: 'list',
  arg: 'S[,S]',
  aliases: ['symbols'],
  noun: 'symbol',
  defaultText: "the strategy's declared instruments, else BTCUSDT",
  description: 'the symbols of the session (USDT-FUTURES): one pipeline with all of them, a gateway each',
} as const;

const NO_KEEP_WARM = {
  type: 'boolean',
  description:
    'do not keep our feed and order code (and, in the single-thread layout, the book), nor the strategy on a scratch copy, warm while idle (saves ~3 % of a core between messages; tick→decision after a pause then takes ~1.7× as long: docs/tuning.md)',
} as const;

const THREADS = {
  type: 'string',
  arg: 'MODE',
  choices: THREADS_CHOICES,
  default: 'auto',
  description:
    'where feed, engine and strategy run: single (one thread, no hand-offs), multi (a thread each), auto (multi only with a core per busy thread; `doctor` says which)',
} as const;

const HUNG_AFTER = hungAfterFlag('a watchdog thread cancels all (and flattens, as on exit) and ends the process (exit 137)');

export const LIVE = {
  name: 'live',
  usage: '[--symbols BTCUSDT[,ETHUSDT]] [options]',
  summary:
    "The strategy trading the local exchange (demo credentials built in) or, with --demo and BITGET_API_KEY/SECRET/PASSPHRASE, Bitget's demo environment. Ctrl-C cancels all and flattens, then prints a summary.",
  flags: {
    symbol: SYMBOL,
    ...strategyFlags('default'),
    demo: { type: 'boolean', description: "trade Bitget's demo environment (keys from BITGET_API_KEY/SECRET/PASSPHRASE or --keys FILE)" },
    keys: { type: 'string', arg: 'FILE', description: 'JSON {"apiKey", "secret", "passphrase"}; never printed' },
    record: { type: 'string', arg: 'DIR', description: 'also record market data, own orders and fills to Parquet under DIR' },
    duration: { type: 'duration', arg: 'D', defaultText: 'until Ctrl-C', description: 'stop after D' },
    'no-flatten': { type: 'boolean', description: 'on exit cancel all but keep any position (default: flatten)' },
    'hung-after': HUNG_AFTER,
    'no-keep-warm': NO_KEEP_WARM,
    threads: THREADS,
    'status-every': STATUS_EVERY,
    ...ENDPOINT_FLAGS,
    ...MONITOR_FLAGS,
  },
  examples: [
    ['live --preset demo --duration 5m', 'the demo preset against the local exchange for five minutes'],
    ['live --demo --config strategy.json --record data/', "your parameters on Bitget's demo environment, recorded for backtest --parity"],
    ['live --symbols BTCUSDT,ETHUSDT --strategy lead-lag', 'ETHUSDT traded on the order flow of BTCUSDT, against the local exchange'],
  ],
  notes: `${presetHelp()}\n\nExit codes: 0 ended by its --duration, or by Ctrl-C/SIGTERM/SIGHUP when there is none; 3 the session ended HALTED (a risk limit, the strategy threw, the venue refused the keys, an exit or reconcile that failed: the summary says which), or its stop could not close everything on the venue (an error line names it); 1 also when the venue refuses the keys at the start; 130 (143 for SIGTERM, 129 for SIGHUP) stopped before its --duration ran out, after cancelling, flattening and the summary; a closed output (| head) does not stop it; 1 failed; 2 bad command line; 137 a hung strategy handler.`,
} as const satisfies CommandSpec;

export const DEMO = {
  name: 'demo',
  usage: '[--duration 60s] [--out data/] [--symbols BTCUSDT[,ETHUSDT]] [options]',
  summary:
    'The main job: starts the local exchange, the live pipeline, the recorder and the strategy; shows a status line; ends with a summary (messages, orders, fills, PnL, what stopped entries, files).',
  flags: {
    duration: { type: 'duration', arg: 'D', default: '60s', description: 'how long to trade' },
    symbol: SYMBOL,
    out: { type: 'string', arg: 'DIR', default: 'data', description: 'where the recording goes' },
    ...strategyFlags('demo, or none with --config'),
    seed: { type: 'int', arg: 'N', default: 1, min: 0, description: "the local exchange's seed" },
    'informed-share': INFORMED_SHARE,
    'funding-every': FUNDING_EVERY,
    ...MONITOR_FLAGS,
    'hung-after': HUNG_AFTER,
    'no-keep-warm': NO_KEEP_WARM,
    threads: THREADS,
    'status-every': STATUS_EVERY,
  },
  examples: [
    ['demo', 'a minute of the demo preset, recorded to data/'],
    ['demo --duration 5m --set entry.threshold=0.6', 'five minutes with a stricter entry threshold'],
    ['demo --symbols BTCUSDT,ETHUSDT --strategy lead-lag', 'two symbols: ETHUSDT traded on the order flow of BTCUSDT'],
  ],
  notes: `${presetHelp()}\n\nExit codes: 0 ran its --duration; 3 the session ended HALTED (a risk limit, the strategy threw, an exit or reconcile that failed: the summary says which), or its stop could not close everything on the venue (an error line names it); 130 stopped by Ctrl-C before (143 for SIGTERM, 129 for SIGHUP), after cancelling, flattening and the summary; a closed output (| head) does not stop it; 1 failed; 2 bad command line; 137 a hung strategy handler.`,
} as const satisfies CommandSpec;

/** Not through readJsonFile: V8's parse errors quote the text around the mistake, which here is the secret. */
function readKeys(path: string): Credentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`--keys ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`}`);
  }
  return guarded(credentialsFromJson(text, `--keys ${path}`));
}

/** Credentials whose values the logs will never show, in either format. */
function guarded(c: Credentials): Credentials {
  registerSecret(c.apiKey);
  registerSecret(c.secret);
  registerSecret(c.passphrase);
  return c;
}

/** The session's figures as the metrics read them. */
function tradingSnapshot(s: SessionSummary): TradingSnapshot {
  return {
    phase: s.phase,
    positionLot: s.positionLot,
    equityQuote: s.equityQuote,
    realisedQuote: s.realisedQuote,
    feesQuote: s.feesQuote,
    haltReason: s.haltReason,
    signals: s.signals,
    orders: s.orders,
    cancels: s.cancels,
    cancelAlls: s.cancelAlls,
    fills: s.fills,
    rejects: s.rejects,
    trades: s.trades,
    // per symbol: a sum of BTC and ETH lots says nothing on its own
    symbols: s.symbols.map((y) => ({ symbol: y.symbol, positionLot: y.positionLot, equityQuote: y.equityQuote })),
  };
}

/**
 * The exit code of a session that ended HALTED (a risk limit, the strategy threw, a failed exit or reconcile): it ran,
 * but trading stopped on its own before the end, which a script running it must not read as success (0), an error
 * (1), a bad command line (2) or an interruption (130/143/129).
 */
export const EXIT_HALTED = 3;

/** Once halted, nothing changes but the clock: a line logged each status interval is noise; say it once, then each minute. */
export const HALTED_STATUS_EVERY_MS = 60_000;

/**
 * Whether a status line is due: at the status interval (--status-every), at once on a new phase, and when logged (not
 * redrawn in place on a terminal) at most each minute while halted. The line is looked at once a second: 50 ms of
 * slack keep a 1 s interval from skipping a beat.
 */
export function statusDue(nowMs: number, last: { at: number; phase: string }, phase: string, everyMs: number, redrawn = false): boolean {
  if (phase !== last.phase) return true;
  return nowMs - last.at >= (phase === 'HALTED' && !redrawn ? Math.max(everyMs, HALTED_STATUS_EVERY_MS) : everyMs) - 50;
}

function statusLine(s: SessionSummary, lotText: (inst: number) => string, ccy: string): string {
  if (s.symbols.length > 1) {
    // several symbols: each one's position, orders, fills and PnL, then the totals
    const each = s.symbols.map(
      (y, i) => `${y.symbol} pos ${y.positionLot} (${lotText(i)}) orders ${y.orders} fills ${y.fills} PnL ${moneyIn(y.equityQuote, ccy)}`,
    );
    return (
      `${s.phase.padEnd(13)} ${each.join(' | ')} | total orders ${s.orders} fills ${s.fills} rejects ${s.rejects} ` +
      `PnL ${moneyIn(s.equityQuote, ccy)} (fees ${moneyIn(s.feesQuote, ccy)}) | signals ${count(s.signals)} resyncs ${s.resyncs} | ` +
      latencyStatus(s.latency)
    );
  }
  return (
    `${s.phase.padEnd(13)} pos ${String(s.positionLot).padStart(5)} lots (${lotText(0)}) | orders ${s.orders} fills ${s.fills} rejects ${s.rejects} | ` +
    `PnL ${moneyIn(s.equityQuote, ccy)} (fees ${moneyIn(s.feesQuote, ccy)}) | signals ${count(s.signals)} resyncs ${s.resyncs} | ` +
    latencyStatus(s.latency)
  );
}

/**
 * Fills, rejects and round trips, so they add up: a position the flatten at the stop (or at a halt) closed took a fill
 * of its own and closed no round trip of the strategy's: "2 fills (1 by the flatten), 1 reject, 0 round trips closed
 * by the strategy".
 */
function fillsAndTrips(s: SessionSummary): string {
  const flat = s.flattenFills ? ` (${s.flattenFills} by the flatten)` : '';
  return `${plural(s.fills, 'fill')}${flat}, ${rejectsText(s)}, ${plural(s.trades, 'round trip')}${s.flattenFills ? ' closed by the strategy' : ''}`;
}

/**
 * The venue's rejects, which count every reject answer: the orders line's "rejected" counts the orders a reject
 * ended, so a reject for an order already over (dropped at a reconcile before its answer came) is said apart.
 */
export function rejectsText(s: Pick<SessionSummary, 'rejects' | 'ended'> & Partial<Pick<SessionSummary, 'flattenRejects'>>): string {
  const late = s.ended ? s.rejects - s.ended.rejected : 0;
  const parts = [
    s.flattenRejects ? `${s.flattenRejects} of the flatten` : '',
    late > 0 ? `${late} for orders already ended, not counted as rejected above` : '',
  ].filter(Boolean);
  return `${plural(s.rejects, 'reject')}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

/**
 * The orders, the flatten's among them, and how every one ended, so the count adds up with the fills and rejects:
 * "2 orders (1 by the flatten; 2 filled)", "3 orders (1 filled, 1 expired unfilled at the venue (IOC/FOK), 1
 * open at the end)".
 */
export function ordersText(
  s: Pick<SessionSummary, 'orders' | 'ended' | 'openOrders'> & Partial<Pick<SessionSummary, 'flattenOrders'>>,
): string {
  const parts = [s.flattenOrders ? `${s.flattenOrders} by the flatten` : '', orderEnds(s)].filter(Boolean);
  return `${plural(s.orders, 'order')}${parts.length ? ` (${parts.join('; ')})` : ''}`;
}

/**
 * How every order ended: "1 filled, 1 expired unfilled at the venue (IOC/FOK), 1 open at the end". Empty when the
 * summary does not know. An order none of these is a flatten the venue never answered (the stop's wait ran out).
 */
export function orderEnds(s: Pick<SessionSummary, 'orders' | 'ended' | 'openOrders'>): string {
  const e = s.ended;
  if (!e) return '';
  const unanswered = s.orders - e.filled - e.cancelled - e.runtimeCancelled - e.expired - e.venueCancelled - e.rejected - s.openOrders;
  const parts = [
    e.filled ? `${e.filled} filled` : '',
    e.cancelled ? `${e.cancelled} cancelled by the strategy` : '',
    e.runtimeCancelled ? `${e.runtimeCancelled} cancelled by the runtime (halt, reconcile, stop)` : '',
    e.expired ? `${e.expired} expired unfilled at the venue (IOC/FOK)` : '',
    e.venueCancelled ? `${e.venueCancelled} cancelled by the venue unasked (post-only, reduce-only beyond the position)` : '',
    e.rejected ? `${e.rejected} rejected` : '',
    s.openOrders ? `${s.openOrders} open at the end` : '',
    unanswered > 0 ? `${unanswered} unanswered at the end` : '',
  ].filter(Boolean);
  return parts.join(', ');
}

/**
 * The funding the venue booked to the session (its account bills, src/live/trading-session.ts), with the settlement
 * grid where the session knows it (demo: its own exchange's). `error`: the bills could not be read.
 */
export type SessionFunding =
  | {
      receivedQuote: number;
      /** Settlements that charged the session's positions (bills booked). */
      settlements: number;
      /** The next settlement, where known. */
      nextMs?: number;
      /** Settlement times the session's clock passed, a position held or not (absent: not known). */
      passed?: number;
    }
  | { error: string };

/**
 * The summary's funding line: what the venue's account bills say the settlements during the session charged, or
 * when the next one is, or plainly that funding is not included when the bills could not be read.
 */
export function fundingLine(f: SessionFunding, ccy: string): string {
  if ('error' in f)
    return `  funding       not included: the venue's account bills could not be read (${f.error}); the PnL is before funding`;
  const next = f.nextMs === undefined ? null : new Date(f.nextMs).toISOString().replace('.000Z', 'Z');
  if (f.settlements)
    return `  funding       ${moneyIn(f.receivedQuote, ccy)} received at ${plural(f.settlements, 'settlement')} (the venue's account bills${next ? `; next ${next}` : ''})`;
  if (f.passed === 0) return `  funding       none: no funding settlement during the session${next ? `; the next is ${next}` : ''}`;
  if (f.passed === undefined)
    return `  funding       none: the venue's account bills show no funding charged during the session${next ? ` (the next settlement is ${next})` : ''}`;
  return `  funding       none: no position was held at ${plural(f.passed, 'settlement')} during the session${next ? ` (the next is ${next})` : ''}`;
}

/**
 * A symbol's position at the end: the venue's when the stop read it (as is, when ours from fills agrees), with ours
 * beside it when they disagree; ours, said so, when the venue could not be read.
 */
export function endPosition(y: Pick<SymbolSummary, 'positionLot' | 'fillsPositionLot' | 'venue'>): string {
  const v = y.venue;
  if (!v) return plural(y.positionLot, 'lot');
  if ('error' in v) return `${plural(y.positionLot, 'lot')} by our fills (the venue could not be read to confirm it)`;
  const ours = y.fillsPositionLot ?? v.positionLot;
  return ours === v.positionLot
    ? plural(v.positionLot, 'lot')
    : `${plural(v.positionLot, 'lot')} at the venue, which disagrees with our fills (${plural(ours, 'lot')}): the venue's is the one that counts`;
}

/** The error line for what the stop could not close on one symbol: what may be there, why, and that a person must close it. */
export function leftLine(l: LeftAtVenue): string {
  const what = [
    l.positionLot !== 0 ? `a position ${l.positionText}` : '',
    l.openOrders ? `${plural(l.openOrders, 'open order')}` : '',
  ].filter(Boolean);
  // nothing by our own count, but the stop's requests failed: what is there is unknown, not none
  if (!what.length)
    return `LEFT ON THE VENUE ${l.symbol}: the stop could not check it; orders or a position of this session may be there: ${l.why}. Check the venue and close them by hand.`;
  return `LEFT ON THE VENUE ${l.symbol}: ${what.join(' and ')} ${l.confirmed ? 'still there after the stop' : 'may still be there (our own count)'}: ${l.why}. Close ${what.length > 1 || l.openOrders > 1 ? 'them' : 'it'} by hand on the venue.`;
}

/** The session's funding as read at the stop, with the settlement grid where `schedule` knows it. */
function sessionFunding(s: SessionSummary, schedule: (() => { nextMs: number; passed: number }) | undefined): SessionFunding {
  const f = s.funding ?? { error: 'not read' };
  return 'error' in f ? f : { receivedQuote: f.receivedQuote, settlements: f.settlements, ...(schedule?.() ?? {}) };
}

/** The summary's lines for each symbol of a session of several (none for one symbol: the totals are its figures). */
function symbolLines(s: SessionSummary, lotText: (inst: number) => string, ccy: string): string[] {
  if (s.symbols.length < 2) return [];
  // each symbol's own bills, in the session's symbol order (absent when they could not be read)
  const read = s.funding && !('error' in s.funding) ? s.funding : null;
  const funded = read ? s.symbols.map((y) => read.symbols.find((f) => f.symbol === y.symbol)) : undefined;
  const width = Math.max(12, ...s.symbols.map((y) => y.symbol.length + 1));
  return s.symbols.map(
    (y, i) =>
      `  ${y.symbol.padEnd(width)}  ${y.traded ? '' : 'watched: '}${plural(y.orders, 'order')}${y.flattenOrders ? ` (${y.flattenOrders} by the flatten)` : ''}, ${plural(y.cancels, 'cancel')}, ${plural(y.fills, 'fill')}${y.flattenFills ? ` (${y.flattenFills} by the flatten)` : ''}, ${plural(y.rejects, 'reject')}; ` +
      `position ${plural(y.positionLot, 'lot')} (${lotText(i)}); PnL ${symbolPnl(y, funded?.[i], ccy)}`,
  );
}

/** One symbol's PnL: net of its own funding where the venue's bills were read, else net of fees and said so. */
function symbolPnl(
  y: SessionSummary['symbols'][number],
  f: { receivedQuote: number; settlements: number } | undefined,
  ccy: string,
): string {
  const costs = `realised ${moneyIn(y.realisedQuote, ccy)}, fees ${moneyIn(y.feesQuote, ccy)}`;
  if (!f) return `${moneyIn(y.equityQuote, ccy)} net of fees, before funding (${costs})`;
  const funding = f.settlements
    ? `funding ${moneyIn(f.receivedQuote, ccy)} at ${plural(f.settlements, 'settlement')}`
    : 'no funding charged';
  return `${moneyIn(y.equityQuote + f.receivedQuote, ccy)} net (${costs}, ${funding})`;
}

/**
 * The session's symbols: --symbols as given, else the strategy's declared instruments (traded, then watched), else
 * BTCUSDT. A symbol twice, or a declared one left out, is a command-line error.
 */
export function sessionSymbols(
  given: readonly string[] | undefined,
  declared: { trade?: readonly string[]; watch?: readonly string[] } | undefined,
): string[] {
  const fromStrategy = [...(declared?.trade ?? []), ...(declared?.watch ?? [])];
  const list = (given?.length ? given : fromStrategy.length ? fromStrategy : ['BTCUSDT']).map((x) => x.toUpperCase());
  const twice = list.find((x, i) => list.indexOf(x) !== i);
  if (twice && given?.length) throw new UsageError(`--symbols ${given.join(',')}: ${twice} is named twice`);
  const missing = fromStrategy.filter((x) => !list.includes(x));
  if (missing.length && given?.length)
    throw new UsageError(
      `--symbols ${given.join(',')}: the strategy declares ${missing.join(', ')} too (${(declared?.trade ?? []).join(', ') || 'none'} traded, ${(declared?.watch ?? []).join(', ') || 'none'} watched): try --symbols ${[...new Set([...fromStrategy, ...list])].join(',')}`,
    );
  return [...new Set(list)];
}

/** "ETHUSDT" or "ETHUSDT, watching BTCUSDT": what the session trades, as the strategy declared it. */
function tradingText(symbols: readonly string[], declared: { trade?: readonly string[]; watch?: readonly string[] } | undefined): string {
  if (symbols.length < 2) return symbols.join(', ');
  const watched = symbols.filter((x) => (declared?.trade ? !declared.trade.includes(x) : (declared?.watch ?? []).includes(x)));
  const traded = symbols.filter((x) => !watched.includes(x));
  return `${traded.join(', ')}${watched.length ? `, watching ${watched.join(', ')}` : ''}`;
}

/** Counters gained since `before`. */
function since(now: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

/**
 * Listens for the stopping signals (./stop-signals) from its making (a signal while the session starts is kept, not
 * the default death); `after(ms)` resolves with the first of them, or 'duration' once `ms` ran out (never without
 * `ms`). A second signal of any kind while the session stops ends the process at once, saying what it leaves: see
 * endedAtOnce.
 */
function stopRequest(
  say: (line: string) => void,
  leaves: { venueInProcess: boolean; flatten: boolean; recordDir?: string },
): {
  after(durationMs: number | undefined): Promise<StopSignal | 'duration'>;
  release(): void;
} {
  let cause: StopSignal | 'duration' | null = null;
  let done: ((by: StopSignal | 'duration') => void) | null = null;
  const finish = (by: StopSignal | 'duration') => {
    if (cause !== null) return;
    cause = by;
    done?.(by);
  };
  const listener = onStopSignals({
    stop: (sig) => finish(sig),
    now: (sig) => say(endedAtOnce(sig, leaves)),
  });
  return {
    after: (durationMs) =>
      new Promise((resolve) => {
        if (cause !== null) return resolve(cause);
        done = resolve;
        if (durationMs) setTimeout(() => finish('duration'), durationMs);
      }),
    release: () => listener.release(),
  };
}

/**
 * The line of a session a second signal ended while it stopped: what it may leave and what to do about it. A venue
 * in another process may still hold its orders and position (the stop's cancel-all and flatten unconfirmed), which the
 * next session with the keys names and clears before trading; an exchange this process ran (demo, or live's own local
 * one) ended with it, so nothing is left anywhere. A recording keeps its journals, recovered by the next start there.
 */
export function endedAtOnce(sig: StopSignal, o: { venueInProcess: boolean; flatten: boolean; recordDir?: string }): string {
  const venue = o.venueInProcess
    ? 'its local exchange ran in this process and ended with it, so no order or position of the session is left anywhere'
    : `orders or a position of the session may be left on the venue, the stop's cancel-all${o.flatten ? ' and flatten' : ''} unconfirmed: check it; ` +
      'the next session with these keys names what it finds there and clears it before it trades (a position only with risk.flattenOnBreach, else it refuses to start)';
  const recording = o.recordDir
    ? `; the recording under ${dirText(o.recordDir)} keeps what was flushed, in journals the next start there turns into Parquet files (${selfCommand()} record --out ${dirText(o.recordDir)} --duration 1s)`
    : '';
  return `${signalText(sig)} while stopping: ended at once (exit ${signalExit(sig)}); ${venue}${recording}`;
}

/** How often, while no entry is taken, the session says why. */
const WHY_EVERY_MS = 15_000;

async function runSession(o: {
  wsUrl: string;
  restUrl: string;
  symbols: string[];
  params: ResolvedParams;
  credentials: Credentials;
  mode: 'local' | 'demo';
  recordDir?: string;
  durationMs?: number;
  flatten: boolean;
  next: string[];
  source: 'live' | 'demo' | 'simulator';
  log: Logger;
  monitoring: Monitoring | null;
  staleAfterMs: number;
  threads: ThreadsOption;
  /** The hang watchdog's limit, ms, and whether the venue runs in this process (see src/live/hang-watchdog.ts). */
  hungAfterMs: number;
  venueInProcess: boolean;
  /** Run the idle warm steps and the sooner tier-up (src/feed/keep-warm.ts); off with --no-keep-warm. */
  keepWarm: boolean;
  /** The next funding settlement and how many the session passed, where known (demo: its own exchange's grid). */
  fundingSchedule?: () => { nextMs: number; passed: number };
  /** The status line's interval, ms (--status-every, or its default for where the line goes). */
  statusEveryMs: number;
}): Promise<number> {
  const log = o.log;
  const gatewayLog = log.child('gateway');
  const tty = process.stderr.isTTY && !jsonLogs();
  // on a terminal the status line is redrawn in place: a message first ends it
  const err = (l: string, level: 'info' | 'warn' | 'error' = 'info') => {
    if (tty) log.human('\n');
    // the runtime marks its lines "[warn] …" for a person; a JSON line has its level in a field of its own
    log[level](jsonLogs() ? l.replace(/^\[(?:info|warn|error)\] /, '') : l);
  };
  const params = o.params;
  const obiOfi = params.name === 'obi-ofi';
  const config = params.config as unknown as StrategyConfig;
  const ccy = quoteCurrency(o.symbols[0]);
  const watch = o.recordDir && o.monitoring ? new RecordingWatch(resolve(o.recordDir)) : null;
  let haltedAt: Date | null = null;
  const rows = paramRows(params.fields, params.config, params.sources, ccy);
  log.info(
    `strategy ${params.name}${params.strategy.bundle ? ` (${params.strategy.bundle.source.startsWith('builtin:') ? 'built-in' : params.strategy.bundle.source}, sha256 ${params.strategy.bundle.hash.slice(0, 12)}…)` : ''}\n` +
      `parameters (${paramsOrigin(rows)}):\n${compactParams(rows).join('\n')}`,
    {
      event: 'parameters',
      strategy: params.name,
      preset: params.preset ?? null,
      parameters: Object.fromEntries(rows.map((r) => [r.path, r.value])),
    },
  );
  const placement = choosePlacement(o.threads, usableCores().cores, !!o.recordDir, params.strategy.definition.depth ?? 0);
  const warmText = o.keepWarm
    ? '; our own code kept warm while idle, the strategy on a scratch copy (--no-keep-warm not to)'
    : '; not kept warm (--no-keep-warm)';
  log.info(`threads: ${placement.layout} (${placement.reason})${warmText}`, {
    event: 'threads',
    layout: placement.layout,
    reason: placement.reason,
    keepWarm: o.keepWarm,
  });
  // A signal from here on stops the session in order (cancel all, flatten as asked, journals, summary), even one that
  // comes while it starts: SIGHUP (the terminal or the ssh connection gone) as SIGTERM and Ctrl-C.
  const stop = stopRequest((line) => log.error(line), {
    venueInProcess: o.venueInProcess,
    flatten: o.flatten,
    recordDir: o.recordDir,
  });
  const session = await TradingSession.start({
    layout: placement.layout,
    wsUrl: o.wsUrl,
    restUrl: o.restUrl,
    instType: 'USDT-FUTURES' as InstType,
    symbol: o.symbols[0],
    symbols: o.symbols,
    strategy: { strategy: params.strategy, params: params.params, settings: params.settings, config: params.config, coreHash: coreHash() },
    credentials: o.credentials,
    mode: o.mode,
    hang: { limitMs: o.hungAfterMs, flatten: o.flatten, venueInProcess: o.venueInProcess },
    keepWarm: o.keepWarm,
    log: (l) => {
      if (haltedAt === null && l.startsWith('[error] HALTED:')) haltedAt = new Date();
      const gw = /^gateway (info|warn|error): /.exec(l);
      if (gw && jsonLogs()) gatewayLog[gw[1] as 'info' | 'warn' | 'error'](l.slice(gw[0].length));
      else
        err(l, l.startsWith('[error]') || gw?.[1] === 'error' ? 'error' : l.startsWith('[warn]') || gw?.[1] === 'warn' ? 'warn' : 'info');
    },
    record: o.recordDir
      ? {
          root: resolve(o.recordDir),
          source: o.source,
          onAlarm: (m) => {
            watch?.alarm();
            err(`ALARM ${m}`, 'error');
          },
          onFile: (f) => watch?.file(f),
          onClock: (c) => watch?.clock(c),
        }
      : undefined,
  });
  let final: SessionSummary | null = null;
  if (o.monitoring) {
    const { metrics, health } = o.monitoring;
    const pm = pipelineMetrics(metrics, health, session.pipeline, { staleAfterMs: o.staleAfterMs, recording: watch ?? undefined });
    const tm = tradingMetrics(metrics, () => tradingSnapshot(final ?? session.summary()), ccy);
    // a halted session is not ready (a container shows unhealthy) until it is stopped; liveness (/livez) stays up
    health.add(
      'trading',
      tradingHealth(() => session.phaseNow()),
    );
    session.trader.onDecided = (ns) => tm.observeDecisionNs(ns);
    session.trader.onSignal = (feedLatencyNs) => pm.observeFeedLatencyNs(feedLatencyNs);
    o.monitoring.setPhase('running');
  }
  // what obi-ofi's signal did, for "why no trades" (another strategy's counters speak for themselves)
  const total = obiOfi ? new SignalWatch(config) : null;
  let window = obiOfi ? new SignalWatch(config) : null;
  if (total)
    session.runtime.observer = (m) => {
      total.observe(m);
      window?.observe(m);
    };
  const lotOf = (n: number, inst: number) =>
    `${formatPlain(n, session.grids[inst].sizeStep, session.grids[inst].sizeScale)} ${o.symbols[inst].replace(/USDT$/, '')}`;
  const lotsNow = (s: SessionSummary) => (inst: number) => lotOf(s.symbols[inst].positionLot, inst);
  let mark = { at: Date.now(), counters: {} as Record<string, number>, orders: 0, said: '' };
  let lastStatus = { at: 0, phase: '' };
  const status = setInterval(() => {
    const s = session.summary();
    if (statusDue(Date.now(), lastStatus, s.phase, o.statusEveryMs, tty)) {
      lastStatus = { at: Date.now(), phase: s.phase };
      // redrawn in place for a person at a terminal; a log line anywhere else
      if (tty) log.human(`\r\x1b[K${statusLine(s, lotsNow(s), ccy)}`);
      else
        log.info(statusLine(s, lotsNow(s), ccy), {
          event: 'status',
          ...tradingSnapshot(s),
          resyncs: s.resyncs,
          bookMessages: s.bookMessages,
        });
    }
    // waiting without entering: say why, from what was blocked (or what the signal did) since the last word
    if (Date.now() - mark.at < WHY_EVERY_MS) return;
    if (s.orders === mark.orders && s.openOrders === 0 && s.positionLot === 0 && s.phase !== 'HALTED' && s.phase !== 'RECONCILE') {
      const why = findingsOf(params, since(s.counters, mark.counters), 0, 0, window?.stats ?? null)[0];
      const text = why ? findingLine(why) : '';
      if (text && text !== mark.said) err(`no entry in the last ${duration((Date.now() - mark.at) * 1e6)}: ${text}`);
      mark.said = text;
    } else mark.said = '';
    mark = { at: Date.now(), counters: s.counters, orders: s.orders, said: mark.said };
    window = obiOfi ? new SignalWatch(config) : null;
  }, 1000);
  const startedAt = Date.now();
  // what ended the session: its --duration, or a signal (Ctrl-C, SIGTERM, SIGHUP) from whoever runs it
  const endedBy = await stop.after(o.durationMs);
  // A session given a --duration (demo always is) and stopped by a signal before it ran out did not do what was asked:
  // it says so and exits 130 (Ctrl-C), 143 (SIGTERM) or 129 (SIGHUP), as every command stopped before its work was
  // done. Without a --duration the session runs until stopped, so a signal is its normal end.
  const interrupted = endedBy !== 'duration' && o.durationMs !== undefined;
  const ranMs = Date.now() - startedAt;
  clearInterval(status);
  const haltedBefore = session.runtime.haltReason;
  o.monitoring?.setPhase('stopping');
  err(`stopping: cancelling all orders${o.flatten ? ' and flattening' : ''}…`);
  const s = await session.stop(o.flatten);
  final = s;
  const why = findingsOf(params, s.counters, s.trades, s.fills, total?.stats ?? null);
  const funding = sessionFunding(s, o.fundingSchedule);
  const funded = 'error' in funding ? null : funding;
  const halt = explainHalt(haltedBefore, params.config as unknown as HaltContext, ccy, session.trader.mismatchSymbol);
  // what the stop could not close: a failure the operator's supervisor must see (exit 3), and a job for their hands
  const left = s.left ?? [];
  for (const l of left) err(leftLine(l), 'error');
  const leftNote = left.length
    ? `; the stop could not close everything on the venue (${left.map((l) => l.symbol).join(', ')}: see the error above)`
    : '';
  const ended =
    haltedBefore === null
      ? (interrupted
          ? `interrupted by ${signalText(endedBy as StopSignal)} after ${duration(ranMs * 1e6)} of its ${duration(o.durationMs! * 1e6)} --duration${left.length ? '' : ` (exit ${signalExit(endedBy as StopSignal)})`}`
          : endedBy === 'duration'
            ? `its --duration ${duration(o.durationMs! * 1e6)} ran out`
            : `stopped by ${signalText(endedBy as StopSignal)}`) + (left.length ? `${leftNote}, exit ${EXIT_HALTED}` : '')
      : `HALTED${haltedAt ? ` at ${(haltedAt as Date).toISOString()}` : ''}: ${halt ? findingLine(halt) : haltedBefore}${
          interrupted
            ? `; then ${signalText(endedBy as StopSignal)} after ${duration(ranMs * 1e6)} of its ${duration(o.durationMs! * 1e6)} --duration`
            : ''
        }${leftNote}; exit ${EXIT_HALTED}`;
  // a halt is what a script must see first: trading stopped on its own, whatever ended the process after it; so is a
  // stop that left a position or orders on the venue
  const exitCode = haltedBefore !== null || left.length ? EXIT_HALTED : interrupted ? signalExit(endedBy as StopSignal) : 0;
  const lines = [
    'summary:',
    `  market data   ${count(s.bookMessages)} book messages, ${count(s.signals)} signals, ${s.resyncs} resyncs`,
    s.symbols.length > 1
      ? `  trading       ${ordersText(s)}, ${plural(s.cancels, 'cancel')}${s.cancelAlls ? ` and ${plural(s.cancelAlls, 'cancel-all')}` : ''}, ${fillsAndTrips(s)}${s.batchRequests ? ` (${plural(s.batchRequests, 'batch request')})` : ''} in all; positions at the end ${s.symbols.map((y) => `${y.symbol} ${endPosition(y)}`).join(', ')}`
      : `  trading       ${ordersText(s)}, ${plural(s.cancels, 'cancel')}${s.cancelAlls ? ` and ${plural(s.cancelAlls, 'cancel-all')}` : ''}, ${fillsAndTrips(s)}${s.batchRequests ? ` (${plural(s.batchRequests, 'batch request')})` : ''}; position ${endPosition(s.symbols[0])} at the end`,
    ...symbolLines(s, lotsNow(s), ccy),
    `  ended         ${ended}`,
    fundingLine(funding, ccy),
    // net of everything only when the venue's funding is known; else it is left out, and said
    `  PnL           ${moneyIn(s.equityQuote + (funded?.receivedQuote ?? 0), ccy)} ${funded ? 'net' : 'net of fees, before funding'}${s.symbols.length > 1 ? ' in all' : ''} (realised ${moneyIn(s.realisedQuote, ccy)}, fees ${moneyIn(s.feesQuote, ccy)}${funded ? `, funding ${moneyIn(funded.receivedQuote, ccy)}` : ''})`,
    // a halt that stopped trading is the reason, said first (as backtest's Outcome says it); what the counters saw
    // happened before it
    ...(haltedBefore !== null
      ? [
          `  ${s.trades === 0 ? 'why no trades  the halt stopped trading' : 'entries       stopped at the halt'}${why.length ? '; before it:' : ''}`,
          ...why.map((f) => `    ${findingLine(f)}`),
        ]
      : why.length
        ? [`  ${s.trades === 0 ? 'why no trades' : 'entries blocked'}`, ...why.map((f) => `    ${findingLine(f)}`)]
        : [
            `  entries       ${s.trades ? `none blocked by ${obiOfi ? 'a gate, the cost hurdle or ' : ''}a risk limit` : 'no entry signal'}`,
          ]),
    `  latency       tick-to-trade per hop from the socket read, every sample of the session (the count in brackets; a status line had those up to its time); ringbook bench latency adds the exchange's side:`,
    ...latencyLines(s.latency).map((l) => `    ${l}`),
    ...(o.recordDir
      ? [
          `  recording     ${plural(s.filesWritten, 'file')}, ${plural(s.records, 'market-data record')}${s.orderRecords ? ` and ${plural(s.orderRecords, 'own-order record')}` : ''} under ${dirText(o.recordDir)}${s.recordingLoss ? `; ${s.recordingLoss}` : ''}`,
        ]
      : []),
    `  strategy      ${params.name}${params.strategy.bundle ? `, bundle sha256 ${params.strategy.bundle.hash}` : ''}`,
    `  parameters    ${paramsOrigin(rows)}`,
    ...compactParams(rows).map((l) => `  ${l}`),
    ...o.next,
  ];
  log.info(lines.join('\n'), {
    event: 'summary',
    ...s,
    ended: haltedBefore === null && !left.length ? (interrupted ? 'interrupted' : 'stopped') : 'halted',
    // how the orders ended (the summary's `ended`, whose key says how the session ended here)
    ordersEnded: s.ended ?? null,
    haltedAt: haltedAt ? (haltedAt as Date).toISOString() : null,
    exitCode,
    whyNoTrades: why.map((f) => findingLine(f)),
    ...(funded
      ? { fundingQuote: funded.receivedQuote, fundingSettlements: funded.settlements, netQuote: s.equityQuote + funded.receivedQuote }
      : { fundingQuote: null, fundingError: 'error' in funding ? funding.error : null, netQuote: null }),
    recording: o.recordDir ?? null,
    currency: ccy,
  });
  stop.release();
  return exitCode;
}

/**
 * A symbol the venue does not list is said before anything else is (the session's preamble, its parameters), as
 * `watch` does; `close` then stops the venue this process started.
 */
async function listedOrClose(restUrl: string, symbols: string[], close: (() => Promise<void>) | undefined): Promise<void> {
  try {
    await fetchGrids(restUrl, 'USDT-FUTURES', symbols);
  } catch (err) {
    await close?.();
    throw err instanceof UnlistedSymbolError ? new UsageError(err.message) : err;
  }
}

// a session runs to its clean-up whatever becomes of its output (src/log/output.ts)
export const runLive = withOutputHeld(live);
export const runDemo = withOutputHeld(demo);

/** A --threads the strategy cannot run with: exit 2 before anything starts (no exchange, no directory, no keys read). */
function checkThreads(option: ThreadsOption, depth: number): void {
  const refused = threadsRefusal(option, depth);
  if (refused) throw new UsageError(refused);
}

async function live(argv: string[]): Promise<number> {
  const args = parseCommand(LIVE, argv);
  if (!args) return 0;
  const values = args.values;
  const params = await loadParams({
    command: 'live',
    strategy: values.strategy,
    preset: values.preset,
    configFile: values.config,
    sets: values.set,
  });
  const declared = params.strategy.definition.instruments;
  const symbols = sessionSymbols(values.symbol, declared);
  checkInstrumentCount(params.strategy.definition, symbols);
  checkThreads(values.threads as ThreadsOption, params.strategy.definition.depth ?? 0);
  const statusMs = statusEveryMs(values['status-every']);
  // made only once the venue lists the symbols: a refused session leaves no empty directory
  const recordRoot = values.record ? checkCreatableDir('--record', values.record) : null;
  const keys = values.keys ? readKeys(values.keys) : undefined;
  const log = logger('live');
  // one run per recording directory, taken before anything under it is read (its journals are then a killed run's)
  const lock = recordRoot ? lockDir('--record', values.record!, (l) => log.warn(l)) : null;
  try {
    if (recordRoot) warnExisting(log, values.record!, recordRoot, { session: true, flag: '--record' });
    let credentials: Credentials;
    let wsUrl: string;
    let restUrl: string;
    let close: (() => Promise<void>) | undefined;
    if (values.demo) {
      const c = keys ?? credentialsFromEnv();
      if (!c)
        throw new Error(
          '--demo needs Bitget demo API keys: set BITGET_API_KEY, BITGET_API_SECRET and BITGET_API_PASSPHRASE, or pass --keys FILE',
        );
      credentials = guarded(c);
      wsUrl = values['ws-url'] ?? 'wss://wspap.bitget.com/v2/ws/public';
      restUrl = values['rest-url'] ?? 'https://api.bitget.com';
    } else {
      const ep = await resolveEndpoints({ wsUrl: values['ws-url'], restUrl: values['rest-url'], log: (l) => log.info(l) });
      wsUrl = ep.wsUrl;
      restUrl = ep.restUrl;
      close = ep.close;
      credentials = guarded(keys ?? credentialsFromEnv() ?? LOCAL_DEMO_CREDENTIALS);
    }
    await listedOrClose(restUrl, symbols, close);
    if (values.record) checkWritableDir('--record', values.record);
    log.info(
      `trading ${tradingText(symbols, declared)} on ${values.demo ? "Bitget's demo environment" : restUrl} with ${describeCredentials(credentials)}`,
      {
        symbol: symbols[0],
        ...(symbols.length > 1 ? { symbols } : {}),
        venue: values.demo ? 'bitget-demo' : restUrl,
      },
    );
    let monitoring: Monitoring | null = null;
    try {
      monitoring = await startMonitoring('live', values, log);
      return await runSession({
        wsUrl,
        restUrl,
        symbols,
        params,
        credentials,
        mode: values.demo ? 'demo' : 'local',
        recordDir: values.record,
        durationMs: values.duration,
        flatten: !values['no-flatten'],
        next: values.record
          ? [
              `next: ${selfCommand()} inspect ${values.record}`,
              `      ${selfCommand()} backtest ${values.record} --parity    (decision for decision against this session)`,
            ]
          : [],
        source: values.demo ? 'demo' : 'simulator',
        log,
        monitoring,
        staleAfterMs: values['stale-after'],
        threads: values.threads as ThreadsOption,
        hungAfterMs: values['hung-after'],
        keepWarm: !values['no-keep-warm'],
        venueInProcess: close !== undefined,
        statusEveryMs: statusMs,
      });
    } finally {
      await close?.();
      await monitoring?.finish();
    }
  } finally {
    lock?.release();
  }
}

async function demo(argv: string[]): Promise<number> {
  const args = parseCommand(DEMO, argv);
  if (!args) return 0;
  const values = args.values;
  // The defaults are built for real fees and rarely trade a minute of simulated market; the demo preset shows the
  // machinery. A config file means the same here as everywhere else: it starts from the defaults unless --preset.
  const params = await loadParams({
    command: 'demo',
    strategy: values.strategy,
    // the demo preset is obi-ofi's: another strategy starts from its own defaults
    preset: values.preset ?? (values.config || (values.strategy && values.strategy !== 'obi-ofi') ? undefined : 'demo'),
    configFile: values.config,
    sets: values.set,
  });
  const declared = params.strategy.definition.instruments;
  const symbols = sessionSymbols(values.symbol, declared);
  checkInstrumentCount(params.strategy.definition, symbols);
  checkThreads(values.threads as ThreadsOption, params.strategy.definition.depth ?? 0);
  const statusMs = statusEveryMs(values['status-every']);
  // made only once the venue lists the symbols: a refused session leaves no empty directory
  const outRoot = checkCreatableDir('--out', values.out);
  const log = logger('demo');
  const lock = lockDir('--out', values.out, (l) => log.warn(l));
  try {
    warnExisting(log, values.out, outRoot, { session: true, flag: '--out' });
    const monitoring = await startMonitoring('demo', values, log);
    const fundingIntervalMs = fundingEveryMs(values['funding-every']);
    const ex = await startExchange({
      host: '127.0.0.1',
      port: 0,
      seed: values.seed,
      fundingIntervalMs,
      flow: values['informed-share'] !== undefined ? { informedShare: values['informed-share'] } : undefined,
    });
    await listedOrClose(ex.url.rest, symbols, () => ex.close());
    checkWritableDir('--out', values.out);
    const startedMs = ex.now();
    log.info(
      `local exchange at ${ex.url.rest}; recording to ${dirText(values.out)}; trading ${tradingText(symbols, declared)} for ${duration(values.duration * 1e6)}`,
      {
        exchange: ex.url.rest,
        out: values.out,
        symbol: symbols[0],
        ...(symbols.length > 1 ? { symbols } : {}),
        durationMs: values.duration,
      },
    );
    const self = selfCommand();
    const strategyArgs = [
      ...(values.strategy && values.strategy !== 'obi-ofi' ? [`--strategy ${values.strategy}`] : []),
      ...(params.preset ? [`--preset ${params.preset}`] : []),
      ...(values.config ? [`--config ${values.config}`] : []),
      ...values.set.map((x) => `--set ${x}`),
    ].join(' ');
    try {
      return await runSession({
        wsUrl: ex.url.ws,
        restUrl: ex.url.rest,
        symbols,
        params,
        credentials: LOCAL_DEMO_CREDENTIALS,
        mode: 'local',
        recordDir: values.out,
        durationMs: values.duration,
        flatten: true,
        source: 'simulator',
        threads: values.threads as ThreadsOption,
        next: [
          `next: ${self} inspect ${values.out}`,
          // several symbols: every one of them (a strategy without an instruments declaration is asked which)
          `      ${self} backtest ${values.out} ${symbols.length > 1 ? `--symbols ${symbols.join(',')} ` : ''}${strategyArgs}`.trimEnd() +
            '    (the same strategy replayed)',
          `      ${self} backtest ${values.out} --parity    (decision for decision against this session${symbols.length > 1 ? ', every symbol' : ''})`,
        ],
        log,
        monitoring,
        staleAfterMs: values['stale-after'],
        hungAfterMs: values['hung-after'],
        keepWarm: !values['no-keep-warm'],
        venueInProcess: true,
        statusEveryMs: statusMs,
        // the amount comes from the venue's bills, as for live; the grid is known here, the exchange is ours
        fundingSchedule: () => ({
          nextMs: nextFundingMs(ex.now(), fundingIntervalMs),
          passed: settlementsBetween(startedMs, ex.now(), fundingIntervalMs).length,
        }),
      });
    } finally {
      await ex.close();
      await monitoring?.finish();
    }
  } finally {
    lock.release();
  }
}
