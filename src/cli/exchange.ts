// `ringbook exchange`: runs the local Bitget-compatible exchange until Ctrl-C, SIGTERM or SIGHUP. Thin: parses and
// checks flags, starts src/exchange, prints where it listens, closes cleanly on a signal. Credentials come from the flags,
// else BITGET_API_KEY / BITGET_API_SECRET / BITGET_API_PASSPHRASE, else the demo ones; only the key's first four
// characters are ever printed.
import {
  DEFAULT_FLOW,
  DEFAULT_INSTRUMENTS,
  selectInstruments,
  startExchange,
  type FaultCounters,
  type FaultOptions,
  type FlowParams,
  type TradingOptions,
} from '../exchange/index';
import { exposureWarning } from '../exchange/same-origin';
import { describeCredentials, LOCAL_DEMO_CREDENTIALS, type Credentials } from '../gateway/signing';
import { helpHint, parseCommand, renderHelp, UsageError, type CommandSpec, type Flag } from './args';
import { signalExit, signalText, untilStopped } from './stop-signals';
import { METRICS_ENDPOINT_FLAGS, startMonitoring } from './monitoring';
import { exchangeMetrics } from '../monitor/exchange-metrics';
import { logger, registerSecret } from '../log/logger';
import { plural } from '../format/numbers';
import { closest } from '../format/suggest';
import { flagMs, MS_EXAMPLES } from './exchange-ms';
import { durationText } from '../format/durations';

const FAULTS = 'faults (seeded; the rates are probabilities per books/trade update, --rest-error-rate per REST request)';
const RATE = { type: 'number', arg: 'P', min: 0, max: 1, noun: 'a probability', group: FAULTS } as const;
const TRADING = 'trading (private API)';
const FLOW = 'order flow (every symbol)';

/** `--informed-share`: the local exchange's and `demo`'s. */
export const INFORMED_SHARE = {
  type: 'number',
  arg: 'P',
  min: 0,
  max: 1,
  noun: 'a share',
  defaultText: '0',
  description:
    'share of the simulated market orders that are informed: they trade toward a latent value that jumps on news, so a passive maker is sometimes filled just before the price runs through it (adverse selection); the rest are noise',
  group: FLOW,
} as const satisfies Flag;

/** `--funding-every`: settle funding this often instead of 8-hourly (the local exchange's and `demo`'s). */
export const FUNDING_EVERY = {
  type: 'duration',
  arg: 'D',
  defaultText: '8h (00:00, 08:00, 16:00 UTC)',
  description:
    'settle funding this often (whole seconds; on multiples of it since the epoch: 1m settles at every whole minute), so a short session records settlements; the ticker publishes it as nextFundingTime',
  group: FLOW,
} as const satisfies Flag;

/** --funding-every in ms, checked: whole seconds. */
export function fundingEveryMs(ms: number | undefined): number | undefined {
  if (ms !== undefined && ms % 1000 !== 0) throw new UsageError(`--funding-every: give whole seconds (e.g. 1m, 30s), got ${ms} ms`);
  return ms;
}

