// Where imported records go: Parquet files (./files, Node) or the replay page's columns (./page). Records arrive in
// order, a run at a time, as 16 words each in the core's memory; the sink copies what it keeps before returning.

export interface RecordSink {
  /** `n` records, 16 words each, from word `at` of `words`. */
  records(words: Int32Array, at: number, n: number): void;
}

/** A bad input line: where (1-based line of the named input) and what. */
export class ImportError extends Error {
  constructor(
    readonly input: string,
    readonly line: number,
    readonly reason: string,
    /** A price or size the grid could not hold, with the decimal parser's code (DecimalError). */
    readonly grid?: { field: 'price' | 'size'; decimal: number },
  ) {
    super(`${input}:${line}: ${reason}`);
  }
}
