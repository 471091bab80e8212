// The backtest report as rows of (label, value, unit, note) grouped in sections, and as an aligned terminal table.
// The HTML report renders the same sections, so the two never disagree on wording, units or rounding. Numbers go
// through src/format (money in the quote currency, human durations, n/a where the run is too short), so the text
// is the same on every machine.
import {
  DEFAULT_RETURNS_INTERVAL_NS,
  MIN_DAYS_ANNUALISED,
  MIN_DAYS_PER_DAY,
  NEEDS_ROUND_TRIP,
  markoutNeed,
  needsLoss,
  type Metrics,
} from './metrics';
import type { Finding } from '../format/findings';
import { findingLine } from '../format/findings';
import { booklessCause, counterNote, type BooklessMarket } from '../strategy/explain';
import { isChanged, paramsOrigin, type ParamRow } from '../format/params';
import {
  baseCurrency,
  NA,
  NONE,
  count,
  duration as humanDuration,
  fixed,
  haveOf,
  groupThousands,
  money,
  percent,
  plural,
  shareOf,
  stepDecimals,
} from '../format/numbers';

export interface Row {
  label: string;
  value: string;
  unit: string;
  note?: string;
  /** A sentence on a line of its own (the label), no value column. */
  wide?: boolean;
  /** More about the row, shown in the HTML report only (a parameter's meaning). */
  detail?: string;
}

export interface Section {
  title: string;
  rows: Row[];
}

/** What the report knows beyond the metrics: the instrument's currencies, the parameters, why it traded as it did. */
export interface ReportContext {
  /** Several instruments: every symbol of the run, in its order. */
  symbols?: readonly string[];
  /** Quote currency (USDT); default "quote". */
  currency?: string;
  /** Base currency (BTC); default "base". */
  base?: string;
  /** The run's full resolved parameters. */
  parameters?: ParamRow[];
  /** What stopped entries (src/strategy/explain.ts). */
  findings?: Finding[];
  /** Why the strategy halted, when it did. */
  halt?: Finding | null;
  /** The preset the parameters started from. */
  preset?: string | null;
  /** Which strategy ran: its name, where it came from, the sha256 of its bundle and of core.wasm. */
  strategy?: { name: string; source: string; bundleHash: string | null; coreHash: string | null };
  /** What the strategy and the runtime logged (the newest lines; t: ns since the first record), and how many in all. */
  logs?: ReadonlyArray<{ t: number; level: string; message: string }>;
  logCount?: number;
  /** Where the run ended when later than its last market message (traceEndNs), ns since the epoch. */
  endNs?: string;
  /** The run's SPOT instruments: spot has no funding, so none is charged them and --funding is refused for them. */
  spot?: readonly string[];
  /**
   * What the files held of each instrument whose book was never valid (src/cli/replay-contents.ts; the page counts its
   * rows): the Settings warning names the cause they show, trades only, instead of a damaged or cut-short file.
   */
  bookless?: readonly BooklessMarket[];
}

/** Log lines the terminal report shows (the HTML report shows every kept line). */
const TERMINAL_LOG_LINES = 10;

export { MIN_DAYS_ANNUALISED, MIN_DAYS_PER_DAY };

/** Fixed decimals; null prints as a dash. */
export function num(x: number | null, dp: number): string {
  return fixed(x, dp);
}

/** Quote amounts with the decimals they need (src/format money). */
export function quote(x: number | null): string {
  return money(x);
}

export function pct(x: number | null): string {
  return percent(x);
}

export function int(x: number | null): string {
  return count(x);
}

/** A duration in ns, human (src/format). */
export function duration(ns: number | null): string {
  return humanDuration(ns);
}

/** ns since the epoch (decimal string) as UTC ISO. */
export function utcOf(ns: string | null): string {
  if (ns === null) return NONE;
  const ms = Number(BigInt(ns) / 1_000_000n);
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : ns;
}

// A figure with no value carries no unit ("n/a /day" reads as a value): its note says what it needs.
const row = (label: string, value: string, unit = '', note?: string): Row => {
  const u = value === NA || value === NONE ? '' : unit;
  return note === undefined ? { label, value, unit: u } : { label, value, unit: u, note };
};
const line = (text: string): Row => ({ label: text, value: '', unit: '', wide: true });

function parametersRow(ctx: ReportContext): Row {
  const changed = (ctx.parameters ?? []).filter(isChanged).length;
  return row('parameters', '', '', `${paramsOrigin(ctx.parameters ?? [])}${changed ? ' under Parameters' : ''}`);
}

