// The live order gateway: Actions in, Events out (src/strategy/events.ts), over Bitget's signed REST and the
// private WebSocket. WHEN TO USE: one instance per traded USDT-M futures symbol (Actions carry no symbol); give it
// the instrument grid, the keys (from the CLI: env or file) and an `onEvent` callback; call `handle(action)`. Several
// symbols of one account: one instance each, with cancelAllScope 'symbol' (so a cancel-all stays in its symbol) and
// rest.limitersOf the first one's client (the order endpoints' budgets are the account's); the private streams'
// pushes are filtered by symbol, so each instance hears only its own orders.
//
//   place     → POST place-order → ack | reject (| disconnect when the outcome is unknown)
//   cancel    → POST cancel-order → cancelAck | cancelReject (| disconnect)
//   cancelAll → POST cancel-all-orders (or, scope 'symbol': orders-pending + batch-cancel-orders) → cancelAck /
//               cancelReject per tracked order
//   reconcile → GET single-position, then orders-pending → resynced
//   flatten   → (once the requests already in flight are answered) GET single-position → reduce-only market
//               order(s) closing it, under a gateway-made clientOid
//   log       → the log callback
//   amend     → POST modify-order (newSize and newPrice, under a gateway-made newClientOid) → amendAck | amendReject
//               (the strategy keeps its clientOid; the venue knows the order by the new one)
//   handleAll(actions) → as handle, but two or more places go out as batch-place-order and two or more cancels as
//               batch-cancel-orders (≤ 50 per request); each order's row of the answer becomes its own ack/reject or
//               cancelAck/cancelReject, exactly as a single request's answer would
//
// At most one request per order is in flight; later actions on the same clientOid wait their turn. Acks,
// fills and cancels also arrive from the private stream; the tracker makes each event happen once. A dropped
// private stream emits `disconnect` and, once logged in and subscribed again, a reconcile → `resynced`. Timeouts
// on acks are the FSM's business (it gets ticks). Secrets never reach a log: `describeCredentials` only.
import type { Action, Event } from '../strategy/events';
import type { InstrumentGrid } from '../feed/instruments';
import { parseFillRow } from './parse';
import { describeCredentials, type Credentials } from './signing';
import { ServerClock } from './clock';
import { BitgetRestClient, type RestClientOptions, type VenueMode } from './rest-client';
import { BitgetPrivateWs, routePrivatePush, type PrivateWsOptions } from './private-ws';
import { OrderTracker } from './tracker';
import { BitgetApiError, GatewayTransportError, authRefused, cancelFailureEvent, outcomeUnknown, placeFailureEvent } from './errors';
import { lotsToSize, scaledExact, ticksToPrice } from './units';
import { parsePendingRow, parsePositionRow, signedPositionLot, type PendingOrder, type PositionUpdate } from './parse';
import {
  ENDPOINTS,
  batchOrderEntry,
  placeOrderRequest,
  placeProblem,
  type MarginMode,
  type OrderVenueConfig,
  type PosMode,
  type ProductType,
} from './wire';
import { errorText } from '../format/errors';

type PlaceAction = Extract<Action, { type: 'place' }>;

/**
 * The order warmOrderPath builds and never sends: a post-only entry, its keys in the order the runtime's place actions
 * have them (src/strategy/orders.ts placeAction), so the code it warms sees the live objects' shape.
 */
const WARM_PLACE: PlaceAction = {
  type: 'place',
  clientOid: 'warm0',
  side: 'buy',
  orderType: 'limit',
  qtyLot: 1,
  force: 'post_only',
  reduceOnly: false,
  priceTick: 1_000_000,
};
type AmendAction = Extract<Action, { type: 'amend' }>;
const BATCH_MAX = 50;
const BATCH_PATH = ENDPOINTS.batchPlaceOrder.path;
const BATCH_CANCEL_PATH = ENDPOINTS.batchCancelOrders.path;
type Level = 'info' | 'warn' | 'error';

export interface GatewayEndpoints {
  restUrl: string;
  wsUrl: string;
}

/** Bitget's URLs per mode (§1.1, §5.1); `local` derives the private socket from the local exchange's REST URL. */
export function gatewayEndpoints(mode: VenueMode, localRestUrl = 'http://127.0.0.1:8181'): GatewayEndpoints {
  if (mode === 'live') return { restUrl: 'https://api.bitget.com', wsUrl: 'wss://ws.bitget.com/v2/ws/private' };
  if (mode === 'demo') return { restUrl: 'https://api.bitget.com', wsUrl: 'wss://wspap.bitget.com/v2/ws/private' };
  const u = new URL(localRestUrl);
  return { restUrl: u.origin, wsUrl: `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}/v2/ws/private` };
}

export interface BitgetGatewayOptions {
  credentials: Credentials;
  /** live | demo (paptrading: 1, wspap) | local (the local exchange, a demo venue: paptrading: 1). */
  mode: VenueMode;
  /** The traded symbol's grid (USDT-FUTURES etc.; spot is not routed by the gateway). */
  grid: InstrumentGrid;
  onEvent(e: Event): void;
  log?(level: Level, line: string): void;
  /** A place request's bytes were handed to the socket (tick-to-trade: the order is on the wire). */
  onWire?(clientOid: string): void;
  /** Default per mode (gatewayEndpoints). */
  restUrl?: string;
  wsUrl?: string;
  /** Default grid.instType. */
  productType?: ProductType;
  marginCoin?: string;
  marginMode?: MarginMode;
  /** The account's position mode (default one_way_mode); the gateway does not change it. */
  posMode?: PosMode;
  /** Shared clock (injected wall time + measured offset). */
  clock?: ServerClock;
  /** Measure the clock offset with GET /api/v2/public/time at start (default true). */
  syncClockOnStart?: boolean;
  /** Run the private WebSocket (default true). Without it, fills are seen only through reconciles. */
  privateWs?: boolean;
  /** productType: one cancel-all-orders call (every symbol of the product type!); symbol: only this symbol's. */
  cancelAllScope?: 'productType' | 'symbol';
  /** Prefix of the clientOids of flatten orders (default "rbflat"). */
  flattenPrefix?: string;
  /**
   * How long a flatten waits for the requests already in flight before it reads the position anyway, ms (default
   * 2,000): a stop gives the gateways ~10 s in all, and a request stuck until its own timeout must not keep the close
   * from being sent.
   */
  flattenWaitMs?: number;
  /** Prefix of the newClientOids of amendments (default "rbam"). */
  amendPrefix?: string;
  /** Reconcile when the private stream is (re)ready, and after a REST outcome is unknown (default true). */
  autoReconcile?: boolean;
  /**
   * While the venue does not answer, a failed reconcile is tried again after `baseMs`, doubling up to `maxMs` (default
   * 500 ms → 10 s), with any cancel-all asked meanwhile sent first; the private stream coming back tries at once.
   */
  retry?: { baseMs: number; maxMs: number };
  /**
   * The venue refused the credentials (authRefused: a wrong or revoked key, a bad signature or passphrase, an IP not
   * allowed): called once; the gateway stops retrying what fails so (no request will succeed until the keys change).
   */
  onAuthRefused?(err: BitgetApiError): void;
  /** REST client tuning (timeouts, budgets, 429 retries). */
  rest?: Pick<
    RestClientOptions,
    'timeoutMs' | 'retries429' | 'retry429DelayMs' | 'rateLimits' | 'limiterNow' | 'autoClockSync' | 'locale' | 'limitersOf'
  >;
  /** Private WebSocket tuning (ping, backoff, jitter source). */
  ws?: Pick<
    PrivateWsOptions,
    'pingMs' | 'pingJitterMs' | 'pongTimeoutMs' | 'handshakeTimeoutMs' | 'backoffBaseMs' | 'backoffMaxMs' | 'maxMessagesPerSec' | 'random'
  >;
}

