// The replay page in a real browser (Debian's chromium through playwright-core), against `ringbook serve`'s server
// and a generated recording: the page is cross-origin isolated, a run at full speed reports exactly what
// `ringbook backtest --json` prints for the same file and parameters, seeking, stepping and the speeds behave, a
// local file opens too, and without isolation the page still works (ladder copied, banner shown). The server
// refuses to leave its roots. Build output comes from $RINGBOOK_BUILD (default build/): the page in web/, the CLI.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeRecording } from '../../bench/recording';
import { asyncBufferFromFile } from 'hyparquet';
import { listParquet } from '../../src/capture/recover';
import { loadRecording, type Recording } from '../../src/web/recording';
import { landing } from './landing';
import type { PageState } from '../../src/web/app';
import { startServer, type RunningServer } from '../../src/serve/server';
import { metricsOfCli } from '../helpers/metrics-json';

const BUILD = process.env.RINGBOOK_BUILD ?? join(process.cwd(), 'build');
const CHROMIUM = '/usr/bin/chromium';
const SEEK_STEPS = 100_000; // the slider's range (src/web/app.ts)
const CONFIG = {
  signal: { source: 'obiN' },
  entry: { threshold: 0.4, confirmCount: 2, mode: 'passive' },
  exit: { threshold: 0.1, timeStopNs: '5s' },
  hurdle: { enabled: false },
  cooldown: { ns: '2s' },
};

