// Live parity: the backtest of a recorded trading session must take the decisions the live session took, in the
// same order, with the same terms. The first divergence is reported with what differed and the likeliest cause
// (a fill that came out differently, a timer, a decision only one side took).
import type { Intent, OrderRecord } from './orders';
import { OrderEvent } from '../live/orderlog';
import { NA, duration, groupThousands, millis, moneyIn, stepDecimals } from '../format/numbers';
import { utc } from './metrics';
import { paramValue } from '../format/params';

/**
 * How the report writes prices: the instrument's tick (each symbol's, in a session of several) and quote currency.
 * Without it prices stay in ticks.
 */
export interface ParityUnits {
  tickSize: number | ((symbol: string | undefined) => number);
  currency: string;
}

/** A parameter whose value in the replay is not the session's (a --set, --config or --preset over it). */
export interface ParamChange {
  parameter: string;
  session: unknown;
  replay: unknown;
  source: string;
  /** The parameter's unit (ns: shown as a duration). */
  unit?: string;
}

/** A price of `ticks` as the venue shows it ("89,999.9 USDT"), or "N ticks" without units. */
export function priceText(ticks: number, units: ParityUnits | undefined, symbol?: string): string {
  if (!units) return `${ticks} ticks`;
  const tick = typeof units.tickSize === 'number' ? units.tickSize : units.tickSize(symbol);
  return `${groupThousands((ticks * tick).toFixed(stepDecimals(tick)))} ${units.currency}`;
}

/** ns since the epoch as UTC to the microsecond: "2026-12-06T20:24:25.875615Z". */
export function utcMicros(ns: bigint): string {
  const iso = utc(ns);
  if (!iso) return String(ns);
  const us = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n) / 1000n;
  return `${iso.slice(0, 19)}.${String(us).padStart(6, '0')}Z`;
}

export interface FillSeen {
  localTs: bigint;
  side: string;
  priceTick: number;
  qtyLot: number;
  /** The instrument's symbol, in a session of several. */
  symbol?: string;
}

export interface ParityReport {
  live: number;
  backtest: number;
  matched: number;
  /** |backtest − live| time over the matched decisions, ns: the live stamp is the wall clock when the action left
   * the machine, the backtest's the event time it was decided at (the decision times themselves must be equal). */
  timing: { maxNs: number | null; medianNs: number | null };
  /** The replay's parameters that are not the session's: the likeliest cause of any divergence (absent: none). */
  changed?: ParamChange[];
  divergence: null | { index: number; live: Intent | null; backtest: Intent | null; differs: string[]; cause: string };
  /**
   * What answered the replay's orders: the session's own answers (how many it recorded, were handed over, withheld
   * from an order the session placed otherwise, never reached, and answered orders the log has no place of), or the
   * simulated venue (an order log from before answers were recorded in full).
   */
  /** The session checked (its file and start), and how many other sessions its directory holds (--session picks one). */
  session?: { file: string; startedNs: string; startedUtc: string; others: number };
  answers?:
    { venue: 'simulated' } | { venue: 'recorded'; recorded: number; delivered: number; withheld: number; pending: number; orphans: number };
  /**
   * The flattens' fills (the runtime's clean-up, not strategy decisions) live and in the replay, with live's fees: a
   * session stopped with a position flattens it, a replay ends with it open, so its net leaves those fills out.
   */
  flatten?: { live: number; liveFeesQuote: number; replay: number };
}

const TERMS = ['symbol', 'type', 'side', 'priceTick', 'qtyLot', 'force', 'orderType', 'reduceOnly', 'order'] as const;

function differs(a: Intent, b: Intent, toleranceNs: bigint, units?: ParityUnits): string[] {
  const out: string[] = [];
  for (const k of TERMS) {
    const x = a[k];
    const y = b[k];
    // terms a recording did not keep (older order logs) are not compared
    if (x === undefined || y === undefined) continue;
    if (x === y) continue;
    if (k === 'priceTick') out.push(`price ${priceText(x as number, units, a.symbol)} ≠ ${priceText(y as number, units, b.symbol)}`);
    else out.push(`${k} ${String(x)} ≠ ${String(y)}`);
  }
  if (a.decidedTs !== undefined && b.decidedTs !== undefined) {
    // both know the strategy clock's time of the decision: it must be the very same signal or tick
    if (a.decidedTs !== b.decidedTs)
      out.push(
        `decided at ${utcMicros(a.decidedTs)} ≠ ${utcMicros(b.decidedTs)} on the strategy clock (${apart(a.decidedTs, b.decidedTs)})`,
      );
    return out;
  }
  const dt = a.localTs > b.localTs ? a.localTs - b.localTs : b.localTs - a.localTs;
  if (dt > toleranceNs) out.push(`time differs by ${duration(Number(dt))} (${apart(a.localTs, b.localTs)})`);
  return out;
}