/** Why the returns use the interval they do. */
function intervalWhy(r: Metrics['returns']): string {
  if (r.intervalSource === 'requested') return r.requestedIntervalNs === DEFAULT_RETURNS_INTERVAL_NS ? 'the default' : 'as requested';
  const asked = `${duration(r.requestedIntervalNs)} ${r.requestedIntervalNs === DEFAULT_RETURNS_INTERVAL_NS ? 'default' : 'requested'}`;
  return r.requestedIntervalNs < r.intervalNs
    ? `the equity sampling; the ${asked} is finer`
    : `the equity sampling: the run is too short for the ${asked}, which needs ≥ ${humanDuration(30 * r.requestedIntervalNs)}`;
}

/**
 * What the return intervals cover: whole intervals from the first equity sample, so the ΔPnL in them need not add up
 * to the net (the partial step after the last one is outside them). Said when it shows: mean × intervals ≠ net.
 */
function coverage(m: Metrics, q: string): Row[] {
  const r = m.returns;
  if (r.meanQuote === null || m.pnl.netQuote === null) return [];
  const inside = r.meanQuote * r.samples;
  const outside = m.pnl.netQuote - inside;
  if (Math.abs(outside) < 5e-5) return [];
  const spanNs = Number(BigInt(m.run.toNs) - BigInt(m.run.fromNs));
  const covered = r.samples * r.intervalNs;
  return [
    line(
      `${int(r.samples)} whole intervals cover ${duration(covered)} of the ${duration(spanNs)} run: their ΔPnL sums to ${quote(inside)} ${q}; ` +
        `the net's other ${quote(outside)} ${q} falls outside them (the partial step after the last one${spanNs > covered ? `, ${duration(spanNs - covered)}` : ''})`,
    ),
  ];
}

/** Settlements listed in the terminal report; --json has them all. */
const SETTLEMENTS_SHOWN = 12;

/**
 * Why a run was charged no funding: spot has none; a futures instrument had no ticker recorded (a flat --funding rate
 * charges one, unless a spot instrument is in the run: it is refused there).
 */
function noFunding(ctx: ReportContext): string {
  const spot = ctx.spot ?? [];
  if (!spot.length) return 'no ticker recorded (--funding R charges a flat rate)';
  if (onlySpot(ctx)) return SPOT_FUNDING;
  return `no ticker recorded for ${futuresOf(ctx).join(', ')}; ${spot.join(', ')}: spot, no funding`;
}

const SPOT_FUNDING = 'does not apply: spot has no funding';

/** The run's instruments that are not spot (a run of one: none named, ctx.symbols is for several). */
const futuresOf = (ctx: ReportContext): string[] => (ctx.symbols ?? []).filter((s) => !(ctx.spot ?? []).includes(s));

/** Every instrument of the run is spot. */
const onlySpot = (ctx: ReportContext): boolean => (ctx.spot?.length ?? 0) > 0 && futuresOf(ctx).length === 0;

/** Fees paid and rebates received, and funding: where its rates came from and each settlement charged. */
function costsSection(m: Metrics, q: string, ctx: ReportContext): Section {
  const c = m.costs;
  const f = c.funding;
  const spot = ctx.spot ?? [];
  const from =
    f.source === 'recorded'
      ? `recorded ticker: ${plural(f.settlements.length, 'settlement')} at the recorded rate and mark`
      : f.source === 'flat'
        ? `flat --funding ${m.settings.fundingRate} per 8 h: ${plural(f.settlements.length, 'settlement')}`
        : onlySpot(ctx)
          ? SPOT_FUNDING
          : `none: ${noFunding(ctx)}`;
  const shown = f.settlements.slice(-SETTLEMENTS_SHOWN);
  return {
    title: 'Costs',
    rows: [
      row('fees paid', quote(c.feesPaidQuote), q, `${plural(c.takerFills, 'taker fill')}, ${plural(c.makerFills, 'maker fill')}`),
      row('rebates received', quote(c.rebatesQuote), q, c.rebatesQuote > 0 ? 'negative maker fee rate' : undefined),
      row('funding received', quote(f.receivedQuote), q, from),
      // several instruments: each one's share (the rows above are their totals)
      ...(c.instruments ?? []).map((it) =>
        row(
          `  ${it.symbol}`,
          quote(it.fundingReceivedQuote),
          q,
          `${spot.includes(it.symbol) ? 'spot: no funding' : `funding from ${plural(it.settlements, 'settlement')}`}; fees paid ${quote(it.feesPaidQuote)}, rebates ${quote(it.rebatesQuote)} ` +
            `(${plural(it.takerFills, 'taker fill')}, ${plural(it.makerFills, 'maker fill')})`,
        ),
      ),
      ...(f.settlements.length > shown.length
        ? [line(`(the last ${shown.length} of ${f.settlements.length} settlements; --json has all)`)]
        : []),
      ...shown.map((x) =>
        row(
          `  settled ${x.utc}${x.symbol ? ` ${x.symbol}` : ''}`,
          quote(x.receivedQuote),
          q,
          `${x.positionLot === 0 ? 'flat' : `${x.positionLot > 0 ? 'long' : 'short'} ${plural(Math.abs(x.positionLot), 'lot')}`}, rate ${x.rate}${
            x.mark ? `, mark ${groupThousands(x.mark)}` : f.source === 'recorded' ? ', no mark recorded before it: the mid' : ', at the mid'
          }${x.receivedExact && x.positionLot !== 0 ? ` (exactly ${x.receivedExact})` : ''}`,
        ),
      ),
    ],
  };
}

