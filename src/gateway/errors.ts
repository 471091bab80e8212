// Bitget's answers as typed errors, and what each means for the strategy state machine (docs/bitget.md
// §5.6, §1.4). WHEN TO USE: the REST client throws BitgetApiError (the venue answered: code + msg) or
// GatewayTransportError (no answer: the request may or may not have been executed); the gateway turns either into
// one FSM Event with `placeFailureEvent` / `cancelFailureEvent`.
//
// Three outcomes:
// - definite rejection → `reject` (place) / `cancelReject` (cancel), `retryable` telling the FSM whether the same
//   order may simply be tried again soon (rate limit, clock, venue busy) or not (funds, precision, notional…);
// - outcome unknown (timeout, connection reset, HTTP 5xx, the venue saying its own processing timed out or failed
//   in an unknown way, duplicate clientOid) → `disconnect`: the order's state is unknown until the gateway
//   reconciles (it schedules one itself);
// - everything else unknown to the table → a non-retryable reject (never hammer the venue with a mystery).
import type { Event } from '../strategy/events';

/** The venue answered with an error envelope (code !== "00000") or an HTTP error status. */
export class BitgetApiError extends Error {
  constructor(
    /** Bitget's code as a string ("40762"), or the HTTP status ("429") when the body carried none. */
    readonly code: string,
    readonly msg: string,
    readonly httpStatus: number,
    /** Request path, e.g. "/api/v2/mix/order/place-order" (never the signed headers). */
    readonly path: string,
  ) {
    super(`Bitget ${code} ${msg} (HTTP ${httpStatus} ${path})`);
  }
}

/** No usable answer: network error, timeout, or a non-JSON/5xx reply. The request's effect is unknown. */
export class GatewayTransportError extends Error {
  constructor(
    readonly code: 'RB_ERR_GW_NETWORK' | 'RB_ERR_GW_TIMEOUT' | 'RB_ERR_GW_BAD_REPLY',
    readonly path: string,
    readonly detail: string,
    readonly httpStatus = 0,
  ) {
    super(`${code}: ${path}: ${detail}`);
  }
}

export type ErrorCategory =
  | 'rateLimit'
  | 'timestamp'
  | 'venueBusy'
  | 'venueUnsure'
  | 'auth'
  | 'environment'
  | 'insufficientFunds'
  | 'minNotional'
  | 'precision'
  | 'invalidOrder'
  | 'postOnly'
  | 'positionMode'
  | 'orderNotFound'
  | 'noPosition'
  | 'duplicateClientOid'
  | 'maintenance'
  | 'param'
  | 'unknown';

export interface ErrorInfo {
  category: ErrorCategory;
  /** The FSM may send the same order again soon. */
  retryable: boolean;
  meaning: string;
}

const C = (category: ErrorCategory, retryable: boolean, meaning: string): ErrorInfo => ({ category, retryable, meaning });

/** Bitget REST and WebSocket codes the gateway knows (sources in docs/bitget.md §5.6, §1.4). */
export const BITGET_ERRORS: Readonly<Record<string, ErrorInfo>> = {
  '429': C('rateLimit', true, 'too many requests (HTTP 429)'),
  '1001': C('rateLimit', true, 'request too frequent'),
  '30006': C('rateLimit', true, 'WS: too many requests'),
  '30007': C('rateLimit', true, 'WS: request over limit, connection closed'),
  '40004': C('timestamp', true, 'request timestamp expired'),
  '40005': C('timestamp', true, 'invalid ACCESS-TIMESTAMP'),
  '40008': C('timestamp', true, 'request timestamp expired'),
  '30013': C('timestamp', true, 'WS: invalid timestamp'),
  '30014': C('timestamp', true, 'WS: timestamp expired'),
  '40015': C('venueBusy', true, 'system is abnormal, try again later'),
  '43059': C('venueBusy', true, 'request failed, please try again'),
  // the venue answered, but says it does not know how its own processing ended: an order may exist, so a place or a
  // cancel is never a reject (outcomeUnknown); a read that got it may simply be asked again (§5.6)
  '40010': C('venueUnsure', true, 'request timed out at the venue (outcome unknown)'),
  '40910': C('venueUnsure', true, 'operation timed out at the venue (outcome unknown)'),
  '45001': C('venueUnsure', true, 'unknown error at the venue (outcome unknown)'),
  '40604': C('venueBusy', true, 'server is busy, try again later'),
  '40200': C('venueBusy', true, 'server upgrade, try again later'),
  '40001': C('auth', false, 'ACCESS-KEY missing'),
  '40002': C('auth', false, 'SECRET-KEY missing'),
  '40003': C('auth', false, 'signature missing'),
  '40006': C('auth', false, 'invalid ACCESS-KEY'),
  '40009': C('auth', false, 'signature error'),
  '40011': C('auth', false, 'ACCESS-PASSPHRASE missing'),
  '40012': C('auth', false, 'API key or passphrase wrong'),
  '40014': C('auth', false, 'incorrect permissions'),
  '40018': C('auth', false, 'IP not allowed'),
  '40037': C('auth', false, 'API key does not exist'),
  '30004': C('auth', false, 'WS: login required'),
  '30005': C('auth', false, 'WS: login failed'),
  '30011': C('auth', false, 'WS: invalid ACCESS-KEY'),
  '30012': C('auth', false, 'WS: invalid passphrase'),
  '30015': C('auth', false, 'WS: invalid sign'),
  '40099': C('environment', false, 'exchange environment is incorrect (demo/live key vs paptrading header)'),
  '40762': C('insufficientFunds', false, 'order size above the max open size (the balance and leverage allow less)'),
  '40754': C('insufficientFunds', false, 'balance not enough'),
  '40798': C('insufficientFunds', false, 'insufficient contract account balance'),
  '43012': C('insufficientFunds', false, 'insufficient balance'),
  '40711': C('insufficientFunds', false, 'insufficient contract account balance'),
  '40712': C('insufficientFunds', false, 'insufficient margin'),
  '45110': C('minNotional', false, 'below the minimum order amount (e.g. 5 USDT)'),
  '40808': C('precision', false, 'size precision (checkBDScale) error'),
  '41103': C('precision', false, 'price scale error'),
  '43011': C('invalidOrder', false, 'executePrice <= 0'),
  '40706': C('invalidOrder', false, 'wrong order price'),
  '40305': C('invalidOrder', false, 'clientOid too long or with bad characters'),
  '40774': C('positionMode', false, 'order type does not match the position mode (one-way vs hedge)'),
  '40109': C('orderNotFound', false, 'order not found'),
  '43001': C('orderNotFound', false, 'order does not exist'),
  '22001': C('orderNotFound', false, 'no order to cancel'),
  '40768': C('orderNotFound', false, 'order does not exist'),
  '22002': C('noPosition', false, 'no position to close'),
  '40709': C('noPosition', false, 'no position'),
  '40757': C('noPosition', false, 'not enough position available (reduce-only larger than the position)'),
  '40786': C('duplicateClientOid', false, 'duplicate clientOid'),
  '43118': C('duplicateClientOid', false, 'duplicate clientOid'),
  '40308': C('maintenance', false, 'contract under maintenance'),
  '41114': C('maintenance', false, 'trading pair under maintenance'),
  '43115': C('maintenance', false, 'trading pair opening soon'),
  '40017': C('param', false, 'parameter verification failed'),
  '40019': C('param', false, 'parameter missing'),
  '40020': C('param', false, 'parameter invalid'),
  '40924': C('param', false, 'orderId or clientOid missing'),
  '40925': C('param', false, 'price and size must be given together'),
  '22003': C('param', false, 'modify price and size without newClientOid'),
  '30016': C('param', false, 'WS: param error'),
};

