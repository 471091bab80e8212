// A trading session: market pipeline (+ recorder), the strategy runtime with its strategy, order gateway, wired and
// run until stopped. Shared by `ringbook live` and `ringbook demo`; the CLI only parses arguments and prints.
import { MarketPipeline, type RecordOptions } from '../feed/pipeline';
import { lossSummary, lostAll } from '../capture/recorder';
import type { InstType, InstrumentGrid } from '../feed/instruments';
import { StrategyRuntime, originOf, type RuntimeInstrument, type RuntimeOptions } from '../strategy/runtime';
import { sha256, type LoadedStrategy, type StrategyBundle } from '../strategy/loader';
import type { RuntimeSettings } from '../strategy/settings';
import { outageTiming } from './reconcile-timing';
import type { Values } from '../strategy/params';
import { equityQuote } from '../strategy/risk';
import {
  BitgetGateway,
  authRefusedText,
  gatewayEndpoints,
  keyHint,
  type Credentials,
  type VenueMode,
  type VenueState,
} from '../gateway/index';
import type { RestClientOptions } from '../gateway/rest-client';
import { Trader } from './trader';
import { OrderLog } from './orderlog';
import { Ring, defaultSignalParams } from '../core/index';
import { signalsOf } from '../backtest/setup';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TICK_NS } from './market-events';
import { HopBoard } from '../latency/hops';
import { LatencyProbe } from '../latency/probe';
import type { Layout } from '../feed/placement';
import { HangWatchdog } from './hang-watchdog';
import { trackHandlers } from '../strategy/handler-cell';
import { KeepWarm, WARM_PRIME_STEPS } from '../feed/keep-warm';
import { setFlagsFromString } from 'node:v8';
import { RepeatedLines } from './repeats';
import { clearLeftovers, leftoverLine, positionText, readAtStart, refusedStartText } from './venue-check';
import { plural } from '../format/numbers';
import { errorText } from '../format/errors';

/**
 * What a recorded trading session decided with, next to its own orders (<root>/_orders/session-<start ns>.json), so
 * `ringbook backtest --parity` can replay it with the same strategy, parameters, instrument and signal settings.
 */
export interface SessionFile {
  /** The first instrument's symbol (the only one of a one-symbol session). */
  symbol: string;
  /**
   * Every symbol of the session by instrument index (absent in older files: just `symbol`): an order record's
   * instrument field is an index into this list, and its files are under that symbol's partition of _orders/.
   */
  symbols?: string[];
  instType: string;
  startedNs: string;
  /** Every parameter (strategy and runtime) in sections, as a --config file holds them. */
  config: Record<string, unknown>;
  /**
   * The strategy that traded: its name and the sha256 of its bundle and of core.wasm (absent in older files), and the
   * file beside this one that holds the exact bundle text it ran (absent when the bundle is unknown, and in older files).
   */
  strategy?: { name: string; bundleHash: string | null; coreHash: string | null; source: string; bundleFile?: string };
  /** The first instrument's grid and fees. */
  instrument: SessionInstrument;
  /** Each symbol's, by instrument index (absent in older files). */
  instruments?: Array<SessionInstrument & { symbol: string }>;
  signals: typeof defaultSignalParams;
  tickNs: string;
}

export interface SessionInstrument {
  tickSize: number;
  lotSize: number;
  makerFeeRate: number;
  takerFeeRate: number;
}

/** The strategy of a session and its resolved parameters. */
export interface SessionStrategy {
  strategy: LoadedStrategy;
  params: Values;
  settings: RuntimeSettings;
  /** Every value in sections (for the session file). */
  config: Record<string, unknown>;
  coreHash: string | null;
}

export interface SessionOptions {
  wsUrl: string;
  restUrl: string;
  instType: InstType;
  /** The traded symbol of a one-symbol session (ignored when `symbols` is given). */
  symbol: string;
  /** Several symbols: one pipeline with all of them, the runtime's instrument i = symbols[i], a gateway each. */
  symbols?: string[];
  strategy: SessionStrategy;
  credentials: Credentials;
  mode: VenueMode;
  record?: RecordOptions;
  log(line: string): void;
  /** Keep every latency sample with its seq and clientOid (bench latency joins the exchange's stamps). */
  latencyLog?: boolean;
  /** Market channels (default books and trade). */
  channels?: Array<'books' | 'trade'>;
  /** Overrides of the pipeline (tests and benchmarks). */
  pipeline?: { engineSpins?: number };
  /** Where the feed, the engine and the strategy run (src/feed/placement.ts; default multi). */
  layout?: Layout;
  /** The REST client's per-endpoint budgets (default Bitget's; a benchmark against an unlimited local exchange lifts them). */
  restRateLimits?: RestClientOptions['rateLimits'];
  /**
   * Keep our own hot path warm (default true): at start-up and whenever the session thread is idle, run the feed's
   * decoder, the engine (single-thread layout) and the gateway's order building and signing on scratch data, never on
   * anything live (src/feed/keep-warm.ts, docs/tuning.md). The strategy is never run on anything but the market; V8
   * is told to optimise sooner instead (INTERRUPT_BUDGET, for the whole process from then on).
   */
  keepWarm?: boolean;
  /**
   * Guard against a handler that never returns (./hang-watchdog.ts): after `limitMs` of a stuck session thread, cancel
   * (and flatten) at the venue from a worker and end the process. Absent: no guard.
   */
  hang?: { limitMs: number; flatten: boolean; venueInProcess: boolean };
}

