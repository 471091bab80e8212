// Named starting points for the strategy's parameters (`--preset NAME` on demo, live, backtest and optimize; the
// replay page's example). A preset is a partial config in the JSON form of docs/strategy.md: the defaults fill the
// rest, a --config file and --set overrides go on top. docs/strategy.md lists them; keep the two in step.

export interface Preset {
  name: string;
  /** One line for --help and the docs. */
  summary: string;
  /** Partial config, sections as in a --config file. */
  config: Record<string, Record<string, unknown>>;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'default',
    summary: 'the defaults: z-score entries beyond ±2 for 3 samples, only when the expected move beats fees and spread',
    config: {},
  },
  {
    name: 'demo',
    summary: 'trades a simulated minute: book imbalance (obiN) beyond ±0.4 for 2 samples, taker entries, no cost hurdle, 5 s time stop',
    config: {
      signal: { source: 'obiN' },
      entry: { threshold: 0.4, confirmCount: 2 },
      exit: { threshold: 0.1, timeStopNs: '5s' },
      hurdle: { enabled: false },
      cooldown: { ns: '2s' },
    },
  },
  {
    name: 'demo-passive',
    summary: 'as demo, but entries rest at our side of the touch (post-only) and earn the maker fee',
    config: {
      signal: { source: 'obiN' },
      entry: { threshold: 0.4, confirmCount: 2, mode: 'passive' },
      exit: { threshold: 0.1, timeStopNs: '5s' },
      hurdle: { enabled: false },
      cooldown: { ns: '2s' },
    },
  },
];

export const PRESET_NAMES = PRESETS.map((p) => p.name);

export function presetNamed(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