/** The strategy's own counters (ctx.count and the runtime's) and its ctx.record series in brief. */
function strategySection(m: Metrics): Row[] {
  const st = m.strategy;
  if (!st) return [];
  const rows = Object.entries(st.counters)
    .filter(([, n]) => n !== 0)
    .map(([k, n]) => row(k, int(n), '', counterNote(k)));
  for (const r of st.recorded ?? []) {
    // NaN points are gaps (ctx.record): a series of nothing else has no figure to show, and a gap last is said so
    if (r.min === null) {
      rows.push(
        row(`${r.name} (recorded)`, NA, '', `${r.points === 1 ? 'its 1 point is' : `all ${plural(r.points, 'point')} are`} NaN (gaps)`),
      );
      continue;
    }
    const v = seriesFormat(r.min, r.max);
    const f = (x: number | null) => (x === null ? NONE : v(x));
    rows.push(
      row(
        `${r.name} (recorded)`,
        f(r.last),
        '',
        `${r.last === null ? 'the last' : 'last'} of ${plural(r.points, 'point')}${r.last === null ? ' a gap (NaN)' : ''}; min ${f(r.min)}, max ${f(r.max)}, mean ${f(r.mean)}`,
      ),
    );
  }
  return rows;
}

/**
 * How a recorded series' values are written: with the decimals that resolve its range to about three digits (an EMA
 * of a price in ticks between 899976.2 and 900014.9 reads so, not as 900000 four times), without an exponent for
 * everyday magnitudes; 6 significant digits for a constant series.
 */
function seriesFormat(min: number | null, max: number | null): (x: number) => string {
  const spread = min === null || max === null ? NaN : max - min;
  const top = Math.max(Math.abs(min ?? 0), Math.abs(max ?? 0));
  if (!(spread > 0) || !(top < 1e15) || !(spread >= 1e-9)) return (x) => sig(x, 6);
  const decimals = Math.min(12, Math.max(0, 2 - Math.floor(Math.log10(spread))));
  return (x) => (Math.abs(x) < 1e15 ? trimZeros(x.toFixed(decimals)) : sig(x, 6));
}

/** "12.3400" → "12.34", "5.000" → "5". */
function trimZeros(t: string): string {
  const s = t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
  return s === '-0' ? '0' : s;
}

/** A value of unknown scale: `digits` significant digits, no exponent for everyday magnitudes. */
function sig(x: number, digits: number): string {
  return Math.abs(x) >= 1e-4 && Math.abs(x) < 1e9 ? String(Number(x.toPrecision(digits))) : x.toPrecision(digits);
}

/** "2 fills (1 by the flatten)", as the live summary says it. */
export function fillsText(a: Pick<Metrics['activity'], 'fills' | 'flattenFills'>): string {
  return `${plural(a.fills, 'fill')}${a.flattenFills ? ` (${a.flattenFills} by the flatten)` : ''}`;
}

