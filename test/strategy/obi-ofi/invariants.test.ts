// Invariants of §3.3 over randomized event sequences (seeded mulberry32, so a failure names its seed and step):
// obi-ofi on the runtime trades against SimVenue while signals, ticks, disconnects, health changes, kill switches and manual
// resets arrive at random. After every event:
//   - position = Σ distinct fills delivered (never from order states), and the P&L identity holds exactly;
//   - no request is sent for an order that already has one in flight, and no order is cancelled twice;
//   - no order is placed from HALTED, RECONCILE or COOLDOWN; entries respect the position limit;
//   - every placed order has a fresh clientOid of ≤ 50 chars;
//   - every transition into HALTED (breaches included) carries a cancelAll;
//   - each state's defining facts hold (IDLE flat with no orders, EXIT_PENDING has its exit working, …).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PHASES, type Phase } from '../../../src/strategy/builtins/obi-ofi/index';
import { mulberry32 } from '../../../src/exchange/rng';
import { ObiOfiHarness, T0, MS, type HarnessEvent } from '../../helpers/obi-ofi';
import { SimVenue } from './venue';

const SETS = [
  'entry.confirmCount=2',
  'exit.timeStopNs=4s',
  'cooldown.ns=300ms',
  'cooldown.afterStopLossNs=1s',
  'entry.workTimeoutNs=800ms',
  'orders.ackTimeoutNs=1s',
  'orders.reconcileTimeoutNs=2s',
  'exit.timeoutNs=500ms',
  'exit.maxRetries=2',
  'risk.maxDailyLossQuote=5',
  'exit.takeProfitTicks=6',
  'exit.stopLossTicks=4',
  'entry.qtyLot=2',
  'risk.maxPositionLot=6',
];
const MAX_POSITION = 6;

interface RunStats {
  phases: Set<Phase>;
  places: number;
  fills: number;
  halts: number;
  digest: string;
}

