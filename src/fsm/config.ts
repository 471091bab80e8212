// Strategy and risk parameters: one field table drives the defaults, JSON validation, `key=value` overrides and the
// parameter list in docs/strategy.md, so the four can never drift apart. WHEN TO USE: resolve a config once at
// start-up (resolveConfig) and hand the frozen result to the machine; the machine never re-reads it.
//
// Units are in the field names: *Ns are int nanoseconds (JSON numbers, or "250ms"/"2s"-style strings), *Ticks and
// *Lot are integer grid units, *Quote is quote currency. `null` switches an optional feature off.

import { didYouMean } from '../format/suggest';

export type SignalSource = 'z' | 'l1' | 'obiN' | 'ofiNorm';
export type EntryMode = 'taker' | 'passive';
export type HurdleSource = 'ofiNorm' | 'signal';

export interface StrategyConfig {
  signal: { source: SignalSource };
  entry: {
    threshold: number;
    confirmCount: number;
    confirmDwellNs: number;
    mode: EntryMode;
    qtyLot: number;
    slipTicks: number;
    workTimeoutNs: number;
    allowReversal: boolean;
  };
  exit: {
    threshold: number;
    takeProfitTicks: number | null;
    stopLossTicks: number | null;
    timeStopNs: number | null;
    trailingTicks: number | null;
    trailingActivationTicks: number;
    maxRetries: number;
    timeoutNs: number;
    iocAttempts: number;
    escalateTicks: number;
    stopLossMarket: boolean;
  };
  hurdle: {
    enabled: boolean;
    source: HurdleSource;
    coef: number;
    spreadMultiple: number;
    slippageTicks: number;
    bufferTicks: number;
  };
  gates: { maxDataAgeNs: number; minFeedLatencyNs: number; maxFeedLatencyNs: number; maxSpreadTicks: number };
  cooldown: { ns: number; afterStopLossNs: number; afterReversalNs: number; resetThreshold: number | null };
  orders: { ackTimeoutNs: number; reconcileTimeoutNs: number; maxReconcileAttempts: number };
  risk: {
    maxPositionLot: number;
    maxNotionalTickLot: number | null;
    maxOrdersPerSecond: number;
    maxOrdersPerMinute: number;
    maxDailyLossQuote: number;
    maxDataAgeNs: number;
    minFeedLatencyNs: number;
    maxFeedLatencyNs: number;
    maxClockOffsetNs: number;
    flattenOnBreach: boolean;
  };
}

/** Grid facts of the traded instrument (from the venue's contract metadata), as plain numbers. */
export interface InstrumentSpec {
  /** Quote currency per price tick (e.g. 0.1 USDT). */
  tickSize: number;
  /** Base units per lot (e.g. 0.001 BTC). One tick·lot is worth tickSize × lotSize quote. */
  lotSize: number;
  /** Fee rates as fractions of traded value (0.0002 = 2 bps); a negative maker rate is a rebate. */
  makerFeeRate: number;
  takerFeeRate: number;
}

type Kind = 'number' | 'int' | 'ns' | 'bool' | 'enum';

/** One parameter: where it lives, its type and range, default, unit and meaning (the docs table is built from this). */
export interface FieldSpec {
  path: string;
  kind: Kind;
  def: number | boolean | string | null;
  min?: number;
  max?: number;
  /** min is exclusive (a strict > bound). */
  gt?: boolean;
  nullable?: boolean;
  values?: readonly string[];
  unit: string;
  doc: string;
}

const S = 1e9;
const MS = 1e6;
// The longest duration any field accepts: a week keeps every ns value an exact integer in a double.
const MAX_NS = 7 * 86_400 * S;