function outcome(m: Metrics, ctx: ReportContext): Section {
  const st = m.strategy;
  const rows: Row[] = [row('round trips', int(m.trades.count), '', `${fillsText(m.activity)}, ${plural(m.activity.orders, 'order')}`)];
  if (st) {
    rows.push(row('final phase', st.finalPhase));
    rows.push(st.halted ? row('halted', 'yes', '', `at ${st.halted.atUtc ?? '?'} UTC`) : row('halted', 'no'));
  }
  if (ctx.halt) rows.push(line(`halted: ${findingLine(ctx.halt)}`));
  else if (st?.halted) rows.push(line(`halted: ${st.halted.reason}`));
  const f = ctx.findings ?? [];
  const a = m.activity;
  // a halt that stopped trading is the reason, said first; what the counters saw is what happened before it
  const halted = st?.halted != null;
  const blockers = ctx.strategy && ctx.strategy.name !== 'obi-ofi' ? 'a risk limit' : 'a gate, the cost hurdle or a risk limit';
  // a strategy's own ctx.count counters are what it counted, not by themselves what stopped its entries
  const counted = f.length > 0 && f.every((x) => x.verb === 'counted');
  if (halted && m.trades.count === 0 && a.fills > a.flattenFills)
    rows.push(
      line(
        `no round trip closed by the strategy: the halt stopped trading ${a.flattenFills ? 'and its flatten closed the position' : 'with the position open'}${f.length ? '; what stopped entries before it:' : ''}`,
      ),
    );
  else if (halted && m.trades.count === 0) rows.push(line(`why no trades: the halt stopped trading${f.length ? '; before it:' : ''}`));
  else if (halted && f.length)
    rows.push(
      line(
        counted
          ? 'entries stopped at the halt; what the strategy counted (ctx.count) before it:'
          : 'what stopped entries: the halt; before it:',
      ),
    );
  else if (halted && st && m.trades.count > 0) rows.push(line(`entries stopped at the halt; before it none was blocked by ${blockers}`));
  else if (f.length)
    rows.push(
      line(
        counted
          ? `${m.trades.count === 0 ? 'why no trades: no risk limit refused an order; ' : ''}what the strategy counted (ctx.count):`
          : m.trades.count === 0
            ? 'why no trades:'
            : 'what stopped entries:',
      ),
    );
  else if (st && m.trades.count > 0) rows.push(line(`no entry was blocked by ${blockers}`));
  else if (st && a.orders === 0)
    rows.push(
      line(
        `why no trades: the strategy placed no order and no risk limit refused one: its own conditions were never met (ctx.count what it checks to see which)`,
      ),
    );
  else if (st && a.fills === 0)
    rows.push(line(`why no trades: ${a.orders === 1 ? 'its one order did not fill' : `none of its ${int(a.orders)} orders filled`}`));
  else if (st) rows.push(line(`why no trades: no round trip closed: the position it opened was still open at the end`));
  for (const x of f) rows.push(line(`  ${findingLine(x)}`));
  return { title: 'Outcome', rows };
}

/** Why the venue rejected orders, most frequent first: "43013 The post_only order would … (4); 40762 … (1)". */
function rejectReasonsText(reasons: readonly { reason: string; count: number }[] | undefined): string | undefined {
  if (!reasons?.length) return undefined;
  const shown = reasons.slice(0, 3).map((r) => `${r.reason} (${count(r.count)})`);
  return shown.join('; ') + (reasons.length > 3 ? `; and ${plural(reasons.length - 3, 'other reason')}` : '');
}

/** The position a run ended with, in lots and in the base currency: "short 2 lots (0.002 BTC) at the end", "flat at the end". */
function positionAtEnd(lots: number | null, lotSize: number, base: string): string {
  if (lots === null) return `position at the end ${NA}`;
  if (lots === 0) return 'flat at the end';
  return `${lots > 0 ? 'long' : 'short'} ${plural(Math.abs(lots), 'lot')} (${baseAmount(Math.abs(lots), lotSize)} ${base}) at the end`;
}

function endPositionRow(lots: number, lotSize: number, base: string): Row {
  if (lots === 0) return row('position at the end', '0', 'lot', 'flat');
  return row('position at the end', num(lots, 0), 'lots', `${lots > 0 ? 'long' : 'short'} ${baseAmount(Math.abs(lots), lotSize)} ${base}`);
}

/** `lots` lots of `lotSize` in the base currency, with the lot's decimals: 2 × 0.001 → "0.002". */
function baseAmount(lots: number, lotSize: number): string {
  return groupThousands((lots * lotSize).toFixed(Math.min(20, stepDecimals(lotSize))));
}

