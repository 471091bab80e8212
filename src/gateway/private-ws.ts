// The private WebSocket (docs/bitget.md §4): connect, log in (timestamp in seconds, sign over
// ts + "GET" + "/user/verify"), subscribe `orders`, `positions`, `fill` (instId "default") and `account`
// (coin "default") for one product type, ping every 20–25 s, reconnect with exponential backoff and full jitter.
// WHEN TO USE: the gateway runs one; pushes come out as raw rows per channel through `onPush`, and
// `routePrivatePush` turns them into tracker updates (FSM events).
//
// Lifecycle: idle → connecting → loggingIn → subscribing → ready; any failure → down → (backoff) → connecting.
// `onReady(again)` fires after every successful login + subscribe (again = true after a reconnect); `onDown` once
// per outage (a string of failed attempts while down is one outage).
import WebSocket from 'ws';
import type { InstrumentGrid } from '../feed/instruments';
import { signWsLogin, type Credentials } from './signing';
import { ServerClock } from './clock';
import { classifyBitgetCode } from './errors';
import { parseFillRow, parseOrderRow, parsePositionRow, type PositionUpdate } from './parse';
import type { OrderTracker } from './tracker';
import { errorText } from '../format/errors';

export type PrivateChannel = 'orders' | 'positions' | 'fill' | 'account';
export type PrivateWsState = 'idle' | 'connecting' | 'loggingIn' | 'subscribing' | 'ready' | 'down' | 'stopped';

export interface PrivatePush {
  channel: PrivateChannel | string;
  instType: string;
  action: 'snapshot' | 'update' | string;
  data: Array<Record<string, unknown>>;
  /** Outer push time, ms. */
  ts: number;
}

export interface PrivateWsOptions {
  /** wss://ws.bitget.com/v2/ws/private, wss://wspap.bitget.com/v2/ws/private (demo), or the local exchange's. */
  url: string;
  credentials: Credentials;
  clock?: ServerClock;
  instType?: string;
  channels?: PrivateChannel[];
  onPush(push: PrivatePush): void;
  onReady?(again: boolean): void;
  onDown?(reason: string): void;
  log?(level: 'info' | 'warn' | 'error', line: string): void;
  pingMs?: number;
  pingJitterMs?: number;
  pongTimeoutMs?: number;
  /** Login + subscribe must complete within this, ms (default 10 000). */
  handshakeTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Outbound messages per second, pings included (Bitget allows 10). */
  maxMessagesPerSec?: number;
  random?: () => number;
}

type Required_ = Required<Omit<PrivateWsOptions, 'onReady' | 'onDown' | 'log' | 'clock'>> & PrivateWsOptions;

/** The subscribe args of a channel (§4.2): `account` is keyed by coin, the others by instId. */
export function privateArg(instType: string, channel: PrivateChannel): Record<string, string> {
  return channel === 'account' ? { instType, channel, coin: 'default' } : { instType, channel, instId: 'default' };
}

/** A parsed private frame → a push, or null when it is not one (events, acks). */
export function privatePushFrom(msg: any): PrivatePush | null {
  if (!msg || typeof msg !== 'object' || !msg.arg || !Array.isArray(msg.data)) return null;
  return { channel: msg.arg.channel, instType: msg.arg.instType, action: msg.action, data: msg.data, ts: Number(msg.ts) };
}

export class BitgetPrivateWs {
  state: PrivateWsState = 'idle';
  readonly stats = { connects: 0, logins: 0, readies: 0, downs: 0, pushes: 0, pings: 0, pongs: 0, sent: 0 };
  readonly clock: ServerClock;
  private ws: WebSocket | null = null;
  private readonly o: Required_;
  private attempt = 0;
  private everReady = false;
  private downNotified = false;
  private pendingAcks = new Set<string>();
  private queue: string[] = [];
  private sentTimes: number[] = [];
  private timers: {
    ping?: NodeJS.Timeout;
    pong?: NodeJS.Timeout;
    handshake?: NodeJS.Timeout;
    drain?: NodeJS.Timeout;
    reconnect?: NodeJS.Timeout;
  } = {};

