// The metrics table shown when a run ends: every field computeMetrics produces (the same object `ringbook backtest
// --json` prints), one row per leaf, with the previous run's value beside it after a parameter change so the
// effect of the change can be read off directly.
import type { Metrics } from '../backtest/metrics';

/** Leaves of a metrics object as [dotted path, printable value], in the object's own key order. */
export function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (value === null || typeof value !== 'object') return [[prefix, value === null ? '–' : String(value)]];
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, '–']];
    // markouts: one row per horizon, labelled by it
    return value.flatMap((v, i) => {
      const label =
        v && typeof v === 'object' && 'horizonNs' in v
          ? `${prefix}[${Number((v as { horizonNs: number }).horizonNs) / 1e9}s]`
          : `${prefix}[${i}]`;
      return flatten(v, label);
    });
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

export function renderMetrics(table: HTMLTableElement, current: Metrics | null, previous: Metrics | null): void {
  table.replaceChildren();
  if (!current) return;
  const head = table.createTHead().insertRow();
  for (const h of ['metric', 'this run', ...(previous ? ['previous run'] : [])]) {
    const th = document.createElement('th');
    th.textContent = h;
    head.appendChild(th);
  }
  const before = new Map(previous ? flatten(previous) : []);
  const body = table.createTBody();
  for (const [k, v] of flatten(current)) {
    const tr = body.insertRow();
    tr.dataset.metric = k;
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = v;
    if (previous) {
      const cell = tr.insertCell();
      const old = before.get(k) ?? '';
      cell.textContent = old;
      if (old !== v) tr.classList.add('changed');
    }
  }
}