export const FIELDS: readonly FieldSpec[] = [
  {
    path: 'signal.source',
    kind: 'enum',
    def: 'z',
    values: ['z', 'l1', 'obiN', 'ofiNorm'],
    unit: '–',
    doc: 'the signal x the thresholds apply to: z (the core z-score, of ofiNorm by default) or a raw field',
  },
  {
    path: 'entry.threshold',
    kind: 'number',
    def: 2,
    min: 0,
    gt: true,
    max: 1e9,
    unit: 'x',
    doc: 'θ_in: enter long when x ≥ θ_in, short when x ≤ −θ_in',
  },
  {
    path: 'entry.confirmCount',
    kind: 'int',
    def: 3,
    min: 1,
    max: 1_000_000,
    unit: 'samples',
    doc: 'debounce: consecutive valid samples beyond θ_in',
  },
  {
    path: 'entry.confirmDwellNs',
    kind: 'ns',
    def: 0,
    min: 0,
    max: MAX_NS,
    unit: 'ns',
    doc: 'debounce: minimum time beyond θ_in (local time), on top of confirmCount',
  },
  {
    path: 'entry.mode',
    kind: 'enum',
    def: 'taker',
    values: ['taker', 'passive'],
    unit: '–',
    doc: 'taker: IOC limit through the touch; passive: post_only limit at our side of the touch',
  },
  { path: 'entry.qtyLot', kind: 'int', def: 1, min: 1, max: 1e12, unit: 'lots', doc: 'size of each entry order' },
  {
    path: 'entry.slipTicks',
    kind: 'int',
    def: 0,
    min: 0,
    max: 1e6,
    unit: 'ticks',
    doc: 'taker entry: IOC limit this far beyond the opposite touch',
  },
  {
    path: 'entry.workTimeoutNs',
    kind: 'ns',
    def: 2 * S,
    min: 1,
    max: MAX_NS,
    unit: 'ns',
    doc: 'T_work: cancel an acked entry not done after this long',
  },
  {
    path: 'entry.allowReversal',
    kind: 'bool',
    def: true,
    unit: '–',
    doc: 'an opposite entry signal in position exits (reason reversal, cooldown.afterReversalNs) instead of a plain signal exit',
  },
  {
    path: 'exit.threshold',
    kind: 'number',
    def: 0.5,
    min: -1e9,
    max: 1e9,
    unit: 'x',
    doc: 'θ_out: a long exits when x ≤ θ_out, a short when x ≥ −θ_out (hysteresis)',
  },
  {
    path: 'exit.takeProfitTicks',
    kind: 'int',
    def: 20,
    min: 1,
    max: 1e9,
    nullable: true,
    unit: 'ticks',
    doc: 'take profit: exit-side touch this far beyond the average entry price',
  },
  {
    path: 'exit.stopLossTicks',
    kind: 'int',
    def: 10,
    min: 1,
    max: 1e9,
    nullable: true,
    unit: 'ticks',
    doc: 'stop loss: exit-side touch this far against the average entry price',
  },
  {
    path: 'exit.timeStopNs',
    kind: 'ns',
    def: 30 * S,
    min: 1,
    max: MAX_NS,
    nullable: true,
    unit: 'ns',
    doc: 'time stop: exit this long after the first entry fill',
  },
  {
    path: 'exit.trailingTicks',
    kind: 'int',
    def: null,
    min: 1,
    max: 1e9,
    nullable: true,
    unit: 'ticks',
    doc: 'trailing stop: exit when the touch falls this far from its best since entry',
  },
  {
    path: 'exit.trailingActivationTicks',
    kind: 'int',
    def: 0,
    min: 0,
    max: 1e9,
    unit: 'ticks',
    doc: 'trailing stop arms once the best touch is this far in profit',
  },
  {
    path: 'exit.maxRetries',
    kind: 'int',
    def: 3,
    min: 0,
    max: 100,
    unit: 'retries',
    doc: 'R: failed exits re-sent (more aggressively) before HALTED',
  },
  {
    path: 'exit.timeoutNs',
    kind: 'ns',
    def: 1 * S,
    min: 1,
    max: MAX_NS,
    unit: 'ns',
    doc: 'an exit order not done this long after it was sent counts as failed',
  },
  {
    path: 'exit.iocAttempts',
    kind: 'int',
    def: 1,
    min: 0,
    max: 100,
    unit: 'attempts',
    doc: 'exit attempts priced as IOC limits before escalating to market',
  },
  {
    path: 'exit.escalateTicks',
    kind: 'int',
    def: 1,
    min: 0,
    max: 1e6,
    unit: 'ticks',
    doc: 'each IOC retry prices this much further through the touch',
  },
  { path: 'exit.stopLossMarket', kind: 'bool', def: true, unit: '–', doc: 'stop-loss exits go straight to a market order' },
  { path: 'hurdle.enabled', kind: 'bool', def: true, unit: '–', doc: 'require the expected move to beat the round-trip cost' },
  {
    path: 'hurdle.source',
    kind: 'enum',
    def: 'ofiNorm',
    values: ['ofiNorm', 'signal'],
    unit: '–',
    doc: 'edge the expected move is read from: ofiNorm (expected ticks, CKS) or x itself',
  },
  {
    path: 'hurdle.coef',
    kind: 'number',
    def: 1,
    min: 0,
    gt: true,
    max: 1e9,
    unit: 'ticks/edge',
    doc: 'ĉ: expected move = ĉ · edge (fit in-sample)',
  },
  {
    path: 'hurdle.spreadMultiple',
    kind: 'number',
    def: 1,
    min: 0,
    max: 100,
    unit: '×spread',
    doc: 'spread crossings charged to the trade',
  },
  { path: 'hurdle.slippageTicks', kind: 'number', def: 0, min: 0, max: 1e9, unit: 'ticks', doc: 'expected slippage charged to the trade' },
  { path: 'hurdle.bufferTicks', kind: 'number', def: 0, min: 0, max: 1e9, unit: 'ticks', doc: 'safety margin on top of the cost' },
  {
    path: 'gates.maxDataAgeNs',
    kind: 'ns',
    def: 500 * MS,
    min: 0,
    max: MAX_NS,
    unit: 'ns',
    doc: 'entry gate: signal local age (now − localTs) at most this',
  },
  {
    path: 'gates.minFeedLatencyNs',
    kind: 'ns',
    def: -100 * MS,
    min: -MAX_NS,
    max: MAX_NS,
    unit: 'ns',
    doc: 'entry gate: feed latency (localTs − exchTs) at least this (negative = clock behind)',
  },
  {
    path: 'gates.maxFeedLatencyNs',
    kind: 'ns',
    def: 250 * MS,
    min: -MAX_NS,
    max: MAX_NS,
    unit: 'ns',
    doc: 'entry gate: feed latency at most this',
  },
  { path: 'gates.maxSpreadTicks', kind: 'int', def: 5, min: 1, max: 1e9, unit: 'ticks', doc: 'entry gate: spread at most this' },
  {
    path: 'cooldown.ns',
    kind: 'ns',
    def: 1 * S,
    min: 0,
    max: MAX_NS,
    unit: 'ns',
    doc: 'T_cool after a trade, a cancelled or rejected entry, or a reconcile',
  },
  { path: 'cooldown.afterStopLossNs', kind: 'ns', def: 10 * S, min: 0, max: MAX_NS, unit: 'ns', doc: 'T_cool after a stop-loss exit' },
  {
    path: 'cooldown.afterReversalNs',
    kind: 'ns',
    def: 0,
    min: 0,
    max: MAX_NS,
    unit: 'ns',
    doc: 'T_cool after a reversal exit (re-entry still needs a fresh confirmed signal)',
  },
  {
    path: 'cooldown.resetThreshold',
    kind: 'number',
    def: null,
    min: 0,
    max: 1e9,
    nullable: true,
    unit: 'x',
    doc: 'θ_reset: leave COOLDOWN only once |x| < θ_reset',
  },
  {
    path: 'orders.ackTimeoutNs',
    kind: 'ns',
    def: 2 * S,
    min: 1,
    max: MAX_NS,
    unit: 'ns',
    doc: 'T_ack: a place or cancel unanswered this long → RECONCILE',
  },
  {
    path: 'orders.reconcileTimeoutNs',
    kind: 'ns',
    def: 5 * S,
    min: 1,
    max: MAX_NS,
    unit: 'ns',
    doc: 're-send reconcile when no resynced arrives within this',
  },
  { path: 'orders.maxReconcileAttempts', kind: 'int', def: 3, min: 1, max: 100, unit: 'attempts', doc: 'reconcile requests before HALTED' },
  {
    path: 'risk.maxPositionLot',
    kind: 'int',
    def: 10,
    min: 1,
    max: 1e12,
    unit: 'lots',
    doc: '|position| limit (entries that would pass it are denied; fills past it breach)',
  },
  {
    path: 'risk.maxNotionalTickLot',
    kind: 'int',
    def: null,
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    nullable: true,
    unit: 'ticks·lots',
    doc: '|position| × mark limit',
  },
  {
    path: 'risk.maxOrdersPerSecond',
    kind: 'int',
    def: 5,
    min: 1,
    max: 1e6,
    unit: 'orders/s',
    doc: 'entries denied while this many orders were placed in the last rolling second',
  },
  {
    path: 'risk.maxOrdersPerMinute',
    kind: 'int',
    def: 60,
    min: 1,
    max: 1e8,
    unit: 'orders/min',
    doc: 'entries denied while this many orders were placed in the last rolling minute',
  },
  {
    path: 'risk.maxDailyLossQuote',
    kind: 'number',
    def: 100,
    min: 0,
    gt: true,
    max: 1e15,
    unit: 'quote',
    doc: 'loss since the UTC day began (realised + unrealised at mark − fees) beyond this breaches',
  },
  {
    path: 'risk.maxDataAgeNs',
    kind: 'ns',
    def: 5 * S,
    min: 0,
    max: MAX_NS,
    unit: 'ns',
    doc: 'breach: no valid signal for this long while exposed (position or live orders)',
  },
  {
    path: 'risk.minFeedLatencyNs',
    kind: 'ns',
    def: -1 * S,
    min: -MAX_NS,
    max: MAX_NS,
    unit: 'ns',
    doc: 'breach: a signal with feed latency below this',
  },
  {
    path: 'risk.maxFeedLatencyNs',
    kind: 'ns',
    def: 2 * S,
    min: -MAX_NS,
    max: MAX_NS,
    unit: 'ns',
    doc: 'breach: a signal with feed latency above this',
  },
  {
    path: 'risk.maxClockOffsetNs',
    kind: 'ns',
    def: 250 * MS,
    min: 0,
    max: MAX_NS,
    unit: 'ns',
    doc: 'breach: |clock offset| reported by marketHealth above this',
  },
  {
    path: 'risk.flattenOnBreach',
    kind: 'bool',
    def: true,
    unit: '–',
    doc: 'a breach also asks the executor to flatten (reduce-only market)',
  },
];

const BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));
const PATHS = FIELDS.map((f) => f.path);

/** A config problem, naming the field and what it accepts. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`strategy config: ${field} ${detail}`);
    this.name = 'ConfigError';
  }
}

/** The defaults as a fresh config object. */
export function defaultConfig(): StrategyConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of FIELDS) {
    const [group, key] = f.path.split('.');
    (out[group] ??= {})[key] = f.def;
  }
  return out as unknown as StrategyConfig;
}

/**
 * Defaults, then `base` (a parsed JSON object, possibly partial), then `key=value` overrides in order; validated.
 * Throws ConfigError naming the first bad field.
 */
export function resolveConfig(base: unknown = {}, overrides: readonly string[] = []): StrategyConfig {
  const cfg = defaultConfig() as unknown as Record<string, Record<string, unknown>>;
  if (base === null || typeof base !== 'object' || Array.isArray(base))
    throw new ConfigError('(root)', `must be a JSON object, got ${show(base)}`);
  for (const [group, sub] of Object.entries(base as Record<string, unknown>)) {
    if (!(group in cfg))
      throw new ConfigError(
        group,
        `is not a known section${didYouMean(group, Object.keys(cfg))} (sections: ${Object.keys(cfg).join(', ')})`,
      );
    if (sub === null || typeof sub !== 'object' || Array.isArray(sub)) throw new ConfigError(group, `must be an object, got ${show(sub)}`);
    for (const [key, value] of Object.entries(sub as Record<string, unknown>)) {
      const spec = fieldOf(`${group}.${key}`);
      cfg[group][key] = fromJson(spec, value);
    }
  }
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new ConfigError(o, 'override must look like key=value (e.g. entry.threshold=1.5)');
    const spec = fieldOf(o.slice(0, eq).trim());
    const [group, key] = spec.path.split('.');
    cfg[group][key] = fromText(spec, o.slice(eq + 1).trim());
  }
  const out = cfg as unknown as StrategyConfig;
  validateConfig(out);
  return out;
}

