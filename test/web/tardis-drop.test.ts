// The replay page takes Tardis.dev files as they are downloaded: tardis-machine NDJSON (here gzip) or a CSV pair,
// chosen or dropped, converted in its worker by the same converters as `ringbook import` with the grid inferred from
// the data. A run at max speed reports exactly what `ringbook backtest --json` prints for the CLI's import of the same
// files; a book and trades pair of two days is refused as the CLI refuses it (test/web/tardis-pair.test.ts drives the
// converter in Node); a file that is neither is refused with a clear message. Chromium through playwright-core, like
// test/web/replay.test.ts; skipped without /usr/bin/chromium (failed under CI).
import { metricsOfCli } from '../helpers/metrics-json';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/serve/server';
import type { PageState } from '../../src/web/app';

const BUILD = process.env.RINGBOOK_BUILD ?? join(process.cwd(), 'build');
const CHROMIUM = '/usr/bin/chromium';
const FIX = join(process.cwd(), 'test/fixtures/tardis');
const NDJSON_GZ = join(FIX, 'bitget-futures_v2_BTCUSDT.ndjson.gz');
const BOOK = join(FIX, 'binance-futures_incremental_book_L2_BTCUSDT.csv');
const TRADES = join(FIX, 'binance-futures_trades_BTCUSDT.csv');
const CONFIG = {
  signal: { source: 'obiN' },
  entry: { threshold: 0.2, confirmCount: 1, mode: 'passive' },
  exit: { threshold: 0.05, timeStopNs: '1s' },
  hurdle: { enabled: false },
  gates: { maxSpreadTicks: 1000 },
};

declare const window: { __ringbook: PageState };

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    test('chromium is installed for the browser tests', () => {
      assert.unreachable(`${CHROMIUM} is missing: install it (apt-get install -y chromium) — CI must run the browser tests`);
    });
  } else {
    console.log(`skipping the Tardis drop tests: ${CHROMIUM} is missing (apt-get install -y chromium to run them)`);
    test.skip('Tardis files in the replay page', () => {});
  }
  test.run();
} else {
  const ctx = {} as { dir: string; cfg: string; server: RunningServer; browser: Browser; page: Page };
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(BUILD, 'ringbook.mjs'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.is(r.status, 0, r.stderr);
    return r.stdout;
  };
  const state = () => ctx.page.evaluate(() => JSON.parse(JSON.stringify(window.__ringbook)) as PageState);
  const waitFor = (fn: string, timeout = 30_000) => ctx.page.waitForFunction(fn, null, { timeout, polling: 20 });

  /** What `ringbook backtest --json` says about the CLI's import of the files. */
  function expected(kind: 'tardis' | 'tardis-csv', files: string[], extra: string[]): unknown {
    const out = join(ctx.dir, `cli-${kind}`);
    cli('import', kind, ...files, '--tick', '0.1', '--lot', '0.001', '--out', out, ...extra);
    return metricsOfCli(cli('backtest', out, '--config', ctx.cfg, '--latency', 'feed', '--queue', 'risk-averse', '--json'));
  }

  async function openAndRun(files: string[]): Promise<PageState> {
    await ctx.page.setInputFiles('#file', files);
    await waitFor(`window.__ringbook.recording !== null && ['paused', 'error'].includes(window.__ringbook.status)`);
    let s = await state();
    assert.is(s.status, 'paused', s.error);
    await ctx.page.fill('#config', JSON.stringify(CONFIG, null, 2));
    await ctx.page.fill('#latency', 'feed');
    await ctx.page.fill('#queue', 'risk-averse');
    await ctx.page.fill('#fees', '0.0002,0.0006');
    await ctx.page.setChecked('#partial', true);
    await ctx.page.selectOption('#speed', 'max');
    const run = s.run;
    await ctx.page.click('#run');
    await waitFor(`window.__ringbook.run > ${run} && ['done', 'error'].includes(window.__ringbook.status)`, 60_000);
    s = await state();
    assert.is(s.status, 'done', s.error);
    return s;
  }

  test.before(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), 'ringbook-tardis-drop-'));
    ctx.cfg = join(ctx.dir, 'strategy.json');
    writeFileSync(ctx.cfg, JSON.stringify(CONFIG));
    const data = join(ctx.dir, 'empty');
    mkdirSync(data);
    ctx.server = await startServer({ webRoot: join(BUILD, 'web'), dataRoot: data, port: 0 });
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    ctx.page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1500 } });
    ctx.page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await ctx.page.goto(ctx.server.url);
  });

  test.after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });

  test('tardis-machine NDJSON (gzip) converts in the worker; a run reports what the CLI import backtests to', async () => {
    const want = expected('tardis', [NDJSON_GZ], ['--symbol', 'BTCUSDT']);
    const s = await openAndRun([NDJSON_GZ]);
    assert.is(s.recording!.symbol, 'BTCUSDT');
    assert.is(s.recording!.tickSize, 0.1);
    assert.is(s.recording!.lotSize, 0.001);
    assert.match(
      s.recording!.note ?? '',
      /grid inferred from the data \(tick 0\.1, lot 0\.001\); 3 snapshots, 1 gap, 1 disconnect; other symbols skipped \(ETHUSDT\)/,
    );
    assert.equal(metricsOfCli(s.metrics as unknown as Record<string, unknown>), want);
  });

  test('a Tardis CSV pair (book and trades) converts and runs the same as the CLI import', async () => {
    const want = expected('tardis-csv', [BOOK, TRADES], []);
    const s = await openAndRun([BOOK, TRADES]);
    assert.is(s.recording!.symbol, 'BTCUSDT');
    assert.is(s.recording!.rows, 92);
    assert.equal(metricsOfCli(s.metrics as unknown as Record<string, unknown>), want);
  });

  test('a file that is neither is refused, saying what the page takes', async () => {
    const junk = join(ctx.dir, 'notes.csv');
    writeFileSync(junk, 'hello,world\n1,2\n');
    await ctx.page.setInputFiles('#file', [junk]);
    await waitFor(`window.__ringbook.status === 'error'`);
    const s = await state();
    assert.match(s.error ?? '', /notes\.csv: neither tardis-machine output .* nor a Tardis CSV/);
  });

  test('a book and trades pair of two days is refused as the CLI import refuses it', async () => {
    // the trades file a day later, as the next day's download would be
    const [header, ...rows] = readFileSync(TRADES, 'utf8').trimEnd().split('\n');
    const later = rows.map((r) => {
      const f = r.split(',');
      for (const i of [2, 3]) f[i] = String(BigInt(f[i]) + 86_400_000_000n); // timestamp, local_timestamp
      return f.join(',');
    });
    const trades = join(ctx.dir, 'binance-futures_trades_2026-05-02_BTCUSDT.csv');
    writeFileSync(trades, `${[header, ...later].join('\n')}\n`);
    await ctx.page.setInputFiles('#file', [BOOK, trades]);
    // the file before left an error too: wait for this one
    await waitFor(`window.__ringbook.status === 'error' && (window.__ringbook.error ?? '').includes('pair of two days')`);
    const s = await state();
    assert.ok(
      (s.error ?? '').includes(
        "a book and trades pair of two days: binance-futures_incremental_book_L2_BTCUSDT.csv begins 2026-05-01, binance-futures_trades_2026-05-02_BTCUSDT.csv begins 2026-05-02 (their first rows' local_timestamp): give the two files of one day (several days: drop one day's pair at a time)",
      ),
      s.error,
    );
  });

  test.run();
}
