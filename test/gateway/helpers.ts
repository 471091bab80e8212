// Loopback stand-ins for Bitget's private REST and WebSocket, scripted per test: every request is recorded with
// its raw headers, body bytes and arrival time, and checked against the signing rules; replies are whatever the
// test says. Deliberately independent of src/exchange (the real local exchange is built elsewhere).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import * as assert from 'uvu/assert';
import { signRest, signWsLogin, signaturesEqual, LOCAL_DEMO_CREDENTIALS } from '../../src/gateway/signing';
import { gridFromContract, type InstrumentGrid } from '../../src/feed/instruments';

export const CREDS = LOCAL_DEMO_CREDENTIALS;

/** BTCUSDT as in reference §7.1: tick 0.1 (pricePlace 1, priceEndStep 1), lot 0.01 (volumePlace 2). */
export const BTC: InstrumentGrid = gridFromContract(
  { symbol: 'BTCUSDT', pricePlace: '1', priceEndStep: '1', volumePlace: '2', sizeMultiplier: '0.01' },
  'USDT-FUTURES',
);
/** BTC's order configuration as the gateway keeps it (USDT-M, crossed, one-way). */
export const BTC_ORDER_CFG = {
  grid: BTC,
  productType: 'USDT-FUTURES' as const,
  marginCoin: 'USDT',
  marginMode: 'crossed' as const,
  posMode: 'one_way_mode' as const,
};
/** A 0.5 tick (priceEndStep 5 at pricePlace 1, like demo SBTCSUSDT) and a 0.001 lot. */
export const BTC_HALF: InstrumentGrid = gridFromContract(
  { symbol: 'BTCUSDT', pricePlace: '1', priceEndStep: '5', volumePlace: '3', sizeMultiplier: '0.001' },
  'USDT-FUTURES',
);

export interface Recorded {
  method: string;
  path: string;
  /** Query string exactly as sent (no "?"). */
  query: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
  /** performance.now() at arrival (the server's count of a window). */
  at: number;
  /** True when ACCESS-SIGN matches the Bitget prehash of what arrived. */
  signatureOk: boolean;
}

export interface Reply {
  status?: number;
  /** An object is wrapped in the success envelope; a string is sent verbatim. */
  data?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Never answer (the client times out). */
  hang?: boolean;
}

export type Handler = (r: Recorded) => Reply | Promise<Reply>;

export interface RestServer {
  url: string;
  requests: Recorded[];
  /** Handlers by "METHOD /path"; unmatched paths answer 404 with Bitget's envelope. */
  routes: Map<string, Handler>;
  on(key: string, h: Handler): void;
  of(path: string): Recorded[];
  close(): Promise<void>;
}

export const ok = (data: unknown): Reply => ({ data });
export const fail = (status: number, code: string, msg: string): Reply => ({
  status,
  raw: JSON.stringify({ code, msg, requestTime: 1695806875837, data: null }),
});

export async function restServer(secret = CREDS.secret): Promise<RestServer> {
  const requests: Recorded[] = [];
  const routes = new Map<string, Handler>();
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const [path, query = ''] = (req.url ?? '').split('?');
      const body = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['access-timestamp'] ?? '');
      const sign = String(req.headers['access-sign'] ?? '');
      const expected = signRest(secret, ts, req.method ?? '', path, query, body);
      const r: Recorded = {
        method: req.method ?? '',
        path,
        query,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
        at,
        signatureOk: signaturesEqual(sign, expected),
      };
      requests.push(r);
      const h = routes.get(`${r.method} ${path}`);
      const reply: Reply = h ? await h(r) : fail(404, '40404', 'Request URL NOT FOUND');
      if (reply.hang) {
        hanging.push(res);
        return;
      }
      if (reply.delayMs) await new Promise((z) => setTimeout(z, reply.delayMs));
      const text = reply.raw ?? JSON.stringify({ code: '00000', msg: 'success', requestTime: 1695806875837, data: reply.data ?? null });
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((z) => server.listen(0, '127.0.0.1', () => z()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes,
    on: (key, h) => routes.set(key, h),
    of: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise((z) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => z());
      }),
  };
}

export interface WsConn {
  ws: WebSocket;
  received: string[];
  loggedIn: boolean;
  subscribed: boolean;
}

export interface PrivateWsServer {
  url: string;
  conns: WsConn[];
  answerPings: boolean;
  /** Channels answered with a subscribe error (30001) instead of an ack. */
  rejectChannels: Set<string>;
  /** Answer login with this error instead of success (one-shot). */
  failNextLogin?: { code: number; msg: string };
  /** Sends a push (object → JSON) to every subscribed connection. */
  push(msg: unknown): void;
  dropAll(): void;
  close(): Promise<void>;
}