/** What the venue holds of this symbol, as read (readVenue). */
export interface VenueState {
  /** Signed, lots. */
  positionLot: number;
  openOrders: PendingOrder[];
}

const RETRY = { baseMs: 500, maxMs: 10_000 };
const ORDERS_PAGE = 100;
/** The most fills GET order/fills answers at once (its `limit`: default and maximum 100). */
const FILLS_PAGE = 100;
const MAX_PAGES = 20;
/** The bills of a funding settlement (docs/bitget.md §5.9); a page holds at most 100. */
const FUNDING_BILL = 'contract_settle_fee';
const BILLS_PAGE = 100;
/** The longest startTime..endTime one bill query may span (Bitget: at most 30 days). */
const BILL_WINDOW_MS = 30 * 24 * 3600 * 1000;
/** Decimals a bill's amount is read at: the local exchange books money at 18, Bitget prints fewer. */
const BILL_SCALE = 18;

export class BitgetGateway {
  readonly rest: BitgetRestClient;
  readonly privateWs: BitgetPrivateWs | null;
  readonly tracker: OrderTracker;
  readonly clock: ServerClock;
  /** flattens: flatten requests run; flattenOrders: the reduce-only market orders they placed (none for no position). */
  readonly stats = { actions: 0, events: 0, reconciles: 0, flattens: 0, flattenOrders: 0, batches: 0 };
  /** Signed position in lots from the latest `positions` push (information; `resynced` is the FSM's truth). */
  positionLot: number | null = null;
  private readonly cfg: OrderVenueConfig;
  private readonly o: BitgetGatewayOptions;
  private readonly orderQueues = new Map<string, Array<() => Promise<void>>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private reconciling: Promise<void> | null = null;
  private reconcileAgain = false;
  private flattening: Promise<void> | null = null;
  private flattenSeq = 0;
  private amendSeq = 0;
  /**
   * In the ids this gateway makes (flattens, amendments): clientOids are unique per account, and the gateways of a
   * session of several symbols flatten in the same millisecond with the same sequence number.
   */
  private get oidTag(): string {
    return `${this.cfg.grid.symbol.toLowerCase()}-`;
  }
  private stopped = false;
  /** Set by closing(): the stop's cancel-all and flatten are sent at once, tried once, never put off. */
  private closingDown = false;
  /** The venue not answering: since when (ms), failed attempts so far, the next attempt's timer. */
  private outage: { sinceMs: number; failures: number; timer: ReturnType<typeof setTimeout> | null } | null = null;
  /** A cancel-all asked while the venue did not answer, sent before the next attempt's reconcile. */
  private cancelAllOwed = false;
  private refusedOnce = false;
  /**
   * Why the stop's requests failed (''s when they did not): the last cancel-all's, and the flatten's reading of the
   * position, so the session can say what may still be on the venue.
   */
  readonly failures = { cancelAll: '', flatten: '' };

  constructor(opts: BitgetGatewayOptions) {
    this.o = opts;
    const productType = opts.productType ?? (opts.grid.instType as ProductType);
    if ((productType as string) === 'SPOT')
      throw new Error('RB_ERR_GW_CONFIG: the gateway routes futures; use BitgetRestClient.spot* for spot');
    if (opts.mode !== 'live' && productType.startsWith('S')) {
      throw new Error(
        `RB_ERR_GW_CONFIG: ${productType} is a simulated coin type of the live environment; demo mode uses the normal product types (§1.2, error 40099)`,
      );
    }
    this.cfg = {
      grid: opts.grid,
      productType,
      marginCoin: opts.marginCoin ?? 'USDT',
      marginMode: opts.marginMode ?? 'crossed',
      posMode: opts.posMode ?? 'one_way_mode',
    };
    const ends = gatewayEndpoints(opts.mode, opts.restUrl);
    this.clock = opts.clock ?? new ServerClock();
    const log = (level: Level, line: string) => opts.log?.(level, line);
    this.rest = new BitgetRestClient({
      baseUrl: opts.restUrl ?? ends.restUrl,
      mode: opts.mode,
      credentials: opts.credentials,
      clock: this.clock,
      // a gateway per symbol measures its own offset: say whose it is
      log: (level, line) => log(level, line.startsWith('clock offset') ? `${this.cfg.grid.symbol}: ${line}` : line),
      ...opts.rest,
    });
    this.tracker = new OrderTracker({ emit: (e) => this.emit(e), log });
    this.privateWs =
      opts.privateWs === false
        ? null
        : new BitgetPrivateWs({
            url: opts.wsUrl ?? ends.wsUrl,
            credentials: opts.credentials,
            clock: this.clock,
            instType: productType,
            log,
            ...opts.ws,
            onPush: (push) =>
              routePrivatePush(push, {
                grid: this.cfg.grid,
                tracker: this.tracker,
                log,
                onPositions: (rows) => {
                  this.positionLot = signedPositionLot(rows);
                },
              }),
            onReady: () => {
              if (this.o.autoReconcile !== false) this.requestReconcile(true);
            },
            onDown: (reason) => this.emit({ type: 'disconnect', reason: `private stream: ${reason}` }),
          });
  }

