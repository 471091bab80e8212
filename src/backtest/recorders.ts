// What the backtest loop (run.ts) records besides fills and trades, on the loop's clock: the markout of each fill
// at each horizon, the equity / position / mid series sampled every `sampleNs` of local time (halving its resolution
// past `maxSamples`, so memory stays bounded whatever the data's length), and funding: at each recorded settlement
// with its recorded rate and mark (./funding), or else a flat rate at each 8 h settlement.
// The loop calls `advance` only when `t` has reached nextSample, nextFunding or nextMark (three comparisons it makes
// itself, inline), so most events cost nothing here.
import { grown } from './columns';
import { equityQuote } from '../strategy/risk';
import { newPosition, type PositionState } from '../strategy/position';
import type { Markouts, Series } from './trace';
import { fundingReceived, fundingReceivedAtMid, type Settlement, type SettlementRow } from './funding';
import { decimalText } from '../feed/ticker';

const FUNDING_NS = 8 * 3600e9;

export interface RecorderOptions {
  /** Equity/position sampling interval (local clock); the series halves its resolution past `maxSamples`. */
  sampleNs?: number;
  maxSamples?: number;
  markoutNs?: readonly number[];
  /** Funding rate per 8 h settlement (00:00, 08:00, 16:00 UTC), paid by longs when positive. */
  fundingRate?: number;
  /**
   * Recorded settlements (exchange time, rate, mark), charged instead of `fundingRate` when given; `lot` is the
   * recording's lot (size_step units of 10^−size_scale) for the exact charge.
   */
  fundingSettlements?: { settlements: readonly Settlement[]; lot: { step: bigint; scale: number } };
}

/**
 * One horizon's markouts waiting for their time, in due order, as columns: a fill's markouts wait up to the longest
 * horizon (a minute), long enough to outlive many young-generation collections, so they are numbers in typed arrays,
 * not an object each.
 */
class MarkQueue {
  due = new Float64Array(256);
  /** The fill's number (its index in the markouts). */
  fill = new Int32Array(256);
  dir = new Float64Array(256);
  price = new Float64Array(256);
  head = 0;
  tail = 0;

  push(due: number, fill: number, dir: number, price: number): void {
    if (this.tail === this.due.length) this.room();
    const i = this.tail++;
    this.due[i] = due;
    this.fill[i] = fill;
    this.dir[i] = dir;
    this.price[i] = price;
  }

  /** Moves the waiting entries to the front, or doubles the columns when most of them are waiting. */
  private room(): void {
    const { head, tail } = this;
    const n = tail - head;
    if (n * 2 > this.due.length) {
      const cap = this.due.length * 2;
      this.fill = grown(this.fill, cap, head, tail);
      this.due = grown(this.due, cap, head, tail);
      this.dir = grown(this.dir, cap, head, tail);
      this.price = grown(this.price, cap, head, tail);
    } else {
      this.due.copyWithin(0, head, tail);
      this.fill.copyWithin(0, head, tail);
      this.dir.copyWithin(0, head, tail);
      this.price.copyWithin(0, head, tail);
    }
    this.head = 0;
    this.tail = n;
  }
}

export class Recorders {
  /** The next sample, funding settlement and markout due on the loop's clock (Infinity: none). */
  nextSample = 0;
  nextFunding = Infinity;
  /** Earliest markout due, Infinity with none pending. */
  nextMark = Infinity;
  private base = 0n;
  private readonly markoutNs: readonly number[];
  /**
   * Each horizon's markout per fill (NaN until due), the first `fills` values of each column: typed columns, so a market
   * maker's hundred thousand fills are not copied by the collector each time the arrays grow or it runs.
   */
  private readonly markouts: Float64Array[];
  private fills = 0;
  // One queue per horizon: fills arrive in time order, so each queue is due-ordered and only its head is checked.
  private readonly pendingMarks: MarkQueue[] = [];
  private sampleNs: number;
  private readonly maxSamples: number;
  /** Sample times on the loop's clock (ns since the run's first record): made ns since the epoch at the end, not a bigint each. */
  private sT: number[] = [];
  private sEq: number[] = [];
  private sPos: number[] = [];
  private sMid: number[] = [];
  private funding = 0;
  /** The next recorded settlement to charge (an index into fundingSettlements), and what each charge was. */
  private settleAt = 0;
  private readonly charged: SettlementRow[] = [];

