// The WebSocket connection to a Bitget-compatible public endpoint: connect (TCP_NODELAY, no permessage-deflate),
// subscribe in batches within Bitget's budgets, ping every 20–25 s and reconnect when a pong is late, reconnect
// with exponential backoff and full jitter, and resubscribe everything after a reconnect. It knows nothing of
// books: frames go to `onFrame` as raw bytes.
//
// Budgets (docs/bitget.md §3): ≤ 10 client messages/s per connection (pings included): we send ≤ 8/s;
// ≤ 240 subscribe requests/hour per connection: past that a resubscribe becomes a reconnect; `args` ≤ 4096 bytes.

import WebSocket from 'ws';

export interface ChannelArg {
  instType: string;
  channel: string;
  instId: string;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'closing' | 'reconnecting' | 'stopped';

export interface WsClientOptions {
  url: string;
  onFrame(data: Buffer): void;
  onOpen?(): void;
  /** The connection is gone; everything subscribed must be considered stale until its next snapshot. */
  onDown?(reason: string): void;
  log?(line: string): void;
  pingMs?: number;
  pingJitterMs?: number;
  pongTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  maxMessagesPerSec?: number;
  subscribesPerHour?: number;
  /** For tests: a seeded source of jitter. */
  random?: () => number;
}

const MAX_ARGS_BYTES = 4096;

export const argKey = (a: ChannelArg) => `${a.instType}|${a.channel}|${a.instId}`;

export class BitgetWsClient {
  state: ConnectionState = 'idle';
  readonly stats = { connects: 0, reconnects: 0, sent: 0, pings: 0, pongs: 0, lateOrMissingPongs: 0, subscribeRequests: 0 };
  private ws: WebSocket | null = null;
  private readonly subs = new Map<string, ChannelArg>();
  private queue: string[] = [];
  private sentTimes: number[] = [];
  private subscribeTimes: number[] = [];
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private readonly o: Required<Omit<WsClientOptions, 'onOpen' | 'onDown' | 'log'>> & WsClientOptions;

  constructor(opts: WsClientOptions) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as WsClientOptions;
    this.o = {
      pingMs: 20_000,
      pingJitterMs: 5_000,
      pongTimeoutMs: 10_000,
      backoffBaseMs: 500,
      backoffMaxMs: 30_000,
      maxMessagesPerSec: 8,
      subscribesPerHour: 200,
      random: Math.random,
      ...given,
    };
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    this.clearTimers();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
  }

  /** Adds channels; sent now if connected, and again after every reconnect. */
  subscribe(args: ChannelArg[]): void {
    const fresh = args.filter((a) => !this.subs.has(argKey(a)));
    for (const a of fresh) this.subs.set(argKey(a), a);
    if (this.state === 'open') this.enqueueOp('subscribe', fresh);
  }

  /**
   * Asks for a fresh snapshot of one channel: unsubscribe + subscribe (the only way Bitget sends one). When the
   * hourly subscribe budget is spent, reconnects instead (connection attempts have their own, larger budget).
   */
  resubscribe(arg: ChannelArg): void {
    if (this.state !== 'open') return; // a reconnect resubscribes everything anyway
    const now = Date.now();
    this.subscribeTimes = this.subscribeTimes.filter((t) => now - t < 3_600_000);
    if (this.subscribeTimes.length >= this.o.subscribesPerHour) {
      this.o.log?.(`subscribe budget spent (${this.subscribeTimes.length}/h): reconnecting to resync ${argKey(arg)}`);
      this.dropConnection('subscribe budget spent');
      return;
    }
    this.enqueueOp('unsubscribe', [arg]);
    this.enqueueOp('subscribe', [arg]);
  }

  private enqueueOp(op: 'subscribe' | 'unsubscribe', args: ChannelArg[]): void {
    let batch: ChannelArg[] = [];
    const flush = () => {
      if (!batch.length) return;
      this.queue.push(JSON.stringify({ op, args: batch }));
      if (op === 'subscribe') {
        this.subscribeTimes.push(Date.now());
        this.stats.subscribeRequests++;
      }
      batch = [];
    };
    for (const a of args) {
      if (JSON.stringify([...batch, a]).length > MAX_ARGS_BYTES) flush();
      batch.push(a);
    }
    flush();
    this.drain();
  }

  /** Sends queued messages within the per-second budget; reschedules itself for the rest. */
  private drain(): void {
    if (this.drainTimer || !this.ws || this.state !== 'open') return;
    const now = Date.now();
    this.sentTimes = this.sentTimes.filter((t) => now - t < 1000);
    while (this.queue.length && this.sentTimes.length < this.o.maxMessagesPerSec) {
      this.ws.send(this.queue.shift()!);
      this.sentTimes.push(now);
      this.stats.sent++;
    }
    if (this.queue.length) {
      const wait = Math.max(1, 1000 - (now - this.sentTimes[0]));
      this.drainTimer = setTimeout(() => {
        this.drainTimer = null;
        this.drain();
      }, wait);
    }
  }

  private connect(): void {
    this.state = this.stats.connects === 0 ? 'connecting' : 'reconnecting';
    this.stats.connects++;
    const ws = new WebSocket(this.o.url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('upgrade', (res) => res.socket.setNoDelay(true));
    ws.on('open', () => {
      if (this.ws !== ws) return;
      this.state = 'open';
      (ws as any)._socket?.setNoDelay?.(true);
      this.queue = [];
      // Bitget's subscribe budget is per connection: a new one starts afresh (kept across connections, a client
      // that spent it turned every later resync into a reconnect for the rest of the hour)
      this.subscribeTimes = [];
      this.schedulePing();
      this.o.onOpen?.();
      if (this.subs.size) this.enqueueOp('subscribe', [...this.subs.values()]);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.ws !== ws) return;
      this.attempt = 0; // data flows: the connection is healthy
      if (!isBinary && data.length === 4 && data.toString() === 'pong') {
        this.stats.pongs++;
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = null;
      }
      this.o.onFrame(data);
    });
    ws.on('close', (code, reason) => this.onDown(ws, `closed ${code}${reason.length ? ` ${reason.toString()}` : ''}`));
    ws.on('error', (err) => this.onDown(ws, `error ${err.message}`));
  }

  private onDown(ws: WebSocket, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.terminate();
    this.clearTimers();
    if (this.state === 'stopped') return;
    this.o.onDown?.(reason);
    this.stats.reconnects++;
    this.state = 'reconnecting';
    const cap = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** this.attempt++);
    const delay = Math.floor(this.o.random() * cap); // full jitter
    this.o.log?.(`connection ${reason}; reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  /** Closes the current socket and lets the reconnect logic take over. */
  dropConnection(reason: string): void {
    if (this.ws) this.onDown(this.ws, reason);
  }

  private schedulePing(): void {
    const delay = this.o.pingMs + Math.floor(this.o.random() * this.o.pingJitterMs);
    this.pingTimer = setTimeout(() => {
      this.pingTimer = null;
      if (!this.ws || this.state !== 'open') return;
      this.queue.unshift('ping'); // pings count against the message budget too
      this.stats.pings++;
      this.drain();
      if (!this.pongTimer) {
        this.pongTimer = setTimeout(() => {
          this.pongTimer = null;
          this.stats.lateOrMissingPongs++;
          this.dropConnection('pong late');
        }, this.o.pongTimeoutMs);
      }
      this.schedulePing();
    }, delay);
  }

  private clearTimers(): void {
    for (const t of [this.pingTimer, this.pongTimer, this.drainTimer]) if (t) clearTimeout(t);
    this.pingTimer = this.pongTimer = this.drainTimer = null;
  }
}
