// `ringbook live` and `ringbook demo`: the strategy trading the local exchange (default) or Bitget's demo
// environment (--demo, with keys), with a live status line, a word on why it is not entering while it waits, and a
// summary at the end: what it did, what stopped entries, why it halted, and the parameters it traded with. This file
// is what the two commands do apart (the venue, the keys, the recording directory, what to run next); the session
// both then run is ./live-session.ts.
import { LOCAL_DEMO_CREDENTIALS, credentialsFromEnv, describeCredentials, type Credentials } from '../gateway/index';
import { checkCreatableDir, checkWritableDir } from '../capture/files';
import { warnExisting } from './existing-recording';
import { lockDir } from './dir-lock';
import { startExchange } from '../exchange/index';
import { nextFundingMs, settlementsBetween } from '../exchange/funding';
import { fundingEveryMs } from './exchange';
import { duration } from '../format/numbers';
import { resolveEndpoints } from './endpoints';
import { dirText, parseCommand } from './args';
import { loadParams } from './params';
import { selfCommand } from './self';
import { logger } from '../log/logger';
import { withOutputHeld } from '../log/output';
import { startMonitoring, type Monitoring } from './monitoring';
import { statusEveryMs } from './status-every';
import type { ThreadsOption } from '../feed/placement';
import { checkInstrumentCount } from './instrument-count';
import { DEMO, LIVE, checkThreads } from './live-args';
import { guarded, readKeys } from './live-keys';
import { listedOrClose, sessionSymbols, tradingText } from './session-symbols';
import { runSession } from './live-session';

// a session runs to its clean-up whatever becomes of its output (src/log/output.ts)
export const runLive = withOutputHeld(live);
export const runDemo = withOutputHeld(demo);

async function live(argv: string[]): Promise<number> {
  const args = parseCommand(LIVE, argv);
  if (!args) return 0;
  const values = args.values;
  const params = await loadParams({
    command: 'live',
    strategy: values.strategy,
    preset: values.preset,
    configFile: values.config,
    sets: values.set,
  });
  const declared = params.strategy.definition.instruments;
  const symbols = sessionSymbols(values.symbol, declared);
  checkInstrumentCount(params.strategy.definition, symbols);
  checkThreads(values.threads as ThreadsOption, params.strategy.definition.depth ?? 0);
  const statusMs = statusEveryMs(values['status-every']);
  // made only once the venue lists the symbols: a refused session leaves no empty directory
  const recordRoot = values.record ? checkCreatableDir('--record', values.record) : null;
  const keys = values.keys ? readKeys(values.keys) : undefined;
  const log = logger('live');
  // one run per recording directory, taken before anything under it is read (its journals are then a killed run's)
  const lock = recordRoot ? lockDir('--record', values.record!, (l) => log.warn(l)) : null;
  try {
    if (recordRoot) warnExisting(log, values.record!, recordRoot, { session: true, flag: '--record' });
    let credentials: Credentials;
    let wsUrl: string;
    let restUrl: string;
    let close: (() => Promise<void>) | undefined;
    if (values.demo) {
      const c = keys ?? credentialsFromEnv();
      if (!c)
        throw new Error(
          '--demo needs Bitget demo API keys: set BITGET_API_KEY, BITGET_API_SECRET and BITGET_API_PASSPHRASE, or pass --keys FILE',
        );
      credentials = guarded(c);
      wsUrl = values['ws-url'] ?? 'wss://wspap.bitget.com/v2/ws/public';
      restUrl = values['rest-url'] ?? 'https://api.bitget.com';
    } else {
      const ep = await resolveEndpoints({ wsUrl: values['ws-url'], restUrl: values['rest-url'], log: (l) => log.info(l) });
      wsUrl = ep.wsUrl;
      restUrl = ep.restUrl;
      close = ep.close;
      credentials = guarded(keys ?? credentialsFromEnv() ?? LOCAL_DEMO_CREDENTIALS);
    }
    await listedOrClose(restUrl, symbols, close);
    if (values.record) checkWritableDir('--record', values.record);
    log.info(
      `trading ${tradingText(symbols, declared)} on ${values.demo ? "Bitget's demo environment" : restUrl} with ${describeCredentials(credentials)}`,
      {
        symbol: symbols[0],
        ...(symbols.length > 1 ? { symbols } : {}),
        venue: values.demo ? 'bitget-demo' : restUrl,
      },
    );
    let monitoring: Monitoring | null = null;
    try {
      monitoring = await startMonitoring('live', values, log);
      return await runSession({
        wsUrl,
        restUrl,
        symbols,
        params,
        credentials,
        mode: values.demo ? 'demo' : 'local',
        recordDir: values.record,
        durationMs: values.duration,
        flatten: !values['no-flatten'],
        next: values.record
          ? [
              `next: ${selfCommand()} inspect ${values.record}`,
              `      ${selfCommand()} backtest ${values.record} --parity    (decision for decision against this session)`,
            ]
          : [],
        source: values.demo ? 'demo' : 'simulator',
        log,
        monitoring,
        staleAfterMs: values['stale-after'],
        threads: values.threads as ThreadsOption,
        hungAfterMs: values['hung-after'],
        keepWarm: !values['no-keep-warm'],
        venueInProcess: close !== undefined,
        statusEveryMs: statusMs,
      });
    } finally {
      await close?.();
      await monitoring?.finish();
    }
  } finally {
    lock?.release();
  }
}

