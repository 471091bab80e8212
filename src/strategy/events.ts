// The contract between the strategy runtime (./runtime) and whatever executes its orders: the live Bitget gateway
// (src/gateway), the local exchange, or the backtest's simulated exchange. Prices in integer ticks, sizes in integer
// lots; the runtime never reads a clock and makes clientOids from its run tag, so a replay of the same events asks for
// the same actions, bit for bit. Market data does not travel here: the runtime reads book messages in place (views).

export type Side = 'buy' | 'sell';
export type TimeInForce = 'gtc' | 'ioc' | 'fok' | 'post_only';

/** What the runtime asks the executor to do, in order. */
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
  /** A new price and/or total size for a working limit order (answered by amendAck or amendReject). */
  | { type: 'amend'; clientOid: string; priceTick?: number; qtyLot?: number }
  | { type: 'cancelAll' }
  /** Ask the venue for the truth: open orders and position (after a disconnect or an unknown order state). */
  | { type: 'reconcile' }
  /** Close any position with a reduce-only market order (kill switch, risk breach with flatten on). */
  | { type: 'flatten' };

/** What the executor (and the market data pipeline, the operator) tell the runtime. */
export type Event =
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
  | { type: 'amendAck'; clientOid: string; priceTick: number; qtyLot: number }
  | { type: 'amendReject'; clientOid: string; code: string; message: string }
  /** The private stream or the REST connection dropped: order state is unknown until reconciled. */
  | { type: 'disconnect'; reason: string }
  /** The venue's truth after a reconcile: signed position in lots and the open orders by clientOid. */
  | { type: 'resynced'; positionLot: number; openOrders: Array<{ clientOid: string; side: Side; priceTick: number; remainingLot: number }> }
  /**
   * Market data health from the pipeline (status records): the book is not trustworthy until it recovers.
   * clockOffsetNs (optional, for the risk check): the latest local − exchange clock offset estimate, in ns.
   */
  | { type: 'marketHealth'; ok: boolean; reason: string; clockOffsetNs?: number }
  /**
   * A new estimate of our clock minus the venue's, in ns (the recorder's, measured again every --clock-every): the next
   * risk check holds it to risk.maxClockOffsetNs. A backtest replays the recording's estimates where they were made.
   */
  | { type: 'clockOffset'; offsetNs: number }
  /** The operator's stop: cancel all, flatten when asked, halt. */
  | { type: 'killSwitch'; flatten: boolean }
  /** The operator's reset of a halt (refused, with the reasons logged, unless it is safe to trade again). */
  | { type: 'manualReset' };
