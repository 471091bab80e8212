// Bitget v2 public REST routes (docs/bitget.md §6, §7) and the simulator's debug routes, with Bitget's
// envelope: {"code":"00000","msg":"success","requestTime":<ms>,"data":...}. WHEN TO USE: registered on the
// server's Router by startExchange; a private-API module registers its own routes the same way.
import type { Router, RestResponse } from './router';
import type { Venue } from './venue';
import type { InstType } from './instruments';
import { contractRow, spotSymbolRow } from './instruments';

const JSON_TYPE = { 'content-type': 'application/json' };

/** A success envelope around already-rendered `data` JSON. */
export function ok(requestTime: number, dataJson: string): RestResponse {
  return {
    status: 200,
    headers: JSON_TYPE,
    body: `{"code":"00000","msg":"success","requestTime":${Math.floor(requestTime)},"data":${dataJson}}`,
  };
}

/** An error envelope: Bitget sends the code as a string and `data: null`. */
export function fail(status: number, code: string, msg: string, requestTime: number): RestResponse {
  return {
    status,
    headers: JSON_TYPE,
    body: `{"code":${JSON.stringify(code)},"msg":${JSON.stringify(msg)},"requestTime":${Math.floor(requestTime)},"data":null}`,
  };
}

/** Unknown path: HTTP 404, code "40404" (Bitget's answer to an unknown route). */
export function notFound(requestTime: number): RestResponse {
  return fail(404, '40404', 'Request URL NOT FOUND', requestTime);
}

/** Product types Bitget v2 accepts (case-insensitive); the simulator lists instruments for USDT-FUTURES only. */
const PRODUCT_TYPES = ['USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES'];

/** GET /api/v2/public/time, /api/v2/mix/market/contracts, /api/v2/spot/public/symbols. */
export function registerPublicRest(router: Router, venue: Venue): void {
  router.get('/api/v2/public/time', () => {
    const t = Math.floor(venue.exchNow());
    return ok(t, `{"serverTime":"${t}"}`);
  });

  router.get('/api/v2/mix/market/contracts', (req) => {
    const t = venue.exchNow();
    const raw = req.query.get('productType');
    if (!raw) return fail(400, '40019', 'Parameter productType cannot be empty', t);
    const productType = raw.toUpperCase();
    if (!PRODUCT_TYPES.includes(productType)) return fail(400, '40020', 'Parameter productType error', t);
    let rows = venue.instruments(productType as InstType);
    const symbol = req.query.get('symbol');
    if (symbol) {
      rows = rows.filter((i) => i.symbol === symbol.toUpperCase());
      if (rows.length === 0) return fail(400, '40034', `Parameter ${symbol} does not exist`, t);
    }
    return ok(t, JSON.stringify(rows.map(contractRow)));
  });

  router.get('/api/v2/spot/public/symbols', (req) => {
    const t = venue.exchNow();
    let rows = venue.instruments('SPOT');
    const symbol = req.query.get('symbol');
    if (symbol) {
      rows = rows.filter((i) => i.symbol === symbol.toUpperCase());
      if (rows.length === 0) return fail(400, '40034', `Parameter ${symbol} does not exist`, t);
    }
    return ok(t, JSON.stringify(rows.map(spotSymbolRow)));
  });
}

/**
 * GET /debug/book?instType=&symbol=&depth=25 → {instType, symbol, seq (string), ts, levels: {bids, asks}, checksum}:
 * the true book at the last push, as wire strings. GET /debug/stats → the exchange's counters. Not Bitget routes.
 */
export function registerDebugRest(router: Router, venue: Venue, stats: () => unknown): void {
  router.get('/debug/book', (req) => {
    const t = venue.exchNow();
    const instType = req.query.get('instType') ?? '';
    const symbol = req.query.get('symbol') ?? '';
    const pub = venue.get(instType, symbol);
    if (!pub) return fail(400, '40034', `no instrument ${instType}:${symbol} (pass instType and symbol)`, t);
    const depthText = req.query.get('depth') ?? '25';
    const depth = Number(depthText);
    if (!Number.isInteger(depth) || depth < 1 || depth > 100_000)
      return fail(400, '40020', `depth must be a whole number in [1, 100000], got "${depthText}"`, t);
    return { status: 200, headers: JSON_TYPE, body: JSON.stringify(pub.debugBook(depth)) };
  });
  router.get('/debug/stats', () => ({ status: 200, headers: JSON_TYPE, body: JSON.stringify(stats()) }));
}
