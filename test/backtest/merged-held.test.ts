// A merged replay through the held path: while nothing is pending and the strategy lets book messages by, the loop
// (heldRun) takes the instruments' messages from stream to stream without leaving its loop. The core must still get
// every record in the merge's exact order (earliest local stamp first, equal stamps: the run's first instrument
// first, a message cut at the end of a row group finished before any other instrument's), and the run must end as
// one that hands the runtime every book message (everyBook: the general path) ends: the same trace, the same actions
// at the same times, the same runtime state. Two instruments' paced tapes (local stamps now and then earlier than
// the message before, public trades, clamped stamps) written in small row groups, so pieces end often and cut
// messages: interleaved, tied on every message, cut by a window, and halting on one instrument's latency breach.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Core, R, REC_SIZE, endsMessage } from '../../src/core/index';
import { createBacktestCore, gridOf, instrumentOf, signalsOf } from '../../src/backtest/backtest';
import { replayFiles, type ReplayFile } from '../../src/backtest/feeder';
import { mergeStreams, symbolStream } from '../../src/backtest/merge';
import { Backtest } from '../../src/backtest/run';
import { feedLatency, constantLatency, type LatencyModel } from '../../src/backtest/latency';
import { powerProb, riskAverse, type QueueModel } from '../../src/backtest/queue';
import { fileRecordGroups } from '../../src/capture/read-file';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import type { StrategyRuntime } from '../../src/strategy/runtime';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath } from '../../src/capture/schema';
import { recordingMeta } from '../helpers/recording-files';
import { testCore } from '../helpers/core';
import { pacedTape, stateJson } from '../helpers/paced-tape';

/**
 * No onBook: for its first dozen timers, on each instrument in turn, rests, takes, cancels or flattens; then it
 * cancels and flattens everything and sets no timer again, so its book messages are held back from there on.
 */
const burst = defineStrategy({
  name: 'burst',
  params: {},
  create: (ctx) => {
    let n = 0;
    return {
      onStart() {
        ctx.setTimer('t', 2e9);
      },
      onTimer() {
        const m = ctx.markets[n % ctx.markets.length];
        const symbol = m.info.symbol;
        n++;
        ctx.record('obi', m.signals.obiN + m.book.bestAskTick + m.localNs * 1e-9);
        if (n > 12) {
          for (const x of ctx.markets) ctx.flatten(x.info.symbol);
          return;
        }
        if (m.orders.length > 0) ctx.cancelAll(symbol);
        else if (m.position.lot !== 0) ctx.flatten(symbol);
        else if (m.book.valid) {
          const buy = n % 4 < 2;
          const passive = n % 3 !== 0;
          const priceTick = buy === passive ? m.book.bestBidTick : m.book.bestAskTick;
          ctx.place({ symbol, side: buy ? 'buy' : 'sell', priceTick, sizeLot: 1 + (n % 3) });
        }
        ctx.setTimer('t', 2e9);
      },
      onStop() {
        for (const m of ctx.markets)
          ctx.log(`${m.info.symbol} ${m.localNs} ${m.exchNs} ${m.book.bestBidTick} ${m.signals.obiN} ${ctx.now}`);
      },
    };
  },
}) as unknown as StrategyDefinition;

const dirs: string[] = [];

/** Writes a paced tape (../helpers/paced-tape) as `symbol`'s recording in row groups of `group`, its stamps moved by `shiftNs`. */
function writeTape(root: string, symbol: string, tape: { words: Int32Array; rows: number }, group: number, shiftNs: bigint): void {
  const n = tape.rows;
  const words = tape.words.slice(0, n * 16);
  const big = new BigInt64Array(words.buffer);
  for (let i = 0; i < n; i++) {
    big[(i * REC_SIZE + R.exchTs) / 8] += shiftNs;
    big[(i * REC_SIZE + R.localTs) / 8] += shiftNs;
  }
  const first = big[R.localTs / 8];
  const last = big[((n - 1) * REC_SIZE + R.localTs) / 8];
  const meta = recordingMeta(first, last, n, { symbol, feed_latency_p1_ns: '30000000' });

  const path = marketPath(root, 'bitget', 'USDT-FUTURES', symbol, first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, n, meta, { rowGroupSize: group }));
}

