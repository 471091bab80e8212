// The runtime's own settings: the operator's risk limits (risk.*) and order bookkeeping timeouts (orders.*). They sit
// beside every strategy's declared parameters in config files, `--set` and reports, under the same names for every
// strategy, and no strategy can declare or change them (it reads the limits through ctx.limits).
import { ConfigError, MAX_NS, type FieldSpec, type Values } from './params';

export interface RiskSettings {
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
}

export interface OrderSettings {
  ackTimeoutNs: number;
  reconcileTimeoutNs: number;
  maxReconcileAttempts: number;
}

export interface RuntimeSettings {
  risk: RiskSettings;
  orders: OrderSettings;
}

/** Sections of the runtime's settings: a strategy's parameter may not live under them. */
export const RUNTIME_SECTIONS = ['risk', 'orders'] as const;

const S = 1e9;
const MS = 1e6;

export const RUNTIME_FIELDS: readonly FieldSpec[] = [
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
    doc: '|position| limit (orders that could pass it are refused; fills past it breach)',
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
    doc: 'orders and price changes refused while this many were sent in the last rolling second (reduce-only ones until twice this)',
  },
  {
    path: 'risk.maxOrdersPerMinute',
    kind: 'int',
    def: 60,
    min: 1,
    max: 1e8,
    unit: 'orders/min',
    doc: 'orders and price changes refused while this many were sent in the last rolling minute (reduce-only ones until twice this)',
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
    doc: 'breach: no valid book message for this long while exposed (position or live orders)',
  },
  {
    path: 'risk.minFeedLatencyNs',
    kind: 'ns',
    def: -1 * S,
    min: -MAX_NS,
    max: MAX_NS,
    unit: 'ns',
    doc: 'breach: a book message with feed latency below this',
  },
  {
    path: 'risk.maxFeedLatencyNs',
    kind: 'ns',
    def: 2 * S,
    min: -MAX_NS,
    max: MAX_NS,
    unit: 'ns',
    doc: 'breach: a book message with feed latency above this',
  },
  {
    path: 'risk.maxClockOffsetNs',
    kind: 'ns',
    def: 250 * MS,
    min: 0,
    max: MAX_NS,
    unit: 'ns',
    doc: 'breach: |clock offset| reported by the market data pipeline above this',
  },
  {
    path: 'risk.flattenOnBreach',
    kind: 'bool',
    def: true,
    unit: '–',
    doc: 'a breach (or a strategy error) also flattens the position (reduce-only market)',
  },
];

/** The runtime's settings from resolved flat values (every RUNTIME_FIELDS path present), cross-checked. */
export function runtimeSettings(v: Readonly<Values>): RuntimeSettings {
  const s: RuntimeSettings = {
    risk: {
      maxPositionLot: v['risk.maxPositionLot'] as number,
      maxNotionalTickLot: v['risk.maxNotionalTickLot'] as number | null,
      maxOrdersPerSecond: v['risk.maxOrdersPerSecond'] as number,
      maxOrdersPerMinute: v['risk.maxOrdersPerMinute'] as number,
      maxDailyLossQuote: v['risk.maxDailyLossQuote'] as number,
      maxDataAgeNs: v['risk.maxDataAgeNs'] as number,
      minFeedLatencyNs: v['risk.minFeedLatencyNs'] as number,
      maxFeedLatencyNs: v['risk.maxFeedLatencyNs'] as number,
      maxClockOffsetNs: v['risk.maxClockOffsetNs'] as number,
      flattenOnBreach: v['risk.flattenOnBreach'] as boolean,
    },
    orders: {
      ackTimeoutNs: v['orders.ackTimeoutNs'] as number,
      reconcileTimeoutNs: v['orders.reconcileTimeoutNs'] as number,
      maxReconcileAttempts: v['orders.maxReconcileAttempts'] as number,
    },
  };
  checkRuntimeSettings(s);
  return s;
}

/** The rules between the runtime's settings. */
export function checkRuntimeSettings(s: RuntimeSettings): void {
  if (!(s.risk.maxFeedLatencyNs > s.risk.minFeedLatencyNs))
    throw new ConfigError('risk.maxFeedLatencyNs', `must be > risk.minFeedLatencyNs, got ${s.risk.maxFeedLatencyNs}`);
  if (!(s.risk.maxOrdersPerMinute >= s.risk.maxOrdersPerSecond))
    throw new ConfigError('risk.maxOrdersPerMinute', `must be an integer ≥ risk.maxOrdersPerSecond, got ${s.risk.maxOrdersPerMinute}`);
}

/** The runtime's default settings. */
export function defaultSettings(): RuntimeSettings {
  const v: Values = {};
  for (const f of RUNTIME_FIELDS) v[f.path] = f.def;
  return runtimeSettings(v);
}
