// startExchange: the local Bitget-compatible exchange (public market data). Wires the venue (markets on a
// simulated clock), the REST router and the per-path WebSocket handlers onto one node:http server.
//
// WHEN TO USE: tests, demos and the `ringbook exchange` command. Extension: plugins receive the ExchangeContext and
// register REST routes on `ctx.router` and WS path handlers in `ctx.wsPaths`. The private API (trading, private WS)
// is such a plugin (src/exchange/private), enabled by default: `trading: false` turns it off, `ex.trading` is its handle.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { DEFAULT_INSTRUMENTS, selectInstruments, type Instrument } from './instruments';
import type { FlowParams, Market, MarketCounters } from './order-flow';
import type { DebugBook, PublisherCounters } from './publisher';
import { Venue } from './venue';
import { SYSTEM_CLOCK, type Clock, type Connection, type ExchangeContext, type ExchangePlugin, type WsPathHandler } from './context';
import { Router, type RestRequest, type RestResponse } from './router';
import { debugRefusal, isLoopbackName } from './same-origin';
import { notFound, registerDebugRest, registerPublicRest } from './public-rest';
import { resolveFaults, zeroFaultCounters, type FaultCounters, type FaultOptions } from './faults';
import { PUBLIC_WS_PATH, PublicSession, type ConnectionStats, type TrafficCounters } from './public-ws';
import { Trading, type TradingOptions } from './private/plugin';
import { PRIVATE_WS_PATH } from './private/ws';
import { atRate } from './rate';
import { deriveSeed, Rng } from './rng';
import { WireStamps } from './stamps';

/**
 * Every answer of the local exchange carries this header (REST, errors, refusals and WebSocket upgrades alike), so a
 * client can tell the simulator from Bitget, whose answers never have it: `x-ringbook-venue: local-exchange`.
 */
export const VENUE_HEADER = 'x-ringbook-venue';
export const VENUE_HEADER_VALUE = 'local-exchange';

const VENUE_LINE = `${VENUE_HEADER}: ${VENUE_HEADER_VALUE}\r\n`;

export interface ExchangeOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) = ephemeral. */
  port?: number;
  /** Seed of everything random (markets, seq jumps, faults); default 1. */
  seed?: number;
  /** Instruments to list; default DEFAULT_INSTRUMENTS. */
  instruments?: readonly Instrument[];
  /** Keep only these ("BTCUSDT" or "SPOT:BTCUSDT"); default all. */
  symbols?: readonly string[];
  /** Wall clock; default Date.now. Drives the outer `ts`, REST times and (unless manual) the simulated clock. */
  clock?: Clock;
  /** Simulated time at start, ms; default clock.now() (so sim time = wall time). */
  startMs?: number;
  /** Simulated ms per push (one market step + one publish); default 100. */
  pushIntervalMs?: number;
  /**
   * `books` updates per second per symbol (1–20,000), instead of pushIntervalMs: the push interval becomes 1/rate and
   * the order flow churns rate/10 times faster, so each push carries the changes of one at 10/s (src/exchange/rate.ts).
   */
  messagesPerSec?: number;
  /** Keep send stamps of books updates and arrival stamps of orders (GET /debug/stamps, `stamps`); default off. */
  stamps?: boolean;
  /** No timer: the market only moves when `tick()` is called. For tests. Default false. */
  manual?: boolean;
  /** Drop a connection that sent no `ping` for this long; default 120000 (Bitget: 2 min). */
  pingTimeoutMs?: number;
  /** Client messages allowed per connection in any 1 s window; default 10 (Bitget). */
  maxMessagesPerSec?: number;
  /** Faults applied to every connection (see faults.ts); validated, default none. */
  faults?: Partial<FaultOptions>;
  /** Order-flow overrides applied to every symbol. */
  flow?: Partial<FlowParams>;
  /**
   * Between funding settlements, ms (≥ 1000, whole seconds); default 8 h, Bitget's 00:00/08:00/16:00 UTC. Settlements
   * fall on multiples of it since the epoch of the exchange clock: 60000 settles at every whole minute.
   */
  fundingIntervalMs?: number;
  /** Extensions; each may return a closer. They run after the built-in trading plugin. */
  plugins?: readonly ExchangePlugin[];
  /** The private API (signed REST, /v2/ws/private, matching; src/exchange/private): options, or false for none. Default on. */
  trading?: TradingOptions | false;
}

