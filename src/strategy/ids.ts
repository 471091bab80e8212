// Client order ids. The machine never makes ids itself: the caller injects `nextId`, so a replay with the same
// generator reproduces every clientOid. Bitget takes at most 50 characters and rejects duplicates.

export const MAX_CLIENT_OID = 50;

/** The clientOids of the flatten orders sent at a halt or the stop (the gateway's, the simulated venues'): `rbflat-…`. */
export const FLATTEN_OID_PREFIX = 'rbflat-';

/** Whether an order is such a flatten: the runtime's clean-up, not one of the strategy's orders. */
export function isFlattenOid(clientOid: string): boolean {
  return clientOid.startsWith(FLATTEN_OID_PREFIX);
}

/** `rb-<run>-<n>`, n = 1, 2, …: short, unique within a run, and tells which run an order on the venue came from. */
export function sequentialIds(run: string, first = 1): () => string {
  if (!/^[A-Za-z0-9_]{1,32}$/.test(run)) throw new Error(`clientOid run tag must be 1–32 of [A-Za-z0-9_], got ${JSON.stringify(run)}`);
  let n = first;
  return () => `rb-${run}-${n++}`;
}
