// The latency trace across threads and the strategy thread's end of it, on a clock the test moves: each hop is the
// difference of the stamps the feed, engine and strategy left for one message; another message's row is never read
// as this one's; an order's wire hop is counted once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TraceTable, TRACE_DECODED, TRACE_DONE, TRACE_PICKUP } from '../../src/latency/trace';
import { HopBoard } from '../../src/latency/hops';
import { LatencyProbe } from '../../src/latency/probe';
import { ManualClock } from '../../src/core/clock';

const T0 = 1_700_000_000_000_000_000n;
const halves = (ns: bigint) => [Number(ns >> 32n), Number(ns & 0xffffffffn)] as const;

test('trace rows: keyed by the receive stamp; a colliding message takes the row and the old key reads NaN', () => {
  const t = TraceTable.create();
  const [hi, lo] = halves(T0);
  t.open(hi, lo, 1500);
  assert.ok(t.stamp(hi, lo, TRACE_PICKUP, 4000));
  assert.is(t.get(hi, lo, TRACE_DECODED), 1500);
  assert.is(t.get(hi, lo, TRACE_PICKUP), 4000);
  assert.ok(Number.isNaN(t.get(hi, lo, TRACE_DONE)), 'not stamped yet');
  const [hi2, lo2] = halves(T0 + 65_536n); // same low bits, another message
  t.open(hi2, lo2, 900);
  assert.not.ok(t.stamp(hi, lo, TRACE_DONE, 5000), 'the old message no longer owns the row');
  assert.ok(Number.isNaN(t.get(hi, lo, TRACE_DECODED)));
  assert.is(t.get(hi2, lo2, TRACE_DECODED), 900);
  assert.is(TraceTable.attach(t.buffer).get(hi2, lo2, TRACE_DECODED), 900, 'another thread sees the same rows');
});

test('probe: decode, both ring hand-offs, book+signals, strategy and gateway→wire from one message’s stamps', () => {
  const trace = TraceTable.create();
  const board = HopBoard.create();
  const clock = new ManualClock(T0);
  const probe = new LatencyProbe(board, trace, { clock, keepLog: true });
  const [hi, lo] = halves(T0);
  trace.open(hi, lo, 5_000); // feed: on the ring 5 µs after the socket read
  trace.stamp(hi, lo, TRACE_PICKUP, 12_000); // engine picked it up at 12 µs
  trace.stamp(hi, lo, TRACE_DONE, 15_000); // its signal was out at 15 µs
  clock.set(T0 + 40_000n);
  probe.signal(hi, lo, 77n); // strategy thread read the signal at 40 µs
  clock.set(T0 + 43_000n);
  probe.decided();
  probe.order('c1');
  clock.set(T0 + 90_000n);
  probe.wire('c1');
  probe.wire('c1'); // a second report of the same order is not a second sample
  probe.flush();
  const s = board.summaries();
  assert.is(s.decode!.min, 5_000);
  assert.is(s['ring→engine']!.min, 7_000);
  assert.is(s['book+signals']!.min, 3_000);
  assert.is(s['ring→strategy']!.min, 25_000);
  assert.is(s.strategy!.min, 3_000);
  assert.is(s['tick→decision']!.min, 43_000);
  assert.is(s['gateway→wire']!.min, 47_000);
  assert.is(s['tick→wire']!.min, 90_000);
  assert.is(s['tick→wire']!.count, 1);
  assert.equal(probe.messages, [{ seq: 77n, recvNs: T0, decisionNs: 43_000 }]);
  assert.equal(probe.orders, [{ clientOid: 'c1', recvNs: T0, decisionNs: 43_000, wireNs: 90_000 }]);
  assert.is(probe.unstamped, 0);
  // every hop of ours has its samples from one decided order; the empty ones are the exchange's stamps (bench latency
  // joins them): no row stands empty for a stage nobody times (the risk checks run inside the strategy's step)
  const empty = board
    .histograms()
    .filter((h) => h.histogram.copy().count === 0)
    .map((h) => h.name);
  assert.equal(empty, ['exchange→socket', 'wire→exchange', 'exchange→decision', 'exchange→wire', 'exchange→exchange']);
  assert.match(board.histograms().find((h) => h.name === 'strategy')!.doc, /risk check/);
});

test('probe: a message whose engine stamp never came counts as unstamped and leaves those hops out', () => {
  const trace = TraceTable.create();
  const board = HopBoard.create();
  const clock = new ManualClock(T0);
  const probe = new LatencyProbe(board, trace, { clock });
  const [hi, lo] = halves(T0);
  trace.open(hi, lo, 2_000);
  clock.set(T0 + 30_000n);
  probe.signal(hi, lo);
  probe.decided();
  probe.flush();
  const s = board.summaries();
  assert.is(probe.unstamped, 1);
  assert.is(s.decode!.count, 1);
  assert.is(s['book+signals'], undefined);
  assert.is(s['tick→decision']!.count, 1);
  assert.is(probe.messages.length, 0, 'no log unless asked');
});

test('probe: reset starts a measurement afresh; messages decided before it never reach the new board', () => {
  const trace = TraceTable.create();
  const board = HopBoard.create();
  const clock = new ManualClock(T0);
  const probe = new LatencyProbe(board, trace, { clock, keepLog: true });
  const message = (at: bigint, order?: string) => {
    const [hi, lo] = halves(at);
    trace.open(hi, lo, 1_000);
    trace.stamp(hi, lo, TRACE_PICKUP, 2_000);
    trace.stamp(hi, lo, TRACE_DONE, 3_000);
    clock.set(at + 10_000n);
    probe.signal(hi, lo, at);
    probe.decided();
    if (order) probe.order(order);
  };
  for (let i = 0n; i < 5n; i++) message(T0 + i * 1_000_000n, `warm${i}`); // warm-up: still waiting to be split
  probe.reset();
  probe.wire('warm4'); // a warm-up order written after the reset is not a sample of the window
  message(T0 + 10_000_000n, 'c1');
  clock.set(T0 + 10_050_000n);
  probe.wire('c1');
  probe.flush();
  const s = board.summaries();
  for (const hop of ['decode', 'ring→engine', 'book+signals', 'ring→strategy', 'strategy', 'tick→decision'] as const)
    assert.is(s[hop]!.count, 1, hop);
  assert.is(s['tick→wire']!.count, 1);
  assert.is(s['gateway→wire']!.count, 1);
  assert.is(probe.messages.length, 1);
  assert.equal(
    probe.orders.map((o) => o.clientOid),
    ['c1'],
  );
});

test.run();
