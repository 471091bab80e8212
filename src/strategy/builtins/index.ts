// The built-in strategies, by name: written on the public API exactly as a user's file is (they import only
// 'ringbook'), so `--strategy obi-ofi` and `--strategy path/to/a-copy-of-it.ts` run the same code. `source` is the file
// the loader bundles for provenance (its content hash); `definition` is the same module compiled in, for the places that
// cannot bundle (the page, the optimizer's workers until they take bundles).
import type { StrategyDefinition } from '../api';
import obiOfi from './obi-ofi/index';
import signalTaker from './signal-taker';
import mmGlft from './mm-glft';
import leadLag from './lead-lag';

export interface Builtin {
  name: string;
  /** Path of the entry file from the repository root. */
  source: string;
  definition: StrategyDefinition;
}

export const BUILTINS: readonly Builtin[] = [
  { name: 'obi-ofi', source: 'src/strategy/builtins/obi-ofi/index.ts', definition: obiOfi as unknown as StrategyDefinition },
  { name: 'signal-taker', source: 'src/strategy/builtins/signal-taker.ts', definition: signalTaker as unknown as StrategyDefinition },
  { name: 'mm-glft', source: 'src/strategy/builtins/mm-glft.ts', definition: mmGlft as unknown as StrategyDefinition },
  { name: 'lead-lag', source: 'src/strategy/builtins/lead-lag.ts', definition: leadLag as unknown as StrategyDefinition },
];

export const BUILTIN_NAMES = BUILTINS.map((b) => b.name);

export function builtinNamed(name: string): Builtin | undefined {
  return BUILTINS.find((b) => b.name === name);
}

/** The default strategy of every command. */
export const DEFAULT_STRATEGY = 'obi-ofi';
