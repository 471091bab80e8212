// The strategy's instrument count (src/strategy/instrument-count.ts) as a command-line check: backtest, optimize,
// live and demo refuse a one-instrument strategy over several symbols with exit 2, before anything starts.
import type { StrategyDefinition } from '../strategy/api';
import { instrumentCountProblem } from '../strategy/instrument-count';
import { UsageError } from './args';

/** A one-instrument strategy over several symbols: a command-line error, before anything starts. */
export function checkInstrumentCount(def: Pick<StrategyDefinition, 'name' | 'instruments'>, symbols: readonly string[]): void {
  const problem = instrumentCountProblem(def, symbols);
  if (problem) throw new UsageError(problem);
}