async function demo(argv: string[]): Promise<number> {
  const args = parseCommand(DEMO, argv);
  if (!args) return 0;
  const values = args.values;
  // The defaults are built for real fees and rarely trade a minute of simulated market; the demo preset shows the
  // machinery. A config file means the same here as everywhere else: it starts from the defaults unless --preset.
  const params = await loadParams({
    command: 'demo',
    strategy: values.strategy,
    // the demo preset is obi-ofi's: another strategy starts from its own defaults
    preset: values.preset ?? (values.config || (values.strategy && values.strategy !== 'obi-ofi') ? undefined : 'demo'),
    configFile: values.config,
    sets: values.set,
  });
  const declared = params.strategy.definition.instruments;
  const symbols = sessionSymbols(values.symbol, declared);
  checkInstrumentCount(params.strategy.definition, symbols);
  checkThreads(values.threads as ThreadsOption, params.strategy.definition.depth ?? 0);
  const statusMs = statusEveryMs(values['status-every']);
  // made only once the venue lists the symbols: a refused session leaves no empty directory
  const outRoot = checkCreatableDir('--out', values.out);
  const log = logger('demo');
  const lock = lockDir('--out', values.out, (l) => log.warn(l));
  try {
    warnExisting(log, values.out, outRoot, { session: true, flag: '--out' });
    const monitoring = await startMonitoring('demo', values, log);
    const fundingIntervalMs = fundingEveryMs(values['funding-every']);
    const ex = await startExchange({
      host: '127.0.0.1',
      port: 0,
      seed: values.seed,
      fundingIntervalMs,
      flow: values['informed-share'] !== undefined ? { informedShare: values['informed-share'] } : undefined,
    });
    await listedOrClose(ex.url.rest, symbols, () => ex.close());
    checkWritableDir('--out', values.out);
    const startedMs = ex.now();
    log.info(
      `local exchange at ${ex.url.rest}; recording to ${dirText(values.out)}; trading ${tradingText(symbols, declared)} for ${duration(values.duration * 1e6)}`,
      {
        exchange: ex.url.rest,
        out: values.out,
        symbol: symbols[0],
        ...(symbols.length > 1 ? { symbols } : {}),
        durationMs: values.duration,
      },
    );
    const self = selfCommand();
    const strategyArgs = [
      ...(values.strategy && values.strategy !== 'obi-ofi' ? [`--strategy ${values.strategy}`] : []),
      ...(params.preset ? [`--preset ${params.preset}`] : []),
      ...(values.config ? [`--config ${values.config}`] : []),
      ...values.set.map((x) => `--set ${x}`),
    ].join(' ');
    try {
      return await runSession({
        wsUrl: ex.url.ws,
        restUrl: ex.url.rest,
        symbols,
        params,
        credentials: LOCAL_DEMO_CREDENTIALS,
        mode: 'local',
        recordDir: values.out,
        durationMs: values.duration,
        flatten: true,
        source: 'simulator',
        threads: values.threads as ThreadsOption,
        next: [
          `next: ${self} inspect ${values.out}`,
          // several symbols: every one of them (a strategy without an instruments declaration is asked which)
          `      ${self} backtest ${values.out} ${symbols.length > 1 ? `--symbols ${symbols.join(',')} ` : ''}${strategyArgs}`.trimEnd() +
            '    (the same strategy replayed)',
          `      ${self} backtest ${values.out} --parity    (decision for decision against this session${symbols.length > 1 ? ', every symbol' : ''})`,
        ],
        log,
        monitoring,
        staleAfterMs: values['stale-after'],
        hungAfterMs: values['hung-after'],
        keepWarm: !values['no-keep-warm'],
        venueInProcess: true,
        statusEveryMs: statusMs,
        // the amount comes from the venue's bills, as for live; the grid is known here, the exchange is ours
        fundingSchedule: () => ({
          nextMs: nextFundingMs(ex.now(), fundingIntervalMs),
          passed: settlementsBetween(startedMs, ex.now(), fundingIntervalMs).length,
        }),
      });
    } finally {
      await ex.close();
      await monitoring?.finish();
    }
  } finally {
    lock.release();
  }
}
