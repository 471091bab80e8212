// lead-lag: trades one instrument on another's order flow, to copy. The leader (BTCUSDT) moves first; when its order
// flow stays beyond ±threshold for `confirm` of its book messages in a row, the follower (ETHUSDT) is taken at its
// touch with an IOC order in the same direction, before its own book has caught up. The position is closed at market
// after `holdNs`, or sooner when the leader's flow turns against it. One position at a time; the runtime's risk gate
// sits under every order. Run it with both symbols: `ringbook demo --symbols BTCUSDT,ETHUSDT --strategy lead-lag`.
//
// To follow another pair, change LEADER and FOLLOWER: the declared instruments are what the run must have, and the
// runtime refuses an order on the watched one.
import { defineStrategy, type Market } from 'ringbook';

const LEADER = 'BTCUSDT';
const FOLLOWER = 'ETHUSDT';

export default defineStrategy({
  name: 'lead-lag',
  description: `Trades ${FOLLOWER} (IOC at the touch) when ${LEADER}'s order flow stays beyond ±threshold; exits after a hold time or when the leader turns.`,
  // the leader is only watched (its book and signals are read), the follower is the one traded
  instruments: { trade: [FOLLOWER], watch: [LEADER] },
  params: {
    signal: {
      type: 'choice',
      default: 'ofiNorm',
      values: ['ofiNorm', 'z', 'obiW', 'l1'],
      description: "the leader's signal: its order-flow imbalance (ofiNorm), that flow's z-score (z), or a book imbalance",
    },
    threshold: {
      type: 'number',
      default: 0.5,
      greaterThan: 0,
      max: 100,
      unit: 'x',
      description: "enter beyond ±threshold of the leader's signal",
    },
    confirm: { type: 'integer', default: 3, min: 1, max: 1000, unit: 'messages', description: "the leader's messages in a row beyond it" },
    sizeLot: { type: 'integer', default: 1, min: 1, max: 1e9, unit: 'lots', description: 'size of each entry on the follower' },
    holdNs: { type: 'duration', default: 2e9, min: 1e6, max: 3_600e9, description: 'exit this long after the entry filled' },
    exitOnTurn: { type: 'boolean', default: true, description: "exit as soon as the leader's flow is confirmed the other way" },
    maxSpreadTicks: {
      type: 'integer',
      default: 2,
      min: 1,
      max: 1e9,
      unit: 'ticks',
      description: "enter only while the follower's spread is at most this",
    },
    maxLagNs: {
      type: 'duration',
      default: 1e9,
      min: 1e6,
      max: 60e9,
      description: "enter only while the follower's last book message is at most this much older than the leader's",
    },
  },
  create(ctx) {
    const p = ctx.params;
    const leader = ctx.market(LEADER);
    const follower = ctx.market(FOLLOWER);
    let run = 0; // the leader's messages in a row beyond +threshold (> 0) or −threshold (< 0)

    const exit = (why: string) => {
      const lot = follower.position.lot;
      if (lot === 0 || follower.orders.length > 0) return;
      ctx.place({ symbol: FOLLOWER, side: lot > 0 ? 'sell' : 'buy', type: 'market', sizeLot: Math.abs(lot), reduceOnly: true, tag: why });
    };

    return {
      onBook(m: Market) {
        // the follower's own messages only keep its view fresh: decisions are taken on the leader's
        if (m !== leader) return;
        const x = m.book.valid && (p.signal !== 'z' || m.signals.zReady) ? m.signals[p.signal] : NaN;
        run = x >= p.threshold ? Math.max(run, 0) + 1 : x <= -p.threshold ? Math.min(run, 0) - 1 : 0;
        if (Math.abs(run) < p.confirm) return;
        const lot = follower.position.lot;
        if (lot !== 0) {
          if (p.exitOnTurn && Math.sign(run) !== Math.sign(lot)) exit('turned');
          return;
        }
        const f = follower.book;
        if (follower.orders.length > 0 || !f.valid || !follower.healthy || f.spreadTicks > p.maxSpreadTicks) return;
        if (m.localNs - follower.localNs > p.maxLagNs) return ctx.count('lead-lag.followerStale');
        const buy = run > 0;
        const price = buy ? f.bestAskTick : f.bestBidTick;
        if (
          ctx.place({
            symbol: FOLLOWER,
            side: buy ? 'buy' : 'sell',
            sizeLot: p.sizeLot,
            priceTick: price,
            timeInForce: 'ioc',
            tag: 'entry',
          })
        )
          ctx.record('leader x at entry', x);
      },
      onOrder(u) {
        if (u.order.tag === 'entry' && (u.kind === 'filled' || u.kind === 'partiallyFilled')) ctx.setTimer('hold', p.holdNs);
      },
      onTimer() {
        exit('hold');
      },
      phase() {
        return follower.position.lot !== 0 ? 'IN_POSITION' : follower.orders.length > 0 ? 'PENDING' : 'IDLE';
      },
    };
  },
});
