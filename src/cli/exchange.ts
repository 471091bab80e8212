// `ringbook exchange`: runs the local Bitget-compatible exchange until SIGINT/SIGTERM. Thin: parses and checks
// flags, starts src/exchange, prints where it listens, closes cleanly on a signal. Credentials come from the flags,
// else BITGET_API_KEY / BITGET_API_SECRET / BITGET_API_PASSPHRASE, else the demo ones; only the key's first four
// characters are ever printed.
import { startExchange, type FaultOptions, type TradingOptions } from '../exchange/index';
import { describeCredentials, LOCAL_DEMO_CREDENTIALS, type Credentials } from '../gateway/signing';

const HELP = `ringbook exchange [options]

Local Bitget v2-compatible exchange: REST metadata and time, public WebSocket books / books1 / books5 / books15 /
trade, driven by a seeded order-flow model; and a demo trading venue: signed private REST (orders, positions,
leverage, account; requests need the "paptrading: 1" header), private WebSocket /v2/ws/private (orders, fill,
positions, account), own orders matched in the simulated books. See docs/exchange.md.

options:
  --host H                    interface to bind (default 127.0.0.1)
  --port N                    port, 0 = any free port (default 8181)
  --seed N                    seed of the markets, seq jumps and faults (default 1)
  --symbols LIST              comma-separated: BTCUSDT (every type listing it) or SPOT:BTCUSDT, USDT-FUTURES:ETHUSDT
                              (default: USDT-FUTURES BTCUSDT ETHUSDT SOLUSDT, SPOT BTCUSDT A2ZUSDT)
  --ping-timeout-ms N         drop a connection that sent no "ping" for N ms (default 120000, as Bitget)

trading (private API):
  --api-key K                 API key the venue accepts (default $BITGET_API_KEY, else ringbook-demo)
  --api-secret S              its secret (default $BITGET_API_SECRET, else ringbook-demo-secret)
  --api-passphrase P          its passphrase (default $BITGET_API_PASSPHRASE, else ringbook-demo-pass)
  --balance USDT              futures account balance at start (default 10000)
  --leverage N                leverage of every symbol until set-leverage (default 10)
  --no-rate-limits            do not enforce the per-endpoint REST limits (10/s place/cancel, …)
  --no-trading                public market data only

faults (per connection, seeded; rates are probabilities in [0, 1] per books/trade update):
  --drop-rate P               do not send an update (the client sees a seq/pseq gap)
  --duplicate-rate P          send an update twice
  --reorder-rate P            send an update after the next one
  --corrupt-checksum-rate P   write a wrong checksum into a SPOT books update
  --malformed-rate P          send a truncated, unparseable frame instead of an update
  --disconnect-every S        drop each connection S seconds after it opened
  --stall-ms N --stall-every S  every S seconds hold all outgoing frames for N ms
  --latency-ms N              delay every outgoing frame by N ms (order kept)
  --jitter-ms N               plus a uniform random 0..N ms
  --clock-skew-ms N           shift every exchange timestamp (WS ts, REST serverTime) by N ms (may be negative)
  --help                      this text`;

type Kind = 'rate' | 'ms' | 'sec' | 'int' | 'skew';
const FAULT_FLAGS: Record<string, { key: keyof FaultOptions; kind: Kind }> = {
  '--drop-rate': { key: 'dropRate', kind: 'rate' },
  '--duplicate-rate': { key: 'duplicateRate', kind: 'rate' },
  '--reorder-rate': { key: 'reorderRate', kind: 'rate' },
  '--corrupt-checksum-rate': { key: 'corruptChecksumRate', kind: 'rate' },
  '--malformed-rate': { key: 'malformedRate', kind: 'rate' },
  '--disconnect-every': { key: 'disconnectEverySec', kind: 'sec' },
  '--stall-ms': { key: 'stallMs', kind: 'ms' },
  '--stall-every': { key: 'stallEverySec', kind: 'sec' },
  '--latency-ms': { key: 'latencyMs', kind: 'ms' },
  '--jitter-ms': { key: 'jitterMs', kind: 'ms' },
  '--clock-skew-ms': { key: 'clockSkewMs', kind: 'skew' },
};

