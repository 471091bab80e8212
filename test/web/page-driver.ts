// Driving the replay page in chromium: its state as the page publishes it (window.__ringbook), waiting on a condition
// over that state, and a run to its end.
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { PageState } from '../../src/web/app';

declare const window: { __ringbook: PageState };

export const pageState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__ringbook)) as PageState);

export const waitFor = (page: Page, fn: string, timeout = 30_000) => page.waitForFunction(fn, null, { timeout, polling: 20 });

/** Clicks run and waits for the new run's metrics (not the last run's status: a reset arrives before its first frame). */
export async function runToEnd(page: Page): Promise<PageState> {
  const run = (await pageState(page)).run;
  await page.click('#run');
  await waitFor(
    page,
    `window.__ringbook.run > ${run} && (window.__ringbook.status === 'error' || (window.__ringbook.status === 'done' && window.__ringbook.metrics !== undefined))`,
    60_000,
  );
  const s = await pageState(page);
  assert.is(s.status, 'done', s.error);
  return s;
}
