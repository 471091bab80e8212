// One replay run over a decoded recording: the backtest (core + strategy runtime + simulated venue) fed in slices
// that always end on a market-message boundary, so the replay can stop anywhere a user can see (a time, the next
// message) and carry on later with the same result as an uninterrupted run: Backtest.feed accepts any split of the
// rows in recording order, and the metrics at the end are those `ringbook backtest` prints for the same settings.
// No DOM and no timers: the worker decides when to feed, and Node tests can drive it directly.
import { Backtest, NO_LIMIT, type BacktestCore } from '../backtest/run';
import { columnsToRecords } from '../capture/parquet/reader';
import { instrumentOf, signalsOf } from '../backtest/setup';
import { computeMetrics, type Metrics } from '../backtest/metrics';
import { recordedFundingSetting, settlementsOn } from '../backtest/funding';
import type { Columns } from '../capture/schema';
import type { RecordedSeries } from '../backtest/trace';
import type { Event } from '../strategy/events';
import type { Market } from '../strategy/api';
import type { StrategyRuntime } from '../strategy/runtime';
import { defaultSignalParams, type SignalParams } from '../core/index';
import type { Recording } from './recording';
import type { RunSettings } from './params';

export interface SessionHooks {
  /** Every book message as the strategy gets it (before it handles it), with the runtime. */
  onBook?(m: Market, rt: StrategyRuntime): void;
  /** Every venue event with its instrument (0 for one symbol). */
  onEvent?(localNs: bigint, e: Event, inst: number): void;
  /** Rows [from, to) were just fed. */
  onRows?(from: number, to: number): void;
}

export type ResettableCore = BacktestCore & { reset(signals: Partial<SignalParams>): void };

export class ReplaySession {
  readonly bt: Backtest;
  /** The next row to feed. */
  cursor = 0;
  /** Complete market messages fed, and own fills seen by the strategy. */
  messages = 0;
  fills = 0;
  /** Own fills per instrument (one entry for one symbol). */
  readonly fillsOf: number[];
  metrics: Metrics | null = null;
  /** What the strategy recorded with ctx.record (once finish() ran). */
  records: RecordedSeries[] = [];
  private readonly core: ResettableCore;
  /** The runtime's flatten and halt cancel-all, apart from the strategy's orders (the metrics' ratios). */

  constructor(
    readonly rec: Recording,
    bc: ResettableCore,
    s: RunSettings,
    private readonly hooks: SessionHooks = {},
  ) {
    this.core = bc;
    this.fillsOf = new Array<number>(rec.instruments?.length ?? 1).fill(0);
    // the CLI passes no signal parameters without --parity: the strategy's choice over the core's defaults
    const signals = signalsOf(s.strategy.definition, s.strategy.params);
    bc.reset(signals);
    // several symbols: one core instrument each, set up as `backtest --symbols` sets them up (src/backtest/backtest.ts)
    const instruments = rec.instruments?.map((it) => instrumentOf(it.grid, it.symbol, s.fees));
    // recorded funding, each instrument its own ticker's, as `backtest` charges it (src/backtest/backtest.ts)
    const grids = rec.instruments?.map((it) => it.grid) ?? [rec.grid];
    const recorded = rec.funding?.some((f) => f.kind === 'recorded') ?? false;
    const funding = !recorded
      ? {}
      : instruments
        ? { fundingSettlementsOf: grids.map((g, i) => settlementsOn(rec.funding![i], g)) }
        : { fundingSettlements: settlementsOn(rec.funding![0], rec.grid) };
    this.bt = new Backtest(bc, {
      strategy: { ...s.strategy, ofiLevels: signals.ofiLevels ?? defaultSignalParams.ofiLevels },
      instrument: instruments?.[0] ?? instrumentOf(rec.grid, rec.meta.symbol ?? 'BTCUSDT', s.fees),
      instruments,
      latency: s.latency,
      queue: s.queue,
      partialFills: s.partialFills,
      sampleNs: s.sampleNs,
      ...funding,
      onRuntime: (rt) => {
        if (hooks.onBook) rt.observer = (m) => hooks.onBook!(m, rt);
      },
      onEvent: (t, e, inst) => {
        if (e.type === 'fill') {
          this.fills++;
          this.fillsOf[inst]++;
        }
        hooks.onEvent?.(t, e, inst);
      },
    });
  }