/** One symbol's figures in a session of several. */
export interface SymbolSummary {
  symbol: string;
  signals: number;
  /** The strategy's orders and the flatten's: one set with the fills, cancels and rejects. */
  orders: number;
  /** Of the orders, the flatten's (a halt's or the stop's reduce-only market order). */
  flattenOrders: number;
  cancels: number;
  /** The strategy's amendments, and those the venue refused. */
  amends: number;
  amendRejects: number;
  fills: number;
  /** Of the fills, the flatten's. */
  flattenFills: number;
  rejects: number;
  feesQuote: number;
  realisedQuote: number;
  equityQuote: number;
  positionLot: number;
  openOrders: number;
  /** Whether the strategy may trade it (declared in instruments.trade), or only watches it. */
  traded: boolean;
  /** Ours from fills (positionLot is the venue's when the stop read it, else this). Absent before the stop. */
  fillsPositionLot?: number;
  /** The venue's position and open orders as read at the stop, or why they could not be read. Absent before the stop. */
  venue?: { positionLot: number; openOrders: number } | { error: string };
}

/**
 * What the stop could not close on a symbol: a position it should have flattened, orders it should have cancelled,
 * as the venue showed them (`confirmed`) or, when the venue could not be read, as our own fills and orders say.
 */
export interface LeftAtVenue {
  symbol: string;
  /** Signed lots; 0 when none (or with --no-flatten, when a position was meant to stay). */
  positionLot: number;
  /** The position in words ("short 1 lot (0.001 BTC)"). */
  positionText: string;
  openOrders: number;
  confirmed: boolean;
  /** Why it may be left: the failed cancel-all, flatten, or venue read. */
  why: string;
}

export interface SessionSummary {
  /** Per symbol, by instrument index (one entry for a one-symbol session); the figures below are their totals. */
  symbols: SymbolSummary[];
  signals: number;
  /**
   * Every order the session sent: the strategy's and the flatten orders the gateway placed at a halt or the stop, so
   * orders, fills, cancels and rejects count one set (a flatten's fill is a fill of an order counted here).
   */
  orders: number;
  /** Of the orders, the flatten's. */
  flattenOrders: number;
  cancels: number;
  /** Cancel-alls (a halt, the stop at the end). */
  cancelAlls: number;
  /** The strategy's amendments, and those the venue refused. */
  amends: number;
  amendRejects: number;
  /** Batch requests the gateway sent (several places or cancels of one decision in one request). */
  batchRequests: number;
  fills: number;
  /** Of those, fills of the flatten at a halt or the stop (they close a position, but no round trip of the strategy's). */
  flattenFills: number;
  rejects: number;
  /** Of the rejects, the flatten's. */
  flattenRejects: number;
  /** Round trips the strategy closed (a position closed by a halt's or the stop's flatten is not one). */
  trades: number;
  feesQuote: number;
  realisedQuote: number;
  equityQuote: number;
  /** The position of the one symbol; with several, their lots summed (each symbol's is in `symbols`). */
  positionLot: number;
  phase: string;
  /** Live orders of ours. */
  openOrders: number;
  resyncs: number;
  bookMessages: number;
  filesWritten: number;
  /** Market-data records written (ticker records with them). */
  records: number;
  /** Own orders and fills written to the order log (set by stop()). */
  orderRecords?: number;
  /** The runtime's and the strategy's counters (risk.denied, gate.*, hurdle, …) and why it halted, for "why no trades". */
  counters: Record<string, number>;
  haltReason: string | null;
  /** What the recording lost (disk trouble, a dead recorder thread); '' when nothing. */
  recordingLoss: string;
  /** Tick-to-trade percentiles per hop so far, ns (src/latency/hops.ts). */
  latency: ReturnType<HopBoard['summaries']>;
  /**
   * The funding the venue booked to the session's symbols while it ran, read from its account bills at the stop
   * (BitgetGateway.fundingBills: the local exchange's and Bitget's alike), or why it could not be read. Absent
   * before the stop.
   */
  funding?: SessionFundingRead;
  /**
   * How the orders ended (the runtime's count of the strategy's, plus the flatten's from the venue's answers): every
   * order is one of these, still open, or (a flatten's whose answer never came) unanswered.
   */
  ended?: StrategyRuntime['ended'];
  /** After the stop: what it could not close (none: the venue is as it should be). */
  left?: LeftAtVenue[];
}

