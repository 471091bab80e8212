// Verifies Bitget signatures exactly as the venue does (docs/bitget.md §5.2, §4.1, §1.2), with the shared
// helpers the gateway signs with (src/gateway/signing.ts), so both sides agree by construction.
// REST: headers ACCESS-KEY, ACCESS-SIGN, ACCESS-TIMESTAMP (ms, within ±windowMs of the exchange clock),
// ACCESS-PASSPHRASE and, on a demo venue, `paptrading: 1`; sign = Base64(HMAC-SHA256(secret,
// timestamp + METHOD + path + ("?" + raw query) + body)). WS login: timestamp in seconds, sign over
// timestamp + "GET" + "/user/verify".
// Check order (first failure wins): missing headers → timestamp format → timestamp window → key → environment →
// passphrase → signature. Secrets are never echoed in errors or logs.
import type { IncomingHttpHeaders } from 'node:http';
import { signRest, signWsLogin, signaturesEqual, type Credentials } from '../../gateway/signing';
import type { RestRequest } from '../router';
import { Err, WsErr, type ApiError } from './errors';

export type Environment = 'demo' | 'live';

export interface AuthOptions {
  credentials: Credentials;
  /** 'demo' (default) requires `paptrading: 1`; 'live' refuses it. Either mismatch → 40099. */
  environment: Environment;
  /** Allowed |ACCESS-TIMESTAMP − exchange clock|, ms (Bitget: 30 s). */
  windowMs: number;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** undefined when the request is signed right; otherwise the Bitget error to answer with. */
export function verifyRest(req: RestRequest, o: AuthOptions, nowMs: number): ApiError | undefined {
  const key = header(req.headers, 'access-key');
  const sign = header(req.headers, 'access-sign');
  const ts = header(req.headers, 'access-timestamp');
  const pass = header(req.headers, 'access-passphrase');
  if (!key) return Err.keyEmpty();
  if (!sign) return Err.signEmpty();
  if (!ts || !/^\d{1,16}$/.test(ts)) return Err.timestampInvalid();
  if (Math.abs(Number(ts) - nowMs) > o.windowMs) return Err.timestampExpired();
  if (!signaturesEqual(key, o.credentials.apiKey)) return Err.keyInvalid();
  const pap = header(req.headers, 'paptrading');
  if (o.environment === 'demo' ? pap !== '1' : pap !== undefined && pap !== '0') return Err.environment();
  if (!pass) return Err.passphraseEmpty();
  if (!signaturesEqual(pass, o.credentials.passphrase)) return Err.passphraseInvalid();
  const expected = signRest(o.credentials.secret, ts, req.method, req.path, req.rawQuery ?? '', req.body);
  if (!signaturesEqual(sign, expected)) return Err.signInvalid();
  return undefined;
}

/** The WS login check: undefined on success, else [code, msg] for `{"event":"error",...}`. */
export function verifyWsLogin(arg: unknown, o: AuthOptions, nowMs: number): readonly [number, string] | undefined {
  const a = (arg ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : typeof a[k] === 'number' ? String(a[k]) : '');
  const key = str('apiKey');
  const pass = str('passphrase');
  const ts = str('timestamp');
  const sign = str('sign');
  if (!key) return WsErr.keyInvalid;
  // seconds: 10 digits today; a 13-digit millisecond stamp is refused as invalid rather than as expired
  if (!/^\d{1,11}$/.test(ts)) return WsErr.timestampInvalid;
  if (Math.abs(Number(ts) * 1000 - nowMs) > o.windowMs) return WsErr.timestampExpired;
  if (!signaturesEqual(key, o.credentials.apiKey)) return WsErr.keyInvalid;
  if (!signaturesEqual(pass, o.credentials.passphrase)) return WsErr.passphraseInvalid;
  if (!sign || !signaturesEqual(sign, signWsLogin(o.credentials.secret, ts))) return WsErr.signInvalid;
  return undefined;
}
