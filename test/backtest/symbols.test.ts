// A backtest of several instruments: two recordings (BTCUSDT and ETHUSDT, on different grids) written as Parquet files
// with row groups of a few rows, so messages are cut across pieces, and merged as they stream. The strategy sees every
// message in exact local-time order (equal stamps: the run's first instrument first), each instrument's orders fill on
// its own book, per-instrument PnL adds up to the total, a watched instrument is refused for orders, and --symbols
// naming a symbol the recording does not hold is refused, naming it and the ones there. Each instrument is charged
// the funding recorded for it, at its settlements, on its own position.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Kind, Flag, REC_SIZE } from '../../src/core/index';
import { columnsToRecords } from '../../src/capture/parquet/reader';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath, type FileMeta } from '../../src/capture/schema';
import { createBacktestCore, gridOf, runSymbols } from '../../src/backtest/backtest';
import { replayFiles } from '../../src/backtest/feeder';
import { computeMetrics } from '../../src/backtest/metrics';
import { formatReport } from '../../src/backtest/report-text';
import type { FundingSource } from '../../src/backtest/funding';
import { parseDecimal } from '../../src/feed/ticker';
import { constantLatency } from '../../src/backtest/latency';
import { riskAverse } from '../../src/backtest/queue';
import { defineStrategy, type StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { runBacktestCli } from '../../src/cli/backtest';
import { runOptimize } from '../../src/cli/optimize';
import { UsageError } from '../../src/cli/usage-error';
import { testCore } from '../helpers/core';
import { T0, recordColumns, type Rec } from '../helpers/record-columns';

const FEED_MS = 30;

/** A book message at exchange time `atMs`: a snapshot (clear + two levels a side) or two levels a side replacing the last. */
function book(atMs: number, mid: number, prev: number | null): Rec[] {
  const out: Rec[] = [];
  if (prev === null) out.push({ kind: Kind.bookClear, flags: Flag.snapshot | Flag.reset, atMs });
  const lv: Array<[number, number, number]> = [];
  if (prev !== null) for (let r = 0; r < 2; r++) lv.push([1, prev - 1 - r, 0], [2, prev + 1 + r, 0]);
  for (let r = 0; r < 2; r++) lv.push([1, mid - 1 - r, 5], [2, mid + 1 + r, 5]);
  lv.forEach(([side, price, qty], i) =>
    out.push({
      kind: Kind.bookLevel,
      side,
      price,
      qty,
      atMs,
      flags: (prev === null ? Flag.snapshot : 0) | (i === lv.length - 1 ? Flag.last : 0),
    }),
  );
  return out;
}

/** Writes `recs` as a recording of `symbol` under `root`, in row groups of 5 rows. */
function writeSymbol(
  root: string,
  symbol: string,
  grid: { tick: string; lot: string; priceScale: string; sizeScale: string },
  recs: Rec[],
  venue = 'bitget',
) {
  const n = recs.length;
  const { cols } = recordColumns(recs, FEED_MS);
  const words = new Int32Array((n * REC_SIZE) / 4);
  columnsToRecords(cols, n, words, 0, 0);
  const first = cols.local_ts[0];
  const meta: FileMeta = {
    schema_version: '1',
    venue,
    inst_type: 'USDT-FUTURES',
    symbol,
    tick_size: grid.tick,
    lot_size: grid.lot,
    price_scale: grid.priceScale,
    price_step: '1',
    size_scale: grid.sizeScale,
    size_step: '1',
    clock_offset_ns: '',
    clock_offset_bound_ns: '',
    clock_offset_method: '',
    clock_offset_rtt_ns: '',
    feed_latency_p1_ns: String(FEED_MS * 1e6),
    recorder_version: 'test',
    source: 'replay',
    dropped_records: '0',
    first_local_ts: String(first),
    last_local_ts: String(cols.local_ts[n - 1]),
    rows: String(n),
  };
  const path = marketPath(root, venue, 'USDT-FUTURES', symbol, first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, n, meta, { rowGroupSize: 5 }));
}

