// The local clock (src/core/clock.ts) agrees with the wall clock that Date.now() reads — the one the local exchange
// stamps with — so a measured clock offset is the exchange's, not an artefact of how our clock was anchored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MonotonicClock } from '../../src/core/clock';

test('every reading falls within a millisecond of the Date.now() readings around it', () => {
  // the anchor is found where Date.now() steps, to well under a microsecond; a millisecond of slack keeps a thread
  // descheduled while anchoring from failing this, while an anchor off by several ms (as performance.timeOrigin was) fails
  const c = new MonotonicClock();
  for (let i = 0; i < 5000; i++) {
    const before = BigInt(Date.now()) * 1_000_000n;
    c.read();
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    const slack = 1_000_000n;
    assert.ok(c.ns >= before - slack && c.ns <= after + slack, `local clock ${c.ns} ns, Date.now() from ${before} to ${after} ns`);
  }
});

test.run();
