// obi-ofi's declared parameters and presets: the OBI/OFI taker of docs/strategy.md (signal, entry, exit, cost hurdle,
// gates, cooldown). risk.* and orders.* are not here: they are the runtime's (the operator's) settings, under the same
// names in every config file and --set. The values arrive flat (ctx.params['entry.threshold']); configOf nests them.
import type { ParamProblem, Params, Preset, RiskLimits } from 'ringbook';

// The longest duration a parameter accepts: a week keeps every ns value an exact integer in a double.
const MAX_NS = 7 * 86_400e9;

export const PARAMS = {
  'signal.source': {
    type: 'choice',
    default: 'z',
    values: ['z', 'l1', 'obiN', 'ofiNorm'],
    description: 'the signal x the thresholds apply to: z (the core z-score, of ofiNorm by default) or a raw field',
  },
  'entry.threshold': {
    type: 'number',
    default: 2,
    greaterThan: 0,
    max: 1e9,
    unit: 'x',
    description: 'θ_in: enter long when x ≥ θ_in, short when x ≤ −θ_in',
  },
  'entry.confirmCount': {
    type: 'integer',
    default: 3,
    min: 1,
    max: 1e6,
    unit: 'samples',
    description: 'debounce: consecutive valid samples beyond θ_in',
  },
  'entry.confirmDwellNs': {
    type: 'duration',
    default: 0,
    min: 0,
    max: MAX_NS,
    description: 'debounce: minimum time beyond θ_in (local time), on top of confirmCount',
  },
  'entry.mode': {
    type: 'choice',
    default: 'taker',
    values: ['taker', 'passive'],
    description: 'taker: IOC limit through the touch; passive: post_only limit at our side of the touch',
  },
  'entry.qtyLot': { type: 'integer', default: 1, min: 1, max: 1e12, unit: 'lots', description: 'size of each entry order' },
  'entry.slipTicks': {
    type: 'integer',
    default: 0,
    min: 0,
    max: 1e6,
    unit: 'ticks',
    description: 'taker entry: IOC limit this far beyond the opposite touch',
  },
  'entry.workTimeoutNs': {
    type: 'duration',
    default: 2e9,
    min: 1,
    max: MAX_NS,
    description: 'T_work: cancel an acked entry not done after this long',
  },
  'entry.allowReversal': {
    type: 'boolean',
    default: true,
    description: 'an opposite entry signal in position exits (reason reversal, cooldown.afterReversalNs) instead of a plain signal exit',
  },
  'exit.threshold': {
    type: 'number',
    default: 0.5,
    min: -1e9,
    max: 1e9,
    unit: 'x',
    description: 'θ_out: a long exits when x ≤ θ_out, a short when x ≥ −θ_out (hysteresis)',
  },
  'exit.takeProfitTicks': {
    type: 'integer',
    default: 20,
    min: 1,
    max: 1e9,
    nullable: true,
    unit: 'ticks',
    description: 'take profit: exit-side touch this far beyond the average entry price',
  },
  'exit.stopLossTicks': {
    type: 'integer',
    default: 10,
    min: 1,
    max: 1e9,
    nullable: true,
    unit: 'ticks',
    description: 'stop loss: exit-side touch this far against the average entry price',
  },
  'exit.timeStopNs': {
    type: 'duration',
    default: 30e9,
    min: 1,
    max: MAX_NS,
    nullable: true,
    description: 'time stop: exit this long after the first entry fill',
  },
  'exit.trailingTicks': {
    type: 'integer',
    default: null,
    min: 1,
    max: 1e9,
    nullable: true,
    unit: 'ticks',
    description: 'trailing stop: exit when the touch falls this far from its best since entry',
  },
  'exit.trailingActivationTicks': {
    type: 'integer',
    default: 0,
    min: 0,
    max: 1e9,
    unit: 'ticks',
    description: 'trailing stop arms once the best touch is this far in profit',
  },
  'exit.maxRetries': {
    type: 'integer',
    default: 3,
    min: 0,
    max: 100,
    unit: 'retries',
    description: 'R: failed exits re-sent (more aggressively) before HALTED',
  },
  'exit.timeoutNs': {
    type: 'duration',
    default: 1e9,
    min: 1,
    max: MAX_NS,
    description: 'an exit order not done this long after it was sent counts as failed',
  },
  'exit.iocAttempts': {
    type: 'integer',
    default: 1,
    min: 0,
    max: 100,
    unit: 'attempts',
    description: 'exit attempts priced as IOC limits before escalating to market',
  },
  'exit.escalateTicks': {
    type: 'integer',
    default: 1,
    min: 0,
    max: 1e6,
    unit: 'ticks',
    description: 'each IOC retry prices this much further through the touch',
  },
  'exit.stopLossMarket': { type: 'boolean', default: true, description: 'stop-loss exits go straight to a market order' },
  'hurdle.enabled': { type: 'boolean', default: true, description: 'require the expected move to beat the round-trip cost' },
  'hurdle.source': {
    type: 'choice',
    default: 'ofiNorm',
    values: ['ofiNorm', 'signal'],
    description: 'edge the expected move is read from: ofiNorm (expected ticks, CKS) or x itself',
  },
  'hurdle.coef': {
    type: 'number',
    default: 1,
    greaterThan: 0,
    max: 1e9,
    unit: 'ticks/edge',
    description: 'ĉ: expected move = ĉ · edge (fit in-sample)',
  },
  'hurdle.spreadMultiple': {
    type: 'number',
    default: 1,
    min: 0,
    max: 100,
    unit: '×spread',
    description: 'spread crossings charged to the trade',
  },
  'hurdle.slippageTicks': {
    type: 'number',
    default: 0,
    min: 0,
    max: 1e9,
    unit: 'ticks',
    description: 'expected slippage charged to the trade',
  },
  'hurdle.bufferTicks': { type: 'number', default: 0, min: 0, max: 1e9, unit: 'ticks', description: 'safety margin on top of the cost' },
  'gates.maxDataAgeNs': {
    type: 'duration',
    default: 500e6,
    min: 0,
    max: MAX_NS,
    description: 'entry gate: signal local age (now − localTs) at most this',
  },
  'gates.minFeedLatencyNs': {
    type: 'duration',
    default: -100e6,
    min: -MAX_NS,
    max: MAX_NS,
    description: 'entry gate: feed latency (localTs − exchTs) at least this (negative = clock behind)',
  },
  'gates.maxFeedLatencyNs': {
    type: 'duration',
    default: 250e6,
    min: -MAX_NS,
    max: MAX_NS,
    description: 'entry gate: feed latency at most this',
  },
  'gates.maxSpreadTicks': { type: 'integer', default: 5, min: 1, max: 1e9, unit: 'ticks', description: 'entry gate: spread at most this' },
  'cooldown.ns': {
    type: 'duration',
    default: 1e9,
    min: 0,
    max: MAX_NS,
    description: 'T_cool after a trade, a cancelled or rejected entry, or a reconcile',
  },
  'cooldown.afterStopLossNs': { type: 'duration', default: 10e9, min: 0, max: MAX_NS, description: 'T_cool after a stop-loss exit' },
  'cooldown.afterReversalNs': {
    type: 'duration',
    default: 0,
    min: 0,
    max: MAX_NS,
    description: 'T_cool after a reversal exit (re-entry still needs a fresh confirmed signal)',
  },
  'cooldown.resetThreshold': {
    type: 'number',
    default: null,
    min: 0,
    max: 1e9,
    nullable: true,
    unit: 'x',
    description: 'θ_reset: leave COOLDOWN only once |x| < θ_reset',
  },
} as const;

