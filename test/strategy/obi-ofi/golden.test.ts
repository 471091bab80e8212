// obi-ofi on the runtime equals the machine it replaced: the five golden backtests of test/fixtures/golden (the old
// StrategyMachine's outputs on the bench recording) give the same action stream — count and sha256 over every action
// with its local and decision times — and the same metrics, apart from parts added since (the metrics' costs, strategy
// and na).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBacktestCore, gridOf, runFiles } from '../../../src/backtest/backtest';
import { feedLatency } from '../../../src/backtest/latency';
import { parseQueue, powerProb } from '../../../src/backtest/queue';
import { computeMetrics } from '../../../src/backtest/metrics';
import { replayFilesOf } from '../../../src/cli/replay-files';
import { listParquet } from '../../../src/capture/recover';
import { loadStrategy } from '../../../src/strategy/loader';
import { resolveRun } from '../../../src/strategy/resolve';
import { writeRecording } from '../../../bench/recording';
import { testCore } from '../../helpers/core';

interface GoldenCase {
  set: string[];
  queue: string;
  actions: number;
  actionsSha256: string;
  fills: number;
  metrics: Record<string, unknown>;
}

const golden = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/golden/obi-ofi-1M.json'), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'ringbook-golden-'));
writeRecording(dir, golden.events as number);
const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x)));

for (const [name, g] of Object.entries(golden).filter(([k]) => k !== 'events') as Array<[string, GoldenCase]>) {
  test(`obi-ofi ≡ the machine it replaced: ${name} (${g.set.join(' ') || 'the defaults'}, queue ${g.queue})`, async () => {
    const { files } = await replayFilesOf(listParquet(dir));
    const grid = gridOf(files[0].meta, files[0].path);
    const bc = createBacktestCore(await testCore(), grid);
    const obiOfi = await loadStrategy('obi-ofi');
    const run = resolveRun(obiOfi.definition, [], g.set);
    const h = createHash('sha256');
    let actions = 0;
    const trace = await runFiles(bc, files, grid, {
      strategy: { definition: obiOfi.definition, params: run.params, settings: run.settings },
      symbol: 'BTCUSDT',
      latency: feedLatency(4, 0, 3, 0),
      queue: g.queue === 'power:2' ? powerProb(2) : parseQueue(g.queue),
      onAction: (t, a, d) => {
        actions++;
        h.update(`${t} ${d} ${JSON.stringify(a)}\n`);
      },
    });
    assert.is(actions, g.actions, 'actions');
    assert.is(h.digest('hex'), g.actionsSha256, 'every action, its time and its decision time');
    assert.is(trace.fills.length, g.fills, 'fills');
    const m = json(computeMetrics(trace));
    // fields added to a part since the golden was made (the position at the end, the rejects' reasons, the amendments:
    // obi-ofi amends nothing): left out of the comparison
    const exposure = { ...(m.exposure as Record<string, unknown>) };
    delete exposure.endPositionLot;
    m.exposure = exposure;
    const activity = { ...(m.activity as Record<string, unknown>) };
    delete activity.rejectReasons;
    assert.equal([activity.amends, activity.amendRejects], [0, 0]);
    delete activity.amends;
    delete activity.amendRejects;
    m.activity = activity;
    for (const [k, v] of Object.entries(g.metrics)) assert.equal(m[k], v, `metrics.${k}`);
    assert.equal(
      Object.keys(m).filter((k) => !(k in g.metrics)),
      ['costs', 'strategy', 'na'],
      'only the costs, strategy and na parts were added',
    );
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
