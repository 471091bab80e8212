// `ringbook live` and `ringbook demo`: the strategy trading the local exchange (default) or Bitget's demo
// environment (--demo, with keys), with a live status line and a summary at the end.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveConfig } from '../fsm/index';
import { LOCAL_DEMO_CREDENTIALS, credentialsFromEnv, describeCredentials, type Credentials } from '../gateway/index';
import { formatPlain } from '../core/format';
import { startExchange } from '../exchange/index';
import type { InstType } from '../feed/instruments';
import { TradingSession, type SessionSummary } from '../live/session';
import { resolveEndpoints } from './endpoints';
import { parseDuration } from './duration';

const LIVE_HELP = `ringbook live --symbol BTCUSDT [options]

  --symbol S            the traded symbol (default BTCUSDT), USDT-FUTURES
  --config FILE         strategy + risk parameters (JSON); see docs/strategy.md
  --set key=value       override one parameter (repeatable), e.g. --set entry.threshold=2.5
  --demo                trade Bitget's demo environment (keys from BITGET_API_KEY/SECRET/PASSPHRASE or --keys FILE)
  --keys FILE           JSON {apiKey, secret, passphrase}; never printed
  --ws-url, --rest-url  endpoints (default: the local exchange, started if none runs)
  --record DIR          also record market data to Parquet under DIR
  --duration D          stop after D (default: until Ctrl-C)
  --no-flatten          on exit cancel all but keep any position (default: flatten)`;

/** What `ringbook demo` trades with unless --config is given (then only the file and --set apply). */
export const DEMO_SETTINGS = [
  'signal.source=obiN',
  'entry.threshold=0.4',
  'exit.threshold=0.1',
  'entry.confirmCount=2',
  'hurdle.enabled=false',
  'exit.timeStopNs=5s',
  'cooldown.ns=2s',
];

const DEMO_HELP = `ringbook demo [--duration 60s] [--symbol BTCUSDT] [--out data/] [--config FILE] [--set key=value]

Starts the local exchange, the live pipeline, the recorder and the strategy; shows a status line; ends with a summary.`;

function readKeys(path: string): Credentials {
  let k: any;
  try {
    k = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`--keys ${path}: ${(err as Error).message}`);
  }
  if (!k?.apiKey || !k?.secret || !k?.passphrase) throw new Error(`--keys ${path} must hold {"apiKey", "secret", "passphrase"}`);
  return { apiKey: String(k.apiKey), secret: String(k.secret), passphrase: String(k.passphrase) };
}

function loadConfig(file: string | undefined, sets: string[]) {
  const base = file ? JSON.parse(readFileSync(resolve(file), 'utf8')) : {};
  return resolveConfig(base, sets);
}

const money = (x: number) => `${x >= 0 ? '' : '−'}${Math.abs(x).toFixed(4)} USDT`;

function statusLine(s: SessionSummary, lot: string): string {
  return (
    `${s.phase.padEnd(13)} pos ${String(s.positionLot).padStart(5)} lots (${lot}) | orders ${s.orders} fills ${s.fills} rejects ${s.rejects} | ` +
    `PnL ${money(s.equityQuote)} (fees ${money(-s.feesQuote)}) | signals ${s.signals} resyncs ${s.resyncs}`
  );
}

