// Bitget request signing (docs/bitget.md §4.1, §5.2): Base64(HMAC-SHA256(secret, prehash)).
// REST prehash = timestamp(ms) + METHOD + requestPath + ("?" + query, sorted keys, when non-empty) + body;
// WebSocket login prehash = timestamp(s) + "GET" + "/user/verify". Used by the gateway to sign and by the local
// exchange to verify, so both sides agree by construction and a known vector pins them to Bitget's.
import { timingSafeEqual } from 'node:crypto';
import { HmacSha256 } from './hmac-sha256';
import { duplicateKey, lineColumn } from '../format/json-text';

export interface Credentials {
  apiKey: string;
  secret: string;
  passphrase: string;
}

/** The demo credentials of the local exchange (overridable there with flags or the BITGET_* variables). */
export const LOCAL_DEMO_CREDENTIALS: Credentials = {
  apiKey: 'ringbook-demo',
  secret: 'ringbook-demo-secret',
  passphrase: 'ringbook-demo-pass',
};

/** The keys in use (a client's, and the local exchange's for each account it verifies): a few at most. */
const keyed = new Map<string, HmacSha256>();

export function hmacBase64(secret: string, prehash: string): string {
  let h = keyed.get(secret);
  if (!h) {
    if (keyed.size >= 16) keyed.clear();
    h = new HmacSha256(secret);
    keyed.set(secret, h);
  }
  return h.base64(prehash);
}

/** Query string with keys sorted, values as given (what goes into the URL and the prehash alike). */
export function queryString(params: Record<string, string | number | undefined>): string {
  return Object.keys(params)
    .filter((k) => params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(params[k]))}`)
    .join('&');
}

export function restPrehash(timestampMs: string, method: string, path: string, query: string, body: string): string {
  return `${timestampMs}${method.toUpperCase()}${path}${query ? `?${query}` : ''}${body}`;
}

export function signRest(secret: string, timestampMs: string, method: string, path: string, query: string, body: string): string {
  return hmacBase64(secret, restPrehash(timestampMs, method, path, query, body));
}

export function signWsLogin(secret: string, timestampSec: string): string {
  return hmacBase64(secret, `${timestampSec}GET/user/verify`);
}

/** Constant-time comparison of two Base64 signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Credentials from the environment (BITGET_API_KEY, BITGET_API_SECRET, BITGET_API_PASSPHRASE) or from a JSON file
 * ({ apiKey, secret, passphrase }). Never logged: callers print `describeCredentials` instead.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | null {
  const apiKey = env.BITGET_API_KEY;
  const secret = env.BITGET_API_SECRET;
  const passphrase = env.BITGET_API_PASSPHRASE;
  if (!apiKey && !secret && !passphrase) return null;
  if (!apiKey || !secret || !passphrase) {
    throw new Error('set all three of BITGET_API_KEY, BITGET_API_SECRET and BITGET_API_PASSPHRASE (or none, for the local exchange)');
  }
  return { apiKey, secret, passphrase };
}

/** Whether `prefix` is the start of some valid JSON text (what a parser reads before it fails, if it fails). */
function validPrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (err) {
    const m = (err as Error).message;
    const pos = /at position (\d+)/.exec(m);
    return /end of JSON input/.test(m) || (pos !== null && Number(pos[1]) >= prefix.length);
  }
}

/**
 * The offset of the character JSON.parse stumbles on in `text` (invalid JSON): the longest valid prefix, found by
 * bisection, since V8's messages give a position only for some errors (and quote the text around it).
 */
function jsonErrorOffset(text: string): number {
  let ok = 0;
  let bad = text.length + 1;
  while (bad - ok > 1) {
    const mid = (ok + bad) >> 1;
    if (validPrefix(text.slice(0, mid))) ok = mid;
    else bad = mid;
  }
  return Math.min(ok, text.length);
}

/**
 * Credentials from a JSON file's text ({ apiKey, secret, passphrase }); `where` names the file in errors. A parse
 * error says where the typo is (line and column) but never quotes the text: V8's messages show a window of it,
 * which for this file is the secret itself.
 */
export function credentialsFromJson(text: string, where: string): Credentials {
  let k: unknown;
  try {
    k = JSON.parse(text);
  } catch {
    const before = text.slice(0, jsonErrorOffset(text));
    const at = ` at line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
    throw new Error(
      `${where} is not valid JSON${at} (its text is not shown: it holds secrets); expected {"apiKey", "secret", "passphrase"}`,
    );
  }
  // a key given twice: JSON.parse keeps the last, and which pasted secret is used must not be a guess (the key's
  // name and line only, never a value)
  const dup = duplicateKey(text);
  if (dup) {
    const line = (offset: number) => lineColumn(text, offset).line;
    throw new Error(
      `${where}, line ${line(dup.offset)}: "${dup.key}" is given twice (first on line ${line(dup.firstOffset)}); give each key once`,
    );
  }
  const o = k as Partial<Record<keyof Credentials, unknown>> | null;
  if (!o || typeof o !== 'object' || !o.apiKey || !o.secret || !o.passphrase)
    throw new Error(`${where} must hold {"apiKey", "secret", "passphrase"}`);
  return { apiKey: String(o.apiKey), secret: String(o.secret), passphrase: String(o.passphrase) };
}

/** Shorter keys are not named at all: their first 4 characters would be most of them, or all. */
export const KEY_PREFIX_MIN_LENGTH = 12;

/** The key as a log may name it: "API key bg_0…", or for a short key "API key of 6 characters, hidden". */
export function keyHint(apiKey: string): string {
  return `API key ${apiKey.length >= KEY_PREFIX_MIN_LENGTH ? `${apiKey.slice(0, 4)}…` : `of ${apiKey.length} characters, hidden`}`;
}

/** A safe description for logs: the key's first 4 characters only, never the secret or passphrase. */
export function describeCredentials(c: Credentials): string {
  return `${keyHint(c.apiKey)} (secret and passphrase hidden)`;
}