  /** Measures the clock offset (unless disabled) and connects the private stream. */
  async start(): Promise<void> {
    await this.prepare();
    this.connect();
  }

  /** The venue's clock minus ours (ms) as prepare() measured it; null when it was not. */
  clockOffsetMs: number | null = null;

  /** start()'s first half: the clock offset and the order connection; nothing is asked of the account yet. */
  async prepare(): Promise<void> {
    this.log(
      'info',
      `gateway ${this.cfg.grid.symbol} ${this.cfg.productType} (${this.o.mode}, ${this.cfg.posMode}) with ${describeCredentials(this.o.credentials)}`,
    );
    if (this.o.syncClockOnStart !== false) {
      try {
        this.clockOffsetMs = (await this.rest.syncClock(3)).offsetMs;
      } catch (err) {
        this.log('warn', `clock offset not measured (${errorText(err)}); using the local clock`);
      }
    }
    // the order requests' own connection, made now so the first order need not wait for it (node:http carries them
    // until it is up)
    if (!(await this.rest.openOrderSocket()) && this.rest.orderSocket)
      this.log('warn', 'the order connection could not be made; orders go through node:http until it is');
  }

  /** start()'s second half: the private stream (whose readiness reconciles), or a reconcile now without one. */
  connect(): void {
    if (this.privateWs) this.privateWs.start();
    else if (this.o.autoReconcile !== false) this.requestReconcile();
  }

  /** Disconnects; requests still in flight finish but emit nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.outage?.timer) clearTimeout(this.outage.timer);
    this.privateWs?.stop();
    this.rest.close();
  }

  /**
   * The session is stopping: from now on a cancel-all or flatten is sent at once (not put off while the venue does not
   * answer) and tried once; a failure is kept in `failures` and logged, not turned into a disconnect that would ask
   * for another round.
   */
  closing(): void {
    this.closingDown = true;
    if (this.outage?.timer) clearTimeout(this.outage.timer);
    this.outage = null;
    this.cancelAllOwed = false;
  }

  /** The venue's position and open orders of this symbol, read now. Throws what the REST client throws. */
  async readVenue(): Promise<VenueState> {
    const { grid, productType, marginCoin } = this.cfg;
    const rows = await this.rest.singlePosition({ symbol: grid.symbol, productType, marginCoin });
    const positions = (rows ?? []).filter((r) => r.symbol === grid.symbol).map((r) => parsePositionRow(r, grid));
    return { positionLot: signedPositionLot(positions), openOrders: await this.fetchPending() };
  }

  /** Resolves once no request is queued or in flight (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  handle(action: Action): void {
    if (this.stopped) return;
    this.stats.actions++;
    switch (action.type) {
      case 'amend':
        return this.amend(action);
      case 'place':
        return this.place(action);
      case 'cancel':
        return this.enqueue(action.clientOid, () => this.cancelOp(action.clientOid));
      case 'cancelAll':
        return this.requestCancelAll();
      case 'reconcile':
        return this.requestReconcile();
      case 'flatten':
        return this.requestFlatten();
    }
  }

  /**
   * Several actions at once: places (two or more) go out as batch-place-order, cancels (two or more) as
   * batch-cancel-orders, 50 per request; everything else as handle(). Each order's result is the event its own
   * request would have given, and each order's operations still run one at a time in the order asked: an action on
   * an order that a pending batch holds (or one without an order: cancelAll, reconcile, …) sends the batches first.
   */
  handleAll(actions: readonly Action[]): void {
    if (this.stopped) return;
    let places: PlaceAction[] = [];
    let cancels: string[] = [];
    const flush = () => {
      if (places.length === 1) this.handle(places[0]);
      else if (places.length > 1) {
        const admitted = places.filter((a) => this.admitPlace(a, true));
        this.stats.actions += places.length;
        for (let i = 0; i < admitted.length; i += BATCH_MAX) this.placeBatch(admitted.slice(i, i + BATCH_MAX));
      }
      if (cancels.length === 1) this.handle({ type: 'cancel', clientOid: cancels[0] });
      else if (cancels.length > 1) {
        this.stats.actions += cancels.length;
        for (let i = 0; i < cancels.length; i += BATCH_MAX) this.cancelBatch(cancels.slice(i, i + BATCH_MAX));
      }
      places = [];
      cancels = [];
    };
    for (const a of actions) {
      if (a.type === 'place') {
        if (cancels.includes(a.clientOid)) flush();
        places.push(a);
      } else if (a.type === 'cancel') {
        if (!cancels.includes(a.clientOid)) cancels.push(a.clientOid); // a second cancel would be answered by the first
      } else {
        flush();
        this.handle(a);
      }
    }
    flush();
  }

  // ---- place / cancel ----

  /**
   * A place order's own work without the order: the checks, the request body and the signed bytes, for a limit order
   * of one lot that is never sent (no tracker entry, no event, no budget, no socket; see warmPlaceOrder). Keeps that
   * code compiled and in the caches while no order is being sent (docs/tuning.md, keeping the hot path warm).
   */
  warmOrderPath(): number {
    const a = WARM_PLACE;
    if (placeProblem(a) !== null) return 0;
    return this.rest.warmPlaceOrder(placeOrderRequest(a, this.cfg));
  }

  private place(a: PlaceAction): void {
    if (this.admitPlace(a, false)) this.enqueue(a.clientOid, () => this.placeOp(a));
  }

  /** The local checks of a place (a refusal is emitted); registers the order as sending when it passes. */
  private admitPlace(a: PlaceAction, batched: boolean): boolean {
    const problem = placeProblem(a) ?? (batched ? this.batchProblem(a) : null);
    if (problem) {
      this.emit({ type: 'reject', clientOid: a.clientOid, code: 'RB_ERR_GW_BAD_ORDER', message: problem, retryable: false });
      return false;
    }
    const known = this.tracker.get(a.clientOid);
    if (known && known.state !== 'rejected') {
      this.emit({
        type: 'reject',
        clientOid: a.clientOid,
        code: 'RB_ERR_GW_DUPLICATE_CLIENT_OID',
        message: `clientOid ${a.clientOid} is already in use (${known.state})`,
        retryable: false,
      });
      return false;
    }
    this.tracker.placing(a.clientOid, a.side, a.qtyLot, a.orderType === 'limit' ? a.priceTick! : 0);
    return true;
  }

  /** What the batch body cannot carry (the grid conversion), checked before the order joins a batch. */
  private batchProblem(a: PlaceAction): string | null {
    try {
      batchOrderEntry(a, this.cfg);
      return null;
    } catch (err) {
      return errorText(err);
    }
  }