export type ObiOfiParams = Params<typeof PARAMS>;
export type SignalSource = 'z' | 'l1' | 'obiN' | 'ofiNorm';
export type EntryMode = 'taker' | 'passive';
export type HurdleSource = 'ofiNorm' | 'signal';

/** The parameters in sections, as the rules read them. */
export interface ObiOfiConfig {
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
  hurdle: { enabled: boolean; source: HurdleSource; coef: number; spreadMultiple: number; slippageTicks: number; bufferTicks: number };
  gates: { maxDataAgeNs: number; minFeedLatencyNs: number; maxFeedLatencyNs: number; maxSpreadTicks: number };
  cooldown: { ns: number; afterStopLossNs: number; afterReversalNs: number; resetThreshold: number | null };
}

/** Flat values → sections. */
export function configOf(p: Readonly<Record<string, unknown>>): ObiOfiConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [path, v] of Object.entries(p)) {
    const dot = path.indexOf('.');
    (out[path.slice(0, dot)] ??= {})[path.slice(dot + 1)] = v;
  }
  return out as unknown as ObiOfiConfig;
}

/** The rules between parameters (θ_out inside ±θ_in, …) and against the operator's position limit. */
export function validate(p: ObiOfiParams, limits: RiskLimits): ParamProblem | null {
  const c = configOf(p);
  if (!(c.entry.threshold > c.exit.threshold))
    return { param: 'entry.threshold', message: `must be a number > exit.threshold (${c.exit.threshold})` };
  // θ_out > −θ_in keeps the flat zone of a long and the entry zone of a short apart (a short signal always exits a long).
  if (!(c.exit.threshold > -c.entry.threshold)) return { param: 'exit.threshold', message: 'must be a number > -entry.threshold' };
  if (c.cooldown.resetThreshold !== null && !(c.cooldown.resetThreshold <= c.entry.threshold))
    return { param: 'cooldown.resetThreshold', message: 'must be null or a number ≤ entry.threshold' };
  if (!(c.gates.maxFeedLatencyNs > c.gates.minFeedLatencyNs))
    return { param: 'gates.maxFeedLatencyNs', message: 'must be > gates.minFeedLatencyNs' };
  if (!(c.entry.qtyLot <= limits.maxPositionLot)) return { param: 'entry.qtyLot', message: 'must be an integer ≤ risk.maxPositionLot' };
  return null;
}

/** Named starting points (`--preset NAME`); docs/strategy.md lists them: keep the two in step. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  default: {
    summary: 'the defaults: z-score entries beyond ±2 for 3 samples, only when the expected move beats fees and spread',
    values: {},
  },
  demo: {
    summary: 'trades a simulated minute: book imbalance (obiN) beyond ±0.4 for 2 samples, taker entries, no cost hurdle, 5 s time stop',
    values: {
      signal: { source: 'obiN' },
      entry: { threshold: 0.4, confirmCount: 2 },
      exit: { threshold: 0.1, timeStopNs: '5s' },
      hurdle: { enabled: false },
      cooldown: { ns: '2s' },
    },
  },
  'demo-passive': {
    summary: 'as demo, but entries rest at our side of the touch (post-only) and pay the maker fee, below the taker fee',
    values: {
      signal: { source: 'obiN' },
      entry: { threshold: 0.4, confirmCount: 2, mode: 'passive' },
      exit: { threshold: 0.1, timeStopNs: '5s' },
      hurdle: { enabled: false },
      cooldown: { ns: '2s' },
    },
  },
};