  /** Every row fed (the run is over once finish() ran). */
  get atEnd(): boolean {
    return this.cursor >= this.rec.rows;
  }

  /** Local time of the last row fed, relative ns (0 before the first). */
  get relNs(): number {
    return this.cursor > 0 ? this.rec.rel[this.cursor - 1] : 0;
  }

  /** Local time of the last row fed, ns since the epoch (the first row's before anything was fed). */
  get localNs(): bigint {
    return this.cursor > 0 ? (this.rec.cols.local_ts as BigInt64Array)[this.cursor - 1] : this.rec.firstNs;
  }

  /** One past the last record of the message that row `i` belongs to. */
  messageEnd(i: number): number {
    const { msgEnd } = this.rec;
    let e = i;
    while (msgEnd[e] === 0) e++;
    return e + 1;
  }

  /**
   * Where a slice from the cursor ends: whole messages whose last record is at or before `boundRel`, stopping once
   * `maxRows` are covered. Equal to the cursor when the next message lies beyond the bound.
   */
  sliceEnd(boundRel: number, maxRows = Infinity): number {
    const { rows, rel } = this.rec;
    let end = this.cursor;
    while (end < rows && end - this.cursor < maxRows) {
      const e = this.messageEnd(end);
      if (rel[e - 1] > boundRel) break;
      end = e;
    }
    return end;
  }

  /** Feeds rows [cursor, end). */
  feedTo(end: number): void {
    const from = this.cursor;
    if (end <= from) return;
    if (this.rec.inst) this.feedMerged(from, end);
    else {
      const part: Columns = {};
      for (const k in this.rec.cols) part[k] = this.rec.cols[k].subarray(from, end) as Int32Array | BigInt64Array;
      this.bt.feed(part, end - from);
    }
    const { msgEnd } = this.rec;
    let m = 0;
    for (let i = from; i < end; i++) m += msgEnd[i];
    this.messages += m;
    this.cursor = end;
    this.hooks.onRows?.(from, end);
  }

  /**
   * Several symbols: the rows are already in merged order (./merged-recording), so each run of one instrument's rows
   * goes to the backtest as that instrument's, whole (feedMerged without a limit), through the staging area.
   */
  private feedMerged(from: number, end: number): void {
    const inst = this.rec.inst!;
    const { core, staging, stagingRecords } = this.core;
    const cols = this.rec.cols;
    for (let a = from; a < end && !this.bt.done;) {
      const k = inst[a];
      let b = a + 1;
      while (b < end && b - a < stagingRecords && inst[b] === k) b++;
      const part: Columns = {};
      for (const c in cols) part[c] = cols[c].subarray(a, b) as Int32Array | BigInt64Array;
      columnsToRecords(part, b - a, core.words, staging >> 2, this.core.insts?.[k].idx ?? k);
      this.bt.feedMerged(k, staging, b - a, 0, 0, NO_LIMIT);
      a = b;
    }
  }

  /** Feeds the next whole message; false at the end of the data. */
  step(): boolean {
    if (this.atEnd) return false;
    this.feedTo(this.messageEnd(this.cursor));
    return true;
  }

  /** Ends the run (once): the trace's metrics, as `ringbook backtest --json` prints them for the same files. */
  finish(): Metrics {
    if (!this.metrics) {
      const trace = this.bt.finish({ files: this.rec.files });
      const symbols = this.rec.instruments?.map((it) => it.symbol) ?? [this.rec.meta.symbol ?? ''];
      const described = recordedFundingSetting(
        symbols.map((symbol, i) => ({ symbol, funding: this.rec.funding?.[i] })),
        trace.fundingSettlements?.length ?? 0,
      );
      // recorded funding replaces the flat rate in the settings, in words, as in `ringbook backtest`
      if (described) {
        delete trace.settings.fundingRate;
        trace.settings.funding = described;
      }
      this.records = trace.strategy?.records ?? [];
      this.metrics = computeMetrics(trace);
    }
    return this.metrics;
  }
}
