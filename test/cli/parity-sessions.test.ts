// Two `demo --out` sessions into one directory: `backtest --parity` checks the newest session against its own order
// records only (not the older session's, interleaved in the same log), says which it checked and that the directory
// holds another, and `--session NS` checks the older one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ordersBetween, type OrderRecord } from '../../src/backtest/orders';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-parity-sessions-'));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });

test('ordersBetween: a session from its start up to the next one, the newest to the end', () => {
  const at = (t: number) => ({ localTs: BigInt(t) }) as OrderRecord;
  const log = [at(5), at(10), at(15), at(20), at(25)];
  assert.equal(
    ordersBetween(log, 10n, 20n).map((o) => o.localTs),
    [10n, 15n],
  );
  assert.equal(
    ordersBetween(log, 20n, null).map((o) => o.localTs),
    [20n, 25n],
  );
});

test('two sessions in one directory: --parity checks the chosen one against its own orders', () => {
  for (let i = 0; i < 2; i++) {
    const d = run('demo', '--duration', '3s', '--out', 'data');
    assert.is(d.status, 0, d.stderr);
    // the second is told, before it starts, that it goes beside the first
    if (i === 0) assert.not.match(d.stderr, /already holds/);
    else
      assert.match(
        d.stderr.split('\n')[0],
        /^data\/ already holds a recording: [1-9]\d* market-data files? of BTCUSDT \(.*\); 1 trading session \(the newest session-\d+\.json under _orders\/\)\. This session adds its files beside them and overwrites nothing/,
      );
  }
  const started = readdirSync(join(dir, 'data', '_orders'))
    .map((n) => /^session-(\d+)\.json$/.exec(n)?.[1])
    .filter((x): x is string => x !== undefined)
    .sort();
  assert.is(started.length, 2);
  // a plain backtest of the directory replays both: said on stderr, --json untouched
  const both = run('backtest', 'data', '--json');
  assert.is(both.status, 0, both.stderr);
  assert.match(both.stderr, /(^|\n)data\/ holds 2 trading sessions \(demo\/live\): their market data is replayed here as one recording/);
  assert.ok(JSON.parse(both.stdout));
  const newest = run('backtest', 'data', '--parity', '--json');
  assert.is(newest.status, 0, newest.stderr);
  const p = JSON.parse(newest.stdout).parity;
  assert.is(p.divergence, null, JSON.stringify(p.divergence));
  assert.is(p.matched, p.live);
  assert.equal(p.session, { file: `session-${started[1]}.json`, startedNs: started[1], startedUtc: p.session.startedUtc, others: 1 });
  assert.match(newest.stderr, new RegExp(`; data/ holds 1 other session \\(started \\S+Z: --session ${started[0]}\\)`));
  const older = run('backtest', 'data', '--parity', '--session', started[0]);
  assert.is(older.status, 0, older.stderr);
  assert.match(
    older.stdout,
    new RegExp(
      `\\n {2}session: started \\S+Z \\(session-${started[0]}\\.json\\), its own orders only; the directory holds 1 other session`,
    ),
  );
  assert.match(older.stdout, /\nno divergence: decision for decision the same/);
  const wrong = run('backtest', 'data', '--parity', '--session', '12');
  assert.is(wrong.status, 2);
  assert.match(wrong.stderr, /--session 12: no such session under .*_orders; there: \d+ \(/);
});

test.run();