function printSummary(s: SessionSummary, extra: string[]): void {
  const lines = [
    'summary:',
    `  market data   ${s.bookMessages} book messages, ${s.signals} signals, ${s.resyncs} resyncs`,
    `  trading       ${s.orders} orders, ${s.cancels} cancels, ${s.fills} fills, ${s.rejects} rejects; final phase ${s.phase}, position ${s.positionLot} lots`,
    `  PnL           ${money(s.equityQuote)} net (realised ${money(s.realisedQuote)}, fees ${money(-s.feesQuote)})`,
    `  recording     ${s.filesWritten} files, ${s.records} records`,
    ...extra,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

async function runSession(o: {
  wsUrl: string;
  restUrl: string;
  symbol: string;
  config: ReturnType<typeof resolveConfig>;
  credentials: Credentials;
  mode: 'local' | 'demo';
  recordDir?: string;
  durationMs?: number;
  flatten: boolean;
  next: string[];
  source: 'live' | 'demo' | 'simulator';
}): Promise<number> {
  const err = (l: string) => process.stderr.write(`\n${l}\n`);
  const session = await TradingSession.start({
    wsUrl: o.wsUrl,
    restUrl: o.restUrl,
    instType: 'USDT-FUTURES' as InstType,
    symbol: o.symbol,
    config: o.config,
    credentials: o.credentials,
    mode: o.mode,
    log: err,
    record: o.recordDir ? { root: resolve(o.recordDir), source: o.source, onAlarm: (m) => err(`ALARM ${m}`) } : undefined,
  });
  const lotText = (n: number) => `${formatPlain(n, session.grid.sizeStep, session.grid.sizeScale)} ${o.symbol.replace(/USDT$/, '')}`;
  const tty = process.stderr.isTTY;
  const status = setInterval(() => {
    const s = session.summary();
    process.stderr.write(tty ? `\r\x1b[K${statusLine(s, lotText(s.positionLot))}` : `${statusLine(s, lotText(s.positionLot))}\n`);
  }, 1000);
  await new Promise<void>((done) => {
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        done();
      }
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (o.durationMs) setTimeout(finish, o.durationMs);
  });
  clearInterval(status);
  process.stderr.write('\nstopping: cancelling all orders' + (o.flatten ? ' and flattening' : '') + '…\n');
  const s = await session.stop(o.flatten);
  printSummary(s, o.next);
  return 0;
}

export async function runLive(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      symbol: { type: 'string', default: 'BTCUSDT' },
      config: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      demo: { type: 'boolean', default: false },
      keys: { type: 'string' },
      'ws-url': { type: 'string' },
      'rest-url': { type: 'string' },
      record: { type: 'string' },
      duration: { type: 'string' },
      'no-flatten': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(LIVE_HELP);
    return 0;
  }
  const config = loadConfig(values.config, values.set!);
  const symbol = values.symbol!.toUpperCase();
  const durationMs = values.duration ? parseDuration('--duration', values.duration) : undefined;
  let credentials: Credentials;
  let wsUrl: string;
  let restUrl: string;
  let close: (() => Promise<void>) | undefined;
  if (values.demo) {
    const c = values.keys ? readKeys(values.keys) : credentialsFromEnv();
    if (!c)
      throw new Error(
        '--demo needs Bitget demo API keys: set BITGET_API_KEY, BITGET_API_SECRET and BITGET_API_PASSPHRASE, or pass --keys FILE',
      );
    credentials = c;
    wsUrl = values['ws-url'] ?? 'wss://wspap.bitget.com/v2/ws/public';
    restUrl = values['rest-url'] ?? 'https://api.bitget.com';
  } else {
    const ep = await resolveEndpoints({ wsUrl: values['ws-url'], restUrl: values['rest-url'], log: (l) => process.stderr.write(`${l}\n`) });
    wsUrl = ep.wsUrl;
    restUrl = ep.restUrl;
    close = ep.close;
    credentials = (values.keys ? readKeys(values.keys) : credentialsFromEnv()) ?? LOCAL_DEMO_CREDENTIALS;
  }
  process.stderr.write(
    `trading ${symbol} on ${values.demo ? "Bitget's demo environment" : restUrl} with ${describeCredentials(credentials)}\n`,
  );
  try {
    return await runSession({
      wsUrl,
      restUrl,
      symbol,
      config,
      credentials,
      mode: values.demo ? 'demo' : 'local',
      recordDir: values.record,
      durationMs,
      flatten: !values['no-flatten'],
      next: values.record ? [`next: ringbook inspect ${values.record}`] : [],
      source: values.demo ? 'demo' : 'simulator',
    });
  } finally {
    await close?.();
  }
}

export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '60s' },
      symbol: { type: 'string', default: 'BTCUSDT' },
      out: { type: 'string', default: 'data' },
      config: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(DEMO_HELP);
    return 0;
  }
  // The defaults are built for real fees and rarely trade a minute of simulated market; the demo shows the machinery.
  const config = loadConfig(values.config, values.config ? values.set! : [...DEMO_SETTINGS, ...values.set!]);
  const durationMs = parseDuration('--duration', values.duration!);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed "${values.seed}" must be a whole number`);
  const ex = await startExchange({ host: '127.0.0.1', port: 0, seed });
  process.stderr.write(`local exchange at ${ex.url.rest}; recording to ${values.out}/; trading ${values.symbol} for ${values.duration}\n`);
  try {
    return await runSession({
      wsUrl: ex.url.ws,
      restUrl: ex.url.rest,
      symbol: values.symbol!.toUpperCase(),
      config,
      credentials: LOCAL_DEMO_CREDENTIALS,
      mode: 'local',
      recordDir: values.out,
      durationMs,
      flatten: true,
      source: 'simulator',
      next: [`next: ringbook inspect ${values.out}    ringbook watch    ringbook exchange --help`],
    });
  } finally {
    await ex.close();
  }
}
