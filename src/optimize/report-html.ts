// The optimizer's HTML report: one self-contained file (inline CSS and SVG, no network, every text escaped). What a
// trader reads first: whether any configuration makes money and whether the result is evidence of skill; then the
// chosen configuration's equity curve beside the best and the median trials; walk-forward in-sample vs out-of-sample
// per fold; the heat map of the objective over two searched parameters (axis titles, a colour scale, and how the
// other parameters are folded in); the ranked trials and the overfitting controls with human labels. Numbers go
// through src/format: money in the quote currency, durations human, probabilities bounded, n/a where too short.
import { esc } from '../format/chart-scale';
import { fieldsFor } from '../strategy/resolve';
import obiOfi from '../strategy/builtins/obi-ofi/index';
import type { StrategyDefinition } from '../strategy/api';
import { paramValue } from '../format/params';
import { NA, count, duration, fixed, moneyIn, needsMore, plural, probability, quoteCurrency, skillVerdict, years } from '../format/numbers';
import { PSR_NEEDS, strategyThrew, testWindowsNs, walkForwardCaution, type Summary } from './summary';
import type { TrialResult } from './trial';
import { objectiveValue, scoreWindow, type Objective } from './score';
import { curvesChart, foldsChart, heatChart, type Curve } from './report-charts';

export interface OptimizeReportOptions {
  /** The recording's symbol: money is shown in its quote currency. */
  symbol?: string;
  /** The strategy searched: its name and the sha256 of its bundle and of core.wasm (null: unknown). */
  strategy?: StrategyIdentity;
  /** Searched parameter → its unit (FieldSpec.unit), for values as people read them; default obi-ofi's. */
  units?: Readonly<Record<string, string>>;
  /** A search stopped early (Ctrl-C): how many of its trials ran; everything in the report is of those only. */
  partial?: { run: number; total: number } | null;
  /** The simulated venue the trials ran on (venueText): latency, queue, fees, partial fills, funding. */
  venue?: string | null;
}

export interface StrategyIdentity {
  name: string;
  source?: string;
  bundleSha256: string | null;
  coreSha256: string | null;
}

/** "signal-taker (bundle sha256 1a2b3c4d5e6f…, core 9f8e7d6c5b4a…)": the strategy as every optimizer output names it. */
export function strategyText(s: StrategyIdentity): string {
  const h = (x: string | null) => (x ? `${x.slice(0, 12)}…` : 'unknown');
  return `${s.name} (bundle sha256 ${h(s.bundleSha256)}, core ${h(s.coreSha256)})`;
}

const OBJECTIVE_NAMES: Record<Objective, string> = {
  net_pnl: 'net PnL',
  sharpe: 'Sharpe (annualised)',
  sortino: 'Sortino (annualised)',
  return_over_mdd: 'return / max drawdown',
  net_per_trade: 'net per round trip',
};

// units of results written before the optimizer took --strategy (it searched obi-ofi and the runtime's settings)
const OBI_OFI_UNITS: Readonly<Record<string, string>> = Object.fromEntries(
  fieldsFor(obiOfi as unknown as StrategyDefinition).map((f) => [f.path, f.unit]),
);

/** A searched parameter's value as people read it: durations human (cooldown.ns 1 s, not 1000000000). */
export function paramText(key: string, v: unknown, currency = 'quote', units: Readonly<Record<string, string>> = OBI_OFI_UNITS): string {
  // a random search's draw (1.3287330930586905) to four significant digits: the exact value is in trials.csv and best.json
  const shown =
    typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v) && (units[key] ?? '–') !== 'ns' ? Number(v.toPrecision(4)) : v;
  const p = paramValue(shown, units[key] ?? '–', currency);
  return p.unit && !['x', '–'].includes(p.unit) ? `${p.value} ${p.unit}` : p.value;
}

