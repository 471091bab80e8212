// Tick-to-trade, hop by hop: the stages a market message passes from the exchange's send to our order arriving
// back at the exchange, and a board of one histogram per hop on shared memory.
//
// WHEN TO USE: a trading session makes one board (`HopBoard.create()`), hands `board.buffer` to the threads that
// record, and any thread reads `board.summaries()` (status lines, summaries, `bench latency`, a metrics exporter).
// The interface a metrics exporter needs is `board.histograms()`: each hop's name, meaning and histogram.
import { LatencyHistogram, HIST_WORDS, type HistogramSummary } from './histogram';

/** The measured hops, in the order a message passes them; `cumulative` ones span several. */
export const HOPS = [
  { name: 'exchange→socket', doc: "the exchange's send to our socket read (the local exchange's stamps)" },
  { name: 'decode', doc: 'socket read → records on the market ring (frame decoding, continuity checks)' },
  { name: 'ring→engine', doc: 'market ring → the engine picks the message up (a thread hand-off, 0 on one thread)' },
  { name: 'book+signals', doc: 'the core applies the message to the book and computes the signals' },
  { name: 'ring→strategy', doc: 'signal ring → the strategy picks the signal up (a thread hand-off, 0 on one thread)' },
  // The runtime's pre-trade risk checks run inside this step, not after it: the message's check before the strategy's
  // handler, and each order's check inside ctx.place, whose answer (null when refused) the handler reads on. There is
  // no moment between a decision and its check to stamp, so they are one hop.
  { name: 'strategy', doc: "the strategy decides on the message, the runtime's pre-trade risk checks included" },
  { name: 'gateway→wire', doc: "the order request's bytes handed to the socket (signing, request building, write)" },
  { name: 'wire→exchange', doc: 'our socket write → the exchange has the request (the local exchange’s stamps)' },
  { name: 'tick→decision', doc: 'socket read → decision (decode … strategy)', cumulative: true },
  { name: 'tick→wire', doc: 'socket read → the order on the wire', cumulative: true },
  { name: 'exchange→decision', doc: "the exchange's send → decision", cumulative: true },
  { name: 'exchange→wire', doc: "the exchange's send → the order on the wire", cumulative: true },
  {
    name: 'exchange→exchange',
    doc: "the exchange's send → our order at the exchange (tick-to-trade as the venue sees it)",
    cumulative: true,
  },
] as const;

export type HopName = (typeof HOPS)[number]['name'];

export const HOP_INDEX: Readonly<Record<HopName, number>> = Object.fromEntries(HOPS.map((h, i) => [h.name, i])) as Record<HopName, number>;

export class HopBoard {
  private readonly hists: LatencyHistogram[];

  private constructor(readonly buffer: SharedArrayBuffer | ArrayBuffer) {
    this.hists = HOPS.map((_, i) => new LatencyHistogram(new Float64Array(buffer, i * HIST_WORDS * 8, HIST_WORDS)));
  }

  /** A zeroed board on a SharedArrayBuffer (or private memory where there is none). */
  static create(): HopBoard {
    const bytes = HOPS.length * HIST_WORDS * 8;
    return new HopBoard(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /** The same board on another thread. */
  static attach(buffer: SharedArrayBuffer | ArrayBuffer): HopBoard {
    return new HopBoard(buffer);
  }

  hist(name: HopName): LatencyHistogram {
    return this.hists[HOP_INDEX[name]];
  }

  record(name: HopName, ns: number): void {
    this.hists[HOP_INDEX[name]].record(ns);
  }

  reset(): void {
    for (const h of this.hists) h.reset();
  }

  /** Every hop with its meaning and histogram (for exporters): recorded or not. */
  histograms(): Array<{ name: HopName; doc: string; cumulative: boolean; histogram: LatencyHistogram }> {
    return HOPS.map((h, i) => ({ name: h.name, doc: h.doc, cumulative: 'cumulative' in h && h.cumulative, histogram: this.hists[i] }));
  }

  /** Percentiles of every hop that has samples, in ns. */
  summaries(): Partial<Record<HopName, HistogramSummary>> {
    const out: Partial<Record<HopName, HistogramSummary>> = {};
    HOPS.forEach((h, i) => {
      const s = this.hists[i].copy();
      if (s.count > 0) out[h.name] = s.summary();
    });
    return out;
  }
}
