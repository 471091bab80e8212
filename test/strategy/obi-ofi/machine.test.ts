// The §3.3 transition table, one row per transition and guard: the setup walks a machine into `from` through real
// events, `act` sends the event, and the row names the actions (logs left out) and the state it must end in.
// Numbers: book 1000/1001 unless a row says otherwise, entries at 1001, TP 20 / SL 10 ticks, θ_in 2, θ_out 0.5.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Phase } from '../../../src/strategy/builtins/obi-ofi/index';
import { cooldown, Driver, entryPending, entryWorking, exitPending, halted, idle, inPosition, MS, reconcile } from './helpers';

interface Row {
  from: Phase;
  event: string;
  guard: string;
  setup: () => Driver;
  act: (d: Driver) => string[];
  expect: string[];
  to: Phase;
  check?: (d: Driver) => void;
}

const disconnect = (d: Driver) => d.send({ type: 'disconnect', reason: 'private ws closed' });
const kill = (flatten: boolean) => (d: Driver) => d.send({ type: 'killSwitch', flatten });
const reset = (d: Driver) => d.send({ type: 'manualReset' });
const EXIT_IOC = 'place sell limit ioc 1000x1 ro';
const EXIT_MKT = 'place sell market ioc x1 ro';

const rows: Row[] = [
  // ---- IDLE ------------------------------------------------------------------------------------------------------
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER(long)',
    guard: 'gates ok, edge 5 > cost 2.2006',
    setup: () => idle(),
    act: (d) => d.sig({ z: 3 }),
    expect: ['place buy limit ioc 1001x1'],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER(short)',
    guard: 'gates ok, edge −5 beats cost',
    setup: () => idle(),
    act: (d) => d.sig({ z: -3, ofiNorm: -5 }),
    expect: ['place sell limit ioc 1000x1'],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER(long)',
    guard: 'passive mode: post_only at our touch',
    setup: () => idle(['entry.mode=passive']),
    act: (d) => d.sig({ z: 3 }),
    expect: ['place buy limit post_only 1000x1'],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER(long)',
    guard: 'source l1: x = l1 directly',
    setup: () => idle(['signal.source=l1', 'entry.threshold=0.6', 'exit.threshold=0.1']),
    act: (d) => d.sig({ l1: 0.7, z: 0 }),
    expect: ['place buy limit ioc 1001x1'],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'IDLE',
    event: 'signal beyond θ_in',
    guard: 'debounce: 1 of 2 samples',
    setup: () => idle(['entry.confirmCount=2']),
    act: (d) => d.sig({ z: 3 }),
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'IDLE',
    event: 'signal beyond θ_in',
    guard: 'z not ready',
    setup: () => idle(),
    act: (d) => d.sig({ z: 3, zReady: false }),
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER',
    guard: 'gate: data stale (signal 600 ms old)',
    setup: () => idle(),
    act: (d) => {
      d.tick(600);
      return d.sig({ z: 3, localTs: d.now - 600n * MS }, 0);
    },
    expect: [],
    to: 'IDLE',
    check: (d) => assert.is(d.state.counters['gate.stale'], 1),
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER',
    guard: 'gate: feed latency 300 ms > 250 ms band',
    setup: () => idle(),
    act: (d) => d.sig({ z: 3, feedLatencyNs: 300_000_000 }),
    expect: [],
    to: 'IDLE',
    check: (d) => assert.is(d.state.counters['gate.feedLatency'], 1),
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER',
    guard: 'gate: spread 6 > 5 ticks',
    setup: () => idle(),
    act: (d) => d.sig({ z: 3, bestAsk: 1006, ofiNorm: 50 }),
    expect: [],
    to: 'IDLE',
    check: (d) => assert.is(d.state.counters['gate.spread'], 1),
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER',
    guard: 'gate: book resync in progress',
    setup: () => {
      const d = idle();
      d.health(false);
      return d;
    },
    act: (d) => d.sig({ z: 3 }),
    expect: [],
    to: 'IDLE',
    check: (d) => assert.is(d.state.counters['gate.unhealthy'], 1),
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER',
    guard: 'edge 2.2 ≤ cost 2.2006',
    setup: () => idle(),
    act: (d) => d.sig({ z: 3, ofiNorm: 2.2 }),
    expect: [],
    to: 'IDLE',
    check: (d) => assert.is(d.state.counters.hurdle, 1),
  },
  {
    from: 'IDLE',
    event: 'SIGNAL_ENTER',
    guard: 'pre-trade risk: 1 order/s already used',
    setup: () => {
      const d = entryPending(['risk.maxOrdersPerSecond=1']);
      d.reject('rb-t-1', true);
      return d;
    },
    act: (d) => d.sig({ z: 3 }),
    expect: [],
    to: 'IDLE',
    check: (d) => assert.is(d.state.counters['risk.denied'], 1),
  },
  // ---- ENTRY_PENDING ---------------------------------------------------------------------------------------------
  {
    from: 'ENTRY_PENDING',
    event: 'ACK',
    guard: '–',
    setup: () => entryPending(),
    act: (d) => d.ack('rb-t-1'),
    expect: [],
    to: 'ENTRY_PENDING',
    check: (d) => assert.is(d.state.orders.get('rb-t-1')!.workUntilNs, d.now + 2000n * MS),
  },
  {
    from: 'ENTRY_PENDING',
    event: 'REJECT',
    guard: 'not retryable',
    setup: () => entryPending(),
    act: (d) => d.reject('rb-t-1', false),
    expect: [],
    to: 'COOLDOWN',
    check: (d) => assert.equal(d.logs('warn').length, 1),
  },
  {
    from: 'ENTRY_PENDING',
    event: 'REJECT',
    guard: 'post-only would cross',
    setup: () => entryPending(['entry.mode=passive']),
    act: (d) => d.reject('rb-t-1', false, '43011'),
    expect: [],
    to: 'COOLDOWN',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'REJECT',
    guard: 'retryable',
    setup: () => entryPending(),
    act: (d) => d.reject('rb-t-1', true),
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'PARTIAL_FILL',
    guard: '–',
    setup: () => entryWorking(['entry.qtyLot=2']),
    act: (d) => d.fill('rb-t-1', 'buy', 1001, 1, 1),
    expect: [],
    to: 'ENTRY_PENDING',
    check: (d) => {
      assert.is(d.state.position.lot, 1);
      assert.is(d.state.trade.entryNs, d.now);
    },
  },
  {
    from: 'ENTRY_PENDING',
    event: 'SL_HIT on the filled part',
    guard: 'bid 991 ≤ 1001 − 10',
    setup: () => {
      const d = entryWorking(['entry.qtyLot=2']);
      d.fill('rb-t-1', 'buy', 1001, 1, 1);
      return d;
    },
    act: (d) => d.sig({ z: 3, bestBid: 991, bestAsk: 992 }),
    expect: ['cancel rb-t-1'],
    to: 'ENTRY_PENDING',
    check: (d) => assert.is(d.state.trade.pendingExit, 'stopLoss'),
  },
  {
    from: 'ENTRY_PENDING',
    event: 'FILL',
    guard: '–',
    setup: () => entryWorking(),
    act: (d) => d.fill('rb-t-1', 'buy', 1001, 1, 0),
    expect: [],
    to: 'IN_POSITION',
    check: (d) => assert.is(d.state.trade.entryNs, d.now),
  },
  {
    from: 'ENTRY_PENDING',
    event: 'FILL',
    guard: 'no ack first (IOC fills at once)',
    setup: () => entryPending(),
    act: (d) => d.fill('rb-t-1', 'buy', 1001, 1, 0),
    expect: [],
    to: 'IN_POSITION',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'TIMEOUT_WORK',
    guard: 'acked 2 s ago',
    setup: () => entryWorking(),
    act: (d) => d.tick(2000),
    expect: ['cancel rb-t-1'],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'signal decays below θ_out',
    guard: 'acked',
    setup: () => entryWorking(),
    act: (d) => d.sig({ z: 0.4 }),
    expect: ['cancel rb-t-1'],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'signal decays below θ_out',
    guard: 'place in flight: cancel deferred',
    setup: () => entryPending(),
    act: (d) => d.sig({ z: 0.4 }),
    expect: [],
    to: 'ENTRY_PENDING',
    check: (d) => assert.is(d.state.orders.get('rb-t-1')!.cancelWanted, true),
  },
  {
    from: 'ENTRY_PENDING',
    event: 'ACK',
    guard: 'cancel deferred → sent now',
    setup: () => {
      const d = entryPending();
      d.sig({ z: 0.4 });
      return d;
    },
    act: (d) => d.ack('rb-t-1'),
    expect: ['cancel rb-t-1'],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'TIMEOUT_WORK again',
    guard: 'cancel in flight: no second cancel',
    setup: () => {
      const d = entryWorking();
      d.tick(2000);
      return d;
    },
    act: (d) => d.tick(500),
    expect: [],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'CANCEL_ACK',
    guard: 'pos == 0',
    setup: () => {
      const d = entryWorking();
      d.tick(2000);
      return d;
    },
    act: (d) => d.cancelAck('rb-t-1'),
    expect: [],
    to: 'COOLDOWN',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'CANCEL_ACK',
    guard: 'pos ≠ 0',
    setup: () => {
      const d = entryWorking(['entry.qtyLot=2']);
      d.fill('rb-t-1', 'buy', 1001, 1, 1);
      d.tick(2000);
      return d;
    },
    act: (d) => d.cancelAck('rb-t-1'),
    expect: [],
    to: 'IN_POSITION',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'CANCEL_ACK',
    guard: 'pos ≠ 0, stop-loss armed → exit at once',
    setup: () => {
      const d = entryWorking(['entry.qtyLot=2']);
      d.fill('rb-t-1', 'buy', 1001, 1, 1);
      d.sig({ z: 3, bestBid: 991, bestAsk: 992 });
      return d;
    },
    act: (d) => d.cancelAck('rb-t-1'),
    expect: [EXIT_MKT],
    to: 'EXIT_PENDING',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'CANCEL_ACK',
    guard: 'venue cancelled an unfilled IOC',
    setup: () => entryWorking(),
    act: (d) => d.cancelAck('rb-t-1'),
    expect: [],
    to: 'COOLDOWN',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'CANCEL_REJECT (already filled)',
    guard: '–',
    setup: () => {
      const d = entryWorking();
      d.tick(2000);
      return d;
    },
    act: (d) => d.cancelReject('rb-t-1'),
    expect: [],
    to: 'ENTRY_PENDING',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'FILL after CANCEL_REJECT',
    guard: '–',
    setup: () => {
      const d = entryWorking();
      d.tick(2000);
      d.cancelReject('rb-t-1');
      return d;
    },
    act: (d) => d.fill('rb-t-1', 'buy', 1001, 1, 0),
    expect: [],
    to: 'IN_POSITION',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'no fill report T_ack after CANCEL_REJECT',
    guard: '–',
    setup: () => {
      const d = entryWorking();
      d.tick(2000);
      d.cancelReject('rb-t-1');
      return d;
    },
    act: (d) => d.tick(2000),
    expect: ['reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'TIMEOUT_ACK',
    guard: 'no ack 2 s after the place',
    setup: () => entryPending(),
    act: (d) => d.tick(2000),
    expect: ['reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'TIMEOUT_ACK',
    guard: 'cancel unanswered 2 s',
    setup: () => {
      const d = entryWorking();
      d.tick(2000);
      return d;
    },
    act: (d) => d.tick(2000),
    expect: ['reconcile'],
    to: 'RECONCILE',
  },
  // ---- IN_POSITION -----------------------------------------------------------------------------------------------
  {
    from: 'IN_POSITION',
    event: 'signal beyond θ_out',
    guard: 'hold',
    setup: () => inPosition(),
    act: (d) => d.sig({ z: 0.6 }),
    expect: [],
    to: 'IN_POSITION',
  },
  {
    from: 'IN_POSITION',
    event: 'SIGNAL_EXIT',
    guard: 'z 0.5 ≤ θ_out',
    setup: () => inPosition(),
    act: (d) => d.sig({ z: 0.5 }),
    expect: [EXIT_IOC],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitReason, 'signal'),
  },
  {
    from: 'IN_POSITION',
    event: 'TP_HIT',
    guard: 'bid 1021 ≥ 1001 + 20',
    setup: () => inPosition(),
    act: (d) => d.sig({ z: 3, bestBid: 1021, bestAsk: 1022 }),
    expect: ['place sell limit ioc 1021x1 ro'],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitReason, 'takeProfit'),
  },
  {
    from: 'IN_POSITION',
    event: 'TP not hit',
    guard: 'bid 1020',
    setup: () => inPosition(),
    act: (d) => d.sig({ z: 3, bestBid: 1020, bestAsk: 1021 }),
    expect: [],
    to: 'IN_POSITION',
  },
  {
    from: 'IN_POSITION',
    event: 'SL_HIT',
    guard: 'bid 991 ≤ 1001 − 10: market',
    setup: () => inPosition(),
    act: (d) => d.sig({ z: 3, bestBid: 991, bestAsk: 992 }),
    expect: [EXIT_MKT],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitReason, 'stopLoss'),
  },
  {
    from: 'IN_POSITION',
    event: 'SL_HIT',
    guard: 'stopLossMarket off: IOC',
    setup: () => inPosition(['exit.stopLossMarket=false']),
    act: (d) => d.sig({ z: 3, bestBid: 991, bestAsk: 992 }),
    expect: ['place sell limit ioc 991x1 ro'],
    to: 'EXIT_PENDING',
  },
  {
    from: 'IN_POSITION',
    event: 'TIME_STOP',
    guard: '3 s after the first fill',
    setup: () => inPosition(['exit.timeStopNs=3s']),
    act: (d) => d.tick(3000),
    expect: [EXIT_IOC],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitReason, 'timeStop'),
  },
  {
    from: 'IN_POSITION',
    event: 'tick',
    guard: 'time stop not reached',
    setup: () => inPosition(['exit.timeStopNs=3s']),
    act: (d) => d.tick(2990),
    expect: [],
    to: 'IN_POSITION',
  },
  {
    from: 'IN_POSITION',
    event: 'TRAILING_STOP',
    guard: 'best bid 1006 (≥ +5 armed), bid 1003: 3 back',
    setup: () => {
      const d = inPosition(['exit.trailingTicks=3', 'exit.trailingActivationTicks=5']);
      d.sig({ z: 3, bestBid: 1006, bestAsk: 1007 });
      return d;
    },
    act: (d) => d.sig({ z: 3, bestBid: 1003, bestAsk: 1004 }),
    expect: ['place sell limit ioc 1003x1 ro'],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitReason, 'trailing'),
  },
  {
    from: 'IN_POSITION',
    event: 'SIGNAL_ENTER(opposite)',
    guard: 'reversal allowed: exit first',
    setup: () => inPosition(),
    act: (d) => d.sig({ z: -3 }),
    expect: [EXIT_IOC],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitReason, 'reversal'),
  },
  {
    from: 'IN_POSITION',
    event: 'SIGNAL_ENTER(opposite)',
    guard: 'reversal not allowed: plain signal exit',
    setup: () => inPosition(['entry.allowReversal=false']),
    act: (d) => d.sig({ z: -3 }),
    expect: [EXIT_IOC],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitReason, 'signal'),
  },
  {
    from: 'IN_POSITION',
    event: 'FILL closing it (flatten / external)',
    guard: 'pos → 0',
    setup: () => inPosition(),
    act: (d) => d.fill('flat-1', 'sell', 1000, 1, 0),
    expect: [],
    to: 'COOLDOWN',
  },
  // ---- EXIT_PENDING ----------------------------------------------------------------------------------------------
  {
    from: 'EXIT_PENDING',
    event: 'PARTIAL_FILL',
    guard: '–',
    setup: () => exitPending([], 2),
    act: (d) => d.fill('rb-t-2', 'sell', 1000, 1, 1),
    expect: [],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.position.lot, 1),
  },
  {
    from: 'EXIT_PENDING',
    event: 'FILL and pos == 0',
    guard: 'book the trade, T_cool 1 s',
    setup: () => exitPending(),
    act: (d) => d.fill('rb-t-2', 'sell', 1000, 1, 0, 0.06),
    expect: [],
    to: 'COOLDOWN',
    check: (d) => {
      assert.is(d.state.trades, 1);
      assert.is(d.state.lastTrade!.realisedTickLot, -1);
      assert.is(d.state.lastTrade!.feesQuote, 0.06);
      assert.is(d.state.cooldownUntilNs, d.now + 1000n * MS);
    },
  },
  {
    from: 'EXIT_PENDING',
    event: 'FILL and pos == 0',
    guard: 'after a stop-loss: T_cool 10 s',
    setup: () => {
      const d = inPosition();
      d.sig({ z: 3, bestBid: 991, bestAsk: 992 });
      return d;
    },
    act: (d) => d.fill('rb-t-2', 'sell', 990, 1, 0),
    expect: [],
    to: 'COOLDOWN',
    check: (d) => {
      assert.is(d.state.cooldownUntilNs, d.now + 10_000n * MS);
      assert.is(d.state.lastTrade!.realisedTickLot, -11);
    },
  },
  {
    from: 'EXIT_PENDING',
    event: 'REJECT',
    guard: 'retries 0 < R 3: re-send at market',
    setup: () => exitPending(),
    act: (d) => d.reject('rb-t-2'),
    expect: [EXIT_MKT],
    to: 'EXIT_PENDING',
    check: (d) => assert.is(d.state.trade.exitRetries, 1),
  },
  {
    from: 'EXIT_PENDING',
    event: 'REJECT',
    guard: 'iocAttempts 2: re-send IOC 2 ticks deeper',
    setup: () => exitPending(['exit.iocAttempts=2', 'exit.escalateTicks=2']),
    act: (d) => d.reject('rb-t-2'),
    expect: ['place sell limit ioc 998x1 ro'],
    to: 'EXIT_PENDING',
  },
  {
    from: 'EXIT_PENDING',
    event: 'IOC remainder cancelled by the venue',
    guard: 'retries < R',
    setup: () => {
      const d = exitPending([], 2);
      d.ack('rb-t-2');
      d.fill('rb-t-2', 'sell', 1000, 1, 1);
      return d;
    },
    act: (d) => d.cancelAck('rb-t-2'),
    expect: [EXIT_MKT],
    to: 'EXIT_PENDING',
  },
  {
    from: 'EXIT_PENDING',
    event: 'TIMEOUT',
    guard: 'retries < R: cancel first',
    setup: () => {
      const d = exitPending();
      d.ack('rb-t-2');
      return d;
    },
    act: (d) => d.tick(1000),
    expect: ['cancel rb-t-2'],
    to: 'EXIT_PENDING',
  },
  {
    from: 'EXIT_PENDING',
    event: 'CANCEL_ACK of the timed-out exit',
    guard: 'retries < R: re-send at market',
    setup: () => {
      const d = exitPending();
      d.ack('rb-t-2');
      d.tick(1000);
      return d;
    },
    act: (d) => d.cancelAck('rb-t-2'),
    expect: [EXIT_MKT],
    to: 'EXIT_PENDING',
  },
  {
    from: 'EXIT_PENDING',
    event: 'REJECT',
    guard: 'retries 3 ≥ R 3: cancel all, alert',
    setup: () => {
      const d = exitPending();
      d.reject('rb-t-2');
      d.reject('rb-t-3');
      d.reject('rb-t-4');
      return d;
    },
    act: (d) => d.reject('rb-t-5'),
    expect: ['cancelAll'],
    to: 'HALTED',
    check: (d) => assert.ok(d.logs('error').length === 1),
  },
  {
    from: 'EXIT_PENDING',
    event: 'TIMEOUT',
    guard: 'retries 0 ≥ R 0: cancel all',
    setup: () => {
      const d = exitPending(['exit.maxRetries=0']);
      d.ack('rb-t-2');
      return d;
    },
    act: (d) => d.tick(1000),
    expect: ['cancelAll'],
    to: 'HALTED',
  },
  // ---- COOLDOWN --------------------------------------------------------------------------------------------------
  {
    from: 'COOLDOWN',
    event: 'tick',
    guard: 'T_cool not over',
    setup: () => cooldown(),
    act: (d) => d.tick(999),
    expect: [],
    to: 'COOLDOWN',
  },
  { from: 'COOLDOWN', event: 'COOLDOWN_EXPIRED', guard: '–', setup: () => cooldown(), act: (d) => d.tick(1000), expect: [], to: 'IDLE' },
  {
    from: 'COOLDOWN',
    event: 'COOLDOWN_EXPIRED on a signal',
    guard: 'no entry in the same event',
    setup: () => cooldown(),
    act: (d) => d.sig({ z: 3 }, 1000),
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'COOLDOWN',
    event: 'COOLDOWN_EXPIRED',
    guard: '|z| 1.2 ≥ θ_reset 1',
    setup: () => cooldown(['cooldown.resetThreshold=1']),
    act: (d) => d.sig({ z: 1.2 }, 1000),
    expect: [],
    to: 'COOLDOWN',
  },
  {
    from: 'COOLDOWN',
    event: 'COOLDOWN_EXPIRED',
    guard: '|z| 0.9 < θ_reset 1',
    setup: () => cooldown(['cooldown.resetThreshold=1']),
    act: (d) => d.sig({ z: 0.9 }, 1000),
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'COOLDOWN',
    event: 'FILL after CANCEL_ACK',
    guard: 'late entry fill',
    setup: () => {
      const d = entryWorking();
      d.tick(2000);
      d.cancelAck('rb-t-1');
      return d;
    },
    act: (d) => d.fill('rb-t-1', 'buy', 1001, 1, 0),
    expect: [],
    to: 'IN_POSITION',
  },
  // ---- any: RISK_BREACH ------------------------------------------------------------------------------------------
  {
    from: 'IDLE',
    event: 'RISK_BREACH',
    guard: 'feed latency 3 s > 2 s',
    setup: () => idle(),
    act: (d) => d.sig({ feedLatencyNs: 3_000_000_000 }),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
    check: (d) => assert.is(d.state.counters['breach.feedLatency'], 1),
  },
  {
    from: 'IDLE',
    event: 'RISK_BREACH',
    guard: 'flattenOnBreach off',
    setup: () => idle(['risk.flattenOnBreach=false']),
    act: (d) => d.sig({ feedLatencyNs: -2_000_000_000 }),
    expect: ['cancelAll'],
    to: 'HALTED',
  },
  {
    from: 'IDLE',
    event: 'RISK_BREACH',
    guard: 'clock offset 300 ms > 250 ms',
    setup: () => idle(),
    act: (d) => d.health(true, 300_000_000),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'RISK_BREACH',
    guard: 'stale data 5.001 s while exposed',
    setup: () => entryWorking(['entry.workTimeoutNs=1h', 'orders.ackTimeoutNs=1h']),
    act: (d) => d.tick(5001),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
    check: (d) => assert.is(d.state.counters['breach.staleData'], 1),
  },
  {
    from: 'IDLE',
    event: 'tick',
    guard: 'stale data while flat is only a gate',
    setup: () => idle(),
    act: (d) => d.tick(60_000),
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'RISK_BREACH',
    guard: 'position: overfill 11 > 10 lots',
    setup: () => entryWorking(),
    act: (d) => d.fill('rb-t-1', 'buy', 1001, 11, 0),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
    check: (d) => assert.is(d.state.counters['breach.position'], 1),
  },
  {
    from: 'IN_POSITION',
    event: 'RISK_BREACH',
    guard: 'notional 1600 > 1500 ticks·lots',
    setup: () => inPosition(['risk.maxNotionalTickLot=1500']),
    act: (d) => d.sig({ z: 3, bestBid: 1600, bestAsk: 1601 }),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  {
    from: 'IN_POSITION',
    event: 'RISK_BREACH',
    guard: 'daily loss 0.0011 > 0.001 quote (bid 990)',
    setup: () => inPosition(['risk.maxDailyLossQuote=0.001']),
    act: (d) => d.sig({ z: 3, bestBid: 990, bestAsk: 991 }),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
    check: (d) => assert.is(d.state.counters['breach.dailyLoss'], 1),
  },
  {
    from: 'EXIT_PENDING',
    event: 'RISK_BREACH',
    guard: 'daily loss 0.0011 > 0.001 booked by the closing fill (flat, no orders left)',
    setup: () => exitPending(['risk.maxDailyLossQuote=0.001']),
    act: (d) => d.fill('rb-t-2', 'sell', 990, 1, 0),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
    check: (d) => assert.is(d.state.counters['breach.dailyLoss'], 1),
  },
  {
    from: 'EXIT_PENDING',
    event: 'RISK_BREACH',
    guard: 'feed latency',
    setup: () => exitPending(),
    act: (d) => d.sig({ feedLatencyNs: 3_000_000_000 }),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  {
    from: 'COOLDOWN',
    event: 'RISK_BREACH',
    guard: 'clock offset',
    setup: () => cooldown(),
    act: (d) => d.health(true, -400_000_000),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  {
    from: 'RECONCILE',
    event: 'RISK_BREACH',
    guard: 'feed latency',
    setup: () => reconcile(),
    act: (d) => d.sig({ feedLatencyNs: 3_000_000_000 }),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  // ---- any: DISCONNECT -------------------------------------------------------------------------------------------
  {
    from: 'IDLE',
    event: 'DISCONNECT',
    guard: '–',
    setup: () => idle(),
    act: disconnect,
    expect: ['cancelAll', 'reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'ENTRY_PENDING',
    event: 'DISCONNECT',
    guard: '–',
    setup: () => entryWorking(),
    act: disconnect,
    expect: ['cancelAll', 'reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'IN_POSITION',
    event: 'DISCONNECT',
    guard: '–',
    setup: () => inPosition(),
    act: disconnect,
    expect: ['cancelAll', 'reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'EXIT_PENDING',
    event: 'DISCONNECT',
    guard: '–',
    setup: () => exitPending(),
    act: disconnect,
    expect: ['cancelAll', 'reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'COOLDOWN',
    event: 'DISCONNECT',
    guard: '–',
    setup: () => cooldown(),
    act: disconnect,
    expect: ['cancelAll', 'reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'RECONCILE',
    event: 'DISCONNECT',
    guard: 'again',
    setup: () => reconcile(),
    act: disconnect,
    expect: ['cancelAll', 'reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'HALTED',
    event: 'DISCONNECT',
    guard: 'stays halted',
    setup: () => halted(),
    act: disconnect,
    expect: ['cancelAll', 'reconcile'],
    to: 'HALTED',
  },
  // ---- RECONCILE -------------------------------------------------------------------------------------------------
  {
    from: 'RECONCILE',
    event: 'RESYNCED',
    guard: 'flat & no orders',
    setup: () => reconcile(),
    act: (d) => d.resynced(0),
    expect: [],
    to: 'COOLDOWN',
  },
  {
    from: 'RECONCILE',
    event: 'RESYNCED',
    guard: 'pos ≠ 0 (matches fills)',
    setup: () => {
      const d = inPosition();
      disconnect(d);
      return d;
    },
    act: (d) => d.resynced(1),
    expect: [],
    to: 'IN_POSITION',
  },
  {
    from: 'RECONCILE',
    event: 'RESYNCED',
    guard: 'mismatch: venue 1 lot, fills 0',
    setup: () => reconcile(),
    act: (d) => d.resynced(1),
    expect: ['cancelAll'],
    to: 'HALTED',
    check: (d) => assert.is(d.state.venueMismatch, true),
  },
  {
    from: 'RECONCILE',
    event: 'RESYNCED',
    guard: 'mismatch: an order we never sent',
    setup: () => reconcile(),
    act: (d) => d.resynced(0, [{ clientOid: 'zz-1' }]),
    expect: ['cancelAll'],
    to: 'HALTED',
  },
  {
    from: 'RECONCILE',
    event: 'RESYNCED',
    guard: 'our order still open: cancel all, ask again',
    setup: () => {
      const d = entryWorking();
      disconnect(d);
      return d;
    },
    act: (d) => d.resynced(0, [{ clientOid: 'rb-t-1' }]),
    expect: ['cancelAll', 'reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'RECONCILE',
    event: 'RESYNCED',
    guard: 'ack-timeout entry gone at the venue',
    setup: () => {
      const d = entryPending();
      d.tick(2000);
      return d;
    },
    act: (d) => d.resynced(0),
    expect: [],
    to: 'COOLDOWN',
    check: (d) => assert.is(d.state.orders.size, 0),
  },
  {
    from: 'RECONCILE',
    event: 'no RESYNCED for 5 s',
    guard: 'attempt 1 < 3: ask again',
    setup: () => reconcile(),
    act: (d) => d.tick(5000),
    expect: ['reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'RECONCILE',
    event: 'no RESYNCED for 5 s',
    guard: 'attempt 3 ≥ 3',
    setup: () => {
      const d = reconcile();
      d.tick(5000);
      d.tick(5000);
      return d;
    },
    act: (d) => d.tick(5000),
    expect: ['cancelAll'],
    to: 'HALTED',
  },
  {
    from: 'RECONCILE',
    event: 'signal beyond θ_in',
    guard: 'signals frozen',
    setup: () => reconcile(),
    act: (d) => d.sig({ z: 3 }),
    expect: [],
    to: 'RECONCILE',
  },
  // ---- HALTED ----------------------------------------------------------------------------------------------------
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'flat, risk ok, data healthy',
    setup: () => halted(),
    act: reset,
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'not flat',
    setup: () => {
      const d = inPosition();
      kill(false)(d);
      return d;
    },
    act: reset,
    expect: [],
    to: 'HALTED',
    check: (d) => assert.match(d.logs('warn')[0], /not flat/),
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'data unhealthy',
    setup: () => {
      const d = halted();
      d.health(false);
      return d;
    },
    act: reset,
    expect: [],
    to: 'HALTED',
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'data stale (10 s)',
    setup: () => {
      const d = halted();
      d.tick(10_000);
      return d;
    },
    act: reset,
    expect: [],
    to: 'HALTED',
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'clock offset still out of band',
    setup: () => {
      const d = idle();
      d.health(true, 300_000_000);
      d.sig({});
      return d;
    },
    act: reset,
    expect: [],
    to: 'HALTED',
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'daily loss still past the limit',
    setup: () => {
      const d = inPosition(['risk.maxDailyLossQuote=0.001']);
      d.sig({ z: 3, bestBid: 990, bestAsk: 991 });
      d.fill('flat-1', 'sell', 990, 1, 0);
      d.sig({});
      return d;
    },
    act: reset,
    expect: [],
    to: 'HALTED',
    check: (d) => assert.match(d.logs('warn')[0], /daily loss/),
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'orders unconfirmed: reconcile requested',
    setup: () => {
      const d = entryWorking();
      kill(false)(d);
      return d;
    },
    act: reset,
    expect: ['reconcile'],
    to: 'HALTED',
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'after RESYNCED confirms the orders gone',
    setup: () => {
      const d = entryWorking();
      kill(false)(d);
      reset(d);
      d.resynced(0);
      return d;
    },
    act: reset,
    expect: [],
    to: 'IDLE',
  },
  {
    from: 'HALTED',
    event: 'MANUAL_RESET',
    guard: 'venue mismatch',
    setup: () => {
      const d = reconcile();
      d.resynced(1);
      return d;
    },
    act: reset,
    expect: [],
    to: 'HALTED',
  },
  {
    from: 'HALTED',
    event: 'signal beyond θ_in',
    guard: 'no trading',
    setup: () => halted(),
    act: (d) => d.sig({ z: 3 }),
    expect: [],
    to: 'HALTED',
  },
  // ---- any: kill switch ------------------------------------------------------------------------------------------
  { from: 'IDLE', event: 'killSwitch', guard: 'flatten false', setup: () => idle(), act: kill(false), expect: ['cancelAll'], to: 'HALTED' },
  {
    from: 'IN_POSITION',
    event: 'killSwitch',
    guard: 'flatten true',
    setup: () => inPosition(),
    act: kill(true),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  {
    from: 'EXIT_PENDING',
    event: 'killSwitch',
    guard: 'flatten true',
    setup: () => exitPending(),
    act: kill(true),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  { from: 'RECONCILE', event: 'killSwitch', guard: '–', setup: () => reconcile(), act: kill(false), expect: ['cancelAll'], to: 'HALTED' },
  {
    from: 'HALTED',
    event: 'killSwitch',
    guard: 'again (re-issued)',
    setup: () => halted(),
    act: kill(true),
    expect: ['cancelAll', 'flatten'],
    to: 'HALTED',
  },
  // ---- unsolicited resync (a reconcile the gateway ran of its own accord) ----------------------------------------------------
  {
    from: 'IDLE',
    event: 'RESYNCED (unsolicited)',
    guard: 'agrees',
    setup: () => idle(),
    act: (d) => d.resynced(0),
    expect: [],
    to: 'IDLE',
  },
  {
    // a fill report may still be on its way (an order cancelled as it traded): asked again before trusting it
    from: 'IN_POSITION',
    event: 'RESYNCED (unsolicited)',
    guard: 'venue 2 lots ≠ fills 1',
    setup: () => inPosition(),
    act: (d) => d.resynced(2),
    expect: ['reconcile'],
    to: 'RECONCILE',
  },
  {
    from: 'IN_POSITION',
    event: 'RESYNCED (unsolicited), then RESYNCED',
    guard: 'venue 2 lots ≠ fills 1, twice',
    setup: () => inPosition(),
    act: (d) => [...d.resynced(2), ...d.resynced(2)],
    expect: ['reconcile', 'cancelAll'],
    to: 'HALTED',
    check: (d) => assert.is(d.state.venueMismatch, true),
  },
  {
    from: 'ENTRY_PENDING',
    event: 'RESYNCED (unsolicited)',
    guard: 'order in flight: not comparable',
    setup: () => entryPending(),
    act: (d) => d.resynced(5),
    expect: [],
    to: 'ENTRY_PENDING',
  },
];

for (const r of rows) {
  test(`${r.from} --${r.event} [${r.guard}]--> ${r.to}`, () => {
    const d = r.setup();
    assert.is(d.phase, r.from, 'setup reached the from-state');
    const got = r.act(d);
    assert.equal(got, r.expect);
    assert.is(d.phase, r.to);
    r.check?.(d);
  });
}

test('every §3.3 state is a from-state and a to-state of some row', () => {
  const froms = new Set(rows.map((r) => r.from));
  const tos = new Set(rows.map((r) => r.to));
  for (const p of ['IDLE', 'ENTRY_PENDING', 'IN_POSITION', 'EXIT_PENDING', 'COOLDOWN', 'RECONCILE', 'HALTED'] as Phase[]) {
    assert.ok(froms.has(p), `from ${p}`);
    assert.ok(tos.has(p), `to ${p}`);
  }
});

// ---- scenarios that span several transitions -----------------------------------------------------------------------

test('round trip: a fill after a cancelAck still moves the position; the exit closes all of it', () => {
  const d = entryWorking(['entry.qtyLot=2']);
  d.fill('rb-t-1', 'buy', 1001, 1, 1);
  assert.equal(d.sig({ z: 0.2 }), ['cancel rb-t-1']);
  assert.equal(d.cancelAck('rb-t-1'), []);
  assert.is(d.phase, 'IN_POSITION');
  assert.equal(d.fill('rb-t-1', 'buy', 1002, 1, 0), [], 'late fill: no new order');
  assert.is(d.state.position.lot, 2);
  assert.is(d.state.position.costTickLot, 2003);
  assert.equal(d.sig({ z: 0.2 }), ['place sell limit ioc 1000x2 ro']);
});

test('a late entry fill during EXIT_PENDING: the exit fills in full, the rest is exited without counting a retry', () => {
  const d = entryWorking(['entry.qtyLot=2']);
  d.fill('rb-t-1', 'buy', 1001, 1, 1);
  d.sig({ z: 0.2 });
  d.cancelAck('rb-t-1');
  d.sig({ z: 0.2 }); // exit rb-t-2 for 1 lot
  d.fill('rb-t-1', 'buy', 1001, 1, 0); // late
  assert.equal(d.fill('rb-t-2', 'sell', 1000, 1, 0), [EXIT_IOC]);
  assert.is(d.state.trade.exitRetries, 0);
  assert.equal(d.fill('rb-t-3', 'sell', 1000, 1, 0), []);
  assert.is(d.phase, 'COOLDOWN');
});

test('a duplicate fill report (same clientOid and tradeId) is counted once', () => {
  const d = entryWorking(['entry.qtyLot=2']);
  d.fill('rb-t-1', 'buy', 1001, 1, 1, 0, 'A');
  d.fill('rb-t-1', 'buy', 1001, 1, 1, 0, 'A');
  assert.is(d.state.position.lot, 1);
  assert.is(d.state.counters['fill.duplicate'], 1);
});

test('duplicates are told per order: the last fill repeated after the order ended is ignored; the same trade id on another order is booked', () => {
  const d = entryWorking(['entry.qtyLot=2']);
  d.fill('rb-t-1', 'buy', 1001, 1, 1, 0, 'A');
  d.fill('rb-t-1', 'buy', 1001, 1, 0, 0, 'B'); // the order is filled and finished
  d.fill('rb-t-1', 'buy', 1001, 1, 0, 0, 'B'); // its last report again
  d.fill('rb-t-1', 'buy', 1001, 1, 1, 0, 'A'); // and its first
  assert.is(d.state.position.lot, 2);
  assert.is(d.state.counters['fill.duplicate'], 2);
  d.fill('rb-x-9', 'sell', 1000, 1, 0, 0, 'A'); // not ours (a manual order), a trade id another order used
  assert.is(d.state.position.lot, 1);
  d.fill('rb-x-9', 'sell', 1000, 1, 0, 0, 'A'); // its report again: the runtime remembers the order it met
  assert.is(d.state.position.lot, 1);
  assert.is(d.state.counters['fill.duplicate'], 3);
});

test('reversal: exit, T_cool 0, then the confirmed short enters on the next signal', () => {
  const d = inPosition();
  d.sig({ z: -3, ofiNorm: -5 });
  d.fill('rb-t-2', 'sell', 1000, 1, 0);
  assert.is(d.phase, 'COOLDOWN');
  assert.is(d.state.cooldownUntilNs, d.now);
  assert.equal(d.sig({ z: -3, ofiNorm: -5 }), []);
  assert.is(d.phase, 'IDLE');
  assert.equal(d.sig({ z: -3, ofiNorm: -5 }), ['place sell limit ioc 1000x1']);
});

test('passive entry: work timeout cancels, cancelAck flat → COOLDOWN → IDLE → re-entry', () => {
  const d = entryWorking(['entry.mode=passive']);
  assert.equal(d.tick(2000), ['cancel rb-t-1']);
  d.cancelAck('rb-t-1');
  d.tick(1000);
  assert.is(d.phase, 'IDLE');
  assert.equal(d.sig({ z: 3 }), ['place buy limit post_only 1000x1']);
});

test('time stop armed on a partial entry: cancel the entry, then exit', () => {
  const d = entryWorking(['entry.qtyLot=2', 'exit.timeStopNs=1s', 'entry.workTimeoutNs=1h']);
  d.fill('rb-t-1', 'buy', 1001, 1, 1);
  assert.equal(d.tick(1000), ['cancel rb-t-1']);
  assert.equal(d.cancelAck('rb-t-1'), [EXIT_IOC]);
  assert.is(d.state.trade.exitReason, 'timeStop');
});

test('every clientOid is rb-t-<n>: the runtime numbers them in order, never twice, ≤ 50 chars', () => {
  const d = entryPending();
  d.reject('rb-t-1', true);
  d.sig({ z: 3 }, 2000);
  d.reject('rb-t-2', true);
  assert.equal(d.sig({ z: 3 }, 2000), ['place buy limit ioc 1001x1']);
  const a = d.raw[0];
  assert.ok(a.type === 'place' && a.clientOid === 'rb-t-3');
});

test.run();