/** Several instruments: each one's PnL, fees and exposure, and the total (the portfolio's). */
function instrumentsSection(m: Metrics, q: string): Section {
  const rows: Row[] = [];
  for (const it of m.instruments ?? []) {
    const e = it.exposure;
    rows.push(
      row(
        it.symbol,
        quote(it.pnl.netQuote),
        q,
        `net; gross ${quote(it.pnl.grossQuote)}, fees ${quote(it.pnl.feesQuote)}, funding ${quote(it.pnl.fundingQuote)}; ` +
          `${plural(it.activity.fills, 'fill')}, ${plural(it.trades.count, 'round trip')}; ${positionAtEnd(e.endPositionLot, it.lotSize, baseCurrency(it.symbol, q) ?? 'base')}, max |position| ${num(e.maxPositionLot, 0)} ${e.maxPositionLot === 1 ? 'lot' : 'lots'}, ` +
          `max value ${quote(e.maxNotionalQuote)} ${q}, in market ${pct(e.timeInMarket)} %`,
      ),
    );
  }
  const e = m.exposure;
  rows.push(
    row(
      'total',
      quote(m.pnl.netQuote),
      q,
      `net; gross ${quote(m.pnl.grossQuote)}, fees ${quote(m.pnl.feesQuote)}, funding ${quote(m.pnl.fundingQuote)}; ` +
        `${fillsText(m.activity)}, ${plural(m.trades.count, 'round trip')}; max value held ${quote(e.maxNotionalQuote)} ${q} (all instruments)`,
    ),
  );
  return { title: 'Instruments (PnL, fees and exposure of each)', rows };
}

