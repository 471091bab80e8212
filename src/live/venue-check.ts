// What the venue holds of the session's symbols before it trades and after it stops, in an operator's words. At the
// start: keys the venue refuses stop the command before anything trades. At the stop: what the stop could not close,
// so the exit code and the log say it must be closed by hand.
import { authRefused, authRefusedText, lotsToSize, type BitgetGateway, type Credentials, type VenueState } from '../gateway/index';
import type { InstrumentGrid } from '../feed/instruments';

/** "short 1 lot (0.001 BTC)", "long 3 lots (0.003 BTC)", "no position". */
export function positionText(grid: InstrumentGrid, lot: number): string {
  if (lot === 0) return 'no position';
  const n = Math.abs(lot);
  return `${lot > 0 ? 'long' : 'short'} ${n} lot${n === 1 ? '' : 's'} (${lotsToSize(grid, n)} ${grid.symbol.replace(/USDT$/, '')})`;
}

/** The key as an operator may see it: its first four characters. */
export const keyText = (c: Credentials) => `API key ${c.apiKey.slice(0, 4)}…`;

/**
 * Each symbol's position and open orders at the venue, read before the session trades. The venue refusing the keys
 * (a wrong, revoked or unknown key, a bad secret or passphrase, an IP not allowed) throws the operator's sentence;
 * any other failure throws saying the account could not be read.
 */
export async function readAtStart(
  gateways: readonly BitgetGateway[],
  grids: readonly InstrumentGrid[],
  credentials: Credentials,
): Promise<VenueState[]> {
  const out: VenueState[] = [];
  for (let i = 0; i < gateways.length; i++) {
    try {
      out.push(await gateways[i].readVenue());
    } catch (err) {
      if (authRefused(err)) throw new Error(authRefusedText(err, keyText(credentials)));
      throw new Error(`cannot read the account's ${grids[i].symbol} position and orders before trading: ${(err as Error).message}`);
    }
  }
  return out;
}
