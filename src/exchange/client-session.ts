// What every client WebSocket of the local exchange shares, public or private: the outgoing queue with latency and
// stall faults, the slow-consumer cut-off, scheduled disconnects, the no-ping timeout, Bitget's per-second message
// limit, text `ping`/`pong`, and the "a JSON object or error 30002" rule. Subclasses handle the parsed requests.
import type { WebSocket } from 'ws';
import { bump, zeroFaultCounters, type FaultCounters, type FaultOptions } from './faults';
import { errorFrame, WS_ERROR_MSG, WsError } from './frames';
import { Outbox } from './outbox';
import { Rng, deriveSeed } from './rng';

/** Counters shared by all sessions of an exchange. */
export interface TrafficCounters {
  connections: number;
  messagesIn: number;
  framesOut: number;
  rateLimitCloses: number;
  pingTimeoutCloses: number;
  slowConsumerCloses: number;
  /** HTTP requests received (REST and /debug/, whatever they were answered): the trading a session does over REST. */
  restRequests: number;
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

export interface SessionEnv {
  faults: FaultOptions;
  /** Exchange seed; each connection's fault streams are derived from it and the connection id. */
  seed: number;
  maxMessagesPerSec: number;
  pingTimeoutMs: number;
  /** Real monotonic ms, for limits and transport delays. */
  monotonic: () => number;
  traffic: TrafficCounters;
  faultTotals: FaultCounters;
}

/** Adds `key` to `seen`; false when it was there already (one answer per distinct argument of a request). */
export function once(seen: Set<string>, key: string): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** Outgoing bytes queued in the socket beyond which a client is dropped as too slow. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export abstract class ClientSession {
  readonly faults: FaultCounters = zeroFaultCounters();
  protected messagesIn = 0;
  protected framesOut = 0;
  protected readonly outbox: Outbox;
  protected closing = false;
  protected closed = false;
  private readonly window: number[] = [];
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stallTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    protected readonly ws: WebSocket,
    private readonly base: SessionEnv,
    readonly id: number,
    readonly remote: string,
    latencySeedLabel: string,
  ) {
    const f = base.faults;
    this.outbox = new Outbox(
      {
        send: (text) => {
          if (this.closed) return;
          if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
            base.traffic.slowConsumerCloses++;
            this.terminate();
            return;
          }
          this.framesOut++;
          base.traffic.framesOut++;
          ws.send(text);
        },
        close: (code, reason) => {
          if (!this.closed) ws.close(code, reason);
        },
      },
      {
        latencyMs: f.latencyMs,
        jitterMs: f.jitterMs,
        rng: new Rng(deriveSeed(base.seed, latencySeedLabel, id)),
        now: base.monotonic,
        onDelayed: () => bump(this.faults, base.faultTotals, 'delayedFrames'),
      },
    );
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    this.armPingTimer();
    if (f.disconnectEverySec > 0) {
      this.disconnectTimer = setTimeout(() => {
        bump(this.faults, base.faultTotals, 'disconnects');
        this.terminate();
      }, f.disconnectEverySec * 1000);
    }
    if (f.stallMs > 0 && f.stallEverySec > 0) {
      this.stallTimer = setInterval(() => {
        bump(this.faults, base.faultTotals, 'stalls');
        this.outbox.stall(f.stallMs);
      }, f.stallEverySec * 1000);
    }
  }

  /** A client request that passed the limits: a JSON object. */
  protected abstract handle(msg: Record<string, unknown>): void;
  /** Release what the subclass holds (subscriptions, listeners) when the socket goes. */
  protected abstract release(): void;
  protected abstract path(): string;
  protected abstract subscriptions(): string[];

  stats(): ConnectionStats {
    return {
      id: this.id,
      path: this.path(),
      remote: this.remote,
      messagesIn: this.messagesIn,
      framesOut: this.framesOut,
      subscriptions: this.subscriptions(),
      faults: { ...this.faults },
    };
  }

  /** Drops the socket without a closing handshake (the client sees 1006). */
  terminate(): void {
    this.dispose();
    this.ws.terminate();
  }

  /**
   * The op and args of a subscribe/unsubscribe request, or null once the client has been told what is wrong with it
   * (30003 invalid op, 30016 missing args) — Bitget's rules, the same on both sockets.
   */
  protected subscription(msg: Record<string, unknown>): { op: 'subscribe' | 'unsubscribe'; args: unknown[] } | null {
    const { op, args } = msg as { op?: unknown; args?: unknown };
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      this.send(errorFrame(WsError.invalidOp, WS_ERROR_MSG[WsError.invalidOp], undefined, typeof op === 'string' ? op : undefined));
      return null;
    }
    if (!Array.isArray(args) || args.length === 0) {
      this.send(errorFrame(WsError.paramError, WS_ERROR_MSG[WsError.paramError], undefined, op));
      return null;
    }
    return { op, args };
  }

  protected send(text: string): void {
    this.outbox.send(text);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.release();
    this.outbox.dispose();
    clearTimeout(this.pingTimer);
    clearTimeout(this.disconnectTimer);
    clearInterval(this.stallTimer);
  }

  private armPingTimer(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      this.base.traffic.pingTimeoutCloses++;
      this.terminate();
    }, this.base.pingTimeoutMs);
  }

  private onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.closing) return;
    this.messagesIn++;
    this.base.traffic.messagesIn++;
    const now = this.base.monotonic();
    this.window.push(now);
    while (this.window.length > 0 && this.window[0] <= now - 1000) this.window.shift();
    if (this.window.length > this.base.maxMessagesPerSec) {
      this.base.traffic.rateLimitCloses++;
      this.send(errorFrame(WsError.tooManyRequests, WS_ERROR_MSG[WsError.tooManyRequests]));
      this.outbox.close(1008, 'request over limit');
      this.closing = true;
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
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
    this.handle(msg as Record<string, unknown>);
  }
}