const tape = pacedTape(40_000);
/** BTCUSDT, and ETHUSDT as `eth` moved by `shiftNs` (0: every message a tie), in row groups that cut messages. */
function recording(eth: { words: Int32Array; rows: number }, shiftNs: bigint): string {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-merged-held-'));
  dirs.push(root);
  writeTape(root, 'BTCUSDT', tape, 997, 0n);
  writeTape(root, 'ETHUSDT', eth, 1009, shiftNs);
  return root;
}
const interleaved = recording(tape, 13_300_007n);
const tied = recording(tape, 0n);
/** ETHUSDT's feed 3 s behind on every 1500th message: a breach for a limit of 2 s. */
const breach = recording(pacedTape(40_000, 1500), 13_300_007n);
const t0 = new BigInt64Array(tape.words.buffer)[R.localTs / 8];

/** A record as the core got it: instrument, kind, flags, stamps, price and size. */
function recordKey(w: Int32Array, ptr: number): string {
  const p = ptr >> 2;
  const i64 = (o: number) => `${w[p + (o >> 2) + 1]}:${w[p + (o >> 2)] >>> 0}`;
  return `${w[p + (R.inst >> 2)]} ${w[p]} ${i64(R.exchTs)} ${i64(R.localTs)} ${i64(R.price)} ${i64(R.qty)}`;
}

/** Each symbol's records in file order, as the merge's reference: keys, and the local stamp of each message's first. */
async function streamsOf(sets: Array<{ files: ReplayFile[] }>) {
  const core = await testCore();
  const bc = createBacktestCore(
    core,
    sets.map((s) => gridOf(s.files[0].meta, s.files[0].path)),
  );
  const out: Array<{ keys: string[]; msgStart: number[]; msgLocal: bigint[] }> = [];
  for (let i = 0; i < sets.length; i++) {
    const keys: string[] = [];
    const msgStart: number[] = [];
    const msgLocal: bigint[] = [];
    let open = false;
    for (const f of sets[i].files)
      for await (const g of fileRecordGroups(f.path, bc.area(i), i))
        for (let q = 0; q < g.rows; q++) {
          const at = g.ptr + q * REC_SIZE;
          if (!open) {
            msgStart.push(keys.length);
            msgLocal.push(core.i64[(at + R.localTs) >> 3]);
          }
          keys.push(recordKey(core.words, at));
          const head = core.words[at >> 2];
          open = !endsMessage(head & 0xff, head >>> 16);
        }
    out.push({ keys, msgStart, msgLocal });
  }
  return out;
}

/** The merge's order, worked out plainly: the stream whose next message has the earliest stamp, ties the lower index. */
function referenceOrder(streams: Array<{ keys: string[]; msgStart: number[]; msgLocal: bigint[] }>): string[] {
  const next = streams.map(() => 0);
  const out: string[] = [];
  for (;;) {
    let k = -1;
    for (let i = 0; i < streams.length; i++)
      if (next[i] < streams[i].msgStart.length && (k < 0 || streams[i].msgLocal[next[i]] < streams[k].msgLocal[next[k]])) k = i;
    if (k < 0) return out;
    const s = streams[k];
    const end = next[k] + 1 < s.msgStart.length ? s.msgStart[next[k] + 1] : s.keys.length;
    for (let q = s.msgStart[next[k]]; q < end; q++) out.push(s.keys[q]);
    next[k]++;
  }
}