function parseNumber(flag: string, text: string | undefined, kind: Kind): number {
  if (text === undefined || text === '') throw new Error(`${flag} needs a value (see ringbook exchange --help)`);
  const v = Number(text);
  switch (kind) {
    case 'rate':
      if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new Error(`${flag} needs a probability between 0 and 1, got "${text}"`);
      return v;
    case 'sec':
      if (!(Number.isFinite(v) && v >= 0)) throw new Error(`${flag} needs a number of seconds ≥ 0, got "${text}"`);
      return v;
    case 'ms':
      if (!(Number.isInteger(v) && v >= 0)) throw new Error(`${flag} needs a whole number of milliseconds ≥ 0, got "${text}"`);
      return v;
    case 'skew':
      if (!Number.isInteger(v)) throw new Error(`${flag} needs a whole number of milliseconds (negative allowed), got "${text}"`);
      return v;
    case 'int':
      if (!(Number.isInteger(v) && v >= 0)) throw new Error(`${flag} needs a whole number ≥ 0, got "${text}"`);
      return v;
  }
}

export interface ExchangeCliOptions {
  host: string;
  port: number;
  seed: number;
  symbols: string[];
  pingTimeoutMs: number;
  faults: Partial<FaultOptions>;
  /** Set only when a trading flag was given: credentials (flags), balance, leverage, rate limits, or false. */
  trading?: (TradingOptions & { credentials?: Partial<Credentials> }) | false;
}

function tradingOf(o: ExchangeCliOptions): TradingOptions {
  if (o.trading === false) throw new Error('--no-trading cannot be combined with trading flags (--api-key, --balance, …)');
  o.trading ??= {};
  return o.trading;
}

/** Flags first, then BITGET_API_KEY / BITGET_API_SECRET / BITGET_API_PASSPHRASE, then the demo credentials. */
export function resolveCredentials(flags: Partial<Credentials> | undefined, env: NodeJS.ProcessEnv = process.env): Credentials {
  return {
    apiKey: flags?.apiKey ?? (env.BITGET_API_KEY || LOCAL_DEMO_CREDENTIALS.apiKey),
    secret: flags?.secret ?? (env.BITGET_API_SECRET || LOCAL_DEMO_CREDENTIALS.secret),
    passphrase: flags?.passphrase ?? (env.BITGET_API_PASSPHRASE || LOCAL_DEMO_CREDENTIALS.passphrase),
  };
}

