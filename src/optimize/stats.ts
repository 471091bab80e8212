// Statistics that keep an optimisation honest (docs/signals.md §5.1): the probabilistic and deflated Sharpe ratios, the
// minimum backtest length, and the probability of backtest overfitting by CSCV, plus the normal CDF and quantile
// they need. Pure functions of plain arrays, so the CLI report, the optimizer and tests all get the same numbers.
//
// Conventions:
// - Sharpe ratios are per period (mean / std of the series given, no annualisation) unless a name says Annual.
// - std is the sample standard deviation (n − 1). Skewness and kurtosis are the moment ratios m3/m2^1.5 and m4/m2²
//   (population moments): kurtosis is raw, 3 for a normal, as PSR's formula requires; never excess kurtosis.
// - Bad arguments (non-finite values, impossible sizes) throw RangeError. A statistic that the data leave undefined
//   (fewer than 2 returns, zero variance) is NaN, so one flat trial marks its own row instead of aborting a report.

const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** Euler–Mascheroni γ, the constant in the expected maximum of N normal draws. */
const EULER_GAMMA = 0.5772156649015329;

// Inside ±2 the Taylor series of Φ converges in a few dozen terms; in the lower half it ends in ½ − (nearly ½), which
// costs up to ~20 ulp relative by x = −2. Beyond ±2 the tail's continued fraction needs at most ~100 terms and keeps
// full relative accuracy far out (Φ(−37) ≈ 6e-300), where ½ − … would have nothing left.
const SERIES_LIMIT = 2;

/** Standard normal density φ(x). */
export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Standard normal CDF Φ(x), to about 1e-15 absolute and 5e-15 relative in the lower tail: the series
 * Φ(x) = ½ + φ(x)·Σ x^(2k+1)/(2k+1)!! near 0, and Laplace's continued fraction for the tail beyond ±2.
 */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < -SERIES_LIMIT) return upperTail(-x);
  if (x > SERIES_LIMIT) return 1 - upperTail(x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let k = 1; k < 200; k++) {
    term *= x2 / (2 * k + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return 0.5 + normPdf(x) * sum;
}

/** 1 − Φ(x) for x > 0: φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated by the modified Lentz method. */
function upperTail(x: number): number {
  if (x === Infinity) return 0;
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let j = 1; j < 500; j++) {
    d = x + j * d;
    d = d === 0 ? tiny : d;
    c = x + j / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return normPdf(x) / f;
}

// Acklam's rational approximation of Φ⁻¹ (relative error < 1.15e-9), polished below by one Halley step.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Standard normal quantile Φ⁻¹(p) to about 1e-15 relative; −Infinity at 0 and Infinity at 1. */
export function normInv(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normInv: p must be a probability in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // Work in the lower half, where Φ(x) − p can be formed without cancellation; 1 − p is exact for p ≥ ½.
  return p > 0.5 ? -lowerQuantile(1 - p) : lowerQuantile(p);
}

function lowerQuantile(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  const pdf = normPdf(x);
  // Below ~1e-300 the density underflows and the step would divide by a subnormal; Acklam alone is kept there.
  if (pdf < 1e-300) return x;
  const u = (normCdf(x) - p) / pdf;
  return x - u / (1 + (x * u) / 2);
}

type Series = ArrayLike<number>;

function checkFinite(name: string, xs: Series): void {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) throw new RangeError(`${name}[${i}] is ${xs[i]}: every value must be a finite number`);
  }
}