export function reportSections(m: Metrics, ctx: ReportContext = {}): Section[] {
  const { run, pnl, returns: r, drawdown: d, activity: a, trades: t, exposure: e } = m;
  const q = ctx.currency ?? 'quote';
  const spanNs = a.days === null ? 0 : a.days * 86_400e9;
  const have = humanDuration(spanNs);
  const enough = (need: number) => a.days !== null && a.days >= need;
  const annual = (x: number | null, label: string, note: string, flat: string): Row =>
    x === null && r.samples < 2
      ? row(label, NA, '', `needs ≥ 2 return intervals, have ${r.samples}`)
      : !enough(MIN_DAYS_ANNUALISED)
        ? row(label, NA, '', `needs ≥ ${MIN_DAYS_ANNUALISED} day of data, have ${haveOf(spanNs, MIN_DAYS_ANNUALISED * 86_400e9)}`)
        : x === null
          ? row(label, NA, '', flat)
          : row(label, num(x, 3), '', note);
  const perDay = (label: string, x: number | null, f: (v: number | null) => string, unit: string): Row =>
    x !== null && enough(MIN_DAYS_PER_DAY)
      ? row(label, f(x), unit)
      : row(
          label,
          NA,
          '',
          `needs ≥ ${humanDuration(MIN_DAYS_PER_DAY * 86_400e9)} of data, have ${haveOf(spanNs, MIN_DAYS_PER_DAY * 86_400e9)}`,
        );
  // net rebates (fees below 0) are shown as what they are, not as a negative share of fees
  const rebated = pnl.feesQuote !== null && pnl.feesQuote < 0;
  const feeShare = shareOf(rebated ? -pnl.feesQuote! : pnl.feesQuote, pnl.grossQuote);
  const sections: Section[] = [
    {
      title: 'Run',
      rows: [
        row('from', run.fromUtc || run.fromNs, 'UTC', run.bookFromUtc ? `--from; the book built from ${run.bookFromUtc}, untraded` : ''),
        ...(ctx.endNs && BigInt(ctx.endNs) > BigInt(run.toNs)
          ? [
              row('to', utcOf(ctx.endNs), 'UTC', `the session's end; the last market message ${run.toUtc || run.toNs}`),
              row('duration', humanDuration(Number(BigInt(ctx.endNs) - BigInt(run.fromNs))), '', `of them market data ${have}`),
            ]
          : [row('to', run.toUtc || run.toNs, 'UTC'), row('duration', a.days === null ? NONE : have)]),
        row('market events', int(run.events)),
        ...(m.instruments
          ? m.instruments.map((it, i) => {
              const base = baseCurrency(it.symbol, q);
              return row(
                i === 0 ? 'instruments' : '',
                it.symbol,
                '',
                `tick ${it.tickSize} ${q}, lot ${it.lotSize}${base ? ` ${base}` : ''}${i === 0 ? '; merged in local-time order' : ''}`,
              );
            })
          : [row('tick size', String(run.tickSize), q), row('lot size', String(run.lotSize), ctx.base ?? 'base')]),
        row('equity sampled every', duration(run.seriesIntervalNs), '', `${int(run.seriesSamples)} samples`),
        ...(ctx.strategy
          ? [
              row('strategy', ctx.strategy.name, '', ctx.strategy.source.startsWith('builtin:') ? 'built-in' : ctx.strategy.source),
              row(
                'strategy bundle sha256',
                ctx.strategy.bundleHash ?? NA,
                '',
                ctx.strategy.bundleHash ? undefined : 'its source was not found',
              ),
              row('core.wasm sha256', ctx.strategy.coreHash ?? NA),
            ]
          : []),
        ...(ctx.parameters ? [parametersRow(ctx)] : []),
      ],
    },
    outcome(m, ctx),
    {
      title: 'PnL',
      rows: [
        row('gross', quote(pnl.grossQuote), q, 'realised + open position marked to mid'),
        row('fees', quote(pnl.feesQuote), q, 'paid (negative = rebates)'),
        row('funding', quote(pnl.fundingQuote), q, onlySpot(ctx) ? SPOT_FUNDING : 'received'),
        row('net', quote(pnl.netQuote), q, 'gross − fees + funding'),
        row('closed round trips, gross', quote(pnl.closedGrossQuote), q),
        row(
          rebated ? 'rebate share of gross' : 'fee share of gross',
          feeShare.value,
          feeShare.value === 'n/a' || feeShare.value === NONE ? '' : '%',
          feeShare.note
            ? `gross P&L is about 0: ${rebated ? 'rebates' : 'fees'} ${quote(Math.abs(pnl.feesQuote!))} against a gross of ${quote(pnl.grossQuote)}, more than 10× it`
            : rebated
              ? 'rebates received net of fees, against the gross'
              : undefined,
        ),
      ],
    },
    costsSection(m, q, ctx),
    ...(m.instruments ? [instrumentsSection(m, q)] : []),
    {
      title: `Returns (ΔPnL every ${duration(r.intervalNs)}, ${int(r.samples)} intervals, ${intervalWhy(r)})`,
      rows: [
        ...coverage(m, q),
        annual(r.sharpe, 'Sharpe, annualised', 'mean / std (n − 1)', 'needs ΔPnL that varies (it did not move)'),
        annual(r.sortino, 'Sortino, annualised', 'mean / √mean(min(0, ΔPnL)²)', 'needs an interval that lost'),
        row('annualisation factor', num(r.annualisation, 1), '×', '√(intervals per day × 365)'),
        row('mean ΔPnL', quote(r.meanQuote), q),
        row('std ΔPnL', quote(r.stdQuote), q),
        row('downside deviation', quote(r.downsideDevQuote), q),
      ],
    },
    {
      title: 'Drawdown',
      rows: [
        row('max drawdown', quote(d.maxQuote), q),
        d.maxPct === null
          ? row('max drawdown', NA, '', 'as % of the max position value: needs a position held')
          : row('max drawdown', pct(d.maxPct / 100), '%', `of max position value ${quote(d.pctBaseQuote)} ${q}`),
        row('peak', utcOf(d.peakNs), 'UTC'),
        row('trough', utcOf(d.troughNs), 'UTC'),
        row('longest under water', duration(d.maxDurationNs)),
        row('return / max drawdown', num(d.returnOverMdd, 3), '×'),
      ],
    },
    {
      title: 'Activity',
      rows: [
        row(
          'fills',
          int(a.fills),
          '',
          a.flattenFills ? `${int(a.flattenFills)} by the flatten; the ratios below count the strategy's own` : undefined,
        ),
        row('orders', int(a.orders), '', a.flattenFills ? "the strategy's (the flatten is the runtime's)" : undefined),
        row(
          'cancels',
          int(a.cancels),
          '',
          a.haltCancels ? `the strategy's; and ${plural(a.haltCancels, 'cancel-all')} at the halt` : undefined,
        ),
        // a strategy that never amends (a taker) gets no row
        ...(a.amends > 0
          ? [row('amends', int(a.amends), '', a.amendRejects ? `${int(a.amendRejects)} refused by the venue` : 'none refused by the venue')]
          : []),
        row('rejects', int(a.rejects), '', rejectReasonsText(a.rejectReasons)),
        perDay('round trips per day', a.tradesPerDay, (x) => num(x, 2), '/day'),
        perDay('fills per day', a.fillsPerDay, (x) => num(x, 2), '/day'),
        a.volumeLot === null && m.instruments
          ? row('volume', NONE, '', 'not summed: lots of different instruments do not add up (turnover does)')
          : row('volume', num(a.volumeLot, 0), 'lot'),
        row('turnover', quote(a.turnoverQuote), q),
        perDay('turnover per day', a.turnoverPerDayQuote, quote, `${q}/day`),
        row('return per value traded', num(a.returnPerValueBps, 3), 'bps'),
        row('fill ratio', pct(a.fillRatio), '%', a.flattenFills ? "filled / posted lots, the strategy's orders" : 'filled / posted lots'),
        row('maker share', pct(a.makerShare), '%', 'of filled lots'),
        row('order-to-trade', num(a.orderToTrade, 2), '×', a.flattenFills ? "orders / the strategy's fills" : 'orders / fills'),
        row('cancel ratio', pct(a.cancelRatio), '%', 'cancels / orders'),
      ],
    },
    {
      title: 'Trades (round trips)',
      rows: [
        row('count', int(t.count), '', `${t.longs} long, ${t.shorts} short`),
        ...(t.count === 0
          ? [
              row('win rate', NA, '', NEEDS_ROUND_TRIP),
              row('profit factor', NA, '', NEEDS_ROUND_TRIP),
              row('average net', NA, '', NEEDS_ROUND_TRIP),
              row('average holding time', NA, '', NEEDS_ROUND_TRIP),
              row('median holding time', NA, '', NEEDS_ROUND_TRIP),
            ]
          : [
              row('win rate', pct(t.winRate), '%', `${t.wins} won, ${t.losses} lost, net of fees`),
              t.profitFactor === null
                ? row('profit factor', NA, '', needsLoss(t.wins, t.count))
                : row('profit factor', num(t.profitFactor, 3), '×', 'won ÷ lost, net of fees'),
              row('average net', quote(t.avgNetQuote), q),
              row('best net', quote(t.bestNetQuote), q),
              row('worst net', quote(t.worstNetQuote), q),
              row('average holding time', duration(t.avgHoldingNs)),
              row('median holding time', duration(t.medianHoldingNs)),
            ]),
        ...t.reasons.map((x) => row(`exit: ${x.reason}`, int(x.count))),
      ],
    },
    {
      title: 'Markouts (mid move after each fill, in its favour)',
      rows: (m.instruments ?? [{ symbol: '', markouts: m.markouts }]).flatMap((it) =>
        it.markouts.map((k) => {
          const label = `${it.symbol ? `${it.symbol} ` : ''}after ${duration(k.horizonNs)}`;
          return k.count === 0 || k.meanTicks === null
            ? row(label, NA, '', markoutNeed(k.horizonNs))
            : row(label, num(k.meanTicks, 3), 'ticks', `median ${num(k.medianTicks, 3)}, ${plural(k.count, 'fill')}`);
        }),
      ),
    },
    {
      title: 'Exposure',
      rows: [
        e.endPositionLot === null
          ? row('position at the end', NA, '', 'each instrument its own: see Instruments')
          : endPositionRow(e.endPositionLot, m.run.lotSize, ctx.base ?? 'base'),
        row(
          'max |position|',
          num(e.maxPositionLot, 0),
          e.maxPositionLot === 1 ? 'lot' : 'lots',
          m.instruments ? 'each instrument its own: see Instruments' : undefined,
        ),
        row('mean |position|', num(e.meanAbsPositionLot, 2), 'lots'),
        row('median |position|', num(e.medianAbsPositionLot, 2), 'lots'),
        row('max position value', quote(e.maxNotionalQuote), q),
        row('mean position value', quote(e.meanNotionalQuote), q),
        row('median position value', quote(e.medianNotionalQuote), q),
        row('time in market', pct(e.timeInMarket), '%'),
      ],
    },
  ];
  if (ctx.parameters)
    sections.push({
      title:
        !ctx.strategy || ctx.strategy.name === 'obi-ofi'
          ? 'Parameters (docs/strategy.md)'
          : `Parameters (${ctx.strategy.name}; risk.* and orders.*: docs/strategy.md)`,
      rows: ctx.parameters.map((p) => ({
        label: p.path,
        value: p.value,
        unit: p.unit,
        // the ones not at their default, starred with where they came from; the header says where the rest did
        ...(isChanged(p) ? { note: `* ${p.source}` } : {}),
        detail: p.doc,
      })),
    });
  const strategyRows = strategySection(m);
  if (strategyRows.length) sections.push({ title: `Strategy (${m.strategy?.name ?? 'counters'})`, rows: strategyRows });
  if (ctx.logCount) {
    const kept = ctx.logs ?? [];
    const shown = kept.slice(-TERMINAL_LOG_LINES);
    sections.push({
      title: `Log (${int(ctx.logCount)} lines${ctx.logCount > shown.length ? `; the last ${shown.length}` : ''})`,
      rows: shown.map((l) => line(`+${duration(l.t)}  ${l.level.padEnd(5)} ${l.message}`)),
    });
  }
  sections.push({
    title: 'Settings (simulated venue)',
    rows: Object.entries(m.settings).map(([k, v]) => {
      // no funding at all (no ticker, no --funding): said as Costs says it, not as a rate of 0
      if (k === 'fundingRate' && v === 0 && m.costs.funding.source === 'none') return row('funding', NONE, '', noFunding(ctx));
      if (k === 'booksNeverValid' && typeof v === 'string') return row(SETTINGS[k].label, v, '', neverValidNote(v, ctx));
      const s = SETTINGS[k];
      const text = v === null ? NONE : /Ns$/.test(k) && typeof v === 'number' ? duration(v) : String(v);
      return s ? row(s.label, text, '', s.note) : row(k, text);
    }),
  });
  return sections;
}

