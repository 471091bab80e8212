// What the venue holds of the session's symbols before it trades and after it stops, in an operator's words. At the
// start: keys the venue refuses stop the command before anything trades, and a position or orders an earlier session
// left (a crash, kill -9) are named, and cleared or refused, instead of halting the new session on a mismatch. At the
// stop: what the stop could not close, so the exit code and the log say it must be closed by hand.
import {
  BitgetApiError,
  BitgetGateway,
  authRefused,
  authRefusedText,
  classifyBitgetCode,
  keyHint,
  lotsToSize,
  ticksToPrice,
  type Credentials,
  type VenueState,
} from '../gateway/index';
import type { InstrumentGrid } from '../feed/instruments';
import { baseCurrency, plural, quoteCurrency } from '../format/numbers';
import { errorText } from '../format/errors';

/** "short 1 lot (0.001 BTC)", "long 3 lots (0.003 BTC)", "no position". */
export function positionText(grid: InstrumentGrid, lot: number): string {
  if (lot === 0) return 'no position';
  const n = Math.abs(lot);
  const base = baseCurrency(grid.symbol, quoteCurrency(grid.symbol)) ?? 'base';
  return `${lot > 0 ? 'long' : 'short'} ${plural(n, 'lot')} (${lotsToSize(grid, n)} ${base})`;
}

const ordersText = (n: number) => (n === 0 ? 'no open orders' : plural(n, 'open order'));

/** Waits before the start's reads are asked again (a venue failing a request now and then: 40015, a reset, a timeout). */
export const START_READ_RETRIES_MS = [500, 1000, 2000];

/**
 * Each symbol's position and open orders at the venue, read before the session trades. The venue refusing the keys
 * (a wrong, revoked or unknown key, a bad secret or passphrase, an IP not allowed) throws the operator's sentence; a
 * failure that may pass (the venue's "try again" codes, a connection reset, no answer in time) is asked again after
 * each of `retriesMs` (a service restarted on one such failure would spend its start limit on it); any other failure,
 * or the last, throws saying the account could not be read.
 */
export async function readAtStart(
  gateways: readonly BitgetGateway[],
  grids: readonly InstrumentGrid[],
  credentials: Credentials,
  o: { retriesMs?: readonly number[]; log?(line: string): void } = {},
): Promise<VenueState[]> {
  const retriesMs = o.retriesMs ?? START_READ_RETRIES_MS;
  const out: VenueState[] = [];
  for (let i = 0; i < gateways.length; i++) {
    for (let attempt = 0; ; attempt++) {
      try {
        out.push(await gateways[i].readVenue());
        break;
      } catch (err) {
        if (authRefused(err)) throw new Error(authRefusedText(err, keyHint(credentials.apiKey)));
        const why = errorText(err);
        const mayPass = !(err instanceof BitgetApiError) || classifyBitgetCode(err.code, err.msg).retryable;
        if (!mayPass || attempt >= retriesMs.length)
          throw new Error(
            `cannot read the account's ${grids[i].symbol} position and orders before trading${attempt > 0 ? ` (${attempt + 1} attempts)` : ''}: ${why}`,
          );
        o.log?.(
          `[warn] reading the account's ${grids[i].symbol} position and orders failed (${why}); asking again in ${retriesMs[attempt] / 1000} s`,
        );
        await new Promise((r) => setTimeout(r, retriesMs[attempt]));
      }
    }
  }
  return out;
}

/** What an earlier session left on `grid`'s symbol, as one line; null when nothing. */
export function leftoverLine(grid: InstrumentGrid, v: VenueState): string | null {
  if (v.positionLot === 0 && v.openOrders.length === 0) return null;
  const orders = v.openOrders.map(
    (o) => `${o.side} ${plural(o.sizeLot - o.filledLot, 'lot')} at ${ticksToPrice(grid, o.priceTick)} (${o.clientOid || o.orderId})`,
  );
  return `${grid.symbol}: the venue holds ${positionText(grid, v.positionLot)} and ${ordersText(v.openOrders.length)}${orders.length ? ` (${orders.slice(0, 5).join(', ')}${orders.length > 5 ? ', …' : ''})` : ''} from before this session`;
}

/**
 * Cancels `grid`'s open orders and (with `flatten`) closes its position with a reduce-only market order, through a
 * gateway of its own that nothing else hears (no private stream: the session's runtime never sees these orders), then
 * reads the venue again. Returns what is left.
 */
export async function clearLeftovers(o: {
  credentials: Credentials;
  mode: ConstructorParameters<typeof BitgetGateway>[0]['mode'];
  grid: InstrumentGrid;
  restUrl: string;
  wsUrl: string;
  flatten: boolean;
  log(level: 'info' | 'warn' | 'error', line: string): void;
}): Promise<VenueState> {
  const g = new BitgetGateway({
    credentials: o.credentials,
    mode: o.mode,
    grid: o.grid,
    restUrl: o.restUrl,
    wsUrl: o.wsUrl,
    onEvent: () => {},
    log: o.log,
    privateWs: false,
    autoReconcile: false,
    syncClockOnStart: false,
    cancelAllScope: 'symbol',
    flattenPrefix: 'rbleft',
    rest: { autoClockSync: false },
  });
  try {
    g.closing(); // one attempt each, failures kept
    g.handle({ type: 'cancelAll' });
    if (o.flatten) g.handle({ type: 'flatten' });
    await g.idle();
    return await g.readVenue();
  } finally {
    await g.stop();
  }
}

/** The sentence of a start refused over a position an earlier session left. */
export function refusedStartText(lines: string[]): string {
  return (
    `${lines.join('; ')}: this session would halt on it at once (reconcile mismatch). ` +
    "Close the position and cancel the orders by hand (the venue's web or app), or start with --set risk.flattenOnBreach=true to have the session close them first"
  );
}
