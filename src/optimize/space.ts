// Search spaces for `ringbook optimize`: which strategy parameters to vary and over which values. One JSON object maps
// a parameter (a declared parameter of the strategy or a runtime setting: src/strategy/resolve.ts fieldsFor) to the
// values to try:
//
//   {
//     "entry.threshold":    [1, 1.5, 2],                                  list: exactly these values
//     "exit.threshold":     { "min": 0, "max": 1, "step": 0.25 },         0, 0.25, 0.5, 0.75, 1
//     "hurdle.coef":        { "min": 0.5, "max": 2, "count": 4 },         0.5, 1, 1.5, 2 (count points, ends included)
//     "entry.confirmCount": { "min": 1, "max": 8, "count": 4, "log": true },  1, 2, 4, 8 (evenly spaced in log)
//     "cooldown.ns":        ["500ms", "1s"],                              durations with their unit: 250ms, 2s, 1m
//     "exit.timeStopNs":    [null, "10s", "30s"],                         null (or "off") switches a feature off
//     "hurdle.spreadMultiple": { "min": 0.5, "max": 3 },                  continuous: random search only
//     "hurdle.bufferTicks": { "min": 0.1, "max": 10, "log": true }        continuous, log-uniform
//   }
//
// A list or a range with `step` or `count` is a finite set of points; a range with neither is a continuous interval,
// which random search samples (uniformly, or log-uniformly with `log`) and grid search refuses. Ranges take numbers
// (durations for ns fields); bool and enum fields take lists. A duration is read as a --config file reads it: a string
// with its unit ("500ms", "2 s"), or a plain JSON integer of ns (so a value of best.json can be pasted in); a string
// without a unit ("500", other than "0") is refused, as ambiguous as `--set cooldown.ns=500` is. Every value is
// checked against the field's kind and bounds here, so a bad space fails before any backtest runs. Rules between fields (entry.threshold > exit.threshold,
// …) depend on the base config and on the other values of a trial, so they are left to the strategy's resolveRun per trial.
//
// Trial ids are positions: in grid order for gridTrials, in draw order for randomTrials. Shards (shard.ts) and
// result merging key on them, so both orders are fixed by the space file alone.
import { ConfigError, describe, mustBe, nsOfText, type FieldSpec } from '../strategy/params';
import { fieldsFor } from '../strategy/resolve';
import obiOfi from '../strategy/builtins/obi-ofi/index';
import type { StrategyDefinition } from '../strategy/api';
import { mulberry32 } from '../random/mulberry32';
import { didYouMean } from '../format/suggest';
import { duplicateKey } from '../format/json-text';
import { count as grouped } from '../format/numbers';

export type ParamValue = number | string | boolean | null;

export interface Trial {
  id: number;
  /** Config path → value, in the space's key order. ns fields hold integer ns. */
  params: Record<string, ParamValue>;
}

/** One searched parameter: a finite set of points, or a continuous interval (random search only). */
export type Dimension =
  | { key: string; spec: FieldSpec; kind: 'points'; values: readonly ParamValue[] }
  | { key: string; spec: FieldSpec; kind: 'interval'; min: number; max: number; log: boolean };

export interface SearchSpace {
  /** In the order the keys appear in the JSON: the first key varies slowest in the grid. */
  dims: readonly Dimension[];
}

/** Grids and random searches larger than this are refused: a run that big is almost surely a typo in a step. */
export const MAX_TRIALS = 1_000_000;

/** A search-space problem, naming the key and what to change. */
export class SpaceError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(key ? `search space: ${key} ${detail}` : `search space: ${detail}`);
    this.name = 'SpaceError';
  }
}

/** obi-ofi's fields (the optimizer's strategy until it takes --strategy). */
export const OBI_OFI_FIELDS: readonly FieldSpec[] = fieldsFor(obiOfi as unknown as StrategyDefinition);
const RANGE_KEYS = ['min', 'max', 'step', 'count', 'log'];

/**
 * Parses and validates a search space (JSON text or an already parsed object) over `fields` (a strategy's declared
 * parameters and the runtime's settings, src/strategy/resolve.ts fieldsFor; `strategy` names it in errors). Throws SpaceError.
 */
