// One connection on the private WebSocket path (/v2/ws/private): Bitget v2 login and private channels
// (docs/bitget.md §4). WHEN TO USE: the trading plugin registers it for PRIVATE_WS_PATH.
//
// Rules implemented:
// - text `ping` → `pong`; no ping for pingTimeoutMs → dropped; more than maxMessagesPerSec client messages in 1 s →
//   30006 and close (as on the public path); transport faults (latency, jitter, stalls, forced disconnects) apply,
//   frame faults do not (private pushes are never dropped or altered);
// - `{"op":"login","args":[{apiKey,passphrase,timestamp (s),sign}]}` → `{"event":"login","code":0}` or
//   `{"event":"error","code":3001x,"msg":…}` (auth.ts); the socket stays open after a failed login;
// - subscribe/unsubscribe `orders`, `fill`, `positions` (instId "default" or a symbol) and `account` (coin) for
//   USDT-FUTURES and SPOT; before login → 30004 per argument; unknown channel → 30016; unknown symbol → 30001;
// - every push is `{"action":"snapshot","arg":…,"data":[…],"ts":…}`; `positions` and `account` send their current
//   snapshot right after the ack, `orders` and `fill` only on changes.
import type { WebSocket } from 'ws';

import { errorFrame, pushFrame, WS_ERROR_MSG, WsError } from '../frames';
import type { InstType } from '../instruments';
import { ClientSession, once, type SessionEnv } from '../client-session';
import type { Venue } from '../venue';
import { verifyWsLogin, type AuthOptions } from './auth';
import type { PrivateEvent, TradingEngine } from './matching';
import { WsErr } from './errors';

export const PRIVATE_WS_PATH = '/v2/ws/private';
export const PRIVATE_CHANNELS = ['orders', 'fill', 'positions', 'account'] as const;
type PrivateChannel = (typeof PRIVATE_CHANNELS)[number];
const KNOWN_INST_TYPES = ['SPOT', 'USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES'];

export interface PrivateWsEnv extends SessionEnv {
  venue: Venue;
  engine: TradingEngine;
  auth: AuthOptions;
}

interface Sub {
  instType: string;
  channel: PrivateChannel;
  /** instId, or coin for `account`. */
  value: string;
  argText: string;
}

const q = JSON.stringify;

export class PrivateSession extends ClientSession {
  private loggedIn = false;
  private readonly subs = new Map<string, Sub>();
  private readonly unlisten: () => void;

  constructor(
    ws: WebSocket,
    private readonly env: PrivateWsEnv,
    id: number,
    remote: string,
  ) {
    super(ws, env, id, remote, 'private-latency');
    this.unlisten = env.engine.listen((ev) => this.deliver(ev));
  }

  protected path(): string {
    return PRIVATE_WS_PATH;
  }

  protected subscriptions(): string[] {
    return [...this.subs.keys()];
  }

  protected release(): void {
    this.unlisten();
    this.subs.clear();
  }

  private deliver(ev: PrivateEvent): void {
    if (this.closing || !this.loggedIn) return;
    for (const s of this.subs.values()) {
      if (s.instType !== ev.instType || s.channel !== ev.channel) continue;
      if (ev.symbol !== undefined && s.value !== 'default' && s.value !== ev.symbol) continue;
      this.send(pushFrame('snapshot', s.argText, ev.data(), this.env.venue.exchNow()));
    }
  }

  protected handle(msg: Record<string, unknown>): void {
    const { op, args } = msg as { op?: unknown; args?: unknown };
    if (op === 'login') {
      this.login(Array.isArray(args) ? args[0] : undefined);
      return;
    }
    const sub = this.subscription(msg);
    if (!sub) return;
    // one answer per distinct argument, as on the public path
    const seen = new Set<string>();
    for (const raw of sub.args) this.onArg(sub.op, raw, seen);
  }

  private login(arg: unknown): void {
    const err = verifyWsLogin(arg, this.env.auth, this.env.venue.exchNow());
    if (err) {
      this.send(errorFrame(err[0], err[1]));
      return;
    }
    this.loggedIn = true;
    this.send('{"event":"login","code":0}');
  }

  private onArg(op: 'subscribe' | 'unsubscribe', raw: unknown, seen: Set<string>): void {
    const r = raw as Record<string, unknown> | null;
    const echo = JSON.stringify(raw) ?? 'null';
    if (r === null || typeof r !== 'object' || typeof r.instType !== 'string' || typeof r.channel !== 'string') {
      if (!once(seen, echo)) return;
      this.send(errorFrame(WsError.paramError, WS_ERROR_MSG[WsError.paramError], echo, op));
      return;
    }
    const channel = r.channel as PrivateChannel;
    const key = channel === 'account' ? 'coin' : 'instId';
    const value = r[key];
    if (!(PRIVATE_CHANNELS as readonly string[]).includes(channel) || typeof value !== 'string' || !KNOWN_INST_TYPES.includes(r.instType)) {
      if (!once(seen, echo)) return;
      this.send(errorFrame(WsError.paramError, WS_ERROR_MSG[WsError.paramError], echo, op));
      return;
    }
    const argText = `{"instType":${q(r.instType)},"channel":${q(channel)},"${key}":${q(value)}}`;
    if (!once(seen, argText)) return;
    if (!this.loggedIn) {
      this.send(errorFrame(WsErr.needLogin[0], WsErr.needLogin[1], argText, op));
      return;
    }
    if (key === 'instId' && value !== 'default' && !this.env.venue.get(r.instType, value)) {
      this.send(errorFrame(WsError.channelMissing, `instType:${r.instType},channel:${channel},instId:${value} doesn't exist`, argText, op));
      return;
    }
    const subKey = `${r.instType}:${channel}:${value}`;
    if (op === 'unsubscribe') {
      this.subs.delete(subKey);
      this.send(`{"event":"unsubscribe","arg":${argText}}`);
      return;
    }
    const sub: Sub = { instType: r.instType, channel, value, argText };
    this.subs.set(subKey, sub);
    this.send(`{"event":"subscribe","arg":${argText}}`);
    if (channel === 'positions' || channel === 'account') this.sendSnapshot(sub);
  }

  private sendSnapshot(s: Sub): void {
    const e = this.env.engine;
    let data = '';
    if (s.instType === 'USDT-FUTURES' || s.instType === 'SPOT') {
      const instType = s.instType as InstType;
      if (s.channel === 'account') data = e.renderAccount(instType);
      else if (instType === 'USDT-FUTURES') data = e.renderPositions();
    }
    this.send(pushFrame('snapshot', s.argText, data, this.env.venue.exchNow()));
  }
}