/** Checks every field's type and range, then the cross-field rules. Throws ConfigError on the first problem. */
export function validateConfig(cfg: StrategyConfig): void {
  const c = cfg as unknown as Record<string, Record<string, unknown>>;
  for (const f of FIELDS) {
    const [group, key] = f.path.split('.');
    checkField(f, c[group]?.[key]);
  }
  if (!(cfg.entry.threshold > cfg.exit.threshold))
    throw new ConfigError('entry.threshold', `must be a number > exit.threshold, got ${cfg.entry.threshold}`);
  // θ_out > −θ_in keeps the flat zone of a long and the entry zone of a short apart (a short signal always exits a long).
  if (!(cfg.exit.threshold > -cfg.entry.threshold))
    throw new ConfigError('exit.threshold', `must be a number > -entry.threshold, got ${cfg.exit.threshold}`);
  if (cfg.cooldown.resetThreshold !== null && !(cfg.cooldown.resetThreshold <= cfg.entry.threshold)) {
    throw new ConfigError('cooldown.resetThreshold', `must be null or a number ≤ entry.threshold, got ${cfg.cooldown.resetThreshold}`);
  }
  if (!(cfg.gates.maxFeedLatencyNs > cfg.gates.minFeedLatencyNs))
    throw new ConfigError('gates.maxFeedLatencyNs', `must be > gates.minFeedLatencyNs, got ${cfg.gates.maxFeedLatencyNs}`);
  if (!(cfg.risk.maxFeedLatencyNs > cfg.risk.minFeedLatencyNs))
    throw new ConfigError('risk.maxFeedLatencyNs', `must be > risk.minFeedLatencyNs, got ${cfg.risk.maxFeedLatencyNs}`);
  if (!(cfg.risk.maxOrdersPerMinute >= cfg.risk.maxOrdersPerSecond))
    throw new ConfigError('risk.maxOrdersPerMinute', `must be an integer ≥ risk.maxOrdersPerSecond, got ${cfg.risk.maxOrdersPerMinute}`);
  if (!(cfg.entry.qtyLot <= cfg.risk.maxPositionLot))
    throw new ConfigError('entry.qtyLot', `must be an integer ≤ risk.maxPositionLot, got ${cfg.entry.qtyLot}`);
}

