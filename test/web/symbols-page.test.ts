// Several symbols on the replay page, in a real browser (Debian's chromium through playwright-core) against
// `ringbook serve` run in this process, over a generated recording of BTCUSDT and ETHUSDT: the page lists the
// recording of both, replays them merged in local-time order with one strategy over both, and reports exactly the
// metrics — per instrument and in total — of `ringbook backtest --symbols … --json`: lead-lag (BTCUSDT leads ETHUSDT)
// over both, mm-glft over both and over one symbol chosen from the two. The charts switch between the symbols without a re-run, and
// the fills are counted per symbol. Each symbol has a recorded ticker stream with settlements across the data, so every
// comparison includes funding, charged per instrument as the backtest charges it. Build output comes from
// $RINGBOOK_BUILD (default build/).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeRecording } from '../../bench/recording';
import type { PageState } from '../../src/web/app';
import { pageState, runToEnd, waitFor } from './page-driver';
import { runServe } from '../../src/cli/serve';
import { metricsOfCli } from '../helpers/metrics-json';
import { addFundingEvenly } from '../helpers/funding-recording';

const BUILD = process.env.RINGBOOK_BUILD ?? join(process.cwd(), 'build');
const CHROMIUM = '/usr/bin/chromium';
/** lead-lag's gates opened up so that it trades on the generated books (their spread is wider than 2 ticks). */
const LEAD_LAG_SETS = { maxSpreadTicks: '1000', threshold: '0.2', confirm: '1' };

