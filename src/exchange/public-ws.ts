// One connection on the public WebSocket path (/v2/ws/public): Bitget v2 request handling (reference/bitget-v2.md
// §1.3–1.8, §3), per-connection subscriptions, limits and faults. WHEN TO USE: the server creates one per accepted
// upgrade on the public path; a private path gets its own session class next to this one.
//
// Rules implemented (Bitget's, as documented or captured):
// - text `ping` → text `pong`; no `ping` for pingTimeoutMs (2 min) → the socket is dropped (close code 1006 seen
//   by the client, as observed on Bitget);
// - more than maxMessagesPerSec (10) client messages in any 1 s window, pings included → error 30006, then close;
// - subscribe/unsubscribe: one ack or error per argument; unknown channel → 30016 "Param error"; an instrument
//   nobody lists → 30001 "... doesn't exist"; a listed symbol under another known instType → acked, then silent;
// - subscribing again to a stream sends a fresh snapshot (the only way to resync on Bitget);
// - not JSON / not an object → 30002; op other than subscribe/unsubscribe → 30003; missing args → 30016.
import type { WebSocket } from 'ws';
import type { Venue } from './venue';
import { CHANNELS, type Channel, type Publisher, type Push, type Subscriber } from './publisher';
import { FrameFaults, bump, zeroFaultCounters, type FaultCounters, type FaultOptions } from './faults';
import { Outbox } from './outbox';
import { Rng, deriveSeed } from './rng';
import { ackFrame, argJson, errorFrame, unknownInstrumentMsg, WS_ERROR_MSG, WsError, type WsArg } from './frames';

export const PUBLIC_WS_PATH = '/v2/ws/public';

/** Every instType Bitget v2 knows (§1.3): a listed symbol subscribed under one of these is acked even if unlisted there. */
export const BITGET_INST_TYPES: readonly string[] = [
  'SPOT', 'USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES',
];

/** Counters shared by all sessions of an exchange. */
export interface TrafficCounters {
  connections: number;
  messagesIn: number;
  framesOut: number;
  rateLimitCloses: number;
  pingTimeoutCloses: number;
  slowConsumerCloses: number;
}

export interface PublicWsEnv {
  venue: Venue;
  faults: FaultOptions;
  /** Exchange seed; each connection's fault stream is derived from it and the connection id. */
  seed: number;
  maxMessagesPerSec: number;
  pingTimeoutMs: number;
  /** Real monotonic ms, for limits and transport delays. */
  monotonic: () => number;
  traffic: TrafficCounters;
  faultTotals: FaultCounters;
}

export interface ConnectionStats {
  id: number;
  path: string;
  remote: string;
  messagesIn: number;
  framesOut: number;
  subscriptions: string[];
  faults: FaultCounters;
}