  constructor(opts: PrivateWsOptions) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as PrivateWsOptions;
    this.o = {
      instType: 'USDT-FUTURES',
      channels: ['orders', 'positions', 'fill', 'account'],
      pingMs: 20_000,
      pingJitterMs: 5_000,
      pongTimeoutMs: 10_000,
      handshakeTimeoutMs: 10_000,
      backoffBaseMs: 500,
      backoffMaxMs: 30_000,
      maxMessagesPerSec: 8,
      random: Math.random,
      ...given,
    };
    this.clock = opts.clock ?? new ServerClock();
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    this.clearTimers(true);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
  }

  /** Closes the socket as if it had dropped (tests, and a caller that saw something wrong). */
  dropConnection(reason: string): void {
    if (this.ws) this.down(this.ws, reason);
  }

  private connect(): void {
    this.state = 'connecting';
    this.stats.connects++;
    const ws = new WebSocket(this.o.url, { perMessageDeflate: false, handshakeTimeout: this.o.handshakeTimeoutMs });
    this.ws = ws;
    ws.on('upgrade', (res) => res.socket.setNoDelay(true));
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.state = 'loggingIn';
      this.queue = [];
      this.schedulePing();
      this.timers.handshake = setTimeout(
        () => this.down(ws, `login/subscribe not done within ${this.o.handshakeTimeoutMs} ms`),
        this.o.handshakeTimeoutMs,
      );
      const timestamp = this.clock.wsTimestamp();
      const c = this.o.credentials;
      this.enqueue(
        JSON.stringify({
          op: 'login',
          args: [{ apiKey: c.apiKey, passphrase: c.passphrase, timestamp, sign: signWsLogin(c.secret, timestamp) }],
        }),
      );
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ws !== ws) return;
      const text = data.toString('utf8');
      if (!isBinary && text === 'pong') {
        this.stats.pongs++;
        if (this.timers.pong) clearTimeout(this.timers.pong);
        this.timers.pong = undefined;
        return;
      }
      let msg: any;
      try {
        msg = JSON.parse(text);
      } catch {
        this.o.log?.('warn', `private ws: unparsable frame ${text.slice(0, 80)}`);
        return;
      }
      this.onMessage(ws, msg);
    });
    ws.on('close', (code, reason) => this.down(ws, `closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`));
    ws.on('error', (err) => this.down(ws, `error ${err.message}`));
  }

  private onMessage(ws: WebSocket, msg: any): void {
    if (msg.event === 'login') {
      if (String(msg.code) !== '0') return this.down(ws, `login failed ${msg.code} ${msg.msg ?? ''}`.trim());
      this.stats.logins++;
      this.state = 'subscribing';
      const args = this.o.channels.map((ch) => privateArg(this.o.instType, ch));
      this.pendingAcks = new Set(this.o.channels);
      this.enqueue(JSON.stringify({ op: 'subscribe', args }));
      return;
    }
    if (msg.event === 'subscribe') {
      this.pendingAcks.delete(msg.arg?.channel);
      if (this.state === 'subscribing' && this.pendingAcks.size === 0) this.ready();
      return;
    }
    if (msg.event === 'error') {
      const info = classifyBitgetCode(msg.code, msg.msg);
      const why = `${msg.code} ${msg.msg ?? ''} (${info.meaning})`;
      // Only `orders` is essential (it carries acks, fills and cancels); a venue without `account`, `positions` or
      // `fill` still gets a working stream.
      const ch = msg.arg?.channel;
      if (this.state === 'subscribing' && typeof ch === 'string' && ch !== 'orders' && this.pendingAcks.has(ch)) {
        this.o.log?.('warn', `private ws: ${ch} not available (${why}); going on without it`);
        this.pendingAcks.delete(ch);
        if (this.pendingAcks.size === 0) this.ready();
        return;
      }
      // Before `ready` any error means login or subscribe failed: start over with backoff.
      if (this.state !== 'ready') return this.down(ws, `${this.state === 'loggingIn' ? 'login' : 'subscribe'} error ${why}`);
      this.o.log?.('warn', `private ws error ${why}`);
      return;
    }
    const push = privatePushFrom(msg);
    if (push) {
      this.stats.pushes++;
      try {
        this.o.onPush(push);
      } catch (err) {
        this.o.log?.('error', `private ws: onPush threw on ${push.channel}: ${errorText(err)}`);
      }
    }
  }

  private ready(): void {
    if (this.timers.handshake) clearTimeout(this.timers.handshake);
    this.timers.handshake = undefined;
    this.state = 'ready';
    this.stats.readies++;
    this.attempt = 0;
    const again = this.everReady;
    this.everReady = true;
    this.downNotified = false;
    this.o.log?.('info', `private ws ready (${this.o.channels.join(', ')})${again ? ' after reconnect' : ''}`);
    this.o.onReady?.(again);
  }

  private down(ws: WebSocket, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.terminate();
    this.clearTimers(false);
    if (this.state === 'stopped') return;
    this.state = 'down';
    this.stats.downs++;
    if (!this.downNotified) {
      this.downNotified = true;
      this.o.onDown?.(reason);
    }
    const cap = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** this.attempt++);
    const delay = Math.floor(this.o.random() * cap);
    this.o.log?.('warn', `private ws ${reason}; reconnecting in ${delay} ms`);
    this.timers.reconnect = setTimeout(() => {
      this.timers.reconnect = undefined;
      this.connect();
    }, delay);
  }

  private enqueue(text: string, front = false): void {
    if (front) this.queue.unshift(text);
    else this.queue.push(text);
    this.drain();
  }

  /** Sends within the per-second budget (pings count too, §3). */
  private drain(): void {
    const ws = this.ws;
    if (this.timers.drain || !ws || ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    this.sentTimes = this.sentTimes.filter((t) => now - t < 1000);
    while (this.queue.length && this.sentTimes.length < this.o.maxMessagesPerSec) {
      ws.send(this.queue.shift()!);
      this.sentTimes.push(now);
      this.stats.sent++;
    }
    if (this.queue.length) {
      const wait = Math.max(1, 1000 - (now - this.sentTimes[0]));
      this.timers.drain = setTimeout(() => {
        this.timers.drain = undefined;
        this.drain();
      }, wait);
    }
  }

  private schedulePing(): void {
    const delay = this.o.pingMs + Math.floor(this.o.random() * this.o.pingJitterMs);
    this.timers.ping = setTimeout(() => {
      this.timers.ping = undefined;
      const ws = this.ws;
      if (!ws) return;
      this.stats.pings++;
      this.enqueue('ping', true);
      if (!this.timers.pong) {
        this.timers.pong = setTimeout(() => {
          this.timers.pong = undefined;
          this.down(ws, 'pong late');
        }, this.o.pongTimeoutMs);
      }
      this.schedulePing();
    }, delay);
  }

  private clearTimers(all: boolean): void {
    for (const k of ['ping', 'pong', 'handshake', 'drain', ...(all ? ['reconnect'] : [])] as Array<keyof typeof this.timers>) {
      const t = this.timers[k];
      if (t) clearTimeout(t);
      this.timers[k] = undefined;
    }
  }
}

