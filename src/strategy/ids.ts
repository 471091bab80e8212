// Client order ids. The machine never makes ids itself: the caller injects `nextId`, so a replay with the same
// generator reproduces every clientOid. Bitget takes at most 50 characters and rejects duplicates.

export const MAX_CLIENT_OID = 50;

/** `rb-<run>-<n>`, n = 1, 2, …: short, unique within a run, and tells which run an order on the venue came from. */
export function sequentialIds(run: string, first = 1): () => string {
  if (!/^[A-Za-z0-9_]{1,32}$/.test(run)) throw new Error(`clientOid run tag must be 1–32 of [A-Za-z0-9_], got ${JSON.stringify(run)}`);
  let n = first;
  return () => `rb-${run}-${n++}`;
}