export const EXCHANGE = {
  name: 'exchange',
  usage: '[options]',
  summary:
    'The local Bitget v2-compatible exchange: REST metadata and time, public WebSocket books / books1 / books5 / books15 / trade, driven by a seeded order-flow model; and a demo trading venue: signed private REST (orders, positions, leverage, account; requests need the "paptrading: 1" header), private WebSocket /v2/ws/private (orders, fill, positions, account), own orders matched in the simulated books. See docs/exchange.md.',
  flags: {
    host: { type: 'string', arg: 'H', default: '127.0.0.1', description: 'interface to bind' },
    port: { type: 'int', arg: 'N', default: 8181, min: 0, max: 65535, noun: 'a port number', description: 'port, 0 = any free port' },
    seed: { type: 'int', arg: 'N', default: 1, min: 0, max: 0xffffffff, description: 'seed of the markets, seq jumps and faults' },
    symbols: {
      type: 'list',
      arg: 'LIST',
      aliases: ['symbol'],
      noun: 'symbol',
      defaultText: 'USDT-FUTURES BTCUSDT ETHUSDT SOLUSDT, SPOT BTCUSDT A2ZUSDT',
      description: 'BTCUSDT (every type listing it) or SPOT:BTCUSDT, USDT-FUTURES:ETHUSDT',
    },
    'informed-share': INFORMED_SHARE,
    'funding-every': FUNDING_EVERY,
    'news-per-sec': {
      type: 'number',
      arg: 'N',
      min: 0,
      noun: 'a rate per second',
      defaultText: '0.2',
      description: 'jumps of the latent value per second (with --informed-share)',
      group: FLOW,
    },
    'news-ticks': {
      type: 'int',
      arg: 'N',
      min: 1,
      noun: 'a whole number of ticks',
      defaultText: '20',
      description: 'size of one jump of the latent value, ticks',
      group: FLOW,
    },
    rate: {
      type: 'int',
      arg: 'N',
      min: 1,
      max: 20_000,
      defaultText: '10',
      description: 'books updates per second per symbol; the order flow churns in step, so each update carries as much',
    },
    stamps: {
      type: 'boolean',
      description: 'keep the send time of every books update and the arrival of every order, at GET /debug/stamps (bench latency)',
    },
    'ping-timeout-ms': {
      type: 'string',
      arg: 'D',
      defaultText: '2m',
      description: 'drop a connection that sent no "ping" for D (as Bitget; a plain number is ms)',
    },
    'api-key': {
      type: 'string',
      arg: 'K',
      defaultText: '$BITGET_API_KEY, else ringbook-demo',
      description: 'API key the venue accepts',
      group: TRADING,
    },
    'api-secret': {
      type: 'string',
      arg: 'S',
      defaultText: '$BITGET_API_SECRET, else ringbook-demo-secret',
      description: 'its secret',
      group: TRADING,
    },
    'api-passphrase': {
      type: 'string',
      arg: 'P',
      defaultText: '$BITGET_API_PASSPHRASE, else ringbook-demo-pass',
      description: 'its passphrase',
      group: TRADING,
    },
    balance: { type: 'string', arg: 'USDT', defaultText: '10000', description: 'futures account balance at start', group: TRADING },
    leverage: {
      type: 'int',
      arg: 'N',
      min: 1,
      max: 125,
      defaultText: '10',
      description: 'leverage of every symbol until set-leverage',
      group: TRADING,
    },
    'no-rate-limits': {
      type: 'boolean',
      description: 'do not enforce the per-endpoint REST limits (10/s place/cancel, …)',
      group: TRADING,
    },
    'amend-keeps-queue': {
      type: 'boolean',
      description:
        'modify-order keeps the order and its queue place when only its size goes down (default: as Bitget documents it, every modification cancels the order and places a new one at the back of the queue)',
      group: TRADING,
    },
    'no-trading': { type: 'boolean', description: 'public market data only', group: TRADING },
    'drop-rate': { ...RATE, description: 'do not send an update (the client sees a seq/pseq gap)' },
    'duplicate-rate': { ...RATE, description: 'send an update twice' },
    'reorder-rate': { ...RATE, description: 'send an update after the next one' },
    'corrupt-checksum-rate': { ...RATE, description: 'write a wrong checksum into a SPOT books update' },
    'malformed-rate': { ...RATE, description: 'send a truncated, unparseable frame instead of an update' },
    'disconnect-every': { type: 'duration', arg: 'D', description: 'drop each connection D after it opened', group: FAULTS },
    'stall-ms': {
      type: 'string',
      arg: 'D',
      description: 'with --stall-every: hold all outgoing frames for D (a plain number is ms)',
      group: FAULTS,
    },
    'stall-every': { type: 'duration', arg: 'D', description: 'every D, stall for --stall-ms', group: FAULTS },
    'latency-ms': {
      type: 'string',
      arg: 'D',
      description: 'delay every outgoing frame by D (order kept; a plain number is ms)',
      group: FAULTS,
    },
    'jitter-ms': { type: 'string', arg: 'D', description: 'plus a uniform random 0..D (a plain number is ms)', group: FAULTS },
    'clock-skew-ms': {
      type: 'string',
      arg: 'D',
      description: 'shift every exchange timestamp (WS ts, REST serverTime) by D, negative allowed (a plain number is ms)',
      group: FAULTS,
    },
    'rest-latency-ms': {
      type: 'string',
      arg: 'D',
      description:
        'a slow venue: hold every REST request (/api/…) for D before it acts, so a client with a shorter timeout never learns whether its order was placed (a plain number is ms)',
      group: FAULTS,
    },
    'rest-error-rate': {
      ...RATE,
      description: 'a failing venue: answer this share of REST requests (/api/…) with 40015 "System is abnormal" (HTTP 500), doing nothing',
    },
    ...METRICS_ENDPOINT_FLAGS,
  },
  examples: [
    ['exchange', 'the exchange on 127.0.0.1:8181 until Ctrl-C'],
    [
      'exchange --port 0 --drop-rate 0.01 --disconnect-every 30s',
      'on any free port, dropping 1 % of updates and every connection after 30 s',
    ],
  ],
  notes: `The -ms flags (--latency-ms, --jitter-ms, --stall-ms, --clock-skew-ms, --rest-latency-ms, --ping-timeout-ms) take a duration too, but a plain number there is milliseconds, as their names say (${MS_EXAMPLES}); whole milliseconds only, the exchange's clock and timers count ms (250us is refused, 2000us is 2 ms).`,
} as const satisfies CommandSpec;

