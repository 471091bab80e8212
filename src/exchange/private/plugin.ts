// The trading plugin: makes the local exchange trade. It adds Bitget's signed private REST routes, the private
// WebSocket path, the debug routes, and a matching engine over the simulated books (matching.ts, with its account in
// account.ts), all through the plugin mechanism (ctx.router, ctx.wsPaths, ctx.venue). startExchange enables it by default (`trading: false`
// turns it off); `tradingPlugin(opts)` gives the bare plugin for a custom `plugins` list.
//
// WHEN TO USE: `ex.trading` (a Trading) is the handle tests use: `account()` is the true account, and
// `injectMarketOrder` sends a simulated market order now to trade through the queue deterministically.
import type { Credentials } from '../../gateway/signing';
import { LOCAL_DEMO_CREDENTIALS } from '../../gateway/signing';
import type { InstType } from '../instruments';
import type { Trade } from '../sim-book';
import type { ExchangeContext, ExchangePlugin } from '../context';
import type { Environment } from './auth';
import type { Side } from './account';
import { TradingEngine } from './matching';
import { parseMoney } from './money';
import { debugAccount, RENDER } from './render';
import { registerPrivateRest } from './routes';
import { PRIVATE_WS_PATH, PrivateSession } from './ws';
import { parseScaled } from '../format';

export interface TradingOptions {
  /** What the venue accepts; each field defaults to LOCAL_DEMO_CREDENTIALS (ringbook-demo / …-secret / …-pass). */
  credentials?: Partial<Credentials>;
  /** 'demo' (default): signed requests must carry `paptrading: 1`. 'live': they must not. A mismatch → 40099. */
  environment?: Environment;
  /** USDT in the futures account at start (decimal string); default "10000". */
  balance?: string;
  /** Spot wallet at start, coin → decimal string; default { USDT: "10000" }. */
  spotBalances?: Readonly<Record<string, string>>;
  /** Leverage of every futures symbol until set-leverage; default 10. */
  leverage?: number;
  /** Highest leverage set-leverage accepts; default 125 (the contracts' maxLever). */
  maxLeverage?: number;
  /** Per-endpoint REST limits (10/s place/cancel, …; see RATE_LIMITS); default true. */
  rateLimits?: boolean;
  /** Monotonic ms for the rate windows; default the exchange's (performance.now). Lets tests hold time still. */
  rateClock?: () => number;
  /** Allowed |ACCESS-TIMESTAMP − exchange clock| (REST) and login timestamp age (WS), ms; default 30000. */
  timestampWindowMs?: number;
  /**
   * modify-order: false (default, Bitget v2 as documented) cancels the order and places a new one at the back of the
   * queue; true keeps the order and its queue place when only its size goes down (docs/exchange.md).
   */
  amendKeepsQueue?: boolean;
}

interface Resolved {
  credentials: Credentials;
  environment: Environment;
  balance: bigint;
  spotBalances: Map<string, bigint>;
  leverage: number;
  maxLeverage: number;
  rateLimits: boolean;
  rateClock?: () => number;
  windowMs: number;
  amendKeepsQueue: boolean;
}

function resolve(o: TradingOptions): Resolved {
  const credentials: Credentials = { ...LOCAL_DEMO_CREDENTIALS };
  for (const k of ['apiKey', 'secret', 'passphrase'] as const) {
    const v = o.credentials?.[k];
    if (v !== undefined) {
      if (typeof v !== 'string' || v === '') throw new RangeError(`trading credentials.${k} must be a non-empty string`);
      credentials[k] = v;
    }
  }
  const money = (name: string, text: string) => {
    try {
      return parseMoney(text);
    } catch {
      throw new RangeError(`trading ${name} must be a plain decimal amount like "10000", got "${text}"`);
    }
  };
  const maxLeverage = o.maxLeverage ?? 125;
  const leverage = o.leverage ?? 10;
  if (!Number.isInteger(maxLeverage) || maxLeverage < 1)
    throw new RangeError(`trading maxLeverage must be a whole number ≥ 1, got ${maxLeverage}`);
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > maxLeverage) {
    throw new RangeError(`trading leverage must be a whole number in [1, ${maxLeverage}], got ${leverage}`);
  }
  const windowMs = o.timestampWindowMs ?? 30_000;
  if (!(Number.isInteger(windowMs) && windowMs >= 0))
    throw new RangeError(`trading timestampWindowMs must be a whole number ≥ 0, got ${windowMs}`);
  const env = o.environment ?? 'demo';
  if (env !== 'demo' && env !== 'live') throw new RangeError(`trading environment must be "demo" or "live", got "${String(env)}"`);
  const spot = new Map<string, bigint>();
  for (const [coin, v] of Object.entries(o.spotBalances ?? { USDT: '10000' }))
    spot.set(coin.toUpperCase(), money(`spotBalances.${coin}`, v));
  return {
    credentials,
    environment: env,
    balance: money('balance', o.balance ?? '10000'),
    spotBalances: spot,
    leverage,
    maxLeverage,
    rateLimits: o.rateLimits ?? true,
    rateClock: o.rateClock,
    windowMs,
    amendKeepsQueue: o.amendKeepsQueue === true,
  };
}

