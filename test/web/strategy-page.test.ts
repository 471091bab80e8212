// Strategies on the replay page, in a real browser (Debian's chromium through playwright-core) against
// `ringbook serve --strategy FILE` run in this process: the built-ins come as the loader bundles them, so signal-taker
// on the page reports exactly the metrics and the bundle hash of `ringbook backtest --strategy signal-taker --json`;
// the parameter form is the strategy's declared parameters; a user's file is served, and each save re-runs the
// replay (the previous run kept dashed), a save that does not build shows file:line in the banner while the last good
// bundle and its run stay and the server carries on; a handler that never returns is stopped by the page's watchdog,
// named, and the next save runs in a fresh worker; the served bundle dropped on a page runs the same. Build output
// comes from $RINGBOOK_BUILD (default build/).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeRecording } from '../../bench/recording';
import type { PageState } from '../../src/web/app';
import { pageState, runToEnd, waitFor } from './page-driver';
import { runServe } from '../../src/cli/serve';
import { startServer } from '../../src/serve/server';
import { metricsOfCli } from '../helpers/metrics-json';

const BUILD = process.env.RINGBOOK_BUILD ?? join(process.cwd(), 'build');
const CHROMIUM = '/usr/bin/chromium';
const FIXTURE = join(process.cwd(), 'test/fixtures/strategies/imbalance-taker.ts');