async function run(
  root: string,
  o: { everyBook: boolean; latency: LatencyModel; queue: QueueModel; sets: string[]; fromNs?: bigint; toNs?: bigint; symbols?: string[] },
) {
  const symbols = o.symbols ?? ['BTCUSDT', 'ETHUSDT'];
  const sets = await Promise.all(
    symbols.map(async (symbol) => {
      const files = await replayFiles(root, symbol);
      return { symbol, files, grid: gridOf(files[0].meta, files[0].path) };
    }),
  );
  // the core as the loop calls it, every record it is given noted in order
  const base = await testCore();
  const applied: string[] = [];
  const replay = base.x.engineReplayMessage;
  const core = new Core(
    base.module,
    base.memory,
    {
      ...base.x,
      engineReplayMessage: (ep: number, ptr: number, n: number, out: number) => {
        const r = replay(ep, ptr, n, out);
        for (let q = 0; q < (r & 0xffff); q++) applied.push(recordKey(base.words, ptr + q * REC_SIZE));
        return r;
      },
    },
    0,
  );
  const bc = createBacktestCore(
    core,
    sets.map((s) => s.grid),
  );
  const values = resolveRun(burst, [], o.sets);
  bc.reset(signalsOf(burst, values.params));
  const instruments = sets.map((s) => instrumentOf(s.grid, s.symbol, { maker: 0.0002, taker: 0.0006 }));
  const actions: string[] = [];
  let rt: StrategyRuntime | null = null;
  const bt = new Backtest(bc, {
    strategy: { definition: burst, params: values.params, settings: values.settings },
    instrument: instruments[0],
    instruments,
    latency: o.latency,
    queue: o.queue,
    everyBook: o.everyBook,
    fromNs: o.fromNs,
    toNs: o.toNs,
    onRuntime: (r) => void (rt = r),
    onAction: (local, a, decided, inst) => actions.push(`${local} ${decided} ${inst} ${stateJson(a)}`),
  });
  await mergeStreams(
    bt,
    sets.map((s, i) => symbolStream(s.files, bc.area(i), i, o.toNs, undefined, bc.core.words)),
    bc.core.words,
  );
  const trace = stateJson(bt.finish());
  const r = rt as unknown as StrategyRuntime;
  const state = stateJson({
    phase: r.phase,
    now: r.now,
    counters: r.counters,
    positions: sets.map((_, i) => r.position(i)),
    roundTrips: r.roundTrips,
    logs: r.logs,
    views: r.markets.map((m) => [m.localNs, m.exchNs, m.book.bestBidTick, m.book.bestAskTick, m.signals.obiN, m.signals.ofiNorm]),
  });
  return { trace, actions, state, applied, turns: bt.heldTurns, held: bt.booksHeld, sets };
}

const CASES: Array<{
  name: string;
  root: string;
  latency: LatencyModel;
  queue: QueueModel;
  sets?: string[];
  symbols?: string[];
  window?: { fromNs: bigint; toNs: bigint };
  halts?: boolean;
}> = [
  { name: 'interleaved stamps', root: interleaved, latency: feedLatency(4, 0, 3, 0), queue: powerProb(2) },
  { name: 'every message a tie', root: tied, latency: constantLatency(5e6, 5e6), queue: riskAverse },
  {
    name: 'every message a tie, ETHUSDT first',
    root: tied,
    latency: feedLatency(4, 0, 3, 0),
    queue: powerProb(2),
    symbols: ['ETHUSDT', 'BTCUSDT'],
  },
  {
    name: 'a --from/--to window',
    root: interleaved,
    latency: feedLatency(4, 0, 3, 0),
    queue: riskAverse,
    window: { fromNs: t0 + 3_000_000_000n, toNs: t0 + 120_000_000_123n },
  },
  {
    name: "a halt on the second instrument's feed-latency breach",
    root: breach,
    latency: feedLatency(4, 0, 3, 0),
    queue: powerProb(2),
    sets: ['risk.maxFeedLatencyNs=2s'],
    halts: true,
  },
];

for (const c of CASES) {
  test(`a merged replay through the held path: the merge's order, the general path's results (${c.name})`, async () => {
    const o = { latency: c.latency, queue: c.queue, sets: c.sets ?? ['risk.maxFeedLatencyNs=5s'], symbols: c.symbols, ...c.window };
    const general = await run(c.root, { ...o, everyBook: true });
    const held = await run(c.root, { ...o, everyBook: false });
    assert.is(general.turns, 0);
    assert.ok(held.turns > 1000, `heldRun went from instrument to instrument in its loop (${held.turns} times)`);
    assert.ok(held.actions.length > 10, `the strategy acted (${held.actions.length} actions)`);
    if (c.halts) assert.match(held.state, /breach\.feedLatency/);
    assert.is(held.actions.length, general.actions.length);
    for (let i = 0; i < general.actions.length; i++) assert.is(held.actions[i], general.actions[i], `action ${i}`);
    assert.is(held.state, general.state, 'the runtime ends in the same state, clock and views included');
    assert.is(held.trace, general.trace);
    assert.is(held.applied.length, general.applied.length);
    for (let i = 0; i < general.applied.length; i++)
      if (held.applied[i] !== general.applied[i]) assert.is(held.applied[i], general.applied[i], `record ${i}`);
    if (!c.window) {
      const expected = referenceOrder(await streamsOf(held.sets));
      assert.is(held.applied.length, expected.length, 'every record reached the core');
      for (let i = 0; i < expected.length; i++) if (held.applied[i] !== expected[i]) assert.is(held.applied[i], expected[i], `record ${i}`);
    }
  });
}

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test.run();
