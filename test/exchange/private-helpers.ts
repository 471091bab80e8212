// Test helpers for the private API: a signed Bitget REST client (signing with the gateway's helpers, so a test can
// break any one header on purpose), private-WS login, and exact money parsing for balance identities.
import { LOCAL_DEMO_CREDENTIALS, queryString, signRest, signWsLogin, type Credentials } from '../../src/gateway/signing';
import { scaled, WsProbe } from './helpers';

export const CREDS = LOCAL_DEMO_CREDENTIALS;

export interface Reply {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface SignOptions {
  creds?: Credentials;
  /** ACCESS-TIMESTAMP, ms; default Date.now(). */
  timestamp?: number | string;
  /** `paptrading` header value; null = omit. Default "1". */
  paptrading?: string | null;
  /** Replaces headers after signing (e.g. a wrong ACCESS-SIGN); null deletes one. */
  override?: Record<string, string | null>;
}

export async function signed(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  params: Record<string, string | number | undefined> | string = {},
  o: SignOptions = {},
): Promise<Reply> {
  const creds = o.creds ?? CREDS;
  const ts = String(o.timestamp ?? Date.now());
  let query = '';
  let body = '';
  if (method === 'GET') query = typeof params === 'string' ? params : queryString(params);
  else body = typeof params === 'string' ? params : JSON.stringify(params);
  const headers: Record<string, string> = {
    'ACCESS-KEY': creds.apiKey,
    'ACCESS-SIGN': signRest(creds.secret, ts, method, path, query, body),
    'ACCESS-TIMESTAMP': ts,
    'ACCESS-PASSPHRASE': creds.passphrase,
    'Content-Type': 'application/json',
    locale: 'en-US',
  };
  if (o.paptrading !== null) headers.paptrading = o.paptrading ?? '1';
  for (const [k, v] of Object.entries(o.override ?? {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  const r = await fetch(`${base}${path}${query ? `?${query}` : ''}`, { method, headers, body: method === 'POST' ? body : undefined });
  const text = await r.text();
  return { status: r.status, text, json: JSON.parse(text) };
}

/** A client bound to one exchange (and optionally a fixed timestamp source). */
export function client(base: string, now: () => number = () => Date.now()) {
  return {
    get: (path: string, params: Record<string, string | number | undefined> = {}, o: SignOptions = {}) =>
      signed(base, 'GET', path, params, { timestamp: now(), ...o }),
    post: (path: string, body: Record<string, unknown> | string = {}, o: SignOptions = {}) =>
      signed(base, 'POST', path, body as Record<string, string>, { timestamp: now(), ...o }),
  };
}

export const FUT = { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', marginMode: 'crossed' };

/** Opens the private socket and logs in (asserting success). */
export async function loginProbe(
  url: string,
  nowSec: number = Math.floor(Date.now() / 1000),
  creds: Credentials = CREDS,
): Promise<WsProbe> {
  const p = await WsProbe.open(url);
  const ts = String(nowSec);
  p.send({
    op: 'login',
    args: [{ apiKey: creds.apiKey, passphrase: creds.passphrase, timestamp: ts, sign: signWsLogin(creds.secret, ts) }],
  });
  const reply = await p.next((f) => f.startsWith('{"event"'), 'login reply');
  if (reply !== '{"event":"login","code":0}') throw new Error(`login failed: ${reply}`);
  return p;
}

/** Exact money: a decimal string at 18 decimals. */
export const M = (text: string): bigint => (text.startsWith('-') ? -scaled(text.slice(1), 18) : scaled(text, 18));

/** Parses a push frame and returns data[] when it is on `channel`. */
export function pushData(frame: string, channel: string): unknown[] | undefined {
  if (!frame.startsWith('{"action"')) return undefined;
  const j = JSON.parse(frame);
  return j.arg.channel === channel ? j.data : undefined;
}