  /** One batch-place-order for up to 50 admitted places; each order's row becomes its ack or reject. */
  private placeBatch(list: PlaceAction[]): void {
    this.stats.batches++;
    const { grid, productType, marginMode, marginCoin } = this.cfg;
    this.enqueueBatch(
      list.map((a) => a.clientOid),
      async () => {
        const orderList = list.map((a) => batchOrderEntry(a, this.cfg));
        try {
          const r = await this.rest.batchPlaceOrder({ symbol: grid.symbol, productType, marginMode, marginCoin, orderList });
          const answered = new Set<string>();
          for (const row of r?.successList ?? []) {
            const oid = String(row.clientOid ?? '');
            if (!list.some((a) => a.clientOid === oid)) continue;
            answered.add(oid);
            this.tracker.placeAccepted(oid, row.orderId ? String(row.orderId) : '');
          }
          const unknown: string[] = [];
          for (const row of r?.failureList ?? []) {
            const oid = String(row.clientOid ?? '');
            if (!list.some((a) => a.clientOid === oid) || answered.has(oid)) continue;
            answered.add(oid);
            // Judged as the same answer to a single place-order would be (a duplicate clientOid: outcome unknown)
            const err = new BitgetApiError(String(row.errorCode ?? 'RB_ERR_GW_BATCH_FAILED'), String(row.errorMsg ?? ''), 200, BATCH_PATH);
            const ev = placeFailureEvent(oid, err);
            if (ev.type === 'disconnect') unknown.push(oid);
            else this.tracker.placeRejected(oid, ev);
          }
          const missing = list.filter((a) => !answered.has(a.clientOid) || unknown.includes(a.clientOid));
          if (missing.length) {
            for (const a of missing) this.tracker.placeUnknown(a.clientOid);
            this.emit({ type: 'disconnect', reason: `batch place: outcome unknown for ${missing.map((a) => a.clientOid).join(', ')}` });
            this.reconcileAfterUnknown();
          }
        } catch (err) {
          if (outcomeUnknown(err)) {
            for (const a of list) this.tracker.placeUnknown(a.clientOid);
            this.emit({ type: 'disconnect', reason: `batch place: outcome unknown (${errorText(err)})` });
            this.reconcileAfterUnknown();
          } else {
            for (const a of list) this.tracker.placeRejected(a.clientOid, placeFailureEvent(a.clientOid, err));
          }
        }
      },
    );
  }

  /** One batch-cancel-orders for up to 50 orders; each order's row becomes its cancelAck or cancelReject. */
  private cancelBatch(clientOids: string[]): void {
    this.stats.batches++;
    this.enqueueBatch(clientOids, async () => {
      const { grid, productType, marginCoin } = this.cfg;
      const sent = clientOids
        .filter((c) => !this.cancelSettledLocally(c))
        .map((clientOid) => ({ clientOid, ref: this.venueRef(clientOid) }));
      if (!sent.length) return;
      // A row names the order as it was sent: by orderId, or by the clientOid the venue knows
      const senderOf = (row: { orderId?: string; clientOid?: string }) =>
        sent.find((s) => ('orderId' in s.ref ? row.orderId === s.ref.orderId : row.clientOid === s.ref.clientOid));
      try {
        const r = await this.rest.batchCancelOrders({ symbol: grid.symbol, productType, marginCoin, orderIdList: sent.map((s) => s.ref) });
        const answered = new Set<string>();
        for (const row of r?.successList ?? []) {
          const s = senderOf(row);
          if (!s || answered.has(s.clientOid)) continue;
          answered.add(s.clientOid);
          this.tracker.cancelAccepted(s.clientOid, row.orderId ? String(row.orderId) : undefined);
        }
        const unsure: string[] = [];
        for (const row of r?.failureList ?? []) {
          const s = senderOf(row);
          if (!s || answered.has(s.clientOid)) continue;
          answered.add(s.clientOid);
          if (this.tracker.get(s.clientOid)?.cancelAcked) continue; // a push said it first
          // judged as the answer to a single cancel-order would be: a row saying the venue timed out leaves the
          // cancel's outcome unknown
          const err = new BitgetApiError(
            String(row.errorCode ?? 'RB_ERR_GW_CANCEL_FAILED'),
            String(row.errorMsg ?? ''),
            200,
            BATCH_CANCEL_PATH,
          );
          const ev = cancelFailureEvent(s.clientOid, err);
          if (ev.type === 'disconnect') unsure.push(s.clientOid);
          else this.emit(ev);
        }
        if (unsure.length) this.emit({ type: 'disconnect', reason: `batch cancel: outcome unknown for ${unsure.join(', ')}` });
        const missing = sent.filter((s) => !answered.has(s.clientOid)).map((s) => s.clientOid);
        if (missing.length) this.log('warn', `batch cancel: no row for ${missing.join(', ')}; reconciling`);
        if (missing.length || unsure.length) this.reconcileAfterUnknown();
      } catch (err) {
        if (outcomeUnknown(err)) {
          this.emit({ type: 'disconnect', reason: `batch cancel: outcome unknown (${errorText(err)})` });
          this.reconcileAfterUnknown();
          return;
        }
        for (const s of sent) if (!this.tracker.get(s.clientOid)?.cancelAcked) this.emit(cancelFailureEvent(s.clientOid, err));
      }
    });
  }

  /** How the venue knows an order now: its orderId when known, else the clientOid it took (an amendment renames). */
  private venueRef(clientOid: string): { orderId: string } | { clientOid: string } {
    const t = this.tracker.get(clientOid);
    return t?.orderId ? { orderId: t.orderId } : { clientOid: t?.venueOid ?? clientOid };
  }

  /**
   * A cancel the gateway can answer without asking (already cancelled, rejected, filled): emits that answer and
   * returns true, or returns false when the venue must be asked.
   */
  private cancelSettledLocally(clientOid: string): boolean {
    const t = this.tracker.get(clientOid);
    if (t?.cancelAcked) return true;
    if (t?.state === 'rejected') {
      this.emit({ type: 'cancelReject', clientOid, code: 'RB_ERR_GW_NOT_PLACED', message: 'the order was rejected' });
      return true;
    }
    if (t?.state === 'filled') {
      this.emit({ type: 'cancelReject', clientOid, code: 'RB_ERR_GW_ORDER_FILLED', message: 'the order is filled' });
      return true;
    }
    return false;
  }

  // ---- amend ----

