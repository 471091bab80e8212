// The backtest report as rows of (label, value, unit, note) grouped in sections, and as an aligned terminal table.
// The HTML report renders the same sections, so the two never disagree on wording, units or rounding. Formatting is
// plain arithmetic and toFixed (no locale), so the text is the same on every machine.
import type { Metrics } from './metrics';

export interface Row {
  label: string;
  value: string;
  unit: string;
  note?: string;
}

export interface Section {
  title: string;
  rows: Row[];
}

const NONE = '–';

/** Fixed decimals; null prints as a dash. */
export function num(x: number | null, dp: number): string {
  return x === null ? NONE : x.toFixed(dp);
}

/** Quote amounts keep about four significant decimals however small (a lot of a cheap coin is worth fractions of a cent). */
export function quote(x: number | null): string {
  if (x === null) return NONE;
  const a = Math.abs(x);
  const dp = a === 0 || a >= 1 ? 4 : Math.min(12, 3 - Math.floor(Math.log10(a)));
  return x.toFixed(dp);
}

export function pct(x: number | null): string {
  return x === null ? NONE : (x * 100).toFixed(2);
}

export function int(x: number | null): string {
  return x === null ? NONE : String(x);
}

/** A duration in ns, in the largest unit that keeps it short: 850 ns, 12.5 µs, 3.2 ms, 1.50 s, 2m 05s, 3h 07m, 2d 04h. */
export function duration(ns: number | null): string {
  if (ns === null) return NONE;
  const sign = ns < 0 ? '-' : '';
  const a = Math.abs(ns);
  if (a < 1e3) return `${sign}${a.toFixed(0)} ns`;
  if (a < 1e6) return `${sign}${(a / 1e3).toFixed(1)} µs`;
  if (a < 1e9) return `${sign}${(a / 1e6).toFixed(1)} ms`;
  if (a < 59.995e9) return `${sign}${(a / 1e9).toFixed(2)} s`;
  const s = Math.round(a / 1e9);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86_400) return `${sign}${Math.floor(s / 3600)}h ${two(Math.floor(s / 60) % 60)}m`;
  return `${sign}${Math.floor(s / 86_400)}d ${two(Math.floor(s / 3600) % 24)}h`;
}

/** ns since the epoch (decimal string) as UTC ISO. */
export function utcOf(ns: string | null): string {
  if (ns === null) return NONE;
  const ms = Number(BigInt(ns) / 1_000_000n);
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : ns;
}

const row = (label: string, value: string, unit = '', note?: string): Row =>
  note === undefined ? { label, value, unit } : { label, value, unit, note };

