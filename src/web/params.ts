// The page's parameters → the settings of one run, by the rules `ringbook backtest` applies to its flags
// (src/cli/backtest.ts), so a replay in the browser and `ringbook backtest --json` on the same file report the same
// metrics: the chosen strategy (a built-in compiled in, or a bundle the loader made) with its defaults ← the config
// JSON ← the parameter form's values (as --set), latency/queue parsed by the same functions (latency by the CLI's rule:
// recorded when the recording holds its own orders' round trips and none is named, else feed), fees default
// 0.0002/0.0006, partial fills on, no signal overrides, equity sampled every second. A bad value is a ParamError naming
// the input, and for the strategy config the line, with the CLI's "did you mean".
import type { LatencyModel } from '../backtest/latency';
import { latencyOf } from '../backtest/latency-choice';
import { parseQueue, type QueueModel } from '../backtest/queue';
import { DEFAULT_FEES } from '../backtest/setup';
import { FEE_RATES_FORM, readFeeRates } from '../backtest/fee-tiers';
import type { StrategyRun } from '../backtest/run';
import type { ResolvedParams } from '../cli/params';
import { lineOfKey, parseJsonText } from '../format/json-text';
import { ConfigError, nest } from '../strategy/params';
import { fieldsFor, resolveRun } from '../strategy/resolve';
import type { StrategyDefinition } from '../strategy/api';
import { BUILTINS, builtinNamed } from '../strategy/builtins/index';
import { loadBundle, loadedBuiltin, type LoadedStrategy } from '../strategy/sandbox';
import obiOfi from '../strategy/builtins/obi-ofi/index';
import type { ParamField, RunParams, StrategyChoice } from './protocol';
import type { OwnOrders } from './own-orders';

export interface RunSettings {
  strategy: StrategyRun;
  latency: LatencyModel;
  queue: QueueModel;
  fees: { maker: number; taker: number };
  partialFills: boolean;
  sampleNs: number;
  /** The run's parameters as the CLI resolves them (sources: 'page config' for the keys the JSON sets), for the report. */
  resolved: ResolvedParams;
}

/** A parameter the page cannot run with; `field` is the input at fault. */
export class ParamError extends Error {
  constructor(
    readonly field: ParamField,
    message: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

/** The page's starting config: the demo-passive preset (docs/strategy.md, Presets), which trades on most book data. */
export const EXAMPLE_CONFIG = obiOfi.presets!['demo-passive'].values;

/** The config box a strategy starts with: obi-ofi's demo-passive preset, another strategy's defaults (empty). */
export function startingConfig(name: string): string {
  return name === 'obi-ofi' ? JSON.stringify(EXAMPLE_CONFIG, null, 2) : '{}';
}

export const DEFAULT_PARAMS: RunParams = {
  strategy: { kind: 'builtin', name: 'obi-ofi' },
  config: startingConfig('obi-ofi'),
  sets: [],
  // none named: recorded on a recording with its own orders, else feed, as `ringbook backtest` without --latency
  latency: '',
  queue: 'risk-averse',
  fees: `${DEFAULT_FEES.maker},${DEFAULT_FEES.taker}`,
  partialFills: true,
};

const CONFIG_WHERE = 'strategy config';

/** Same bounds and message as the CLI's --fees. */
export function parseFees(text: string): { maker: number; taker: number } {
  const t = text.trim();
  if (t === '') return { ...DEFAULT_FEES };
  const rates = readFeeRates(t);
  if (!rates) throw new ParamError('fees', `fees "${text}" ${FEE_RATES_FORM}`);
  return rates;
}

function sectionPaths(v: unknown): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([g, sub]) =>
    sub !== null && typeof sub === 'object' && !Array.isArray(sub) ? Object.keys(sub).map((k) => `${g}.${k}`) : [],
  );
}

const loaded = new Map<string, LoadedStrategy>();

