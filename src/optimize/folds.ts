// Walk-forward windows (docs/signals.md §5.1): fit on a train window, then score on the test window that follows it,
// and roll forward. Written `train=3d,test=1d,purge=10m[,step=1d][,anchored]`:
//   train, test  window lengths (> 0);
//   purge        the gap left unused between train end and test start (≥ 0; purge=0s for none). It must cover the
//                longest feature lookback plus the label horizon, or train-window state leaks into the test score;
//                it is required so that choice is made on purpose;
//   step         how far each fold moves (default: the test length, so test windows tile the data). It may not be
//                shorter than test: overlapping test windows would count the same data twice out of sample;
//   anchored     every train window starts at the data start and grows by step (default: rolling, fixed length).
// Durations as everywhere on the command line: a number and a unit, ns to d (1.5h, 10m, 3d), a plain number being
// seconds (src/format/durations.ts). There is no embargo after the test window:
// train data never follows test data here, which is the only case an embargo protects.
//
// All windows are half-open [from, to) in int64 ns on the local clock, like every timestamp in ringbook.
import { duration as humanDuration } from '../format/numbers';
import { durationNs } from '../format/durations';
import { meantText } from '../strategy/strict-reads';

export interface WalkForwardSpec {
  trainNs: bigint;
  testNs: bigint;
  purgeNs: bigint;
  stepNs: bigint;
  anchored: boolean;
}

export interface Fold {
  index: number;
  trainFrom: bigint;
  trainTo: bigint;
  /** trainTo + purge. */
  testFrom: bigint;
  testTo: bigint;
}

/** More folds than this is a step typed in the wrong unit, not a plan: each fold is a whole optimisation. */
export const MAX_FOLDS = 10_000;

const UNIT: Record<string, bigint> = {
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};
const KEYS = ['train', 'test', 'purge', 'step', 'anchored'];

/** Parses `train=3d,test=1d,purge=10m[,step=1d][,anchored]`. Throws an Error saying which part to fix. */
export function parseFolds(text: string): WalkForwardSpec {
  const fail = (detail: string) => new Error(`walk-forward ${JSON.stringify(text)}: ${detail}`);
  const got = new Map<string, string | true>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') throw fail('has an empty part (a stray comma?)');
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (!KEYS.includes(key)) {
      throw fail(`unknown part "${key}"${meantText(key, KEYS, 'a walk-forward')}`);
    }
    if (got.has(key)) throw fail(`gives ${key} twice`);
    if (key === 'anchored') {
      if (eq >= 0) throw fail('"anchored" is a flag: write it alone, without =');
      got.set(key, true);
    } else {
      if (eq < 0) throw fail(`${key} needs a duration, e.g. ${key}=1d`);
      got.set(key, part.slice(eq + 1).trim());
    }
  }
  for (const key of ['train', 'test', 'purge']) {
    if (!got.has(key)) {
      const hint = key === 'purge' ? ' (the gap between train and test; purge=0s for none)' : '';
      throw fail(`needs ${key}=<duration>${hint}, e.g. train=3d,test=1d,purge=10m`);
    }
  }
  const dur = (key: string): bigint => {
    const v = got.get(key) as string;
    try {
      return durationNs(key, v, { zero: true, examples: `${key}=10m, ${key}=1.5h, ${key}=3d` });
    } catch (err) {
      throw fail((err as Error).message);
    }
  };
  const trainNs = dur('train');
  const testNs = dur('test');
  const purgeNs = dur('purge');
  const stepNs = got.has('step') ? dur('step') : testNs;
  if (trainNs <= 0n) throw fail('train must be longer than 0');
  if (testNs <= 0n) throw fail('test must be longer than 0');
  if (stepNs <= 0n) throw fail('step must be longer than 0');
  if (stepNs < testNs) {
    throw fail(
      `step ${formatDuration(stepNs)} is shorter than test ${formatDuration(testNs)}: test windows would overlap and score the same data twice; use step ≥ test`,
    );
  }
  return { trainNs, testNs, purgeNs, stepNs, anchored: got.has('anchored') };
}

/**
 * The folds that fit whole in [fromNs, toNs): fold k tests on [s + k·step, s + k·step + test) with
 * s = fromNs + train + purge, and trains on the train-long window (rolling) or everything from fromNs (anchored) that
 * ends purge before its test. Throws when not even one fold fits, saying how long the data is and one fold needs.
 */
export function buildFolds(spec: WalkForwardSpec, fromNs: bigint, toNs: bigint): Fold[] {
  if (typeof fromNs !== 'bigint' || typeof toNs !== 'bigint') throw new Error('walk-forward: the data range must be bigint ns');
  if (!(toNs > fromNs)) throw new Error(`walk-forward: the data range is empty (from ${fromNs} to ${toNs} ns)`);
  const need = spec.trainNs + spec.purgeNs + spec.testNs;
  const have = toNs - fromNs;
  if (need > have) {
    // as people read durations (9.91 s, 4 d 10 min); exact when rounding would make the two look alike
    let [h, n] = [humanDuration(have), humanDuration(need)];
    if (h === n) [h, n] = [formatDuration(have), formatDuration(need)];
    throw new Error(
      `walk-forward: the data covers ${h} but one fold needs ${n} ` +
        `(train ${humanDuration(spec.trainNs)} + purge ${humanDuration(spec.purgeNs)} + test ${humanDuration(spec.testNs)}): ` +
        'use more data or shorter windows',
    );
  }
  const count = (have - need) / spec.stepNs + 1n;
  if (count > BigInt(MAX_FOLDS)) {
    throw new Error(
      `walk-forward: ${count} folds (step ${humanDuration(spec.stepNs)} over ${humanDuration(have)}) is more than ${MAX_FOLDS}: use a longer step`,
    );
  }
  const folds: Fold[] = [];
  for (let k = 0n; k < count; k++) {
    const shift = k * spec.stepNs;
    const trainTo = fromNs + spec.trainNs + shift;
    const testFrom = trainTo + spec.purgeNs;
    folds.push({
      index: Number(k),
      trainFrom: spec.anchored ? fromNs : fromNs + shift,
      trainTo,
      testFrom,
      testTo: testFrom + spec.testNs,
    });
  }
  return folds;
}

/** ns → "3d 2h 10m", "1.5s", "250ms", "0s": the largest units first, fractions only below a second. */
export function formatDuration(ns: bigint): string {
  if (ns < 0n) return `-${formatDuration(-ns)}`;
  if (ns === 0n) return '0s';
  const parts: string[] = [];
  let rest = ns;
  for (const [unit, size] of [
    ['d', UNIT.d],
    ['h', UNIT.h],
    ['m', UNIT.m],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0n) {
    const s = rest / UNIT.s;
    const sub = rest % UNIT.s;
    if (s > 0n || parts.length > 0 || sub % UNIT.ms !== 0n) {
      const frac = sub === 0n ? '' : `.${sub.toString().padStart(9, '0').replace(/0+$/, '')}`;
      parts.push(`${s}${frac}s`);
    } else {
      parts.push(`${sub / UNIT.ms}ms`);
    }
  }
  return parts.join(' ');
}
