// Signed REST client for Bitget v2 USDT-M futures (and a little spot): signing (§5.2), the demo header (§5.1),
// the envelope (§5.3), per-endpoint client-side budgets (§5.4) and HTTP 429 back-off. WHEN TO USE: the gateway's
// only way to talk REST; methods mirror the endpoints and return the envelope's `data`. Never logs credentials.
//
// Errors: BitgetApiError when Bitget answered with code !== "00000" or HTTP ≥ 400 (carries code + msg; 429 is
// retried first), GatewayTransportError when no usable answer came back (timeout, reset, non-JSON).
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { queryString, signRest, type Credentials } from './signing';
import { ServerClock, offsetFromSamples, type TimeSample } from './clock';
import { SlidingWindowLimiter, type RateLimit } from './rate-limit';
import { BitgetApiError, GatewayTransportError, classifyBitgetCode } from './errors';
import { OrderSocket } from './order-socket';
import {
  ENDPOINTS,
  type EndpointName,
  type FuturesPlaceOrderRequest,
  type OrderIds,
  type CancelOrderRequest,
  type BatchCancelResult,
  type BatchPlaceOrderRequest,
  type BatchPlaceResult,
  type ModifyOrderRequest,
  type OrdersPendingResult,
  type PendingOrderRow,
  type PositionRow,
  type ProductType,
  type AccountBillRow,
  type SpotPlaceOrderRequest,
} from './wire';
import { errorText } from '../format/errors';

/**
 * live: api.bitget.com with a live key. demo: same host, demo key, header `paptrading: 1`. local: the local
 * exchange, a demo venue — also sends `paptrading: 1`.
 */
export type VenueMode = 'live' | 'demo' | 'local';

export interface RestClientOptions {
  /** e.g. https://api.bitget.com or http://127.0.0.1:8181 */
  baseUrl: string;
  mode: VenueMode;
  credentials: Credentials;
  /** Shared with the private WebSocket; defaults to Date.now with no offset. */
  clock?: ServerClock;
  /** Per-request timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** Retries after an HTTP 429 before giving up with code "429" (default 2). */
  retries429?: number;
  /** Wait after a 429 when no Retry-After header is given, ms (default 1000; doubles per retry). */
  retry429DelayMs?: number;
  /** Overrides of the per-endpoint budgets (ENDPOINTS[name].budget). */
  rateLimits?: Partial<Record<EndpointName, RateLimit>>;
  /** Monotonic ms clock for the limiters (default performance.now). */
  limiterNow?: () => number;
  /**
   * Use that client's per-endpoint budgets instead of budgets of one's own: Bitget counts the order endpoints per
   * account (UID), so the clients of one account (a gateway per symbol) must draw on one budget. It closes them.
   */
  limitersOf?: BitgetRestClient;
  /** Re-measure the clock offset after a timestamp error (40004/40005/40008). Default true. */
  autoClockSync?: boolean;
  locale?: string;
  /**
   * Send the order requests (place, cancel, modify, their batches, cancel-all) as prepared bytes on a connection of
   * their own (src/gateway/order-socket.ts), written in the caller's turn; node:http carries them while that
   * connection is down, and every other request always. Default true.
   */
  orderSocket?: boolean;
  log?: (level: 'info' | 'warn' | 'error', line: string) => void;
}

type Params = Record<string, string | number | undefined>;

/** Requests beyond the samples asked that syncClock may spend on samples that failed. */
export const SYNC_EXTRA_ATTEMPTS = 4;

export class BitgetRestClient {
  readonly clock: ServerClock;
  readonly stats = { requests: 0, errors: 0, retries429: 0, transportErrors: 0, prepared: 0, staleSocketRetries: 0 };
  /** The order requests' own connection (null when turned off). */
  readonly orderSocket: OrderSocket | null;
  /** Per order endpoint: its request's bytes up to the timestamp's value (request line, Host, the fixed headers). */
  private readonly prepared = new Map<EndpointName, string>();
  private readonly base: URL;
  private readonly limiters = new Map<EndpointName, SlidingWindowLimiter>();
  private readonly agent: HttpAgent;
  private readonly hostname: string;
  /**
   * Header lists reused by every request (headerList): [unsigned, unsigned with a body, signed, signed with a body];
   * a signed one ends with its timestamp and signature slots, then Content-Length when there is a body.
   */
  private readonly templates: string[][];
  private readonly o: Required<Pick<RestClientOptions, 'timeoutMs' | 'retries429' | 'retry429DelayMs' | 'autoClockSync' | 'locale'>> &
    RestClientOptions;
  private syncing: Promise<unknown> | null = null;
  private readonly ownsLimiters: boolean;

