// A strategy that decides on the book beyond the best level (test/fixtures/strategies/depth-reader.ts) gets the same
// levels live as in the backtest: its recorded demo session replays decision for decision, and the session says it
// ran single-threaded and why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { strategyDir } from '../helpers/strategy-dir';

const { dir, run, remove } = strategyDir('depth-reader.ts');

test('live levels are the backtest levels: the session replays decision for decision', () => {
  const demo = run('demo', '--strategy', 'depth-reader.ts', '--duration', '12s', '--out', 'data');
  assert.is(demo.status, 0, demo.stderr);
  assert.match(demo.stderr, /^threads: single \(the strategy reads 3 book levels a side/m);
  const r = run('backtest', 'data', '--parity', '--json');
  assert.is(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout).parity;
  assert.ok(p.live >= 2, `the session placed orders at the third bid level (${p.live})`);
  assert.is(p.divergence, null, JSON.stringify(p.divergence));
  assert.is(p.matched, p.live);
  assert.is(p.backtest, p.live);
});

test('--threads multi is refused for it, naming why: a command-line mistake (exit 2) before anything starts', () => {
  const r = run('demo', '--strategy', 'depth-reader.ts', '--duration', '2s', '--threads', 'multi', '--out', 'refused');
  assert.is(r.status, 2, r.stderr);
  assert.match(r.stderr, /--threads multi: the strategy reads 3 book levels a side, .*use --threads single or auto/);
  assert.not.match(r.stderr, /local exchange at/);
  assert.not.ok(existsSync(join(dir, 'refused')), 'no directory made');
});

test.after(remove);

test.run();