/** What the venue's bills say the session's positions were charged in funding (received: negative = paid). */
export type SessionFundingRead =
  | { receivedQuote: number; settlements: number; symbols: Array<{ symbol: string; receivedQuote: number; settlements: number }> }
  | { error: string };

/** How long the stop waits for the venue's bills before the summary says funding is not included. */
const FUNDING_READ_MS = 5_000;

function feeRate(text: string | undefined, fallback: number): number {
  const v = Number(text);
  return text !== undefined && Number.isFinite(v) ? v : fallback;
}

/** The runtime's view of the instrument: tick and lot in quote/base units, fee rates (USDT-M defaults). */
export function instrumentSpec(g: InstrumentGrid): RuntimeInstrument {
  return {
    symbol: g.symbol,
    tickSize: Number(g.tickSize),
    lotSize: Number(g.lotSize),
    makerFeeRate: feeRate(g.makerFeeRate, 0.0002),
    takerFeeRate: feeRate(g.takerFeeRate, 0.0006),
  };
}

/**
 * V8's interrupt budget with keepWarm (default 67584; docs/tuning.md): a function is optimised after about a quarter
 * of the bytecode run it takes by default, so the strategy's and the runtime's code (which cannot be warmed on fake
 * data) is optimised within the first few hundred messages instead of the first few thousand. V8's flags are the
 * process's, every thread's: there is no setting for one thread.
 */
export const INTERRUPT_BUDGET = 16384;

/** The lines a spell of trouble repeats (warnings, reconnects): said once, then counted (src/live/repeats.ts). */
const REPEATING = /^(\[warn\] |gateway warn: )|reconnecting in /;

/** How long the stop waits for the venue's position and orders before it says they could not be read. */
const VENUE_READ_MS = 5_000;

/** How long a session waits for the private stream before it trades anyway. */
const PRIVATE_READY_MS = 10_000;

export class TradingSession {
  files = 0;
  /** The venue's clock when trading began (ms): funding bills from then on are the session's. */
  private fundingFromMs = 0;
  private watchdog: HangWatchdog | null = null;
  /** Keeps the feed, engine and order code warm while idle (null with keepWarm false). */
  warm: KeepWarm | null = null;
  /** Repeated warnings, said once and counted (flushed now and then, and at the stop). */
  private repeats: { lines: RepeatedLines; timer: ReturnType<typeof setInterval> } | null = null;
  /**
   * Set by stop(): why the session was halted before it (null: it was not, so the kill switch that follows is an
   * ordinary stop, reported as STOPPED), and then what the stop could not close (which makes it a halt after all).
   */
  private stopState: { haltedBefore: string | null; left: LeftAtVenue[] | null } | null = null;
  private constructor(
    readonly pipeline: MarketPipeline,
    readonly runtime: StrategyRuntime,
    /** One gateway per symbol, by instrument index. */
    readonly gateways: BitgetGateway[],
    readonly trader: Trader,
    /** The symbols' grids, by instrument index. */
    readonly grids: InstrumentGrid[],
    /** Tick-to-trade per hop (src/latency/hops.ts). */
    readonly hops: HopBoard,
    readonly probe: LatencyProbe,
  ) {}

  /** The first (in a one-symbol session, the only) symbol's gateway. */
  get gateway(): BitgetGateway {
    return this.gateways[0];
  }

  /** The first (in a one-symbol session, the only) symbol's grid. */
  get grid(): InstrumentGrid {
    return this.grids[0];
  }

  static async start(opts: SessionOptions): Promise<TradingSession> {
    if (opts.keepWarm !== false) setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
    // a warning repeated (each retry while the venue is down) is said once, then counted
    const repeats = new RepeatedLines(opts.log);
    const o: SessionOptions = { ...opts, log: (l) => (REPEATING.test(l) ? repeats.line(l) : opts.log(l)) };
    const repeatTimer = setInterval(() => repeats.flush(), 1000);
    repeatTimer.unref();
    try {
      const session = await TradingSession.begin(o);
      session.repeats = { lines: repeats, timer: repeatTimer };
      return session;
    } catch (err) {
      clearInterval(repeatTimer);
      repeats.flush(true);
      throw err;
    }
  }

