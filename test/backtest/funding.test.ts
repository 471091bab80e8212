// Funding as the venue charged it, with known answers: the settlements a recorded ticker stream shows (the rate in
// force is the last one published for that settlement time, the mark the last one at or before it), the exact charge
// on the position then (longs pay when the rate is positive), the recorder writing ticker records to their own stream
// and the backtest reading them back; and maker rebates credited, fee tiers by name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ring, formatMemory, ringOffsets, writeLevel } from '../../src/core/index';
import { ManualClock } from '../../src/core/clock';
import { Recorder } from '../../src/capture/recorder';
import { listParquet } from '../../src/capture/recover';
import { createBacktestCore, instrumentOf, type RecordingGrid } from '../../src/backtest/backtest';
import { Backtest } from '../../src/backtest/run';
import { constantLatency } from '../../src/backtest/latency';
import { riskAverse } from '../../src/backtest/queue';
import { computeMetrics } from '../../src/backtest/metrics';
import { formatReport } from '../../src/backtest/report-text';
import { fundingReceived, settlementsOf, type Settlement } from '../../src/backtest/funding';
import { readTicker } from '../../src/backtest/ticker-files';
import { feeTier } from '../../src/backtest/fee-tiers';
import { fundingSource, tierRates } from '../../src/cli/venue-models';
import { UsageError } from '../../src/cli/args';
import { parseDecimal, writeTickerRecord, type Decimal, type TickerRow } from '../../src/feed/ticker';
import { ENTER_AND_HOLD, obiOfiRun } from '../helpers/obi-ofi';
import { testCore } from '../helpers/core';
import { BTCUSDT_STREAM } from '../helpers/stream-info';
import { T0, bookMessage as book, recordColumns, tradeRecord as trade, type Rec } from '../helpers/record-columns';

const MS = 1_000_000n;
const FEED = 30n * MS;
const GRID: RecordingGrid = { priceScale: 1, priceStep: 1n, sizeScale: 3, sizeStep: 1n, tickSize: 0.1, lotSize: 0.001 };
const d = (s: string): Decimal => parseDecimal(s)!;

// ---- a tape: a heavy bid makes obi-ofi buy 1 lot at once (taker), then hold ------------------------------------

const OPEN = book(
  0,
  [
    [1, 1000, 100],
    [2, 1001, 5],
  ],
  true,
);
const LATER = book(2000, [[1, 1000, 100]]);

async function run(recs: Rec[], o: { settlements?: Settlement[]; fundingRate?: number; maker?: number; sets?: string[] }) {
  const bc = createBacktestCore(await testCore(), GRID, 64);
  bc.reset({});
  const bt = new Backtest(bc, {
    strategy: obiOfiRun([...ENTER_AND_HOLD, ...(o.sets ?? [])]),
    instrument: instrumentOf(GRID, 'BTCUSDT', { maker: o.maker ?? 0.0002, taker: 0.0006 }),
    latency: constantLatency(1e6, 1e6),
    queue: riskAverse,
    fundingRate: o.fundingRate,
    fundingSettlements: o.settlements ? { settlements: o.settlements, lot: { step: GRID.sizeStep, scale: GRID.sizeScale } } : undefined,
  });
  const { cols, rows } = recordColumns(recs, Number(FEED / MS));
  bt.feed(cols, rows);
  return bt.finish();
}

// ---- the schedule ---------------------------------------------------------------------------------------------

const row = (exchMs: number, nextMs: number | null, rate: string | null, mark: string | null): TickerRow => ({
  exchNs: BigInt(exchMs) * MS,
  localNs: BigInt(exchMs) * MS + FEED,
  mark: mark === null ? null : d(mark),
  index: null,
  rate: rate === null ? null : d(rate),
  nextFundingNs: nextMs === null ? null : BigInt(nextMs) * MS,
});

test('settlements: the last rate published for each settlement time, the last mark at or before it', () => {
  const s = settlementsOf([
    row(1_000, 10_000, '0.0001', '100.0'),
    row(9_000, 10_000, '0.00012', '100.5'), // re-quoted: this is the rate in force at 10 s
    row(10_000, 20_000, '0.00005', null), // just after: the next settlement's rate; no mark in this push
    row(10_001, null, null, '99.9'), // after the settlement: not its mark
    row(10_002, 10_000, '0.9', '99.9'), // a late push still naming the past settlement: not its rate
    row(19_000, 20_000, '-0.00002', '101.25'),
  ]);
  assert.equal(
    s.map((x) => [x.atNs, x.rate, x.mark]),
    [
      [10_000n * MS, d('0.00012'), d('100.5')],
      [20_000n * MS, d('-0.00002'), d('101.25')],
    ],
  );
  assert.equal(settlementsOf([row(1_000, 10_000, null, '1')]), [], 'no rate published: nothing to charge');
  assert.equal(
    settlementsOf([row(10_005, 10_000, '0.0002', '1'), row(10_006, 10_000, '0.0003', '1')]).map((x) => x.rate),
    [d('0.0002')],
    'only published after it (a recording that starts late): the first such rate',
  );
});