export function parseSpace(input: unknown, fields: readonly FieldSpec[] = OBI_OFI_FIELDS, strategy?: string): SearchSpace {
  const byPath = new Map(fields.map((f) => [f.path, f]));
  let root = input;
  if (typeof input === 'string') {
    try {
      root = JSON.parse(input);
    } catch (e) {
      throw new SpaceError('', `the text is not valid JSON (${(e as Error).message})`);
    }
    // JSON.parse keeps the last of a repeated key: the first one's values would silently not be searched
    const dup = duplicateKey(input);
    if (dup)
      throw new SpaceError(
        dup.path.length ? dup.path.join('.') : dup.key,
        `is given twice${dup.path.length ? ` (key "${dup.key}")` : ''}: JSON keeps only the last; give each key once`,
      );
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new SpaceError(
      '',
      `the top level must be a JSON object of "path": values, e.g. {"entry.threshold": [1, 1.5, 2]}, got ${show(root)}`,
    );
  }
  const entries = Object.entries(root as Record<string, unknown>);
  if (entries.length === 0) throw new SpaceError('', 'no parameters to search: give at least one, e.g. {"entry.threshold": [1, 1.5, 2]}');
  return { dims: entries.map(([key, v]) => parseDimension(key, v, byPath, strategy)) };
}

function parseDimension(key: string, v: unknown, byPath: ReadonlyMap<string, FieldSpec>, strategy?: string): Dimension {
  const spec = byPath.get(key);
  if (!spec)
    throw new SpaceError(
      key,
      `is not ${strategy ? `a parameter of ${strategy}` : 'a strategy parameter'}${suggest(key, [...byPath.keys()], strategy)}`,
    );
  if (Array.isArray(v)) {
    if (v.length === 0) throw new SpaceError(key, 'has an empty list: give at least one value');
    const values = v.map((x) => checkValue(spec, x));
    const seen = new Map<string, number>();
    values.forEach((x, i) => {
      const id = JSON.stringify(x);
      const j = seen.get(id);
      // A repeated value is a repeated trial: wasted work, and it inflates the trial count N that DSR deflates by.
      if (j !== undefined)
        throw new SpaceError(
          key,
          `lists the same value twice (item ${j + 1}: ${show(v[j])}, item ${i + 1}: ${show(v[i])}): list each value once`,
        );
      seen.set(id, i);
    });
    return { key, spec, kind: 'points', values };
  }
  if (v !== null && typeof v === 'object') return parseRange(key, spec, v as Record<string, unknown>);
  throw new SpaceError(key, `must be a list of values or a range {"min", "max", "step" | "count", "log"}, got ${show(v)}`);
}

function parseRange(key: string, spec: FieldSpec, r: Record<string, unknown>): Dimension {
  if (spec.kind === 'bool' || spec.kind === 'enum') {
    throw new SpaceError(
      key,
      `is ${describe(spec)}: give a list (e.g. ${spec.kind === 'bool' ? '[true, false]' : JSON.stringify(spec.values)}), not a range`,
    );
  }
  for (const k of Object.keys(r)) {
    if (!RANGE_KEYS.includes(k))
      throw new SpaceError(key, `range has an unknown key "${k}" (a range takes min, max and optionally step or count, and log)`);
  }
  if (!('min' in r) || !('max' in r)) throw new SpaceError(key, 'range needs both "min" and "max"');
  const integral = spec.kind !== 'number';
  const min = rangeNumber(key, spec, 'min', r.min);
  const max = rangeNumber(key, spec, 'max', r.max);
  if (min > max) throw new SpaceError(key, `range has min ${show(r.min)} > max ${show(r.max)}: swap them`);
  if (r.log !== undefined && typeof r.log !== 'boolean') throw new SpaceError(key, `range "log" must be true or false, got ${show(r.log)}`);
  const log = r.log === true;
  if (log && !(min > 0))
    throw new SpaceError(key, `log range needs min > 0 (a log scale never reaches 0 or below), got min ${show(r.min)}`);
  if (r.step !== undefined && r.count !== undefined) throw new SpaceError(key, 'range takes "step" or "count", not both');

  if (r.step !== undefined) {
    if (log) throw new SpaceError(key, 'log range takes "count" (points evenly spaced in log), not "step"');
    const step = spec.kind === 'ns' ? duration(spec, r.step) : r.step;
    if (typeof step !== 'number' || !Number.isFinite(step) || !(step > 0)) {
      throw new SpaceError(
        key,
        `range "step" must be ${spec.kind === 'ns' ? 'a duration > 0 (250ms, 2s, …)' : 'a number > 0'}, got ${show(r.step)}`,
      );
    }
    if (integral && !Number.isInteger(step))
      throw new SpaceError(key, `range "step" must be an integer for this ${spec.kind} field, got ${show(r.step)}`);
    // The small tolerance keeps the last point when (max - min) / step lands a hair below an integer (0.7 / 0.1).
    const n = Math.floor((max - min) / step + 1e-9) + 1;
    if (n > MAX_TRIALS) throw new SpaceError(key, `range has ${grouped(n)} points (more than ${grouped(MAX_TRIALS)}): use a larger step`);
    const span = max - min;
    const values: number[] = [];
    for (let k = 0; k < n; k++) values.push(integral ? min + k * step : Math.min(max, tidy(min + k * step, span)));
    return { key, spec, kind: 'points', values };
  }

  if (r.count !== undefined) {
    const count = r.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 2) {
      throw new SpaceError(
        key,
        `range "count" must be an integer ≥ 2 (min and max are both included; for one value use a list), got ${show(count)}`,
      );
    }
    if (count > MAX_TRIALS) throw new SpaceError(key, `range "count" ${grouped(count)} is more than ${grouped(MAX_TRIALS)}`);
    const span = max - min;
    const out: number[] = [];
    for (let k = 0; k < count; k++) {
      const t = k / (count - 1);
      // Ends are set exactly: exp(log(3)) is not 3, and a rounded end could step outside the field's bounds.
      let x = k === 0 ? min : k === count - 1 ? max : log ? min * Math.pow(max / min, t) : min * (1 - t) + max * t;
      x = integral ? Math.round(x) : tidy(x, span);
      // Rounding can merge neighbouring points of an integer field (1..4 in 8 log steps): keep each value once.
      if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
    }
    return { key, spec, kind: 'points', values: out };
  }

  return { key, spec, kind: 'interval', min, max, log };
}

