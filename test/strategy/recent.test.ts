// RecentKeys: the bounded memory of the simulated venue's "already finished" answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecentKeys } from '../../src/strategy/recent';

test('keeps the last N distinct keys: the oldest leaves when the N+1-th arrives', () => {
  const r = new RecentKeys(3);
  for (const k of ['a', 'b', 'c']) r.add(k);
  assert.ok(r.has('a') && r.has('b') && r.has('c'));
  r.add('d');
  assert.not.ok(r.has('a'), 'a was the oldest');
  assert.ok(r.has('b') && r.has('c') && r.has('d'));
  assert.is(r.size, 3);
  r.add('e');
  r.add('f');
  assert.equal(
    ['b', 'c', 'd', 'e', 'f'].map((k) => r.has(k)),
    [false, false, true, true, true],
  );
});

test('adding a key it holds changes nothing (no second copy to outlive the first)', () => {
  const r = new RecentKeys(2);
  r.add('a');
  r.add('a');
  r.add('b');
  assert.ok(r.has('a') && r.has('b'));
  r.add('c');
  assert.not.ok(r.has('a'));
  assert.ok(r.has('b') && r.has('c'));
  assert.is(r.size, 2);
});

test('memory stays at capacity however many keys pass through', () => {
  const r = new RecentKeys(100);
  for (let i = 0; i < 100_000; i++) r.add(`rb-run-${i}`);
  assert.is(r.size, 100);
  assert.ok(r.has('rb-run-99999') && r.has('rb-run-99900'));
  assert.not.ok(r.has('rb-run-99899'));
});

test.run();