export function reportSections(m: Metrics): Section[] {
  const { run, pnl, returns: r, drawdown: d, activity: a, trades: t, exposure: e } = m;
  return [
    {
      title: 'Run',
      rows: [
        row('from', run.fromUtc || run.fromNs, 'UTC'),
        row('to', run.toUtc || run.toNs, 'UTC'),
        row('duration', num(a.days, 3), 'days'),
        row('market events', int(run.events)),
        row('tick size', String(run.tickSize), 'quote'),
        row('lot size', String(run.lotSize), 'base'),
        row('equity sampled every', duration(run.seriesIntervalNs), '', `${run.seriesSamples} samples`),
      ],
    },
    {
      title: 'PnL',
      rows: [
        row('gross', quote(pnl.grossQuote), 'quote', 'realised + open position marked to mid'),
        row('fees', quote(pnl.feesQuote), 'quote', 'paid (negative = rebates)'),
        row('funding', quote(pnl.fundingQuote), 'quote', 'received'),
        row('net', quote(pnl.netQuote), 'quote', 'gross − fees + funding'),
        row('closed round trips, gross', quote(pnl.closedGrossQuote), 'quote'),
        row('fee share of gross', pct(pnl.feeShare), '%'),
      ],
    },
    {
      title: `Returns (ΔPnL every ${duration(r.intervalNs)}, ${r.samples} intervals, ${r.intervalSource === 'requested' ? 'as requested' : `series interval; ${duration(r.requestedIntervalNs)} requested`})`,
      rows: [
        row('Sharpe, annualised', num(r.sharpe, 3), '', 'mean / std (n − 1)'),
        row('Sortino, annualised', num(r.sortino, 3), '', 'mean / √mean(min(0, ΔPnL)²)'),
        row('annualisation factor', num(r.annualisation, 3), '×', '√(intervals per day × 365)'),
        row('mean ΔPnL', quote(r.meanQuote), 'quote'),
        row('std ΔPnL', quote(r.stdQuote), 'quote'),
        row('downside deviation', quote(r.downsideDevQuote), 'quote'),
      ],
    },
    {
      title: 'Drawdown',
      rows: [
        row('max drawdown', quote(d.maxQuote), 'quote'),
        row('max drawdown', pct(d.maxPct === null ? null : d.maxPct / 100), '%', `of max position value ${quote(d.pctBaseQuote)} quote`),
        row('peak', utcOf(d.peakNs), 'UTC'),
        row('trough', utcOf(d.troughNs), 'UTC'),
        row('longest under water', duration(d.maxDurationNs)),
        row('return / max drawdown', num(d.returnOverMdd, 3), '×'),
      ],
    },
    {
      title: 'Activity',
      rows: [
        row('fills', int(a.fills)),
        row('orders', int(a.orders)),
        row('cancels', int(a.cancels)),
        row('rejects', int(a.rejects)),
        row('round trips per day', num(a.tradesPerDay, 2), '/day'),
        row('fills per day', num(a.fillsPerDay, 2), '/day'),
        row('volume', num(a.volumeLot, 0), 'lot'),
        row('turnover', quote(a.turnoverQuote), 'quote'),
        row('turnover per day', quote(a.turnoverPerDayQuote), 'quote/day'),
        row('return per value traded', num(a.returnPerValueBps, 3), 'bps'),
        row('fill ratio', pct(a.fillRatio), '%', 'filled / posted lots'),
        row('maker share', pct(a.makerShare), '%', 'of filled lots'),
        row('order-to-trade', num(a.orderToTrade, 2), '×', 'orders / fills'),
        row('cancel ratio', pct(a.cancelRatio), '%', 'cancels / orders'),
      ],
    },
    {
      title: 'Trades (round trips)',
      rows: [
        row('count', int(t.count), '', `${t.longs} long, ${t.shorts} short`),
        row('win rate', pct(t.winRate), '%', `${t.wins} won, ${t.losses} lost, net of fees`),
        row('profit factor', num(t.profitFactor, 3), '×'),
        row('average net', quote(t.avgNetQuote), 'quote'),
        row('best net', quote(t.bestNetQuote), 'quote'),
        row('worst net', quote(t.worstNetQuote), 'quote'),
        row('average holding time', duration(t.avgHoldingNs)),
        row('median holding time', duration(t.medianHoldingNs)),
        ...t.reasons.map((x) => row(`exit: ${x.reason}`, int(x.count))),
      ],
    },
    {
      title: 'Markouts (mid move after each fill, in its favour)',
      rows: m.markouts.map((k) =>
        row(`after ${duration(k.horizonNs)}`, num(k.meanTicks, 3), 'ticks', `median ${num(k.medianTicks, 3)}, ${k.count} fills`),
      ),
    },
    {
      title: 'Exposure',
      rows: [
        row('max |position|', num(e.maxPositionLot, 0), 'lot'),
        row('mean |position|', num(e.meanAbsPositionLot, 2), 'lot'),
        row('median |position|', num(e.medianAbsPositionLot, 2), 'lot'),
        row('max position value', quote(e.maxNotionalQuote), 'quote'),
        row('mean position value', quote(e.meanNotionalQuote), 'quote'),
        row('median position value', quote(e.medianNotionalQuote), 'quote'),
        row('time in market', pct(e.timeInMarket), '%'),
      ],
    },
    {
      title: 'Settings',
      rows: Object.entries(m.settings).map(([k, v]) => row(k, v === null ? NONE : String(v))),
    },
  ];
}

/** The aligned terminal table: labels left, values right-aligned in one column, then unit and note. */
export function formatReport(m: Metrics): string {
  const sections = reportSections(m).map((s) => ({
    title: printable(s.title),
    rows: s.rows.map((r) => ({ label: printable(r.label), value: printable(r.value), unit: r.unit, note: r.note && printable(r.note) })),
  }));
  const all = sections.flatMap((s) => s.rows);
  const lw = Math.max(0, ...all.map((r) => r.label.length));
  // The value column is as wide as the widest number; a longer text value (a date, a path in the settings) overflows
  // its own row instead of pushing every number to the right.
  const vw = Math.max(0, ...all.map((r) => (NUMERIC.test(r.value) ? r.value.length : 0)));
  const uw = Math.max(0, ...all.map((r) => r.unit.length));
  const out: string[] = [];
  for (const s of sections) {
    if (out.length) out.push('');
    out.push(s.title);
    if (!s.rows.length) out.push(`  ${NONE}`);
    for (const r of s.rows) {
      const line = `  ${r.label.padEnd(lw)}  ${r.value.padStart(vw)}  ${r.unit.padEnd(uw)}${r.note ? `  ${r.note}` : ''}`;
      out.push(line.trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}

const NUMERIC = /^[-+]?[\d.]+$/;

/** Control characters from settings or exit reasons would move the cursor or recolour the terminal: show them escaped. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
