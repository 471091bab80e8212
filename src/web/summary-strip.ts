// The summary strip: what a run came to, at a glance, in the quote currency: net PnL, fees, Sharpe (annualised, with
// the return interval it is computed from, or n/a when the run is too short), max drawdown, fills, maker share and
// whether the strategy halted, with the previous run's value beside any that changed; then the halt, and why there
// were no trades or what stopped entries (the findings `ringbook backtest` prints). Tiles are built by a pure function the tests read in Node.
import type { Metrics } from '../backtest/metrics';
import { MIN_DAYS_ANNUALISED, reportSections } from '../backtest/report-text';
import { findingLine } from '../format/findings';
import { NA, NONE, count, duration, fixed, moneyIn, percent, plural, signedMoneyIn } from '../format/numbers';
import type { RunReport } from './protocol';

export interface Tile {
  key: 'net' | 'fees' | 'sharpe' | 'drawdown' | 'fills' | 'maker' | 'halted';
  label: string;
  value: string;
  note: string;
  /** good/bad colour the value; warn marks a halt. */
  tone?: 'good' | 'bad' | 'warn';
}

export interface Summary {
  tiles: Tile[];
  /** Sentences under the tiles: the halt, why there were no trades (or what stopped entries). */
  lines: string[];
}

const tone = (x: number | null): Tile['tone'] => (x === null || x === 0 ? undefined : x > 0 ? 'good' : 'bad');

export function summarise(m: Metrics, report: RunReport | null): Summary {
  const q = report?.ctx.currency ?? 'quote';
  const { pnl, returns: r, drawdown: d, activity: a, trades: t } = m;
  const days = a.days ?? 0;
  const enough = days >= MIN_DAYS_ANNUALISED;
  const sharpe: Tile = enough
    ? {
        key: 'sharpe',
        label: 'Sharpe',
        value: r.sharpe === null ? NONE : fixed(r.sharpe, 2),
        note: r.sharpe === null ? 'no variance in the returns' : `annualised, from ΔPnL every ${duration(r.intervalNs)}`,
      }
    : {
        key: 'sharpe',
        label: 'Sharpe',
        value: NA,
        note: `needs ≥ ${plural(MIN_DAYS_ANNUALISED, 'day')} of data, have ${duration(days * 86_400e9)}`,
      };
  const halted = m.strategy?.halted ?? null;
  const tiles: Tile[] = [
    {
      key: 'net',
      label: 'Net PnL',
      value: signedMoneyIn(pnl.netQuote, q),
      note: `gross ${signedMoneyIn(pnl.grossQuote, q)}, after fees${pnl.fundingQuote ? ' and funding' : ''}`,
      tone: tone(pnl.netQuote),
    },
    {
      key: 'fees',
      label: 'Fees',
      value: moneyIn(pnl.feesQuote, q),
      note: (pnl.feesQuote ?? 0) < 0 ? 'received as rebates' : `paid on ${plural(a.fills, 'fill')}`,
    },
    sharpe,
    {
      key: 'drawdown',
      label: 'Max drawdown',
      value: moneyIn(d.maxQuote, q),
      note: d.maxDurationNs ? `longest under water ${duration(d.maxDurationNs)}` : 'equity never fell',
    },
    {
      key: 'fills',
      label: 'Fills',
      value: count(a.fills),
      note: `${a.flattenFills ? `${a.flattenFills} by the flatten, ` : ''}${plural(a.orders, 'order')}, ${plural(t.count, 'round trip')}`,
    },
    {
      key: 'maker',
      label: 'Maker share',
      value: a.makerShare === null ? NONE : `${percent(a.makerShare)} %`,
      note: a.makerShare === null ? 'no fills' : 'of filled lots',
    },
    {
      key: 'halted',
      label: 'Halted',
      value: halted ? 'yes' : 'no',
      note: halted ? `at ${halted.atUtc ? halted.atUtc.slice(11, 19) : '?'} UTC` : `ended ${m.strategy?.finalPhase ?? '?'}`,
      tone: halted ? 'warn' : undefined,
    },
  ];
  const lines: string[] = [];
  if (halted) lines.push(`Halted: ${report?.halt ? report.halt.line : halted.reason}`);
  const why = report?.entriesBlocked.map((f) => f.line) ?? report?.ctx.findings?.map(findingLine) ?? [];
  if (t.count > 0) {
    if (why.length) lines.push(...why.map((l, i) => `${i === 0 ? 'What stopped entries: ' : ''}${l}`));
  } else {
    if (why.length) lines.push(...why.map((l, i) => `${i === 0 ? 'Why no trades: ' : ''}${l}`));
    else if (a.fills > 0 && !halted)
      lines.push(`No round trip closed: ${plural(a.fills, 'fill')}, and the position was still open at the end`);
    else if (!halted) lines.push(reportWhy(m, report) ?? 'Why no trades: no order was placed');
  }
  return { tiles, lines };
}