function run(seed: number, steps: number, passive: boolean): RunStats {
  const rnd = mulberry32(seed);
  const m = new ObiOfiHarness({ sets: passive ? [...SETS, 'entry.mode=passive'] : SETS, idTag: `s${seed}` });
  const venue = new SimVenue(rnd);
  let ms = 0;
  let z = 0;
  let health = true;
  const seenFills = new Set<string>();
  let fillSum = 0;
  const usedOids = new Set<string>();
  const cancelled = new Set<string>();
  /** The request the harness knows to be unanswered, per order (mirrors what the machine was told). */
  const inFlight = new Map<string, 'place' | 'cancel'>();
  const stats: RunStats = { phases: new Set(), places: 0, fills: 0, halts: 0, digest: '' };
  let digest = 0;
  const where = (i: number, ev: HarnessEvent) => `seed ${seed} step ${i} ${ev.type}`;

  for (let i = 0; i < steps; i++) {
    const r = rnd();
    let ev: HarnessEvent;
    const queued = venue.isQuiet() ? null : r < 0.4 ? venue.next() : null;
    if (queued) ev = queued;
    else if (r < 0.72) {
      ms += 5 + Math.floor(rnd() * 200);
      z = Math.max(-4, Math.min(4, z + (rnd() - 0.5) * 1.6));
      if (rnd() < 0.3) {
        const step = Math.floor(rnd() * 5) - 2;
        venue.bid = Math.max(900, Math.min(1100, venue.bid + step));
        venue.ask = venue.bid + (rnd() < 0.9 ? 1 : 7);
      }
      const latency = rnd() < 0.002 ? 3_000_000_000 : 10_000_000;
      const localTs = T0 + BigInt(ms) * MS;
      ev = {
        type: 'signal',
        localTs,
        exchTs: localTs - BigInt(latency),
        valid: rnd() > 0.02,
        bestBid: venue.bid,
        bestAsk: venue.ask,
        bidQty: 5,
        askQty: 5,
        l1: 0,
        obiN: 0,
        ofiNorm: z * 2,
        z,
        zReady: rnd() > 0.03,
        feedLatencyNs: latency,
      };
    } else if (r < 0.85) {
      ms += 1 + Math.floor(rnd() * 1500);
      ev = { type: 'tick', nowNs: T0 + BigInt(ms) * MS };
    } else if (r < 0.9) {
      venue.tradeResting();
      continue;
    } else if (r < 0.91) {
      venue.disconnect();
      ev = { type: 'disconnect', reason: 'random' };
    } else if (r < 0.925) {
      // Mostly healthy: a gap is followed by a recovery soon after.
      const ok: boolean = !health || rnd() < 0.5;
      ev = { type: 'marketHealth', ok, reason: ok ? 'ok' : 'gap', clockOffsetNs: rnd() < 0.05 ? 400_000_000 : 1_000_000 };
    } else if (r < 0.927) {
      ev = { type: 'killSwitch', flatten: rnd() < 0.5 };
    } else if (r < 0.97) {
      ev = { type: 'manualReset' };
    } else if (r < 0.975 && venue.isQuiet()) {
      venue.apply([{ type: 'reconcile' }]); // the gateway's own periodic REST check
      continue;
    } else {
      continue;
    }

    // What the machine learns from this report, mirrored for the in-flight check.
    if (ev.type === 'ack' || ev.type === 'reject') {
      if (inFlight.get(ev.clientOid) === 'place') inFlight.delete(ev.clientOid);
    }
    if (ev.type === 'cancelAck') inFlight.delete(ev.clientOid);
    if (ev.type === 'cancelReject' && inFlight.get(ev.clientOid) === 'cancel') inFlight.delete(ev.clientOid);
    if (ev.type === 'fill') {
      if (inFlight.get(ev.clientOid) === 'place' || ev.remainingLot === 0) inFlight.delete(ev.clientOid);
      const key = `${ev.clientOid}/${ev.tradeId}`;
      if (!seenFills.has(key)) {
        seenFills.add(key);
        fillSum += ev.side === 'buy' ? ev.qtyLot : -ev.qtyLot;
        stats.fills++;
      }
    }

    if (ev.type === 'marketHealth') health = ev.ok;
    const pre = m.phase;
    const breachesBefore = Object.entries(m.state.counters)
      .filter(([k]) => k.startsWith('breach.'))
      .reduce((a, [, v]) => a + v, 0);
    const actions = m.handle(ev);
    const post = m.phase;
    stats.phases.add(post);
    const s = m.state;

    // Position from fills only; exact P&L identity (realised + unrealised = cash + lot·mark).
    assert.is(s.position.lot, fillSum, `${where(i, ev)}: position = Σ fills`);
    const mark = 1000;
    const unreal =
      s.position.lot > 0
        ? mark * s.position.lot - s.position.costTickLot
        : s.position.lot < 0
          ? s.position.costTickLot + mark * s.position.lot
          : 0;
    assert.is(s.position.realisedTickLot + unreal, s.position.cashTickLot + s.position.lot * mark, `${where(i, ev)}: P&L identity`);

    for (const a of actions) {
      digest = (Math.imul(digest, 31) + hash(JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))) | 0;
      if (a.type === 'place') {
        stats.places++;
        assert.ok(pre !== 'HALTED' && pre !== 'RECONCILE' && pre !== 'COOLDOWN', `${where(i, ev)}: place from ${pre}`);
        assert.ok(!usedOids.has(a.clientOid), `${where(i, ev)}: clientOid ${a.clientOid} reused`);
        assert.ok(a.clientOid.length <= 50, `${where(i, ev)}: clientOid too long`);
        usedOids.add(a.clientOid);
        if (!a.reduceOnly) assert.ok(Math.abs(s.position.lot) + a.qtyLot <= MAX_POSITION, `${where(i, ev)}: entry past the position limit`);
        if (a.reduceOnly)
          assert.ok(
            a.side === (s.position.lot > 0 ? 'sell' : 'buy') && a.qtyLot === Math.abs(s.position.lot),
            `${where(i, ev)}: exit closes the position`,
          );
        inFlight.set(a.clientOid, 'place');
      } else if (a.type === 'cancel') {
        assert.not.ok(
          inFlight.has(a.clientOid),
          `${where(i, ev)}: second request in flight for ${a.clientOid} (${inFlight.get(a.clientOid)})`,
        );
        assert.not.ok(cancelled.has(a.clientOid), `${where(i, ev)}: ${a.clientOid} cancelled twice`);
        cancelled.add(a.clientOid);
        inFlight.set(a.clientOid, 'cancel');
      }
    }
    const breachesAfter = Object.entries(s.counters)
      .filter(([k]) => k.startsWith('breach.'))
      .reduce((a, [, v]) => a + v, 0);
    if ((pre !== 'HALTED' && post === 'HALTED') || breachesAfter > breachesBefore) {
      stats.halts++;
      assert.ok(
        actions.some((a) => a.type === 'cancelAll'),
        `${where(i, ev)}: HALTED without cancelAll`,
      );
    }

    // Each state's defining facts.
    const entry = s.trade.entryOid === null ? undefined : s.orders.get(s.trade.entryOid);
    const exit = s.trade.exitOid === null ? undefined : s.orders.get(s.trade.exitOid);
    if (post === 'IDLE') assert.ok(s.position.lot === 0 && s.orders.size === 0, `${where(i, ev)}: IDLE not flat/empty`);
    if (post === 'COOLDOWN') assert.is(s.position.lot, 0, `${where(i, ev)}: COOLDOWN not flat`);
    if (post === 'IN_POSITION') assert.ok(s.position.lot !== 0, `${where(i, ev)}: IN_POSITION flat`);
    if (post === 'ENTRY_PENDING') assert.ok(entry !== undefined, `${where(i, ev)}: ENTRY_PENDING without its entry`);
    if (post === 'EXIT_PENDING')
      assert.ok(s.position.lot !== 0 && exit !== undefined, `${where(i, ev)}: EXIT_PENDING without position or exit`);

    venue.apply(actions);
  }
  stats.digest = String(digest);
  return stats;
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}

const SEEDS = Array.from({ length: 24 }, (_, i) => 1000 + i);
const STEPS = 4000;

test('invariants hold over randomized sequences (taker and passive entries), and every state is visited', () => {
  const visited = new Set<Phase>();
  let places = 0;
  let fills = 0;
  let halts = 0;
  for (const seed of SEEDS) {
    for (const passive of [false, true]) {
      const st = run(seed, STEPS, passive);
      st.phases.forEach((p) => visited.add(p));
      places += st.places;
      fills += st.fills;
      halts += st.halts;
    }
  }
  for (const p of PHASES) assert.ok(visited.has(p), `state ${p} visited`);
  // The sequences must actually trade, not sit halted: these bounds catch a harness that stopped exercising anything.
  assert.ok(places > 1000 && fills > 500 && halts > 20, `places ${places}, fills ${fills}, halts ${halts}`);
});

test('deterministic: the same seed gives the same action stream', () => {
  assert.is(run(7, 3000, false).digest, run(7, 3000, false).digest);
  assert.is.not(run(7, 3000, false).digest, run(8, 3000, false).digest);
});

test.run();