  private amend(a: AmendAction): void {
    const reject = (code: string, message: string) => this.emit({ type: 'amendReject', clientOid: a.clientOid, code, message });
    const bad = (v: number | undefined) => v !== undefined && !(Number.isSafeInteger(v) && v > 0);
    if (a.priceTick === undefined && a.qtyLot === undefined) return reject('RB_ERR_GW_BAD_AMEND', 'an amendment needs priceTick or qtyLot');
    if (bad(a.priceTick)) return reject('RB_ERR_GW_BAD_AMEND', `priceTick ${a.priceTick} is not a positive whole number`);
    if (bad(a.qtyLot)) return reject('RB_ERR_GW_BAD_AMEND', `qtyLot ${a.qtyLot} is not a positive whole number`);
    const t = this.tracker.get(a.clientOid);
    if (!t || this.tracker.isTerminal(t)) return reject('RB_ERR_GW_NOT_OPEN', `order ${a.clientOid} is not working`);
    if (t.priceTick === 0) return reject('RB_ERR_GW_BAD_AMEND', 'only a limit order can be amended');
    this.enqueue(a.clientOid, () => this.amendOp(a));
  }

  private async amendOp(a: AmendAction): Promise<void> {
    const t = this.tracker.get(a.clientOid);
    if (!t || this.tracker.isTerminal(t) || t.cancelAcked) {
      return this.emit({
        type: 'amendReject',
        clientOid: a.clientOid,
        code: 'RB_ERR_GW_NOT_OPEN',
        message: 'the order is no longer working',
      });
    }
    // Bitget modifies only an order with nothing filled yet (docs/bitget.md §5.7): say so without a request
    if (t.filledLot > 0) {
      return this.emit({
        type: 'amendReject',
        clientOid: a.clientOid,
        code: 'RB_ERR_GW_PARTLY_FILLED',
        message: `${t.filledLot} lots are filled; Bitget modifies only an unfilled order (cancel and place instead)`,
      });
    }
    const { grid, productType, marginCoin } = this.cfg;
    const priceTick = a.priceTick ?? t.priceTick;
    const sizeLot = a.qtyLot ?? t.sizeLot;
    const newClientOid = `${this.o.amendPrefix ?? 'rbam'}-${this.oidTag}${this.clock.now().toString(36)}-${++this.amendSeq}`;
    let newSize: string;
    let newPrice: string;
    try {
      newSize = lotsToSize(grid, sizeLot);
      newPrice = ticksToPrice(grid, priceTick);
    } catch (err) {
      return this.emit({ type: 'amendReject', clientOid: a.clientOid, code: 'RB_ERR_GW_BAD_AMEND', message: errorText(err) });
    }
    const ref = this.venueRef(a.clientOid);
    this.tracker.amending(a.clientOid, newClientOid, priceTick, sizeLot);
    try {
      // Both newSize and newPrice, always: the page asks for the pair even when one of them does not change
      await this.rest.modifyOrder({ symbol: grid.symbol, productType, marginCoin, ...ref, newClientOid, newSize, newPrice });
      this.tracker.amendAccepted(a.clientOid);
    } catch (err) {
      if (outcomeUnknown(err)) {
        this.tracker.amendUnknown(a.clientOid); // the next push under newClientOid, or the reconcile, decides
        this.emit({ type: 'disconnect', reason: `amend ${a.clientOid}: outcome unknown (${errorText(err)})` });
        this.reconcileAfterUnknown();
        return;
      }
      if (err instanceof BitgetApiError) this.tracker.amendRejected(a.clientOid, err.code, err.msg);
      else this.tracker.amendRejected(a.clientOid, 'RB_ERR_GW_INTERNAL', errorText(err));
    }
  }

  private async placeOp(a: PlaceAction): Promise<void> {
    let req;
    try {
      req = placeOrderRequest(a, this.cfg);
    } catch (err) {
      return this.tracker.placeRejected(a.clientOid, {
        type: 'reject',
        clientOid: a.clientOid,
        code: 'RB_ERR_GW_BAD_ORDER',
        message: errorText(err),
        retryable: false,
      });
    }
    try {
      const onWire = this.o.onWire;
      const r = await this.rest.placeOrder(req, onWire ? () => onWire(a.clientOid) : undefined);
      this.tracker.placeAccepted(a.clientOid, r?.orderId ? String(r.orderId) : '');
    } catch (err) {
      const ev = placeFailureEvent(a.clientOid, err);
      this.refused(err);
      if (ev.type === 'disconnect') {
        this.tracker.placeUnknown(a.clientOid);
        this.emit(ev);
        this.reconcileAfterUnknown();
      } else {
        this.tracker.placeRejected(a.clientOid, ev);
      }
    }
  }

  private async cancelOp(clientOid: string): Promise<void> {
    if (this.cancelSettledLocally(clientOid)) return; // answered already (a push, an earlier cancel) or locally
    const { grid, productType, marginCoin } = this.cfg;
    const ref = this.venueRef(clientOid);
    try {
      const r = await this.rest.cancelOrder({ symbol: grid.symbol, productType, marginCoin, ...ref });
      this.tracker.cancelAccepted(clientOid, r?.orderId ? String(r.orderId) : undefined);
    } catch (err) {
      const ev = cancelFailureEvent(clientOid, err);
      this.refused(err);
      if (ev.type === 'disconnect') {
        this.emit(ev);
        this.reconcileAfterUnknown();
      } else if (!this.tracker.get(clientOid)?.cancelAcked) {
        this.emit(ev);
      }
    }
  }

  /** Runs `op` after every earlier operation on the same order (one request per order in flight). */
  private enqueue(clientOid: string, op: () => Promise<void>): void {
    const q = this.orderQueues.get(clientOid);
    if (q) {
      q.push(op);
      return;
    }
    const queue = [op];
    this.orderQueues.set(clientOid, queue);
    this.track(
      (async () => {
        while (queue.length) {
          try {
            await queue[0]();
          } catch (err) {
            this.log('error', `order ${clientOid}: ${errorText(err)}`);
          }
          queue.shift();
        }
        this.orderQueues.delete(clientOid);
      })(),
    );
  }

  /**
   * Runs `op` once every listed order's earlier operations are done, and holds each order's later operations until
   * it is done: a batch request keeps the one-request-per-order rule.
   */
  private enqueueBatch(clientOids: string[], op: () => Promise<void>): void {
    let arrived = 0;
    let start!: () => void;
    const allHere = new Promise<void>((resolve) => (start = resolve));
    const done = this.track(allHere.then(op));
    for (const clientOid of clientOids) {
      this.enqueue(clientOid, async () => {
        if (++arrived === clientOids.length) start();
        await done;
      });
    }
  }