/** BTCUSDT books at exchange 0, 10, 20, 30 ms; ETHUSDT at 5, 12, 20, 33 ms (a trade at 12): 30 ms later locally. */
function recording(): string {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-symbols-'));
  const btc: Rec[] = [];
  [0, 10, 20, 30].forEach((at, i) => btc.push(...book(at, 1000 + 10 * i, i === 0 ? null : 1000 + 10 * (i - 1))));
  const eth: Rec[] = [];
  [5, 12, 20, 33].forEach((at, i) => {
    eth.push(...book(at, 500 + 4 * i, i === 0 ? null : 500 + 4 * (i - 1)));
    if (at === 12) eth.push({ kind: Kind.trade, side: 2, atMs: at, price: 503, qty: 2 });
  });
  writeSymbol(root, 'BTCUSDT', { tick: '0.1', lot: '0.001', priceScale: '1', sizeScale: '3' }, btc);
  writeSymbol(root, 'ETHUSDT', { tick: '0.01', lot: '0.01', priceScale: '2', sizeScale: '2' }, eth);
  return root;
}

async function run(
  root: string,
  def: StrategyDefinition,
  symbols = ['BTCUSDT', 'ETHUSDT'],
  window: { fromNs?: bigint; toNs?: bigint } = {},
  funding: Record<string, FundingSource> = {},
) {
  const sets = await Promise.all(
    symbols.map(async (symbol) => {
      const files = await replayFiles(root, symbol);
      return { symbol, files, grid: gridOf(files[0].meta, files[0].path), ...(funding[symbol] ? { funding: funding[symbol] } : {}) };
    }),
  );
  const bc = createBacktestCore(
    await testCore(),
    sets.map((s) => s.grid),
  );
  const r = resolveRun(def);
  return runSymbols(bc, sets, {
    strategy: { definition: def, params: r.params, settings: r.settings },
    symbol: symbols[0],
    latency: constantLatency(1e6, 1e6),
    queue: riskAverse,
    ...window,
  });
}