/**
 * The report's own "why no trades" sentence (its Outcome section), so the strip says what `ringbook backtest` says:
 * whether orders went unfilled or none was placed, without claiming a signal for a strategy that has none.
 */
function reportWhy(m: Metrics, report: RunReport | null): string | null {
  const outcome = reportSections(m, report?.ctx ?? {}).find((x) => x.title === 'Outcome');
  const why = outcome?.rows.find((r) => r.wide && r.label.startsWith('why no trades: '));
  return why ? `Why no trades: ${why.label.slice('why no trades: '.length)}` : null;
}

/** "Strategy signal-taker (built-in) · bundle sha256 0123456789ab… · core.wasm sha256 …", as the reports name it. */
export function strategyLine(report: RunReport | null): string {
  const st = report?.ctx.strategy;
  if (!st) return '';
  const from = st.source.startsWith('builtin:') ? 'built-in' : st.source === st.name ? 'built-in, compiled into the page' : st.source;
  const bundle = st.bundleHash ? `bundle sha256 ${st.bundleHash.slice(0, 12)}…` : 'bundle sha256 n/a (compiled into the page)';
  return `Strategy ${st.name} (${from}) · ${bundle}`;
}

export class SummaryStrip {
  private readonly grid: HTMLElement;
  private readonly why: HTMLElement;
  private readonly status: HTMLElement;
  private readonly strategy: HTMLElement;
  summary: Summary | null = null;

  constructor(host: HTMLElement) {
    this.status = document.createElement('div');
    this.status.className = 'strip-status';
    this.grid = document.createElement('div');
    this.grid.className = 'tiles';
    this.why = document.createElement('div');
    this.why.className = 'why';
    this.strategy = document.createElement('div');
    this.strategy.className = 'strip-strategy';
    this.strategy.dataset.testid = 'strip-strategy';
    host.replaceChildren(this.status, this.strategy, this.grid, this.why);
    this.pending('Open a recording and press Play or Run: the figures of a run appear here when it reaches the end.');
  }

  /** No figures yet: says why. */
  pending(text: string): void {
    this.summary = null;
    this.status.textContent = text;
    this.status.hidden = false;
    this.strategy.textContent = '';
    this.grid.replaceChildren();
    this.why.replaceChildren();
  }

  show(m: Metrics, report: RunReport | null, previous: Metrics | null, previousReport: RunReport | null): void {
    const s = summarise(m, report);
    const before = previous ? new Map(summarise(previous, previousReport).tiles.map((t) => [t.key, t.value])) : null;
    this.summary = s;
    this.status.hidden = true;
    this.strategy.textContent = strategyLine(report);
    this.grid.replaceChildren(
      ...s.tiles.map((t) => {
        const tile = document.createElement('div');
        tile.className = `tile${t.tone ? ` ${t.tone}` : ''}`;
        tile.dataset.tile = t.key;
        const label = document.createElement('div');
        label.className = 'label';
        label.textContent = t.label;
        const value = document.createElement('div');
        value.className = 'value';
        value.textContent = t.value;
        const note = document.createElement('div');
        note.className = 'note';
        note.textContent = t.note;
        tile.append(label, value, note);
        const was = before?.get(t.key);
        if (was !== undefined && was !== t.value) {
          const prev = document.createElement('div');
          prev.className = 'prev';
          prev.textContent = `previous run ${was}`;
          tile.appendChild(prev);
        }
        return tile;
      }),
    );
    this.why.replaceChildren(
      ...s.lines.map((l) => {
        const p = document.createElement('p');
        p.textContent = l;
        return p;
      }),
    );
  }
}