  private static async begin(o: SessionOptions): Promise<TradingSession> {
    let session: TradingSession | null = null;
    const record = o.record
      ? {
          ...o.record,
          onFile: (f: { path: string; rows: number }) => {
            if (session) session.files++;
            o.record!.onFile?.(f);
          },
          onClock: (c: { offsetNs: string; boundNs: string; rttNs: string; method: string }) => {
            session?.trader.setClockOffset(Number(c.offsetNs));
            o.record!.onClock?.(c);
          },
        }
      : undefined;
    const symbols = o.symbols?.length ? o.symbols : [o.symbol];
    const pipeline = await MarketPipeline.start({
      wsUrl: o.wsUrl,
      restUrl: o.restUrl,
      instruments: symbols.map((symbol) => ({ instType: o.instType, symbol, channels: o.channels ?? ['books', 'trade'] })),
      engineSpins: o.pipeline?.engineSpins,
      layout: o.layout,
      deferFeed: true,
      log: o.log,
      onExchangeError: (e) => o.log(`exchange error ${e.code}: ${e.msg}`),
      record,
    });
    const grids = pipeline.grids;
    const specs = grids.map(instrumentSpec);
    const st = o.strategy;
    let trader: Trader | null = null;
    // the hang watchdog names the handler that does not return from the cell its handlers mark
    const handlerCell = o.hang ? new Int32Array(new SharedArrayBuffer(4)) : null;
    const runtimeOptions: RuntimeOptions = {
      definition: handlerCell ? trackHandlers(st.strategy.definition, handlerCell) : st.strategy.definition,
      params: st.params,
      settings: st.settings,
      instruments: specs,
      originNs: originOf(BigInt(Date.now()) * 1_000_000n),
      idTag: `rb${Date.now().toString(36)}`,
      ofiLevels: signalsOf(st.strategy.definition, st.params).ofiLevels ?? defaultSignalParams.ofiLevels,
      describeError: st.strategy.describeError,
      onLog: (l) => {
        const line = trader ? trader.describe(l.level, l.message) : `[${l.level}] ${l.message}`;
        if (line) o.log(line);
      },
      onRoundTrip: (t) => trader?.roundTrip(t),
    };
    const runtime = new StrategyRuntime(runtimeOptions);
    trader = new Trader(pipeline, runtime, null, o.log);
    // the strategy's path warm while quiet: a scratch copy of the runtime, heard by no one (Trader.warmStep)
    if (o.keepWarm !== false)
      trader.makeWarmRuntime = () =>
        new StrategyRuntime({
          ...runtimeOptions,
          idTag: 'warm',
          onLog: () => {},
          onRoundTrip: () => {},
          maxLogLines: 10,
          maxRecordPoints: 10,
        });
    const hops = HopBoard.create();
    const probe = new LatencyProbe(hops, pipeline.trace, { keepLog: o.latencyLog });
    trader.probe = probe;
    const sessionInstrument = (spec: RuntimeInstrument): SessionInstrument => ({
      tickSize: spec.tickSize,
      lotSize: spec.lotSize,
      makerFeeRate: spec.makerFeeRate,
      takerFeeRate: spec.takerFeeRate,
    });
    if (o.record) {
      trader.orderLog = new OrderLog(new Ring(pipeline.core, pipeline.core.ringOffset('order')), 0);
      const started = BigInt(Date.now()) * 1_000_000n;
      const dir = join(o.record.root, '_orders');
      mkdirSync(dir, { recursive: true });
      // the exact text that trades, beside the session: --parity replays it even after the user's file has changed
      const bundleFile = st.strategy.bundle ? writeSessionBundle(dir, `session-${started}`, st.strategy.bundle) : undefined;
      const file: SessionFile = {
        symbol: symbols[0],
        symbols,
        instType: o.instType,
        startedNs: String(started),
        config: st.config,
        strategy: {
          name: st.strategy.definition.name,
          bundleHash: st.strategy.bundle?.hash ?? null,
          coreHash: st.coreHash,
          source: st.strategy.bundle?.source ?? st.strategy.definition.name,
          ...(bundleFile ? { bundleFile } : {}),
        },
        instrument: sessionInstrument(specs[0]),
        instruments: specs.map((spec) => ({ symbol: spec.symbol, ...sessionInstrument(spec) })),
        signals: { ...defaultSignalParams, ...signalsOf(st.strategy.definition, st.params) } as typeof defaultSignalParams,
        tickNs: String(TICK_NS),
      };
      writeFileSync(join(dir, `session-${started}.json`), `${JSON.stringify(file, null, 2)}\n`);
    }
    const endpoints = o.mode === 'local' ? gatewayEndpoints('local', o.restUrl) : gatewayEndpoints(o.mode);
    // one gateway per symbol (Bitget's order requests name one symbol; the private streams' pushes are filtered by
    // it): with several, each cancel-all stays in its symbol and every client draws on the first one's rate budgets
    const many = grids.length > 1;
    // the wait between attempts and the request timeout fit the runtime's patience with a reconcile (reconcile-timing.ts)
    const timing = outageTiming(st.settings.orders);
    const gateways: BitgetGateway[] = [];
    let stopping = false;
    for (let inst = 0; inst < grids.length; inst++) {
      const grid = grids[inst];
      gateways.push(
        new BitgetGateway({
          credentials: o.credentials,
          mode: o.mode,
          grid,
          restUrl: endpoints.restUrl,
          wsUrl: endpoints.wsUrl,
          onEvent: (e) => trader.handle(e, inst),
          onWire: (clientOid) => probe.wire(clientOid),
          log: (level, line) => o.log(`gateway ${level}: ${line}`),
          cancelAllScope: many ? 'symbol' : 'productType',
          // keys refused mid-session (revoked, expired): a halt, not a retry loop; before trading, readAtStart says it
          onAuthRefused: (err) => {
            const text = authRefusedText(err, keyHint(o.credentials.apiKey));
            if (runtime.haltReason === null && !stopping)
              runtime.halt(text, st.settings.risk.flattenOnBreach); // its cancel-all (and flatten) go out with the next tick's answer
            else o.log(`[error] ${text}`);
          },
          retry: timing.retry,
          rest: {
            timeoutMs: timing.requestTimeoutMs,
            ...(o.restRateLimits ? { rateLimits: o.restRateLimits } : {}),
            ...(inst > 0 ? { limitersOf: gateways[0].rest } : {}),
          },
        }),
      );
    }
    trader.setExecutor(gateways);
    try {
      await Promise.all(gateways.map((g) => g.prepare()));
      // the venue's clock as the gateway measured it holds risk.maxClockOffsetNs from the first message (a recorder
      // keeps the estimate up to date from then on); the gateway's is venue − local, the runtime's local − venue
      const venueAhead = gateways[0].clockOffsetMs;
      if (venueAhead !== null) trader.setClockOffset(Math.round(-venueAhead * 1e6));
      // before anything trades: keys the venue refuses, and what an earlier session left, stop or are cleared here
      await TradingSession.checkVenue(o, gateways, grids, endpoints, st.settings.risk.flattenOnBreach);
    } catch (err) {
      for (const g of gateways) await g.stop();
      await pipeline.stop();
      throw err;
    }
    for (const g of gateways) g.connect();
    // An order sent before the private stream is subscribed has its fills go unseen, and the runtime then finds the
    // venue's position ahead of its fills and halts: the strategy and its market data wait for the streams (bounded).
    const readyBy = Date.now() + PRIVATE_READY_MS;
    const notReady = () => gateways.some((g) => g.privateWs && g.privateWs.state !== 'ready');
    while (notReady() && Date.now() < readyBy) await new Promise((r) => setTimeout(r, 5));
    if (notReady())
      o.log(`gateway warn: the private stream is not ready after ${PRIVATE_READY_MS / 1000} s; trading starts, fills follow once it is`);
    // from the strategy's first handler (onStart) on
    const watchdog =
      o.hang && handlerCell
        ? HangWatchdog.start(
            {
              ...o.hang,
              strategy: st.strategy.definition.name,
              credentials: o.credentials,
              mode: o.mode,
              restUrl: endpoints.restUrl,
              grids,
              recording: !!o.record,
            },
            handlerCell,
          )
        : null;
    // our code compiled and in the caches before the first market message, and kept so; the strategy's path too, on a
    // scratch copy, once market data has come
    const warm =
      o.keepWarm === false
        ? null
        : new KeepWarm({
            step: () => {
              pipeline.warmStep();
              for (const g of gateways) g.warmOrderPath();
              trader.warmStep();
            },
            activity: () => pipeline.activity + trader.counters.signals + trader.counters.statuses,
          });
    if (warm) {
      pipeline.primeWarm(0);
      warm.prime(WARM_PRIME_STEPS);
      warm.start();
    }
    trader.start();
    // market data from here on: the runtime sees every message after its start, as a replay of the recording does
    pipeline.startFeed();
    const fundingFromMs = gateways[0].clock.now();
    const made = new TradingSession(pipeline, runtime, gateways, trader, grids, hops, probe);
    made.onStop = () => (stopping = true);
    session = made;
    session.fundingFromMs = fundingFromMs;
    session.watchdog = watchdog;
    session.warm = warm;
    return session;
  }