function rangeNumber(key: string, spec: FieldSpec, name: 'min' | 'max', raw: unknown): number {
  const v = spec.kind === 'ns' ? duration(spec, raw) : raw;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new SpaceError(key, `range "${name}" must be ${mustBe(nonNull(spec))}, got ${show(raw)}`);
  if (spec.kind !== 'number' && !Number.isInteger(v))
    throw new SpaceError(key, `range "${name}" must be ${mustBe(nonNull(spec))}, got ${show(raw)}`);
  if (!inBounds(spec, v))
    throw new SpaceError(key, `range "${name}" ${show(raw)} is out of bounds: the field must be ${mustBe(nonNull(spec))}`);
  return v;
}

/** One list item → its canonical value (ns strings become integer ns), or SpaceError naming the field's rule. */
function checkValue(spec: FieldSpec, raw: unknown): ParamValue {
  const bad = () => new SpaceError(spec.path, `value ${show(raw)} is not allowed: must be ${mustBe(spec)}`);
  if (raw === null || raw === 'off') {
    if (spec.nullable) return null;
    throw bad();
  }
  switch (spec.kind) {
    case 'bool':
      if (typeof raw !== 'boolean') throw bad();
      return raw;
    case 'enum':
      if (typeof raw !== 'string' || !spec.values!.includes(raw)) throw bad();
      return raw;
    default: {
      const v = spec.kind === 'ns' ? duration(spec, raw) : raw;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
      if (spec.kind !== 'number' && !Number.isInteger(v)) throw bad();
      if (!inBounds(spec, v)) throw bad();
      return v;
    }
  }
}

function inBounds(spec: FieldSpec, v: number): boolean {
  const lo = spec.min ?? -Infinity;
  return (spec.gt ? v > lo : v >= lo) && v <= (spec.max ?? Infinity);
}

function nonNull(spec: FieldSpec): FieldSpec {
  return spec.nullable ? { ...spec, nullable: false } : spec;
}

/**
 * A duration as written in a space → integer ns (NaN when it is not one): a JSON number is ns, as in a --config file
 * and best.json; a string takes its unit. A unit-less string is refused as `--set` refuses a plain number (nsOfText
 * decides what is ambiguous): a space written from the command line's habits ("500" meant as ms) must not silently
 * run at 500 ns.
 */
function duration(spec: FieldSpec, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return nsOfText(spec, raw, true);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new SpaceError(spec.path, err.message.replace(`strategy config: ${spec.path} `, ''));
  }
}

/**
 * Strips float noise from a computed grid point: 0.1 * 3 is 0.30000000000000004 and -0.3 + 3 * 0.1 is 5.6e-17.
 * Fifteen significant digits keep every point a user could mean while dropping the last-bit error of the arithmetic.
 */
function tidy(x: number, span: number): number {
  if (Math.abs(x) <= span * 1e-12) return 0;
  return Number(x.toPrecision(15));
}

/** Number of grid trials (Infinity when a dimension is a continuous interval). */
export function gridSize(space: SearchSpace): number {
  let n = 1;
  for (const d of space.dims) n *= d.kind === 'points' ? d.values.length : Infinity;
  return n;
}