export interface ExchangeCliOptions {
  host: string;
  port: number;
  seed: number;
  symbols: string[];
  pingTimeoutMs: number;
  /** Order-flow overrides (the informed/uninformed mix). */
  flow: Partial<FlowParams>;
  /** Between funding settlements, ms (absent: 8-hourly). */
  fundingIntervalMs?: number;
  /** books updates per second per symbol (absent: the default push interval). */
  rate?: number;
  /** Keep send and arrival stamps (absent: off). */
  stamps?: boolean;
  faults: Partial<FaultOptions>;
  /** Serve /metrics and /health here (off when undefined). */
  metricsPort?: number;
  metricsHost: string;
  /** Set only when a trading flag was given: credentials (flags), balance, leverage, rate limits, or false. */
  trading?: (TradingOptions & { credentials?: Partial<Credentials> }) | false;
}

/** Flags first, then BITGET_API_KEY / BITGET_API_SECRET / BITGET_API_PASSPHRASE, then the demo credentials. */
export function resolveCredentials(flags: Partial<Credentials> | undefined, env: NodeJS.ProcessEnv = process.env): Credentials {
  return {
    apiKey: flags?.apiKey ?? (env.BITGET_API_KEY || LOCAL_DEMO_CREDENTIALS.apiKey),
    secret: flags?.secret ?? (env.BITGET_API_SECRET || LOCAL_DEMO_CREDENTIALS.secret),
    passphrase: flags?.passphrase ?? (env.BITGET_API_PASSPHRASE || LOCAL_DEMO_CREDENTIALS.passphrase),
  };
}

/** --symbols against the instruments the exchange lists, so a typo is a usage error before anything listens. */
function checkSymbols(entries: readonly string[]): void {
  const names = DEFAULT_INSTRUMENTS.flatMap((i) => [i.symbol, `${i.instType}:${i.symbol}`]);
  for (const e of entries) {
    try {
      selectInstruments(DEFAULT_INSTRUMENTS, [e]);
    } catch (err) {
      const near = closest(e.trim(), [...new Set(names)], 1);
      throw new UsageError(`--symbols: ${(err as Error).message}${near.length ? `; did you mean ${near[0]}?` : ''}`);
    }
  }
}

/**
 * Parses `ringbook exchange` flags; throws a UsageError that says what to fix and, as every command's, where the
 * help is. Returns undefined for --help.
 */
export function parseExchangeArgs(args: readonly string[]): ExchangeCliOptions | undefined {
  const hint = ` (${helpHint(EXCHANGE)})`;
  try {
    return parseFlags(args);
  } catch (err) {
    // the checks below, the duration parser and --funding-every's (shared with demo and live) do not add it
    if (err instanceof UsageError && !err.message.endsWith(hint)) throw new UsageError(err.message + hint);
    throw err;
  }
}

