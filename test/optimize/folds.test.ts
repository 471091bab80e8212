// Walk-forward folds: the spec syntax and its errors, exact rolling and anchored windows with the purge gap, the
// "not even one fold" message, and invariants over random specs (in range, gap kept, test windows disjoint, and no
// further fold would fit).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from '../helpers/fc';
import { buildFolds, formatDuration, parseFolds, type WalkForwardSpec } from '../../src/optimize/folds';
import { fails } from '../helpers/fails';

const M = 60_000_000_000n;
const H = 60n * M;
const D = 24n * H;
const T0 = 1_735_689_600_000_000_000n; // 2025-01-01T00:00:00Z

test('parseFolds: durations in ms/s/m/h/d, step defaults to test, rolling by default', () => {
  assert.equal(parseFolds('train=3d,test=1d,purge=10m'), { trainNs: 3n * D, testNs: D, purgeNs: 10n * M, stepNs: D, anchored: false });
  assert.equal(parseFolds(' train=1.5h , test=30m, purge=0s, step=45m, anchored '), {
    trainNs: 90n * M,
    testNs: 30n * M,
    purgeNs: 0n,
    stepNs: 45n * M,
    anchored: true,
  });
  assert.equal(parseFolds('anchored,purge=250ms,test=2s,train=0.5m').purgeNs, 250_000_000n);
  assert.is(parseFolds('train=1d,test=1d,purge=1.000000001s').purgeNs, 1_000_000_001n);
  // the command line's one duration grammar: a plain number is seconds, ns and us too
  assert.equal(parseFolds('train=30,test=10,purge=0').trainNs, 30_000_000_000n);
  assert.is(parseFolds('train=1d,test=1d,purge=250us').purgeNs, 250_000n);
});

test('parseFolds: errors say which part to fix', () => {
  const q = (s: string) => `walk-forward ${JSON.stringify(s)}: `;
  const cases: [string, string][] = [
    ['train=3d,test=1d', 'needs purge=<duration> (the gap between train and test; purge=0s for none), e.g. train=3d,test=1d,purge=10m'],
    ['test=1d,purge=0s', 'needs train=<duration>, e.g. train=3d,test=1d,purge=10m'],
    ['train=3d,test=1d,purge=10m,embargo=1h', 'unknown part "embargo" (a walk-forward has train, test, purge, step, anchored)'],
    ['train=20s,tset=10s,purge=0s', 'unknown part "tset": did you mean test? (a walk-forward has train, test, purge, step, anchored)'],
    ['train=20s,test=10s,prge=0s', 'unknown part "prge": did you mean purge? (a walk-forward has train, test, purge, step, anchored)'],
    [
      'train=20s,test=10s,purge=0s,anchor',
      'unknown part "anchor": did you mean anchored? (a walk-forward has train, test, purge, step, anchored)',
    ],
    ['train=3d,test=1d,purge=10m,', 'has an empty part (a stray comma?)'],
    ['train=3d,train=2d,test=1d,purge=0s', 'gives train twice'],
    ['train=3w,test=1d,purge=0s', 'train "3w" is not a duration (e.g. train=10m, train=1.5h, train=3d; a plain number is seconds)'],
    ['train=-1d,test=1d,purge=0s', 'train -1d: a duration must be positive (e.g. train=10m, train=1.5h, train=3d)'],
    ['train=3d,test,purge=0s', 'test needs a duration, e.g. test=1d'],
    ['train=3d,test=1d,purge=0s,anchored=yes', '"anchored" is a flag: write it alone, without ='],
    ['train=0d,test=1d,purge=0s', 'train must be longer than 0'],
    ['train=1d,test=0s,purge=0s', 'test must be longer than 0'],
    ['train=1d,test=1d,purge=0s,step=0m', 'step must be longer than 0'],
    [
      'train=1d,test=1d,purge=0s,step=12h',
      'step 12h is shorter than test 1d: test windows would overlap and score the same data twice; use step ≥ test',
    ],
    [
      'train=1d,test=1d,purge=0.0000000001s',
      'purge "0.0000000001s" is not a whole number of nanoseconds (e.g. purge=10m, purge=1.5h, purge=3d)',
    ],
  ];
  for (const [text, message] of cases) fails(() => parseFolds(text), q(text) + message);
});

test('rolling folds: fixed train length, the purge gap, tests tiling the data', () => {
  const folds = buildFolds(parseFolds('train=3d,test=1d,purge=10m'), T0, T0 + 10n * D);
  // Test windows start at 3d 10m and need 1d each: k = 0…5 fit before 10d.
  assert.is(folds.length, 6);
  assert.equal(folds[0], { index: 0, trainFrom: T0, trainTo: T0 + 3n * D, testFrom: T0 + 3n * D + 10n * M, testTo: T0 + 4n * D + 10n * M });
  assert.equal(folds[5], {
    index: 5,
    trainFrom: T0 + 5n * D,
    trainTo: T0 + 8n * D,
    testFrom: T0 + 8n * D + 10n * M,
    testTo: T0 + 9n * D + 10n * M,
  });
  for (const f of folds) {
    assert.is(f.trainTo - f.trainFrom, 3n * D);
    assert.is(f.testFrom - f.trainTo, 10n * M);
    if (f.index > 0) assert.is(f.testFrom, folds[f.index - 1].testTo, 'step = test: test windows are contiguous');
  }
});