/** A read-only look at one symbol. Do not call `model.step`/`takeChanges`/`takeTrades`: the venue owns them. */
export interface MarketHandle {
  readonly instrument: Instrument;
  readonly model: Market;
  /** seq of the last books push. */
  readonly seq: bigint;
  readonly counters: MarketCounters & PublisherCounters;
  /** The true book now (as GET /debug/book): the last push plus own orders placed or taken since. */
  book(depth?: number): DebugBook;
}

export interface ExchangeStats {
  connections: { open: number; total: number };
  traffic: TrafficCounters;
  faults: FaultCounters;
  perConnection: ConnectionStats[];
  markets: {
    instType: string;
    symbol: string;
    seq: string;
    simMs: number;
    regime: string;
    levels: { bids: number; asks: number };
    counters: MarketCounters & PublisherCounters;
  }[];
}

export interface Exchange {
  readonly host: string;
  readonly port: number;
  /** ws = the public path; privateWs = /v2/ws/private (served when trading is on). */
  readonly url: { readonly ws: string; readonly privateWs: string; readonly rest: string };
  /** Stops the clock, drops every connection, closes the server. Idempotent. */
  close(): Promise<void>;
  market(instType: string, symbol: string): MarketHandle | undefined;
  instruments(): Instrument[];
  /** Advances the simulated clock by `steps` push intervals now, publishing after each (default 1). */
  tick(steps?: number): void;
  stats(): ExchangeStats;
  /** The exchange's clock (wall clock + clockSkewMs), ms. */
  now(): number;
  /** Simulated time of the markets, ms. */
  readonly simMs: number;
  readonly context: ExchangeContext;
  /** The trading plugin's handle (account(), injectMarketOrder(), engine); undefined with `trading: false`. */
  readonly trading: Trading | undefined;
  /** Send and arrival stamps (with `stamps: true`). */
  readonly stamps: WireStamps | undefined;
}

/** More ticks than this behind the wall clock are simulated as one step (one push) instead of one push each. */
const MAX_CATCH_UP_TICKS = 50;
const MAX_BODY_BYTES = 1 << 20;

/**
 * A request target's path and query string exactly as received, or null when it is not origin-form (`/path?query`).
 * Not through `new URL`: it re-encodes some characters of the query (signed requests hash it verbatim), reads
 * `//host:port/` as a host and throws on targets such as `//x:99999/` — one request would take the process down.
 */
function splitTarget(target: string | undefined): { path: string; rawQuery: string } | null {
  if (!target || target[0] !== '/') return null;
  const hash = target.indexOf('#');
  const t = hash < 0 ? target : target.slice(0, hash);
  const q = t.indexOf('?');
  return q < 0 ? { path: t, rawQuery: '' } : { path: t.slice(0, q), rawQuery: t.slice(q + 1) };
}

function checkWhole(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`exchange option ${name} must be a whole number ≥ ${min}, got ${String(v)}`);
}