declare const window: { __ringbook: PageState };

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    test('chromium is installed for the browser tests', () => {
      assert.unreachable(`${CHROMIUM} is missing: install it (apt-get install -y chromium) — CI must run the browser tests`);
    });
  } else {
    console.log(`skipping the strategy page tests: ${CHROMIUM} is missing (apt-get install -y chromium to run them)`);
    test.skip('strategies on the replay page in chromium', () => {});
  }
  test.run();
} else {
  const ctx = {} as {
    dir: string;
    data: string;
    file: string;
    source: string;
    url: string;
    stop: AbortController;
    served: Promise<number>;
    log: string[];
    browser: Browser;
    page: Page;
  };

  const state = (page = ctx.page) => pageState(page);

  function cli(...args: string[]): Record<string, unknown> {
    const r = spawnSync(process.execPath, [join(BUILD, 'ringbook.mjs'), 'backtest', ctx.data, ...args, '--json'], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  async function openRecording(page: Page): Promise<void> {
    await waitFor(page, `window.__ringbook.recordings.length > 0`);
    await page.selectOption('#recording', 'recording:bitget/USDT-FUTURES/BTCUSDT');
    await page.click('#open');
    await waitFor(page, `['paused','done','error'].includes(window.__ringbook.status) && window.__ringbook.recording !== null`);
    await page.selectOption('#speed', 'max');
  }

  test.before(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), 'ringbook-strategy-page-'));
    ctx.data = join(ctx.dir, 'data');
    writeRecording(ctx.data, 60_000);
    ctx.file = join(ctx.dir, 'my-taker.ts');
    copyFileSync(FIXTURE, ctx.file);
    ctx.source = readFileSync(ctx.file, 'utf8');
    ctx.log = [];
    ctx.stop = new AbortController();
    const listening = new Promise<string>((resolve) => {
      ctx.served = runServe(['--data', ctx.data, '--port', '0', '--strategy', ctx.file], {
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
    // the served file is picked once the page has fetched it
    await waitFor(ctx.page, `window.__ringbook.strategy.key === 'served' && window.__ringbook.served !== null`);
    await openRecording(ctx.page);
  });

  test.after(async () => {
    await ctx.browser?.close();
    ctx.stop?.abort();
    await ctx.served;
  });

  test('serve --strategy prints what it serves', () => {
    const text = ctx.log.join('\n');
    assert.match(text, /ringbook serve: http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(text, /strategy imbalance-taker from .*my-taker\.ts: bundle sha256 [0-9a-f]{12}… \(version 1\)/);
    assert.match(text, /watching .*my-taker\.ts: every save rebuilds it and the page re-runs the replay/);
  });

  test('signal-taker on the page: the metrics and bundle hash of backtest --strategy signal-taker --json', async () => {
    const json = cli('--strategy', 'signal-taker');
    const page = ctx.page;
    await page.evaluate(() => window.__ringbook.controls.chooseStrategy('builtin:signal-taker'));
    // the form is signal-taker's declared parameters, with their defaults, ranges and units
    const labels = await page.$$eval('#param-form label', (ls) => ls.map((l) => l.textContent));
    assert.equal(labels, ['signal', 'threshold', 'confirm', 'sizeLot', 'holdNs', 'maxSpreadTicks']);
    assert.is(await page.getAttribute('#param-threshold', 'placeholder'), '0.5 (default)');
    assert.is(await page.getAttribute('#param-holdNs', 'placeholder'), '2s (default)');
    const hints = await page.$$eval('#param-form .param-hint', (hs) => hs.map((h) => h.textContent));
    assert.ok(hints.includes('> 0 x'), hints.join(' | '));
    assert.ok(hints.includes('1 – 1000 messages'), hints.join(' | '));
    assert.is(await page.inputValue('#config'), '{}');
    const d = await runToEnd(page);
    assert.equal(metricsOfCli(d.metrics as unknown as Record<string, unknown>), metricsOfCli(json));
    // the synthetic book's spread is wider than the default 2 ticks: let it trade, through the form and --set
    await page.fill('#param-maxSpreadTicks', '50');
    const s = await runToEnd(page);
    const wide = cli('--strategy', 'signal-taker', '--set', 'maxSpreadTicks=50');
    assert.equal(metricsOfCli(s.metrics as unknown as Record<string, unknown>), metricsOfCli(wide));
    const cliStrategy = wide.strategy as { name: string; bundleSha256: string; coreSha256: string };
    assert.is(s.metrics!.strategy!.name, 'signal-taker');
    assert.is(s.metrics!.strategy!.bundleSha256, cliStrategy.bundleSha256, 'the page ran the bundle the CLI runs');
    assert.is(s.metrics!.strategy!.coreSha256, cliStrategy.coreSha256, 'on the core the CLI runs');
    assert.ok(s.metrics!.activity.fills > 0, 'signal-taker trades on this recording');
    const strip = await page.textContent('[data-testid=strip-strategy]');
    assert.is(strip, `Strategy signal-taker (built-in) · bundle sha256 ${cliStrategy.bundleSha256.slice(0, 12)}…`);
    // what it recorded, charted
    assert.equal(s.records, ['entry x']);
    assert.ok(await page.isVisible('[data-record="entry x"] canvas'));
    // every small plot has a scale to read: two labels at least, each another value ("0" alone says nothing)
    const plots = ['obi', 'ofi', 'position', 'equity', 'record:entry x'];
    await waitFor(page, `${JSON.stringify(plots)}.every((k) => (window.__ringbook.valueAxes[k] || []).length > 0)`);
    const axes = (await state()).valueAxes;
    for (const k of plots) {
      const labels = axes[k];
      assert.ok(labels.length >= 2 && new Set(labels).size === labels.length, `${k}: ${labels.join(', ')}`);
    }
    // and a time is at one x on every plot: the recorded series' plot area lines up with the price chart's
    const area = (sel: string) =>
      page.$eval(`${sel} .u-over`, (o) => {
        const r = o.getBoundingClientRect();
        return { left: Math.round(r.left), right: Math.round(r.right) };
      });
    await waitFor(
      page,
      `(() => { const a = document.querySelector('#chart-price .u-over').getBoundingClientRect(), b = document.querySelector('[data-record="entry x"] .u-over').getBoundingClientRect(); return Math.round(a.left) === Math.round(b.left); })()`,
    );
    assert.equal(await area('[data-record="entry x"]'), await area('#chart-price'));
  });

  test('a declared parameter out of its range is refused, naming it; the last run stays', async () => {
    const page = ctx.page;
    const before = await state();
    await page.fill('#param-threshold', '-1');
    await page.click('#run');
    await waitFor(page, `window.__ringbook.errorField === 'param:threshold'`);
    const s = await state();
    assert.match(s.error!, /^threshold: must be a number > 0, got -1$/, s.error);
    assert.is(s.run, before.run);
    assert.equal(s.metrics, before.metrics);
    assert.is(await page.getAttribute('#param-threshold', 'aria-invalid'), 'true');
    // a value in range runs, and is a parameter of the report from the page's form
    await page.fill('#param-threshold', '0.7');
    const t = await runToEnd(page);
    assert.is(t.report!.ctx.parameters!.find((r) => r.path === 'threshold')?.source, 'page form');
    assert.equal(
      metricsOfCli(t.metrics as unknown as Record<string, unknown>),
      metricsOfCli(cli('--strategy', 'signal-taker', '--set', 'maxSpreadTicks=50', '--set', 'threshold=0.7')),
    );
  });

  test('the served file: each save re-runs the replay, the previous run kept dashed', async () => {
    const page = ctx.page;
    await page.evaluate(() => window.__ringbook.controls.chooseStrategy('served'));
    const first = await runToEnd(page);
    assert.is(first.strategy.name, 'imbalance-taker');
    assert.ok(first.records.length > 0, 'imbalance-taker records series');
    const v = first.served!.version;
    const hash = first.served!.hash;
    assert.is(first.metrics!.strategy!.bundleSha256, hash);
    // the edit: a stricter threshold trades less
    writeFileSync(ctx.file, ctx.source.replace("threshold: { type: 'number', default: 0.3", "threshold: { type: 'number', default: 0.6"));
    await waitFor(
      page,
      `window.__ringbook.served.version > ${v} && window.__ringbook.run > ${first.run} && window.__ringbook.status === 'done'`,
      60_000,
    );
    const second = await state();
    assert.is.not(second.served!.hash, hash);
    assert.is(second.metrics!.strategy!.bundleSha256, second.served!.hash);
    assert.is.not(second.metrics!.activity.fills, first.metrics!.activity.fills, 'the edit changed what the strategy did');
    assert.ok(second.previous && second.previous.equityPoints > 0, 'the previous run is kept for comparison');
    assert.ok(second.previous!.fills > 0, 'with its fills (hollow markers)');
    // the CLI on the edited file agrees
    assert.equal(metricsOfCli(second.metrics as unknown as Record<string, unknown>), metricsOfCli(cli('--strategy', ctx.file)));
  });

  test("a recorded series' axis holds the previous run's values too, so its dashed line is on the plot", async () => {
    const page = ctx.page;
    const lines = ctx.source.split('\n');
    const at = lines.findIndex((l) => l.includes('onBook(m) {'));
    const level = (base: number) => {
      const l = [...lines];
      l.splice(at + 1, 0, `        ctx.record('level', ${base} + ctx.random());`);
      return l.join('\n');
    };
    const was = readFileSync(ctx.file, 'utf8');
    let s = await state();
    writeFileSync(ctx.file, level(0));
    await waitFor(
      page,
      `window.__ringbook.run > ${s.run} && window.__ringbook.status === 'done' && window.__ringbook.recordScales.level !== undefined`,
      60_000,
    );
    s = await state();
    const [lo0, hi0] = s.recordScales.level;
    assert.ok(lo0 <= 0 && hi0 >= 1 && hi0 < 50, `the first run's axis: ${lo0} – ${hi0}`);
    // the same series far above: the axis spans both runs, the previous one's values (0 to 1) included
    writeFileSync(ctx.file, level(100));
    await waitFor(
      page,
      `window.__ringbook.run > ${s.run} && window.__ringbook.status === 'done' && window.__ringbook.recordScales.level !== undefined`,
      60_000,
    );
    s = await state();
    const [lo, hi] = s.recordScales.level;
    assert.ok(lo <= 0 && hi >= 101, `the axis ${lo} – ${hi} holds both runs (0 – 1 and 100 – 101)`);
    // the file as the tests after this one expect it
    writeFileSync(ctx.file, was);
    await waitFor(
      page,
      `window.__ringbook.run > ${s.run} && window.__ringbook.status === 'done' && window.__ringbook.recordScales.level === undefined`,
      60_000,
    );
  });

  test('a save that does not build: the banner names file:line, the last good bundle and its run stay, the server lives', async () => {
    const page = ctx.page;
    const good = await state();
    const lines = ctx.source.split('\n');
    const at = lines.findIndex((l) => l.includes('onBook(m) {'));
    assert.ok(at > 0);
    // a refused API
    const refused = [...lines];
    refused.splice(at + 1, 0, '        const wall = Date.now();');
    writeFileSync(ctx.file, refused.join('\n'));
    await waitFor(page, `window.__ringbook.served.version > ${good.served!.version} && window.__ringbook.served.error !== null`);
    await waitFor(page, `window.__ringbook.errorField === 'strategy'`);
    let s = await state();
    assert.match(s.error!, new RegExp(`my-taker\\.ts:${at + 2}:\\d+: Date is not available in a strategy`));
    assert.is(await page.textContent('#error strong'), 'Strategy build error: ');
    assert.is(s.run, good.run);
    assert.is(s.status, 'done');
    assert.equal(s.metrics, good.metrics);
    assert.is(s.strategy.hash, good.served!.hash, 'the last good bundle stays chosen');
    // a syntax error
    const broken = [...lines];
    broken.splice(at + 1, 0, '        const = ;');
    writeFileSync(ctx.file, broken.join('\n'));
    await waitFor(page, `window.__ringbook.served.version > ${s.served!.version} && /Expected/.test(window.__ringbook.error || '')`);
    s = await state();
    assert.match(s.error!, new RegExp(`my-taker\\.ts:${at + 2}:\\d+: `));
    assert.is(s.run, good.run);
    // an endless loop at the module's top level: stopped in the server's check, named
    writeFileSync(ctx.file, `${ctx.source}\nwhile (true) {}\n`);
    await waitFor(
      page,
      `window.__ringbook.served.version > ${s.served!.version} && /did not finish loading/.test(window.__ringbook.error || '')`,
    );
    s = await state();
    assert.match(s.error!, /my-taker\.ts: the module did not finish loading within 2 s \(an endless loop at its top level\?\)/);
    assert.is(s.run, good.run);
    // the server still answers, and the last good bundle is still what it serves
    const list = await page.evaluate(async () => (await fetch('/api/recordings')).status);
    assert.is(list, 200);
    const served = await page.evaluate(async () => (await (await fetch('/api/strategy')).json()) as { bundle: { hash: string } });
    assert.is(served.bundle.hash, good.served!.hash);
    // the fix: built, run, the banner gone
    writeFileSync(ctx.file, ctx.source);
    await waitFor(
      page,
      `window.__ringbook.served.error === null && window.__ringbook.run > ${good.run} && window.__ringbook.status === 'done'`,
      60_000,
    );
    s = await state();
    assert.is(s.error, undefined);
    assert.is(await page.isVisible('#error'), false);
  });

  test('a handler that never returns: the watchdog stops the worker, names the strategy and the handler, keeps the last run; a fixed save runs afresh', async () => {
    const page = ctx.page;
    const good = await state();
    assert.is(good.status, 'done');
    assert.ok(good.previous, 'a run is kept for comparison');
    const stripBefore = await page.textContent('#outcome');
    // a short watchdog for the test (10 s by default)
    await page.evaluate(() => (window.__ringbook.watchdogMs = 300));
    const lines = ctx.source.split('\n');
    const at = lines.findIndex((l) => l.includes('onBook(m) {'));
    const hung = [...lines];
    hung.splice(at + 1, 0, '        if (++seen > 200) for (;;) {}');
    hung.push('let seen = 0;');
    writeFileSync(ctx.file, hung.join('\n'));
    let fixed = false;
    try {
      // the save re-runs the replay; the run hangs in onBook and the watchdog stops it
      await waitFor(page, `window.__ringbook.stalls === ${good.stalls + 1}`, 60_000);
      let s = await state();
      assert.is(s.status, 'error');
      assert.is(s.errorField, 'strategy');
      assert.match(
        s.error!,
        /^imbalance-taker \(.*my-taker\.ts, served and rebuilt on save\): onBook did not return: the replay made no progress for 300 ms and was stopped; last heard of at \d{4}-\d\d-\d\d [\d:.]+ UTC \(replay time\), [\d,]+ market messages? in \(an endless loop in onBook\?\)$/,
      );
      assert.is(await page.textContent('#error strong'), 'Strategy did not return: ');
      assert.ok(s.run > good.run, 'the hung run had started');
      assert.is(s.metrics, undefined, 'the hung run has no figures');
      // what the page showed of the last finished run stays: its figures in the strip and the table, the kept run dashed
      assert.is(await page.textContent('#outcome'), stripBefore);
      assert.ok((await page.$$('#metrics tr')).length > 0, 'the metrics table still shows the last finished run');
      assert.ok(s.previous && s.previous.equityPoints > 0);
      assert.is(await page.isDisabled('#run'), false, 'Run starts a fresh worker');
      // the default again, so that a slow start of the fresh worker on a busy machine is not taken for a hang
      await page.evaluate(() => (window.__ringbook.watchdogMs = 10_000));
      // the fix: the save starts a fresh worker that opens the recording again and runs to the end, as before the hang
      writeFileSync(ctx.file, ctx.source);
      fixed = true;
      await waitFor(
        page,
        `window.__ringbook.run > ${s.run} && window.__ringbook.status === 'done' && window.__ringbook.metrics !== undefined`,
        60_000,
      );
      s = await state();
      assert.is(s.error, undefined);
      assert.is(s.stalls, good.stalls + 1);
      assert.is(s.metrics!.strategy!.bundleSha256, good.metrics!.strategy!.bundleSha256);
      assert.equal(
        metricsOfCli(s.metrics as unknown as Record<string, unknown>),
        metricsOfCli(good.metrics as unknown as Record<string, unknown>),
      );
      assert.ok(s.previous && s.previous.equityPoints > 0, 'the run kept for comparison survived the hung one');
      // and the fresh worker answers Run as the old one did
      await runToEnd(page);
    } finally {
      // the tests after this one serve the file as it was
      if (!fixed) writeFileSync(ctx.file, ctx.source);
    }
  });

  test('a strategy that throws when created: the banner names it and file:line, the strip says the run stopped; the fix runs', async () => {
    const page = ctx.page;
    const good = await state();
    const lines = ctx.source.split('\n');
    const at = lines.findIndex((l) => l.includes('create(ctx) {'));
    assert.ok(at > 0);
    const throwing = [...lines];
    throwing.splice(at + 1, 0, "    throw new Error('no venue configured');");
    writeFileSync(ctx.file, throwing.join('\n'));
    try {
      await waitFor(page, `window.__ringbook.run > ${good.run} && window.__ringbook.status === 'error'`, 60_000);
      const s = await state();
      assert.match(s.error!, new RegExp(`create\\(\\) failed: no venue configured \\(.*my-taker\\.ts:${at + 2}:\\d+\\)`));
      // not "Running: …" as if the run were still going
      const strip = await page.textContent('#outcome');
      assert.match(strip!, /This run stopped with the error above: no figures/);
      assert.not.match(strip!, /^Running/);
    } finally {
      writeFileSync(ctx.file, ctx.source);
    }
    await waitFor(page, `window.__ringbook.status === 'done' && window.__ringbook.metrics !== undefined`, 60_000);
    const fixed = await state();
    assert.is(fixed.error, undefined);
    assert.is(fixed.metrics!.strategy!.bundleSha256, good.metrics!.strategy!.bundleSha256);
  });

  test('a page served without the strategy endpoints: the built-ins compiled in, a dropped bundle runs', async () => {
    const bare = await startServer({ webRoot: join(BUILD, 'web'), dataRoot: ctx.data, port: 0 });
    const page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1200 } });
    try {
      await page.goto(bare.url);
      await waitFor(page, `window.__ringbook.recordings.length > 0`);
      let s = await state(page);
      assert.equal(s.strategies, ['builtin:obi-ofi', 'builtin:signal-taker', 'builtin:mm-glft', 'builtin:lead-lag']);
      assert.is(s.strategy.hash, null, 'compiled into the page');
      assert.is(s.served, null);
      const bundle = join(ctx.dir, 'bare.bundle.js');
      writeFileSync(bundle, ((await (await fetch(`${ctx.url}api/strategy`)).json()) as { bundle: { text: string } }).bundle.text);
      await page.setInputFiles('#strategy-file', bundle);
      await waitFor(page, `window.__ringbook.strategy.key.startsWith('dropped:')`);
      await openRecording(page);
      s = await runToEnd(page);
      assert.is(s.strategy.name, 'imbalance-taker');
      assert.is(s.metrics!.strategy!.bundleSha256, s.strategy.hash);
      assert.match(
        (await page.textContent('[data-testid=strip-strategy]'))!,
        /^Strategy imbalance-taker \(bare\.bundle\.js\) · bundle sha256 [0-9a-f]{12}…$/,
      );
    } finally {
      await page.close();
      await bare.close();
    }
  });

  test('the served bundle dropped on a page runs the same strategy, by its hash', async () => {
    const served = await ctx.page.evaluate(async () => {
      const r = await fetch('/api/strategy/bundle.js');
      return { text: await r.text(), hash: r.headers.get('x-ringbook-bundle-sha256') };
    });
    const path = join(ctx.dir, 'imbalance-taker.bundle.js');
    writeFileSync(path, served.text);
    const page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1200 } });
    try {
      await page.goto(ctx.url);
      await waitFor(page, `window.__ringbook.served !== null`);
      await page.setInputFiles('#strategy-file', path);
      await waitFor(page, `window.__ringbook.strategy.key.startsWith('dropped:')`);
      const s = await state(page);
      assert.is(s.strategy.hash, served.hash);
      assert.is(s.strategy.name, 'imbalance-taker');
      // a run of it is the run of backtest --strategy on the file, bundle hash included
      await openRecording(page);
      const r = await runToEnd(page);
      const json = cli('--strategy', ctx.file);
      assert.equal(metricsOfCli(r.metrics as unknown as Record<string, unknown>), metricsOfCli(json));
      assert.is(r.metrics!.strategy!.bundleSha256, (json.strategy as { bundleSha256: string }).bundleSha256);
      // a TypeScript file is refused with what to do instead
      await page.setInputFiles('#strategy-file', ctx.file);
      await waitFor(page, `window.__ringbook.errorField === 'strategy'`);
      assert.match((await state(page)).error!, /cannot compile TypeScript: run ringbook serve --strategy/);
    } finally {
      await page.close();
    }
  });

  test.run();
}
