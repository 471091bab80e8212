// The contract between the strategy state machine (src/fsm) and whatever executes its orders: the live Bitget
// gateway (src/gateway), the local exchange, or the backtest's simulated exchange. Prices in integer ticks, sizes in
// integer lots, times in ns (bigint) — the machine never reads a clock; ids come from the caller.

export type Side = 'buy' | 'sell';
export type TimeInForce = 'gtc' | 'ioc' | 'fok' | 'post_only';

/** What the machine asks the executor to do. */
export type Action =
  | {
      type: 'place';
      clientOid: string;
      side: Side;
      orderType: 'limit' | 'market';
      priceTick?: number;
      qtyLot: number;
      force: TimeInForce;
      reduceOnly: boolean;
    }
  | { type: 'cancel'; clientOid: string }
  | { type: 'cancelAll' }
  /** Ask the venue for the truth: open orders and position (after a disconnect or an unknown order state). */
  | { type: 'reconcile' }
  /** Close any position with a reduce-only market order (kill switch, risk breach with flatten on). */
  | { type: 'flatten' }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** What the executor (and the market) tell the machine. */
export type Event =
  /** A signal snapshot: the strategy decides from it (fields as in docs/signals.md, prices in ticks). */
  | {
      type: 'signal';
      localTs: bigint;
      exchTs: bigint;
      valid: boolean;
      bestBid: number;
      bestAsk: number;
      bidQty: number;
      askQty: number;
      l1: number;
      obiN: number;
      ofiNorm: number;
      z: number;
      zReady: boolean;
      feedLatencyNs: number;
    }
  | { type: 'ack'; clientOid: string; orderId: string }
  | { type: 'reject'; clientOid: string; code: string; message: string; retryable: boolean }
  | {
      type: 'fill';
      clientOid: string;
      tradeId: string;
      side: Side;
      priceTick: number;
      qtyLot: number;
      feeQuote: number;
      maker: boolean;
      remainingLot: number;
    }
  | { type: 'cancelAck'; clientOid: string }
  | { type: 'cancelReject'; clientOid: string; code: string; message: string }
  /** The private stream or the REST connection dropped: order state is unknown until reconciled. */
  | { type: 'disconnect'; reason: string }
  /** The venue's truth after a reconcile: signed position in lots and the open orders by clientOid. */
  | { type: 'resynced'; positionLot: number; openOrders: Array<{ clientOid: string; side: Side; priceTick: number; remainingLot: number }> }
  /**
   * Market data health from the pipeline (status records): the book is not trustworthy until it recovers.
   * clockOffsetNs (optional, added for the risk check): the latest local − exchange clock offset estimate, in ns.
   */
  | { type: 'marketHealth'; ok: boolean; reason: string; clockOffsetNs?: number }
  /** The clock moved (timers: ack/work timeouts, cooldown, time stop). */
  | { type: 'tick'; nowNs: bigint }
  | { type: 'killSwitch'; flatten: boolean }
  | { type: 'manualReset' };