  // ---- cancel all ----

  /** A cancel-all: put off to the next attempt while the venue does not answer (but not at the stop). */
  private requestCancelAll(): void {
    if (this.outage !== null && !this.closingDown) {
      this.cancelAllOwed = true;
      return;
    }
    void this.track(this.cancelAll());
  }

  /** False when it failed: the venue did not answer (the cancel-all is then owed to the next attempt), or at the stop. */
  private async cancelAll(): Promise<boolean> {
    const { grid, productType, marginCoin } = this.cfg;
    try {
      if (this.o.cancelAllScope === 'symbol') {
        const pending = await this.fetchPending();
        for (let i = 0; i < pending.length; i += 50) {
          const chunk = pending.slice(i, i + 50).map((p) => ({ orderId: p.orderId }));
          this.applyBatchResult(await this.rest.batchCancelOrders({ symbol: grid.symbol, productType, marginCoin, orderIdList: chunk }));
        }
      } else {
        this.applyBatchResult(await this.rest.cancelAllOrders({ productType, marginCoin }));
      }
      this.failures.cancelAll = '';
      return true;
    } catch (err) {
      if (this.closingDown) {
        this.failures.cancelAll = errorText(err);
        this.log('error', `cancel-all ${grid.symbol} failed: ${errorText(err)}`);
        if (!outcomeUnknown(err)) for (const t of this.tracker.openOrders()) this.emit(cancelFailureEvent(t.clientOid, err));
        return false;
      }
      if (this.refused(err)) return false;
      if (outcomeUnknown(err)) {
        if (this.outage !== null) {
          this.cancelAllOwed = true; // the attempt that follows says the venue is still not answering
          return false;
        }
        this.emit({ type: 'disconnect', reason: `cancelAll: outcome unknown (${errorText(err)})` });
        this.reconcileAfterUnknown();
        return false;
      }
      for (const t of this.tracker.openOrders()) this.emit(cancelFailureEvent(t.clientOid, err));
      return true;
    }
  }

  private applyBatchResult(r: {
    successList?: Array<{ orderId?: string; clientOid?: string }> | null;
    failureList?: Array<{ orderId?: string; clientOid?: string; errorMsg?: string; errorCode?: string }> | null;
  }): void {
    for (const s of r?.successList ?? []) {
      const t = this.findTracked(s);
      if (t) this.tracker.cancelAccepted(t.clientOid, s.orderId);
    }
    const unsure: string[] = [];
    for (const f of r?.failureList ?? []) {
      const t = this.findTracked(f);
      if (!t || t.cancelAcked) continue;
      const err = new BitgetApiError(String(f.errorCode ?? 'RB_ERR_GW_CANCEL_FAILED'), String(f.errorMsg ?? ''), 200, BATCH_CANCEL_PATH);
      const ev = cancelFailureEvent(t.clientOid, err);
      if (ev.type === 'disconnect') unsure.push(t.clientOid);
      else this.emit(ev);
    }
    // a row saying the venue timed out: that order may or may not be cancelled, which a reconcile reads (at the stop
    // the flatten and the summary that follow read the venue anyway)
    if (!unsure.length) return;
    const reason = `cancel-all: outcome unknown for ${unsure.join(', ')}`;
    if (this.closingDown) return this.log('warn', reason);
    this.emit({ type: 'disconnect', reason });
    this.reconcileAfterUnknown();
  }

  private findTracked(ids: { orderId?: string; clientOid?: string }) {
    return this.tracker.find({ clientOid: ids.clientOid || undefined, orderId: ids.orderId || undefined });
  }

  // ---- reconcile ----

  /**
   * Coalesces: a request during a reconcile runs one more after it (the one in flight may predate the need). While
   * the venue does not answer, the next attempt is already scheduled: a request waits for it, unless `now` (the
   * private stream is back: the venue answers again).
   */
  private requestReconcile(now = false): void {
    if (this.outage !== null && !this.closingDown) {
      if (now && this.outage.timer !== null && !this.reconciling) {
        clearTimeout(this.outage.timer);
        this.attempt();
      }
      return;
    }
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = this.track(
      (async () => {
        do {
          this.reconcileAgain = false;
          await this.reconcileOnce();
        } while (this.reconcileAgain && !this.stopped && this.outage === null);
        this.reconciling = null;
      })(),
    );
  }

  private reconcileAfterUnknown(): void {
    if (this.o.autoReconcile !== false) this.requestReconcile();
  }

  /**
   * Position first, then open orders: a fill between the two then shows in the orders (less remaining) but not
   * in the position, and its push — arriving after — adds it to the position exactly once. The attempt's requests
   * (two, or more when fills are recovered or the orders come in pages) end within `budgetMs` in all, one request's
   * timeout by default: each waiting its own timeout in turn, a slow venue kept the runtime without a word past its
   * reconcile limit (outageTiming sizes the wait and one request, not a chain of them).
   */
  private async reconcileOnce(budgetMs = this.rest.timeoutMs): Promise<void> {
    this.stats.reconciles++;
    const { grid } = this.cfg;
    try {
      const { positionLot, pending, clientOidFor, recovered } = await within(this.readForReconcile(), budgetMs, 'reconcile');
      for (const fill of recovered) this.tracker.onFillPush(fill);
      this.tracker.resync(pending, clientOidFor);
      this.positionLot = positionLot;
      // the venue answers: what the runtime asks on hearing it goes out at once
      const o = this.outage;
      this.outage = null;
      if (o !== null) {
        if (o.timer) clearTimeout(o.timer);
        this.log(
          'info',
          `${grid.symbol}: the venue answers again after ${seconds(Date.now() - o.sinceMs)} (${o.failures} failed attempt${o.failures === 1 ? '' : 's'})`,
        );
      }
      if (this.cancelAllOwed) {
        this.cancelAllOwed = false; // asked while this attempt was on its way
        void this.track(this.cancelAll());
      }
      this.emit({
        type: 'resynced',
        positionLot,
        openOrders: pending.map((p) => ({
          clientOid: clientOidFor(p),
          side: p.side,
          priceTick: p.priceTick,
          remainingLot: Math.max(0, p.sizeLot - p.filledLot),
        })),
      });
    } catch (err) {
      if (this.refused(err)) return;
      this.unanswered(`reconcile failed: ${errorText(err)}`);
    }
  }

