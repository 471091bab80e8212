// One connection on the public WebSocket path (/v2/ws/public): Bitget v2 request handling (docs/bitget.md
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
import { FrameFaults } from './faults';
import { deriveSeed } from './rng';
import { ClientSession, once, type SessionEnv } from './client-session';
import type { WireStamps } from './stamps';
import { ackFrame, argJson, errorFrame, unknownInstrumentMsg, WS_ERROR_MSG, WsError, type WsArg } from './frames';

export const PUBLIC_WS_PATH = '/v2/ws/public';

/** Every instType Bitget v2 knows (§1.3): a listed symbol subscribed under one of these is acked even if unlisted there. */
export const BITGET_INST_TYPES: readonly string[] = [
  'SPOT',
  'USDT-FUTURES',
  'COIN-FUTURES',
  'USDC-FUTURES',
  'SUSDT-FUTURES',
  'SCOIN-FUTURES',
  'SUSDC-FUTURES',
];

export type { TrafficCounters, ConnectionStats } from './client-session';

export interface PublicWsEnv extends SessionEnv {
  venue: Venue;
  /** Send stamps of books updates (src/exchange/stamps.ts), when kept. */
  stamps?: WireStamps;
}

export class PublicSession extends ClientSession implements Subscriber {
  private readonly subs = new Map<string, { arg: WsArg; pub?: Publisher }>();
  private readonly frameFaults: FrameFaults;

  constructor(
    ws: WebSocket,
    private readonly env: PublicWsEnv,
    id: number,
    remote: string,
  ) {
    super(ws, env, id, remote, 'latency');
    this.frameFaults = new FrameFaults(env.faults, deriveSeed(env.seed, 'frames', id), this.faults, env.faultTotals);
  }

  /** Called by publishers with each push of a subscribed stream. */
  deliver(push: Push): void {
    if (this.closing) return;
    const stamps = this.env.stamps;
    const at = stamps ? performance.now() : 0;
    for (const text of this.frameFaults.apply(push)) this.outbox.send(text);
    // an update held back by a fault leaves later than this: only updates sent at once are stamped
    if (stamps && push.seq !== undefined && push.action === 'update' && this.outbox.pending === 0)
      stamps.send(push.arg.instId, push.seq, at);
  }

  protected path(): string {
    return PUBLIC_WS_PATH;
  }

  protected subscriptions(): string[] {
    return [...this.subs.keys()];
  }

  protected release(): void {
    for (const { arg, pub } of this.subs.values()) pub?.unsubscribe(arg.channel as Channel, this);
    this.subs.clear();
  }

  protected handle(msg: Record<string, unknown>): void {
    const sub = this.subscription(msg);
    if (!sub) return;
    // one answer per distinct argument: a request repeating one stream 900 times would otherwise get 900 snapshots
    const seen = new Set<string>();
    for (const raw of sub.args) this.onArg(sub.op, raw, seen);
  }

  private onArg(op: 'subscribe' | 'unsubscribe', raw: unknown, seen: Set<string>): void {
    const r = raw as Partial<Record<keyof WsArg, unknown>> | null;
    if (
      r === null ||
      typeof r !== 'object' ||
      typeof r.instType !== 'string' ||
      typeof r.channel !== 'string' ||
      typeof r.instId !== 'string'
    ) {
      const echo = JSON.stringify(raw) ?? 'null';
      if (!once(seen, echo)) return;
      this.send(errorFrame(WsError.paramError, WS_ERROR_MSG[WsError.paramError], echo, op));
      return;
    }
    const arg: WsArg = { instType: r.instType, channel: r.channel, instId: r.instId };
    if (!once(seen, `${arg.instType}\0${arg.channel}\0${arg.instId}`)) return;
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