/** Checks the instrument's grid facts. */
export function validateInstrument(inst: InstrumentSpec): void {
  const bad = (field: string, what: string, v: unknown) => new Error(`instrument: ${field} must be ${what}, got ${show(v)}`);
  if (!(typeof inst.tickSize === 'number' && inst.tickSize > 0 && Number.isFinite(inst.tickSize)))
    throw bad('tickSize', 'a number > 0', inst.tickSize);
  if (!(typeof inst.lotSize === 'number' && inst.lotSize > 0 && Number.isFinite(inst.lotSize)))
    throw bad('lotSize', 'a number > 0', inst.lotSize);
  for (const k of ['makerFeeRate', 'takerFeeRate'] as const) {
    const v = inst[k];
    if (!(typeof v === 'number' && v > -0.01 && v < 0.01)) throw bad(k, 'a fraction in (-0.01, 0.01) (0.0006 = 6 bps)', v);
  }
}

function fieldOf(path: string): FieldSpec {
  const spec = BY_PATH.get(path);
  if (!spec)
    throw new ConfigError(
      path,
      `is not a known field${didYouMean(path, PATHS) || ' (the Parameters table in docs/strategy.md lists them all; e.g. entry.threshold)'}`,
    );
  return spec;
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** "250ms", "2s", "-100ms", "1500000" (plain = ns) → ns; NaN when the text is not a duration. */
function parseNs(text: string): number {
  const m = /^(-?\d+(?:\.\d+)?)(ns|us|ms|s|m|h)?$/.exec(text);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * UNIT_NS[m[2] ?? 'ns']);
}

