// The instruments a backtest replays, chosen among the symbols a recording holds: --symbols as given, else the
// strategy's instruments declaration, else the recording's only symbol; each with its files in replay order, and a
// symbol the input does not hold named with the ones it does. Backtest, optimize and --parity choose alike.
import type { StrategyDefinition } from '../strategy/api';
import { declaredSymbolsProblem } from '../strategy/instrument-count';
import type { ReplayFile } from '../backtest/feeder';
import { noRecordingOf, symbolList } from '../format/symbols';
import { didYouMean } from '../format/suggest';
import { UsageError } from './args';

/** The streams the files hold, as inst_type:symbol, in the order first seen. */
export function recordedSymbols(files: readonly ReplayFile[]): string[] {
  return [...new Set(files.map((f) => `${f.meta.inst_type}:${f.meta.symbol}`))];
}

/**
 * The symbols the files hold as --symbols takes them (the page says the same, src/format/symbols.ts); qualified with
 * their instrument type only where one symbol is recorded under several.
 */
export function heldSymbols(files: readonly ReplayFile[]): string {
  const streams = recordedSymbols(files);
  const plain = new Set(files.map((f) => f.meta.symbol ?? '?'));
  return symbolList(plain.size === streams.length ? plain : streams);
}

/** The files of `symbol`, or an error naming it and the symbols the input holds. */
export function filesOfSymbol(files: readonly ReplayFile[], symbol: string): ReplayFile[] {
  const chosen = files.filter((f) => f.meta.symbol === symbol);
  if (!chosen.length) throw new Error(noRecordingOf([symbol], heldSymbols(files)));
  return chosen;
}

export function sortReplay(files: ReplayFile[]): ReplayFile[] {
  return files.sort((a, b) => (a.firstLocalTs < b.firstLocalTs ? -1 : a.firstLocalTs > b.firstLocalTs ? 1 : a.path < b.path ? -1 : 1));
}

/** How to pick among the symbols of an input that holds several: one of them for a strategy that trades one. */
function pickSymbols(files: readonly ReplayFile[], declared: StrategyDefinition['instruments']): string {
  if (!declared?.single) return ': pick them with --symbols A,B (or one with --symbol)';
  const [first, ...others] = [...new Set(files.map((f) => f.meta.symbol ?? '?'))];
  return ` and the strategy trades one instrument: pick it with --symbol ${first} (or ${others.map((s) => `--symbol ${s}`).join(', ')})`;
}

/**
 * Files of more than one venue: one symbol of two venues (BTCUSDT of Bitget and of Binance, with the same grid) would
 * be replayed as one book, their messages interleaved. Said with each venue's directory, to give one; else null.
 */
function severalVenues(files: readonly ReplayFile[]): string | null {
  const dirs = new Map<string, { n: number; dir: string | null }>();
  for (const f of files) {
    const venue = f.meta.venue ?? '?';
    const d = dirs.get(venue) ?? { n: 0, dir: /^(.*\/venue=[^/]+)\//.exec(f.path)?.[1] ?? null };
    d.n++;
    dirs.set(venue, d);
  }
  if (dirs.size < 2) return null;
  const list = [...dirs].sort(([a], [b]) => (a < b ? -1 : 1));
  const held = list.map(([v, d]) => `${v}: ${d.n} ${d.n === 1 ? 'file' : 'files'}`).join(', ');
  const give = list.every(([, d]) => d.dir !== null) ? ` (${list.map(([, d]) => d.dir).join(' or ')})` : '';
  return `the input holds recordings of several venues (${held}): a run replays one venue's market, give its directory${give}`;
}

/**
 * The instruments of a run, in the run's order: those `requested` (--symbols, in the order given); else the symbols
 * the strategy's `instruments` declaration names (trade, then watch); else the recording's only symbol. Each with its
 * files in replay order. A symbol the input does not hold is named with the ones it does.
 */
export function chooseSymbols(
  files: readonly ReplayFile[],
  requested: readonly string[] | undefined,
  declared: StrategyDefinition['instruments'],
): Array<{ symbol: string; files: ReplayFile[] }> {
  const venues = severalVenues(files);
  if (venues) throw new UsageError(venues);
  const named = requested?.length ? requested : [...new Set([...(declared?.trade ?? []), ...(declared?.watch ?? [])])];
  if (!named.length) {
    const streams = recordedSymbols(files);
    if (streams.length === 1) return [{ symbol: files[0].meta.symbol!, files: sortReplay([...files]) }];
    // a strategy that trades every instrument of its run gets every symbol of the recording, in name order; one that
    // trades one, or one symbol recorded under two instrument types, is asked which
    const plain = [...new Set(files.map((f) => f.meta.symbol ?? '?'))].sort();
    if (declared?.single || plain.length !== streams.length)
      throw new UsageError(`the input holds several symbols (${heldSymbols(files)})${pickSymbols(files, declared)}`);
    return plain.map((symbol) => ({ symbol, files: sortReplay(filesOfSymbol(files, symbol)) }));
  }
  if (new Set(named).size !== named.length) throw new UsageError(`--symbols ${named.join(',')}: a symbol is named twice`);
  const missing = named.filter((s) => !files.some((f) => f.meta.symbol === s));
  // a symbol typed that the input does not hold: a command-line mistake, with the nearest one it holds
  if (missing.length && requested?.length) {
    const held = [...new Set(files.map((f) => f.meta.symbol ?? '?'))];
    throw new UsageError(`${noRecordingOf(missing, heldSymbols(files))}${missing.length === 1 ? didYouMean(missing[0], held) : ''}`);
  }
  // a declared symbol left out would stop the run at its start: said here, with the list to give
  const left = requested?.length ? declaredSymbolsProblem({ name: '', instruments: declared }, requested) : null;
  if (left) throw new UsageError(left);
  if (missing.length) throw new Error(noRecordingOf(missing, heldSymbols(files), ' (the strategy declares it in instruments)'));
  return named.map((symbol) => ({ symbol, files: sortReplay(filesOfSymbol(files, symbol)) }));
}