export interface PushRouting {
  grid: InstrumentGrid;
  tracker: OrderTracker;
  /** Latest `positions` rows of the grid's symbol (every push is a full snapshot of the product type, §4.3). */
  onPositions?(rows: PositionUpdate[]): void;
  onAccount?(rows: Array<Record<string, unknown>>): void;
  log?(level: 'info' | 'warn' | 'error', line: string): void;
}

/**
 * A private push → tracker updates (and so FSM events) for the grid's symbol; other symbols are skipped. A row
 * that does not parse (off-grid price, unknown side) is logged and skipped, never rounded.
 */
export function routePrivatePush(push: PrivatePush, r: PushRouting): void {
  const sym = r.grid.symbol;
  const each = (fn: (row: Record<string, unknown>) => void) => {
    for (const row of push.data) {
      try {
        fn(row);
      } catch (err) {
        r.log?.('error', `private ${push.channel} row skipped: ${errorText(err)}`);
      }
    }
  };
  switch (push.channel) {
    case 'orders':
      each((row) => {
        if ((row.instId ?? row.symbol) === sym) r.tracker.onOrderPush(parseOrderRow(row, r.grid));
      });
      break;
    case 'fill':
      each((row) => {
        if ((row.symbol ?? row.instId) === sym) r.tracker.onFillPush(parseFillRow(row, r.grid));
      });
      break;
    case 'positions': {
      const rows: PositionUpdate[] = [];
      each((row) => {
        if ((row.instId ?? row.symbol) === sym) rows.push(parsePositionRow(row, r.grid));
      });
      r.onPositions?.(rows);
      break;
    }
    case 'account':
      r.onAccount?.(push.data);
      break;
    default:
      break;
  }
}
