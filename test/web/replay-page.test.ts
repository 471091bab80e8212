// The replay page as a person sees it, in Chromium (playwright-core) against `ringbook serve`'s server: before a
// recording is open there are no empty charts (no 1970 time axis); a recording is all its files — three one-minute
// files replay as one run whose metrics, why-no-trades and halt equal `ringbook backtest --json` for the directory;
// the summary strip and the full metrics read in the quote currency with human labels; nothing overflows its column
// at 1280, 1400 and 1920 px (screenshots in build/test-output/); a bad parameter is named in a banner with the CLI's
// "did you mean", and the last run and its charts stay. A recording of a trading session (a short `ringbook demo`,
// with its own orders under _orders/) replays with the session's recorded latency unless another is named, as a
// plain `ringbook backtest DIR --json` does, and its figures equal that backtest's; `recorded` on a recording without
// own orders gets the CLI's refusal. Skipped without /usr/bin/chromium (failed under CI).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { PageState } from '../../src/web/app';
import { startServer, type RunningServer } from '../../src/serve/server';
import { signedMoneyIn } from '../../src/format/numbers';
import { metricsOfCli } from '../helpers/metrics-json';
import { writeRolledRecording } from '../helpers/rolled-recording';
import { DEFAULT_PARAMS } from '../../src/web/params';
import obiOfi from '../../src/strategy/builtins/obi-ofi/index';
import { listParquet, listStreamParquet } from '../../src/capture/recover';
import { dirText } from '../../src/format/paths';

const BUILD = process.env.RINGBOOK_BUILD ?? join(process.cwd(), 'build');
const CHROMIUM = '/usr/bin/chromium';
const OUT = join(BUILD, 'test-output');
const WHOLE = 'recording:bitget/USDT-FUTURES/BTCUSDT';