test('the charge is exact: −position × lot × mark × rate; longs pay a positive rate, shorts receive it', () => {
  const lot = { step: 1n, scale: 3 };
  assert.equal(fundingReceived(10, lot, d('100.05'), d('0.0001')), { text: '-0.00010005', quote: -0.00010005 });
  assert.equal(fundingReceived(-10, lot, d('100.05'), d('0.0001')), { text: '0.00010005', quote: 0.00010005 });
  assert.equal(fundingReceived(3, lot, d('27000.0'), d('-0.000010')), { text: '0.00081', quote: 0.00081 });
  // 0.1 + 0.2 style trouble never enters: 7 lots of 0.001 at 0.3 × 0.1
  assert.is(fundingReceived(7, lot, d('0.3'), d('0.1')).text, '-0.00021');
});

// ---- the backtest ---------------------------------------------------------------------------------------------

test('a recorded settlement is charged at its time, with its rate and mark, on the position then', async () => {
  const at = (ms: number) => T0 + BigInt(ms) * MS;
  const settlements: Settlement[] = [
    { atNs: at(-5_000), rate: d('0.01'), mark: d('100') }, // before the data: nothing held, not charged
    { atNs: at(500), rate: d('0.0001'), mark: d('100.05') },
    { atNs: at(60_000), rate: d('0.0001'), mark: d('100.05') }, // after the data's end: never reached
  ];
  const t = await run([...OPEN, ...LATER], { settlements });
  assert.is(t.fills.length, 1);
  assert.is(t.fills[0].side, 'buy');
  assert.is(t.fills[0].qtyLot, 1);
  assert.is(t.fundingSettlements!.length, 1, 'only the settlement inside the replay');
  const s = t.fundingSettlements![0];
  assert.equal({ ...s }, { atNs: at(500), rate: '0.0001', mark: '100.05', positionLot: 1, quoteText: '-0.000010005', quote: -0.000010005 });
  assert.is(t.fundingQuote, -0.000010005, 'long 1 lot of 0.001 at mark 100.05 pays 0.0001 of 0.10005');
  const m = computeMetrics(t);
  assert.is(m.pnl.fundingQuote, -0.000010005);
  assert.is(m.costs.funding.settlements[0].receivedExact, '-0.000010005');

  const neg = await run([...OPEN, ...LATER], { settlements: [{ atNs: at(500), rate: d('-0.0003'), mark: d('100.05') }] });
  assert.is(neg.fundingQuote, 0.000030015, 'a negative rate pays the long');

  const flat = await run([...OPEN, ...LATER], { settlements: [{ atNs: at(31), rate: d('0.0001'), mark: d('100.05') }] });
  assert.is(flat.fundingSettlements![0].positionLot, 0, 'before the entry filled: nothing held');
  assert.is(flat.fundingQuote, 0);

  // the fill is made at 31 ms and answered at 32 ms: a settlement between the two counts it, as the venue does by its
  // fills' stamps (docs/exchange.md, Funding)
  const between = await run([...OPEN, ...LATER], { settlements: [{ atNs: at(31) + MS / 2n, rate: d('0.0001'), mark: d('100.05') }] });
  assert.is(between.fills[0].exchTs, at(31));
  assert.is(between.fundingSettlements![0].positionLot, 1, 'made before the settlement, answered after it: held at it');
  assert.is(between.fundingQuote, -0.000010005);

  const noMark = await run([...OPEN, ...LATER], { settlements: [{ atNs: at(500), rate: d('0.0001'), mark: null }] });
  assert.ok(Math.abs(noMark.fundingQuote - -1 * 1000.5 * 0.0001 * 0.0001) < 1e-15, 'no mark recorded: the mid (1000.5 ticks) stands in');
  assert.is(noMark.fundingSettlements![0].mark, '');
});

