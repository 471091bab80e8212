// `ringbook bench optimize`: trials/s of the optimizer with 1 and with 2 worker threads over one shared recording
// (1 M events, 192 trials; --quick 300 k), each run in a process of its own, and the peak RSS of each: the decoded
// data is shared, so the second worker should add only its own core and trial state. Each worker isolate compiles
// the hot code itself (~1.3 s of optimizing-compiler time over its first few trials, measured with --trace-opt),
// on V8's helper threads: with one worker they have the idle core, with two they take turns with the workers. The
// grid is sized to ~20 s of one worker's work, so that fixed cost is a small part of the run, as in real searches,
// which run hundreds of trials over longer recordings: 96 trials were ~20 s until the backtest got ~1.7× faster
// (then 1.65× scaling over 96 where 192 measure ~1.7×); with 48 the older code measured ~0.15 lower scaling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from './recording';
import { Results, runChild } from './stats';

interface ChildResult {
  trials: number;
  seconds: number;
  steadyPerS: number;
  maxRssMB: number;
  dataMB: number;
  /** What every trial ran, as `ringbook optimize` names it. */
  strategy: { name: string; bundleSha256: string; coreSha256: string };
}

const child = (dir: string, workers: number) => runChild<ChildResult>('optimize.child', [dir, String(workers)]);

export async function benchOptimize(opts: { rounds: number; quick: boolean; log(s: string): void }) {
  const results = new Results();
  const events = opts.quick ? 300_000 : 1_000_000;
  const root = mkdtempSync(join(tmpdir(), 'ringbook-bench-optimize-'));
  try {
    opts.log(`  generating ${events / 1e6} M events …`);
    writeRecording(root, events, 5);
    let dataMB = 0;
    let trials = 0;
    let strategy: ChildResult['strategy'] | null = null;
    for (let r = 0; r < opts.rounds; r++) {
      const base = child(root, 0);
      const one = child(root, 1);
      const two = child(root, 2);
      dataMB = base.dataMB;
      trials = one.trials;
      strategy = one.strategy;
      results.add('w1', '1 worker, all trials', 'trials/s', one.trials / one.seconds);
      results.add('w2', '2 workers, all trials', 'trials/s', two.trials / two.seconds);
      results.add('s1', '1 worker, after its first trial (warm)', 'trials/s', one.steadyPerS);
      results.add('s2', "2 workers, after each one's first trial (warm)", 'trials/s', two.steadyPerS);
      results.add('rss0', 'peak RSS, data loaded, no worker', 'MB', base.maxRssMB);
      results.add('rss1', 'peak RSS, 1 worker', 'MB', one.maxRssMB);
      results.add('rss2', 'peak RSS, 2 workers', 'MB', two.maxRssMB);
    }
    const perWorker1 = results.median('rss1') - results.median('rss0');
    const perWorker2 = (results.median('rss2') - results.median('rss0')) / 2;
    const ratios = {
      'scaling 2 workers / 1 worker (goal ≥ 1.7)': results.median('w2') / results.median('w1'),
      'scaling, warm (JIT warm-up left out)': results.median('s2') / results.median('s1'),
      'added RSS per worker, 2 workers vs 1': perWorker2 / perWorker1,
    };
    return { results, ratios, events, trials, dataMB, strategy: strategy!, perWorkerMB: { one: perWorker1, two: perWorker2 } };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
