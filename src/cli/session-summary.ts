// The summary a live or demo session ends with: what it did (orders and how each ended, fills, rejects, round trips,
// each symbol's position and PnL), the funding the venue booked, how it ended and its exit code, what stopped entries,
// the latency, the recording, and the parameters it traded with; and the error line for what the stop left behind.
import { explainHalt, type HaltContext, type SignalStats } from '../strategy/explain';
import type { LeftAtVenue, SessionSummary, SymbolSummary } from '../live/trading-session';
import { findingLine } from '../format/findings';
import { count, duration, moneyIn, plural } from '../format/numbers';
import { compactParams, paramsOrigin, type ParamRow } from '../format/params';
import { latencyLines } from '../latency/format';
import { dirText } from './args';
import type { ResolvedParams } from './params';
import { findingsOf } from './run-report';
import { signalExit, signalText, type StopSignal } from './stop-signals';

/**
 * The exit code of a session that ended HALTED (a risk limit, the strategy threw, a failed exit or reconcile): it ran,
 * but trading stopped on its own before the end, which a script running it must not read as success (0), an error
 * (1), a bad command line (2) or an interruption (130/143/129).
 */
export const EXIT_HALTED = 3;

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

/**
 * Handler errors while trading was already stopped (a halt, the stop's own handlers: onOrder of the stop's cancels,
 * onStop) halt nothing more and would pass unseen among the log lines: said once here. A halt by a strategy error is
 * the `ended` line's, and not counted again.
 */
function afterStopErrors(errors: number, haltedBefore: string | null): string[] {
  const later = errors - (haltedBefore?.startsWith('strategy error in ') ? 1 : 0);
  if (later <= 0) return [];
  return [
    `  WARNING       the strategy threw ${later === 1 ? 'once' : `${later} times`} after trading stopped (the [error] lines above): a handler that runs at the stop has a bug`,
  ];
}

