// What a run's reports say about why it traded as it did: one finding per reason (a gate that blocked entries, a
// threshold the signal never reached, the halt), in words, with the parameter to change and a --set that would change
// it. A strategy produces findings from its own counters; this file only renders them, the same in the terminal, the
// HTML report and JSON.
import { count } from './numbers';

export interface Finding {
  /** How often it happened (entries blocked), when it is a count. */
  count?: number;
  /** What the count counts, plural ("entries", "entry orders"); one of them drops the final s. */
  noun?: string;
  /** What happened to them (default "blocked"). */
  verb?: string;
  /** The parameter that decides it, e.g. gates.maxSpreadTicks. */
  parameter?: string;
  /** Why, in words: "the spread was wider than 2 ticks". */
  text: string;
  /** A value that would let more through: rendered as "try --set parameter=value". */
  suggest?: { parameter: string; value: string; also?: ReadonlyArray<{ parameter: string; value: string }> };
}

/** "gates.maxSpreadTicks blocked 12,345 entries: the spread was wider than 2 ticks; try --set gates.maxSpreadTicks=5". */
export function findingLine(f: Finding): string {
  const who = f.parameter ?? '';
  const noun = f.noun ?? 'entries';
  const one = noun === 'entries' ? 'entry' : noun.replace(/s$/, '');
  const n = f.count !== undefined ? `${f.verb ?? 'blocked'} ${count(f.count)} ${f.count === 1 ? one : noun}` : '';
  const head = [who, n].filter(Boolean).join(' ');
  // `also`: the other parameters the value needs changed with it (a rule between them), each its own --set
  const tryIt = f.suggest ? `; try ${[f.suggest, ...(f.suggest.also ?? [])].map((x) => `--set ${x.parameter}=${x.value}`).join(' ')}` : '';
  return `${head ? `${head}: ` : ''}${f.text}${tryIt}`;
}
