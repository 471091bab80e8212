// A strategy's places decided on one message leave as one batch request (the gateway's handleAll): a demo of the
// ladder fixture sends its three orders in one batch-place-order, each order is answered on its own, and the
// recorded session still replays decision for decision.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { strategyDir } from '../helpers/strategy-dir';

const { run, remove } = strategyDir('ladder.ts');

test('three places of one decision: one batch request, three answers, the same decisions in the replay', () => {
  const demo = run('demo', '--strategy', 'ladder.ts', '--duration', '5s', '--out', 'data');
  assert.is(demo.status, 0, demo.stderr);
  // the stop's cancel-all answers the three with one request of its own, not a batch; a position left at the stop
  // adds the flatten's order, counted with its fill
  assert.match(
    demo.stderr,
    /^ {2}trading {7}(?:3 orders \(|4 orders \(1 by the flatten; ).*?\), 0 cancels and 1 cancel-all, \d+ fills?(?: \(\d+ by the flatten\))?, 0 rejects, 0 round trips(?: closed by the strategy)? \(1 batch request\);/m,
  );
  const r = run('backtest', 'data', '--parity', '--json');
  assert.is(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout).parity;
  assert.is(p.live, 3);
  assert.is(p.matched, 3);
  assert.is(p.divergence, null);
});

test.after(remove);

test.run();