  /** Set by start(): the gateways' auth-refusal handler no longer halts (the stop is under way). */
  private onStop: () => void = () => {};

  /**
   * The account before trading: the venue refusing the keys throws the operator's sentence (exit 1, nothing traded);
   * a position or orders left by an earlier session (a crash) are named, then cleared when risk.flattenOnBreach
   * (cancel all, reduce-only market close), else a position refuses the start (the session would halt on it at once).
   */
  private static async checkVenue(
    o: SessionOptions,
    gateways: BitgetGateway[],
    grids: InstrumentGrid[],
    endpoints: { restUrl: string; wsUrl: string },
    flattenOnBreach: boolean,
  ): Promise<void> {
    const before = await readAtStart(gateways, grids, o.credentials, { log: o.log });
    const lines = before.map((v, i) => leftoverLine(grids[i], v));
    if (!lines.some((l) => l !== null)) return;
    for (const l of lines) if (l) o.log(`[warn] ${l}`);
    if (!flattenOnBreach && before.some((v) => v.positionLot !== 0)) throw new Error(refusedStartText(lines.filter((l) => l !== null)));
    for (let i = 0; i < grids.length; i++) {
      const v = before[i];
      if (lines[i] === null) continue;
      const flatten = v.positionLot !== 0;
      const n = v.openOrders.length;
      const work = [
        n ? `cancelling ${plural(n, 'open order')}` : '',
        flatten ? `closing ${positionText(grids[i], v.positionLot)} (reduce-only market, risk.flattenOnBreach)` : '',
      ];
      o.log(`[warn] ${grids[i].symbol}: ${work.filter(Boolean).join(' and ')} before trading`);
      const after: VenueState = await clearLeftovers({
        credentials: o.credentials,
        mode: o.mode,
        grid: grids[i],
        restUrl: endpoints.restUrl,
        wsUrl: endpoints.wsUrl,
        flatten,
        log: (level, line) => o.log(`gateway ${level}: ${line}`),
      });
      const still = leftoverLine(grids[i], after);
      if (still)
        throw new Error(
          `${still.replace(' from before this session', '')} after trying to clear it: close it by hand before starting again`,
        );
      o.log(`${grids[i].symbol}: cleared; flat with no open orders, trading starts`);
    }
  }

