// The order in which a replay of several instruments takes their messages, in one place for the streaming merge
// (./merge, Node: files) and the browser replay (src/web/merged-recording.ts: recordings in memory). Nothing here
// reads files, so the page's bundle can take it.

/**
 * A message stamped (hiA, loA) — local_ts of its first record as its int32 halves, lo as stored (signed, compared
 * unsigned) — goes before one stamped (hiB, loB) when earlier, or at the same stamp when `aFirstAtTie` (its
 * instrument comes earlier in the run's order). Exact: no float of 64-bit ns.
 */
export const mergedBefore = (hiA: number, loA: number, hiB: number, loB: number, aFirstAtTie: boolean): boolean =>
  hiA !== hiB ? hiA < hiB : loA !== loB ? loA >>> 0 < loB >>> 0 : aFirstAtTie;
