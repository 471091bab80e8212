// Optimisation statistics: Φ and Φ⁻¹ against 50-digit values (mpmath) and a numerical integral, the moments, PSR and
// DSR against an independent scipy computation and the worked example of Bailey & López de Prado (2014), MinBTL,
// and PBO/CSCV on hand-checkable splits, a planted winner and pure noise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from '../helpers/fc';
import {
  cscvLogits,
  dsr,
  expectedMaxSharpe,
  kurtosis,
  mean,
  minBTL,
  normCdf,
  normInv,
  normPdf,
  pbo,
  psr,
  psrFromMoments,
  sharpe,
  sharpeMoments,
  skewness,
  std,
  variance,
} from '../../src/optimize/stats';
import { mulberry32 } from '../../src/exchange/rng';

const close = (actual: number, expected: number, tol: number, what = '') => {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected} (|Δ| ${Math.abs(actual - expected)} > ${tol})`);
};
const relClose = (actual: number, expected: number, rel: number, what = '') => {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what} ${actual} vs ${expected} (relative ${Math.abs(actual - expected) / Math.abs(expected)} > ${rel})`,
  );
};
const throws = (fn: () => unknown, message: string) => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, RangeError);
    assert.is((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected: ${message}`);
};
/** Standard normal draws (Box–Muller over the repository's seeded PRNG). */
const normals = (seed: number) => {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
};

// Φ(x) to 16 digits, from mpmath.ncdf at 50 digits.
const PHI: [number, number][] = [
  [-37, 5.725571222524577e-300],
  [-20, 2.753624118606234e-89],
  [-10, 7.619853024160526e-24],
  [-8, 6.220960574271784e-16],
  [-5, 2.866515718791939e-7],
  [-3.5, 2.32629079035525e-4],
  [-3, 1.349898031630095e-3],
  [-2.5, 6.209665325776135e-3],
  [-2, 2.275013194817921e-2],
  [-1, 1.586552539314571e-1],
  [-0.5, 3.085375387259869e-1],
  [0, 0.5],
  [0.5, 6.914624612740131e-1],
  [1, 8.413447460685429e-1],
  [2, 9.772498680518208e-1],
  [3, 9.986501019683699e-1],
];

test('normCdf matches 50-digit values, relative in the lower tail, absolute in the upper', () => {
  for (const [x, v] of PHI) {
    relClose(normCdf(x), v, 1e-14, `Φ(${x})`);
    close(1 - normCdf(-x), v, 2e-16, `1 − Φ(${-x})`);
  }
  assert.is(normCdf(-Infinity), 0);
  assert.is(normCdf(Infinity), 1);
  assert.is(normCdf(-40), 0);
  assert.ok(Number.isNaN(normCdf(NaN)));
});

test('normCdf agrees with Simpson integration of φ (an independent method)', () => {
  const simpson = (a: number, b: number, n: number) => {
    const h = (b - a) / n;
    let s = normPdf(a) + normPdf(b);
    for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * normPdf(a + i * h);
    return (s * h) / 3;
  };
  for (const x of [-4.2, -2.7, -1.3, -0.4, 0.2, 0.9, 1.6, 2.95, 3.05, 4.5]) close(normCdf(x), 0.5 + simpson(0, x, 4000), 1e-13, `Φ(${x})`);
});

test('normCdf is symmetric and monotone', () => {
  fc.assert(
    fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (x, dx) => {
      close(normCdf(x) + normCdf(-x), 1, 2e-16 * 4);
      assert.ok(normCdf(x + dx) >= normCdf(x));
    }),
  );
});

test('normInv: Φ⁻¹(0.975), symmetry, round trips down to 1e-300, and the ends', () => {
  close(normInv(0.975), 1.959963984540054, 1e-14, 'Φ⁻¹(0.975)');
  close(normInv(0.025), -1.959963984540054, 1e-14, 'Φ⁻¹(0.025)');
  assert.is(normInv(0.5), 0);
  // 50-digit quantiles (mpmath), including both sides of Acklam's region switch at 0.02425.
  relClose(normInv(1e-300), -37.0470962993612, 1e-14);
  relClose(normInv(1e-10), -6.361340902404056, 1e-14);
  relClose(normInv(0.02425), -1.972961051311885, 1e-14);
  relClose(normInv(0.0243), -1.972084159029288, 1e-14);
  relClose(normInv(0.9), 1.281551565544601, 1e-14);
  for (const p of [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02, 0.02425, 0.1, 0.3, 0.49]) {
    relClose(normCdf(normInv(p)), p, 1e-12, `Φ(Φ⁻¹(${p}))`);
    assert.is(normInv(1 - p), -normInv(1 - (1 - p)), `symmetry at ${p}`);
  }
  fc.assert(
    fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
      close(normCdf(normInv(p)), p, 1e-15 + 1e-13 * Math.min(p, 1 - p));
    }),
  );
  assert.is(normInv(0), -Infinity);
  assert.is(normInv(1), Infinity);
  throws(() => normInv(1.2), 'normInv: p must be a probability in [0, 1], got 1.2');
  throws(() => normInv(NaN), 'normInv: p must be a probability in [0, 1], got NaN');
});

test('moments: sample std (n − 1), population skewness, raw kurtosis', () => {
  const xs = [1, 2, 3, 4, 5];
  assert.is(mean(xs), 3);
  assert.is(variance(xs), 2.5);
  close(std(xs), Math.sqrt(2.5), 1e-15);
  assert.is(skewness(xs), 0);
  close(kurtosis(xs), 1.7, 1e-15); // m4 / m2² = 6.8 / 4
  const ys = new Float64Array([0, 0, 0, 1]);
  close(skewness(ys), 2 / Math.sqrt(3), 1e-14);
  close(kurtosis(ys), 7 / 3, 1e-14);
  close(skewness(ys.map((v) => -v)), -2 / Math.sqrt(3), 1e-14);
  // A large normal sample: raw kurtosis is near 3 (excess would be near 0).
  const g = normals(11);
  const big = Array.from({ length: 200_000 }, g);
  close(kurtosis(big), 3, 0.05);
  close(skewness(big), 0, 0.02);
  // Undefined cases are NaN, not errors.
  assert.ok(Number.isNaN(mean([])));
  assert.ok(Number.isNaN(std([1])));
  assert.ok(Number.isNaN(skewness([2, 2, 2])));
  assert.ok(Number.isNaN(kurtosis([2, 2, 2])));
});

test('sharpe is mean / sample std per period; flat is 0, constant non-zero is ±Infinity, too short is NaN', () => {
  close(sharpe([1, 2, 3, 4, 5]), 3 / Math.sqrt(2.5), 1e-15);
  close(sharpe([0.01, -0.02, 0.03]), mean([0.01, -0.02, 0.03]) / std([0.01, -0.02, 0.03]), 1e-15);
  assert.is(sharpe([0, 0, 0]), 0);
  assert.is(sharpe([2, 2]), Infinity);
  assert.is(sharpe([-2, -2]), -Infinity);
  assert.ok(Number.isNaN(sharpe([1])));
});

// 20 returns; the reference numbers are numpy/scipy's (std ddof=1, scipy.stats.skew and kurtosis(fisher=False)).
const R = [
  0.012, -0.021, 0.015, 0.003, -0.007, 0.024, 0.011, -0.004, 0.006, 0.009, -0.013, 0.018, 0.002, -0.001, 0.007, -0.03, 0.016, 0.01, 0.005,
  -0.002,
];

test('psr matches an independent scipy computation and uses raw kurtosis', () => {
  const m = sharpeMoments(R);
  relClose(m.sharpe, 0.22593091005748409, 1e-13, 'ŜR');
  relClose(m.skewness, -0.8517793261176547, 1e-13, 'skewness');
  relClose(m.kurtosis, 3.396081087101805, 1e-13, 'kurtosis');
  relClose(psr(R), 0.8134022149949911, 1e-12, 'PSR(0)');
  relClose(psr(R, 0.1), 0.6901779908833651, 1e-12, 'PSR(0.1)');
  // Plugging in excess kurtosis instead would give 0.8172…: the test tells the two apart.
  assert.ok(Math.abs(psr(R) - 0.8172082340671916) > 1e-3);
  close(psr(R, m.sharpe), 0.5, 1e-15, 'PSR at its own Sharpe');
  // Normal moments reduce the denominator to 1 + ŜR²/2.
  const sr = 0.1;
  close(
    psrFromMoments({ sharpe: sr, n: 251, skewness: 0, kurtosis: 3 }, 0),
    normCdf((sr * Math.sqrt(250)) / Math.sqrt(1 + (sr * sr) / 2)),
    1e-15,
  );
  // Negative skew and fat tails lower confidence in the same Sharpe.
  assert.ok(
    psrFromMoments({ sharpe: sr, n: 251, skewness: -2, kurtosis: 9 }, 0) <
      psrFromMoments({ sharpe: sr, n: 251, skewness: 0, kurtosis: 3 }, 0),
  );
  assert.ok(Number.isNaN(psr([0.01])));
  assert.ok(Number.isNaN(psr([0.01, 0.01, 0.01])));
  throws(() => psr([0.01, NaN]), 'returns[1] is NaN: every value must be a finite number');
});

test('DSR reproduces the worked example of Bailey & López de Prado (2014): SR0 ≈ 0.1132, DSR ≈ 0.9004', () => {
  // N = 100 trials whose annualised Sharpe ratios have variance 1/2; the pick has an annualised Sharpe of 2.5 over
  // T = 1250 daily returns (250 a year), skewness −3, kurtosis 10.
  const sr0 = expectedMaxSharpe(0.5 / 250, 100);
  assert.is(Math.round(sr0 * 1e4) / 1e4, 0.1132);
  relClose(sr0, 0.11317200186513214, 1e-13, 'SR0 vs scipy');
  const d = psrFromMoments({ sharpe: 2.5 / Math.sqrt(250), n: 1250, skewness: -3, kurtosis: 10 }, sr0);
  assert.is(Math.round(d * 1e4) / 1e4, 0.9004);
  relClose(d, 0.9003968344493903, 1e-12, 'DSR vs scipy');
});

test('dsr(returns, trialSharpes) is PSR against SR0 of the trial Sharpes; N = 1 and equal trials give PSR(0)', () => {
  const trials = [0.05, 0.12, -0.03, 0.2, 0.08, 0.15, 0.0, 0.1];
  relClose(expectedMaxSharpe(variance(trials), trials.length), 0.11109809523110765, 1e-13, 'SR0 vs scipy');
  relClose(dsr(R, trials), 0.6745859006710717, 1e-12, 'DSR vs scipy');
  assert.is(dsr(R, [0.3]), psr(R, 0));
  // The variance of equal doubles can come out at 1e-33 rather than 0 (0.2 · 3 / 3 is not 0.2): SR0 ≈ 0 either way.
  close(dsr(R, [0.2, 0.2, 0.2]), psr(R, 0), 1e-14);
  assert.is(expectedMaxSharpe(0.04, 1), 0);
  // More trials with the same spread raise the bar.
  const spread = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? 0.1 : -0.1));
  assert.ok(dsr(R, spread(10)) > dsr(R, spread(100)));
  assert.ok(dsr(R, spread(100)) > dsr(R, spread(1000)));
  throws(() => dsr(R, []), 'dsr: trialSharpes is empty: pass the Sharpe ratio of every trial run, the selected one included');
  throws(() => dsr(R, [0.1, Infinity]), 'trialSharpes[1] is Infinity: every value must be a finite number');
  throws(() => expectedMaxSharpe(-1, 5), 'expectedMaxSharpe: the variance must be a finite number ≥ 0, got -1');
  throws(() => expectedMaxSharpe(1, 0), 'expectedMaxSharpe: the trial count must be a whole number ≥ 1, got 0');
});

test("minBTL = 2 ln N / E[max]² years; the exact expected maximum gives the paper's 45 trials in 5 years", () => {
  close(minBTL(45, 1), 7.613324979540639, 1e-12);
  close(minBTL(45, 2), 7.613324979540639 / 4, 1e-12);
  assert.is(minBTL(1, 1), 0);
  // Bailey et al.: with 5 years of data, no more than 45 independent configurations for an expected maximum of 1.
  close(expectedMaxSharpe(1, 45) ** 2, 4.998087004443404, 1e-9);
  assert.ok(minBTL(45, 1) >= expectedMaxSharpe(1, 45) ** 2, 'the closed form is an upper bound');
  throws(() => minBTL(0, 1), 'minBTL: the trial count must be a whole number ≥ 1, got 0');
  throws(() => minBTL(10, 0), 'minBTL: the expected maximum annual Sharpe must be a finite number > 0, got 0');
});

test('CSCV by hand: 2 blocks, 2 trials — a consistent winner gives PBO 0, a winner that flips gives PBO 1', () => {
  // Halves are periods 0–1 and 2–3. Logit of the best (rank 2 of 2): ln((2/3)/(1/3)) = ln 2; of the worst: −ln 2.
  const steady = [
    [1, 2, 1, 3],
    [0, 1, 0, 1],
  ];
  const logits = cscvLogits(steady, 2);
  assert.is(logits.length, 2);
  for (const l of logits) close(l, Math.LN2, 1e-15);
  assert.is(pbo(steady, 2), 0);
  const flip = [
    [1, 2, 0, 1],
    [0, 1, 1, 2],
  ];
  for (const l of cscvLogits(flip, 2)) close(l, -Math.LN2, 1e-15);
  assert.is(pbo(flip, 2), 1);
  // Identical trials tie: mean rank 1.5 of 2, ω = ½, logit 0, counted as overfit.
  assert.equal(
    cscvLogits(
      [
        [1, 2, 1, 3],
        [1, 2, 1, 3],
      ],
      2,
    ),
    [0, 0],
  );
  assert.is(
    pbo(
      [
        [1, 2, 1, 3],
        [1, 2, 1, 3],
      ],
      2,
    ),
    1,
  );
});

test('CSCV: C(16, 8) = 12870 splits; a planted dominant trial gives PBO ≈ 0, pure noise ≈ 0.5', () => {
  const noise = (seed: number) => {
    const g = normals(seed);
    return Array.from({ length: 40 }, () => Array.from({ length: 640 }, g));
  };
  assert.is(cscvLogits(noise(1)).length, 12870);
  let sum = 0;
  for (let seed = 1; seed <= 8; seed++) {
    const m = noise(seed);
    const p = pbo(m);
    // One noise matrix is one draw of a statistic whose 12870 splits are strongly correlated: bound it loosely,
    // and the mean of several tightly.
    assert.ok(p > 0.2 && p < 0.8, `noise seed ${seed}: PBO ${p}`);
    sum += p;
    for (let k = 0; k < 640; k++) m[17][k] += 0.5;
    assert.ok(pbo(m) < 0.01, `planted winner, seed ${seed}: PBO ${pbo(m)}`);
  }
  assert.ok(Math.abs(sum / 8 - 0.5) < 0.1, `mean noise PBO ${sum / 8}`);
});

test('CSCV: blocks need not divide the periods; bad shapes are refused with what to fix', () => {
  const g = normals(3);
  const m = Array.from({ length: 5 }, () => Array.from({ length: 103 }, g));
  const l = cscvLogits(m, 6);
  assert.is(l.length, 20);
  for (const x of l) assert.ok(Number.isFinite(x));
  throws(() => pbo([[1, 2, 3, 4]]), 'pbo: needs at least 2 trials (rows), got 1');
  throws(
    () =>
      pbo(
        [
          [1, 2, 3, 4],
          [1, 2, 3],
        ],
        2,
      ),
    'pbo: every trial needs the same periods: row 0 has 4, row 1 has 3',
  );
  throws(
    () =>
      pbo(
        [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
        3,
      ),
    'pbo: blocks must be an even whole number in 2…22, got 3',
  );
  throws(
    () =>
      pbo(
        [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
        24,
      ),
    'pbo: blocks must be an even whole number in 2…22, got 24',
  );
  throws(
    () =>
      pbo(
        [
          [1, 2, 3, 4],
          [1, 2, 3, 4],
        ],
        4,
      ),
    'pbo: 4 periods are too few for 4 blocks: need at least 8 (2 per block)',
  );
  throws(
    () =>
      pbo(
        [
          [1, 2, 3, 4],
          [1, NaN, 3, 4],
        ],
        2,
      ),
    'matrix[1][1] is NaN: every value must be a finite number',
  );
});

test.run();
