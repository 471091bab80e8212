// The command lines of `ringbook live` and `ringbook demo`, declared once: their flags (the ones they share declared
// here once), examples and exit codes for --help, and the check of --threads against the strategy that comes before
// anything starts.
import { FUNDING_EVERY, INFORMED_SHARE } from './exchange';
import { UsageError, type CommandSpec } from './args';
import { presetHelp, strategyFlags } from './params';
import { ENDPOINT_FLAGS } from './watch';
import { MONITOR_FLAGS } from './monitoring';
import { STATUS_EVERY } from './status-every';
import { THREADS_CHOICES, threadsRefusal, type ThreadsOption } from '../feed/placement';
import { hungAfterFlag } from './hung-after';

const SYMBOL = {
  type: 'list',
  arg: 'S[,S]',
  aliases: ['symbols'],
  noun: 'symbol',
  defaultText: "the strategy's declared instruments, else BTCUSDT",
  description: 'the symbols of the session (USDT-FUTURES): one pipeline with all of them, a gateway each',
} as const;

const NO_KEEP_WARM = {
  type: 'boolean',
  description:
    'do not keep our feed and order code (and, in the single-thread layout, the book), nor the strategy on a scratch copy, warm while idle (saves ~3 % of a core between messages; tick→decision after a pause then takes ~1.7× as long: docs/tuning.md)',
} as const;

const THREADS = {
  type: 'string',
  arg: 'MODE',
  choices: THREADS_CHOICES,
  default: 'auto',
  description:
    'where feed, engine and strategy run: single (one thread, no hand-offs), multi (a thread each), auto (multi only with a core per busy thread; `doctor` says which)',
} as const;

const HUNG_AFTER = hungAfterFlag('a watchdog thread cancels all (and flattens, as on exit) and ends the process (exit 137)');

export const LIVE = {
  name: 'live',
  usage: '[--symbols BTCUSDT[,ETHUSDT]] [options]',
  summary:
    "The strategy trading the local exchange (demo credentials built in) or, with --demo and BITGET_API_KEY/SECRET/PASSPHRASE, Bitget's demo environment. Ctrl-C cancels all and flattens, then prints a summary.",
  flags: {
    symbol: SYMBOL,
    ...strategyFlags('default'),
    demo: { type: 'boolean', description: "trade Bitget's demo environment (keys from BITGET_API_KEY/SECRET/PASSPHRASE or --keys FILE)" },
    keys: { type: 'string', arg: 'FILE', description: 'JSON {"apiKey", "secret", "passphrase"}; never printed' },
    record: { type: 'string', arg: 'DIR', description: 'also record market data, own orders and fills to Parquet under DIR' },
    duration: { type: 'duration', arg: 'D', defaultText: 'until Ctrl-C', description: 'stop after D' },
    'no-flatten': { type: 'boolean', description: 'on exit cancel all but keep any position (default: flatten)' },
    'hung-after': HUNG_AFTER,
    'no-keep-warm': NO_KEEP_WARM,
    threads: THREADS,
    'status-every': STATUS_EVERY,
    ...ENDPOINT_FLAGS,
    ...MONITOR_FLAGS,
  },
  examples: [
    ['live --preset demo --duration 5m', 'the demo preset against the local exchange for five minutes'],
    ['live --demo --config strategy.json --record data/', "your parameters on Bitget's demo environment, recorded for backtest --parity"],
    ['live --symbols BTCUSDT,ETHUSDT --strategy lead-lag', 'ETHUSDT traded on the order flow of BTCUSDT, against the local exchange'],
  ],
  notes: `${presetHelp()}\n\nExit codes: 0 ended by its --duration, or by Ctrl-C/SIGTERM/SIGHUP when there is none; 3 the session ended HALTED (a risk limit, the strategy threw, the venue refused the keys, an exit or reconcile that failed: the summary says which), or its stop could not close everything on the venue (an error line names it); 1 also when the venue refuses the keys at the start; 130 (143 for SIGTERM, 129 for SIGHUP) stopped before its --duration ran out, after cancelling, flattening and the summary; a closed output (| head) does not stop it; 1 failed; 2 bad command line; 137 a hung strategy handler.`,
} as const satisfies CommandSpec;

export const DEMO = {
  name: 'demo',
  usage: '[--duration 60s] [--out data/] [--symbols BTCUSDT[,ETHUSDT]] [options]',
  summary:
    'The main job: starts the local exchange, the live pipeline, the recorder and the strategy; shows a status line; ends with a summary (messages, orders, fills, PnL, what stopped entries, files).',
  flags: {
    duration: { type: 'duration', arg: 'D', default: '60s', description: 'how long to trade' },
    symbol: SYMBOL,
    out: { type: 'string', arg: 'DIR', default: 'data', description: 'where the recording goes' },
    ...strategyFlags('demo, or none with --config'),
    seed: { type: 'int', arg: 'N', default: 1, min: 0, description: "the local exchange's seed" },
    'informed-share': INFORMED_SHARE,
    'funding-every': FUNDING_EVERY,
    ...MONITOR_FLAGS,
    'hung-after': HUNG_AFTER,
    'no-keep-warm': NO_KEEP_WARM,
    threads: THREADS,
    'status-every': STATUS_EVERY,
  },
  examples: [
    ['demo', 'a minute of the demo preset, recorded to data/'],
    ['demo --duration 5m --set entry.threshold=0.6', 'five minutes with a stricter entry threshold'],
    ['demo --symbols BTCUSDT,ETHUSDT --strategy lead-lag', 'two symbols: ETHUSDT traded on the order flow of BTCUSDT'],
  ],
  notes: `${presetHelp()}\n\nExit codes: 0 ran its --duration; 3 the session ended HALTED (a risk limit, the strategy threw, an exit or reconcile that failed: the summary says which), or its stop could not close everything on the venue (an error line names it); 130 stopped by Ctrl-C before (143 for SIGTERM, 129 for SIGHUP), after cancelling, flattening and the summary; a closed output (| head) does not stop it; 1 failed; 2 bad command line; 137 a hung strategy handler.`,
} as const satisfies CommandSpec;

/** A --threads the strategy cannot run with: exit 2 before anything starts (no exchange, no directory, no keys read). */
export function checkThreads(option: ThreadsOption, depth: number): void {
  const refused = threadsRefusal(option, depth);
  if (refused) throw new UsageError(refused);
}