/** The trading side of one exchange: its plugin, and (once attached) the engine and test hooks. */
export class Trading {
  readonly plugin: ExchangePlugin;
  private readonly opts: Resolved;
  private engineRef: TradingEngine | undefined;

  constructor(options: TradingOptions = {}) {
    this.opts = resolve(options);
    this.plugin = (ctx) => this.attach(ctx);
  }

  /** The API key the venue accepts (the secret and passphrase are the ones passed in, or the demo ones). */
  get apiKey(): string {
    return this.opts.credentials.apiKey;
  }

  get engine(): TradingEngine {
    if (!this.engineRef) throw new Error('RB_ERR_EXCHANGE_TRADING: the trading plugin is not attached to a running exchange');
    return this.engineRef;
  }

  /** The true account, as GET /debug/account returns it. */
  account(): ReturnType<typeof debugAccount> {
    return debugAccount(this.engine);
  }

  /**
   * A simulated market order now, sized as a decimal string ("0.5") or in lots: it trades through the book FIFO
   * (own resting orders included, after the queue ahead of them) and own fills are booked and pushed at once.
   */
  injectMarketOrder(symbol: string, side: Side, size: string | { lots: number }, instType: InstType = 'USDT-FUTURES'): Trade[] {
    const e = this.engine;
    const inst = e.publisher(instType, symbol).inst;
    const lots = typeof size === 'string' ? Number(parseScaled(size, inst.sizeScale) / inst.sizeStep) : size.lots;
    return e.injectMarketOrder(instType, symbol, side, lots);
  }

  private attach(ctx: ExchangeContext): { close(): void } {
    if (this.engineRef) throw new Error('RB_ERR_EXCHANGE_TRADING: one Trading serves one exchange (make a new one per startExchange)');
    const o = this.opts;
    const engine = new TradingEngine(
      {
        venue: ctx.venue,
        initialBalance: o.balance,
        spotBalances: o.spotBalances,
        leverage: o.leverage,
        maxLeverage: o.maxLeverage,
        minNotionalFutures: parseMoney('5'),
        minNotionalSpot: parseMoney('1'),
        amendKeepsQueue: o.amendKeepsQueue,
      },
      RENDER,
    );
    this.engineRef = engine;
    ctx.venue.onStep(() => engine.settleMarket());
    const auth = { credentials: o.credentials, environment: o.environment, windowMs: o.windowMs };
    registerPrivateRest(ctx.router, { venue: ctx.venue, engine, auth, rateLimits: o.rateLimits, rateNow: o.rateClock ?? ctx.monotonic });
    const env = {
      venue: ctx.venue,
      engine,
      auth,
      faults: ctx.faults,
      seed: ctx.seed,
      maxMessagesPerSec: ctx.limits.maxMessagesPerSec,
      pingTimeoutMs: ctx.limits.pingTimeoutMs,
      monotonic: ctx.monotonic,
      traffic: ctx.traffic,
      faultTotals: ctx.faultTotals,
    };
    ctx.wsPaths.set(
      PRIVATE_WS_PATH,
      (ws, req, id) => new PrivateSession(ws, env, id, `${req.socket.remoteAddress}:${req.socket.remotePort}`),
    );
    return { close: () => undefined };
  }
}

/** The trading plugin alone, for `startExchange({ trading: false, plugins: [tradingPlugin(opts), …] })`. */
export function tradingPlugin(opts: TradingOptions = {}): ExchangePlugin {
  return new Trading(opts).plugin;
}