/** "live 5.7 s earlier" / "live 12 µs later". */
function apart(live: bigint, bt: bigint): string {
  return `live ${duration(Number(live > bt ? live - bt : bt - live))} ${live < bt ? 'earlier' : 'later'}`;
}

/** The live session's fills; `symbols` (a session of several): each names its instrument. */
export function liveFills(orders: OrderRecord[], symbols?: readonly string[]): FillSeen[] {
  const several = symbols !== undefined && symbols.length > 1;
  return orders
    .filter((o) => o.event === OrderEvent.fill)
    .map((o) => ({
      localTs: o.localTs,
      side: o.side,
      priceTick: o.priceTick,
      qtyLot: o.qtyLot,
      ...(several ? { symbol: symbols[o.inst ?? 0] } : {}),
    }));
}

const show = (i: Intent | null, units?: ParityUnits) =>
  i
    ? `${i.symbol ? `${i.symbol} ` : ''}${i.type}${i.side ? ` ${i.side}` : ''}${i.qtyLot ? ` ${i.qtyLot} ${i.qtyLot === 1 ? 'lot' : 'lots'}` : ''}${i.priceTick ? ` @ ${priceText(i.priceTick, units, i.symbol)}` : ''}${i.force ? ` ${i.force}` : ''} ${
        // the decision's time on the strategy clock where both know it (the lines below compare that one); live's
        // local send time is later by its own delay
        i.decidedTs !== undefined ? `decided at ${utcMicros(i.decidedTs)}` : `at ${utcMicros(i.localTs)}`
      }`
    : 'nothing';

/** "leanTicks 1 → 2 (--set)". */
export function changeText(c: ParamChange): string {
  const v = (x: unknown) => {
    if (typeof x !== 'number' && typeof x !== 'boolean' && typeof x !== 'string' && x !== null && x !== undefined) return JSON.stringify(x);
    const t = paramValue(x, c.unit ?? '');
    return t.unit ? `${t.value} ${t.unit}` : t.value;
  };
  return `${c.parameter} ${v(c.session)} → ${v(c.replay)} (${c.source})`;
}

function cause(
  index: number,
  live: Intent[],
  bt: Intent[],
  lf: FillSeen[],
  bf: FillSeen[],
  units?: ParityUnits,
  changed?: ParamChange[],
): string {
  const why = fillCause(index, live, bt, lf, bf, units);
  // a parameter the replay changed decides differently by design: it comes first; what followed from it after
  if (changed?.length)
    return `the replay's parameters are not the session's: ${changed.map(changeText).join(', ')}; the strategy decides differently with them (then: ${why})`;
  return why;
}

function fillCause(index: number, live: Intent[], bt: Intent[], lf: FillSeen[], bf: FillSeen[], units?: ParityUnits): string {
  const at = (live[index] ?? bt[index])?.localTs ?? 0n;
  const before = (f: FillSeen[]) => f.filter((x) => x.localTs <= at + 1_000_000_000n);
  const a = before(lf);
  const b = before(bf);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i].priceTick !== b[i].priceTick || a[i].qtyLot !== b[i].qtyLot || a[i].side !== b[i].side || a[i].symbol !== b[i].symbol) {
      const fill = (f: FillSeen) => `${f.symbol ? `${f.symbol} ` : ''}${f.side} ${f.qtyLot} @ ${priceText(f.priceTick, units, f.symbol)}`;
      return `fill ${i + 1} came out differently: live ${fill(a[i])}, simulated ${fill(b[i])} (the venue's book moved within the latency, or the queue/fill model differs from the venue)`;
    }
  }
  if (a.length !== b.length)
    return `live had ${a.length === 1 ? '1 fill' : `${a.length} fills`} by then, the replay ${b.length}: the position differed, so the strategy was in another phase`;
  if (!live[index])
    return 'the backtest took a decision live did not: the live session ended (kill switch) or its clock/timer fired differently';
  if (!bt[index])
    return 'live took a decision the backtest did not: the data ends before it, or a timer/answer arrived in a different order';
  return "same fills so far: the decision inputs differed (a timer tick or an answer ordered differently around a signal, different settings, or a decision on queueAheadLot: live it is the tracker's estimate, while the replay on the session's recorded answers has no queue to estimate and reads NaN)";
}