/** Arithmetic mean; NaN for an empty series. */
export function mean(xs: Series): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Central moments m2, m3, m4 (divided by n), from deviations about the mean (two passes, no cancellation). */
function centralMoments(xs: Series): { m: number; m2: number; m3: number; m4: number } {
  const m = mean(xs);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = xs[i] - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const n = xs.length;
  return { m, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/** Sample variance (n − 1); NaN below 2 values. */
export function variance(xs: Series): number {
  if (xs.length < 2) return NaN;
  return (centralMoments(xs).m2 * xs.length) / (xs.length - 1);
}

/** Sample standard deviation (n − 1); NaN below 2 values. */
export function std(xs: Series): number {
  return Math.sqrt(variance(xs));
}

/** Skewness m3 / m2^1.5; NaN below 2 values or at zero variance. */
export function skewness(xs: Series): number {
  if (xs.length < 2) return NaN;
  const { m2, m3 } = centralMoments(xs);
  return m2 > 0 ? m3 / Math.pow(m2, 1.5) : NaN;
}

/** Raw (not excess) kurtosis m4 / m2²: 3 for a normal; NaN below 2 values or at zero variance. */
export function kurtosis(xs: Series): number {
  if (xs.length < 2) return NaN;
  const { m2, m4 } = centralMoments(xs);
  return m2 > 0 ? m4 / (m2 * m2) : NaN;
}

/**
 * Per-period Sharpe ratio mean / std (no risk-free rate: P&L series already are excess returns). NaN below 2
 * values. At zero variance: 0 for a flat series (a trial that never traded), ±Infinity for a constant non-zero one.
 */
export function sharpe(returns: Series): number {
  if (returns.length < 2) return NaN;
  const m = mean(returns);
  const s = std(returns);
  if (s > 0) return m / s;
  return m === 0 ? 0 : m > 0 ? Infinity : -Infinity;
}

/** What PSR needs to know about a return series. */
export interface SharpeMoments {
  /** Per-period Sharpe ratio ŜR. */
  sharpe: number;
  /** Number of returns T. */
  n: number;
  skewness: number;
  /** Raw kurtosis (3 for a normal). */
  kurtosis: number;
}

/**
 * PSR from summary numbers: Φ((ŜR − SR*)·√(T−1) / √(1 − γ3·ŜR + (γ4−1)/4·ŜR²)) (Bailey & López de Prado 2012).
 * For papers and reports that give moments rather than returns.
 */
export function psrFromMoments(m: SharpeMoments, srStar: number): number {
  for (const k of ['sharpe', 'n', 'skewness', 'kurtosis'] as const) {
    if (Number.isNaN(m[k])) return NaN;
  }
  if (!Number.isFinite(srStar)) throw new RangeError(`psr: the benchmark Sharpe SR* must be a finite number, got ${srStar}`);
  if (m.n < 2) return NaN;
  const v = 1 - m.skewness * m.sharpe + ((m.kurtosis - 1) / 4) * m.sharpe * m.sharpe;
  // kurtosis ≥ 1 + skewness² keeps v ≥ 0 for moments of real data; v ≤ 0 means inconsistent hand-typed moments.
  if (!(v > 0)) return NaN;
  return normCdf(((m.sharpe - srStar) * Math.sqrt(m.n - 1)) / Math.sqrt(v));
}

/** The moments PSR uses, from a return series. */
export function sharpeMoments(returns: Series): SharpeMoments {
  return { sharpe: sharpe(returns), n: returns.length, skewness: skewness(returns), kurtosis: kurtosis(returns) };
}

/**
 * Probabilistic Sharpe ratio: the probability that the true per-period Sharpe exceeds srStar, given these returns.
 * NaN when the returns leave the Sharpe or its moments undefined (fewer than 2, zero variance).
 */
export function psr(returns: Series, srStar = 0): number {
  checkFinite('returns', returns);
  return psrFromMoments(sharpeMoments(returns), srStar);
}

/**
 * SR0, the expected maximum Sharpe of n trials with no skill whose Sharpe ratios have this variance:
 * √V·((1−γ)Φ⁻¹(1−1/n) + γΦ⁻¹(1−1/(n·e))). One trial (nothing was selected) and zero variance give 0.
 */
export function expectedMaxSharpe(variance: number, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`expectedMaxSharpe: the trial count must be a whole number ≥ 1, got ${n}`);
  if (!(variance >= 0) || !Number.isFinite(variance))
    throw new RangeError(`expectedMaxSharpe: the variance must be a finite number ≥ 0, got ${variance}`);
  if (n === 1 || variance === 0) return 0;
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * normInv(1 - 1 / n) + EULER_GAMMA * normInv(1 - 1 / (n * Math.E)));
}

/**
 * Deflated Sharpe ratio: PSR against SR0 = expectedMaxSharpe(sample variance of trialSharpes, N), N =
 * trialSharpes.length (Bailey & López de Prado 2014). trialSharpes are the per-period Sharpe ratios of every trial
 * run, the selected one included, on the same periods as `returns`; pass all of them, failed ones too, or N
 * flatters the result. With one trial, or trials that all scored the same, SR0 = 0 and DSR = PSR(0).
 */
export function dsr(returns: Series, trialSharpes: Series): number {
  if (trialSharpes.length === 0)
    throw new RangeError('dsr: trialSharpes is empty: pass the Sharpe ratio of every trial run, the selected one included');
  checkFinite('trialSharpes', trialSharpes);
  const v = trialSharpes.length > 1 ? variance(trialSharpes) : 0;
  return psr(returns, expectedMaxSharpe(v, trialSharpes.length));
}

/**
 * Minimum backtest length in years, 2·ln N / E[max_N]² (Bailey, Borwein, López de Prado & Zhu 2014): with fewer
 * years of data, N trials are expected to turn up an annual Sharpe of E[max_N] by luck alone. This is the paper's
 * closed-form upper bound, so it errs long (N = 45, E = 1: 7.6 years, where the exact expected maximum gives 5.0).
 */
export function minBTL(n: number, expectedMaxSharpeAnnual: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`minBTL: the trial count must be a whole number ≥ 1, got ${n}`);
  if (!(expectedMaxSharpeAnnual > 0) || !Number.isFinite(expectedMaxSharpeAnnual)) {
    throw new RangeError(`minBTL: the expected maximum annual Sharpe must be a finite number > 0, got ${expectedMaxSharpeAnnual}`);
  }
  return (2 * Math.log(n)) / (expectedMaxSharpeAnnual * expectedMaxSharpeAnnual);
}

// C(22, 11) = 705,432 splits; C(24, 12) would be 2.7 million, more work than the estimate needs.
const MAX_BLOCKS = 22;