function utc(ns: string | bigint): string {
  const iso = new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** "2025-11-24 16:00:00 → 16:01:00 UTC", the date once when both ends share it. */
function utcRange(from: string | bigint, to: string | bigint): string {
  const a = utc(from);
  const b = utc(to);
  return `${a} → ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b} UTC`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:980px;padding:0 16px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:26px 0 6px}.sub{color:#5b6475;margin:0 0 12px}
.why{margin:0 0 8px;padding:6px 10px;background:#fdf6e3;border-left:3px solid #c9a227}.ok{background:#eef8f0;border-left-color:#2e9d4f}
figure{margin:8px 0 14px}figcaption{font-weight:600;margin:0 0 2px}.note{color:#5b6475;margin:0 0 6px;font-size:13px}
svg{width:100%;height:auto;display:block}svg.heat{width:auto;max-width:100%}
.box{fill:none;stroke:#c9ced8}.grid{stroke:#eceef2}.zero{stroke:#8a93a3}
.yl{font-size:11px;text-anchor:end;fill:#5b6475}.xl{font-size:11px;fill:#5b6475}.unit{font-size:11px;text-anchor:end;fill:#5b6475}
.lg{font-size:12px;fill:#1d2330}.axis{font-size:13px;font-weight:600;fill:#1d2330}.cell{font-size:11px;text-anchor:middle;fill:#1d2330}
.none{font-size:12px;text-anchor:middle;fill:#8a93a3}
.chosen,.best,.median{fill:none}.chosen{stroke:#2457c5;stroke-width:2.2}.best{stroke:#1f9d55;stroke-width:1.4}.median{stroke:#8a93a3;stroke-width:1.4;stroke-dasharray:5 3}
.is{fill:#8fb3ea}.oos{fill:#2457c5}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #eceef2;text-align:left;vertical-align:top}
th{color:#5b6475;font-weight:600;border-bottom:1px solid #c9ced8}td.v{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.n{color:#5b6475}
pre{background:#f6f7f9;padding:8px;font-size:12px;overflow:auto}details summary{cursor:pointer;color:#2457c5}
`;

interface Cell {
  text: string;
  num?: boolean;
}
const c = (text: string, num = false): Cell => ({ text, num });

function table(head: string[], rows: Cell[][], numeric: boolean[] = []): string {
  const th = `<tr>${head.map((h, i) => `<th${numeric[i] ? ' style="text-align:right"' : ''}>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((x) => `<td${x.num ? ' class="v"' : ''}>${esc(x.text)}</td>`).join('')}</tr>`).join('');
  return `<table>${th}${body}</table>`;
}

export function optimizeReport(
  summary: Summary,
  results: TrialResult[],
  keys: string[],
  heat: [string, string] | null,
  o: OptimizeReportOptions = {},
): string {
  const q = quoteCurrency(o.symbol);
  const units = o.units ?? OBI_OFI_UNITS;
  const from = BigInt(summary.fromNs);
  const spanNs = Number(BigInt(summary.toNs) - from);
  const days = spanNs / 86_400e9;
  const objective = summary.objective;
  const objName = OBJECTIVE_NAMES[objective];
  const money = objective === 'net_pnl' || objective === 'net_per_trade';
  const objText = (v: number | null) => (v === null || !Number.isFinite(v) ? NA : money ? moneyIn(v, q) : fixed(v, 3));
  const annualised = (v: number | null) => (days >= 1 ? fixed(v, 2) : NA);
  const params = (p: Record<string, unknown>) => keys.map((k) => `${k} ${paramText(k, p[k], q, units)}`).join(', ');

  // trials ranked on the whole data, as the summary ranks them: a trial whose strategy threw has the figures of a
  // crashed run (often the least loss, as it stopped trading), so it is no best, median or heat-map cell either
  const score = (r: TrialResult) => objectiveValue(scoreWindow(r, summary.sampleNs, 0, spanNs + 1, spanNs), objective);
  const scored = results.filter((r) => !r.error && !strategyThrew(r));
  const ranked = scored.map((r) => ({ r, v: score(r) })).sort((a, b) => b.v - a.v || a.r.id - b.r.id);
  const bestNet = scored.reduce<number | null>((b, r) => {
    const n = r.metrics?.pnl.netQuote;
    return typeof n === 'number' && (b === null || n > b) ? n : b;
  }, null);

  // ---- headline ------------------------------------------------------------------------------------------------
  const head = `<h1>${esc(`Optimizer: ${plural(summary.trials, 'trial')}${o.partial ? ` of ${count(o.partial.total)} (stopped early)` : ''}${o.symbol ? ` on ${o.symbol}` : ''}, ranked by ${objName}`)}</h1><p class="sub">${esc(
    `${o.strategy ? `strategy ${strategyText(o.strategy)} · ` : ''}${count(summary.scored)} scored, ${plural(summary.invalid, 'invalid config')} · data ${utcRange(summary.fromNs, summary.toNs)} (${duration(spanNs)}) · equity scored every ${duration(summary.sampleNs)}`,
  )}</p>${o.venue ? `<p class="sub">${esc(`Simulated venue: ${o.venue}.`)}</p>` : ''}`;
  const verdicts: string[] = [];
  // first of all: a search cut short chose among the trials it ran, not the space it was given
  if (o.partial)
    verdicts.push(
      `<p class="why">${esc(`Stopped early: ${count(o.partial.run)} of ${plural(o.partial.total, 'trial')} ran (the search was interrupted). The ranking, the choice and every figure below are of those trials only, not of the whole space; the chosen configuration is in best-so-far.json, not best.json.`)}</p>`,
    );
  // a strategy that threw halted its trials there: they are left out of the ranking, and nothing is chosen from them
  const threw = results.filter(strategyThrew);
  if (threw.length)
    verdicts.push(
      `<p class="why">${esc(`The strategy threw in ${count(threw.length)} of ${plural(summary.trials, 'trial')}, which stopped trading there (first: trial ${threw[0].id}: ${threw[0].metrics!.strategy!.halted!.reason}). ${summary.chosen ? 'Those trials are left out of the ranking and cannot be chosen.' : 'Nothing is chosen: fix the strategy and run again.'}`)}</p>`,
    );
  if (summary.scored > 0 && summary.traded === 0)
    verdicts.push(
      `<p class="why">${esc(`No trial traded: none of the ${plural(summary.scored, 'configuration')} got a fill on this data, so the ranking says nothing.`)}</p>`,
    );
  else if (bestNet !== null && bestNet <= 0)
    verdicts.push(
      `<p class="why">${esc(`No configuration makes money: the best of ${plural(summary.scored, 'trial')} nets ${moneyIn(bestNet, q)} after fees; the ranking only says which loses least.`)}</p>`,
    );
  // the walk-forward choice is the last fold's pick whatever the whole data says of it: a caution read with the choice
  const caution = walkForwardCaution(summary, q);
  if (caution) verdicts.push(`<p class="why">${esc(`${caution[0].toUpperCase()}${caution.slice(1)}.`)}</p>`);
  if (summary.overfitting)
    verdicts.push(
      `<p class="why${(summary.overfitting.dsr ?? 0) > 0.95 ? ' ok' : ''}">${esc(`Overfitting: ${skillVerdict(summary.overfitting.dsr, summary.overfitting.trials)}.`)}</p>`,
    );

  // ---- the chosen configuration and its equity -----------------------------------------------------------------
  let chosenHtml = '<p>No trial scored: nothing to choose.</p>';
  if (summary.chosen) {
    const chosen = results.find((r) => r.id === summary.chosen!.id);
    const best = ranked[0]?.r;
    const median = ranked.length >= 3 ? ranked[Math.floor((ranked.length - 1) / 2)].r : undefined;
    const xsOf = (r: TrialResult) => {
      const eq = r.equity ?? [];
      return eq.map((_, k) => (k === eq.length - 1 ? spanNs : k * summary.sampleNs));
    };
    const curves: Curve[] = [];
    const net = (r: TrialResult) => moneyIn(r.metrics?.pnl.netQuote ?? null, q);
    if (chosen?.equity)
      curves.push({
        label: `chosen: trial ${chosen.id}${best?.id === chosen.id ? ' (also the best)' : ''}, net ${net(chosen)}`,
        cls: 'chosen',
        x: xsOf(chosen),
        y: chosen.equity,
      });
    if (best?.equity && best.id !== chosen?.id)
      curves.push({ label: `best: trial ${best.id}, net ${net(best)}`, cls: 'best', x: xsOf(best), y: best.equity });
    if (median?.equity && median.id !== chosen?.id && median.id !== best?.id)
      curves.push({ label: `median: trial ${median.id}, net ${net(median)}`, cls: 'median', x: xsOf(median), y: median.equity });
    chosenHtml = [
      `<p>${esc(`Trial ${summary.chosen.id}, ${summary.chosen.why}: ${params(summary.chosen.params)}.`)}</p>`,
      `<figure><figcaption>${esc(`Equity in ${q}, net of fees: the chosen configuration beside the best and the median trial by ${objName}`)}</figcaption>`,
      `<p class="note">${esc(`${ranked.length} scored trials; the median is the middle one of the ranking. Sampled every ${duration(summary.sampleNs)}.`)}</p>`,
      curvesChart(curves, from, q),
      '</figure>',
      `<details><summary>${o.partial ? 'best-so-far.json' : 'best.json'}: the chosen configuration in full, ready for --config</summary><pre>${esc(JSON.stringify(summary.chosen.config, null, 2))}</pre></details>`,
    ].join('\n');
  }

  // ---- walk-forward --------------------------------------------------------------------------------------------
  let wfHtml = '<p>No walk-forward: run with --walk-forward train=…,test=…,purge=… to see in-sample against out-of-sample.</p>';
  const wf = summary.walkForward;
  if (wf) {
    const bars = wf.folds.map((f) => ({ label: `fold ${f.index}`, inSample: f.inSample, outOfSample: f.outOfSample }));
    const rows = wf.folds.map((f) => [
      c(String(f.index), true),
      c(utcRange(f.trainFrom, f.trainTo)),
      c(utcRange(f.testFrom, f.testTo)),
      c(f.id === null ? '–' : String(f.id), true),
      c(objText(f.inSample), true),
      c(objText(f.outOfSample), true),
      ...(objective === 'net_pnl' ? [] : [c(moneyIn(f.inSampleNetQuote, q), true), c(moneyIn(f.outOfSampleNetQuote, q), true)]),
    ]);
    wfHtml = [
      `<figure><figcaption>${esc(`${objName} per fold: in-sample (train window) beside out-of-sample (test window)`)}</figcaption>`,
      `<p class="note">${esc('Each fold picks the best trial on its train window and scores that trial on the test window after it. Out-of-sample bars far below the in-sample ones mean the pick does not carry over.')}</p>`,
      foldsChart(bars, money ? q : ''),
      '</figure>',
      table(
        [
          'fold',
          'train window',
          'test window',
          'trial picked',
          `in-sample ${objName}`,
          `out-of-sample ${objName}`,
          ...(objective === 'net_pnl' ? [] : ['in-sample net', 'out-of-sample net']),
        ],
        rows,
        [true, false, false, true, true, true, true, true],
      ),
      `<p>${esc(
        `Out of sample, all folds together: net ${moneyIn(wf.outOfSample.netQuote, q)} over ${plural(wf.outOfSample.periods, 'step')}, Sharpe ${
          testWindowsNs(wf) >= 86_400e9
            ? fixed(wf.outOfSample.sharpe, 2)
            : needsMore('1 day', `${duration(testWindowsNs(wf))} of test windows`)
        }.`,
      )}</p>`,
    ].join('\n');
  }

  // ---- heat map ------------------------------------------------------------------------------------------------
  let heatHtml = '<p>One searched parameter: no heat map (it needs two; choose them with --heatmap A,B).</p>';
  if (heat) {
    const [a, b] = heat;
    const others = keys.filter((k) => k !== a && k !== b);
    const key = (v: unknown) => JSON.stringify(v);
    const uniq = (k: string) => {
      const vs = [...new Map(results.map((r) => [key(r.params[k]), r.params[k]])).values()];
      return vs.sort((p, q2) => (typeof p === 'number' && typeof q2 === 'number' ? p - q2 : String(p) < String(q2) ? -1 : 1));
    };
    const xs = uniq(a);
    const ys = uniq(b);
    const best = new Map<string, { v: number; id: number }>();
    for (const { r, v } of ranked) {
      const k = `${key(r.params[a])}|${key(r.params[b])}`;
      if (!best.has(k) || v > best.get(k)!.v) best.set(k, { v, id: r.id });
    }
    const cell = (i: number, j: number) => best.get(`${key(xs[i])}|${key(ys[j])}`);
    const svg = heatChart({
      xTitle: a,
      yTitle: b,
      xs: xs.map((v) => paramText(a, v, q, units)),
      ys: ys.map((v) => paramText(b, v, q, units)),
      value: ys.map((_, j) => xs.map((_, i) => (Number.isFinite(cell(i, j)?.v) ? cell(i, j)!.v : null))),
      text: (v) => (money ? moneyIn(v, q).replace(` ${q}`, '') : fixed(v, 2)),
      tip: (i, j) => {
        const x = cell(i, j);
        return `${a} ${paramText(a, xs[i], q, units)}, ${b} ${paramText(b, ys[j], q, units)}: ${x ? `${objText(x.v)} (trial ${x.id})` : 'no scored trial'}`;
      },
    });
    const how = others.length
      ? `Each cell is the best ${objName} over the other searched ${others.length === 1 ? 'parameter' : 'parameters'} (${others.join(', ')}) at these values of ${a} and ${b}; hover a cell for its trial.`
      : `Each cell is one trial's ${objName}; hover a cell for its trial.`;
    heatHtml = [
      `<figure><figcaption>${esc(`${objName}${money ? ` in ${q}` : ''} by ${a} (across) and ${b} (down)`)}</figcaption>`,
      `<p class="note">${esc(`${how} Green is best, red worst; grey: no scored trial.`)}</p>`,
      svg,
      '</figure>',
    ].join('\n');
  }

  // ---- ranked trials -------------------------------------------------------------------------------------------
  const rankedHtml = table(
    [
      'rank',
      'trial',
      ...keys,
      objName,
      ...(objective === 'net_pnl' ? [] : [`net ${q}`]),
      ...(objective === 'sharpe' ? [] : ['Sharpe']),
      `max drawdown ${q}`,
      'round trips',
    ],
    summary.ranked.map((r) => [
      c(String(r.rank), true),
      c(String(r.id), true),
      ...keys.map((k) => c(paramText(k, r.params[k], q, units), true)),
      c(objText(r.objective), true),
      ...(objective === 'net_pnl' ? [] : [c(moneyIn(r.netQuote, q).replace(` ${q}`, ''), true)]),
      ...(objective === 'sharpe' ? [] : [c(annualised(r.sharpe), true)]),
      c(moneyIn(r.maxDrawdownQuote, q).replace(` ${q}`, ''), true),
      c(count(r.roundTrips), true),
    ]),
    [true, true, ...keys.map(() => true), true, true, true, true, true],
  );
  const sharpeNote =
    days >= 1
      ? ''
      : objective === 'sharpe' || objective === 'sortino'
        ? `The ${objName} values are annualised from only ${duration(spanNs)} of data: they rank these trials against each other, but are no ratio to compare with anything else.`
        : `Sharpe is n/a: annualised from less than a day of data (${duration(spanNs)}) it means nothing.`;

  // ---- overfitting controls ------------------------------------------------------------------------------------
  const f = summary.overfitting;
  const noPositive = !!f && (f.sharpePerPeriod === null || f.sharpePerPeriod <= 0);
  const overHtml = f
    ? table(
        ['', 'value', ''],
        [
          [c('trials counted (N)'), c(count(f.trials), true), c('every trial of the search, invalid ones with Sharpe 0')],
          [c('equity steps'), c(count(f.periods), true), c(`one every ${duration(f.periodNs)}`)],
          [c('Sharpe of the chosen trial, per step'), c(fixed(f.sharpePerPeriod, 4), true), c('mean / std of its equity changes per step')],
          [
            c('Sharpe of the chosen trial, annualised'),
            c(annualised(f.sharpeAnnual), true),
            c(days >= 1 ? '' : `needs ≥ 1 day of data, have ${duration(spanNs)}`),
          ],
          [
            c('PSR'),
            c(f.psr === null ? NA : probability(f.psr), true),
            c(f.psr === null ? PSR_NEEDS : 'probability that the true Sharpe is above 0'),
          ],
          [
            c('DSR'),
            c(f.dsr === null ? NA : probability(f.dsr), true),
            c(f.dsr === null ? PSR_NEEDS : `the same, deflated for ${plural(f.trials, 'trial')}; deploy only above 95 %`),
          ],
          [
            c('expected best Sharpe of N skill-less trials, per step'),
            c(fixed(f.expectedMaxSharpePerPeriod, 4), true),
            c('what luck alone would give the best of N'),
          ],
          [c('variance of the trials’ Sharpe ratios'), c(fixed(f.trialSharpeVariance, 6), true), c('per step')],
          [
            c('minimum backtest length'),
            c(noPositive || f.minBacktestYears === null ? NA : years(f.minBacktestYears), true),
            c(
              noPositive
                ? 'no positive Sharpe: the chosen trial did not make money per step'
                : f.minBacktestYears === null
                  ? 'no trial has a positive Sharpe'
                  : `for N trials not to reach this Sharpe by luck; this data spans ${years(f.dataYears)}`,
            ),
          ],
          [
            c('PBO'),
            c(f.pbo === null ? NA : probability(f.pbo), true),
            c(
              f.pbo === null
                ? (f.pboNeeds ?? 'needs ≥ 2 scored trials whose equity steps differ, and ≥ 8 steps')
                : `probability that the in-sample best ranks below the median out of sample (CSCV, ${plural(f.pboBlocks ?? 0, 'block')})`,
            ),
          ],
        ],
        [false, true, false],
      )
    : '<p>No trial scored.</p>';

  const invalid = summary.invalidExamples.length
    ? `<h2>Invalid configurations</h2><p>${esc(`${plural(summary.invalid, 'trial')} broke a rule between parameters (they count in N); for example:`)}</p><ul>${summary.invalidExamples
        .map((x) => `<li>${esc(`trial ${x.id}: ${x.error}`)}</li>`)
        .join('')}</ul>`
    : '';

  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(`ringbook optimize${o.symbol ? ` ${o.symbol}` : ''}`)}</title><style>${CSS}</style></head><body>`,
    head,
    ...verdicts,
    '<h2>Chosen configuration</h2>',
    chosenHtml,
    '<h2>Walk-forward</h2>',
    wfHtml,
    '<h2>Heat map</h2>',
    heatHtml,
    `<h2>${esc(`Ranked by ${objName} (top ${summary.ranked.length})`)}</h2>`,
    sharpeNote ? `<p class="note">${esc(sharpeNote.trim())}</p>` : '',
    rankedHtml,
    '<h2>Overfitting controls</h2>',
    overHtml,
    invalid,
    '</body></html>',
    '',
  ].join('\n');
}