const UNKNOWN = C('unknown', false, "not in the gateway's table");
const POST_ONLY = C('postOnly', false, 'post-only order would have taken liquidity');

/**
 * What a Bitget code means. Post-only crossing has no code confirmed by two sources, so it is recognised by its
 * message (any code whose msg mentions post only / post_only / maker only).
 */
export function classifyBitgetCode(code: string | number, msg = ''): ErrorInfo {
  const known = BITGET_ERRORS[String(code)];
  if (known) return known;
  if (/post[\s_-]?only|maker[\s_-]?only/i.test(msg)) return POST_ONLY;
  return UNKNOWN;
}

/**
 * True when the venue refused the credentials themselves (a wrong, revoked or unknown key, a bad signature or
 * passphrase, a key not allowed from this IP or without the permission, a demo key on live or the reverse): no
 * request will succeed until someone changes the keys, so retrying only floods the venue.
 */
export function authRefused(err: unknown): err is BitgetApiError {
  if (!(err instanceof BitgetApiError)) return false;
  const c = classifyBitgetCode(err.code, err.msg).category;
  return c === 'auth' || c === 'environment';
}

/**
 * What an operator reads when the venue refused the keys: the code and the venue's words, where to look, and the key
 * as `describeCredentials` shows it (its first four characters), never more.
 */
export function authRefusedText(err: BitgetApiError, key: string): string {
  return `the exchange refused the API key (${err.code} ${err.msg}): check --keys / BITGET_API_KEY, BITGET_API_SECRET, BITGET_API_PASSPHRASE (${key}; only a long key's first 4 characters are ever shown)`;
}

/** True when the request's effect on the venue is unknown (the order may or may not exist). */
export function outcomeUnknown(err: unknown): boolean {
  if (venueUnsure(err)) return true;
  return err instanceof BitgetApiError && classifyBitgetCode(err.code, err.msg).category === 'duplicateClientOid';
}

/**
 * No answer, an HTTP 5xx, or the venue saying it does not know how its processing ended (40010 "Request timed out",
 * …): whatever the request was (a place, a cancel, an amendment), it may or may not have taken effect.
 */
function venueUnsure(err: unknown): boolean {
  if (err instanceof GatewayTransportError) return true;
  if (!(err instanceof BitgetApiError)) return false;
  return err.httpStatus >= 500 || classifyBitgetCode(err.code, err.msg).category === 'venueUnsure';
}

function describe(err: unknown): { code: string; message: string } {
  if (err instanceof BitgetApiError) return { code: err.code, message: err.msg };
  if (err instanceof GatewayTransportError) return { code: err.code, message: err.detail };
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'RB_ERR_GW_INTERNAL', message: String(e?.message ?? err) };
}

/** A failed place-order → `reject`, or `disconnect` when the order's fate is unknown. */
export function placeFailureEvent(clientOid: string, err: unknown): Event {
  const { code, message } = describe(err);
  if (outcomeUnknown(err)) return { type: 'disconnect', reason: `place ${clientOid}: outcome unknown (${code} ${message})` };
  const retryable = err instanceof BitgetApiError ? classifyBitgetCode(err.code, err.msg).retryable : false;
  return { type: 'reject', clientOid, code, message, retryable };
}

/** A failed cancel-order → `cancelReject` (unknown order included), or `disconnect` when the outcome is unknown. */
export function cancelFailureEvent(clientOid: string, err: unknown): Event {
  const { code, message } = describe(err);
  if (venueUnsure(err)) {
    return { type: 'disconnect', reason: `cancel ${clientOid}: outcome unknown (${code} ${message})` };
  }
  return { type: 'cancelReject', clientOid, code, message };
}
