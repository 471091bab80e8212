// The metrics part of `ringbook backtest --json`, which carries the units, the parameters and why-no-trades around
// the metrics object the page and the optimizer compute: for tests that hold the page's metrics to the CLI's.
const METRICS = ['run', 'pnl', 'returns', 'drawdown', 'activity', 'trades', 'markouts', 'exposure', 'strategy', 'settings'];

export function metricsOfCli(json: string | Record<string, unknown>): Record<string, unknown> {
  const j = typeof json === 'string' ? (JSON.parse(json) as Record<string, unknown>) : json;
  return Object.fromEntries(METRICS.map((k) => [k, j[k]]));
}