declare const window: { __ringbook: PageState; innerWidth: number };
declare const document: {
  createRange(): { selectNodeContents(n: unknown): void; getClientRects(): ArrayLike<unknown> };
  documentElement: { scrollWidth: number };
  body: { innerText: string };
  querySelector(
    s: string,
  ): { getBoundingClientRect(): { left: number; right: number; width: number }; scrollWidth: number; clientWidth: number } | null;
  querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { left: number; right: number; width: number; height: number } }>;
};

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    test('chromium is installed for the browser tests', () => {
      assert.unreachable(`${CHROMIUM} is missing: install it (apt-get install -y chromium) — CI must run the browser tests`);
    });
  } else {
    console.log(`skipping the replay page tests: ${CHROMIUM} is missing (apt-get install -y chromium to run them)`);
    test.skip('the replay page in chromium', () => {});
  }
  test.run();
} else {
  const ctx = {} as { dir: string; data: string; server: RunningServer; browser: Browser; page: Page; cli: Record<string, unknown> };
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(BUILD, 'ringbook.mjs'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
  const state = () => ctx.page.evaluate(() => JSON.parse(JSON.stringify(window.__ringbook)) as PageState);
  const waitFor = (fn: string, timeout = 30_000) => ctx.page.waitForFunction(fn, null, { timeout, polling: 20 });
  const shot = (name: string) => ctx.page.screenshot({ path: join(OUT, name), fullPage: true });

  test.before(async () => {
    mkdirSync(OUT, { recursive: true });
    ctx.dir = mkdtempSync(join(tmpdir(), 'ringbook-replay-page-'));
    ctx.data = join(ctx.dir, 'data');
    await writeRolledRecording(ctx.data, 54_000);
    // the page starts with the demo-passive preset, feed latency, risk-averse queue and the default fees
    const r = cli('backtest', ctx.data, '--preset', 'demo-passive', '--json');
    assert.is(r.status, 0, r.stderr);
    ctx.cli = JSON.parse(r.stdout) as Record<string, unknown>;
    ctx.server = await startServer({ webRoot: join(BUILD, 'web'), dataRoot: ctx.data, port: 0 });
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    ctx.page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    ctx.page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  });

  test.after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });

  test('before a recording is open: a hint, no empty charts and no 1970 time axis', async () => {
    await ctx.page.goto(ctx.server.url);
    await waitFor(`window.__ringbook.recordings.length === 3`);
    assert.ok(await ctx.page.isVisible('#placeholder'));
    assert.is(await ctx.page.$$eval('.uplot', (u) => u.length), 0, 'no plots without a time span to show');
    assert.not.ok(await ctx.page.isVisible('#depth'));
    const text = await ctx.page.evaluate(() => document.body.innerText);
    assert.not.match(text, /1970|12:00am|\b70 /);
    await shot('replay-empty.png');
  });

  test('the list offers the whole recording: three files, one run', async () => {
    const options = await ctx.page.$$eval('#recording option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    assert.is(options[0][0], WHOLE);
    assert.match(options[0][1]!, /^BTCUSDT · 3 files · 54,\d{3} rows · 2025-11-24 16:00:00 → 16:02:\d\d UTC \(2 min \d+ s\)$/);
    assert.is(options.length, 4, 'the whole recording, then its three files');
    assert.is(await ctx.page.$eval('#recording', (s) => (s as HTMLSelectElement).value), WHOLE, 'chosen by default');
  });

  test('the whole recording replays across its roll boundaries as `ringbook backtest DIR` does', async () => {
    await ctx.page.click('#open');
    await waitFor(`window.__ringbook.recording !== null && window.__ringbook.status === 'paused'`, 60_000);
    let s = await state();
    assert.is(s.recording!.files, 3);
    assert.match((await ctx.page.textContent('#summary'))!, /^BTCUSDT · 3 files · /);
    assert.ok((await ctx.page.$$eval('.uplot', (u) => u.length)) >= 5, 'the charts exist once there is a time span');
    await ctx.page.selectOption('#speed', 'max');
    await ctx.page.click('#play');
    await waitFor(`['done', 'error'].includes(window.__ringbook.status)`, 120_000);
    s = await state();
    assert.is(s.status, 'done', s.error);
    assert.is(s.localTs, s.recording!.lastNs);
    assert.equal(metricsOfCli(s.metrics as unknown as Record<string, unknown>), metricsOfCli(ctx.cli));
    assert.is((s.metrics!.settings as Record<string, unknown>).files, 3);
    assert.equal(s.report!.entriesBlocked, ctx.cli.entriesBlocked);
    assert.equal(s.report!.halt, ctx.cli.halt);
  });

  test('the summary strip: net, fees, Sharpe, drawdown, fills, maker share, halted — in USDT, n/a where too short', async () => {
    const tiles = await ctx.page.$$eval('#outcome .tile', (ts) =>
      ts.map((t) => [(t as HTMLElement).dataset.tile, t.querySelector('.value')!.textContent, t.querySelector('.note')!.textContent]),
    );
    assert.equal(
      tiles.map((t) => t[0]),
      ['net', 'fees', 'sharpe', 'drawdown', 'fills', 'maker', 'halted'],
    );
    const m = metricsOfCli(ctx.cli) as unknown as { pnl: { netQuote: number }; activity: { fills: number } };
    assert.is(tiles[0][1], signedMoneyIn(m.pnl.netQuote, 'USDT'));
    assert.match(tiles[1][1]!, / USDT$/);
    assert.is(tiles[2][1], 'n/a');
    assert.match(tiles[2][2]!, /^needs ≥ 1 day of data, have 2 min \d+ s$/);
    assert.match(tiles[3][1]!, / USDT$/);
    assert.is(tiles[4][1], String(m.activity.fills));
    assert.is(tiles[6][1], 'no');
  });

  test('the full metrics: collapsible, human labels, no field names or raw numbers', async () => {
    assert.not.ok(await ctx.page.$eval('#metrics-panel', (d) => (d as HTMLDetailsElement).open), 'collapsed at first');
    await ctx.page.click('#metrics-panel > summary');
    assert.ok(await ctx.page.isVisible('#metrics'));
    const text = (await ctx.page.textContent('#metrics'))!;
    for (const raw of ['run.fromNs', 'fromNs', 'pnl.netQuote', 'seriesIntervalNs', 'tickNs', 'clampedLocal', 'makerFeeRate', '[1s]'])
      assert.not.ok(text.includes(raw), `raw key ${raw} shown`);
    assert.not.match(text, /\d\.\d{9,}|\d{13,}|e-\d/);
    const labels = await ctx.page.$$eval('#metrics td.label', (tds) => tds.map((t) => t.textContent));
    for (const l of [
      'from',
      'market events',
      'net',
      'Sharpe, annualised',
      'max drawdown',
      'maker share',
      'files replayed',
      'entry.threshold',
    ])
      assert.ok(labels.includes(l), `row ${l}`);
  });

  test('nothing overflows its column at 1280, 1400 and 1920 px, with the previous run beside this one', async () => {
    // the widest the metrics get: a second run with another parameter adds the previous run's column
    const before = await state();
    const cfg = JSON.parse(DEFAULT_PARAMS.config) as Record<string, Record<string, unknown>>;
    await ctx.page.fill('#config', JSON.stringify({ ...cfg, gates: { maxSpreadTicks: 300 } }, null, 2));
    await ctx.page.click('#run');
    await waitFor(`window.__ringbook.run > ${before.run} && window.__ringbook.status === 'done'`, 120_000);
    assert.equal(await ctx.page.$$eval('#metrics thead th', (th) => th.map((t) => t.textContent)), [
      'metric',
      'this run',
      'previous run',
      'unit',
      'note',
    ]);
    assert.match((await ctx.page.textContent('#outcome'))!, /previous run /);
    for (const width of [1280, 1400, 1920]) {
      await ctx.page.setViewportSize({ width, height: 1000 });
      await ctx.page.waitForTimeout(100); // the charts resize on the window's resize event, drawn on the next frame
      const m = await ctx.page.evaluate(() => {
        const r = (s: string) => document.querySelector(s)!.getBoundingClientRect();
        const panel = document.querySelector('#metrics-panel')!;
        const table = document.querySelector('#metrics')!;
        const tiles = Array.from(document.querySelectorAll('#outcome .tile')).map((t) => t.getBoundingClientRect());
        const side = Array.from(document.querySelectorAll('.side .panel')).map((t) => t.getBoundingClientRect());
        return {
          page: document.documentElement.scrollWidth,
          view: window.innerWidth,
          main: r('main'),
          aside: r('aside'),
          panel: panel.getBoundingClientRect(),
          table: { scroll: table.scrollWidth, width: table.getBoundingClientRect().width, panelInner: panel.clientWidth },
          tiles,
          side,
          // one line box per label: a label broken across lines has two
          labelsWhole: Array.from(document.querySelectorAll('#metrics td.label')).every((td) => {
            const r = document.createRange();
            r.selectNodeContents(td);
            return r.getClientRects().length === 1;
          }),
        };
      });
      assert.ok(m.page <= m.view, `${width}: the page scrolls sideways (${m.page} > ${m.view})`);
      assert.ok(
        m.panel.width <= m.main.width + 0.5,
        `${width}: the metrics panel (${m.panel.width}) is wider than its column (${m.main.width})`,
      );
      assert.ok(m.panel.right <= m.main.right + 0.5, `${width}: the metrics panel runs past its column`);
      assert.ok(
        m.table.scroll <= m.table.width + 0.5,
        `${width}: the metrics table overflows itself (${m.table.scroll} > ${m.table.width})`,
      );
      assert.ok(
        m.table.width <= m.table.panelInner,
        `${width}: the metrics table (${m.table.width}) is wider than its panel (${m.table.panelInner})`,
      );
      for (const t of m.tiles) assert.ok(t.right <= m.view, `${width}: a tile runs off the page`);
      for (const p of m.side)
        assert.ok(p.right <= m.aside.right + 0.5 && p.width <= m.aside.width + 0.5, `${width}: a side panel overflows`);
      // no column squeezed below its longest word: a label broken across lines means the table is too tight
      assert.ok(m.labelsWhole, `${width}: a metric label is broken across lines`);
      await shot(`replay-${width}.png`);
    }
    await ctx.page.setViewportSize({ width: 1400, height: 1000 });
  });

  test("a bad parameter: a banner names it with the CLI's 'did you mean', and the last run and its charts stay", async () => {
    const before = await state();
    const typo = cli('backtest', ctx.data, '--preset', 'demo-passive', '--set', 'entry.thresold=0.4');
    assert.is(typo.status, 2, 'a bad --set is a usage error');
    const hint = /\(did you mean [^)]*\)/.exec(typo.stderr)?.[0];
    assert.ok(hint, typo.stderr);
    const config = JSON.stringify({ signal: { source: 'obiN' }, entry: { thresold: 0.4 } }, null, 2);
    await ctx.page.fill('#config', config);
    await ctx.page.click('#run');
    await waitFor(`window.__ringbook.error !== undefined`);
    const s = await state();
    assert.is(s.error, `strategy config, line 6: entry.thresold is not a known field ${hint}`);
    assert.is(s.errorField, 'config');
    assert.ok(await ctx.page.isVisible('#error'));
    assert.match(
      (await ctx.page.textContent('#error'))!,
      /Parameter error: strategy config, line 6: .*Nothing was run: the charts and metrics still show the last run/,
    );
    assert.is(await ctx.page.getAttribute('#config', 'aria-invalid'), 'true');
    assert.is(s.status, 'done');
    assert.is(s.run, before.run, 'nothing restarted');
    assert.equal(s.metrics, before.metrics);
    assert.is(s.fills, before.fills);
    assert.ok(await ctx.page.isVisible('#outcome .tile'), 'the strip still shows the last run');
    await shot('replay-error.png');

    await ctx.page.fill('#config', DEFAULT_PARAMS.config);
    assert.is(await ctx.page.getAttribute('#config', 'aria-invalid'), null, 'editing the field clears its mark');
    await ctx.page.fill('#latency', 'feed:fast');
    await ctx.page.click('#run');
    await waitFor(`window.__ringbook.errorField === 'latency'`);
    assert.match((await state()).error!, /^latency feed:fast: use feed:A,B,C,D/);

    await ctx.page.fill('#latency', 'feed');
    await ctx.page.click('#run');
    await waitFor(`window.__ringbook.run > ${before.run} && window.__ringbook.status === 'done'`, 120_000);
    assert.ok(await ctx.page.isHidden('#error'), 'a run that starts clears the banner');
  });

  test("latency recorded on a recording without its own orders: the CLI's refusal, the input named", async () => {
    const r = cli('backtest', ctx.data, '--preset', 'demo-passive', '--latency', 'recorded');
    assert.is(r.status, 2, 'a usage error');
    const said = /--latency recorded needs .*constant:5ms/.exec(r.stderr)?.[0];
    assert.ok(said, r.stderr);
    assert.ok(said.includes(`${dirText(ctx.data)} has no _orders stream`), said);
    const before = await state();
    await ctx.page.fill('#config', DEFAULT_PARAMS.config);
    await ctx.page.fill('#latency', 'recorded');
    await ctx.page.click('#run');
    await waitFor(`window.__ringbook.errorField === 'latency'`);
    const s = await state();
    // the CLI's words; the page names the directory it serves rather than a path it does not know
    assert.is(s.error, said.replace(/^--latency/, 'latency').replace(dirText(ctx.data), 'the served directory'));
    assert.is(s.run, before.run, 'nothing restarted');
    await ctx.page.fill('#latency', '');
  });

  test('a demo recording: its own orders give the recorded latency by default, and the figures are a plain `backtest DIR --json`', async () => {
    const demo = join(ctx.dir, 'demo');
    const d = cli('demo', '--duration', '15s', '--out', `${demo}/`);
    assert.is(d.status, 0, d.stderr);
    const server = await startServer({ webRoot: join(BUILD, 'web'), dataRoot: demo, port: 0 });
    const page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    const stateOf = () => page.evaluate(() => JSON.parse(JSON.stringify(window.__ringbook)) as PageState);
    const wait = (fn: string, timeout = 60_000) => page.waitForFunction(fn, null, { timeout, polling: 20 });
    const runWith = async (config: string, latency: string): Promise<PageState> => {
      const run = (await stateOf()).run;
      await page.fill('#config', config);
      await page.fill('#latency', latency);
      await page.click('#run');
      await wait(`window.__ringbook.run > ${run} && ['done', 'error'].includes(window.__ringbook.status)`, 120_000);
      const s = await stateOf();
      assert.is(s.status, 'done', s.error);
      return s;
    };
    const backtest = (...args: string[]) => {
      const r = cli('backtest', demo, ...args, '--json');
      assert.is(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    try {
      await page.goto(server.url);
      await wait(`window.__ringbook.recordings.length > 0`);
      const listed = (await stateOf()).recordings;
      assert.ok(
        listed.some((e) => e.stream === 'orders'),
        'the own-order log is listed',
      );
      const options = await page.$$eval('#recording option', (os) => os.map((o) => (o as HTMLOptionElement).value));
      assert.equal(options, [WHOLE], 'the order log and the ticker are no recordings of their own');
      assert.is(await page.getAttribute('#latency', 'placeholder'), 'feed (default)', 'before a recording is open');
      await page.click('#open');
      await wait(`window.__ringbook.recording !== null && window.__ringbook.status === 'paused'`);
      const own = (await stateOf()).recording!.ownOrders;
      assert.ok(own.roundTrips > 0, `round trips ${own.roundTrips}`);
      assert.is(own.defaultLatency, 'recorded');
      assert.is(own.files, listStreamParquet(demo, '_orders').length);
      assert.is(await page.getAttribute('#latency', 'placeholder'), `recorded (default: ${own.roundTrips} round trips of own orders)`);
      assert.equal(await page.$$eval('#latency-models option', (os) => os.map((o) => (o as HTMLOptionElement).value)), [
        'recorded',
        'feed',
        'constant:5ms',
      ]);

      // the session's strategy as it traded (obi-ofi, preset demo), the latency field empty
      const preset = JSON.stringify(obiOfi.presets!.demo.values, null, 2);
      const traded = await runWith(preset, '');
      const cliTraded = backtest('--preset', 'demo');
      assert.is((cliTraded.settings as Record<string, unknown>).latency, `recorded:${own.roundTrips} round trips`);
      assert.equal(metricsOfCli(traded.metrics as unknown as Record<string, unknown>), metricsOfCli(cliTraded));
      assert.equal(traded.report!.entriesBlocked, cliTraded.entriesBlocked);
      assert.ok(traded.fills > 0, 'the replay trades');
      // obi-ofi's defaults, nothing named: `ringbook backtest DIR --json` with no flags
      const plain = await runWith('{}', '');
      const cliPlain = backtest();
      assert.equal(metricsOfCli(plain.metrics as unknown as Record<string, unknown>), metricsOfCli(cliPlain));
      assert.equal(plain.report!.entriesBlocked, cliPlain.entriesBlocked);
      assert.equal(plain.report!.halt, cliPlain.halt);
      // feed named: that model, on the page as in the CLI
      const feed = await runWith(preset, 'feed');
      const cliFeed = backtest('--preset', 'demo', '--latency', 'feed');
      assert.equal(metricsOfCli(feed.metrics as unknown as Record<string, unknown>), metricsOfCli(cliFeed));
      assert.match(String((feed.metrics!.settings as Record<string, unknown>).latency), /^feed:/);
      console.log(
        `demo recording, obi-ofi preset demo: recorded ${JSON.stringify((traded.metrics as unknown as { pnl: { netQuote: number } }).pnl.netQuote)} USDT, ${traded.fills} fills; ` +
          `feed ${JSON.stringify((feed.metrics as unknown as { pnl: { netQuote: number } }).pnl.netQuote)} USDT, ${feed.fills} fills`,
      );

      // a market file of it dropped on the page brings no order log: feed, as for any recording without one
      const [file] = listParquet(demo);
      await page.fill('#latency', '');
      await page.setInputFiles('#file', file);
      await wait(
        `window.__ringbook.recording?.name === ${JSON.stringify(file.slice(file.lastIndexOf('/') + 1))} && window.__ringbook.status === 'paused'`,
      );
      const dropped = (await stateOf()).recording!.ownOrders;
      assert.is(dropped.defaultLatency, 'feed');
      assert.is(dropped.roundTrips, 0);
      assert.is(await page.getAttribute('#latency', 'placeholder'), 'feed (default)');
      const run = await runWith(preset, '');
      assert.match(String((run.metrics!.settings as Record<string, unknown>).latency), /^feed:/);
    } finally {
      await page.close();
      await server.close();
    }
  });

  test.run();
}