function parseFlags(args: readonly string[]): ExchangeCliOptions | undefined {
  const parsed = parseCommand(EXCHANGE, args, () => {});
  if (!parsed) return undefined;
  const v = parsed.values;
  const o: ExchangeCliOptions = {
    host: v.host,
    port: v.port,
    seed: v.seed,
    symbols: v.symbols ?? [],
    pingTimeoutMs: v['ping-timeout-ms'] === undefined ? 120_000 : flagMs('--ping-timeout-ms', v['ping-timeout-ms'], { min: 1 }),
    flow: {},
    faults: {},
    metricsPort: v['metrics-port'],
    metricsHost: v['metrics-host'],
  };
  if (o.symbols.length) checkSymbols(o.symbols);
  if (v['informed-share'] !== undefined) o.flow.informedShare = v['informed-share'];
  if (v['funding-every'] !== undefined) o.fundingIntervalMs = fundingEveryMs(v['funding-every']);
  if (v['news-per-sec'] !== undefined) o.flow.newsPerSec = v['news-per-sec'];
  if (v['news-ticks'] !== undefined) o.flow.newsTicks = v['news-ticks'];
  if (v.rate !== undefined) o.rate = v.rate;
  if (v.stamps) o.stamps = true;
  if (!o.host) throw new UsageError('--host needs an address, e.g. 127.0.0.1 or 0.0.0.0');
  const given = (name: string) => args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const trading = ['api-key', 'api-secret', 'api-passphrase', 'balance', 'leverage', 'no-rate-limits', 'amend-keeps-queue'].filter(given);
  if (v['no-trading']) {
    if (trading.length) throw new UsageError(`--no-trading cannot be combined with trading flags (--${trading[0]})`);
    o.trading = false;
  } else if (trading.length) {
    const t: TradingOptions & { credentials?: Partial<Credentials> } = {};
    const credentials: Partial<Credentials> = {};
    for (const [flag, key] of [
      ['api-key', 'apiKey'],
      ['api-secret', 'secret'],
      ['api-passphrase', 'passphrase'],
    ] as const) {
      const x = v[flag];
      if (x === undefined) continue;
      if (!x) throw new UsageError(`--${flag} needs a value`);
      credentials[key] = x;
    }
    if (Object.keys(credentials).length) t.credentials = credentials;
    if (v.balance !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(v.balance)) throw new UsageError(`--balance needs an amount of USDT like 10000, got "${v.balance}"`);
      t.balance = v.balance;
    }
    if (v.leverage !== undefined) t.leverage = v.leverage;
    if (v['no-rate-limits']) t.rateLimits = false;
    if (v['amend-keeps-queue']) t.amendKeepsQueue = true;
    o.trading = t;
  }
  const f = o.faults;
  const rates = [
    ['drop-rate', 'dropRate'],
    ['duplicate-rate', 'duplicateRate'],
    ['reorder-rate', 'reorderRate'],
    ['corrupt-checksum-rate', 'corruptChecksumRate'],
    ['malformed-rate', 'malformedRate'],
    ['rest-error-rate', 'restErrorRate'],
  ] as const;
  for (const [flag, key] of rates) if (v[flag] !== undefined) f[key] = v[flag];
  if (v['disconnect-every'] !== undefined) f.disconnectEverySec = v['disconnect-every'] / 1000;
  if (v['stall-ms'] !== undefined) f.stallMs = flagMs('--stall-ms', v['stall-ms']);
  if (v['stall-every'] !== undefined) f.stallEverySec = v['stall-every'] / 1000;
  if (v['latency-ms'] !== undefined) f.latencyMs = flagMs('--latency-ms', v['latency-ms']);
  if (v['jitter-ms'] !== undefined) f.jitterMs = flagMs('--jitter-ms', v['jitter-ms']);
  if (v['rest-latency-ms'] !== undefined) f.restLatencyMs = flagMs('--rest-latency-ms', v['rest-latency-ms']);
  if (v['clock-skew-ms'] !== undefined) f.clockSkewMs = flagMs('--clock-skew-ms', v['clock-skew-ms'], { signed: true });
  if ((f.stallMs ?? 0) > 0 !== (f.stallEverySec ?? 0) > 0) {
    throw new UsageError('--stall-ms and --stall-every go together: give both (e.g. --stall-ms 3000 --stall-every 20s)');
  }
  if ((f.stallMs ?? 0) > 0 && (f.stallEverySec ?? 0) * 1000 <= (f.stallMs ?? 0)) {
    throw new UsageError(`--stall-every (${f.stallEverySec} s) must be longer than --stall-ms (${f.stallMs} ms), or output never resumes`);
  }
  return o;
}

