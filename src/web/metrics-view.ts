// The full metrics, collapsible: every section of the backtest report (src/backtest/report-text.ts reportSections:
// the same labels, units, rounding and notes as the terminal and HTML reports, money in the quote currency,
// durations human, n/a where the run is too short), then the parameters and the simulated venue's settings, with
// the previous run's values beside them after a parameter change, changed rows marked, so the effect of the change
// can be read off directly.
import type { Metrics } from '../backtest/metrics';
import { reportSections, type Row } from '../backtest/report-text';
import type { RunReport } from './protocol';

export interface MetricRow {
  /** Section and label, numbered when a label repeats in its section: stable across runs. */
  key: string;
  section: string;
  label: string;
  value: string;
  unit: string;
  note: string;
  wide: boolean;
  previous?: string;
}

/** The section's name without the details in brackets that change from run to run ("Returns (ΔPnL every 1 s, …)"). */
const sectionKey = (title: string) => title.replace(/\s*\(.*$/, '');

/** Every row of the report, keyed so a previous run's rows line up with this one's. */
export function metricRows(m: Metrics, report: RunReport | null): MetricRow[] {
  const out: MetricRow[] = [];
  for (const s of reportSections(m, report?.ctx ?? {})) {
    const seen = new Map<string, number>();
    for (const r of s.rows as Row[]) {
      const n = (seen.get(r.label) ?? 0) + 1;
      seen.set(r.label, n);
      out.push({
        key: `${sectionKey(s.title)}/${r.label}${n > 1 ? `#${n}` : ''}`,
        section: s.title,
        label: r.label,
        value: r.value,
        unit: r.unit,
        note: [r.note, r.detail].filter(Boolean).join(' · '),
        wide: !!r.wide,
      });
    }
  }
  return out;
}

export function compareRows(current: MetricRow[], previous: MetricRow[] | null): MetricRow[] {
  if (!previous) return current;
  const before = new Map(previous.map((r) => [r.key, r]));
  return current.map((r) => {
    const was = before.get(r.key);
    // a row n/a in this run has no unit ("max drawdown n/a"): the previous run's value keeps its own ("0.08 %")
    return { ...r, unit: r.unit || (was?.unit ?? ''), previous: r.wide ? undefined : (was?.value ?? '') };
  });
}

export class MetricsPanel {
  rows: MetricRow[] = [];

  constructor(
    private readonly table: HTMLTableElement,
    private readonly note: HTMLElement,
  ) {}

  clear(text = 'shown when a run reaches the end'): void {
    this.rows = [];
    this.table.replaceChildren();
    this.note.textContent = text;
    this.note.hidden = false;
  }

  show(m: Metrics, report: RunReport | null, previous: Metrics | null, previousReport: RunReport | null): void {
    const rows = compareRows(metricRows(m, report), previous ? metricRows(previous, previousReport) : null);
    this.rows = rows;
    this.note.hidden = true;
    const t = this.table;
    t.replaceChildren();
    const cols = previous ? 5 : 4;
    const head = t.createTHead().insertRow();
    for (const h of ['metric', 'this run', ...(previous ? ['previous run'] : []), 'unit', 'note']) {
      const th = document.createElement('th');
      th.textContent = h;
      if (h.endsWith(' run')) th.className = 'value';
      head.appendChild(th);
    }
    let body: HTMLTableSectionElement | null = null;
    let section = '';
    for (const r of rows) {
      if (r.section !== section || !body) {
        section = r.section;
        body = t.createTBody();
        const th = document.createElement('th');
        th.colSpan = cols;
        th.className = 'section';
        th.textContent = r.section;
        body.insertRow().appendChild(th);
      }
      const tr = body.insertRow();
      tr.dataset.metric = r.key;
      if (r.wide) {
        const td = tr.insertCell();
        td.colSpan = cols;
        td.className = 'wide';
        td.textContent = r.label;
        continue;
      }
      const cell = (text: string, cls: string) => {
        const td = tr.insertCell();
        td.className = cls;
        // a sha256 (bundle, core) would set the column's width: its first 16 digits, the whole on hover
        if (/^[0-9a-f]{64}$/.test(text)) {
          td.textContent = `${text.slice(0, 16)}…`;
          td.title = text;
        } else td.textContent = text;
      };
      cell(r.label, 'label');
      cell(r.value, 'value');
      if (previous) cell(r.previous ?? '', 'value prev');
      cell(r.unit, 'unit');
      cell(r.note, 'note');
      if (previous && r.previous !== r.value) tr.classList.add('changed');
    }
  }
}
