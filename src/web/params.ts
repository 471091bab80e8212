// The page's parameters → the settings of one run, by the rules `ringbook backtest` applies to its flags
// (src/cli/backtest.ts), so a replay in the browser and `ringbook backtest --json` on the same file report the same
// metrics: config = defaults ← JSON, latency/queue parsed by the same functions, fees default 0.0002/0.0006, partial
// fills on, no signal overrides, equity sampled every second.
import { resolveConfig, type StrategyConfig } from '../fsm/index';
import { parseLatency, type LatencyModel } from '../backtest/latency';
import { parseQueue, type QueueModel } from '../backtest/queue';
import { DEFAULT_FEES } from '../backtest/setup';
import type { RunParams } from './protocol';
import { presetNamed } from '../fsm/presets';

export interface RunSettings {
  config: StrategyConfig;
  latency: LatencyModel;
  queue: QueueModel;
  fees: { maker: number; taker: number };
  partialFills: boolean;
  sampleNs: number;
}

/** The page's starting config: the demo-passive preset (docs/strategy.md, Presets), which trades on most book data. */
export const EXAMPLE_CONFIG = presetNamed('demo-passive')!.config;

export const DEFAULT_PARAMS: RunParams = {
  config: JSON.stringify(EXAMPLE_CONFIG, null, 2),
  latency: 'feed',
  queue: 'risk-averse',
  fees: `${DEFAULT_FEES.maker},${DEFAULT_FEES.taker}`,
  partialFills: true,
};

/** Same bounds and message as the CLI's --fees. */
export function parseFees(text: string): { maker: number; taker: number } {
  const t = text.trim();
  if (t === '') return { ...DEFAULT_FEES };
  const [m, k] = t.split(',').map(Number);
  if (!(Number.isFinite(m) && Number.isFinite(k)) || k < 0 || Math.abs(m) > 0.01 || k > 0.01) {
    throw new Error(`fees "${text}" must be maker,taker as fractions (e.g. 0.0002,0.0006); a negative maker is a rebate`);
  }
  return { maker: m, taker: k };
}

/** Throws an Error that names the bad parameter. A recording has no own orders here, so `recorded` latency is refused. */
export function runSettings(p: RunParams): RunSettings {
  let base: unknown;
  try {
    base = p.config.trim() === '' ? {} : JSON.parse(p.config);
  } catch (err) {
    throw new Error(`strategy config is not valid JSON: ${(err as Error).message}`);
  }
  const latencySpec = p.latency.trim() || 'feed';
  if (latencySpec === 'recorded')
    throw new Error('latency "recorded" needs the recording\'s own orders, which the page does not read: use feed or constant:…');
  return {
    config: resolveConfig(base, []),
    latency: parseLatency(latencySpec),
    queue: parseQueue(p.queue.trim() || 'risk-averse'),
    fees: parseFees(p.fees),
    partialFills: p.partialFills,
    sampleNs: 1e9,
  };
}
