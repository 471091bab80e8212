// signal-taker: the shortest useful strategy on the API, to copy. Takes the touch with an IOC order when a book
// imbalance stays beyond ±threshold for `confirm` messages in a row, and gets out at market after `holdNs` or as soon
// as the imbalance turns against the position. One position at a time; the runtime's risk gate sits under every order.
import { defineStrategy, type Market } from 'ringbook';

export default defineStrategy({
  name: 'signal-taker',
  description: 'Takes the touch (IOC) when a book imbalance stays beyond ±threshold; exits at market after a hold time or when it turns.',
  // one position and one state for the run's only instrument (ctx.market() without a symbol)
  instruments: { single: true },
  params: {
    signal: { type: 'choice', default: 'obiW', values: ['obiW', 'obiN', 'l1', 'ofiNorm'], description: 'the imbalance traded' },
    threshold: { type: 'number', default: 0.5, greaterThan: 0, unit: 'x', description: 'enter beyond ±threshold' },
    confirm: { type: 'integer', default: 3, min: 1, max: 1000, unit: 'messages', description: 'messages in a row beyond it' },
    sizeLot: { type: 'integer', default: 1, min: 1, max: 1e9, unit: 'lots', description: 'size of each entry' },
    holdNs: { type: 'duration', default: 2e9, min: 1e6, description: 'exit this long after the entry filled' },
    maxSpreadTicks: {
      type: 'integer',
      default: 2,
      min: 1,
      max: 1e9,
      unit: 'ticks',
      description: 'enter only while the spread is at most this',
    },
  },
  create(ctx) {
    const p = ctx.params;
    let run = 0; // messages in a row beyond +threshold (> 0) or −threshold (< 0)

    const exit = (m: Market, why: string) => {
      const lot = m.position.lot;
      if (lot === 0 || m.orders.length > 0) return;
      ctx.place({ side: lot > 0 ? 'sell' : 'buy', type: 'market', sizeLot: Math.abs(lot), reduceOnly: true, tag: why });
    };

    return {
      onBook(m) {
        const x = m.book.valid ? m.signals[p.signal] : NaN;
        run = x >= p.threshold ? Math.max(run, 0) + 1 : x <= -p.threshold ? Math.min(run, 0) - 1 : 0;
        const lot = m.position.lot;
        if (lot !== 0) {
          if (run !== 0 && Math.sign(run) !== Math.sign(lot)) exit(m, 'turned');
          return;
        }
        if (m.orders.length > 0 || Math.abs(run) < p.confirm || m.book.spreadTicks > p.maxSpreadTicks) return;
        const buy = run > 0;
        const price = buy ? m.book.bestAskTick : m.book.bestBidTick;
        if (ctx.place({ side: buy ? 'buy' : 'sell', sizeLot: p.sizeLot, priceTick: price, timeInForce: 'ioc', tag: 'entry' }))
          ctx.record('entry x', x);
      },
      onOrder(u) {
        if (u.order.tag === 'entry' && (u.kind === 'filled' || u.kind === 'partiallyFilled')) ctx.setTimer('hold', p.holdNs);
      },
      onTimer() {
        exit(ctx.market(), 'hold');
      },
    };
  },
});