  /**
   * What a reconcile reads: the position and open orders (readVenue), and the fills of orders we think are working
   * that the venue no longer lists. Nothing is applied here: an attempt that ran out of time leaves no trace.
   */
  private async readForReconcile() {
    const { positionLot, openOrders: pending } = await this.readVenue();
    const clientOidFor = (p: PendingOrder) =>
      (p.clientOid && this.tracker.strategyOid(p.clientOid)) || p.clientOid || `bitget-${p.orderId}`;
    const recovered = await this.recoverFills(pending, clientOidFor);
    return { positionLot, pending, clientOidFor, recovered };
  }

  /**
   * A reconcile failed: say so to the runtime (which stays in RECONCILE, orders refused) and try again after a delay
   * that doubles from retry.baseMs to retry.maxMs, not at once: a venue that is down would otherwise be asked (and the
   * log told) as fast as the refusals come back.
   */
  private unanswered(reason: string): void {
    if (this.closingDown || this.stopped) {
      // the stop tries once: its summary says what may be left, and a disconnect would only ask for another round
      this.log('error', `${this.cfg.grid.symbol}: ${reason}`);
      return;
    }
    const { baseMs, maxMs } = this.o.retry ?? RETRY;
    const first = this.outage === null;
    const o = (this.outage ??= { sinceMs: Date.now(), failures: 0, timer: null });
    o.failures++;
    const delay = Math.min(baseMs * 2 ** Math.min(o.failures - 1, 30), maxMs);
    if (first)
      this.log(
        'warn',
        `${this.cfg.grid.symbol}: the venue does not answer (${reason}); trying again in ${seconds(baseMs)}, then less and less often (at most every ${seconds(maxMs)})`,
      );
    o.timer = setTimeout(() => this.attempt(), delay);
    this.emit({ type: 'disconnect', reason });
  }

  /** The next attempt while the venue does not answer: the cancel-all owed first, then the reconcile. */
  private attempt(): void {
    if (this.outage) this.outage.timer = null;
    if (this.stopped || this.reconciling) return;
    this.reconciling = this.track(
      (async () => {
        try {
          // one budget for the attempt, the cancel-all owed included: the runtime hears nothing until it ends
          const endsAt = Date.now() + this.rest.timeoutMs;
          if (this.cancelAllOwed) {
            this.cancelAllOwed = false;
            const done = await within(this.cancelAll(), this.rest.timeoutMs, 'cancel-all').catch(() => {
              this.cancelAllOwed = true; // its outcome is unknown: sent again before the next attempt's reconcile
              return false;
            });
            if (!done) return this.unanswered('cancel-all failed: the venue does not answer');
          }
          await this.reconcileOnce(endsAt - Date.now());
        } finally {
          this.reconciling = null;
        }
        if (this.outage === null && this.reconcileAgain && !this.stopped) this.requestReconcile();
      })(),
    );
  }

  /** Whether `err` is the venue refusing the keys: said once (onAuthRefused), and nothing retried for it. */
  private refused(err: unknown): boolean {
    if (!authRefused(err)) return false;
    if (!this.refusedOnce) {
      this.refusedOnce = true;
      if (this.outage?.timer) clearTimeout(this.outage.timer);
      this.outage = null;
      this.o.onAuthRefused?.(err);
    }
    return true;
  }

  /**
   * Orders we still think are working but the venue no longer lists finished while we could not see (usually during a
   * private-stream outage): their fills are read from the fill history and go through the tracker like pushes, so
   * each counts once and the position stays the sum of fills.
   */
  private async recoverFills(pending: PendingOrder[], clientOidFor: (p: PendingOrder) => string) {
    const { grid, productType } = this.cfg;
    const listed = new Set(pending.map(clientOidFor));
    const fills: Array<Parameters<OrderTracker['onFillPush']>[0]> = [];
    for (const t of this.tracker.openOrders()) {
      if (listed.has(t.clientOid) || t.state === 'sending') continue;
      let orderId = t.orderId;
      if (!orderId) {
        try {
          orderId = String((await this.rest.orderDetail({ symbol: grid.symbol, productType, clientOid: t.venueOid }))?.orderId ?? '');
        } catch {
          continue; // never reached the venue: nothing to recover
        }
      }
      if (!orderId) continue;
      for (const row of (await this.orderFillRows(orderId)).reverse()) {
        fills.push({ ...parseFillRow({ ...row, clientOid: row.clientOid ?? t.venueOid }, grid), orderId });
      }
    }
    return fills;
  }

  /**
   * Every fill of one order, newest first: GET order/fills answers at most 100 a page (docs/bitget.md §5.4), so an
   * order filled in more pieces than that is read back page by page with idLessThan = the page's endId. Stops at a
   * short page, a missing cursor, or a page with nothing new (a venue that ignores the cursor).
   */
  private orderFillRows(orderId: string): Promise<Array<Record<string, unknown>>> {
    const { grid, productType } = this.cfg;
    return pagesBack(
      async (idLessThan) => {
        const r = await this.rest.orderFills({
          symbol: grid.symbol,
          productType,
          orderId,
          limit: FILLS_PAGE,
          ...(idLessThan ? { idLessThan } : {}),
        });
        return { list: r?.fillList, endId: r?.endId };
      },
      FILLS_PAGE,
      (row) => String(row.tradeId ?? ''),
    );
  }

  /** Every open order of the symbol, following the endId cursor. */
  private async fetchPending(): Promise<PendingOrder[]> {
    const { grid, productType } = this.cfg;
    const rows = await pagesBack(
      async (idLessThan) => {
        const r = await this.rest.ordersPending({ productType, symbol: grid.symbol, idLessThan, limit: ORDERS_PAGE });
        return { list: r?.entrustedList, endId: r?.endId };
      },
      ORDERS_PAGE,
      (row) => String(row.orderId),
      (row) => row.symbol === grid.symbol,
    );
    return rows.map((row) => parsePendingRow(row, grid));
  }

  // ---- flatten ----

  private requestFlatten(): void {
    if (this.flattening) return; // one at a time: the running one reads the position fresh
    this.flattening = this.track(
      (async () => {
        try {
          await this.flattenOnce();
        } finally {
          this.flattening = null;
        }
      })(),
    );
  }

