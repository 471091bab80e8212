// The live order gateway: FSM Actions in, FSM Events out (src/fsm/events.ts), over Bitget's signed REST and the
// private WebSocket. WHEN TO USE: one instance per traded USDT-M futures symbol (Actions carry no symbol); give it
// the instrument grid, the keys (from the CLI: env or file) and an `onEvent` callback; call `handle(action)`.
//
//   place     → POST place-order → ack | reject (| disconnect when the outcome is unknown)
//   cancel    → POST cancel-order → cancelAck | cancelReject (| disconnect)
//   cancelAll → POST cancel-all-orders (or, scope 'symbol': orders-pending + batch-cancel-orders) → cancelAck /
//               cancelReject per tracked order
//   reconcile → GET single-position, then orders-pending → resynced
//   flatten   → GET single-position → reduce-only market order(s) closing it, under a gateway-made clientOid
//   log       → the log callback
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
import { cancelFailureEvent, outcomeUnknown, placeFailureEvent } from './errors';
import { parsePendingRow, parsePositionRow, signedPositionLot, type PendingOrder, type PositionUpdate } from './parse';
import { placeOrderRequest, placeProblem, type MarginMode, type OrderVenueConfig, type PosMode, type ProductType } from './wire';

type PlaceAction = Extract<Action, { type: 'place' }>;
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
  /** Reconcile when the private stream is (re)ready, and after a REST outcome is unknown (default true). */
  autoReconcile?: boolean;
  /** REST client tuning (timeouts, budgets, 429 retries). */
  rest?: Pick<RestClientOptions, 'timeoutMs' | 'retries429' | 'retry429DelayMs' | 'rateLimits' | 'limiterNow' | 'autoClockSync' | 'locale'>;
  /** Private WebSocket tuning (ping, backoff, jitter source). */
  ws?: Pick<
    PrivateWsOptions,
    'pingMs' | 'pingJitterMs' | 'pongTimeoutMs' | 'handshakeTimeoutMs' | 'backoffBaseMs' | 'backoffMaxMs' | 'maxMessagesPerSec' | 'random'
  >;
}

const ORDERS_PAGE = 100;
const MAX_PAGES = 20;

