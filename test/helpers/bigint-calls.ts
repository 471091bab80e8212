// How many times `fn` calls the global BigInt() (the hot paths promise none per value): BigInt is swapped for a
// counting wrapper while `fn` runs.
export async function bigIntCalls(fn: () => unknown): Promise<number> {
  const Real = BigInt;
  let calls = 0;
  const counting = Object.assign(
    (v: any) => {
      calls++;
      return Real(v);
    },
    { asIntN: Real.asIntN, asUintN: Real.asUintN },
  );
  (globalThis as any).BigInt = counting;
  try {
    await fn();
  } finally {
    (globalThis as any).BigInt = Real;
  }
  return calls;
}