function fromJson(spec: FieldSpec, v: unknown): unknown {
  if (spec.kind === 'ns' && typeof v === 'string') {
    const ns = parseNs(v.trim());
    if (Number.isNaN(ns)) throw new ConfigError(spec.path, `must be ${describe(spec)}, got ${show(v)}`);
    return ns;
  }
  return v;
}

function fromText(spec: FieldSpec, text: string): unknown {
  if (spec.nullable && (text === 'null' || text === 'off')) return null;
  switch (spec.kind) {
    case 'bool':
      if (text === 'true' || text === 'false') return text === 'true';
      throw new ConfigError(spec.path, `must be ${describe(spec)}, got ${show(text)}`);
    case 'enum':
      return text;
    case 'ns': {
      const ns = parseNs(text);
      if (Number.isNaN(ns)) throw new ConfigError(spec.path, `must be ${describe(spec)}, got ${show(text)}`);
      return ns;
    }
    default: {
      const n = text === '' ? NaN : Number(text);
      if (Number.isNaN(n)) throw new ConfigError(spec.path, `must be ${describe(spec)}, got ${show(text)}`);
      return n;
    }
  }
}

function checkField(spec: FieldSpec, v: unknown): void {
  if (v === null && spec.nullable) return;
  const fail = () => new ConfigError(spec.path, `must be ${describe(spec)}, got ${show(v)}`);
  switch (spec.kind) {
    case 'bool':
      if (typeof v !== 'boolean') throw fail();
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values!.includes(v)) throw fail();
      return;
    default: {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw fail();
      if ((spec.kind === 'int' || spec.kind === 'ns') && !Number.isInteger(v)) throw fail();
      const lo = spec.min ?? -Infinity;
      if (spec.gt ? !(v > lo) : !(v >= lo)) throw fail();
      if (v > (spec.max ?? Infinity)) throw fail();
    }
  }
}

/** "an integer in [1, 100]", "a number > 0", "one of taker, passive", with "null or " for optional fields. */
export function describe(spec: FieldSpec): string {
  let s: string;
  if (spec.kind === 'bool') s = 'true or false';
  else if (spec.kind === 'enum') s = `one of ${spec.values!.join(', ')}`;
  else {
    const noun = spec.kind === 'number' ? 'a number' : spec.kind === 'ns' ? 'an integer of ns (or 250ms, 2s, …)' : 'an integer';
    // Bounds of 1e9 and beyond are sanity limits, not advice: they are left out of the message.
    const lo = spec.min ?? -Infinity;
    const hi = spec.max ?? Infinity;
    if (lo <= -1e9 && hi >= 1e9) s = noun;
    else if (spec.gt) s = hi >= 1e9 ? `${noun} > ${lo}` : `${noun} in (${lo}, ${hi}]`;
    else s = hi >= 1e9 ? `${noun} ≥ ${lo}` : `${noun} in [${lo}, ${hi}]`;
  }
  return spec.nullable ? `null (off) or ${s}` : s;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
