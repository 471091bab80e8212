// Live parity: the backtest of a recorded trading session must take the decisions the live session took, in the
// same order, with the same terms. The first divergence is reported with what differed and the likeliest cause
// (a fill that came out differently, a timer, a decision only one side took).
import type { Intent, OrderRecord } from './orders';
import { OrderEvent } from '../live/orderlog';
import { millis } from '../format/numbers';

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
  timing: { maxNs: number; medianNs: number };
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
}

const TERMS = ['symbol', 'type', 'side', 'priceTick', 'qtyLot', 'force', 'orderType', 'reduceOnly', 'order'] as const;

function differs(a: Intent, b: Intent, toleranceNs: bigint): string[] {
  const out: string[] = [];
  for (const k of TERMS) {
    const x = a[k];
    const y = b[k];
    // terms a recording did not keep (older order logs) are not compared
    if (x === undefined || y === undefined) continue;
    if (x !== y) out.push(`${k} ${String(x)} ≠ ${String(y)}`);
  }
  if (a.decidedTs !== undefined && b.decidedTs !== undefined) {
    // both know the strategy clock's time of the decision: it must be the very same signal or tick
    if (a.decidedTs !== b.decidedTs)
      out.push(
        `decided at ${a.decidedTs} ≠ ${b.decidedTs} on the strategy clock (${(Number(a.decidedTs - b.decidedTs) / 1e6).toFixed(3)} ms)`,
      );
    return out;
  }
  const dt = a.localTs > b.localTs ? a.localTs - b.localTs : b.localTs - a.localTs;
  if (dt > toleranceNs) out.push(`time differs by ${(Number(dt) / 1e6).toFixed(3)} ms`);
  return out;
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

const show = (i: Intent | null) =>
  i
    ? `${i.symbol ? `${i.symbol} ` : ''}${i.type}${i.side ? ` ${i.side}` : ''}${i.qtyLot ? ` ${i.qtyLot} lots` : ''}${i.priceTick ? ` @ ${i.priceTick}` : ''}${i.force ? ` ${i.force}` : ''} at ${i.localTs}`
    : 'nothing';

function cause(index: number, live: Intent[], bt: Intent[], lf: FillSeen[], bf: FillSeen[]): string {
  const at = (live[index] ?? bt[index])?.localTs ?? 0n;
  const before = (f: FillSeen[]) => f.filter((x) => x.localTs <= at + 1_000_000_000n);
  const a = before(lf);
  const b = before(bf);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i].priceTick !== b[i].priceTick || a[i].qtyLot !== b[i].qtyLot || a[i].side !== b[i].side || a[i].symbol !== b[i].symbol) {
      const fill = (f: FillSeen) => `${f.symbol ? `${f.symbol} ` : ''}${f.side} ${f.qtyLot} @ ${f.priceTick}`;
      return `fill ${i + 1} came out differently: live ${fill(a[i])}, simulated ${fill(b[i])} (the venue's book moved within the latency, or the queue/fill model differs from the venue)`;
    }
  }
  if (a.length !== b.length)
    return `live had ${a.length} fills by then, the simulation ${b.length}: the position differed, so the strategy was in another phase`;
  if (!live[index])
    return 'the backtest took a decision live did not: the live session ended (kill switch) or its clock/timer fired differently';
  if (!bt[index])
    return 'live took a decision the backtest did not: the data ends before it, or a timer/answer arrived in a different order';
  return 'same fills so far: the decision inputs differed (a timer tick or an answer ordered differently around a signal, or different settings)';
}

export function compareIntents(live: Intent[], bt: Intent[], lf: FillSeen[], bf: FillSeen[], toleranceNs = 250_000_000n): ParityReport {
  const n = Math.max(live.length, bt.length);
  const deltas: number[] = [];
  let matched = 0;
  let divergence: ParityReport['divergence'] = null;
  for (let i = 0; i < n; i++) {
    const a = live[i] ?? null;
    const b = bt[i] ?? null;
    const d = a && b ? differs(a, b, toleranceNs) : ['missing'];
    if (d.length) {
      divergence = { index: i + 1, live: a, backtest: b, differs: d, cause: cause(i, live, bt, lf, bf) };
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
    timing: { maxNs: deltas.length ? deltas[deltas.length - 1] : 0, medianNs: deltas.length ? deltas[deltas.length >> 1] : 0 },
    divergence,
  };
}

export function formatParity(p: ParityReport): string {
  const lines = [
    `parity: ${p.matched} of ${p.live} live decisions matched (the backtest took ${p.backtest})`,
    // the same decision times are a condition of a match; what differs is how long live took to send the action
    `  live sent each action a median ${millis(p.timing.medianNs)} (max ${millis(p.timing.maxNs)}) after the signal or tick it was decided on; the backtest sends at once`,
  ];
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
  if (p.divergence) {
    const d = p.divergence;
    lines.push(`first divergence at decision ${d.index}: live ${show(d.live)} | backtest ${show(d.backtest)}`);
    lines.push(`  differs: ${d.differs.join('; ')}`);
    lines.push(`  cause:   ${d.cause}`);
  } else {
    lines.push('no divergence: decision for decision the same');
  }
  return lines.join('\n');
}