/** ", 3 amends (1 refused by the venue)": none for a session that amended nothing (a taker's). */
function amendsText(s: { amends: number; amendRejects: number }): string {
  if (s.amends === 0) return '';
  return `, ${plural(s.amends, 'amend')}${s.amendRejects ? ` (${s.amendRejects} refused by the venue)` : ''}`;
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
      `  ${y.symbol.padEnd(width)}  ${y.traded ? '' : 'watched: '}${plural(y.orders, 'order')}${y.flattenOrders ? ` (${y.flattenOrders} by the flatten)` : ''}, ${plural(y.cancels, 'cancel')}${amendsText(y)}, ${plural(y.fills, 'fill')}${y.flattenFills ? ` (${y.flattenFills} by the flatten)` : ''}, ${plural(y.rejects, 'reject')}; ` +
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

/** How a session ended, for its summary: what the stop read, and what ended it. */
export interface SessionEnd {
  /** The session's figures as its stop read them. */
  s: SessionSummary;
  params: ResolvedParams;
  /** What obi-ofi's signal did over the whole session (null for another strategy). */
  signals: SignalStats | null;
  /** Why the session had halted before its stop (null: it had not), when, and the symbol whose position disagreed. */
  haltedBefore: string | null;
  haltedAt: Date | null;
  mismatchSymbol: string | null;
  /** What ended it, whether that cut its --duration short, and how long it ran. */
  endedBy: StopSignal | 'duration';
  interrupted: boolean;
  ranMs: number;
  durationMs?: number;
  /** The next funding settlement and how many the session passed, where known (demo: its own exchange's grid). */
  fundingSchedule?: () => { nextMs: number; passed: number };
  /** A symbol's position in its base currency, by instrument index. */
  lotText: (inst: number) => string;
  ccy: string;
  /** The parameters it traded with, as printed at its start. */
  rows: readonly ParamRow[];
  recordDir?: string;
  /** The commands to run next, printed last. */
  next: readonly string[];
}

/**
 * The summary's text and its log fields, and the session's exit code. What the stop could not close (`s.left`) is
 * said before it as error lines of their own (leftLine).
 */
export function sessionEndSummary(e: SessionEnd): { text: string; fields: Record<string, unknown>; exitCode: number } {
  const { s, params, haltedBefore, haltedAt, interrupted, endedBy, ranMs, ccy, rows } = e;
  const why = findingsOf(params, s.counters, s.trades, s.fills, e.signals);
  const funding = sessionFunding(s, e.fundingSchedule);
  const funded = 'error' in funding ? null : funding;
  const halt = explainHalt(haltedBefore, params.config as unknown as HaltContext, ccy, e.mismatchSymbol);
  const left = s.left ?? [];
  const leftNote = left.length
    ? `; the stop could not close everything on the venue (${left.map((l) => l.symbol).join(', ')}: see the error above)`
    : '';
  const ended =
    haltedBefore === null
      ? (interrupted
          ? `interrupted by ${signalText(endedBy as StopSignal)} after ${duration(ranMs * 1e6)} of its ${duration(e.durationMs! * 1e6)} --duration${left.length ? '' : ` (exit ${signalExit(endedBy as StopSignal)})`}`
          : endedBy === 'duration'
            ? `its --duration ${duration(e.durationMs! * 1e6)} ran out`
            : `stopped by ${signalText(endedBy as StopSignal)}`) + (left.length ? `${leftNote}, exit ${EXIT_HALTED}` : '')
      : `HALTED${haltedAt ? ` at ${haltedAt.toISOString()}` : ''}: ${halt ? findingLine(halt) : haltedBefore}${
          interrupted
            ? `; then ${signalText(endedBy as StopSignal)} after ${duration(ranMs * 1e6)} of its ${duration(e.durationMs! * 1e6)} --duration`
            : ''
        }${leftNote}; exit ${EXIT_HALTED}`;
  // a halt is what a script must see first: trading stopped on its own, whatever ended the process after it; so is a
  // stop that left a position or orders on the venue
  const exitCode = haltedBefore !== null || left.length ? EXIT_HALTED : interrupted ? signalExit(endedBy as StopSignal) : 0;
  const lines = [
    'summary:',
    `  market data   ${count(s.bookMessages)} book messages, ${count(s.signals)} signals, ${s.resyncs} resyncs`,
    s.symbols.length > 1
      ? `  trading       ${ordersText(s)}, ${plural(s.cancels, 'cancel')}${s.cancelAlls ? ` and ${plural(s.cancelAlls, 'cancel-all')}` : ''}${amendsText(s)}, ${fillsAndTrips(s)}${s.batchRequests ? ` (${plural(s.batchRequests, 'batch request')})` : ''} in all; positions at the end ${s.symbols.map((y) => `${y.symbol} ${endPosition(y)}`).join(', ')}`
      : `  trading       ${ordersText(s)}, ${plural(s.cancels, 'cancel')}${s.cancelAlls ? ` and ${plural(s.cancelAlls, 'cancel-all')}` : ''}${amendsText(s)}, ${fillsAndTrips(s)}${s.batchRequests ? ` (${plural(s.batchRequests, 'batch request')})` : ''}; position ${endPosition(s.symbols[0])} at the end`,
    ...symbolLines(s, e.lotText, ccy),
    `  ended         ${ended}`,
    ...afterStopErrors(s.counters['strategy.error'] ?? 0, haltedBefore),
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
            `  entries       ${s.trades ? `none blocked by ${params.name === 'obi-ofi' ? 'a gate, the cost hurdle or ' : ''}a risk limit` : 'no entry signal'}`,
          ]),
    `  latency       tick-to-trade per hop from the socket read, every sample of the session (the count in brackets; a status line had those up to its time); ringbook bench latency adds the exchange's side:`,
    ...latencyLines(s.latency).map((l) => `    ${l}`),
    ...(e.recordDir
      ? [
          `  recording     ${plural(s.filesWritten, 'file')}, ${plural(s.records, 'market-data record')}${s.orderRecords ? ` and ${plural(s.orderRecords, 'own-order record')}` : ''} under ${dirText(e.recordDir)}${s.recordingLoss ? `; ${s.recordingLoss}` : ''}`,
        ]
      : []),
    `  strategy      ${params.name}${params.strategy.bundle ? `, bundle sha256 ${params.strategy.bundle.hash}` : ''}`,
    `  parameters    ${paramsOrigin(rows)}`,
    ...compactParams(rows).map((l) => `  ${l}`),
    ...e.next,
  ];
  const fields = {
    event: 'summary',
    ...s,
    ended: haltedBefore === null && !left.length ? (interrupted ? 'interrupted' : 'stopped') : 'halted',
    // how the orders ended (the summary's `ended`, whose key says how the session ended here)
    ordersEnded: s.ended ?? null,
    haltedAt: haltedAt ? haltedAt.toISOString() : null,
    exitCode,
    whyNoTrades: why.map((f) => findingLine(f)),
    ...(funded
      ? { fundingQuote: funded.receivedQuote, fundingSettlements: funded.settlements, netQuote: s.equityQuote + funded.receivedQuote }
      : { fundingQuote: null, fundingError: 'error' in funding ? funding.error : null, netQuote: null }),
    recording: e.recordDir ?? null,
    currency: ccy,
  };
  return { text: lines.join('\n'), fields, exitCode };
}
