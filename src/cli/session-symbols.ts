// The symbols a live or demo session trades: --symbols as given, else the strategy's declared instruments, else
// BTCUSDT; said the way the strategy trades them (traded, then watched), and checked listed at the venue before the
// session says anything else.
import { fetchGrids, UnlistedSymbolError } from '../feed/instruments';
import { UsageError } from './args';

/**
 * The session's symbols: --symbols as given, else the strategy's declared instruments (traded, then watched), else
 * BTCUSDT. A symbol twice, or a declared one left out, is a command-line error.
 */
export function sessionSymbols(
  given: readonly string[] | undefined,
  declared: { trade?: readonly string[]; watch?: readonly string[] } | undefined,
): string[] {
  const fromStrategy = [...(declared?.trade ?? []), ...(declared?.watch ?? [])];
  const list = (given?.length ? given : fromStrategy.length ? fromStrategy : ['BTCUSDT']).map((x) => x.toUpperCase());
  const twice = list.find((x, i) => list.indexOf(x) !== i);
  if (twice && given?.length) throw new UsageError(`--symbols ${given.join(',')}: ${twice} is named twice`);
  const missing = fromStrategy.filter((x) => !list.includes(x));
  if (missing.length && given?.length)
    throw new UsageError(
      `--symbols ${given.join(',')}: the strategy declares ${missing.join(', ')} too (${(declared?.trade ?? []).join(', ') || 'none'} traded, ${(declared?.watch ?? []).join(', ') || 'none'} watched): try --symbols ${[...new Set([...fromStrategy, ...list])].join(',')}`,
    );
  return [...new Set(list)];
}

/** "ETHUSDT" or "ETHUSDT, watching BTCUSDT": what the session trades, as the strategy declared it. */
export function tradingText(
  symbols: readonly string[],
  declared: { trade?: readonly string[]; watch?: readonly string[] } | undefined,
): string {
  if (symbols.length < 2) return symbols.join(', ');
  const watched = symbols.filter((x) => (declared?.trade ? !declared.trade.includes(x) : (declared?.watch ?? []).includes(x)));
  const traded = symbols.filter((x) => !watched.includes(x));
  return `${traded.join(', ')}${watched.length ? `, watching ${watched.join(', ')}` : ''}`;
}

/**
 * A symbol the venue does not list is said before anything else is (the session's preamble, its parameters), as
 * `watch` does; `close` then stops the venue this process started.
 */
export async function listedOrClose(restUrl: string, symbols: string[], close: (() => Promise<void>) | undefined): Promise<void> {
  try {
    await fetchGrids(restUrl, 'USDT-FUTURES', symbols);
  } catch (err) {
    await close?.();
    throw err instanceof UnlistedSymbolError ? new UsageError(err.message) : err;
  }
}