test('a maker rebate (negative maker fee) is credited with its exact amount and reported as a rebate', async () => {
  const tape = [
    ...book(
      0,
      [
        [1, 1000, 10],
        [2, 1001, 2],
      ],
      true,
    ),
    trade(100, 2, 1000, 6),
    ...book(100, [[1, 1000, 4]]),
    trade(200, 2, 1000, 4),
    ...book(200, [
      [1, 1000, 0],
      [1, 999, 50],
    ]),
    trade(300, 2, 1000, 1),
    ...book(400, [[1, 999, 50]]),
  ];
  const t = await run(tape, { sets: ['entry.mode=passive'], maker: -0.0001 });
  assert.is(t.fills.length, 1);
  assert.is(t.fills[0].maker, true);
  // 1 lot (0.001) at 1000 ticks (100.0): value 0.1, rebate 0.1 × 0.0001
  assert.is(t.fills[0].feeQuote, 1000 * 0.1 * 0.001 * -0.0001);
  assert.ok(Math.abs(t.fills[0].feeQuote - -0.00001) < 1e-18);
  const m = computeMetrics(t);
  assert.is(m.costs.rebatesQuote, 0.00001);
  assert.is(m.costs.feesPaidQuote, 0);
  assert.is(m.pnl.feesQuote, -0.00001, 'fees net of the rebate');
  assert.is(m.costs.makerFills, 1);
  const text = formatReport(m);
  assert.match(text, /rebates received\s+0\.000010\s+quote\s+negative maker fee rate/);
  assert.match(text, /fees paid\s+0\.00\s+quote\s+0 taker fills, 1 maker fill/);
});

test('fee tiers by name; an unknown one is refused with the tiers known', () => {
  assert.equal(feeTier('vip0', 'USDT-FUTURES'), { maker: 0.0002, taker: 0.0006 });
  assert.equal(feeTier('VIP3', 'USDT-FUTURES'), { maker: 0.00014, taker: 0.000375 });
  try {
    tierRates('vip9', 'USDT-FUTURES');
    assert.unreachable('vip9 is not a tier');
  } catch (err) {
    assert.instance(err, UsageError, 'a command-line error (exit 2)');
    assert.match(
      (err as Error).message,
      /--fee-tier vip9: not a known tier for Bitget USDT-FUTURES; known: vip0 \(maker 0\.02 %, taker 0\.06 %\), vip1/,
    );
    assert.match((err as Error).message, /vip4 \(maker 0\.012 %, taker 0\.035 %\)/);
  }
  assert.throws(() => tierRates('vip0', 'SPOT'), /no fee tiers are known for SPOT \(only USDT-FUTURES\); give the rates with --fees M,T/);
});

// ---- recording and reading back ---------------------------------------------------------------------------------

const STREAM = BTCUSDT_STREAM;

test('the recorder writes ticker records to <root>/_ticker/ and the backtest reads the settlements back', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-ticker-'));
  try {
    const core = await testCore();
    const spec = [{ name: 'capture' as const, capLog2: 10, recShift: 6 }];
    formatMemory(core, spec);
    const ring = new Ring(core, ringOffsets(spec).capture);
    const clock = new ManualClock(T0);
    const rec = new Recorder(core, ring, root, [{ inst: 0, info: STREAM }], clock, {
      flushNs: 100_000_000n,
      rollNs: 60_000_000_000n,
      maxRows: 10_000,
      tickerRoot: join(root, '_ticker'),
    });
    writeLevel(core, ring.slot(ring.head), { inst: 0, side: 1, price: 1000, qty: 1, priceDec: 1, sizeDec: 3, localTs: T0, last: true });
    ring.publish(1);
    const push = (exchMs: number, next: string, rate: string, mark: string) => {
      writeTickerRecord(core.words, ring.slot(ring.head), 0, T0 + BigInt(exchMs) * MS + FEED, {
        exchNs: T0 + BigInt(exchMs) * MS,
        mark: d(mark),
        index: d(mark),
        rate: d(rate),
        nextFundingNs: BigInt(next) * MS,
      });
      ring.publish(1);
    };
    const next = String(T0 / MS + 1000n);
    push(100, next, '0.000100', '100.05');
    push(900, next, '0.000125', '100.10');
    rec.drain();
    rec.close();
    // a clean stop finishes every stream's file, the ticker's too: no journal or its sidecar is left (docs/capture.md)
    const left = (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.(partial|meta\.json)$/.test(f));
    assert.equal(left, [], 'no journal left at once after close');
    assert.is(listParquet(root).length, 1, 'the market stream has its file; ticker files are not market data');
    assert.ok(existsSync(join(root, '_ticker/venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT')));
    const rows = await readTicker(root, 'BTCUSDT', 'USDT-FUTURES');
    assert.is(rows.length, 2);
    const src = await fundingSource(undefined, root, 'BTCUSDT', 'USDT-FUTURES');
    assert.equal(src, {
      kind: 'recorded',
      tickerRows: 2,
      settlements: [{ atNs: T0 + 1000n * MS, rate: d('0.000125'), mark: d('100.10') }],
    });
    assert.equal(await fundingSource(0.0001, root, 'BTCUSDT'), { kind: 'flat', rate: 0.0001 }, '--funding overrides');
    assert.equal(await fundingSource(undefined, root, 'ETHUSDT'), { kind: 'none' }, 'nothing recorded for that symbol');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
