// The replay page when its own files do not load, in chromium against `ringbook serve`'s server over a web root with
// one file taken away: without its worker bundle the page says at once which file, the HTTP answer and how to fix
// it, and opening a recording then ends in that error again instead of "opening…" for ever; without core.wasm the
// open fails naming core.wasm, the HTTP answer and the fix. Skipped without /usr/bin/chromium (failed under CI).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/serve/server';
import { writeRolledRecording } from '../helpers/rolled-recording';
import { pageState, waitFor } from './page-driver';

const BUILD = process.env.RINGBOOK_BUILD ?? join(process.cwd(), 'build');
const CHROMIUM = '/usr/bin/chromium';
const REBUILD = /build them again \(npm run build writes build\/web\/\), restart ringbook serve and reload this page/;

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    test('chromium is installed for the browser tests', () => {
      assert.unreachable(`${CHROMIUM} is missing: install it (apt-get install -y chromium) — CI must run the browser tests`);
    });
  } else {
    console.log(`skipping the page-files tests: ${CHROMIUM} is missing (apt-get install -y chromium to run them)`);
    test.skip('the replay page without its files in chromium', () => {});
  }
  test.run();
} else {
  const ctx = {} as { dir: string; data: string; browser: Browser };

  /** The page served from a copy of build/web/ without `missing`. */
  async function pageWithout(missing: string): Promise<{ page: Page; server: RunningServer; close(): Promise<void> }> {
    const web = join(ctx.dir, `web-without-${missing}`);
    cpSync(join(BUILD, 'web'), web, { recursive: true });
    rmSync(join(web, missing));
    const server = await startServer({ webRoot: web, dataRoot: ctx.data, port: 0 });
    const page = await ctx.browser.newPage();
    return {
      page,
      server,
      close: async () => {
        await page.close();
        await server.close();
      },
    };
  }

  test.before(async () => {
    ctx.dir = mkdtempSync(join(tmpdir(), 'ringbook-page-files-'));
    ctx.data = join(ctx.dir, 'data');
    await writeRolledRecording(ctx.data, 5_000);
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });

  test.after(async () => {
    await ctx.browser?.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });

  test('no worker bundle: the page names the file, its HTTP answer and the fix, and an open ends in that error', async () => {
    const p = await pageWithout('replay.worker.js');
    try {
      await p.page.goto(p.server.url);
      await waitFor(p.page, `window.__ringbook.status === 'error' && window.__ringbook.recordings.length > 0`);
      let s = await pageState(p.page);
      assert.is(s.error, 'the replay worker did not load: GET /replay.worker.js answered HTTP 404 Not Found');
      const banner = (await p.page.textContent('#error'))!;
      assert.match(banner, REBUILD);
      // opening a recording starts a fresh worker, which fails the same way: said again, not "opening…" for ever
      await p.page.click('#open');
      await waitFor(p.page, `window.__ringbook.status === 'error'`);
      s = await pageState(p.page);
      assert.match(s.error!, /GET \/replay\.worker\.js answered HTTP 404/);
      assert.ok(await p.page.isVisible('#error'));
      assert.match((await p.page.textContent('#summary'))!, /was not opened: the replay worker did not load$/);
    } finally {
      await p.close();
    }
  });

  test('no core.wasm: opening a recording fails naming core.wasm, its HTTP answer and the fix', async () => {
    const p = await pageWithout('core.wasm');
    try {
      await p.page.goto(p.server.url);
      await waitFor(p.page, `window.__ringbook.recordings.length > 0`);
      await p.page.click('#open');
      await waitFor(p.page, `window.__ringbook.status === 'error'`);
      const s = await pageState(p.page);
      assert.match(s.error!, /the core did not load: GET \/core\.wasm answered HTTP 404 Not Found/);
      assert.match(s.error!, REBUILD);
    } finally {
      await p.close();
    }
  });

  test.run();
}