export async function startExchange(opts: ExchangeOptions = {}): Promise<Exchange> {
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed ?? 1;
  const fi = opts.fundingIntervalMs;
  if (fi !== undefined && !(Number.isInteger(fi) && fi >= 1000 && fi % 1000 === 0))
    throw new RangeError(`fundingIntervalMs must be a whole number of seconds (≥ 1000 ms), got ${fi}`);
  const clock = opts.clock ?? SYSTEM_CLOCK;
  checkWhole('port', opts.port ?? 0, 0);
  checkWhole('seed', seed, 0);
  if (opts.messagesPerSec !== undefined && opts.pushIntervalMs !== undefined)
    throw new RangeError('exchange options messagesPerSec and pushIntervalMs exclude each other: give one');
  checkWhole('pushIntervalMs', opts.pushIntervalMs ?? 100, 1);
  checkWhole('pingTimeoutMs', opts.pingTimeoutMs ?? 120_000, 1);
  checkWhole('maxMessagesPerSec', opts.maxMessagesPerSec ?? 10, 1);
  const faults = resolveFaults(opts.faults);
  let instruments = opts.instruments ?? DEFAULT_INSTRUMENTS;
  if (opts.symbols && opts.symbols.length > 0) instruments = selectInstruments(instruments, opts.symbols);
  if (instruments.length === 0) throw new RangeError('exchange needs at least one instrument');
  let interval = opts.pushIntervalMs ?? 100;
  let flow = opts.flow;
  if (opts.messagesPerSec !== undefined)
    ({ pushIntervalMs: interval, instruments, flow } = atRate(instruments, opts.flow, opts.messagesPerSec));
  const stamps = opts.stamps ? new WireStamps() : undefined;

  const venue = new Venue({
    instruments,
    seed,
    startMs: Math.floor(opts.startMs ?? clock.now()),
    skewMs: faults.clockSkewMs,
    wallNow: () => clock.now(),
    flow,
    fundingIntervalMs: opts.fundingIntervalMs,
  });
  const traffic: TrafficCounters = {
    connections: 0,
    messagesIn: 0,
    framesOut: 0,
    rateLimitCloses: 0,
    pingTimeoutCloses: 0,
    slowConsumerCloses: 0,
    restRequests: 0,
  };
  const faultTotals = zeroFaultCounters();
  const monotonic = () => performance.now();
  const router = new Router();
  const wsPaths = new Map<string, WsPathHandler>();
  const connections = new Map<number, Connection>();
  const limits = { maxMessagesPerSec: opts.maxMessagesPerSec ?? 10, pingTimeoutMs: opts.pingTimeoutMs ?? 120_000 };
  const ctx: ExchangeContext = { venue, router, wsPaths, seed, faults, clock, monotonic, traffic, faultTotals, limits };

  const stats = (): ExchangeStats => ({
    connections: { open: connections.size, total: traffic.connections },
    traffic: { ...traffic },
    faults: { ...faultTotals },
    perConnection: [...connections.values()].map((c) => c.stats()),
    markets: venue.publishers().map((p) => ({
      instType: p.inst.instType,
      symbol: p.inst.symbol,
      seq: p.seq.toString(),
      simMs: p.model.nowMs,
      regime: p.model.regime,
      levels: p.model.levelCount(),
      counters: { ...p.model.counters, ...p.counters },
    })),
  });

  registerPublicRest(router, venue);
  registerDebugRest(router, venue, stats);
  if (stamps) router.get('/debug/stamps', () => ({ status: 200, body: JSON.stringify(stamps.take()) }));
  const publicEnv = {
    venue,
    faults,
    seed,
    traffic,
    faultTotals,
    monotonic,
    maxMessagesPerSec: opts.maxMessagesPerSec ?? 10,
    pingTimeoutMs: opts.pingTimeoutMs ?? 120_000,
    stamps,
  };
  wsPaths.set(
    PUBLIC_WS_PATH,
    (ws, req, id) => new PublicSession(ws, publicEnv, id, `${req.socket.remoteAddress}:${req.socket.remotePort}`),
  );
  const trading = opts.trading === false ? undefined : new Trading(opts.trading);
  const plugins = [...(trading ? [trading.plugin] : []), ...(opts.plugins ?? [])];
  const closers = plugins.map((p) => p(ctx)).filter((c): c is { close?(): void | Promise<void> } => !!c);

  const loopbackOnly = isLoopbackName(host.toLowerCase());
  const restRng = new Rng(deriveSeed(seed, 'rest-faults'));
  const heldRequests = new Set<ReturnType<typeof setTimeout>>();
  const answer = (res: ServerResponse, status: number, code: string, msg: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, msg, requestTime: Math.floor(venue.exchNow()), data: null }));
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const arrivedMs = performance.now();
    traffic.restRequests++;
    res.setHeader(VENUE_HEADER, VENUE_HEADER_VALUE);
    // a client that goes away mid-request must not become an unhandled 'error'
    req.on('error', () => req.destroy());
    res.on('error', () => res.destroy());
    const target = splitTarget(req.url);
    if (!target) return answer(res, 400, '40000', 'bad request target: expected an absolute path such as /api/v2/public/time');
    const method = (req.method ?? 'GET').toUpperCase();
    if (target.path.startsWith('/debug/')) {
      const refused = debugRefusal(method, req.headers, loopbackOnly);
      if (refused) return answer(res, refused.status, String(refused.status * 100), refused.msg);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        answer(res, 413, '41300', `request body over ${MAX_BODY_BYTES} bytes`);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      // a venue that is slow or failing (restLatencyMs, restErrorRate): Bitget's own API only, never /debug/, which
      // the tests and the operator read the truth from
      if (target.path.startsWith('/api/') && faults.restErrorRate > 0 && restRng.chance(faults.restErrorRate)) {
        faultTotals.restErrors++;
        return answer(res, 500, '40015', 'System is abnormal, please try again later');
      }
      if (target.path.startsWith('/api/') && faults.restLatencyMs > 0) {
        faultTotals.delayedRequests++;
        const t = setTimeout(() => {
          heldRequests.delete(t);
          if (!closed) act();
        }, faults.restLatencyMs);
        heldRequests.add(t);
        return;
      }
      act();
    });
    const act = () => {
      const r: RestRequest = {
        method,
        path: target.path,
        query: new URLSearchParams(target.rawQuery),
        rawQuery: target.rawQuery,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      stamps?.request(r.path, r.body, arrivedMs);
      let handled: Promise<RestResponse | undefined>;
      try {
        handled = router.handle(r);
      } catch (err) {
        handled = Promise.reject(err);
      }
      handled.then(
        (out) => {
          const resp = out ?? notFound(venue.exchNow());
          if (res.headersSent) return;
          res.writeHead(resp.status, { 'content-type': 'application/json', ...resp.headers });
          res.end(resp.body);
        },
        (err: unknown) => answer(res, 500, '50000', String(err instanceof Error ? err.message : err)),
      );
    };
  };
  const http = createServer((req, res) => {
    try {
      onRequest(req, res);
    } catch (err) {
      answer(res, 500, '50000', String(err instanceof Error ? err.message : err));
    }
  });
  // A client's kept-alive connection stays open over a quiet minute: with Node's 5 s default, the server closed it just
  // as a session that had been idle for 5 s sent its stop's requests on it ("socket hang up").
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  http.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
    socket.end(`HTTP/1.1 ${status} ${reason}\r\n${VENUE_LINE}Connection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
  });
  // every socket, upgraded or not, so close() can drop the ones a broken client left half-open
  const sockets = new Set<Duplex>();
  http.on('connection', (socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  wss.on('headers', (headers) => headers.push(`${VENUE_HEADER}: ${VENUE_HEADER_VALUE}`));
  // ends the socket once the answer is out: left half-open with unread bytes, it would hold close() forever
  const refuseUpgrade = (socket: Duplex, status: string) => {
    if (socket.writable)
      socket.end(`HTTP/1.1 ${status}\r\n${VENUE_LINE}Connection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    else socket.destroy();
  };
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // the socket is ours from here: a reset on it must not become an unhandled 'error'
    socket.on('error', () => socket.destroy());
    try {
      const target = splitTarget(req.url);
      if (!target) return refuseUpgrade(socket, '400 Bad Request');
      const handler = wsPaths.get(target.path);
      if (!handler) return refuseUpgrade(socket, '404 Not Found');
      wss.handleUpgrade(req, socket, head, (ws) => {
        const id = ++traffic.connections;
        const conn = handler(ws, req, id);
        connections.set(id, conn);
        ws.on('close', () => connections.delete(id));
      });
    } catch {
      refuseUpgrade(socket, '500 Internal Server Error');
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;

  // The driver: keeps simulated time one push interval behind the wall clock at most.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const pump = () => {
    timer = undefined;
    if (closed) return;
    let behind = Math.floor((clock.now() - venue.simMs) / interval);
    if (behind > MAX_CATCH_UP_TICKS) {
      venue.tick((behind - 1) * interval);
      behind = 1;
    }
    for (let i = 0; i < behind; i++) venue.tick(interval);
    timer = setTimeout(pump, Math.max(1, venue.simMs + interval - clock.now()));
  };
  if (!opts.manual) timer = setTimeout(pump, Math.max(1, venue.simMs + interval - clock.now()));

  return {
    host,
    port,
    context: ctx,
    trading,
    stamps,
    url: {
      ws: `ws://${hostInUrl}:${port}${PUBLIC_WS_PATH}`,
      privateWs: `ws://${hostInUrl}:${port}${PRIVATE_WS_PATH}`,
      rest: `http://${hostInUrl}:${port}`,
    },
    get simMs() {
      return venue.simMs;
    },
    now: () => venue.exchNow(),
    instruments: () => venue.instruments(),
    stats,
    tick(steps = 1) {
      checkWhole('tick steps', steps, 0);
      for (let i = 0; i < steps; i++) venue.tick(interval);
    },
    market(instType, symbol) {
      const p = venue.get(instType, symbol);
      if (!p) return undefined;
      return {
        instrument: p.inst,
        model: p.model,
        get seq() {
          return p.seq;
        },
        get counters() {
          return { ...p.model.counters, ...p.counters };
        },
        book: (depth = 25) => p.debugBook(depth),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      for (const t of heldRequests) clearTimeout(t);
      heldRequests.clear();
      for (const c of connections.values()) c.terminate();
      connections.clear();
      for (const c of closers) await c.close?.();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
}
