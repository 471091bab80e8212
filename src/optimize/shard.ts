// Splitting one optimizer run across machines or processes: `--shard i/n` runs the trials whose id ≡ i (mod n).
// Shards count from 0 (`0/4` … `3/4`), like the trial ids they select. Taking every n-th id rather than a
// contiguous block balances the work when cost varies along the grid (the grid's first key varies slowest), and a
// trial's shard depends only on its id, never on the total: extending a random search keeps earlier trials where
// they were. The shards of one space partition its trials exactly, so merging their results by trial id gives the
// unsharded run.

export interface Shard {
  /** 0-based: 0 … count-1. */
  index: number;
  count: number;
}

/** "i/n" → { index: i, count: n } with 0 ≤ i < n. Throws an Error that shows the text and the valid forms. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`--shard ${JSON.stringify(text)} is not i/n: give the shard index and count, e.g. 0/4 (shards count from 0)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  checkShard(index, count, text);
  return { index, count };
}

/** The trials of shard `index` of `count`, in their original order. */
export function shardTrials<T extends { id: number }>(trials: readonly T[], index: number, count: number): T[] {
  checkShard(index, count, `${index}/${count}`);
  return trials.filter((t) => {
    if (!Number.isSafeInteger(t.id) || t.id < 0) throw new Error(`shard: trial id ${String(t.id)} is not a whole number ≥ 0`);
    return t.id % count === index;
  });
}

function checkShard(index: number, count: number, text: string): void {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new Error(`--shard ${JSON.stringify(text)}: the shard count must be a whole number ≥ 1`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    const last = count - 1;
    throw new Error(
      `--shard ${JSON.stringify(text)}: the shard index must be 0…${last} (shards count from 0: 0/${count} … ${last}/${count})`,
    );
  }
}