export function compareIntents(
  live: Intent[],
  bt: Intent[],
  lf: FillSeen[],
  bf: FillSeen[],
  o: { toleranceNs?: bigint; units?: ParityUnits; changed?: ParamChange[] } = {},
): ParityReport {
  const toleranceNs = o.toleranceNs ?? 250_000_000n;
  const n = Math.max(live.length, bt.length);
  const deltas: number[] = [];
  let matched = 0;
  let divergence: ParityReport['divergence'] = null;
  for (let i = 0; i < n; i++) {
    const a = live[i] ?? null;
    const b = bt[i] ?? null;
    const d = a && b ? differs(a, b, toleranceNs, o.units) : ['missing'];
    if (d.length) {
      divergence = { index: i + 1, live: a, backtest: b, differs: d, cause: cause(i, live, bt, lf, bf, o.units, o.changed) };
      break;
    }
    matched++;
    deltas.push(Math.abs(Number(a!.localTs - b!.localTs)));
  }
  deltas.sort((x, y) => x - y);
  return {
    live: live.length,
    backtest: bt.length,
    matched,
    // no decision matched: no figure (null, n/a), not a zero
    timing: { maxNs: deltas.length ? deltas[deltas.length - 1] : null, medianNs: deltas.length ? deltas[deltas.length >> 1] : null },
    divergence,
    ...(o.changed?.length ? { changed: o.changed } : {}),
  };
}

export function formatParity(p: ParityReport, units?: ParityUnits): string {
  const lines = [
    `parity: ${p.matched} of ${p.live} live decisions matched (the backtest took ${p.backtest})`,
    // the same decision times are a condition of a match; what differs is how long live took to send the action
    p.timing.medianNs === null || p.timing.maxNs === null
      ? `  live's time from a decision to sending it: ${NA}, needs a matched decision`
      : `  live sent each action a median ${millis(p.timing.medianNs)} (max ${millis(p.timing.maxNs)}) after the signal or tick it was decided on; the backtest sends at once`,
  ];
  // a changed parameter is the likeliest cause of any divergence: said before anything else is read into it
  if (p.changed?.length) lines.splice(1, 0, `  the replay's parameters are not the session's: ${p.changed.map(changeText).join(', ')}`);
  if (p.session)
    lines.push(
      `  session: started ${p.session.startedUtc} (${p.session.file})${p.session.others ? `, its own orders only; the directory holds ${p.session.others === 1 ? '1 other session' : `${p.session.others} other sessions`} (--session NS picks one)` : ''}`,
    );
  const a = p.answers;
  if (a?.venue === 'recorded')
    lines.push(
      `  answers: the session's own, ${a.delivered} of ${a.recorded} handed to the replay where live had them` +
        (a.withheld ? `, ${a.withheld} withheld (an order the session placed otherwise)` : '') +
        (a.pending ? `, ${a.pending} not reached` : ''),
    );
  else if (a?.venue === 'simulated') lines.push('  answers: the simulated venue (the order log predates recorded answers)');
  const f = p.flatten;
  if (f && f.live > f.replay)
    lines.push(
      `  live's flatten: ${f.live} ${f.live === 1 ? 'fill' : 'fills'} (fees ${moneyIn(f.liveFeesQuote, units?.currency ?? 'quote')}) against the replay's ${f.replay}: the runtime's clean-up at the stop, not a strategy decision, so the replay's net leaves ${f.live - f.replay === 1 ? 'it' : 'them'} out`,
    );
  if (p.divergence) {
    const d = p.divergence;
    lines.push(`first divergence at decision ${d.index}: live ${show(d.live, units)} | backtest ${show(d.backtest, units)}`);
    lines.push(`  differs: ${d.differs.join('; ')}`);
    lines.push(`  cause:   ${d.cause}`);
  } else if (nothingCompared(p)) {
    lines.push(
      "nothing to compare: the session's order log holds no decision of the strategy's (was it recorded, with --record or demo --out, and did it place or cancel anything?) and the replay took none: parity is not shown",
    );
  } else {
    lines.push('no divergence: decision for decision the same');
  }
  return lines.join('\n');
}

/** No decision live and none in the replay: a check that compared nothing proves nothing. */
const nothingCompared = (p: ParityReport) => p.divergence === null && p.live === 0 && p.backtest === 0;

/**
 * The exit code of a --parity check: 3 it found a divergence, 1 it could not be made (nothing to compare: an empty
 * or unrecorded session is no proof of parity), 0 every decision matched.
 */
export function parityExitCode(p: ParityReport): 0 | 1 | 3 {
  return p.divergence !== null ? 3 : nothingCompared(p) ? 1 : 0;
}
