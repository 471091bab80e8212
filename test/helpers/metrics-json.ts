// The metrics part of `ringbook backtest --json`, which carries the units, the parameters and why-no-trades around
// the metrics object the page and the optimizer compute: for tests that hold the page's metrics to the CLI's. The
// provenance (the strategy bundle's and core.wasm's sha256) is left out: the CLI runs obi-ofi from its bundled source,
// a page without `ringbook serve`'s strategy endpoints its compiled-in twin (the same code, no bundle hash);
// test/web/strategy-page.test.ts holds the page's hashes to the CLI's where the page runs the bundles.
const METRICS = ['run', 'pnl', 'returns', 'drawdown', 'activity', 'trades', 'markouts', 'exposure', 'strategy', 'settings'];

export function metricsOfCli(json: string | Record<string, unknown>): Record<string, unknown> {
  const j = typeof json === 'string' ? (JSON.parse(json) as Record<string, unknown>) : json;
  return Object.fromEntries(METRICS.map((k) => [k, k === 'strategy' ? withoutProvenance(j[k]) : j[k]]));
}

/** The metrics' strategy part without the hashes. */
export function withoutProvenance(strategy: unknown): unknown {
  if (strategy === null || typeof strategy !== 'object') return strategy;
  const { bundleSha256: _b, coreSha256: _c, ...rest } = strategy as Record<string, unknown>;
  return rest;
}
