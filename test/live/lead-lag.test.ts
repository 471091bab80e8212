// lead-lag in a demo session of two symbols against the local exchange: one pipeline with both books, the strategy
// decides on BTCUSDT's order flow and orders ETHUSDT only; the summary (as JSON) has each symbol's figures and the
// recording has both symbols' market data and ETHUSDT's orders.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-lead-lag-'));

test('demo --symbols BTCUSDT,ETHUSDT --strategy lead-lag: both books seen, orders on the follower only', () => {
  const data = join(dir, 'data');
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'demo',
      '--symbols',
      'BTCUSDT,ETHUSDT',
      '--strategy',
      'lead-lag',
      '--set',
      'threshold=0.3',
      '--set',
      'confirm=2',
      '--duration',
      '12s',
      '--out',
      data,
      '--log-format',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 },
  );
  assert.is(r.status, 0, r.stderr);
  const events = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  const start = events.find((e) => e.symbols && e.exchange);
  assert.equal(start.symbols, ['BTCUSDT', 'ETHUSDT']);
  assert.match(start.msg, /trading ETHUSDT, watching BTCUSDT for 12 s/);
  const s = events.find((e) => e.event === 'summary');
  const [btc, eth] = s.symbols;
  assert.is(btc.symbol, 'BTCUSDT');
  assert.is(eth.symbol, 'ETHUSDT');
  assert.ok(btc.signals > 0 && eth.signals > 0, `both books reached the strategy (${btc.signals}, ${eth.signals})`);
  assert.is(btc.traded, false);
  assert.is(eth.traded, true);
  assert.is(btc.orders, 0, 'nothing ordered on the leader');
  assert.is(btc.fills, 0);
  assert.ok(eth.orders > 0, 'the follower was traded');
  assert.is(s.orders, eth.orders);
  assert.is(eth.positionLot, 0, 'flattened at the end');
  assert.is(s.ended, 'stopped', 'no halt before the stop');
  // the recording: both symbols' market data, the follower's orders
  const tree = (readdirSync(data, { recursive: true }) as string[]).map((f) => f.replaceAll('\\', '/'));
  for (const symbol of ['BTCUSDT', 'ETHUSDT'])
    assert.ok(
      tree.some((f) => !f.startsWith('_') && f.includes(`symbol=${symbol}/`) && f.endsWith('.parquet')),
      `${symbol}'s market data recorded`,
    );
  assert.ok(
    tree.some((f) => f.startsWith('_orders/') && f.includes('symbol=ETHUSDT/') && f.endsWith('.parquet')),
    "ETHUSDT's orders recorded",
  );
  assert.ok(existsSync(join(data, '_orders')));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
