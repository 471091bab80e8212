// Whether a strategy can run over the run's instruments: one declared `instruments.single` trades the run's only
// instrument (it calls ctx.market() without a symbol), so a run of several is refused before anything starts, in every
// command alike, naming the strategies made for several; one that declares the symbols it trades and watches needs
// every one of them in the run, and is told which to add.
import type { StrategyDefinition } from './api';
import { BUILTINS } from './builtins/index';

/** The built-ins that trade or watch several instruments. */
export function multiInstrumentBuiltins(): string[] {
  return BUILTINS.filter((b) => !b.definition.instruments?.single).map((b) => b.name);
}

/**
 * null when `def` can run over `symbols`; else what to do instead, in the command line's words or the replay page's
 * (it has no flags: one symbol is chosen in its recording list).
 */
export function instrumentCountProblem(
  def: Pick<StrategyDefinition, 'name' | 'instruments'>,
  symbols: readonly string[],
  where: 'cli' | 'page' = 'cli',
): string | null {
  if (!def.instruments?.single || symbols.length < 2) return null;
  const several = multiInstrumentBuiltins().join(', ');
  return where === 'cli'
    ? `--strategy ${def.name} trades one instrument; run it with one --symbol (not ${symbols.join(',')}), or use a strategy made for several (${several})`
    : `${def.name} trades one instrument: choose one symbol of this recording (not ${symbols.join(' + ')}), or a strategy made for several (${several})`;
}

/**
 * null when `symbols` (those asked for: --symbols, or the page's symbols field) hold every symbol `def` declares, or
 * none were asked for (the declaration picks them then); else the symbols to give, the declared ones in their order
 * first, in the command line's words (as demo and live say it) or the page's.
 */
export function declaredSymbolsProblem(
  def: Pick<StrategyDefinition, 'name' | 'instruments'>,
  symbols: readonly string[],
  where: 'cli' | 'page' = 'cli',
): string | null {
  const trade = def.instruments?.trade ?? [];
  const watch = def.instruments?.watch ?? [];
  const declared = [...new Set([...trade, ...watch])];
  const missing = declared.filter((s) => !symbols.includes(s));
  if (!missing.length || !symbols.length) return null;
  const all = [...declared, ...symbols.filter((s) => !declared.includes(s))];
  const roles = `${trade.join(', ') || 'none'} traded, ${watch.join(', ') || 'none'} watched`;
  return where === 'cli'
    ? `--symbols ${symbols.join(',')}: the strategy declares ${missing.join(', ')} too (${roles}): try --symbols ${all.join(',')}`
    : `${def.name} declares ${missing.join(', ')} too (${roles}): open the recording of several symbols (its symbols field empty, or ${all.join(',')})`;
}