/** The stop line's fault counts in words, [one, many] (the log's fields keep the numbers). */
const FAULT_WORDS: Record<keyof FaultCounters, readonly [string, string]> = {
  dropped: ['dropped', 'dropped'],
  duplicated: ['duplicated', 'duplicated'],
  reordered: ['reordered', 'reordered'],
  corruptedChecksums: ['corrupted checksum', 'corrupted checksums'],
  malformed: ['malformed', 'malformed'],
  disconnects: ['disconnect', 'disconnects'],
  stalls: ['stall', 'stalls'],
  delayedFrames: ['delayed frame', 'delayed frames'],
  restErrors: ['REST error', 'REST errors'],
  delayedRequests: ['delayed REST request', 'delayed REST requests'],
};

/** "faults: 3 dropped, 1 disconnect", only the counts that are not 0; "faults: none" when all are. */
export function describeFaults(c: FaultCounters): string {
  const keys = Object.keys(FAULT_WORDS) as (keyof FaultCounters)[];
  const parts = keys.filter((k) => c[k] !== 0).map((k) => plural(c[k], ...FAULT_WORDS[k]));
  return `faults: ${parts.length ? parts.join(', ') : 'none'}`;
}

/** The faults asked for, as the flags that ask for them ("--drop-rate 0.01 --stall-ms 2000ms …"), or "none". */
export function describeFaultFlags(f: Partial<FaultOptions>): string {
  const flag: Record<keyof FaultOptions, [string, (v: number) => string]> = {
    dropRate: ['--drop-rate', String],
    duplicateRate: ['--duplicate-rate', String],
    reorderRate: ['--reorder-rate', String],
    corruptChecksumRate: ['--corrupt-checksum-rate', String],
    malformedRate: ['--malformed-rate', String],
    disconnectEverySec: ['--disconnect-every', (v) => `${v}s`],
    stallMs: ['--stall-ms', (v) => `${v}ms`],
    stallEverySec: ['--stall-every', (v) => `${v}s`],
    latencyMs: ['--latency-ms', (v) => `${v}ms`],
    jitterMs: ['--jitter-ms', (v) => `${v}ms`],
    clockSkewMs: ['--clock-skew-ms', (v) => `${v}ms`],
    restLatencyMs: ['--rest-latency-ms', (v) => `${v}ms`],
    restErrorRate: ['--rest-error-rate', String],
  };
  const on = (Object.keys(flag) as (keyof FaultOptions)[]).filter((k) => (f[k] ?? 0) !== 0);
  return on.length ? on.map((k) => `${flag[k][0]} ${flag[k][1](f[k]!)}`).join(' ') : 'none';
}

export interface ExchangeCliIo {
  /** Stops the exchange when aborted (as Ctrl-C, SIGTERM and SIGHUP do). */
  signal?: AbortSignal;
  /** Environment for the BITGET_API_* credentials; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where status lines go; default console.log. */
  log?: (line: string) => void;
}