export class BitgetGateway {
  readonly rest: BitgetRestClient;
  readonly privateWs: BitgetPrivateWs | null;
  readonly tracker: OrderTracker;
  readonly clock: ServerClock;
  readonly stats = { actions: 0, events: 0, reconciles: 0, flattens: 0 };
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
  private stopped = false;

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
      log,
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
              if (this.o.autoReconcile !== false) this.requestReconcile();
            },
            onDown: (reason) => this.emit({ type: 'disconnect', reason: `private stream: ${reason}` }),
          });
  }

  /** Measures the clock offset (unless disabled) and connects the private stream. */
  async start(): Promise<void> {
    this.log(
      'info',
      `gateway ${this.cfg.grid.symbol} ${this.cfg.productType} (${this.o.mode}, ${this.cfg.posMode}) with ${describeCredentials(this.o.credentials)}`,
    );
    if (this.o.syncClockOnStart !== false) {
      try {
        await this.rest.syncClock(3);
      } catch (err) {
        this.log('warn', `clock offset not measured (${errText(err)}); using the local clock`);
      }
    }
    if (this.privateWs) this.privateWs.start();
    else if (this.o.autoReconcile !== false) this.requestReconcile();
  }

  /** Disconnects; requests still in flight finish but emit nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.privateWs?.stop();
    this.rest.close();
  }

  /** Resolves once no request is queued or in flight (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  handle(action: Action): void {
    if (this.stopped) return;
    this.stats.actions++;
    switch (action.type) {
      case 'place':
        return this.place(action);
      case 'cancel':
        return this.enqueue(action.clientOid, () => this.cancelOp(action.clientOid));
      case 'cancelAll':
        return void this.track(this.cancelAll());
      case 'reconcile':
        return this.requestReconcile();
      case 'flatten':
        return this.requestFlatten();
      case 'amend':
        // Bitget's modify-order replaces the clientOid; until the gateway follows that, the runtime hears a refusal
        // at once (not an unanswered request) and the order stands as it was
        return this.emit({
          type: 'amendReject',
          clientOid: action.clientOid,
          code: 'RB_ERR_GW_NO_AMEND',
          message: 'amending an order is not supported by the live gateway yet: cancel it and place a new one',
        });
    }
  }

  // ---- place / cancel ----

  private place(a: PlaceAction): void {
    const problem = placeProblem(a);
    if (problem)
      return this.emit({ type: 'reject', clientOid: a.clientOid, code: 'RB_ERR_GW_BAD_ORDER', message: problem, retryable: false });
    const known = this.tracker.get(a.clientOid);
    if (known && known.state !== 'rejected') {
      return this.emit({
        type: 'reject',
        clientOid: a.clientOid,
        code: 'RB_ERR_GW_DUPLICATE_CLIENT_OID',
        message: `clientOid ${a.clientOid} is already in use (${known.state})`,
        retryable: false,
      });
    }
    this.tracker.placing(a.clientOid, a.side, a.qtyLot, a.orderType === 'limit' ? a.priceTick! : 0);
    this.enqueue(a.clientOid, () => this.placeOp(a));
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
        message: errText(err),
        retryable: false,
      });
    }
    try {
      const onWire = this.o.onWire;
      const r = await this.rest.placeOrder(req, onWire ? () => onWire(a.clientOid) : undefined);
      this.tracker.placeAccepted(a.clientOid, r?.orderId ? String(r.orderId) : '');
    } catch (err) {
      const ev = placeFailureEvent(a.clientOid, err);
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
    const t = this.tracker.get(clientOid);
    if (t?.cancelAcked) return; // already answered by a push or an earlier cancel
    if (t?.state === 'rejected')
      return this.emit({ type: 'cancelReject', clientOid, code: 'RB_ERR_GW_NOT_PLACED', message: 'the order was rejected' });
    if (t?.state === 'filled')
      return this.emit({ type: 'cancelReject', clientOid, code: 'RB_ERR_GW_ORDER_FILLED', message: 'the order is filled' });
    const { grid, productType, marginCoin } = this.cfg;
    const ref = t?.orderId ? { orderId: t.orderId } : { clientOid };
    try {
      const r = await this.rest.cancelOrder({ symbol: grid.symbol, productType, marginCoin, ...ref });
      this.tracker.cancelAccepted(clientOid, r?.orderId ? String(r.orderId) : undefined);
    } catch (err) {
      const ev = cancelFailureEvent(clientOid, err);
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
            this.log('error', `order ${clientOid}: ${errText(err)}`);
          }
          queue.shift();
        }
        this.orderQueues.delete(clientOid);
      })(),
    );
  }

  // ---- cancel all ----

  private async cancelAll(): Promise<void> {
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
    } catch (err) {
      if (outcomeUnknown(err)) {
        this.emit({ type: 'disconnect', reason: `cancelAll: outcome unknown (${errText(err)})` });
        this.reconcileAfterUnknown();
        return;
      }
      for (const t of this.tracker.openOrders()) this.emit(cancelFailureEvent(t.clientOid, err));
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
    for (const f of r?.failureList ?? []) {
      const t = this.findTracked(f);
      if (t && !t.cancelAcked)
        this.emit({
          type: 'cancelReject',
          clientOid: t.clientOid,
          code: String(f.errorCode ?? 'RB_ERR_GW_CANCEL_FAILED'),
          message: String(f.errorMsg ?? ''),
        });
    }
  }

  private findTracked(ids: { orderId?: string; clientOid?: string }) {
    if (ids.clientOid) {
      const t = this.tracker.get(ids.clientOid);
      if (t) return t;
    }
    return ids.orderId ? this.tracker.openOrders().find((t) => t.orderId === ids.orderId) : undefined;
  }

  // ---- reconcile ----

  /** Coalesces: a request during a reconcile runs one more after it (the one in flight may predate the need). */
  private requestReconcile(): void {
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = this.track(
      (async () => {
        do {
          this.reconcileAgain = false;
          await this.reconcileOnce();
        } while (this.reconcileAgain && !this.stopped);
        this.reconciling = null;
      })(),
    );
  }

  private reconcileAfterUnknown(): void {
    if (this.o.autoReconcile !== false) this.requestReconcile();
  }

  /**
   * Position first, then open orders: a fill between the two then shows in the orders (less remaining) but not
   * in the position, and its push — arriving after — adds it to the position exactly once.
   */
  private async reconcileOnce(): Promise<void> {
    this.stats.reconciles++;
    const { grid, productType, marginCoin } = this.cfg;
    try {
      const rows = await this.rest.singlePosition({ symbol: grid.symbol, productType, marginCoin });
      const positions: PositionUpdate[] = (rows ?? []).filter((r) => r.symbol === grid.symbol).map((r) => parsePositionRow(r, grid));
      const pending = await this.fetchPending();
      const clientOidFor = (p: PendingOrder) => p.clientOid || `bitget-${p.orderId}`;
      await this.recoverFills(pending, clientOidFor);
      this.tracker.resync(pending, clientOidFor);
      const positionLot = signedPositionLot(positions);
      this.positionLot = positionLot;
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
      this.emit({ type: 'disconnect', reason: `reconcile failed: ${errText(err)}` });
    }
  }

  /**
   * Orders we still think are working but the venue no longer lists finished while we could not see (usually during a
   * private-stream outage): their fills are read from the fill history and go through the tracker like pushes, so
   * each counts once and the position stays the sum of fills.
   */
  private async recoverFills(pending: PendingOrder[], clientOidFor: (p: PendingOrder) => string): Promise<void> {
    const { grid, productType } = this.cfg;
    const listed = new Set(pending.map(clientOidFor));
    for (const t of this.tracker.openOrders()) {
      if (listed.has(t.clientOid) || t.state === 'sending') continue;
      let orderId = t.orderId;
      if (!orderId) {
        try {
          orderId = String((await this.rest.orderDetail({ symbol: grid.symbol, productType, clientOid: t.clientOid }))?.orderId ?? '');
        } catch {
          continue; // never reached the venue: nothing to recover
        }
      }
      if (!orderId) continue;
      const r = await this.rest.orderFills({ symbol: grid.symbol, productType, orderId });
      for (const row of [...(r?.fillList ?? [])].reverse()) {
        this.tracker.onFillPush({ ...parseFillRow({ ...row, clientOid: row.clientOid ?? t.clientOid }, grid), orderId });
      }
    }
  }

  /** Every open order of the symbol, following the endId cursor. */
  private async fetchPending(): Promise<PendingOrder[]> {
    const { grid, productType } = this.cfg;
    const out: PendingOrder[] = [];
    const seen = new Set<string>();
    let idLessThan: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await this.rest.ordersPending({ productType, symbol: grid.symbol, idLessThan, limit: ORDERS_PAGE });
      let fresh = 0;
      for (const row of r?.entrustedList ?? []) {
        if (row.symbol !== grid.symbol || seen.has(String(row.orderId))) continue;
        seen.add(String(row.orderId));
        out.push(parsePendingRow(row, grid));
        fresh++;
      }
      // Stop at a short page, a missing cursor, or a venue that ignores the cursor (a page with nothing new).
      if ((r?.entrustedList?.length ?? 0) < ORDERS_PAGE || !r?.endId || fresh === 0) break;
      idLessThan = String(r.endId);
    }
    return out;
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
    let positions: PositionUpdate[];
    try {
      const rows = await this.rest.singlePosition({ symbol: grid.symbol, productType, marginCoin });
      positions = (rows ?? []).filter((r) => r.symbol === grid.symbol).map((r) => parsePositionRow(r, grid));
    } catch (err) {
      this.emit({ type: 'disconnect', reason: `flatten: cannot read the position (${errText(err)})` });
      return;
    }
    const open = positions.filter((p) => p.totalLot > 0);
    if (!open.length) {
      this.log('info', `flatten ${grid.symbol}: no position`);
      return;
    }
    const placed: Array<Promise<void>> = [];
    for (const p of open) {
      const clientOid = `${this.o.flattenPrefix ?? 'rbflat'}-${this.clock.now().toString(36)}-${++this.flattenSeq}`;
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
      // Held until answered: a second flatten meanwhile is coalesced instead of sending a second close.
      placed.push(new Promise<void>((done) => this.enqueue(clientOid, () => this.placeOp(a).finally(done))));
    }
    await Promise.all(placed);
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
      this.log('error', `onEvent threw on ${e.type}: ${errText(err)}`);
    }
  }

  private log(level: Level, line: string): void {
    this.o.log?.(level, line);
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