/**
 * CSCV logits (Bailey, Borwein, López de Prado & Zhu 2017). The periods are cut into `blocks` contiguous blocks
 * (sizes differ by at most one when the count does not divide); for every choice of half the blocks as in-sample
 * (IS) and the rest as out-of-sample (OOS), in a fixed order, the trial with the best IS Sharpe (the lowest index on
 * a tie) is ranked among all trials by OOS Sharpe (1 = worst, ties share the mean rank), ω = rank / (N + 1), and
 * the logit is ln(ω / (1 − ω)). matrix[trial][period] is P&L per period.
 */
export function cscvLogits(matrix: readonly Series[], blocks = 16): number[] {
  const n = matrix.length;
  if (n < 2) throw new RangeError(`pbo: needs at least 2 trials (rows), got ${n}`);
  const t = matrix[0].length;
  matrix.forEach((row, i) => {
    if (row.length !== t) throw new RangeError(`pbo: every trial needs the same periods: row 0 has ${t}, row ${i} has ${row.length}`);
    checkFinite(`matrix[${i}]`, row);
  });
  if (!Number.isInteger(blocks) || blocks < 2 || blocks % 2 !== 0 || blocks > MAX_BLOCKS) {
    throw new RangeError(`pbo: blocks must be an even whole number in 2…${MAX_BLOCKS}, got ${blocks}`);
  }
  if (t < 2 * blocks) throw new RangeError(`pbo: ${t} periods are too few for ${blocks} blocks: need at least ${2 * blocks} (2 per block)`);

  // Per trial and block: period count, and sums of deviations from the trial's overall mean and of their squares
  // (centring keeps the variance of a half free of cancellation when the mean is large against the spread).
  const cnt = new Float64Array(blocks);
  const s1 = new Float64Array(n * blocks);
  const s2 = new Float64Array(n * blocks);
  const centre = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = matrix[i];
    centre[i] = mean(row);
    for (let b = 0; b < blocks; b++) {
      const from = Math.floor((b * t) / blocks);
      const to = Math.floor(((b + 1) * t) / blocks);
      cnt[b] = to - from;
      let a = 0;
      let q = 0;
      for (let k = from; k < to; k++) {
        const d = row[k] - centre[i];
        a += d;
        q += d * d;
      }
      s1[i * blocks + b] = a;
      s2[i * blocks + b] = q;
    }
  }
  const tot1 = new Float64Array(n);
  const tot2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < blocks; b++) {
      tot1[i] += s1[i * blocks + b];
      tot2[i] += s2[i * blocks + b];
    }
  }

  const half = blocks / 2;
  const isSr = new Float64Array(n);
  const oosSr = new Float64Array(n);
  const logits: number[] = [];
  // Every mask with `half` bits set, in increasing order (Gosper's hack).
  const limit = 1 << blocks;
  for (let mask = (1 << half) - 1; mask < limit;) {
    let isCount = 0;
    for (let b = 0; b < blocks; b++) if (mask & (1 << b)) isCount += cnt[b];
    const oosCount = t - isCount;
    for (let i = 0; i < n; i++) {
      let a = 0;
      let q = 0;
      for (let b = 0; b < blocks; b++) {
        if (mask & (1 << b)) {
          a += s1[i * blocks + b];
          q += s2[i * blocks + b];
        }
      }
      isSr[i] = halfSharpe(a, q, isCount, centre[i]);
      oosSr[i] = halfSharpe(tot1[i] - a, tot2[i] - q, oosCount, centre[i]);
    }
    let best = 0;
    for (let i = 1; i < n; i++) if (isSr[i] > isSr[best]) best = i;
    let below = 0;
    let ties = 0;
    for (let i = 0; i < n; i++) {
      if (oosSr[i] < oosSr[best]) below++;
      else if (oosSr[i] === oosSr[best]) ties++;
    }
    const rank = below + (ties + 1) / 2;
    const w = rank / (n + 1);
    logits.push(Math.log(w / (1 - w)));

    const c = mask & -mask;
    const r = mask + c;
    mask = Math.floor(((r ^ mask) >>> 2) / c) | r;
  }
  return logits;
}

/** Sharpe of a set of periods from centred sums: the sign of the mean decides at zero variance, as in sharpe(). */
function halfSharpe(sumDev: number, sumSq: number, count: number, centre: number): number {
  const meanDev = sumDev / count;
  const m = centre + meanDev;
  const v = Math.max(0, sumSq - sumDev * meanDev) / (count - 1);
  if (v > 0) return m / Math.sqrt(v);
  return m === 0 ? 0 : m > 0 ? Infinity : -Infinity;
}

/**
 * Probability of backtest overfitting: the share of CSCV splits whose IS-best trial lands at or below the OOS
 * median (logit ≤ 0). Near 0: picking the IS winner also picks OOS winners; near 0.5 or above: selection is noise.
 */
export function pbo(matrix: readonly Series[], blocks = 16): number {
  const logits = cscvLogits(matrix, blocks);
  let k = 0;
  for (const l of logits) if (l <= 0) k++;
  return k / logits.length;
}