/** Outgoing bytes queued in the socket beyond which a client is dropped as too slow. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export class PublicSession implements Subscriber {
  readonly faults: FaultCounters = zeroFaultCounters();
  private messagesIn = 0;
  private framesOut = 0;
  private readonly subs = new Map<string, { arg: WsArg; pub?: Publisher }>();
  private readonly window: number[] = [];
  private readonly outbox: Outbox;
  private readonly frameFaults: FrameFaults;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stallTimer: ReturnType<typeof setInterval> | undefined;
  private closing = false;
  private closed = false;

  constructor(private readonly ws: WebSocket, private readonly env: PublicWsEnv, readonly id: number, readonly remote: string) {
    const f = env.faults;
    this.frameFaults = new FrameFaults(f, deriveSeed(env.seed, 'frames', id), this.faults, env.faultTotals);
    this.outbox = new Outbox(
      {
        send: (text) => {
          if (this.closed) return;
          if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
            env.traffic.slowConsumerCloses++;
            this.terminate();
            return;
          }
          this.framesOut++;
          env.traffic.framesOut++;
          ws.send(text);
        },
        close: (code, reason) => {
          if (!this.closed) ws.close(code, reason);
        },
      },
      {
        latencyMs: f.latencyMs, jitterMs: f.jitterMs, rng: new Rng(deriveSeed(env.seed, 'latency', id)), now: env.monotonic,
        onDelayed: () => bump(this.faults, env.faultTotals, 'delayedFrames'),
      },
    );
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.armPingTimer();
    if (f.disconnectEverySec > 0) {
      this.disconnectTimer = setTimeout(() => {
        bump(this.faults, env.faultTotals, 'disconnects');
        this.terminate();
      }, f.disconnectEverySec * 1000);
    }
    if (f.stallMs > 0 && f.stallEverySec > 0) {
      this.stallTimer = setInterval(() => {
        bump(this.faults, env.faultTotals, 'stalls');
        this.outbox.stall(f.stallMs);
      }, f.stallEverySec * 1000);
    }
  }

  /** Called by publishers with each push of a subscribed stream. */
  deliver(push: Push): void {
    if (this.closing) return;
    for (const text of this.frameFaults.apply(push)) this.outbox.send(text);
  }

  stats(): ConnectionStats {
    return {
      id: this.id, path: PUBLIC_WS_PATH, remote: this.remote, messagesIn: this.messagesIn, framesOut: this.framesOut,
      subscriptions: [...this.subs.keys()], faults: { ...this.faults },
    };
  }

  /** Drops the socket without a closing handshake (the client sees 1006). */
  terminate(): void {
    this.dispose();
    this.ws.terminate();
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    for (const { arg, pub } of this.subs.values()) pub?.unsubscribe(arg.channel as Channel, this);
    this.subs.clear();
    this.outbox.dispose();
    clearTimeout(this.pingTimer);
    clearTimeout(this.disconnectTimer);
    clearInterval(this.stallTimer);
  }

  private armPingTimer(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      this.env.traffic.pingTimeoutCloses++;
      this.terminate();
    }, this.env.pingTimeoutMs);
  }

  private send(text: string): void {
    this.outbox.send(text);
  }

  private onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.closing) return;
    this.messagesIn++;
    this.env.traffic.messagesIn++;
    const now = this.env.monotonic();
    this.window.push(now);
    while (this.window.length > 0 && this.window[0] <= now - 1000) this.window.shift();
    if (this.window.length > this.env.maxMessagesPerSec) {
      this.env.traffic.rateLimitCloses++;
      this.send(errorFrame(WsError.tooManyRequests, WS_ERROR_MSG[WsError.tooManyRequests]));
      this.outbox.close(1008, 'request over limit');
      this.closing = true;
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    if (!isBinary && text === 'ping') {
      this.armPingTimer();
      this.send('pong');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      msg = undefined;
    }
    if (isBinary || msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      this.send(errorFrame(WsError.illegalRequest, WS_ERROR_MSG[WsError.illegalRequest]));
      return;
    }
    const { op, args } = msg as { op?: unknown; args?: unknown };
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      this.send(errorFrame(WsError.invalidOp, WS_ERROR_MSG[WsError.invalidOp], undefined, typeof op === 'string' ? op : undefined));
      return;
    }
    if (!Array.isArray(args) || args.length === 0) {
      this.send(errorFrame(WsError.paramError, WS_ERROR_MSG[WsError.paramError], undefined, op));
      return;
    }
    for (const raw of args) this.onArg(op, raw);
  }

  private onArg(op: 'subscribe' | 'unsubscribe', raw: unknown): void {
    const r = raw as Partial<Record<keyof WsArg, unknown>> | null;
    if (r === null || typeof r !== 'object' || typeof r.instType !== 'string' || typeof r.channel !== 'string' || typeof r.instId !== 'string') {
      this.send(errorFrame(WsError.paramError, WS_ERROR_MSG[WsError.paramError], JSON.stringify(raw) ?? 'null', op));
      return;
    }
    const arg: WsArg = { instType: r.instType, channel: r.channel, instId: r.instId };
    if (!(CHANNELS as readonly string[]).includes(arg.channel)) {
      this.send(errorFrame(WsError.paramError, WS_ERROR_MSG[WsError.paramError], argJson(arg), op));
      return;
    }
    const channel = arg.channel as Channel;
    const pub = this.env.venue.get(arg.instType, arg.instId);
    if (!pub && !(BITGET_INST_TYPES.includes(arg.instType) && this.env.venue.listsSymbol(arg.instId))) {
      this.send(errorFrame(WsError.channelMissing, unknownInstrumentMsg(arg), argJson(arg), op));
      return;
    }
    const key = `${arg.instType}:${arg.channel}:${arg.instId}`;
    this.frameFaults.forget(arg.instType, arg.instId, channel);
    if (op === 'unsubscribe') {
      pub?.unsubscribe(channel, this);
      this.subs.delete(key);
      this.send(ackFrame('unsubscribe', arg));
      return;
    }
    this.subs.set(key, { arg, pub });
    this.send(ackFrame('subscribe', arg));
    if (pub) this.send(pub.subscribe(channel, this).text);
  }
}
