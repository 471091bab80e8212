// Test helpers for the exchange: a WebSocket probe that records every frame and lets a test wait for a specific one
// (bounded, with a clear failure), HTTP GET, exact integer extraction from raw frames, and a client-side book that
// applies frames by wire strings the way a Bitget client must.
import WebSocket from 'ws';
import { crc32 } from '../reference/crc32';

/** Rejects with `what` and some context if `p` does not settle within `ms`. */
export function within<T>(p: Promise<T>, ms: number, what: string, context: () => string = () => ''): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}${context() ? `\n${context()}` : ''}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Closed {
  code: number;
  reason: string;
}

export class WsProbe {
  /** Every text frame received, in order. */
  readonly frames: string[] = [];
  readonly closed: Promise<Closed>;
  private cursor = 0;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(data.toString('utf8'));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string, ms = 5000): Promise<WsProbe> {
    const ws = new WebSocket(url);
    const probe = new WsProbe(ws);
    await within(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
      ms,
      `connection to ${url}`,
    );
    return probe;
  }

  send(msg: string | object): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  subscribe(...args: { instType: string; channel: string; instId: string }[]): void {
    this.send({ op: 'subscribe', args });
  }

  /** Waits for the next frame after the cursor that satisfies `pred`; moves the cursor past it. */
  async next(pred: (text: string) => boolean, what: string, ms = 5000): Promise<string> {
    for (;;) {
      while (this.cursor < this.frames.length) {
        const f = this.frames[this.cursor++];
        if (pred(f)) return f;
      }
      await within(new Promise<void>((resolve) => this.waiters.push(resolve)), ms, what, () => this.tail());
    }
  }

  /** Sends `ping` and waits for its `pong`: every frame the server sent before it has then arrived (one ordered socket). */
  async barrier(ms = 5000): Promise<void> {
    this.send('ping');
    await this.next((f) => f === 'pong', 'pong (barrier)', ms);
  }

  /** Frames received since `from` (an index into `frames`). */
  since(from: number): string[] {
    return this.frames.slice(from);
  }

  get mark(): number {
    return this.cursor;
  }

  waitClose(ms = 5000): Promise<Closed> {
    return within(this.closed, ms, 'the socket to close', () => this.tail());
  }

  close(): void {
    this.ws.terminate();
  }

  private tail(): string {
    return `last frames:\n${this.frames
      .slice(-4)
      .map((f) => `  ${f.slice(0, 300)}`)
      .join('\n')}`;
  }
}

export async function getText(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url);
  return { status: r.status, text: await r.text() };
}

/** A bare JSON integer field read from raw text (exact, as a string), or undefined. */
export function rawInt(text: string, key: string): string | undefined {
  return new RegExp(`"${key}":(-?\\d+)[,}]`).exec(text)?.[1];
}

export type Lvl = [string, string];

/** Decimal string → scaled BigInt (test-side parser, independent of src/exchange/format). */
export function scaled(text: string, scale: number): bigint {
  const [i, f = ''] = text.split('.');
  return BigInt(i + f.padEnd(scale, '0').slice(0, scale));
}

/** A Bitget client's local book: levels by price, the wire strings kept verbatim for the checksum. */
export class ClientBook {
  readonly bids = new Map<bigint, Lvl>();
  readonly asks = new Map<bigint, Lvl>();
  constructor(readonly priceScale: number) {}

  apply(data: { bids: Lvl[]; asks: Lvl[] }, reset: boolean): void {
    if (reset) {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [side, levels] of [
      [this.bids, data.bids],
      [this.asks, data.asks],
    ] as const) {
      for (const lvl of levels) {
        const key = scaled(lvl[0], this.priceScale);
        if (/^0(\.0*)?$/.test(lvl[1])) side.delete(key);
        else side.set(key, lvl);
      }
    }
  }

  top(n: number): { bids: Lvl[]; asks: Lvl[] } {
    const bids = [...this.bids.entries()]
      .sort((a, b) => (a[0] < b[0] ? 1 : -1))
      .slice(0, n)
      .map((e) => e[1]);
    const asks = [...this.asks.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map((e) => e[1]);
    return { bids, asks };
  }

  checksum(): number {
    const { bids, asks } = this.top(25);
    const parts: string[] = [];
    for (let i = 0; i < 25; i++) {
      if (bids[i]) parts.push(...bids[i]);
      if (asks[i]) parts.push(...asks[i]);
    }
    return crc32(parts.join(':'));
  }
}

export const FUT_BTC = { instType: 'USDT-FUTURES', channel: 'books', instId: 'BTCUSDT' };
export const SPOT_A2Z = { instType: 'SPOT', channel: 'books', instId: 'A2ZUSDT' };
export const isUpdate = (channel: string, instId: string) => (f: string) =>
  f.startsWith('{"action":"update"') && f.includes(`"channel":"${channel}","instId":"${instId}"`);
export const isSnapshot = (channel: string, instId: string) => (f: string) =>
  f.startsWith('{"action":"snapshot"') && f.includes(`"channel":"${channel}","instId":"${instId}"`);
