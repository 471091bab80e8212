// The page's recording of several symbols, without a browser: two symbols' recordings laid out in the merge's order
// (src/web/merged-recording.ts) and replayed by a session — in irregular slices and single steps, as the player feeds
// it — end with the metrics of `backtest --symbols` over the same files (runSymbols, which streams and merges them),
// per instrument and in total; the rows keep each instrument's own order; a symbol the files do not hold is named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { writeRecording } from '../../bench/recording';
import { listParquet } from '../../src/capture/recover';
import { fileMeta } from '../../src/capture/parquet/reader';
import { createBacktestCore, runSymbols, gridOf, backtestPages } from '../../src/backtest/backtest';
import { computeMetrics, type Metrics } from '../../src/backtest/metrics';
import { loadSymbols } from '../../src/web/merged-recording';
import { loadRecording, type Recording } from '../../src/web/recording';
import { ReplaySession } from '../../src/web/replay-session';
import { runSettings, DEFAULT_PARAMS } from '../../src/web/params';
import type { FromWorker, RunParams } from '../../src/web/protocol';
import { Player } from '../../src/web/player';
import type { NamedBuffer } from '../../src/web/parts';
import { testCore } from '../helpers/core';

const PARAMS: RunParams = {
  ...DEFAULT_PARAMS,
  strategy: { kind: 'builtin', name: 'lead-lag' },
  config: '{}',
  sets: ['maxSpreadTicks=1000', 'threshold=0.2', 'confirm=1'],
};
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

let rec: Recording;
let bc: ReturnType<typeof createBacktestCore>;
let reference: Metrics;
let parts: NamedBuffer[];

test.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-web-symbols-'));
  writeRecording(dir, 12_000, 7, 1_000_000, {}, 'BTCUSDT');
  writeRecording(dir, 12_000, 11, 1_000_000, {}, 'ETHUSDT');
  const paths = listParquet(dir);
  parts = await Promise.all(paths.map(async (p) => ({ name: p, buffer: await asyncBufferFromFile(p) })));
  rec = await loadSymbols(parts, 'two', SYMBOLS);
  const sets = await Promise.all(
    SYMBOLS.map(async (symbol) => {
      const path = paths.find((p) => p.includes(`symbol=${symbol}`))!;
      const { meta, rows } = await fileMeta(await asyncBufferFromFile(path));
      return { symbol, files: [{ path, meta, rows, firstLocalTs: BigInt(meta.first_local_ts!) }], grid: gridOf(meta, path) };
    }),
  );
  bc = createBacktestCore(
    await testCore(backtestPages(2)),
    sets.map((s) => s.grid),
  );
  const s = runSettings(PARAMS);
  reference = computeMetrics(await runSymbols(bc, sets, { ...s, symbol: SYMBOLS[0] }));
});

test('the reference run trades on the follower (the comparison below would prove little otherwise)', () => {
  assert.ok(reference.activity.fills > 0, `fills ${reference.activity.fills}`);
  assert.equal(
    reference.instruments!.map((x) => x.symbol),
    SYMBOLS,
  );
});

test("the merged rows are each instrument's rows in its own order, and local time never goes back", async () => {
  assert.equal(
    rec.instruments!.map((x) => x.symbol),
    SYMBOLS,
  );
  for (let k = 0; k < SYMBOLS.length; k++) {
    const own = await loadRecording(
      parts.filter((p) => p.name.includes(`symbol=${SYMBOLS[k]}`)),
      SYMBOLS[k],
    );
    const rows: number[] = [];
    for (let i = 0; i < rec.rows; i++) if (rec.inst![i] === k) rows.push(i);
    assert.is(rows.length, own.rows);
    for (const c of Object.keys(own.cols))
      assert.equal(
        rows.map((i) => String(rec.cols[c][i])),
        Array.from(own.cols[c] as ArrayLike<unknown>, String),
        `${SYMBOLS[k]} ${c}`,
      );
  }
  for (let i = 1; i < rec.rows; i++) assert.ok(rec.rel[i] >= rec.rel[i - 1], `row ${i} goes back in time`);
});

test("a session over both, fed in irregular slices and single steps, ends with backtest --symbols' metrics", () => {
  const s = new ReplaySession(rec, bc, runSettings(PARAMS));
  let seed = 777;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const span = Number(rec.lastNs - rec.firstNs);
  while (!s.atEnd) {
    if (rand() < 0.3) assert.ok(s.step());
    else s.feedTo(s.sliceEnd(s.relNs + rand() * span * 0.05, 1 + Math.floor(rand() * 3000)));
  }
  assert.equal(s.finish(), reference);
  assert.equal(s.fillsOf, [0, reference.activity.fills]);
});

test('a symbol the files do not hold is named with the ones they do', async () => {
  try {
    await loadSymbols(parts, 'two', ['BTCUSDT', 'XRPUSDT']);
    assert.unreachable('refused');
  } catch (err) {
    assert.match((err as Error).message, /^two: no recording of XRPUSDT \(found BTCUSDT, ETHUSDT\)$/);
  }
  // no symbols named: every one the files hold, by name
  const all = await loadSymbols(parts, 'two');
  assert.equal(
    all.instruments!.map((x) => x.symbol),
    SYMBOLS,
  );
});

test("a one-instrument strategy over several symbols is refused before the run, in the page's words; another runs", () => {
  const posted: FromWorker[] = [];
  const tasks: Array<() => void> = [];
  let clock = 0;
  const player = new Player(rec, bc, { ...DEFAULT_PARAMS }, 'max', {
    post: (m) => posted.push(m),
    now: () => clock++,
    later: (fn) => tasks.push(fn),
    copyLadder: true,
  });
  player.open();
  const err = posted.find((m) => m.type === 'error') as Extract<FromWorker, { type: 'error' }>;
  assert.ok(err, 'an error');
  assert.is(err.field, 'strategy');
  assert.match(
    err.message,
    /^obi-ofi trades one instrument: choose one symbol of this recording \(not BTCUSDT \+ ETHUSDT\), or a strategy made for several \(.*lead-lag.*\)$/,
  );
  assert.not.ok(posted.some((m) => m.type === 'done'));
  player.rerun(PARAMS, true);
  for (let i = 0; i < 1e6 && tasks.length; i++) tasks.shift()!();
  assert.ok(
    posted.some((m) => m.type === 'done'),
    'lead-lag ran to the end',
  );
});

test("a strategy that declares a symbol the recording lacks is told which to open, in the page's words, before the run", async () => {
  const eth = await loadRecording(
    parts.filter((p) => p.name.includes('symbol=ETHUSDT')),
    'eth',
  );
  const one = createBacktestCore(await testCore(backtestPages(1)), [gridOf(eth.meta, 'eth')]);
  const posted: FromWorker[] = [];
  const player = new Player(eth, one, PARAMS, 'max', { post: (m) => posted.push(m), now: () => 0, later: () => {}, copyLadder: true });
  player.open();
  const err = posted.find((m) => m.type === 'error') as Extract<FromWorker, { type: 'error' }>;
  assert.ok(err, 'an error');
  assert.is(err.field, 'strategy');
  assert.is(
    err.message,
    'lead-lag declares BTCUSDT too (ETHUSDT traded, BTCUSDT watched): open the recording of several symbols (its symbols field empty, or ETHUSDT,BTCUSDT)',
  );
});

test.run();
