// `ringbook backtest`'s command line, declared once: its flags with their defaults and groups, the examples and exit
// codes --help prints, and the reading of a time flag (--from, --to). Apart from the run so the command's options
// read in one place, and optimize can take the same venue flags from it.
import { DEFAULT_STRATEGY } from '../strategy/builtins/index';
import { DEFAULT_FEES } from '../backtest/backtest';
import { tierList } from '../backtest/fee-tiers';
import { UsageError, type CommandSpec } from './args';
import { STRATEGY_FLAG, presetHelp, strategyFlags } from './params';
import { hungAfterFlag } from './hung-after';

const { default: _default, ...STRATEGY_FLAG_FREE } = STRATEGY_FLAG;

/** The queue model a backtest takes without --queue. */
export const QUEUE_DEFAULT = 'risk-averse';

export const BACKTEST = {
  name: 'backtest',
  usage: '<file|dir|glob> [options]',
  summary:
    'Replays a recording through the same core and strategy as live, with a simulated venue (two timelines, latency and queue models, fees); prints the report, and why entries were blocked.',
  positionals: { name: 'one input: a recording directory, a .parquet file or a glob', min: 1, max: 1 },
  flags: {
    ...strategyFlags(),
    // no fixed default: with --parity the strategy is the session's
    strategy: { ...STRATEGY_FLAG_FREE, defaultText: `${DEFAULT_STRATEGY}, or with --parity the one the session traded` },
    symbol: {
      type: 'string',
      arg: 'S[,S…]',
      aliases: ['symbols'],
      defaultText: "every symbol the strategy's instruments declaration names, else the recording's only one",
      description:
        "the symbols to replay, merged in local-time order (one instrument each; --parity: every symbol of the newest session that traded them, in the session's order)",
    },
    from: { type: 'string', arg: 'T', description: 'replay from this local time: ISO (2026-11-28T10:00:00Z) or ns since the epoch' },
    to: { type: 'string', arg: 'T', description: 'replay up to this local time' },
    latency: {
      type: 'string',
      arg: 'M',
      defaultText: 'recorded when the recording has own orders, else feed',
      description: "constant:5ms[,5ms] | feed[:4,0ms,3,0ms] | recorded (own orders' round trips)",
      group: 'simulated venue',
    },
    queue: {
      type: 'string',
      arg: 'M',
      default: QUEUE_DEFAULT,
      description: 'risk-averse | power:N | power2:N | power3:N | log | log2',
      group: 'simulated venue',
    },
    'no-partial': {
      type: 'boolean',
      description: 'a resting order fills completely once reached (default: partial fills)',
      group: 'simulated venue',
    },
    'amend-keeps-queue': {
      type: 'boolean',
      description:
        "an amendment lowering an order's size at the same price keeps its queue place (default: as Bitget, every amendment re-queues)",
      group: 'simulated venue',
    },
    fees: {
      type: 'string',
      arg: 'M,T',
      defaultText: `${DEFAULT_FEES.maker},${DEFAULT_FEES.taker} (Bitget USDT-M VIP0), or the recorded session's with --parity`,
      description: 'maker,taker fee rates as fractions; a negative maker is a rebate',
      group: 'simulated venue',
    },
    'fee-tier': {
      type: 'string',
      arg: 'T',
      description: `Bitget's published maker,taker rates of a VIP tier instead of --fees: ${tierList('USDT-FUTURES')}`,
      group: 'simulated venue',
    },
    'feed-latency-shift': {
      type: 'string',
      arg: 'D',
      description:
        "move every record's local time by D (e.g. -3ms, +2ms): data received elsewhere (Tardis.dev) rebased to where you trade (docs/import.md); --from/--to are on the shifted clock",
      group: 'simulated venue',
    },
    funding: {
      type: 'number',
      arg: 'R',
      min: -0.1,
      max: 0.1,
      defaultText: "the recorded ticker's settlements, rates and marks when the recording has them, else none",
      description: 'a flat funding rate per 8 h settlement (00:00, 08:00, 16:00 UTC) instead, e.g. 0.0001; longs pay when positive',
      group: 'simulated venue',
    },
    sample: { type: 'duration', arg: 'D', default: '1s', description: 'equity sampling interval of the report', group: 'report' },
    json: { type: 'boolean', description: 'print the report as JSON (byte-identical for the same data and settings)', group: 'report' },
    report: { type: 'string', arg: 'FILE', description: 'also write a self-contained HTML report', group: 'report' },
    parity: {
      type: 'boolean',
      description: 'compare with the recorded live session under <dir>/_orders (its parameters, fees and recorded latency)',
      group: 'report',
    },
    session: {
      type: 'string',
      arg: 'NS',
      defaultText: 'the newest',
      description: 'with --parity: the session to check, by its start as its file under <dir>/_orders names it (session-NS.json)',
      group: 'report',
    },
    'skip-damaged': {
      type: 'boolean',
      description:
        'leave out input files that cannot be read (torn, foreign, failing a page checksum) and name them in the report; without it such a file stops the backtest, named',
    },
    'hung-after': hungAfterFlag('a watchdog thread names it and ends the process (exit 137)'),
  },
  examples: [
    ['backtest data/ --preset demo', 'replay a recording with the demo preset and print the report'],
    ['backtest data/ --strategy my-strategy.ts --set threshold=0.4', 'your own strategy file, one parameter changed'],
    ['backtest data/ --strategy lead-lag.ts --symbols BTCUSDT,ETHUSDT', 'two instruments of one recording, merged in local-time order'],
    [
      'backtest data/ --config strategy.json --set gates.maxSpreadTicks=10 --report r.html',
      'your parameters, one changed, and an HTML report',
    ],
  ],
  notes: `${presetHelp()}\n\nExit codes: 0 done, 1 failed (bad input, config), 2 bad command line, 3 the run ended HALTED (the strategy threw, a risk limit stopped it: the report says which) or --parity found a divergence, 130 stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP; no report), 137 a strategy handler that never returned (--hung-after). See docs/backtest.md.`,
} as const satisfies CommandSpec;

/** Below this an integer is no ns stamp of market data (1970-01-12): a time in seconds or ms, most likely. */
const EARLIEST_NS = 10n ** 15n;

export function parseTime(flag: string, text: string): bigint {
  if (/^\d+$/.test(text)) {
    const n = BigInt(text);
    if (n < EARLIEST_NS) {
      const as = (unit: bigint) => `${new Date(Number((n * unit) / 1_000_000n)).toISOString()} (${flag} ${n * unit})`;
      throw new UsageError(
        `${flag} ${text}: a number is ns since the epoch, and this one is in January 1970; as seconds it is ${as(1_000_000_000n)}, as ms ${as(1_000_000n)}. Give ns or ISO 8601 (2026-11-28T10:00:00Z)`,
      );
    }
    return n;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${text}" is not a time: use ISO 8601 (2026-11-28T10:00:00Z) or ns since the epoch`);
  return BigInt(ms) * 1_000_000n;
}