/**
 * Every combination, ids 0…n-1 in odometer order: the last key varies fastest, the first slowest. Throws when a
 * dimension is continuous or the grid has more than MAX_TRIALS points.
 */
export function gridTrials(space: SearchSpace): Trial[] {
  for (const d of space.dims) {
    if (d.kind === 'interval') {
      throw new SpaceError(d.key, `is a continuous range (no "step" or "count"): add one to grid it, or use random search`);
    }
  }
  const dims = space.dims as readonly Extract<Dimension, { kind: 'points' }>[];
  const total = gridSize(space);
  if (total > MAX_TRIALS) {
    throw new SpaceError(
      '',
      `the grid has ${grouped(total)} trials (${dims.map((d) => grouped(d.values.length)).join(' × ')}), more than ${grouped(MAX_TRIALS)}: use fewer values, or draw some of them with --method random --trials N`,
    );
  }
  const out: Trial[] = [];
  const idx = new Array<number>(dims.length).fill(0);
  for (let id = 0; id < total; id++) {
    const params: Record<string, ParamValue> = {};
    dims.forEach((d, i) => (params[d.key] = d.values[idx[i]]));
    out.push({ id, params });
    for (let i = dims.length - 1; i >= 0; i--) {
      if (++idx[i] < dims[i].values.length) break;
      idx[i] = 0;
    }
  }
  return out;
}

/**
 * n distinct trials drawn with a seeded PRNG (mulberry32): the same space, n and seed always give the same trials,
 * and the first k of n trials are the trials of randomTrials(space, k, seed), so a search can be extended later.
 * Per trial, one draw per key in key order: points are picked uniformly; intervals are uniform, or log-uniform with
 * `log`; integer and ns intervals are uniform over their integers (log: log-uniform on [min, max + 1), floored, so
 * every integer gets the share of the log scale it covers). A repeated combination is drawn again rather than run
 * twice, so n may not exceed the number of distinct combinations.
 */
export function randomTrials(space: SearchSpace, n: number, seed: number): Trial[] {
  if (!Number.isInteger(n) || n < 0) throw new SpaceError('', `the random trial count must be a whole number ≥ 0, got ${show(n)}`);
  if (n > MAX_TRIALS) throw new SpaceError('', `the random trial count ${grouped(n)} is more than ${grouped(MAX_TRIALS)}`);
  if (!Number.isSafeInteger(seed)) throw new SpaceError('', `the seed must be an integer, got ${show(seed)}`);
  const distinct = space.dims.reduce((p, d) => p * choices(d), 1);
  if (n > distinct) {
    throw new SpaceError(
      '',
      `${n} random trials asked for, but the space has only ${distinct} distinct combinations: ask for at most ${distinct}, or run the grid`,
    );
  }
  const next = mulberry32(Number(BigInt.asUintN(32, BigInt(seed))));
  const seen = new Set<string>();
  const out: Trial[] = [];
  while (out.length < n) {
    const params: Record<string, ParamValue> = {};
    for (const d of space.dims) params[d.key] = draw(d, next());
    const id = JSON.stringify(Object.values(params));
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id: out.length, params });
  }
  return out;
}

function choices(d: Dimension): number {
  if (d.kind === 'points') return d.values.length;
  return d.spec.kind === 'number' ? Infinity : d.max - d.min + 1;
}

function draw(d: Dimension, u: number): ParamValue {
  if (d.kind === 'points') return d.values[Math.floor(u * d.values.length)];
  const { min, max } = d;
  if (d.spec.kind === 'number') {
    const x = d.log ? Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min))) : min + u * (max - min);
    return Math.min(max, Math.max(min, x));
  }
  const x = d.log ? Math.floor(Math.exp(Math.log(min) + u * (Math.log(max + 1) - Math.log(min)))) : min + Math.floor(u * (max - min + 1));
  return Math.min(max, Math.max(min, x));
}

/** " (did you mean a, b?)" from the field paths closest to a mistyped key, or a pointer to the full list. */
function suggest(key: string, paths: readonly string[], strategy?: string): string {
  const own = paths.filter((p) => !/^(risk|orders)\./.test(p));
  return (
    didYouMean(key, paths) ||
    (strategy
      ? ` (${strategy} declares ${own.length ? own.join(', ') : 'no parameters'}; the runtime's settings are risk.* and orders.*)`
      : ` (parameters are the strategy's declared names and the risk.*, orders.* settings, such as ${paths.slice(0, 2).join(' or ')}; see the Parameters table in docs/strategy.md)`)
  );
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