/** Parses `ringbook exchange` flags; throws an Error that says what to fix. Returns undefined for --help. */
export function parseExchangeArgs(args: readonly string[]): ExchangeCliOptions | undefined {
  const o: ExchangeCliOptions = { host: '127.0.0.1', port: 8181, seed: 1, symbols: [], pingTimeoutMs: 120_000, faults: {} };
  for (let i = 0; i < args.length; i++) {
    let flag = args[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const next = () => value ?? args[++i];
    if (flag === '--help' || flag === '-h') return undefined;
    if (flag === '--host') {
      const h = next();
      if (!h) throw new Error('--host needs an address, e.g. 127.0.0.1 or 0.0.0.0');
      o.host = h;
    } else if (flag === '--port') {
      const text = next();
      o.port = parseNumber('--port', text, 'int');
      if (o.port > 65535) throw new Error(`--port needs a port number between 0 and 65535, got "${text}"`);
    } else if (flag === '--seed') {
      const text = next();
      o.seed = parseNumber('--seed', text, 'int');
      if (o.seed > 0xffffffff) throw new Error(`--seed needs a whole number below 2^32, got "${text}"`);
    } else if (flag === '--ping-timeout-ms') {
      o.pingTimeoutMs = parseNumber('--ping-timeout-ms', next(), 'int');
      if (o.pingTimeoutMs < 1) throw new Error('--ping-timeout-ms needs at least 1 ms');
    } else if (flag === '--symbols') {
      const list = next();
      if (!list) throw new Error('--symbols needs a comma-separated list, e.g. BTCUSDT,SPOT:A2ZUSDT');
      o.symbols = list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (o.symbols.length === 0) throw new Error('--symbols needs at least one symbol, e.g. BTCUSDT');
    } else if (flag === '--api-key' || flag === '--api-secret' || flag === '--api-passphrase') {
      const v = next();
      if (!v) throw new Error(`${flag} needs a value`);
      const t = tradingOf(o);
      const field = flag === '--api-key' ? 'apiKey' : flag === '--api-secret' ? 'secret' : 'passphrase';
      t.credentials = { ...t.credentials, [field]: v };
    } else if (flag === '--balance') {
      const text = next();
      if (!text || !/^\d+(\.\d+)?$/.test(text)) throw new Error(`--balance needs an amount of USDT like 10000, got "${text ?? ''}"`);
      tradingOf(o).balance = text;
    } else if (flag === '--leverage') {
      const text = next();
      const v = parseNumber('--leverage', text, 'int');
      if (v < 1 || v > 125) throw new Error(`--leverage needs a whole number between 1 and 125, got "${text}"`);
      tradingOf(o).leverage = v;
    } else if (flag === '--no-rate-limits') {
      tradingOf(o).rateLimits = false;
    } else if (flag === '--no-trading') {
      o.trading = false;
    } else if (flag in FAULT_FLAGS) {
      const { key, kind } = FAULT_FLAGS[flag];
      o.faults[key] = parseNumber(flag, next(), kind);
    } else if (flag.startsWith('-')) {
      throw new Error(`unknown option "${flag}" (see ringbook exchange --help)`);
    } else {
      throw new Error(`unexpected argument "${flag}" (ringbook exchange takes only options; see --help)`);
    }
  }
  const f = o.faults;
  if ((f.stallMs ?? 0) > 0 !== (f.stallEverySec ?? 0) > 0) {
    throw new Error('--stall-ms and --stall-every go together: give both (e.g. --stall-ms 3000 --stall-every 20)');
  }
  if ((f.stallMs ?? 0) > 0 && (f.stallEverySec ?? 0) * 1000 <= (f.stallMs ?? 0)) {
    throw new Error(`--stall-every (${f.stallEverySec} s) must be longer than --stall-ms (${f.stallMs} ms), or output never resumes`);
  }
  return o;
}

export interface ExchangeCliIo {
  /** Stops the exchange when aborted (in addition to SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Environment for the BITGET_API_* credentials; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where status lines go; default console.log. */
  log?: (line: string) => void;
}

/** `ringbook exchange …`: resolves 0 after a clean shutdown; throws on bad flags or when it cannot listen. */
export async function runExchange(args: string[], io: ExchangeCliIo = {}): Promise<number> {
  const log = io.log ?? ((line: string) => console.log(line));
  const o = parseExchangeArgs(args);
  if (!o) {
    log(HELP);
    return 0;
  }
  const credentials = resolveCredentials(o.trading === false ? undefined : o.trading?.credentials, io.env ?? process.env);
  const trading: TradingOptions | false = o.trading === false ? false : { ...o.trading, credentials };
  let ex;
  try {
    ex = await startExchange({
      host: o.host,
      port: o.port,
      seed: o.seed,
      symbols: o.symbols,
      pingTimeoutMs: o.pingTimeoutMs,
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
  log(`ringbook exchange: listening (seed ${o.seed})`);
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
  const active = Object.entries(o.faults).filter(([, v]) => v !== 0);
  log(`  faults ${active.length ? active.map(([k, v]) => `${k}=${v}`).join(' ') : 'none'}`);
  log('  (Ctrl-C to stop)');

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop);
  });
  const s = ex.stats();
  await ex.close();
  log(
    `ringbook exchange: stopped after ${s.connections.total} connection(s), ${s.traffic.framesOut} frames out; faults ${JSON.stringify(s.faults)}`,
  );
  return 0;
}
