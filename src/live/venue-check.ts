// What the venue holds of the session's symbols, in an operator's words: at the stop, what the stop could not close,
// so the exit code and the log say it must be closed by hand.
import { lotsToSize } from '../gateway/index';
import type { InstrumentGrid } from '../feed/instruments';

/** "short 1 lot (0.001 BTC)", "long 3 lots (0.003 BTC)", "no position". */
export function positionText(grid: InstrumentGrid, lot: number): string {
  if (lot === 0) return 'no position';
  const n = Math.abs(lot);
  return `${lot > 0 ? 'long' : 'short'} ${n} lot${n === 1 ? '' : 's'} (${lotsToSize(grid, n)} ${grid.symbol.replace(/USDT$/, '')})`;
}
