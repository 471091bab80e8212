// The built-in mm-glft on a generated recording (bench/recording.ts) and against the local exchange: it quotes both
// sides with several orders working at once, fills on both sides, amends rather than cancels and re-places, stays
// inside its inventory limit and paces itself under the operator's order-rate limits (the risk gate never has to say
// no); two backtests give byte-identical --json; a demo session quotes and its --parity replay matches decision for
// decision; a limit above the operator's is refused.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBacktestCore, gridOf, runFiles } from '../../src/backtest/backtest';
import { feedLatency } from '../../src/backtest/latency';
import { powerProb } from '../../src/backtest/queue';
import { replayFilesOf } from '../../src/cli/replay-files';
import { listParquet } from '../../src/capture/recover';
import { loadStrategy } from '../../src/strategy/loader';
import { resolveRun } from '../../src/strategy/resolve';
import { writeRecording } from '../../bench/recording';
import { testCore } from '../helpers/core';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-mm-glft-'));
const data = join(dir, 'gen');
writeRecording(data, 200_000, 11);

async function backtest(sets: string[], amendKeepsQueue = false) {
  const { files } = await replayFilesOf(listParquet(data));
  const grid = gridOf(files[0].meta, files[0].path);
  const bc = createBacktestCore(await testCore(), grid);
  const mm = await loadStrategy('mm-glft');
  const run = resolveRun(mm.definition, [], sets);
  const actions: Record<string, number> = {};
  const live = new Set<string>();
  let mostWorking = 0;
  let mostLong = 0;
  let mostShort = 0;
  let position = 0;
  const trace = await runFiles(bc, files, grid, {
    strategy: { definition: mm.definition, params: run.params, settings: run.settings },
    symbol: 'BTCUSDT',
    latency: feedLatency(4, 0, 3, 0),
    queue: powerProb(2),
    amendKeepsQueue,
    onAction: (_t, a) => void (actions[a.type] = (actions[a.type] ?? 0) + 1),
    onEvent: (_t, e) => {
      if (e.type === 'ack') live.add(e.clientOid);
      else if ((e.type === 'fill' && e.remainingLot === 0) || e.type === 'cancelAck' || e.type === 'reject') live.delete(e.clientOid);
      if (e.type === 'fill') position += e.side === 'buy' ? e.qtyLot : -e.qtyLot;
      mostWorking = Math.max(mostWorking, live.size);
      mostLong = Math.max(mostLong, position);
      mostShort = Math.max(mostShort, -position);
    },
  });
  return { trace, actions, mostWorking, mostLong, mostShort };
}

test('quotes both sides with several orders working, fills on both, amends, inside its limits and the rate limits', async () => {
  const r = await backtest([]); // the defaults: 3 levels a side, maxPositionLot 5, the operator's 5/s and 60/min
  const buys = r.trace.fills.filter((f) => f.side === 'buy').length;
  const sells = r.trace.fills.length - buys;
  assert.ok(buys > 10 && sells > 10, `fills on both sides (${buys} buys, ${sells} sells)`);
  assert.ok(
    r.trace.fills.every((f) => f.maker),
    'post-only quotes: every fill a maker fill',
  );
  assert.ok(r.mostWorking >= 5, `several orders working at once (at most ${r.mostWorking})`);
  assert.ok((r.actions.amend ?? 0) > 0, 'quotes follow the book by amendment');
  assert.ok((r.actions.amend ?? 0) > (r.actions.cancel ?? 0), `amends (${r.actions.amend}) rather than cancels (${r.actions.cancel})`);
  assert.ok(r.mostLong <= 5 && r.mostShort <= 5, `inventory within maxPositionLot 5 (long ${r.mostLong}, short ${r.mostShort})`);
  assert.is(r.trace.strategy!.counters['risk.denied'], undefined, 'paced under the order-rate limits: nothing refused');
  assert.is(r.trace.strategy!.haltReason, null);
});

test('the venue rule reaches the strategy; with --amend-keeps-queue it still trades', async () => {
  const r = await backtest(['levels=2', 'sizeLot=2', 'maxPositionLot=3'], true);
  assert.ok(r.trace.fills.length > 0);
  assert.is(r.trace.settings.amendKeepsQueue, true);
  assert.ok(r.mostLong <= 3 && r.mostShort <= 3, `inventory within maxPositionLot 3 (long ${r.mostLong}, short ${r.mostShort})`);
});

test('two backtests give byte-identical --json', () => {
  const run = () =>
    execFileSync(process.execPath, [CLI, 'backtest', data, '--strategy', 'mm-glft', '--set', 'fair=weightedMid', '--json'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
  const a = run();
  assert.is(a, run());
  const m = JSON.parse(a);
  assert.is(m.strategy.name, 'mm-glft');
  assert.ok(m.activity.fills > 0);
});

test('a maxPositionLot above the operator limit is refused, naming both', () => {
  const r = spawnSync(process.execPath, [CLI, 'backtest', data, '--strategy', 'mm-glft', '--set', 'maxPositionLot=50'], {
    encoding: 'utf8',
  });
  assert.is(r.status, 2, r.stderr); // a bad --set is a usage error
  assert.match(r.stderr, /maxPositionLot.*risk\.maxPositionLot \(10\)/);
});

test('a demo session against the local exchange quotes both sides', () => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--strategy', 'mm-glft', '--duration', '10s', '--out', join(dir, 'demo')], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /^QUOTING /m);
  const orders = Number(/\n {2}trading {7}(\d+) orders?[ ,]/.exec(r.stderr)?.[1]);
  assert.ok(orders >= 2, `orders placed (${orders})`);
  assert.match(r.stderr, /\n {2}ended {9}its --duration [^\n]+ ran out\n/);
  // replayed against its own recorded answers, the session's decisions come out the same, amendments included
  const p = spawnSync(process.execPath, [CLI, 'backtest', join(dir, 'demo'), '--parity', '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const out = JSON.parse(p.stdout);
  assert.is(out.parity.divergence, null, JSON.stringify(out.parity.divergence));
  assert.ok(out.parity.live >= 2);
  assert.is(out.parity.matched, out.parity.live);
});

test.run();