  /** A snapshot for the status line and the summary. */
  summary(): SessionSummary {
    const rt = this.runtime;
    const symbols = this.grids.map((grid, inst): SymbolSummary => {
      const p = rt.position(inst);
      const pv = rt.markets[inst].position as unknown as { bidTick: number; askTick: number };
      const spec = instrumentSpec(grid);
      const tickLotQuote = spec.tickSize * spec.lotSize;
      const mark = pv.bidTick === pv.bidTick ? Math.round((pv.bidTick + pv.askTick) / 2) : null;
      const c = this.trader.countersOf(inst);
      const flattenOrders = this.gateways[inst]?.stats.flattenOrders ?? 0;
      // The venue's position, which is ours from fills unless a reconcile found more there (left by an earlier
      // session): its flatten then moved ours by as much, and a position the venue no longer holds is worth nothing.
      const lot = p.lot + this.trader.venueOffsetLot(inst);
      const phantom = lot !== p.lot && lot === 0;
      return {
        symbol: grid.symbol,
        signals: c.signals,
        orders: c.orders + flattenOrders,
        flattenOrders,
        cancels: c.cancels,
        amends: c.amends,
        amendRejects: c.amendRejects,
        fills: p.fills,
        flattenFills: c.flattenFills,
        rejects: c.rejects,
        feesQuote: p.feesQuote,
        realisedQuote: p.realisedTickLot * tickLotQuote,
        equityQuote: equityQuote(p, phantom ? null : mark, tickLotQuote),
        positionLot: lot,
        openOrders: rt.markets[inst].orders.length,
        traded: rt.markets[inst].tradable,
      };
    });
    const sum = (f: (s: SymbolSummary) => number) => symbols.reduce((a, s) => a + f(s), 0);
    const c = this.trader.counters;
    const f = this.pipeline.feedStats?.counters;
    const ended = { ...rt.ended };
    let flattenRejects = 0;
    for (let inst = 0; inst < this.grids.length; inst++) {
      const e = this.trader.countersOf(inst).flattenEnded;
      ended.filled += e.filled;
      ended.expired += e.expired;
      ended.rejected += e.rejected;
      flattenRejects += e.rejected;
    }
    return {
      symbols,
      signals: c.signals,
      orders: sum((s) => s.orders),
      flattenOrders: sum((s) => s.flattenOrders),
      cancels: c.cancels,
      cancelAlls: c.cancelAlls,
      amends: c.amends,
      amendRejects: c.amendRejects,
      batchRequests: this.gateways.reduce((a, g) => a + g.stats.batches, 0),
      fills: sum((s) => s.fills),
      flattenFills: c.flattenFills,
      rejects: c.rejects,
      flattenRejects,
      trades: rt.roundTrips.length,
      feesQuote: sum((s) => s.feesQuote),
      realisedQuote: sum((s) => s.realisedQuote),
      equityQuote: sum((s) => s.equityQuote),
      positionLot: sum((s) => s.positionLot),
      ...this.phaseNow(),
      openOrders: rt.liveOrderCount,
      resyncs: f?.resyncs ?? 0,
      bookMessages: f?.bookMessages ?? 0,
      filesWritten: this.files,
      records: this.pipeline.recorderCounters?.records ?? 0,
      counters: { ...rt.counters },
      recordingLoss: '',
      latency: this.hops.summaries(),
      ended,
    };
  }