/** The strategy of a choice: a built-in's compiled-in definition, or a bundle evaluated once per hash. */
export function strategyOf(choice: StrategyChoice): LoadedStrategy {
  if (choice.kind === 'builtin') {
    const b = builtinNamed(choice.name);
    if (!b)
      throw new ParamError(
        'strategy',
        `no built-in strategy ${JSON.stringify(choice.name)} (built-ins: ${BUILTINS.map((x) => x.name).join(', ')})`,
      );
    return loadedBuiltin(b.definition);
  }
  const hit = loaded.get(choice.bundle.hash);
  if (hit) return hit;
  let s: LoadedStrategy;
  try {
    s = loadBundle(choice.bundle);
  } catch (err) {
    throw new ParamError('strategy', (err as Error).message);
  }
  if (loaded.size >= 16) loaded.delete(loaded.keys().next().value!);
  loaded.set(choice.bundle.hash, s);
  return s;
}

/** The strategy config box: JSON errors with line and column, field errors with the field's line. */
function configOf(text: string, strategy: LoadedStrategy, sets: readonly string[]): ResolvedParams {
  let base: unknown = {};
  try {
    if (text.trim() !== '') base = parseJsonText(text, CONFIG_WHERE);
  } catch (err) {
    throw new ParamError('config', (err as Error).message);
  }
  const definition: StrategyDefinition = strategy.definition;
  let fields;
  try {
    fields = fieldsFor(definition);
  } catch (err) {
    throw new ParamError('strategy', (err as Error).message);
  }
  const paths = new Set(fields.map((f) => f.path));
  try {
    const run = resolveRun(definition, [base], sets, fields);
    const sources: Record<string, string> = Object.fromEntries(sectionPaths(base).map((p) => [p, 'page config']));
    for (const o of sets) {
      const k = o.slice(0, o.indexOf('=')).trim();
      if (paths.has(k)) sources[k] = 'page form';
    }
    return {
      strategy,
      name: definition.name,
      fields,
      values: run.values,
      params: run.params,
      settings: run.settings,
      config: nest(run.values),
      preset: null,
      sources,
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new ParamError('config', `${CONFIG_WHERE}: ${(err as Error).message}`);
    const set = [...sets].reverse().find((x) => x.slice(0, x.indexOf('=')).trim() === err.field);
    if (set) throw new ParamError(`param:${err.field}`, `${err.field}: ${err.message.replace(/^strategy config: \S+ /, '')}`);
    const line = lineOfKey(text, err.field.split('.').pop()!);
    const detail = err.message.replace(/^strategy config: /, '');
    throw new ParamError('config', `${CONFIG_WHERE}${line ? `, line ${line}` : ''}: ${detail}`);
  }
}

/** The CLI's parsers say "--latency …"; on the page the input is called latency. */
function asInput<T>(field: ParamField, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new ParamError(field, (err as Error).message.replace(new RegExp(`^--${field}\\b`), field));
  }
}

/**
 * Throws a ParamError that names the bad input. `own`: the recording's own-order log (none: dropped files), whose
 * round trips make the empty latency field `recorded` and without which `recorded` is refused, as the CLI does.
 */
export function runSettings(p: RunParams, own?: Pick<OwnOrders, 'trips' | 'lacks'>): RunSettings {
  const resolved = configOf(p.config, strategyOf(p.strategy), p.sets);
  const named = p.latency.trim() || undefined;
  const trips = own?.trips ?? [];
  const lacks = () => own?.lacks ?? 'the recording has no _orders stream';
  return {
    strategy: {
      definition: resolved.strategy.definition,
      params: resolved.params,
      settings: resolved.settings,
      bundleHash: resolved.strategy.bundle?.hash ?? null,
      describeError: resolved.strategy.describeError,
    },
    resolved,
    latency: asInput('latency', () => latencyOf(named, trips, lacks)),
    queue: asInput('queue', () => parseQueue(p.queue.trim() || 'risk-averse')),
    fees: parseFees(p.fees),
    partialFills: p.partialFills,
    sampleNs: 1e9,
  };
}
