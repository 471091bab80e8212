// Shards: `--shard i/n` parsing (0-based) with clear errors, and the property that the n shards partition any trial
// list exactly, so merging their results by id gives the unsharded run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from '../helpers/fc';
import { parseShard, shardTrials } from '../../src/optimize/shard';
import { gridTrials, parseSpace, randomTrials } from '../../src/optimize/space';
import { fails } from '../helpers/fails';

test('parseShard: 0-based i/n', () => {
  assert.equal(parseShard('0/4'), { index: 0, count: 4 });
  assert.equal(parseShard('3/4'), { index: 3, count: 4 });
  assert.equal(parseShard(' 2 / 5 '), { index: 2, count: 5 });
  assert.equal(parseShard('0/1'), { index: 0, count: 1 });
});

test('parseShard: errors show the text and the valid range', () => {
  fails(() => parseShard('4/4'), '--shard "4/4": the shard index must be 0…3 (shards count from 0: 0/4 … 3/4)');
  fails(() => parseShard('1/0'), '--shard "1/0": the shard count must be a whole number ≥ 1');
  fails(() => parseShard('1-4'), '--shard "1-4" is not i/n: give the shard index and count, e.g. 0/4 (shards count from 0)');
  fails(() => parseShard('-1/4'), '--shard "-1/4" is not i/n: give the shard index and count, e.g. 0/4 (shards count from 0)');
  fails(() => parseShard('1.5/4'), '--shard "1.5/4" is not i/n: give the shard index and count, e.g. 0/4 (shards count from 0)');
  fails(() => parseShard(''), '--shard "" is not i/n: give the shard index and count, e.g. 0/4 (shards count from 0)');
  fails(() => shardTrials([], 2, 2), '--shard "2/2": the shard index must be 0…1 (shards count from 0: 0/2 … 1/2)');
  fails(() => shardTrials([{ id: -1 }], 0, 2), 'shard: trial id -1 is not a whole number ≥ 0');
});

test('shardTrials takes every n-th id from i, in order', () => {
  const trials = gridTrials(parseSpace({ 'entry.threshold': [1, 1.5, 2], 'entry.confirmCount': [1, 2, 3] }));
  assert.equal(
    shardTrials(trials, 0, 4).map((t) => t.id),
    [0, 4, 8],
  );
  assert.equal(
    shardTrials(trials, 1, 4).map((t) => t.id),
    [1, 5],
  );
  assert.equal(
    shardTrials(trials, 3, 4).map((t) => t.id),
    [3, 7],
  );
  assert.equal(shardTrials(trials, 0, 1), trials);
  assert.equal(
    shardTrials(trials, 5, 20).map((t) => t.id),
    [5],
  );
  assert.equal(shardTrials(trials, 15, 20), []);
});

test('the shards partition any trial list exactly (property)', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat({ max: 10_000 }), { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (ids, n) => {
      const trials = ids.map((id) => ({ id, payload: `t${id}` }));
      const shards = Array.from({ length: n }, (_, i) => shardTrials(trials, i, n));
      const merged = shards.flat();
      assert.is(merged.length, trials.length, 'no trial lost or duplicated');
      assert.equal(new Set(merged.map((t) => t.id)), new Set(ids));
      shards.forEach((s, i) => {
        for (const t of s) assert.is(t.id % n, i);
        assert.equal(
          s,
          trials.filter((t) => s.includes(t)),
          'each shard keeps the original order',
        );
      });
    }),
  );
});

test('a trial keeps its shard when a random search is extended', () => {
  const space = parseSpace({ 'hurdle.coef': { min: 0.1, max: 10, log: true } });
  const small = randomTrials(space, 30, 5);
  const big = randomTrials(space, 90, 5);
  for (let i = 0; i < 3; i++)
    assert.equal(
      shardTrials(small, i, 3),
      shardTrials(big, i, 3).filter((t) => t.id < 30),
    );
});

test.run();