declare const window: { __ringbook: PageState };

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    test('chromium is installed for the browser tests', () => {
      assert.unreachable(`${CHROMIUM} is missing: install it (apt-get install -y chromium) — CI must run the browser tests`);
    });
  } else {
    console.log(`skipping the browser replay tests: ${CHROMIUM} is missing (apt-get install -y chromium to run them)`);
    test.skip('the replay page in chromium', () => {});
  }
  test.run();
} else {
  const ctx = {} as {
    dir: string;
    file: string;
    cfg: string;
    server: RunningServer;
    plain: Server;
    plainUrl: string;
    browser: Browser;
    page: Page;
    cli: unknown;
    rec: Recording;
  };

  const state = (page = ctx.page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__ringbook)) as PageState);
  const waitFor = (page: Page, fn: string, timeout = 30_000) => page.waitForFunction(fn, null, { timeout, polling: 20 });
  /** Settled: not loading, running or seeking. */
  const settled = (page: Page) =>
    waitFor(page, `['paused','done','error'].includes(window.__ringbook.status) && !window.__ringbook.seeking`);

  async function setParams(page: Page): Promise<void> {
    await page.fill('#config', JSON.stringify(CONFIG, null, 2));
    await page.fill('#latency', 'feed');
    await page.fill('#queue', 'risk-averse');
    await page.fill('#fees', '0.0002,0.0006');
    await page.setChecked('#partial', true);
  }

  async function runToEnd(page: Page): Promise<PageState> {
    const run = (await state(page)).run;
    await page.selectOption('#speed', 'max');
    await page.click('#run');
    await waitFor(page, `window.__ringbook.run > ${run} && ['done', 'error'].includes(window.__ringbook.status)`, 60_000);
    const s = await state(page);
    assert.is(s.status, 'done', s.error);
    return s;
  }

  async function openListed(page: Page): Promise<void> {
    await waitFor(page, `window.__ringbook.recordings.length > 0`);
    // a one-file recording is listed once, as the whole recording
    await page.selectOption('#recording', 'recording:bitget/USDT-FUTURES/BTCUSDT');
    await page.click('#open');
    await settled(page);
  }

  /** Drags the seek slider to `value` (of SEEK_STEPS) and lets go; returns the time that stands for. */
  async function seekSlider(value: number): Promise<bigint> {
    const s = await state();
    const first = BigInt(s.recording!.firstNs);
    const span = BigInt(s.recording!.lastNs) - first;
    await ctx.page.$eval(
      '#seek',
      (el, v) => {
        const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean };
        input.value = String(v);
        input.dispatchEvent(new Event('input'));
        input.dispatchEvent(new Event('change'));
      },
      value,
    );
    return first + (span * BigInt(value)) / BigInt(SEEK_STEPS);
  }

  /** Waits for a seek to finish and checks the replay stands at the last message at or before `target`. */
  async function landed(target: bigint): Promise<PageState> {
    const want = landing(ctx.rec, target);
    await waitFor(
      ctx.page,
      `!window.__ringbook.seeking && window.__ringbook.status === 'paused' && window.__ringbook.localTs === '${want}'`,
    );
    const s = await state();
    assert.is(BigInt(s.localTs), want, `landed at ${s.localTs}, wanted the last message at or before ${target}`);
    return s;
  }

  function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** The same site without the isolation headers: a plain proxy in front of the real server. */
  function plainProxy(target: number): Promise<{ server: Server; url: string }> {
    const server = createServer((req, res) => {
      const up = request(
        { host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: { ...req.headers, host: `127.0.0.1:${target}` } },
        (r) => {
          const headers = { ...r.headers };
          for (const h of ['cross-origin-opener-policy', 'cross-origin-embedder-policy', 'cross-origin-resource-policy']) delete headers[h];
          res.writeHead(r.statusCode ?? 502, headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    return new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })),
    );
  }

  test.before(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), 'ringbook-replay-'));
    const data = join(ctx.dir, 'data');
    writeRecording(data, 60_000);
    const [file] = listParquet(data);
    ctx.file = file.slice(data.length + 1);
    ctx.rec = await loadRecording(await asyncBufferFromFile(file), file);
    ctx.cfg = join(ctx.dir, 'strategy.json');
    writeFileSync(ctx.cfg, JSON.stringify(CONFIG));
    const cli = spawnSync(
      process.execPath,
      [join(BUILD, 'ringbook.mjs'), 'backtest', data, '--config', ctx.cfg, '--latency', 'feed', '--queue', 'risk-averse', '--json'],
      { encoding: 'utf8' },
    );
    assert.is(cli.status, 0, cli.stderr);
    ctx.cli = metricsOfCli(cli.stdout);
    ctx.server = await startServer({ webRoot: join(BUILD, 'web'), dataRoot: data, port: 0 });
    ({ server: ctx.plain, url: ctx.plainUrl } = await plainProxy(ctx.server.port));
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    ctx.page = await ctx.browser.newPage({ viewport: { width: 1400, height: 1500 } });
    ctx.page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  });

  test.after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
    await new Promise((r) => (ctx.plain ? ctx.plain.close(r) : r(undefined)));
  });

  test('the server refuses paths that climb out of the data root', async () => {
    for (const path of [
      '/data/../package.json',
      '/data/%2e%2e/package.json',
      '/data/%2E%2E/%2e%2e/package.json',
      '/data/..%2fpackage.json',
    ]) {
      const r = await rawGet(ctx.server.port, path);
      assert.ok(r.status >= 400 && r.status < 500, `${path} answered ${r.status}`);
      assert.not.match(r.body, /"name":\s*"ringbook"/, `${path} leaked package.json`);
    }
  });

  test('the page is cross-origin isolated and opens a recording from the list', async () => {
    await ctx.page.goto(ctx.server.url);
    assert.ok(await ctx.page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated));
    assert.ok(await ctx.page.isHidden('#banner'), 'no isolation banner');
    await openListed(ctx.page);
    await waitFor(ctx.page, `window.__ringbook.ladderSource !== null`);
    const s = await state();
    assert.is(s.status, 'paused');
    assert.is(s.recording!.name, ctx.file);
    assert.ok(s.isolated);
    assert.is(s.ladderSource, 'shared-memory');
    assert.is(s.localTs, s.recording!.firstNs, 'nothing fed yet');
  });

  test('a run at max speed reports the metrics `ringbook backtest --json` prints, and the strategy trades', async () => {
    await setParams(ctx.page);
    const s = await runToEnd(ctx.page);
    assert.equal(metricsOfCli(s.metrics as unknown as Record<string, unknown>), ctx.cli);
    assert.ok(s.fills > 0, `fills ${s.fills}`);
    assert.is(s.localTs, s.recording!.lastNs);
    // the ladder is read from the worker's memory by the page itself: it shows the book at the end
    const cells = await ctx.page.$$eval('#ladder td.price', (tds) => tds.filter((td) => td.textContent !== '').length);
    assert.is(cells, 20);
  });

  test('seeking lands where asked: forwards fast-forwards, backwards restarts', async () => {
    const before = (await state()).run;
    const mid = await seekSlider(SEEK_STEPS / 2);
    const a = await landed(mid);
    assert.is(a.run, before + 1, 'seeking after the end restarts the run');
    const late = await seekSlider((SEEK_STEPS * 3) / 4);
    const b = await landed(late);
    assert.is(b.run, a.run, 'forwards does not restart');
    assert.ok(b.messages > a.messages);
    const early = await seekSlider(SEEK_STEPS / 4);
    const c = await landed(early);
    assert.is(c.run, b.run + 1, 'backwards restarts');
    assert.ok(c.messages < b.messages);
  });

  test('step feeds exactly one market message', async () => {
    for (let i = 0; i < 3; i++) {
      const s = await state();
      await ctx.page.click('#step');
      await waitFor(ctx.page, `window.__ringbook.messages === ${s.messages + 1}`);
      const t = await state();
      assert.is(t.messages, s.messages + 1);
      assert.ok(t.rows > s.rows);
      assert.ok(BigInt(t.localTs) >= BigInt(s.localTs));
      assert.is(t.status, 'paused');
    }
  });

  test('at 1× the replay clock keeps pace with the wall clock; max speed finishes with the same metrics', async () => {
    await landed(await seekSlider(0));
    await ctx.page.selectOption('#speed', '1');
    await ctx.page.click('#play');
    // sampled in the page, so the wall times are the page's own
    const samples = await ctx.page.evaluate(async () => {
      const out: Array<[number, string]> = [];
      for (let i = 0; i < 6; i++) {
        out.push([performance.now(), window.__ringbook.localTs]);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out;
    });
    // the recording is 0.67 s long: on a slow machine 1× may have reached the end already, and Pause is disabled
    await ctx.page.evaluate(() => window.__ringbook.controls.pause());
    await settled(ctx.page);
    for (let i = 1; i < samples.length; i++) assert.ok(BigInt(samples[i][1]) >= BigInt(samples[i - 1][1]), 'monotonic');
    const wallMs = samples[samples.length - 1][0] - samples[0][0];
    const marketMs = Number(BigInt(samples[samples.length - 1][1]) - BigInt(samples[0][1])) / 1e6;
    assert.ok(marketMs > wallMs / 10 && marketMs < wallMs * 10, `market advanced ${marketMs} ms in ${wallMs} ms of wall time`);

    await ctx.page.selectOption('#speed', 'max');
    await ctx.page.click('#play');
    await waitFor(ctx.page, `window.__ringbook.status === 'done'`, 60_000);
    assert.equal(
      metricsOfCli((await state()).metrics as unknown as Record<string, unknown>),
      ctx.cli,
      'pauses, seeks and steps do not change the outcome',
    );
    // the charts draw on the next animation frames
    await ctx.page.waitForTimeout(300);
    mkdirSync(join(BUILD, 'test-output'), { recursive: true });
    await ctx.page.screenshot({ path: join(BUILD, 'test-output', 'replay.png'), fullPage: true });
    const painted = await ctx.page.$eval('#depth', (c) => {
      const cv = c as unknown as {
        width: number;
        height: number;
        getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      };
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      let lit = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 60 || d[i + 1] > 60) lit++;
      return lit;
    });
    assert.ok(painted > 1000, `the depth heat map is drawn (${painted} lit pixels)`);
  });

  test('Run with other parameters re-runs from the start and compares with the previous run', async () => {
    const other = { ...CONFIG, entry: { ...CONFIG.entry, threshold: 0.6, confirmCount: 1 } };
    const cfg = join(ctx.dir, 'other.json');
    writeFileSync(cfg, JSON.stringify(other));
    const cli = spawnSync(
      process.execPath,
      [
        join(BUILD, 'ringbook.mjs'),
        'backtest',
        join(ctx.dir, 'data'),
        '--config',
        cfg,
        '--latency',
        'feed',
        '--queue',
        'risk-averse',
        '--json',
      ],
      { encoding: 'utf8' },
    );
    assert.is(cli.status, 0, cli.stderr);
    await ctx.page.fill('#config', JSON.stringify(other));
    const s = await runToEnd(ctx.page);
    assert.equal(metricsOfCli(s.metrics as unknown as Record<string, unknown>), metricsOfCli(cli.stdout));
    assert.equal(await ctx.page.$$eval('#metrics thead th', (th) => th.map((t) => t.textContent)), [
      'metric',
      'this run',
      'previous run',
      'unit',
      'note',
    ]);
    // bad parameters: refused with the field named; the run and its charts stay
    await ctx.page.fill('#config', '{"entry": {"threshold": -1}}');
    await ctx.page.click('#run');
    await waitFor(ctx.page, `window.__ringbook.error !== undefined`);
    const bad = await state();
    assert.match(bad.error ?? '', /entry\.threshold/);
    assert.is(bad.errorField, 'config');
    assert.is(bad.status, 'done', 'the last run stays');
    assert.is(bad.run, s.run);
    assert.equal(bad.metrics, s.metrics);
    assert.ok(await ctx.page.isVisible('#error'));
  });

  test('a local file opens through the file input and replays the same', async () => {
    const name = ctx.file.slice(ctx.file.lastIndexOf('/') + 1);
    await setParams(ctx.page);
    await ctx.page.setInputFiles('#file', join(ctx.dir, 'data', ctx.file));
    await waitFor(ctx.page, `window.__ringbook.recording?.name === ${JSON.stringify(name)}`);
    await settled(ctx.page);
    const s = await state();
    assert.is(s.status, 'paused');
    const done = await runToEnd(ctx.page);
    assert.equal(metricsOfCli(done.metrics as unknown as Record<string, unknown>), ctx.cli);
  });

  test('without cross-origin isolation the page says what is lost and still replays', async () => {
    const page = await ctx.browser.newPage();
    try {
      await page.goto(ctx.plainUrl);
      assert.not.ok(await page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated));
      assert.match((await page.textContent('#banner')) ?? '', /not cross-origin isolated: the order-book ladder is copied from the worker/);
      assert.ok(await page.isVisible('#banner'));
      await openListed(page);
      await setParams(page);
      const s = await runToEnd(page);
      assert.not.ok(s.isolated);
      assert.is(s.ladderSource, 'copied');
      assert.equal(metricsOfCli(s.metrics as unknown as Record<string, unknown>), ctx.cli);
      await waitFor(page, `document.querySelectorAll('#ladder td.price:not(:empty)').length === 20`);
    } finally {
      await page.close();
    }
  });

  test.run();
}
