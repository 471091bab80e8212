// A `ringbook live` session against a local exchange in the test's process, and what it must leave at the venue.
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { join } from 'node:path';
import type { Exchange } from '../../src/exchange/index';

const CLI = join(process.cwd(), 'build/ringbook.mjs');

/** `ringbook live ARGS` pointed at `ex`, stdout and stderr piped unless `stdio` says otherwise. */
export function liveSession(ex: Exchange, args: string[], o: { cwd?: string; stdio?: StdioOptions } = {}): ChildProcess {
  return spawn(process.execPath, [CLI, 'live', ...args, '--ws-url', ex.url.ws, '--rest-url', ex.url.rest], {
    cwd: o.cwd,
    stdio: o.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}

/** The venue holds no order of ours and no position. */
export async function assertVenueFlat(ex: Exchange): Promise<void> {
  const account = (await (await fetch(new URL('/debug/account', ex.url.rest))).json()) as {
    futures: { positions: Array<{ symbol: string; lots: number }> };
    openOrders: unknown[];
  };
  assert.equal(account.openOrders, [], 'no order left at the venue');
  assert.ok(
    account.futures.positions.every((p) => p.lots === 0),
    `flat at the venue: ${JSON.stringify(account.futures.positions)}`,
  );
}
