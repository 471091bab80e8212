// A strategy's places decided on one message leave as one batch request (the gateway's handleAll): a demo of the
// ladder fixture sends its three orders in one batch-place-order, each order is answered on its own, and the
// recorded session still replays decision for decision.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-batch-'));
copyFileSync(join(process.cwd(), 'test/fixtures/strategies/ladder.ts'), join(dir, 'ladder.ts'));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });

test('three places of one decision: one batch request, three answers, the same decisions in the replay', () => {
  const demo = run('demo', '--strategy', 'ladder.ts', '--duration', '5s', '--out', 'data');
  assert.is(demo.status, 0, demo.stderr);
  // the stop's cancel-all answers the three with one request of its own, not a batch
  assert.match(demo.stderr, /^ {2}trading {7}3 orders, 0 cancels, \d+ fills?, 0 rejects, 0 round trips \(1 batch request\);/m);
  const r = run('backtest', 'data', '--parity', '--json');
  assert.is(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout).parity;
  assert.is(p.live, 3);
  assert.is(p.matched, 3);
  assert.is(p.divergence, null);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