  /** The position sampled (the runtime's, once the run starts). */
  private position: PositionState = newPosition();
  /**
   * Lots of fills the venue made before exchange time `t` (the loop's clock) whose answers are still on their way: the
   * venue charges funding on the position its fills' stamps give at the settlement, answered or not (null: none).
   */
  inFlightLot: ((t: number) => number) | null = null;

  constructor(
    private readonly tickLotQuote: number,
    private readonly o: RecorderOptions,
  ) {
    this.markoutNs = o.markoutNs ?? [1e9, 10e9, 60e9];
    this.markouts = this.markoutNs.map(() => new Float64Array(1024));
    for (let h = 0; h < this.markoutNs.length; h++) this.pendingMarks.push(new MarkQueue());
    this.sampleNs = o.sampleNs ?? 1e9;
    this.maxSamples = o.maxSamples ?? 65536;
  }

  /** The loop's clock starts at `base` (ns since the epoch): the first sample is due now, funding at the next 8 h. */
  /**
   * The run's clock starts at `base` (the first record); samples and funding from `from` on (--from: the records before
   * it only build the book, nothing trades there).
   */
  start(base: bigint, position: PositionState, from = base): void {
    this.base = base;
    this.position = position;
    this.nextSample = from > base ? Number(from - base) : 0;
    const rec = this.o.fundingSettlements;
    if (rec) {
      // settlements before the first record (or the window) find no position to charge
      while (this.settleAt < rec.settlements.length && rec.settlements[this.settleAt].atNs < (from > base ? from : base)) this.settleAt++;
      this.nextFunding = this.settleAt < rec.settlements.length ? Number(rec.settlements[this.settleAt].atNs - base) : Infinity;
    } else if (this.o.fundingRate) {
      const f = from > base ? from : base;
      this.nextFunding = Number(f - base) + FUNDING_NS - Number(((f % BigInt(FUNDING_NS)) + BigInt(FUNDING_NS)) % BigInt(FUNDING_NS));
    }
  }

  /** Fill number `fill` at local time `t`, at `priceTick`, a buy (dir 1) or a sell (-1): its markouts fall due later. */
  fill(t: number, fill: number, dir: number, priceTick: number): void {
    const n = this.fills++;
    // grown in place: a new outer array (map()'s) has another elements kind, and the loops reading it deoptimize
    if (n === this.markouts[0]?.length) for (let h = 0; h < this.markouts.length; h++) this.markouts[h] = grown(this.markouts[h], 2 * n);
    for (let h = 0; h < this.markoutNs.length; h++) {
      this.markouts[h][n] = NaN;
      this.pendingMarks[h].push(t + this.markoutNs[h], fill, dir, priceTick);
      if (t + this.markoutNs[h] < this.nextMark) this.nextMark = t + this.markoutNs[h];
    }
  }

  /** Samples, funding and markouts due up to local time `t`, with the state (and `mid`) as it was before `t`. */
  advance(t: number, mid: number): void {
    while (this.nextSample <= t) {
      const at = this.nextSample;
      this.sample(at, mid);
      this.nextSample = (Math.floor(at / this.sampleNs) + 1) * this.sampleNs;
    }
    while (this.nextFunding <= t) {
      if (this.o.fundingSettlements) {
        this.settle(mid);
        continue;
      }
      const pos = this.heldAt(this.nextFunding);
      if (pos !== 0 && mid === mid) this.funding -= pos * mid * this.tickLotQuote * (this.o.fundingRate ?? 0);
      this.charged.push({
        atNs: this.absNs(this.nextFunding),
        rate: String(this.o.fundingRate ?? 0),
        mark: '',
        positionLot: pos,
        quoteText: '',
        quote: pos !== 0 && mid === mid ? -pos * mid * this.tickLotQuote * (this.o.fundingRate ?? 0) : 0,
      });
      this.nextFunding += FUNDING_NS;
    }
    for (let h = 0; h < this.pendingMarks.length; h++) {
      const q = this.pendingMarks[h];
      const m = this.markouts[h];
      let i = q.head;
      while (i < q.tail && q.due[i] <= t) {
        m[q.fill[i]] = q.dir[i] * (mid - q.price[i]);
        i++;
      }
      q.head = i;
    }
    this.earliestMark();
  }

