// The built-ins' parameters for the backtest benchmark's generated stream (./recording), shared by the bench child
// and the tests that replay the same stream.

// Trades often on the generated stream (about one order per 400 events, half of the fills maker): the venue and the
// strategy are part of what is measured, not idle beside it.
export const BENCH_STRATEGY = [
  'signal.source=l1',
  'entry.threshold=0.6',
  'exit.threshold=0',
  'entry.confirmCount=2',
  'hurdle.enabled=false',
  'entry.mode=passive',
  'exit.timeStopNs=5s',
  'gates.maxSpreadTicks=100000',
  'risk.maxDailyLossQuote=1e9',
];
/** signal-taker on the same stream: its entries need a touch no wider than the stream's. */
export const BENCH_SIGNAL_TAKER = ['maxSpreadTicks=100000', 'risk.maxDailyLossQuote=1e9'];
/**
 * mm-glft on the same stream: three levels a side working all the time (six orders, re-priced as the touch moves),
 * order-rate limits out of the way so the quotes follow the book, room for the inventory to swing.
 */
export const BENCH_MM_GLFT = [
  'levels=3',
  'maxPositionLot=20',
  'risk.maxPositionLot=20',
  'risk.maxOrdersPerSecond=1000',
  'risk.maxOrdersPerMinute=60000',
  'risk.maxDailyLossQuote=1e9',
];