  /** Reduce-only market order(s) for the current position, under clientOids `${flattenPrefix}-<time>-<n>`. */
  private async flattenOnce(): Promise<void> {
    this.stats.flattens++;
    const { grid, productType, marginCoin } = this.cfg;
    // The requests sent before it are answered first (an entry's place, the kill switch's cancel-all): a place the
    // venue takes after the position is read trades after it, and would leave a position this flatten never saw.
    const before = [...this.inFlight];
    if (before.length) {
      this.log('info', `flatten ${grid.symbol}: waiting for ${before.length} request(s) in flight before reading the position`);
      const waitMs = this.o.flattenWaitMs ?? 2_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const answered = await Promise.race([
        Promise.allSettled(before).then(() => true),
        new Promise<false>((r) => (timer = setTimeout(() => r(false), waitMs))),
      ]);
      clearTimeout(timer);
      if (!answered)
        this.log('warn', `flatten ${grid.symbol}: request(s) still unanswered after ${waitMs} ms; reading the position anyway`);
    }
    let positions: PositionUpdate[];
    try {
      const rows = await this.rest.singlePosition({ symbol: grid.symbol, productType, marginCoin });
      positions = (rows ?? []).filter((r) => r.symbol === grid.symbol).map((r) => parsePositionRow(r, grid));
    } catch (err) {
      this.failures.flatten = errorText(err);
      if (this.closingDown) this.log('error', `flatten ${grid.symbol}: cannot read the position (${errorText(err)})`);
      else if (!this.refused(err)) this.emit({ type: 'disconnect', reason: `flatten: cannot read the position (${errorText(err)})` });
      return;
    }
    this.failures.flatten = '';
    const open = positions.filter((p) => p.totalLot > 0);
    if (!open.length) {
      this.log('info', `flatten ${grid.symbol}: no position`);
      return;
    }
    const placed: Array<Promise<void>> = [];
    for (const p of open) {
      const clientOid = `${this.o.flattenPrefix ?? 'rbflat'}-${this.oidTag}${this.clock.now().toString(36)}-${++this.flattenSeq}`;
      const a: PlaceAction = {
        type: 'place',
        clientOid,
        side: p.holdSide === 'long' ? 'sell' : 'buy',
        orderType: 'market',
        qtyLot: p.totalLot,
        force: 'ioc',
        reduceOnly: true,
      };
      this.log('warn', `flatten ${grid.symbol}: ${a.side} ${p.totalLot} lots reduce-only market as ${clientOid}`);
      this.tracker.placing(clientOid, a.side, a.qtyLot, 0, true);
      this.stats.flattenOrders++;
      // Held until answered: a second flatten meanwhile is coalesced instead of sending a second close.
      placed.push(new Promise<void>((done) => this.enqueue(clientOid, () => this.placeOp(a).finally(done))));
    }
    await Promise.all(placed);
  }

  // ---- funding ----

  /**
   * The funding this symbol's position was charged between `fromMs` and `toMs` (the venue's clock), as the venue
   * booked it: the account's bills of businessType contract_settle_fee (§5.9), summed exactly. `amount` is signed:
   * negative paid, positive received. Pages back with idLessThan while a page comes full (at most 20 pages of 100), in
   * windows of at most 30 days (§5.9).
   * Throws what the REST client throws (BitgetApiError, GatewayTransportError) or a GatewayDecimalError on a bad row.
   */
  async fundingBills(fromMs: number, toMs: number): Promise<{ received: bigint; scale: number; settlements: number }> {
    const { grid, productType } = this.cfg;
    let received = 0n;
    let settlements = 0;
    // the venue answers at most BILL_WINDOW_MS a query: a longer session is read window by window; a bill on the
    // edge of two windows is in both answers (by whichever bounds the venue includes) and counted once, by its id
    const seen = new Set<string>();
    const end = Math.ceil(toMs);
    for (let from = Math.floor(fromMs); from < end; from += BILL_WINDOW_MS) {
      const to = Math.min(end, from + BILL_WINDOW_MS);
      let idLessThan: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = await this.rest.accountBills({
          productType,
          symbol: grid.symbol,
          businessType: FUNDING_BILL,
          startTime: from,
          endTime: to,
          limit: BILLS_PAGE,
          ...(idLessThan ? { idLessThan } : {}),
        });
        const bills = r?.bills ?? [];
        // a revision of the page takes no symbol: another symbol's bills are left out here
        for (const b of bills) {
          if (b.businessType !== FUNDING_BILL || b.symbol !== grid.symbol) continue;
          if (seen.has(b.billId)) continue;
          seen.add(b.billId);
          received += scaledExact(b.amount, BILL_SCALE, `${grid.symbol} funding bill ${b.billId} amount`, true);
          settlements++;
        }
        if (bills.length < BILLS_PAGE || !r.endId) break;
        idLessThan = String(r.endId);
      }
    }
    return { received, scale: BILL_SCALE, settlements };
  }

  // ---- plumbing ----

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p)).catch(() => {});
    return p;
  }

  private emit(e: Event): void {
    if (this.stopped) return;
    this.stats.events++;
    try {
      this.o.onEvent(e);
    } catch (err) {
      this.log('error', `onEvent threw on ${e.type}: ${errorText(err)}`);
    }
  }

  private log(level: Level, line: string): void {
    this.o.log?.(level, line);
  }
}

/**
 * `work`, or a timeout after `ms` (what is under way goes on: its outcome, success or failure, is dropped). An
 * attempt's requests share one budget this way without each taking a deadline.
 */
/**
 * The rows of a list the venue answers newest first in pages of `size`, following its endId cursor (idLessThan = the
 * last page's endId), each row once by `id`, only those `keep` takes. Stops at a short page, a missing cursor, a page
 * with nothing new (a venue that ignores the cursor), or MAX_PAGES.
 */
async function pagesBack<R>(
  page: (idLessThan: string | undefined) => Promise<{ list: readonly R[] | null | undefined; endId: unknown }>,
  size: number,
  id: (row: R) => string,
  keep: (row: R) => boolean = () => true,
): Promise<R[]> {
  const rows: R[] = [];
  const seen = new Set<string>();
  let idLessThan: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const { list, endId } = await page(idLessThan);
    let fresh = 0;
    for (const row of list ?? []) {
      if (!keep(row) || seen.has(id(row))) continue;
      seen.add(id(row));
      rows.push(row);
      fresh++;
    }
    if ((list?.length ?? 0) < size || !endId || fresh === 0) break;
    idLessThan = String(endId);
  }
  return rows;
}

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new GatewayTransportError('RB_ERR_GW_TIMEOUT', what, `no answer within ${seconds(ms)} in all`)),
      Math.max(0, ms),
    );
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** "0.5 s", "10 s", "1 min 5 s": a delay or a spell as an operator reads it. */
function seconds(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}