test('anchored folds: every train window starts at the data start and grows by step', () => {
  const folds = buildFolds(parseFolds('train=2d,test=1d,purge=1h,step=2d,anchored'), T0, T0 + 9n * D);
  assert.equal(
    folds.map((f) => [f.trainFrom - T0, f.trainTo - T0, f.testFrom - T0, f.testTo - T0]),
    [
      [0n, 2n * D, 2n * D + H, 3n * D + H],
      [0n, 4n * D, 4n * D + H, 5n * D + H],
      [0n, 6n * D, 6n * D + H, 7n * D + H],
    ],
  );
  // Same test windows as rolling; only the train start differs.
  const rolling = buildFolds(parseFolds('train=2d,test=1d,purge=1h,step=2d'), T0, T0 + 9n * D);
  assert.equal(
    rolling.map((f) => [f.testFrom, f.testTo]),
    folds.map((f) => [f.testFrom, f.testTo]),
  );
  assert.equal(
    rolling.map((f) => f.trainFrom - T0),
    [0n, 2n * D, 4n * D],
  );
});

test('one fold exactly fits; one ns less does not, and the error gives both lengths', () => {
  const spec = parseFolds('train=3d,test=1d,purge=10m');
  assert.is(buildFolds(spec, T0, T0 + 4n * D + 10n * M).length, 1);
  fails(
    () => buildFolds(spec, T0, T0 + 4n * D + 10n * M - 1n),
    // rounded, both would read 4 d: exact then
    'walk-forward: the data covers 4d 9m 59.999999999s but one fold needs 4d 10m (train 3 d + purge 10 min + test 1 d): use more data or shorter windows',
  );
  fails(
    () => buildFolds(spec, T0, T0 + 2n * D + 5n * H),
    'walk-forward: the data covers 2 d 5 h but one fold needs 4 d (train 3 d + purge 10 min + test 1 d): use more data or shorter windows',
  );
  fails(
    () => buildFolds(spec, T0, T0 + 9_910_679_682n),
    'walk-forward: the data covers 9.91 s but one fold needs 4 d (train 3 d + purge 10 min + test 1 d): use more data or shorter windows',
  );
  fails(() => buildFolds(spec, T0, T0), `walk-forward: the data range is empty (from ${T0} to ${T0} ns)`);
  fails(
    () => buildFolds(parseFolds('train=1s,test=1s,purge=0s'), T0, T0 + 30n * D),
    'walk-forward: 2591999 folds (step 1 s over 30 d) is more than 10000: use a longer step',
  );
});

test('formatDuration', () => {
  assert.is(formatDuration(0n), '0s');
  assert.is(formatDuration(3n * D), '3d');
  assert.is(formatDuration(D + 2n * H + 3n * M + 4_000_000_000n), '1d 2h 3m 4s');
  assert.is(formatDuration(1_500_000_000n), '1.5s');
  assert.is(formatDuration(250_000_000n), '250ms');
  assert.is(formatDuration(1n), '0.000000001s');
  assert.is(formatDuration(-90n * M), '-1h 30m');
});

test('invariants over random specs and ranges (property)', () => {
  const dur = fc.bigInt({ min: 1n, max: 5n * D });
  const arb = fc.record({
    trainNs: dur,
    testNs: dur,
    purgeNs: fc.bigInt({ min: 0n, max: 2n * H }),
    extra: fc.bigInt({ min: 0n, max: 3n * D }),
    anchored: fc.boolean(),
    span: fc.bigInt({ min: 1n, max: 60n * D }),
    from: fc.bigInt({ min: 0n, max: T0 }),
  });
  fc.assert(
    fc.property(arb, (r) => {
      const spec: WalkForwardSpec = {
        trainNs: r.trainNs,
        testNs: r.testNs,
        purgeNs: r.purgeNs,
        stepNs: r.testNs + r.extra,
        anchored: r.anchored,
      };
      const to = r.from + r.span;
      let folds;
      try {
        folds = buildFolds(spec, r.from, to);
      } catch (e) {
        const msg = (e as Error).message;
        if (/more than 10000/.test(msg)) return;
        assert.ok(spec.trainNs + spec.purgeNs + spec.testNs > r.span, msg);
        return;
      }
      assert.ok(folds.length >= 1);
      folds.forEach((f, k) => {
        assert.is(f.index, k);
        assert.ok(f.trainFrom >= r.from && f.trainFrom < f.trainTo && f.testFrom < f.testTo && f.testTo <= to);
        assert.is(f.testFrom - f.trainTo, spec.purgeNs);
        assert.is(f.testTo - f.testFrom, spec.testNs);
        assert.is(f.trainTo - f.trainFrom, spec.anchored ? spec.trainNs + BigInt(k) * spec.stepNs : spec.trainNs);
        if (k > 0) assert.ok(f.testFrom >= folds[k - 1].testTo, 'test windows never overlap');
      });
      assert.ok(folds[folds.length - 1].testTo + spec.stepNs > to, 'no further fold fits');
    }),
    { numRuns: 300 },
  );
});

test.run();