/** The aligned terminal table: labels left, values right-aligned in one column, then unit and note. */
export function formatReport(m: Metrics, ctx: ReportContext = {}): string {
  const sections = reportSections(m, ctx).map((s) => ({
    title: printable(s.title),
    rows: s.rows.map((r) => ({
      label: printable(r.label),
      value: printable(r.value),
      unit: r.unit,
      note: r.note && printable(r.note),
      wide: r.wide,
    })),
  }));
  const all = sections.flatMap((s) => s.rows).filter((r) => !r.wide);
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
      if (r.wide) {
        out.push(`  ${r.label}`);
        continue;
      }
      const line = `  ${r.label.padEnd(lw)}  ${r.value.padStart(vw)}  ${r.unit.padEnd(uw)}${r.note ? `  ${r.note}` : ''}`;
      out.push(line.trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}

const NUMERIC = /^[-+]?[\d,.]+$/;

/** The simulated venue's settings as people read them (--json keeps the field names). */
const SETTINGS: Record<string, { label: string; note?: string }> = {
  latency: { label: 'latency model' },
  queue: { label: 'queue model' },
  partialFills: { label: 'partial fills' },
  amendKeepsQueue: { label: 'amend keeps queue', note: 'a size decrease at the same price keeps the place (--amend-keeps-queue)' },
  makerFeeRate: { label: 'maker fee rate', note: 'fraction of value; negative = rebate' },
  takerFeeRate: { label: 'taker fee rate', note: 'fraction of value' },
  fundingRate: { label: 'funding rate', note: 'per 8 h settlement' },
  funding: { label: 'funding' },
  fundingReplaces: { label: 'funding replaces', note: 'a flat --funding rate is charged instead of the recorded settlements' },
  feeTier: { label: 'fee tier', note: 'Bitget USDT-M futures (docs/bitget.md §8)' },
  feesFrom: { label: 'fee rates from', note: '--parity: the rates live traded at (--fees and --fee-tier do not apply)' },
  tickNs: { label: 'strategy timer tick' },
  clampedLocal: { label: 'local stamps clamped', note: 'records stamped before their exchange time, delivered at it' },
  files: { label: 'files replayed' },
  feedLatencyShift: { label: 'feed latency shift' },
  skippedDamagedFiles: { label: 'damaged files left out', note: '--skip-damaged: these files could not be read' },
  booksNeverValid: { label: 'WARNING no valid book' },
  overlappingFiles: {
    label: 'WARNING overlapping files',
    note: 'the overlap replayed twice: remove the copy (ringbook inspect lists them)',
  },
};

/** Why a replay has no book snapshot when its files do not say otherwise. */
const NO_SNAPSHOT = 'no book snapshot in the replayed data (its file left out as damaged, or cut short)';

/**
 * The note on the instruments whose book was never valid (`value`: their symbols, ", "-separated): the cause their
 * files show where counted (ctx.bookless: trades only, or the book outside the window), else a snapshot missing from
 * the data. One cause for all is said once; different causes each after its symbol.
 */
function neverValidNote(value: string, ctx: ReportContext): string {
  const names = value.split(', ');
  const seen = ctx.bookless ?? [];
  // one instrument's counts carry no symbol (src/cli/replay-contents.ts names them only in a run of several)
  const only = names.length === 1 && seen.length === 1 && seen[0].symbol === undefined ? seen[0] : undefined;
  const causes = names.map((name) => {
    const x = seen.find((b) => b.symbol === name) ?? only;
    return (x && booklessCause(x)) ?? NO_SNAPSHOT;
  });
  if (causes.every((c) => c === causes[0])) return `${causes[0]}: nothing could trade on it`;
  return `${names.map((n, i) => `${n}: ${causes[i]}`).join('; ')}; nothing could trade on them`;
}

/** Control characters from settings or exit reasons would move the cursor or recolour the terminal: show them escaped. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
