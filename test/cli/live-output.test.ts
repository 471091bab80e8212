// What `live` and `demo` print in words: the status cadence, the funding line, the order accounting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statusDue } from '../../src/cli/live';

test('a halted session logs its status once, then each minute, not every second', () => {
  const running = { at: 0, phase: 'TRADING' };
  assert.ok(statusDue(1000, running, 'TRADING', 1000), 'the normal cadence');
  assert.ok(statusDue(500, running, 'HALTED', 1000), 'a halt is said at once');
  const halted = { at: 500, phase: 'HALTED' };
  for (let t = 1500; t < 60_000; t += 1000) assert.not.ok(statusDue(t, halted, 'HALTED', 1000), `not again at ${t} ms`);
  assert.ok(statusDue(60_500, halted, 'HALTED', 1000), 'a minute on');
});

test.run();