  /** The position at exchange time `t`: the fills answered so far, and those made before `t` still on their way. */
  private heldAt(t: number): number {
    return this.position.lot + (this.inFlightLot === null ? 0 : this.inFlightLot(t));
  }

  /** The recorded settlement due now: charged on the position held, at the recorded mark (the mid when none was). */
  private settle(mid: number): void {
    const rec = this.o.fundingSettlements!;
    const s = rec.settlements[this.settleAt++];
    const pos = this.heldAt(this.nextFunding);
    let row: SettlementRow;
    if (s.mark) {
      const r = pos !== 0 ? fundingReceived(pos, rec.lot, s.mark, s.rate) : { text: '0', quote: 0 };
      row = { atNs: s.atNs, rate: decimalText(s.rate), mark: decimalText(s.mark), positionLot: pos, quoteText: r.text, quote: r.quote };
    } else {
      const q = pos !== 0 && mid === mid ? fundingReceivedAtMid(pos, this.tickLotQuote, mid, s.rate) : 0;
      row = { atNs: s.atNs, rate: decimalText(s.rate), mark: '', positionLot: pos, quoteText: '', quote: q };
    }
    this.funding += row.quote;
    this.charged.push(row);
    this.nextFunding = this.settleAt < rec.settlements.length ? Number(rec.settlements[this.settleAt].atNs - this.base) : Infinity;
  }

  /** The final sample (the state at `end`, the end of the data) and everything recorded, for the trace. */
  finish(end: number, mid: number): { markouts: Markouts; series: Series; fundingQuote: number; fundingSettlements: SettlementRow[] } {
    this.sT.push(end);
    this.sEq.push(this.equity(mid));
    this.sPos.push(this.position.lot);
    this.sMid.push(mid);
    const len = this.sT.length;
    return {
      markouts: { horizonsNs: this.markoutNs, ticks: this.markouts.map((a) => a.slice(0, this.fills)) },
      series: {
        intervalNs: this.sampleNs,
        ts: BigInt64Array.from(this.sT, (t) => this.absNs(t)),
        equityQuote: Float64Array.from(this.sEq),
        positionLot: Float64Array.from(this.sPos),
        midTick: Float64Array.from(this.sMid),
        length: len,
      },
      fundingQuote: this.funding,
      fundingSettlements: this.charged,
    };
  }

  /** nextMark from the queues' heads (written to the field: a double returned by a call not inlined is a new heap number). */
  private earliestMark(): void {
    let due = Infinity;
    for (let h = 0; h < this.pendingMarks.length; h++) {
      const q = this.pendingMarks[h];
      if (q.head < q.tail && q.due[q.head] < due) due = q.due[q.head];
    }
    this.nextMark = due;
  }

  private absNs(t: number): bigint {
    return this.base + BigInt(Math.round(t));
  }

  private equity(mid: number): number {
    const m = mid === mid ? mid : null;
    return equityQuote(this.position, m, this.tickLotQuote) + this.funding;
  }

  private sample(t: number, mid: number): void {
    this.sT.push(t);
    this.sEq.push(this.equity(mid));
    this.sPos.push(this.position.lot);
    this.sMid.push(mid);
    if (this.sT.length >= this.maxSamples) {
      // Bounded memory whatever the data's length: keep every other sample (those on the doubled grid) and double
      // the interval.
      const keep = <T>(a: T[]) => a.filter((_, i) => i % 2 === 0);
      this.sT = keep(this.sT);
      this.sEq = keep(this.sEq);
      this.sPos = keep(this.sPos);
      this.sMid = keep(this.sMid);
      this.sampleNs *= 2;
    }
  }
}