declare const window: { __ringbook: PageState };

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    test('chromium is installed for the browser tests', () => {
      assert.unreachable(`${CHROMIUM} is missing: install it (apt-get install -y chromium) — CI must run the browser tests`);
    });
  } else {
    console.log(`skipping the several-symbols page tests: ${CHROMIUM} is missing (apt-get install -y chromium to run them)`);
    test.skip('several symbols on the replay page in chromium', () => {});
  }
  test.run();
} else {
  const ctx = {} as {
    data: string;
    url: string;
    stop: AbortController;
    served: Promise<number>;
    log: string[];
    browser: Browser;
    page: Page;
  };

  const state = (page = ctx.page) => pageState(page);

  function cli(...args: string[]): Record<string, unknown> {
    const r = spawnSync(
      process.execPath,
      [join(BUILD, 'ringbook.mjs'), 'backtest', ctx.data, '--latency', 'feed', '--queue', 'risk-averse', ...args, '--json'],
      { encoding: 'utf8' },
    );
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** What the page and the CLI must agree on: the metrics (provenance aside) and each instrument's. */
  const figures = (m: unknown) => {
    const j = m as Record<string, unknown>;
    return { ...metricsOfCli(j), instruments: j.instruments ?? null };
  };

  const ONE_INSTRUMENT =
    /^obi-ofi trades one instrument: choose one symbol of this recording \(not BTCUSDT \+ ETHUSDT\), or a strategy made for several/;

  async function open(page: Page, symbols: string): Promise<void> {
    await waitFor(page, `window.__ringbook.recordings.length > 0`);
    await page.fill('#symbols', symbols);
    await page.selectOption('#recording', 'symbols:bitget/USDT-FUTURES');
    await page.click('#open');
    await waitFor(
      page,
      `window.__ringbook.recording !== null && (window.__ringbook.status === 'error' || window.__ringbook.status === 'paused')`,
    );
    // the page's default strategy (obi-ofi) trades one instrument: over several symbols it is refused before any run,
    // the recording staying open for another strategy
    const s = await state(page);
    if (s.status === 'error') assert.match(s.error!, ONE_INSTRUMENT);
    else assert.is(s.status, 'paused');
    await page.selectOption('#speed', 'max');
  }

  test.before(async () => {
    ctx.data = join(mkdtempSync(join(tmpdir(), 'ringbook-symbols-page-')), 'data');
    // two books from the same start: many messages share a local stamp, so the tie rule is exercised too
    writeRecording(ctx.data, 20_000, 7, 1_000_000, {}, 'BTCUSDT');
    writeRecording(ctx.data, 20_000, 11, 1_000_000, {}, 'ETHUSDT');
    // each symbol's funding: 8 settlements over the data, charged on whatever each instrument holds then
    await addFundingEvenly(ctx.data, 8, '27000.5');
    ctx.log = [];
    ctx.stop = new AbortController();
    const listening = new Promise<string>((resolve) => {
      ctx.served = runServe(['--data', ctx.data, '--port', '0'], {
        webRoot: join(BUILD, 'web'),
        signal: ctx.stop.signal,
        log: (l) => ctx.log.push(l),
        onListening: resolve,
      });
      ctx.served.catch(() => resolve(''));
    });
    ctx.url = await listening;
    assert.ok(ctx.url, `serve did not start: ${ctx.log.join('\n')}`);
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    ctx.page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1500 } });
    ctx.page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await ctx.page.goto(ctx.url);
    await waitFor(ctx.page, `window.__ringbook.strategies.includes('builtin:lead-lag')`);
  });

  test.after(async () => {
    await ctx.browser?.close();
    ctx.stop?.abort();
    await ctx.served;
  });

  test('the recording of both symbols is listed as one entry; empty symbols open every symbol in it', async () => {
    const page = ctx.page;
    await waitFor(page, `window.__ringbook.recordings.length > 0`);
    const label = await page.$eval('#recording option[value="symbols:bitget/USDT-FUTURES"]', (o) => o.textContent);
    assert.match(label!, /^BTCUSDT \+ ETHUSDT · 2 symbols · 2 files · [\d,]+ rows · /, label!);
    await open(page, '');
    const s = await state();
    assert.is(s.status, 'error', 'the default strategy, obi-ofi, is refused over two symbols');
    assert.match(s.error!, ONE_INSTRUMENT);
    assert.equal(
      s.recording!.instruments!.map((x) => x.symbol),
      ['BTCUSDT', 'ETHUSDT'],
    );
    assert.is(s.charted, 'BTCUSDT');
    assert.match((await page.textContent('#summary'))!, /^BTCUSDT \+ ETHUSDT · 2 files · /);
    assert.ok(await page.isVisible('#chart-symbol'));
  });

  test('lead-lag over BTCUSDT and ETHUSDT: the page reports backtest --symbols BTCUSDT,ETHUSDT --json, per instrument and in total', async () => {
    const page = ctx.page;
    await open(page, 'BTCUSDT,ETHUSDT');
    await page.evaluate(() => window.__ringbook.controls.chooseStrategy('builtin:lead-lag'));
    for (const [k, v] of Object.entries(LEAD_LAG_SETS)) await page.fill(`#param-${k}`, v);
    const s = await runToEnd(page);
    const sets = Object.entries(LEAD_LAG_SETS).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const json = cli('--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'lead-lag', ...sets);
    assert.equal(figures(s.metrics), figures(json));
    const inst = s.metrics!.instruments!;
    assert.equal(
      inst.map((x) => x.symbol),
      ['BTCUSDT', 'ETHUSDT'],
    );
    assert.ok(s.metrics!.activity.fills > 0, 'lead-lag trades on this recording');
    assert.is(inst[0].activity.fills, 0, 'the leader is only watched');
    assert.is(inst[1].activity.fills, s.metrics!.activity.fills, 'every fill is on the follower');
    assert.equal(s.fillsBySymbol, { BTCUSDT: 0, ETHUSDT: s.metrics!.activity.fills });
    assert.is(s.metrics!.strategy!.bundleSha256, (json.strategy as { bundleSha256: string }).bundleSha256, 'the bundle the CLI runs');
    // the metrics panel has each instrument's line and the total, as the text report
    const table = (await page.textContent('#metrics'))!;
    assert.match(table, /BTCUSDT/);
    assert.match(table, /ETHUSDT/);
    assert.match(table, /total/);
    assert.match((await page.textContent('#counts'))!, /own fills? \(BTCUSDT 0, ETHUSDT [\d,]+\)/);
    // the charts follow the follower without a re-run: its fills on its own price axis
    const run = s.run;
    await page.evaluate(() => window.__ringbook.controls.chartSymbol('ETHUSDT'));
    await waitFor(page, `window.__ringbook.charted === 'ETHUSDT'`);
    const t = await state();
    assert.is(t.run, run, 'switching the charts re-runs nothing');
    assert.match((await page.textContent('#price-title'))!, /^Price of ETHUSDT: /);
    assert.match((await page.textContent('#equity-title'))!, /^Equity of ETHUSDT in USDT/);
    // lots and sizes are each symbol's own: the titles say whose, and in what
    assert.is(await page.textContent('#position-title'), 'Position of ETHUSDT in lots (1 lot = 0.001 ETH)');
    assert.is(await page.textContent('#book-title'), 'Book of ETHUSDT (price in USDT, size in ETH)');
    await page.evaluate(() => window.__ringbook.controls.chartSymbol('BTCUSDT'));
    await waitFor(page, `window.__ringbook.charted === 'BTCUSDT'`);
    assert.is(await page.textContent('#position-title'), 'Position of BTCUSDT in lots (1 lot = 0.001 BTC)');
    assert.is(await page.textContent('#book-title'), 'Book of BTCUSDT (price in USDT, size in BTC)');
    assert.equal((await state()).metrics, s.metrics);
  });

  test('symbols field empty: lead-lag replays the symbols it declares, in its order, as a plain backtest DIR --strategy lead-lag --json', async () => {
    const page = ctx.page;
    await open(page, '');
    // choosing it opens the recording again with ETHUSDT (traded) first and BTCUSDT (watched) second, as the CLI
    // takes them from the declaration when no --symbols is given
    await page.evaluate(() => window.__ringbook.controls.chooseStrategy('builtin:lead-lag'));
    await waitFor(page, `window.__ringbook.recording !== null && window.__ringbook.status === 'paused'`);
    const o = await state();
    assert.is(o.error, undefined, o.error);
    assert.equal(
      o.recording!.instruments!.map((x) => x.symbol),
      ['ETHUSDT', 'BTCUSDT'],
    );
    assert.match((await page.textContent('#summary'))!, /^ETHUSDT \+ BTCUSDT · 2 files · /);
    for (const [k, v] of Object.entries(LEAD_LAG_SETS)) await page.fill(`#param-${k}`, v);
    const s = await runToEnd(page);
    const json = cli('--strategy', 'lead-lag', ...Object.entries(LEAD_LAG_SETS).flatMap(([k, v]) => ['--set', `${k}=${v}`]));
    assert.equal(json.symbols, ['ETHUSDT', 'BTCUSDT']);
    assert.equal(figures(s.metrics), figures(json));
    assert.ok(s.metrics!.activity.fills > 0, 'lead-lag trades on this recording');
    // a strategy that declares nothing takes every symbol by name again, as backtest DIR does for it
    await page.evaluate(() => window.__ringbook.controls.chooseStrategy('builtin:mm-glft'));
    await waitFor(page, `window.__ringbook.recording !== null && window.__ringbook.status === 'paused'`);
    assert.equal(
      (await state()).recording!.instruments!.map((x) => x.symbol),
      ['BTCUSDT', 'ETHUSDT'],
    );
  });

  test('mm-glft over both symbols: the page reports backtest --symbols BTCUSDT,ETHUSDT --json, and it quotes both', async () => {
    const page = ctx.page;
    await open(page, '');
    await page.evaluate(() => window.__ringbook.controls.chooseStrategy('builtin:mm-glft'));
    const s = await runToEnd(page);
    const json = cli('--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'mm-glft');
    assert.equal(figures(s.metrics), figures(json));
    // the recorded funding is in it: each instrument charged at its own settlements, in the settings' words
    assert.match(String(s.metrics!.settings.funding), /^recorded \(ticker of BTCUSDT, ETHUSDT, 16 rows\): 16 settlements in the replay/);
    assert.ok(s.metrics!.pnl.fundingQuote !== 0, 'mm-glft holds positions through settlements');
    assert.equal(
      s.metrics!.instruments!.map((x) => x.pnl.fundingQuote),
      (json.instruments as Array<{ pnl: { fundingQuote: number } }>).map((x) => x.pnl.fundingQuote),
    );
    const inst = s.metrics!.instruments!;
    assert.ok(inst[0].activity.fills > 0 && inst[1].activity.fills > 0, `fills ${inst.map((x) => x.activity.fills).join(', ')}`);
    assert.equal(s.fillsBySymbol, { BTCUSDT: inst[0].activity.fills, ETHUSDT: inst[1].activity.fills });
  });

  test('mm-glft over one symbol chosen from the two: the page reports backtest --symbols ETHUSDT --json', async () => {
    const page = ctx.page;
    await open(page, 'ETHUSDT');
    const o = await state();
    assert.is(o.recording!.symbol, 'ETHUSDT');
    assert.is(o.recording!.instruments, undefined, 'one symbol is a plain recording');
    assert.match(String(await page.textContent('#summary')), /^ETHUSDT · 1 file · [\d,]+ rows · /);
    // one symbol: nothing to choose between, so no "charts of", and titles without a symbol
    assert.not.ok(await page.isVisible('#chart-symbol-label'), 'no symbol choice for a run of one');
    assert.is(await page.textContent('#position-title'), 'Position in lots (1 lot = 0.001 ETH)');
    assert.is(await page.textContent('#equity-title'), 'Equity in USDT, net of fees (dashed: previous run)');
    await page.evaluate(() => window.__ringbook.controls.chooseStrategy('builtin:mm-glft'));
    const s = await runToEnd(page);
    const json = cli('--symbols', 'ETHUSDT', '--strategy', 'mm-glft');
    assert.equal(figures(s.metrics), figures(json));
    assert.match(String(s.metrics!.settings.funding), /^recorded \(ticker, 8 rows\): 8 settlements in the replay/);
    assert.ok(s.metrics!.activity.fills > 0, 'mm-glft trades on this recording');
    assert.ok(s.metrics!.activity.fills > 0 && s.fillsBySymbol === null);
  });

  test('a symbol the recording does not hold is named with the ones there', async () => {
    const page = ctx.page;
    await page.fill('#symbols', 'BTCUSDT,XRPUSDT');
    await page.selectOption('#recording', 'symbols:bitget/USDT-FUTURES');
    await page.click('#open');
    await waitFor(page, `window.__ringbook.status === 'error'`);
    const s = await state();
    // the recording as listed, once, then what is missing
    assert.is(s.error, 'cannot open BTCUSDT + ETHUSDT (2 files): no recording of XRPUSDT (found BTCUSDT, ETHUSDT)');
    assert.is(await page.textContent('#summary'), 'BTCUSDT + ETHUSDT (2 files) was not opened: see the error above');
  });

  test.run();
}