/** `ringbook exchange …`: resolves 0 after a clean shutdown; throws on bad flags or when it cannot listen. */
export async function runExchange(args: string[], io: ExchangeCliIo = {}): Promise<number> {
  const out = io.log ?? ((line: string) => console.log(line));
  const o = parseExchangeArgs(args);
  if (!o) {
    out(renderHelp(EXCHANGE));
    return 0;
  }
  const logger_ = logger('exchange', (text) => out(text.replace(/\n$/, '')));
  const log = (line: string, fields?: Record<string, unknown>) => logger_.info(line, fields);
  const credentials = resolveCredentials(o.trading === false ? undefined : o.trading?.credentials, io.env ?? process.env);
  registerSecret(credentials.apiKey);
  registerSecret(credentials.secret);
  registerSecret(credentials.passphrase);
  const trading: TradingOptions | false = o.trading === false ? false : { ...o.trading, credentials };
  let ex;
  try {
    ex = await startExchange({
      host: o.host,
      port: o.port,
      seed: o.seed,
      symbols: o.symbols,
      pingTimeoutMs: o.pingTimeoutMs,
      flow: o.flow,
      fundingIntervalMs: o.fundingIntervalMs,
      messagesPerSec: o.rate,
      stamps: o.stamps,
      faults: o.faults,
      trading,
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${o.port} on ${o.host} is in use (pick another with --port, or --port 0 for any free port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new Error(`cannot bind --host ${o.host} (${code}); use an address of this machine, e.g. 127.0.0.1`);
    throw err;
  }
  log(`ringbook exchange: listening (seed ${o.seed}${o.rate ? `, ${o.rate} books updates/s per symbol` : ''})`, {
    ws: ex.url.ws,
    rest: ex.url.rest,
    seed: o.seed,
  });
  log(`  ws   ${ex.url.ws}`);
  log(`  rest ${ex.url.rest}`);
  if (trading) {
    log(`  private ws ${ex.url.privateWs}; demo venue (send "paptrading: 1"); ${describeCredentials(credentials)}`);
  } else {
    log('  trading off (--no-trading)');
  }
  log(
    `  symbols ${ex
      .instruments()
      .map((i) => `${i.instType}:${i.symbol}`)
      .join(', ')}`,
  );
  const flow = o.flow.informedShare
    ? `informed share ${o.flow.informedShare}, news ${o.flow.newsPerSec ?? DEFAULT_FLOW.newsPerSec}/s of ${plural(o.flow.newsTicks ?? DEFAULT_FLOW.newsTicks, 'tick')}`
    : 'noise only (--informed-share 0)';
  log(`  order flow ${flow}`);
  log(
    `  funding ${o.fundingIntervalMs === undefined ? 'settled 8-hourly (00:00, 08:00, 16:00 UTC)' : `settled every ${durationText(o.fundingIntervalMs * 1e6)} (--funding-every)`}`,
  );
  log(`  faults ${describeFaultFlags(o.faults)}`);
  const exposed = exposureWarning(o.host);
  if (exposed) logger_.warn(`  ${exposed}`);
  let monitoring = null;
  try {
    monitoring = await startMonitoring('exchange', { 'metrics-port': o.metricsPort, 'metrics-host': o.metricsHost }, logger_);
  } catch (err) {
    await ex.close();
    throw err;
  }
  if (monitoring) {
    exchangeMetrics(monitoring.metrics, monitoring.health, ex);
    monitoring.setPhase('running');
  }
  // it runs until stopped: Ctrl-C, SIGTERM or SIGHUP is its normal end (exit 0); a second one while it closes ends it
  // at once, with that signal's code. Listening before the line that says so: a signal sent on it must be caught
  const stop = untilStopped({
    now: (sig) => log(`ringbook exchange: ${signalText(sig)} while stopping: ended at once (exit ${signalExit(sig)})`),
    abort: io.signal,
  });
  log('  (Ctrl-C to stop)');

  await stop.stopped;
  const by = stop.by ? ` by ${signalText(stop.by)}` : '';
  monitoring?.setPhase('stopping');
  const s = ex.stats();
  await ex.close();
  // --metrics-linger listens for its own end
  stop.release();
  await monitoring?.finish();
  log(
    `ringbook exchange: stopped${by} after ${plural(s.connections.total, 'WebSocket connection')} (${plural(s.traffic.framesOut, 'frame')} out) and ${plural(s.traffic.restRequests, 'REST request')}; ${describeFaults(s.faults)}`,
    {
      event: 'summary',
      connections: s.connections.total,
      framesOut: s.traffic.framesOut,
      restRequests: s.traffic.restRequests,
      faults: s.faults,
    },
  );
  return 0;
}
