// Growing the typed columns the backtest keeps its queues and logs in (the agenda, the fill log, waiting markouts).

type Column = Float64Array | Int32Array | Uint8Array;

/** A column of `a`'s type with room for `cap` values, starting with `a`'s values from `from` to `to`. */
export function grown<T extends Column>(a: T, cap: number, from = 0, to = a.length): T {
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a.subarray(from, to));
  return b;
}