  /** How long one request waits for its answer, ms. */
  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  constructor(opts: RestClientOptions) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as RestClientOptions;
    this.o = { timeoutMs: 10_000, retries429: 2, retry429DelayMs: 1000, autoClockSync: true, locale: 'en-US', ...given };
    this.base = new URL(opts.baseUrl);
    this.clock = opts.clock ?? new ServerClock();
    const Agent = this.base.protocol === 'https:' ? HttpsAgent : HttpAgent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 16, noDelay: true }); // TCP_NODELAY: each order leaves at once
    this.hostname = this.base.hostname.replace(/^\[(.*)\]$/, '$1'); // http.request takes an IPv6 host bare
    const plain = ['Host', this.base.host, 'Content-Type', 'application/json', 'locale', this.o.locale];
    const c = this.o.credentials;
    const signed = [...plain, 'ACCESS-KEY', c.apiKey, 'ACCESS-PASSPHRASE', c.passphrase];
    if (this.o.mode !== 'live') signed.push('paptrading', '1');
    signed.push('ACCESS-TIMESTAMP', '', 'ACCESS-SIGN', '');
    this.templates = [plain, [...plain, 'Content-Length', ''], signed, [...signed, 'Content-Length', '']];
    this.orderSocket =
      this.o.orderSocket === false
        ? null
        : new OrderSocket({ url: this.base, timeoutMs: this.o.timeoutMs, log: (level, line) => this.o.log?.(level, line) });
    if (this.orderSocket) {
      // the same bytes node:http makes from the signed header list (request line, "Name: value" lines in the list's
      // order, then Connection: keep-alive), so a request reads the same on either path
      const fixed = signed.slice(0, -4);
      let lines = '';
      for (let i = 0; i < fixed.length; i += 2) lines += `${fixed[i]}: ${fixed[i + 1]}\r\n`;
      for (const name of ORDER_ENDPOINTS) {
        const spec = ENDPOINTS[name];
        this.prepared.set(name, `${spec.method} ${spec.path} HTTP/1.1\r\n${lines}ACCESS-TIMESTAMP: `);
      }
    }
    this.ownsLimiters = !opts.limitersOf;
    for (const [name, spec] of Object.entries(ENDPOINTS) as Array<[EndpointName, (typeof ENDPOINTS)[EndpointName]]>) {
      const b = opts.rateLimits?.[name] ?? spec.budget;
      this.limiters.set(
        name,
        opts.limitersOf ? opts.limitersOf.limiter(name) : new SlidingWindowLimiter(b.limit, b.windowMs, opts.limiterNow),
      );
    }
  }

  /** The limiter of one endpoint (tests and diagnostics). */
  limiter(name: EndpointName): SlidingWindowLimiter {
    return this.limiters.get(name)!;
  }

  close(): void {
    if (this.ownsLimiters) for (const l of this.limiters.values()) l.dispose();
    this.agent.destroy();
    this.orderSocket?.close();
  }

  /** Connects the order requests' own connection (the gateway's start); resolves false when it could not. */
  openOrderSocket(): Promise<boolean> {
    return this.orderSocket ? this.orderSocket.open() : Promise.resolve(false);
  }

  // ---- futures trading ----

  /** POST place-order (10/s). `clientOid` is mandatory; prices/sizes are strings from units.ts. */
  placeOrder(req: FuturesPlaceOrderRequest, onWritten?: () => void): Promise<OrderIds> {
    if (!req.clientOid) throw new Error('RB_ERR_GW_BAD_ORDER: place-order without clientOid');
    assertDecimal(req.size, 'size');
    if (req.price !== undefined) assertDecimal(req.price, 'price');
    return this.call('placeOrder', undefined, req, onWritten);
  }

  /** POST batch-place-order (held at 5/s): ≤ 50 orders of one symbol; per-order results in success/failureList. */
  batchPlaceOrder(req: BatchPlaceOrderRequest): Promise<BatchPlaceResult> {
    if (req.orderList.length === 0 || req.orderList.length > 50)
      throw new Error(`RB_ERR_GW_BAD_ORDER: batch-place-order takes 1–50 orders, got ${req.orderList.length}`);
    for (const o of req.orderList) {
      if (!o.clientOid) throw new Error('RB_ERR_GW_BAD_ORDER: batch-place-order entry without clientOid');
      assertDecimal(o.size, 'size');
      if (o.price !== undefined) assertDecimal(o.price, 'price');
    }
    return this.call('batchPlaceOrder', undefined, req);
  }

  /** POST modify-order (10/s): a new price and size under newClientOid (§5.7). */
  modifyOrder(req: ModifyOrderRequest): Promise<OrderIds> {
    if (!req.newClientOid) throw new Error('RB_ERR_GW_BAD_ORDER: modify-order without newClientOid');
    assertDecimal(req.newSize, 'newSize');
    assertDecimal(req.newPrice, 'newPrice');
    return this.call('modifyOrder', undefined, req);
  }

  /** POST cancel-order by orderId or clientOid (10/s). */
  cancelOrder(req: CancelOrderRequest): Promise<OrderIds> {
    return this.call('cancelOrder', undefined, req);
  }

  /** POST cancel-all-orders (10/s): every open order of the product type, all symbols. */
  cancelAllOrders(req: { productType: ProductType; marginCoin?: string }): Promise<BatchCancelResult> {
    return this.call('cancelAllOrders', undefined, req);
  }

  /** POST batch-cancel-orders (10/s): ≤ 50 orders of one symbol. */
  batchCancelOrders(req: {
    symbol: string;
    productType: ProductType;
    marginCoin?: string;
    orderIdList: Array<{ orderId?: string; clientOid?: string }>;
  }): Promise<BatchCancelResult> {
    return this.call('batchCancelOrders', undefined, req);
  }

  /** GET orders-pending (10/s): open orders; `entrustedList` is null when there are none. */
  ordersPending(q: {
    productType: ProductType;
    symbol?: string;
    orderId?: string;
    clientOid?: string;
    status?: 'live' | 'partially_filled';
    idLessThan?: string;
    limit?: number;
  }): Promise<OrdersPendingResult> {
    return this.call('ordersPending', q);
  }

  /** GET order detail by orderId or clientOid. */
  orderDetail(q: { symbol: string; productType: ProductType; orderId?: string; clientOid?: string }): Promise<PendingOrderRow> {
    return this.call('orderDetail', q);
  }

  /**
   * GET /api/v2/mix/order/fills: the order's fills, newest first, at most `limit` (≤ 100) a page; the next (older) page
   * is `idLessThan` = the answer's endId (fillList may be null when there are none).
   */
  orderFills(q: {
    symbol: string;
    productType: ProductType;
    orderId: string;
    idLessThan?: string;
    limit?: number;
  }): Promise<{ fillList: Array<Record<string, unknown>> | null; endId?: string | null }> {
    return this.call('orderFills', q);
  }

  /** GET all-position (5/s). */
  allPositions(q: { productType: ProductType; marginCoin?: string }): Promise<PositionRow[]> {
    return this.call('allPosition', q);
  }

  /** GET single-position (held at 5/s). */
  singlePosition(q: { symbol: string; productType: ProductType; marginCoin: string }): Promise<PositionRow[]> {
    return this.call('singlePosition', q);
  }

  /** POST set-leverage (5/s). `leverage` is a whole-number string. */
  setLeverage(req: {
    symbol: string;
    productType: ProductType;
    marginCoin: string;
    leverage: string;
    holdSide?: 'long' | 'short';
  }): Promise<Record<string, unknown>> {
    assertDecimal(req.leverage, 'leverage');
    return this.call('setLeverage', undefined, req);
  }

  /** GET account (single symbol's margin account). */
  account(q: { symbol: string; productType: ProductType; marginCoin: string }): Promise<Record<string, unknown>> {
    return this.call('account', q);
  }

  /**
   * GET /api/v2/mix/account/bill: the account's bills, newest first, at most `limit` (≤ 100) a page; the next page is
   * `idLessThan` = the answer's endId. startTime and endTime (ms) at most 30 days apart (§5.9).
   */
  accountBills(q: {
    productType: ProductType;
    symbol?: string;
    businessType?: string;
    startTime?: number;
    endTime?: number;
    idLessThan?: string;
    limit?: number;
  }): Promise<{ bills: AccountBillRow[] | null; endId?: string | null }> {
    return this.call('accountBill', q);
  }

  // ---- spot ----

  spotPlaceOrder(req: SpotPlaceOrderRequest): Promise<OrderIds> {
    if (!req.clientOid) throw new Error('RB_ERR_GW_BAD_ORDER: place-order without clientOid');
    assertDecimal(req.size, 'size');
    if (req.price !== undefined) assertDecimal(req.price, 'price');
    return this.call('spotPlaceOrder', undefined, req);
  }

  spotCancelOrder(req: { symbol: string; orderId?: string; clientOid?: string }): Promise<OrderIds> {
    return this.call('spotCancelOrder', undefined, req);
  }

  spotUnfilledOrders(q: { symbol?: string }): Promise<unknown[]> {
    return this.call('spotUnfilledOrders', q);
  }

  // ---- time ----

  /** GET /api/v2/public/time → serverTime, ms. */
  async serverTime(): Promise<number> {
    const data = await this.call<{ serverTime: string }>('serverTime');
    if (!/^\d+$/.test(String(data?.serverTime)))
      throw new GatewayTransportError('RB_ERR_GW_BAD_REPLY', ENDPOINTS.serverTime.path, `serverTime ${JSON.stringify(data?.serverTime)}`);
    return Number(data.serverTime);
  }

  /**
   * Measures server − local over `samples` round trips (minimum RTT) and installs it in the shared clock. Throws only
   * when no sample came back in `samples` + SYNC_EXTRA_ATTEMPTS requests (the last error).
   */
  async syncClock(samples = 5): Promise<{ offsetMs: number; rttMs: number; boundMs: number }> {
    const got: TimeSample[] = [];
    // a venue that fails a request now and then (40015, a reset) must not leave the session on the local clock: a
    // failed sample is asked again, a few times in all, and the estimate is made of the samples that came back
    let lastError: unknown;
    for (let attempt = 0; got.length < samples && attempt < samples + SYNC_EXTRA_ATTEMPTS; attempt++) {
      const t0 = this.clock.now();
      try {
        const serverMs = await this.serverTime();
        got.push({ t0, t1: this.clock.now(), serverMs });
      } catch (err) {
        lastError = err;
      }
    }
    if (got.length === 0) throw lastError;
    const est = offsetFromSamples(got);
    this.clock.offsetMs = est.offsetMs;
    const venue = this.o.mode === 'local' ? 'the local exchange' : this.o.mode === 'demo' ? "Bitget's demo environment" : 'Bitget';
    this.o.log?.('info', `clock offset to ${venue} ${est.offsetMs.toFixed(1)} ms (±${est.boundMs.toFixed(1)} ms)`);
    return est;
  }

  // ---- the request path ----

  /**
   * One endpoint call: budget, sign, send, unwrap the envelope; retries only HTTP 429. `onWritten` is called when the
   * request's bytes have been handed to the socket (each attempt).
   */
  async call<T>(name: EndpointName, query?: Params, body?: object, onWritten?: () => void): Promise<T> {
    const spec = ENDPOINTS[name];
    const limiter = this.limiters.get(name)!;
    const q = query ? queryString(query) : '';
    const bodyText = spec.method === 'POST' ? JSON.stringify(body ?? {}) : '';
    for (let attempt = 0; ; attempt++) {
      const release = limiter.tryAcquire() ?? (await limiter.acquire());
      let res: { status: number; text: string; retryAfterMs?: number };
      try {
        const fast = this.prepared.size && !q ? this.sendPrepared(name, bodyText, onWritten) : null;
        res = await (fast ?? this.send(spec.method, spec.path, q, bodyText, spec.signed, onWritten));
      } catch (err) {
        this.stats.transportErrors++;
        throw err;
      } finally {
        release();
      }
      let env: { code?: unknown; msg?: unknown; data?: unknown } | null = null;
      try {
        env = JSON.parse(res.text);
      } catch {
        env = null;
      }
      if (res.status === 429 || env?.code === '429') {
        const wait = res.retryAfterMs ?? this.o.retry429DelayMs * 2 ** attempt;
        limiter.pause(wait);
        if (attempt < this.o.retries429) {
          this.stats.retries429++;
          this.o.log?.('warn', `${spec.path}: HTTP 429, retrying in ${wait} ms`);
          continue;
        }
        this.stats.errors++;
        throw new BitgetApiError('429', String(env?.msg ?? 'Too Many Requests'), res.status, spec.path);
      }
      if (env === null || typeof env !== 'object') {
        this.stats.errors++;
        throw new GatewayTransportError(
          'RB_ERR_GW_BAD_REPLY',
          spec.path,
          `HTTP ${res.status}, not a JSON envelope: ${res.text.slice(0, 120)}`,
          res.status,
        );
      }
      const code = env.code === undefined ? undefined : String(env.code);
      if (res.status >= 400 || code !== '00000') {
        this.stats.errors++;
        const err = new BitgetApiError(code ?? String(res.status), String(env.msg ?? ''), res.status, spec.path);
        if (this.o.autoClockSync && classifyBitgetCode(err.code).category === 'timestamp' && name !== 'serverTime')
          this.backgroundClockSync();
        throw err;
      }
      return env.data as T;
    }
  }

  private backgroundClockSync(): void {
    if (this.syncing) return;
    this.syncing = this.syncClock(3)
      .catch((e) => this.o.log?.('warn', `clock re-sync failed: ${errorText(e)}`))
      .finally(() => {
        this.syncing = null;
      });
  }

  /** Headers of a request: signed ones carry ACCESS-*; paptrading on every signed request outside live mode. */
  headersFor(method: string, path: string, query: string, body: string, signed: boolean): Record<string, string> {
    const h: Record<string, string> = { 'Content-Type': 'application/json', locale: this.o.locale };
    if (!signed) return h;
    const ts = this.clock.restTimestamp();
    const c = this.o.credentials;
    h['ACCESS-KEY'] = c.apiKey;
    h['ACCESS-SIGN'] = signRest(c.secret, ts, method, path, query, body);
    h['ACCESS-TIMESTAMP'] = ts;
    h['ACCESS-PASSPHRASE'] = c.passphrase;
    if (this.o.mode !== 'live') h.paptrading = '1';
    return h;
  }

  /**
   * The request's header block as a flat [name, value, …] list: every constant header made once per client and
   * reused, only the timestamp, the signature and the length written per request (node:http turns the list into
   * bytes inside http.request, so the next request may overwrite it at once). The same headers as headersFor().
   */
  private headerList(method: string, path: string, query: string, body: string, signed: boolean): string[] {
    const t = this.templates[(signed ? 2 : 0) + (body ? 1 : 0)];
    const end = body ? t.length - 2 : t.length;
    if (signed) {
      const ts = this.clock.restTimestamp();
      t[end - 3] = ts;
      t[end - 1] = signRest(this.o.credentials.secret, ts, method, path, query, body);
    }
    if (body) t[t.length - 1] = String(Buffer.byteLength(body));
    return t;
  }

  /**
   * An order request on the order connection: the prepared bytes, this request's timestamp, signature, length and
   * body, written now. Null (nothing sent) when the endpoint has no prepared bytes or the connection is not ready.
   */
  private sendPrepared(
    name: EndpointName,
    body: string,
    onWritten?: () => void,
  ): Promise<{ status: number; text: string; retryAfterMs?: number }> | null {
    const sock = this.orderSocket!;
    if (!sock.ready) return null;
    const bytes = this.preparedBytes(name, body);
    if (bytes === null) return null;
    this.stats.requests++;
    this.stats.prepared++;
    return sock.request(bytes, ENDPOINTS[name].path, onWritten);
  }

  /** The bytes of an order request for the order connection (timestamped and signed now); null without prepared bytes. */
  private preparedBytes(name: EndpointName, body: string): string | null {
    const pre = this.prepared.get(name);
    if (pre === undefined) return null;
    const ts = this.clock.restTimestamp();
    const sign = signRest(this.o.credentials.secret, ts, 'POST', ENDPOINTS[name].path, '', body);
    return `${pre}${ts}\r\nACCESS-SIGN: ${sign}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body}`;
  }

  /**
   * The order path's own work for a place request that is never sent: the checks, the body, the timestamp, the
   * signature and the request's bytes, with the code placeOrder runs (docs/tuning.md, keeping the hot path warm).
   * Touches no budget, no socket and no counter; returns the byte count (so the work is not optimised away).
   */
  warmPlaceOrder(req: FuturesPlaceOrderRequest): number {
    assertDecimal(req.size, 'size');
    if (req.price !== undefined) assertDecimal(req.price, 'price');
    const bytes = this.preparedBytes('placeOrder', JSON.stringify(req));
    return bytes === null ? 0 : bytes.length;
  }

  private send(
    method: string,
    path: string,
    query: string,
    body: string,
    signed: boolean,
    onWritten?: () => void,
    again = false,
  ): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    this.stats.requests++;
    const target = query ? `${path}?${query}` : path;
    const headers = this.headerList(method, path, query, body, signed);
    const doRequest = this.base.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (code: 'RB_ERR_GW_NETWORK' | 'RB_ERR_GW_TIMEOUT', detail: string) => {
        if (settled) return;
        settled = true;
        reject(new GatewayTransportError(code, path, detail));
      };
      const req = doRequest(
        { protocol: this.base.protocol, hostname: this.hostname, port: this.base.port, path: target, method, headers, agent: this.agent },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => fail('RB_ERR_GW_NETWORK', e.message));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const ra = Number(res.headers['retry-after']);
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              retryAfterMs: Number.isFinite(ra) && ra >= 0 ? ra * 1000 : undefined,
            });
          });
        },
      );
      const timer = setTimeout(() => {
        fail('RB_ERR_GW_TIMEOUT', `no answer within ${this.o.timeoutMs} ms`);
        req.destroy();
      }, this.o.timeoutMs);
      req.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        // A kept-alive socket the server closed while idle, just as this request went out on it: the server never read
        // it (Node's documented race: reusedSocket and ECONNRESET). A read is asked again, once, on a new socket; an
        // order is not (its outcome stays unknown, as for any other network error).
        if (!settled && !again && method === 'GET' && req.reusedSocket && e.code === 'ECONNRESET') {
          settled = true;
          this.stats.staleSocketRetries++;
          resolve(this.send(method, path, query, body, signed, onWritten, true));
          return;
        }
        fail('RB_ERR_GW_NETWORK', e.message);
      });
      req.end(body || undefined);
      if (onWritten) {
        // node:http hands a kept-alive socket to the request on the next tick and writes the request into it there,
        // before this callback (queued after it) runs: with nothing left buffered, the bytes are in the kernel now.
        // 'finish' would say so only after libuv's write callback, an event-loop turn later.
        process.nextTick(() => {
          const sock = req.socket;
          if (sock && !sock.connecting && sock.writableLength === 0 && req.writableEnded) onWritten();
          else req.once('finish', onWritten);
        });
      }
    });
  }
}

/** The requests that go out on the order connection (all POST, signed, no query). */
const ORDER_ENDPOINTS: readonly EndpointName[] = [
  'placeOrder',
  'cancelOrder',
  'modifyOrder',
  'batchPlaceOrder',
  'batchCancelOrders',
  'cancelAllOrders',
];

function assertDecimal(v: unknown, what: string): void {
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) {
    throw new Error(`RB_ERR_GW_DECIMAL: ${what} must be a plain decimal string made from ticks/lots, got ${typeof v} ${JSON.stringify(v)}`);
  }
}