/** A private WS that checks the login signature (ts in seconds) and acks each subscribe arg. */
export async function privateWsServer(secret = CREDS.secret): Promise<PrivateWsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((z) => wss.once('listening', z));
  const s: PrivateWsServer = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v2/ws/private`,
    conns: [],
    answerPings: true,
    rejectChannels: new Set(),
    push: (msg) => {
      const text = typeof msg === 'string' ? msg : JSON.stringify(msg);
      for (const c of s.conns) if (c.subscribed && c.ws.readyState === c.ws.OPEN) c.ws.send(text);
    },
    dropAll: () => {
      for (const c of s.conns) c.ws.terminate();
    },
    close: () =>
      new Promise((z) => {
        for (const c of s.conns) c.ws.terminate();
        wss.close(() => z());
      }),
  };
  wss.on('connection', (ws) => {
    const c: WsConn = { ws, received: [], loggedIn: false, subscribed: false };
    s.conns.push(c);
    ws.on('message', (d) => {
      const text = d.toString();
      c.received.push(text);
      if (text === 'ping') {
        if (s.answerPings) ws.send('pong');
        return;
      }
      const msg = JSON.parse(text);
      if (msg.op === 'login') {
        const a = msg.args[0];
        if (s.failNextLogin) {
          ws.send(JSON.stringify({ event: 'error', code: s.failNextLogin.code, msg: s.failNextLogin.msg }));
          s.failNextLogin = undefined;
          return;
        }
        assert.ok(/^\d{10}$/.test(a.timestamp), `login timestamp in seconds, got ${a.timestamp}`);
        const good =
          signaturesEqual(a.sign, signWsLogin(secret, a.timestamp)) && a.apiKey === CREDS.apiKey && a.passphrase === CREDS.passphrase;
        c.loggedIn = good;
        ws.send(JSON.stringify(good ? { event: 'login', code: 0 } : { event: 'error', code: 30015, msg: 'Invalid sign' }));
      } else if (msg.op === 'subscribe') {
        if (!c.loggedIn) {
          ws.send(JSON.stringify({ event: 'error', code: 30004, msg: 'login required' }));
          return;
        }
        for (const arg of msg.args) {
          if (s.rejectChannels.has(arg.channel))
            ws.send(JSON.stringify({ event: 'error', arg, code: 30001, msg: `channel:${arg.channel} doesn't exist`, op: 'subscribe' }));
          else ws.send(JSON.stringify({ event: 'subscribe', arg }));
        }
        c.subscribed = true;
      }
    });
  });
  return s;
}

export async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The §4.3 `orders` sample, verbatim (hedge mode, market buy open, filled at 27000.5 for 0.01). */
export const ORDERS_SAMPLE = {
  action: 'snapshot',
  arg: { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
  data: [
    {
      accBaseVolume: '0.01',
      cTime: '1695718781129',
      clientOid: '1',
      feeDetail: [{ feeCoin: 'USDT', fee: '-0.162003' }],
      fillFee: '-0.162003',
      fillFeeCoin: 'USDT',
      fillNotionalUsd: '270.005',
      fillPrice: '27000.5',
      baseVolume: '0.01',
      fillTime: '1695718781146',
      force: 'gtc',
      instId: 'BTCUSDT',
      leverage: '20',
      marginCoin: 'USDT',
      marginMode: 'crossed',
      notionalUsd: '270',
      orderId: '1',
      orderType: 'market',
      pnl: '0',
      posMode: 'hedge_mode',
      posSide: 'long',
      price: '0',
      priceAvg: '27000.5',
      reduceOnly: 'no',
      side: 'buy',
      size: '0.01',
      enterPointSource: 'WEB',
      status: 'filled',
      tradeScope: 'T',
      tradeId: '1111111111',
      tradeSide: 'open',
      uTime: '1695718781146',
    },
  ],
  ts: 1695718781206,
};

/** The `fill` channel sample of the current docs (one-way, taker buy 0.01 @ 51000.5, fee −0.183717). */
export const FILL_SAMPLE = {
  action: 'snapshot',
  arg: { instType: 'USDT-FUTURES', channel: 'fill', instId: 'default' },
  data: [
    {
      orderId: '111',
      clientOid: '111',
      tradeId: '222',
      symbol: 'BTCUSDT',
      side: 'buy',
      orderType: 'market',
      posMode: 'one_way_mode',
      price: '51000.5',
      baseVolume: '0.01',
      quoteVolume: '510.005',
      profit: '0',
      tradeSide: 'open',
      tradeScope: 'taker',
      feeDetail: [{ feeCoin: 'USDT', deduction: 'no', totalDeductionFee: '0', totalFee: '-0.183717' }],
      cTime: '1703577336606',
      uTime: '1703577336606',
    },
  ],
  ts: 1703577336700,
};

/** An orders push row for BTCUSDT (one-way), overriding fields of a live limit order. */
export function orderRow(over: Record<string, unknown>): Record<string, unknown> {
  return {
    instId: 'BTCUSDT',
    orderId: '9001',
    clientOid: 'c1',
    price: '27000.5',
    size: '0.03',
    side: 'buy',
    tradeSide: 'buy_single',
    posMode: 'one_way_mode',
    orderType: 'limit',
    force: 'gtc',
    reduceOnly: 'no',
    accBaseVolume: '0',
    status: 'live',
    cTime: '1700000000000',
    uTime: '1700000000000',
    ...over,
  };
}

export const ordersPush = (...rows: Array<Record<string, unknown>>) => ({
  action: 'snapshot',
  arg: { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
  data: rows,
  ts: 1700000000001,
});
export const fillPush = (...rows: Array<Record<string, unknown>>) => ({
  action: 'snapshot',
  arg: { instType: 'USDT-FUTURES', channel: 'fill', instId: 'default' },
  data: rows,
  ts: 1700000000002,
});