  /**
   * The phase and halt reason as monitoring and the summary give them: an ordinary stop (the kill switch of stop() on a
   * session that had not halted) is STOPPED with no halt reason, unless the stop could not close everything; a halt
   * stays a halt.
   */
  phaseNow(): { phase: string; haltReason: string | null } {
    const st = this.stopState;
    if (st === null || st.haltedBefore !== null) return { phase: this.runtime.phase, haltReason: this.runtime.haltReason };
    if (st.left?.length)
      return { phase: 'HALTED', haltReason: `the stop could not close everything: ${st.left.map((l) => l.symbol).join(', ')}` };
    return { phase: 'STOPPED', haltReason: null };
  }

  /** Kill switch, then an orderly shutdown: cancel all (flatten if asked), let the gateway settle, stop the threads. */
  async stop(flatten: boolean): Promise<SessionSummary> {
    this.warm?.stop();
    this.stopState = { haltedBefore: this.runtime.haltReason, left: null };
    this.onStop();
    // the stop's cancel-all and flatten go out at once, once each, even while the venue does not answer
    for (const g of this.gateways) g.closing();
    this.trader.stop(flatten);
    await Promise.race([Promise.all(this.gateways.map((g) => g.idle())), new Promise((r) => setTimeout(r, 10_000))]);
    // A flatten is acknowledged over REST before its fill arrives on the private stream: give the fill its moment
    // (bounded), so the summary reports the position the exchange has.
    const deadline = Date.now() + 5000;
    const open = () => this.grids.some((_, inst) => this.runtime.position(inst).lot + this.trader.venueOffsetLot(inst) !== 0);
    while (flatten && open() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.trader.drain();
    // what the venue holds now, to report it rather than our own idea of it, and what the stop could not close
    const venue = await this.readVenues();
    // what the venue charged in funding, read while the gateways can still ask (the flatten has settled)
    const funding = await this.readFunding();
    // the strategy's last handler (onStop) has run
    await this.watchdog?.stop();
    // the first gateway's client owns the rate budgets the others draw on: it closes last
    for (const g of [...this.gateways].reverse()) await g.stop();
    this.probe.flush();
    if (this.repeats) {
      clearInterval(this.repeats.timer);
      this.repeats.lines.flush(true);
    }
    const ours = this.summary();
    this.stopState.left = this.leftAtVenue(ours, venue, flatten);
    const summary = this.summary();
    summary.left = this.stopState.left;
    summary.symbols.forEach((y, i) => {
      const v = venue[i];
      y.fillsPositionLot = this.runtime.position(i).lot; // ours from fills alone, not adjusted to a venue it disagreed with
      y.venue = 'error' in v ? v : { positionLot: v.positionLot, openOrders: v.openOrders.length };
      if (!('error' in v)) y.positionLot = v.positionLot;
    });
    summary.positionLot = summary.symbols.reduce((a, y) => a + y.positionLot, 0);
    const stopped = await this.pipeline.stop();
    summary.records = this.pipeline.recorderCounters?.records ?? summary.records;
    summary.orderRecords = this.pipeline.recorderCounters?.orderRecords ?? 0;
    const c = this.pipeline.recorderCounters;
    const trouble = c !== null && (lostAll(c) > 0 || c.leftInJournals + (c.rawLeftInJournal ?? 0) > 0);
    summary.recordingLoss = [
      stopped.recorderFailed ? `${stopped.recorderFailed}: records since its last flush are lost` : '',
      trouble ? lossSummary(c) : '',
    ]
      .filter(Boolean)
      .join('; ');
    summary.bookMessages = stopped.feed?.counters.bookMessages ?? summary.bookMessages;
    summary.resyncs = stopped.feed?.counters.resyncs ?? summary.resyncs;
    summary.filesWritten = this.files;
    summary.funding = funding;
    return summary;
  }

  /** Each symbol's position and open orders at the venue, read now (bounded by VENUE_READ_MS), or why not. */
  private async readVenues(): Promise<Array<VenueState | { error: string }>> {
    return Promise.all(
      this.gateways.map((g) => answerWithin(g.readVenue(), VENUE_READ_MS).catch((err: unknown) => ({ error: errorText(err) }))),
    );
  }

  /**
   * What the stop could not close: per symbol, the position (when it was to be flattened) and the open orders the
   * venue still shows, or, when the venue could not be read, what our fills and orders say may be there.
   */
  private leftAtVenue(s: SessionSummary, venue: Array<VenueState | { error: string }>, flatten: boolean): LeftAtVenue[] {
    const out: LeftAtVenue[] = [];
    this.grids.forEach((grid, i) => {
      const v = venue[i];
      const f = this.gateways[i].failures;
      const read = !('error' in v);
      // what failed, each error said once: "the cancel-all, the flatten and reading the venue failed (… ECONNREFUSED …)"
      const failures: Array<[string, string]> = [
        ['the cancel-all', f.cancelAll],
        ['the flatten', flatten ? f.flatten : ''],
        ['reading the venue', read ? '' : v.error],
      ];
      const byError = new Map<string, string[]>();
      // the transport's words without the request's path: one refused connection is one reason, whichever asked
      for (const [what, text] of failures) {
        const e = text.replace(/^RB_ERR_GW_\w+: \S+: /, '').replace(/ \(HTTP \d+ \/\S+\)$/, '');
        if (e) byError.set(e, [...(byError.get(e) ?? []), what]);
      }
      const failed = [...byError].map(([e, whats]) => `${whats.join(', ').replace(/, ([^,]*)$/, ' and $1')} failed (${e})`);
      const lot = flatten ? (read ? v.positionLot : s.symbols[i].positionLot) : 0;
      const orders = read ? v.openOrders.length : s.symbols[i].openOrders;
      if (lot === 0 && orders === 0 && (read || !(f.cancelAll || f.flatten))) return;
      out.push({
        symbol: grid.symbol,
        positionLot: lot,
        positionText: positionText(grid, lot),
        openOrders: orders,
        confirmed: read,
        why: failed.join('; ') || 'the venue still shows them',
      });
    });
    return out;
  }

  /**
   * The funding bills of every symbol since the session began, summed exactly per symbol, from the venue's account
   * (GET /api/v2/mix/account/bill, contract_settle_fee): the same request to the local exchange and to Bitget. A
   * failure or no answer within FUNDING_READ_MS is said, never taken for zero.
   */
  async readFunding(): Promise<SessionFundingRead> {
    try {
      const each = await answerWithin(
        Promise.all(this.gateways.map((g) => g.fundingBills(this.fundingFromMs, g.clock.now() + 1000))),
        FUNDING_READ_MS,
      );
      const symbols = each.map((b, inst) => ({
        symbol: this.grids[inst].symbol,
        receivedQuote: Number(b.received) / 10 ** b.scale,
        settlements: b.settlements,
      }));
      return {
        receivedQuote: Number(each.reduce((a, b) => a + b.received * 10n ** BigInt(18 - b.scale), 0n)) / 1e18,
        settlements: symbols.reduce((a, y) => a + y.settlements, 0),
        symbols,
      };
    } catch (err) {
      return { error: errorText(err) };
    }
  }
}

/** `p`, or a rejection "no answer within N s" once `ms` passed first (the timer cleared either way). */
async function answerWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes a session's bundle (and its source map, for errors in the user's lines) as <base>.strategy.js; returns its name. */
export function writeSessionBundle(dir: string, base: string, bundle: StrategyBundle): string {
  const name = `${base}.strategy.js`;
  writeFileSync(join(dir, name), bundle.text);
  if (bundle.map) writeFileSync(join(dir, `${name}.map`), bundle.map);
  return name;
}

/**
 * The bundle a recorded session traded, read back from beside its session file (`sessionPath`): null when the session
 * stored none (older files, an unknown bundle). Throws, naming the file, when it is missing or its sha256 is not the
 * one the session recorded (changed after the session): a replay of another text would prove nothing.
 */
export function readSessionBundle(sessionPath: string, session: SessionFile): StrategyBundle | null {
  const s = session.strategy;
  if (!s?.bundleFile || !s.bundleHash) return null;
  const path = join(dirname(sessionPath), s.bundleFile);
  if (!existsSync(path))
    throw new Error(`${sessionPath} names its strategy's bundle ${s.bundleFile}, which is not there: copy the session's _orders/ whole`);
  const text = readFileSync(path, 'utf8');
  const hash = sha256(text);
  if (hash !== s.bundleHash)
    throw new Error(
      `${path}: sha256 ${hash.slice(0, 12)}…, not the ${s.bundleHash.slice(0, 12)}… the session ran: the stored bundle was changed after the session`,
    );
  const mapPath = `${path}.map`;
  return { text, hash, source: s.source, ...(existsSync(mapPath) ? { map: readFileSync(mapPath, 'utf8') } : {}) };
}