test('two instruments interleave by local time exactly; each one fills on its own book; per-instrument PnL adds up', async () => {
  const root = recording();
  try {
    const seen: string[] = [];
    let placed = false;
    const def = defineStrategy({
      name: 'two-books',
      params: {},
      trades: 1,
      create: (ctx) => ({
        onBook(m) {
          seen.push(`${m.info.symbol} ${(m.localNs % 1e9) / 1e6}ms ${m.book.bestBidTick}/${m.book.bestAskTick}`);
          if (!placed && m.info.symbol === 'ETHUSDT') {
            placed = true;
            ctx.place({
              symbol: 'BTCUSDT',
              side: 'buy',
              sizeLot: 1,
              priceTick: ctx.market('BTCUSDT').book.bestAskTick + 100,
              timeInForce: 'ioc',
            });
            ctx.place({ symbol: 'ETHUSDT', side: 'sell', sizeLot: 3, priceTick: m.book.bestBidTick - 50, timeInForce: 'ioc' });
          }
        },
        onTrade: (m, t) => void seen.push(`${m.info.symbol} trade ${t.priceTick}x${t.sizeLot}`),
      }),
    }) as unknown as StrategyDefinition;
    const trace = await run(root, def);
    assert.equal(seen, [
      'BTCUSDT 30ms 999/1001',
      'ETHUSDT 35ms 499/501',
      'BTCUSDT 40ms 1009/1011',
      'ETHUSDT 42ms 503/505',
      'ETHUSDT trade 503x2',
      'BTCUSDT 50ms 1019/1021',
      'ETHUSDT 50ms 507/509',
      'BTCUSDT 60ms 1029/1031',
      'ETHUSDT 63ms 511/513',
    ]);
    // the orders reach the venues 1 ms after ETH's first message (exchange time 36 ms): each fills on its own book as
    // it is then (BTC's last message, exchange 30 ms; ETH's third, exchange 20 ms)
    assert.equal(
      trace.instruments!.map((it) => it.fills.map((f) => `${f.symbol} ${f.side} ${f.qtyLot}@${f.priceTick}`)),
      [['BTCUSDT buy 1@1031'], ['ETHUSDT sell 3@511']],
    );
    const m = computeMetrics(trace);
    const per = m.instruments!;
    assert.equal(
      per.map((p) => p.symbol),
      ['BTCUSDT', 'ETHUSDT'],
    );
    // BTC: bought at 1031 ticks of 0.1 × 0.001, marked at the end to 1030; ETH: sold 3 at 511 × 0.01 × 0.01, marked 512
    assert.ok(Math.abs(per[0].pnl.grossQuote! - -0.0001) < 1e-12, String(per[0].pnl.grossQuote));
    assert.ok(Math.abs(per[1].pnl.grossQuote! - -0.0003) < 1e-12, String(per[1].pnl.grossQuote));
    for (const k of ['grossQuote', 'feesQuote', 'netQuote'] as const)
      assert.ok(Math.abs(per[0].pnl[k]! + per[1].pnl[k]! - m.pnl[k]!) < 1e-9, `${k}: ${per[0].pnl[k]} + ${per[1].pnl[k]} vs ${m.pnl[k]}`);
    assert.equal(m.activity.fills, 2);
    assert.is(m.activity.volumeLot, null);
    assert.is(per[1].exposure.maxPositionLot, 3);
    // each instrument's position at the end (lots of two instruments do not add: the total has none)
    assert.equal(
      per.map((p) => p.exposure.endPositionLot),
      [1, -3],
    );
    assert.is(m.exposure.endPositionLot, null);
    const text = formatReport(m, { currency: 'USDT' });
    assert.match(text, /BTCUSDT .*long 1 lot \(0\.001 BTC\) at the end/);
    assert.match(text, /ETHUSDT .*short 3 lots \(0\.03 ETH\) at the end/);
    assert.match(text, /\n {2}position at the end +n\/a +each instrument its own: see Instruments\n/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('at equal local stamps the instrument earlier in the run goes first: the order of --symbols decides', async () => {
  const root = recording();
  try {
    const seen: string[] = [];
    const def = defineStrategy({
      name: 'order',
      params: {},
      create: () => ({ onBook: (m) => void seen.push(`${m.index}:${m.info.symbol} ${(m.localNs % 1e9) / 1e6}`) }),
    }) as unknown as StrategyDefinition;
    await run(root, def, ['ETHUSDT', 'BTCUSDT']);
    assert.equal(seen, [
      '1:BTCUSDT 30',
      '0:ETHUSDT 35',
      '1:BTCUSDT 40',
      '0:ETHUSDT 42',
      '0:ETHUSDT 50',
      '1:BTCUSDT 50',
      '1:BTCUSDT 60',
      '0:ETHUSDT 63',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** Buys 1 BTCUSDT lot and sells 3 ETHUSDT lots at once on ETHUSDT's first message (they fill at 1031 and 511). */
const buyBtcSellEth = () => {
  let placed = false;
  return defineStrategy({
    name: 'two-legs',
    params: {},
    create: (ctx) => ({
      onBook(m) {
        if (placed || m.info.symbol !== 'ETHUSDT') return;
        placed = true;
        ctx.place({
          symbol: 'BTCUSDT',
          side: 'buy',
          sizeLot: 1,
          priceTick: ctx.market('BTCUSDT').book.bestAskTick + 100,
          timeInForce: 'ioc',
        });
        ctx.place({ symbol: 'ETHUSDT', side: 'sell', sizeLot: 3, priceTick: m.book.bestBidTick - 50, timeInForce: 'ioc' });
      },
    }),
  }) as unknown as StrategyDefinition;
};

test('each instrument pays the funding recorded for it: its settlements, rates and marks, on its own position', async () => {
  const root = recording();
  try {
    const ms = (x: number) => T0 + BigInt(x * 1e6);
    const d = (x: string) => parseDecimal(x)!;
    const recorded = (settlements: Array<[number, string, string]>): FundingSource => ({
      kind: 'recorded',
      settlements: settlements.map(([at, rate, mark]) => ({ atNs: ms(at), rate: d(rate), mark: d(mark) })),
      tickerRows: settlements.length,
    });
    const trace = await run(root, buyBtcSellEth(), undefined, undefined, {
      // BTCUSDT: one settlement while long 1 lot (0.001 BTC), one after the data's end (never reached)
      BTCUSDT: recorded([
        [55, '0.0001', '103.0'],
        [500, '0.5', '1'],
      ]),
      // ETHUSDT: one before the fill (nothing held), one while short 3 lots (0.03 ETH) at a negative rate
      ETHUSDT: recorded([
        [33, '0.01', '5.00'],
        [58, '-0.0002', '5.12'],
      ]),
    });
    const [btc, eth] = trace.instruments!;
    assert.equal(
      btc.fundingSettlements!.map((r) => [r.atNs - T0, r.positionLot, r.quoteText]),
      [[55_000_000n, 1, '-0.0000103']],
      'long 1 lot × 0.001 × mark 103.0 × rate 0.0001, paid',
    );
    assert.equal(
      eth.fundingSettlements!.map((r) => [r.atNs - T0, r.positionLot, r.quoteText]),
      [
        [33_000_000n, 0, '0'],
        [58_000_000n, -3, '-0.00003072'],
      ],
      'short 3 lots × 0.01 × mark 5.12 × rate −0.0002: shorts pay a negative rate',
    );
    assert.is(btc.fundingQuote, -0.0000103);
    assert.is(eth.fundingQuote, -0.00003072);
    assert.ok(Math.abs(trace.fundingQuote - -0.00004102) < 1e-18, String(trace.fundingQuote));
    // the run's settlements: every instrument's, named and in time order
    assert.equal(
      trace.fundingSettlements!.map((r) => `${r.symbol} ${(r.atNs - T0) / 1_000_000n}`),
      ['ETHUSDT 33', 'BTCUSDT 55', 'ETHUSDT 58'],
    );
    const m = computeMetrics(trace);
    assert.equal(
      m.instruments!.map((it) => it.pnl.fundingQuote),
      [-0.0000103, -0.00003072],
    );
    assert.equal(
      m.costs.instruments!.map((c) => [c.symbol, c.fundingReceivedQuote, c.settlements, c.takerFills]),
      [
        ['BTCUSDT', -0.0000103, 1, 1],
        ['ETHUSDT', -0.00003072, 2, 1],
      ],
    );
    const text = formatReport(m);
    assert.match(text, /funding received\s+-0\.000041\s+quote/);
    assert.match(text, /\n\s+BTCUSDT\s+-0\.000010\s+quote\s+funding from 1 settlement;/);
    assert.match(text, /\n\s+ETHUSDT\s+-0\.000031\s+quote\s+funding from 2 settlements;/);
    assert.match(text, /settled \S+ ETHUSDT\s+-0\.000031\s+quote\s+short 3 lots, rate -0\.0002, mark 5\.12 \(exactly -0\.00003072\)/);
    // each instrument's lot in its own base currency; lots of two instruments are not added up
    const usdt = formatReport(m, { currency: 'USDT' });
    assert.match(
      usdt,
      /\n\s+instruments\s+BTCUSDT\s+tick [\d.]+ USDT, lot [\d.]+ BTC; merged in local-time order\n\s+ETHUSDT\s+tick [\d.]+ USDT, lot [\d.]+ ETH\n/,
    );
    assert.match(usdt, /\n {2}volume\s+–\s+not summed: lots of different instruments do not add up \(turnover does\)\n/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--from and --to cut the merged replay on the local clock, whichever instrument reaches them', async () => {
  const root = recording();
  try {
    const seen: string[] = [];
    const def = defineStrategy({
      name: 'window',
      params: {},
      create: () => ({ onBook: (m) => void seen.push(`${m.info.symbol} ${(m.localNs % 1e9) / 1e6}`) }),
    }) as unknown as StrategyDefinition;
    const ms = (x: number) => T0 + BigInt(x * 1e6);
    const trace = await run(root, def, undefined, { fromNs: ms(40), toNs: ms(60) });
    assert.equal(seen, ['BTCUSDT 40', 'ETHUSDT 42', 'BTCUSDT 50', 'ETHUSDT 50']);
    assert.is(trace.toNs, ms(50));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a watched instrument is refused for orders', async () => {
  const root = recording();
  try {
    const def = defineStrategy({
      name: 'watcher',
      params: {},
      instruments: { trade: ['BTCUSDT'], watch: ['ETHUSDT'] },
      create: (ctx) => ({
        onBook(m) {
          if (m.info.symbol === 'ETHUSDT') ctx.place({ symbol: 'ETHUSDT', side: 'buy', sizeLot: 1, priceTick: m.book.bestAskTick });
        },
      }),
    }) as unknown as StrategyDefinition;
    const trace = await run(root, def);
    assert.match(trace.strategy!.haltReason ?? '', /ETHUSDT is watched, not traded/);
    assert.equal(trace.fills.length, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("amendments are counted, and those the venue refused: the report's Activity says both", async () => {
  const root = recording();
  try {
    let n = 0;
    let oid: string | null = null;
    const def = defineStrategy({
      name: 'amender',
      params: {},
      instruments: { trade: ['BTCUSDT'] },
      create: (ctx) => ({
        onBook(m) {
          n++;
          // books: 999/1001, 1009/1011, 1019/1021
          if (n === 1) oid = ctx.place({ side: 'buy', sizeLot: 1, priceTick: 990, timeInForce: 'postOnly' });
          else if (n === 2)
            ctx.amend(oid!, { priceTick: 1000 }); // still below the bid: the venue takes it
          else if (n === 3) ctx.amend(oid!, { priceTick: m.book.bestAskTick + 20 }); // post-only across any ask by then: refused
        },
      }),
    }) as unknown as StrategyDefinition;
    const trace = await run(root, def, ['BTCUSDT']);
    assert.is(trace.counts.amends, 2);
    assert.is(trace.counts.amendRejects, 1);
    const m = computeMetrics(trace);
    assert.equal([m.activity.amends, m.activity.amendRejects], [2, 1]);
    assert.match(formatReport(m), /\n {2}amends +2 +1 refused by the venue\n/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("one symbol of two venues in the input is refused, with each venue's directory, not replayed as one book", async () => {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-venues-'));
  const grid = { tick: '0.1', lot: '0.001', priceScale: '1', sizeScale: '3' };
  const msgs = (base: number): Rec[] => [0, 10, 20].flatMap((at, i) => book(at, base + 10 * i, i === 0 ? null : base + 10 * (i - 1)));
  writeSymbol(root, 'BTCUSDT', grid, msgs(1000));
  writeSymbol(root, 'BTCUSDT', grid, msgs(1005), 'binance');
  for (const args of [
    [root, '--strategy', 'mm-glft'],
    [root, '--strategy', 'mm-glft', '--symbols', 'BTCUSDT'],
  ]) {
    let err: unknown = null;
    try {
      await runBacktestCli(args);
    } catch (e) {
      err = e;
    }
    assert.instance(err, UsageError);
    assert.is(
      (err as Error).message,
      `the input holds recordings of several venues (binance: 1 file, bitget: 1 file): a run replays one venue's market, give its directory (${root}/venue=binance or ${root}/venue=bitget)`,
    );
  }
  // one venue's directory: replayed
  const log = console.log;
  console.log = () => {};
  try {
    assert.is(await runBacktestCli([join(root, 'venue=bitget'), '--strategy', 'mm-glft', '--json']), 0);
  } finally {
    console.log = log;
  }
});

test('--symbols: a symbol the recording does not hold is named with the ones there; --json has each instrument', async () => {
  const root = recording();
  const log = console.log;
  try {
    let err: unknown = null;
    try {
      await runBacktestCli([root, '--symbols', 'BTCUSDT,XRPUSDT', '--strategy', 'mm-glft']);
    } catch (e) {
      err = e;
    }
    // the symbols as --symbols takes them, worded as the replay page words it (test/web/merged-recording.test.ts)
    assert.is((err as Error).message, 'no recording of XRPUSDT (found BTCUSDT, ETHUSDT)');
    err = null;
    try {
      await runBacktestCli([root, '--strategy', 'signal-taker']);
    } catch (e) {
      err = e;
    }
    // a strategy that trades one instrument is told to pick one, by name: --symbols would be refused for it
    assert.is(
      (err as Error).message,
      'the input holds several symbols (BTCUSDT, ETHUSDT) and the strategy trades one instrument: pick it with --symbol BTCUSDT (or --symbol ETHUSDT)',
    );
    const out: string[] = [];
    console.log = (s: string) => void out.push(s);
    assert.is(await runBacktestCli([root, '--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'mm-glft', '--json']), 0);
    const given = out.join('\n');
    const j = JSON.parse(given);
    // a strategy that trades every instrument of its run (mm-glft declares none) gets every symbol, in name order
    out.length = 0;
    assert.is(await runBacktestCli([root, '--strategy', 'mm-glft', '--json']), 0);
    assert.is(out.join('\n'), given);
    assert.is(j.symbol, 'BTCUSDT,ETHUSDT');
    assert.equal(
      j.instruments.map((i: { symbol: string; tickSize: number }) => `${i.symbol} ${i.tickSize}`),
      ['BTCUSDT 0.1', 'ETHUSDT 0.01'],
    );
    out.length = 0;
    assert.is(await runBacktestCli([root, '--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'mm-glft']), 0);
    assert.match(out.join('\n'), /Instruments \(PnL, fees and exposure of each\)/);
  } finally {
    console.log = log;
    rmSync(root, { recursive: true, force: true });
  }
});

test('three instruments: the core has the memory for the decode area and book of each', async () => {
  const root = recording();
  const sol: Rec[] = [];
  [1, 11, 21].forEach((at, i) => sol.push(...book(at, 200 + i, i === 0 ? null : 200 + i - 1)));
  writeSymbol(root, 'SOLUSDT', { tick: '0.01', lot: '0.1', priceScale: '2', sizeScale: '1' }, sol);
  const log = console.log;
  try {
    const out: string[] = [];
    console.log = (s: string) => void out.push(s);
    assert.is(await runBacktestCli([root, '--symbols', 'SOLUSDT,BTCUSDT,ETHUSDT', '--strategy', 'mm-glft', '--json']), 0);
    const j = JSON.parse(out.join('\n'));
    assert.equal(j.symbols, ['SOLUSDT', 'BTCUSDT', 'ETHUSDT']);
    assert.is(j.run.events, 29 + 30 + 21);
  } finally {
    console.log = log;
    rmSync(root, { recursive: true, force: true });
  }
});

test('a declared symbol left out by --symbol is a command-line error naming the list to give, by backtest and optimize alike', async () => {
  const root = recording();
  const space = join(root, 'space.json');
  writeFileSync(space, JSON.stringify({ 'risk.maxPositionLot': [1, 2] }));
  try {
    // lead-lag trades ETHUSDT on BTCUSDT's flow: without BTCUSDT the run would stop at its start
    for (const run of [runBacktestCli, runOptimize]) {
      let err: unknown = null;
      try {
        await run([root, '--symbol', 'ETHUSDT', '--strategy', 'lead-lag', ...(run === runOptimize ? ['--space', space] : [])]);
      } catch (e) {
        err = e;
      }
      assert.instance(err, UsageError);
      assert.is(
        (err as Error).message,
        '--symbols ETHUSDT: the strategy declares BTCUSDT too (ETHUSDT traded, BTCUSDT watched): try --symbols ETHUSDT,BTCUSDT',
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a one-instrument strategy over several symbols is refused before the run, by backtest and optimize alike', async () => {
  const root = recording();
  const space = join(root, 'space.json');
  writeFileSync(space, JSON.stringify({ 'risk.maxPositionLot': [1, 2] }));
  try {
    for (const run of [runBacktestCli, runOptimize])
      for (const name of ['obi-ofi', 'signal-taker']) {
        let err: unknown = null;
        try {
          await run([root, '--symbols', 'BTCUSDT,ETHUSDT', '--strategy', name, ...(run === runOptimize ? ['--space', space] : [])]);
        } catch (e) {
          err = e;
        }
        assert.instance(err, Error, `${name}`);
        assert.is(
          (err as Error).message,
          `--strategy ${name} trades one instrument; run it with one --symbol (not BTCUSDT,ETHUSDT), or use a strategy made for several (mm-glft, lead-lag)`,
        );
      }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
