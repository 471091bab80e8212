// The replay page: wires the panels (recording list, strategy parameters, summary strip, charts, depth heat map,
// ladder, full metrics, error banner; one file each) to the worker (./replay.worker), keeps the page's copy of the
// chart tables and redraws once per animation frame. The page itself never replays anything, so it stays responsive
// whatever the recording's size. Its state is mirrored on window.__ringbook for scripts and tests.
import type { Metrics } from '../backtest/metrics';
import type { RecordingEntry } from '../serve/listing';
import { baseCurrency, count, plural, quoteCurrency, stepDecimals } from '../format/numbers';
import { ReplayCharts } from './charts';
import { DepthHeatmap } from './depth';
import { handlerIn } from '../strategy/handler-cell';
import { ErrorBanner } from './error-banner';
import { LadderView, SharedBookReader } from './ladder';
import { MetricsPanel } from './metrics-view';
import { DEFAULT_PARAMS } from './params';
import { RecordingList, type RecordingGroup } from './recording-list';
import { StrategyPanel, type StrategyOption } from './strategy-panel';
import { StrategySources, type ServedInfo } from './strategy-sources';
import { RecordsView } from './records-view';
import { SummaryStrip } from './summary-strip';
import { TableCopy } from './tables';
import { formatNs, formatSpan } from './time';
import {
  SIGNAL_COLS,
  TRADE_COLS,
  FILL_COLS,
  depthWidth,
  type FromWorker,
  type LadderSnapshot,
  type ParamField,
  type RecordedCopy,
  type RecordingInfo,
  type RecordingSource,
  type RunReport,
  type Speed,
  type Status,
  type ToWorker,
} from './protocol';
import { errorText } from '../format/errors';

export { formatNs } from './time';

export const NOT_ISOLATED_BANNER =
  'not cross-origin isolated: the order-book ladder is copied from the worker instead of read from shared memory; serve with `ringbook serve` to enable it';

const SEEK_STEPS = 100_000;

/**
 * How long the replay worker may stay silent while it should be working (playing, seeking, stepping, starting a run)
 * before the page takes it for hung. Strategy code runs synchronously in the worker, so a handler that never returns
 * (an endless loop) blocks its thread for good, and only terminating the worker gets the page back. A healthy worker
 * posts a frame at least every 80 ms while it plays (it works in bursts of ~30 ms) and answers every command at once,
 * so 10 s is far beyond any honest pause (a slow strategy, a long run's final metrics, a loaded 2-core machine), yet
 * short enough that nobody is left waiting for a replay that will never move. Scripts and tests may set another
 * (window.__ringbook.watchdogMs, or ?watchdog-ms=N in the address).
 */
const WATCHDOG_MS = 10_000;

/** ?watchdog-ms=N: a positive whole number of ms, else the default (0 or -5 would stop every run as hung at once). */
function watchdogOf(text: string | null): number {
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : WATCHDOG_MS;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  summary: $('summary'),
  banner: $('banner'),
  play: $<HTMLButtonElement>('play'),
  pause: $<HTMLButtonElement>('pause'),
  step: $<HTMLButtonElement>('step'),
  speed: $<HTMLSelectElement>('speed'),
  seek: $<HTMLInputElement>('seek'),
  clock: $('clock'),
  status: $('status'),
  counts: $('counts'),
  run: $<HTMLButtonElement>('run'),
  ladderSource: $('ladder-source'),
  symbols: $<HTMLInputElement>('symbols'),
  chartSymbol: $<HTMLSelectElement>('chart-symbol'),
  chartSymbolLabel: $('chart-symbol-label'),
  equityTitle: $('equity-title'),
  priceTitle: $('price-title'),
  positionTitle: $('position-title'),
  bookTitle: $('book-title'),
};

interface Controls {
  /** Opens a whole recording (a select value: recording:<venue>/<inst_type>/<symbol>) or one file from /api/recordings by its path. */
  open(value: string): void;
  run(): void;
  play(): void;
  pause(): void;
  step(): void;
  setSpeed(speed: Speed): void;
  /** To local time `ns` (ns since the epoch, as a string). */
  seek(ns: string): void;
  /** Picks a strategy of the list by key: builtin:NAME, served (the --strategy file), dropped:HASH. */
  chooseStrategy(key: string): void;
  /** Fills in a declared parameter of the chosen strategy ('' for its default). */
  setParam(path: string, value: string): void;
  /** Several symbols: charts that symbol of the run. */
  chartSymbol(symbol: string): void;
}

/** What the page mirrors on window.__ringbook (scripts and tests read it). */
export interface PageState {
  /** crossOriginIsolated: the worker's memory can be shared with the page. */
  isolated: boolean;
  status: Status;
  error?: string;
  /** The parameter input the error is about. */
  errorField?: ParamField;
  metrics?: Metrics;
  /** What the reports say beyond the metrics: why no trades, the halt, the parameters (as backtest --json). */
  report?: RunReport;
  /** The replay's current local time, ns since the epoch. */
  localTs: string;
  messages: number;
  fills: number;
  /** Several symbols: own fills per symbol of the run, in its order; null for one symbol. */
  fillsBySymbol: Record<string, number> | null;
  /** Several symbols: the symbol the charts, the heat map and the ladder show. */
  charted: string | null;
  rows: number;
  /** Bumped by every restart (Run, a seek backwards, a new recording). */
  run: number;
  seeking: boolean;
  recording: RecordingInfo | null;
  /** The files under --data, and the same grouped into recordings (all files of a symbol). */
  recordings: RecordingEntry[];
  groups: RecordingGroup[];
  ladderSource: 'shared-memory' | 'copied' | null;
  /** The strategy chosen for the next run: its list key, name, where it comes from and its bundle's sha256. */
  strategy: { key: string; name: string; origin: string; hash: string | null };
  /** The strategy list's keys. */
  strategies: string[];
  /** `ringbook serve --strategy FILE`: the newest version seen, its bundle's hash and its build error (null: none). */
  served: ServedInfo | null;
  /** Names of the ctx.record series of the last run that reached the end. */
  records: string[];
  /** Each of those series' value axis as drawn, [min, max]: it spans the previous run's values too. */
  recordScales: Record<string, [number, number]>;
  /** The labels on each small plot's value axis as last drawn: obi, ofi, position, equity, record:NAME. */
  readonly valueAxes: Record<string, string[]>;
  /** The run kept for comparison (its equity dashed, its fills hollow) since the last parameter change: points kept. */
  previous: { equityPoints: number; fills: number } | null;
  /** Silence (ms) after which a working replay worker is taken for hung, terminated and replaced on the next run. */
  watchdogMs: number;
  /** Replay workers stopped by the watchdog so far. */
  stalls: number;
  controls: Controls;
}

const tables = {
  signals: new TableCopy(SIGNAL_COLS.length),
  trades: new TableCopy(TRADE_COLS.length),
  fills: new TableCopy(FILL_COLS.length),
  depth: new TableCopy(depthWidth()),
};

const charts = new ReplayCharts(
  { price: $('chart-price'), obi: $('chart-obi'), ofi: $('chart-ofi'), position: $('chart-position'), equity: $('chart-equity') },
  tables,
);
const heatmap = new DepthHeatmap($<HTMLCanvasElement>('depth'), tables.depth, tables.signals);
const ladder = new LadderView($<HTMLTableElement>('ladder'));
const strategy = new StrategyPanel({
  strategy: $<HTMLSelectElement>('strategy'),
  about: $('strategy-about'),
  form: $('param-form'),
  config: $<HTMLTextAreaElement>('config'),
  latency: $<HTMLInputElement>('latency'),
  latencyModels: $<HTMLDataListElement>('latency-models'),
  queue: $<HTMLInputElement>('queue'),
  fees: $<HTMLInputElement>('fees'),
  partial: $<HTMLInputElement>('partial'),
});
const strip = new SummaryStrip($('outcome'));
const metricsPanel = new MetricsPanel($<HTMLTableElement>('metrics'), $('metrics-note'));
const errors = new ErrorBanner($('error'), () => {
  state.error = undefined;
  state.errorField = undefined;
  strategy.markInvalid(null);
});
const recordsView = new RecordsView($('records-panel'), $('records'), (values) => charts.valueAxisWidth(values));
charts.onRelayout = () => recordsView.relayout();
const sources = new StrategySources(strategy, {
  onServed: (o, first) => {
    state.served = sources.served;
    syncStrategy();
    // a new build of the file being run: run it at once (the last run stays, dashed, for comparison)
    if (state.recording && strategy.selected().key === o.key && (!first || state.status !== 'idle')) rerun();
  },
  onServedError: (message) => {
    state.served = sources.served;
    showError(message, 'strategy', true, {
      title: 'Strategy build error: ',
      note: 'The last good bundle stays loaded and its run stays on the charts; save a fix and the page re-runs.',
    });
  },
  onError: (message) => showError(message, 'strategy', true, { title: 'Strategy error: ', note: 'The strategy list is unchanged.' }),
});
const dropStrategy = (f: File) =>
  void sources.drop(f).then((o) => {
    if (o) onPicked(o);
  });
const list = new RecordingList(
  $<HTMLSelectElement>('recording'),
  $<HTMLButtonElement>('open'),
  $<HTMLInputElement>('file'),
  (s) => open(s),
  dropStrategy,
  () =>
    el.symbols.value
      .split(',')
      .map((x) => x.trim().toUpperCase())
      .filter((x) => x),
  () => {
    const d = strategy.selected().definition.instruments;
    return [...new Set([...(d?.trade ?? []), ...(d?.watch ?? [])])];
  },
);
const strategyFile = $<HTMLInputElement>('strategy-file');
strategyFile.onchange = () => {
  const f = strategyFile.files?.[0];
  if (f) dropStrategy(f);
  strategyFile.value = '';
};
let reader: SharedBookReader | null = null;
let copiedLadder: LadderSnapshot | null = null;
interface RunResult {
  metrics: Metrics;
  report: RunReport;
  records: RecordedCopy[];
}
let previousRun: RunResult | null = null;
/** The figures the strip and the metrics table showed at the end of the last finished run (and what they compared it to). */
let shownFigures: [Metrics, RunReport, Metrics | null, RunReport | null] | null = null;
/** The last run with the current parameters that reached the end (a seek back does not lose it). */
let finishedRun: RunResult | null = null;
let seekDragging = false;

/** The replay worker; null after the watchdog stopped a hung one (the next command starts a fresh one). */
let worker: Worker | null = null;
/** The recording last opened: a fresh worker opens it again. */
let lastSource: RecordingSource | null = null;
/** A fresh worker is re-opening the recording after a hung one: whether to play once it has, and the commands given meanwhile. */
let reviving: { play: boolean; queue: ToWorker[] } | null = null;
/** Runs numbered by workers before the current one: the page's run number keeps growing across workers. */
let runOffset = 0;
/** Commands (other than open) sent to the worker that it has not answered yet: it answers each with 'handled'. */
let unanswered = 0;
/** The worker opened a recording and is starting its first run: answered with a reset (or an error). */
let starting = false;
let lastHeard = 0;
let watchTimer: ReturnType<typeof setTimeout> | null = null;
/** The strategy of the run the worker is on (`name (origin)`), for the watchdog's message. */
let runningStrategy = '';
/** Where the worker marks the strategy handler it is in (src/strategy/handler-cell.ts); null where memory cannot be shared. */
let handlerCell: Int32Array | null = null;

/** Whether the current worker has said hello: its script loaded and runs. */
let workerStarted = false;

function startWorker(): Worker {
  const url = new URL('./replay.worker.js', import.meta.url);
  const w = new Worker(url, { type: 'module' });
  workerStarted = false;
  lastHeard = performance.now();
  // a terminated worker's queued messages are not the page's business any more
  w.onmessage = (ev: MessageEvent<FromWorker>) => {
    if (w !== worker) return;
    if (ev.data.type === 'hello') workerStarted = true;
    onWorkerMessage(ev.data);
  };
  w.onerror = (ev) => {
    if (w !== worker) return;
    if (workerStarted) {
      showError(`the replay worker failed: ${ev.message || 'an error it did not report'}`);
      setStatus('error');
      return;
    }
    // It never started: every command posted to it would wait for ever ("opening…" and nothing else). Drop it, so
    // the next command starts a fresh one, and say what did not load and what to do.
    ev.preventDefault();
    w.terminate();
    worker = null;
    unanswered = 0;
    starting = false;
    reviving = null;
    void workerLoadFailure(url, ev.message ?? '').then(({ what, fix }) => {
      if (worker !== null && worker !== w) return; // a fresh worker is on its way: it reports for itself
      showError(`the replay worker did not load: ${what}`, undefined, false, { title: 'Page error: ', note: fix });
      if (state.status === 'loading' && lastSource)
        el.summary.textContent = `${lastSource.name} was not opened: the replay worker did not load`;
      setStatus('error');
    });
  };
  return w;
}

/** Why the replay worker's script did not start, in words (the HTTP answer for it, or what it threw), and the fix. */
async function workerLoadFailure(url: URL, thrown: string): Promise<{ what: string; fix: string }> {
  const rebuild =
    "The page's files are missing or out of date: build them again (npm run build writes build/web/), restart ringbook serve and reload this page.";
  if (thrown) return { what: `${url.pathname} failed to start: ${thrown}`, fix: rebuild };
  try {
    const r = await fetch(url, { cache: 'no-store' });
    if (!r.ok) return { what: `GET ${url.pathname} answered HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}`, fix: rebuild };
    return {
      what: `${url.pathname} (HTTP ${r.status}) did not start: a file it imports did not load (the browser console names it)`,
      fix: rebuild,
    };
  } catch (err) {
    return {
      what: `GET ${url.pathname} failed: ${errorText(err)}`,
      fix: 'The page could not reach ringbook serve: start it again (ringbook serve --data DIR) and reload this page.',
    };
  }
}

function send(m: ToWorker): void {
  if (reviving && m.type !== 'open') {
    reviving.queue.push(m); // the fresh worker has no run to apply it to yet
    return;
  }
  if (!worker) {
    if (m.type !== 'open') {
      // the last worker hung in strategy code: a fresh one opens the recording again (with the parameters of the run
      // asked for), then does what was asked
      if (!lastSource) return;
      const run = m.type === 'run' ? m : null;
      reviving = { play: run?.play ?? false, queue: run ? [] : [m] };
      setStatus('loading');
      m = { type: 'open', source: lastSource, params: run?.params ?? strategy.read(), speed: speed() };
    }
    worker = startWorker();
  }
  if (m.type === 'open' || m.type === 'run') runningStrategy = strategyLabel();
  // silence counts from the first thing the worker owes the page, not from its last word while it had nothing to do
  if (!working()) lastHeard = performance.now();
  // an open decodes for as long as the recording takes, reporting progress; any other command is answered at once
  if (m.type !== 'open') unanswered++;
  worker.postMessage(m);
  watch();
}

function strategyLabel(): string {
  const o = strategy.selected();
  return `${o.definition.name} (${o.origin})`;
}

/** Whether the worker should be heard from: a command is unanswered, or it is playing or seeking. */
function working(): boolean {
  return worker !== null && (unanswered > 0 || starting || state.status === 'running');
}

function watch(): void {
  if (watchTimer !== null || !working()) return;
  watchTimer = setTimeout(checkWorker, Math.max(0, state.watchdogMs - (performance.now() - lastHeard)));
}

function checkWorker(): void {
  watchTimer = null;
  if (!working()) return;
  if (performance.now() - lastHeard >= state.watchdogMs) stalled();
  else watch();
}

/** The worker went silent mid-run: stop it, say which strategy did it, keep what the page shows of the last run. */
function stalled(): void {
  // read before anything else: the worker is stopped mid-handler and the cell says which
  const handler = handlerIn(handlerCell);
  handlerCell = null;
  worker!.terminate();
  worker = null;
  unanswered = 0;
  starting = false;
  reviving = null;
  runOffset = state.run;
  reader = null;
  const quiet = state.watchdogMs >= 1000 ? `${Math.round(state.watchdogMs / 100) / 10} s` : `${state.watchdogMs} ms`;
  const at = state.localTs
    ? `; last heard of at ${formatNs(state.localTs)} (replay time), ${plural(state.messages, 'market message')} in`
    : '';
  state.stalls++;
  showError(
    handler
      ? `${runningStrategy}: ${handler} did not return: the replay made no progress for ${quiet} and was stopped${at} (an endless loop in ${handler}?)`
      : `${runningStrategy}: a handler did not return: the replay made no progress for ${quiet} and was stopped${at} (an endless loop in onBook, onTrade, onOrder or onTimer?)`,
    'strategy',
    true,
    {
      title: 'Strategy did not return: ',
      note: 'The charts and figures of the last finished run stay. Save a fix, pick a strategy or press Run: the page starts a fresh replay worker, opens the recording again and runs.',
    },
  );
  // the figures of the last run that reached the end, as they were before this run started
  if (finishedRun) previousRun = finishedRun;
  finishedRun = null;
  if (shownFigures) {
    strip.show(...shownFigures);
    metricsPanel.show(...shownFigures);
  }
  setStatus('error');
}

const state: PageState = {
  isolated: self.crossOriginIsolated === true,
  status: 'idle',
  localTs: '',
  messages: 0,
  fills: 0,
  fillsBySymbol: null,
  charted: null,
  rows: 0,
  run: 0,
  seeking: false,
  recording: null,
  recordings: [],
  groups: [],
  ladderSource: null,
  strategy: { key: '', name: '', origin: '', hash: null },
  strategies: [],
  served: null,
  records: [],
  recordScales: {},
  get valueAxes() {
    return { ...charts.axisLabels, ...recordsView.axisLabels };
  },
  previous: null,
  watchdogMs: watchdogOf(new URLSearchParams(location.search).get('watchdog-ms')),
  stalls: 0,
  controls: {
    open: (value) => list.open(value),
    run: () => rerun(),
    play: () => send({ type: 'play' }),
    pause: () => send({ type: 'pause' }),
    step: () => send({ type: 'step' }),
    setSpeed: (s) => {
      el.speed.value = String(s);
      send({ type: 'speed', speed: s });
    },
    seek: (ns) => send({ type: 'seek', ns }),
    chooseStrategy: (key) => {
      const sel = $<HTMLSelectElement>('strategy');
      if (!strategy.options.has(key)) throw new Error(`no strategy ${key} in the list (${[...strategy.options.keys()].join(', ')})`);
      sel.value = key;
      sel.dispatchEvent(new Event('change'));
    },
    setParam: (path, value) => strategy.setParam(path, value),
    chartSymbol: (symbol) => {
      const i = state.recording?.instruments?.findIndex((x) => x.symbol === symbol) ?? -1;
      if (i < 0)
        throw new Error(
          `no symbol ${symbol} in the run (${state.recording?.instruments?.map((x) => x.symbol).join(', ') ?? 'one symbol'})`,
        );
      el.chartSymbol.value = String(i);
      showInstrument(i);
    },
  },
};

/** The price chart's title; with several symbols it names the one charted, whose fills it marks. */
function priceTitle(symbol: string | null): string {
  const what = 'bid, ask, mid, weighted mid · public trades (dots) · own fills (▲ buy ▼ sell; hollow: previous run)';
  return symbol ? `Price of ${symbol}: ${what}` : `Price: ${what}`;
}

/**
 * The titles of the charts and the book that carry units: each names its symbol when the run has several (their lots,
 * prices and sizes are each symbol's own), and what a lot and a size are in (1 lot = 0.01 ETH).
 */
function unitTitles(info: RecordingInfo, shown: RecordingInfo): void {
  const of = info.instruments ? ` of ${shown.symbol}` : '';
  const quote = quoteCurrency(shown.symbol);
  const base = baseCurrency(shown.symbol, quote) ?? 'base units';
  const lot = `1 lot = ${shown.lotSize.toFixed(stepDecimals(shown.lotSize))} ${base}`;
  setText(el.positionTitle, `Position${of} in lots (${lot})`);
  setText(el.bookTitle, `Book${of} (price in ${quote}, size in ${base})`);
  setText(
    el.equityTitle,
    `Equity${of} in ${quote}, net of fees (dashed: previous run${info.instruments ? '; the total of every symbol: the strip above' : ''})`,
  );
}

/** The instrument the charts show (several symbols), as the charts take a recording: its symbol and grid. */
let view = 0;
function viewInfo(info: RecordingInfo): RecordingInfo {
  const it = info.instruments?.[view];
  return it ? { ...info, symbol: it.symbol, tickSize: it.tickSize, lotSize: it.lotSize } : info;
}

/** Charts instrument `i` of the run: the tables start again from the worker's copy of that instrument's. */
function showInstrument(i: number): void {
  const info = state.recording;
  if (!info?.instruments || i === view) return;
  view = i;
  state.charted = info.instruments[i].symbol;
  for (const t of Object.values(tables)) t.clear();
  charts.previous = null; // the run kept for comparison was drawn for another instrument
  state.previous = null;
  const shown = viewInfo(info);
  const currency = quoteCurrency(shown.symbol);
  charts.setRecording(shown, currency);
  heatmap.setRecording(shown);
  ladder.setGrid(shown.tickSize, shown.lotSize);
  reader?.show(i);
  unitTitles(info, shown);
  setText(el.priceTitle, priceTitle(shown.symbol));
  send({ type: 'chart', inst: i });
}
el.chartSymbol.onchange = () => showInstrument(Number(el.chartSymbol.value));

function rerun(): void {
  if (reopenForStrategy(true)) return;
  send({ type: 'run', params: strategy.read(), play: true });
}

/** Set by a re-open for the strategy's symbols that was asked to run: play once the recording is open again. */
let playWhenOpened = false;

/**
 * A recording of several symbols opened with the symbols field empty replays the symbols the chosen strategy declares,
 * in its order, as `ringbook backtest DIR` does: when the strategy changed them, the recording opens again with them
 * (true), and `play` runs it once it has.
 */
function reopenForStrategy(play: boolean): boolean {
  const info = state.recording;
  if (!info || reviving) return false;
  const again = list.reopenFor(info.instruments?.map((x) => x.symbol) ?? [info.symbol]);
  if (!again) return false;
  open(again);
  playWhenOpened = play;
  return true;
}

/** Mirrors the chosen strategy on window.__ringbook. */
function syncStrategy(): void {
  const o = strategy.selected();
  state.strategies = [...strategy.options.keys()];
  state.strategy = {
    key: o.key,
    name: o.definition.name,
    origin: o.origin,
    hash: o.choice.kind === 'bundle' ? o.choice.bundle.hash : null,
  };
}

function onPicked(_o: StrategyOption): void {
  errors.clear();
  syncStrategy();
  if (reopenForStrategy(false)) return;
  // after a hung worker: a choice starts the fresh one (the recording opened again, paused)
  if (!worker && state.recording) send({ type: 'run', params: strategy.read(), play: false });
}
strategy.onPick = onPicked;
(window as unknown as { __ringbook: PageState }).__ringbook = state;
worker = startWorker();

function speed(): Speed {
  return el.speed.value === 'max' ? 'max' : Number(el.speed.value);
}

/** Writes a text or property only when it changes: frames arrive often, and every DOM write costs a style pass. */
function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}
function setDisabled(e: HTMLButtonElement | HTMLInputElement, off: boolean): void {
  if (e.disabled !== off) e.disabled = off;
}

function showError(message: string, field?: ParamField, kept = false, words: { title?: string; note?: string } = {}): void {
  state.error = message;
  state.errorField = field;
  errors.show({ message, field, kept, ...words });
  strategy.markInvalid(field ?? null);
}

function setStatus(s: Status): void {
  state.status = s;
  setText(el.status, s);
  const loaded = state.recording !== null && s !== 'loading';
  setDisabled(el.run, !loaded);
  setDisabled(el.play, !loaded || s === 'running' || s === 'error');
  setDisabled(el.pause, !loaded || s !== 'running');
  setDisabled(el.step, !loaded || s === 'done' || s === 'error' || state.seeking);
  setDisabled(el.seek, !loaded || s === 'error');
}

/** "BTCUSDT · 3 files · 54,673 rows · 2025-11-24 16:00:00 → 16:02:58 UTC (2 min 59 s)"; several symbols "BTCUSDT + ETHUSDT · …". */
function recordingTitle(info: RecordingInfo): string {
  // one file: its name, unless the name is already "SYMBOL (1 file)" (one symbol chosen from a recording of several)
  const what =
    info.files > 1 || /\(\d+ files?\)$/.test(info.name) ? plural(info.files, 'file') : info.name.slice(info.name.lastIndexOf('/') + 1);
  const symbols = info.instruments ? info.instruments.map((x) => x.symbol).join(' + ') : info.symbol || '?';
  return `${symbols} · ${what} · ${count(info.rows)} rows · ${formatSpan(info.firstNs, info.lastNs)}${info.note ? ` · ${info.note}` : ''}`;
}

function open(source: RecordingSource): void {
  lastSource = source;
  playWhenOpened = false;
  reviving = null;
  errors.clear();
  state.recording = null;
  reader = null;
  copiedLadder = null;
  state.ladderSource = null;
  setStatus('loading');
  el.summary.textContent = `opening ${source.name}…`;
  send({ type: 'open', source, params: strategy.read(), speed: speed() });
}

function onReset(run: number, reason: 'params' | 'restart' | 'open'): void {
  if (reason === 'params') {
    previousRun = finishedRun ?? previousRun;
    finishedRun = null;
    // a run that never drew a point (Run pressed twice at once, a fresh worker's first run) does not replace the kept one
    if (tables.signals.length > 0) charts.keepAsPrevious();
    state.previous = charts.previous ? { equityPoints: charts.previous.signals.length, fills: charts.previous.fills.length } : null;
  }
  errors.clear();
  state.run = run;
  state.metrics = undefined;
  state.report = undefined;
  for (const t of Object.values(tables)) t.clear();
  if (!finishedRun) {
    recordsView.clear();
    state.records = [];
    state.recordScales = {};
  }
  if (finishedRun) {
    // the same parameters again (a seek back, play after the end): the figures of that run still hold
    strip.show(finishedRun.metrics, finishedRun.report, previousRun?.metrics ?? null, previousRun?.report ?? null);
  } else {
    strip.pending('Running: the figures of this run appear here when it reaches the end (speed max gets there fastest).');
    metricsPanel.clear();
  }
}

/** The book of the worker's shared memory, read by the page each frame; or the ladder copied into frames. */
function attachLadder(info: RecordingInfo, m: Extract<FromWorker, { type: 'opened' }>): void {
  if (m.shared) {
    const shared = m.shared;
    SharedBookReader.attach(shared).then(
      (r) => {
        if (state.recording === info) {
          reader = r;
          r.show(view);
          state.ladderSource = 'shared-memory';
          el.ladderSource.textContent = "read each frame from the worker's shared memory";
        }
      },
      (err) => showError(`cannot attach to the shared memory: ${(err as Error).message}`),
    );
  } else {
    state.ladderSource = 'copied';
    el.ladderSource.textContent = 'copied from the worker (~80 ms old)';
  }
}

function onOpened(info: RecordingInfo, m: Extract<FromWorker, { type: 'opened' }>): void {
  strategy.showLatencyDefault(info.ownOrders);
  if (reviving) {
    // the same recording in a fresh worker: the charts, the last run's figures and the run kept for comparison stay
    state.recording = info;
    el.summary.textContent = recordingTitle(info);
    attachLadder(info, m);
    if (view) send({ type: 'chart', inst: view }); // queued until the fresh worker's run starts
    return;
  }
  state.recording = info;
  document.body.classList.add('has-recording');
  view = 0;
  state.charted = info.instruments?.[0].symbol ?? null;
  state.fillsBySymbol = null;
  el.chartSymbol.replaceChildren(...(info.instruments ?? []).map((x, i) => new Option(x.symbol, String(i))));
  el.chartSymbolLabel.hidden = !info.instruments;
  setText(el.priceTitle, priceTitle(info.instruments ? info.instruments[0].symbol : null));
  const shown = viewInfo(info);
  const currency = quoteCurrency(shown.symbol);
  charts.setRecording(shown, currency);
  heatmap.setRecording(shown);
  recordsView.setRecording(info);
  state.records = [];
  state.recordScales = {};
  ladder.setGrid(shown.tickSize, shown.lotSize);
  unitTitles(info, shown);
  previousRun = null;
  finishedRun = null;
  shownFigures = null;
  state.previous = null;
  el.summary.textContent = recordingTitle(info);
  strip.pending('Press Play (or Run): the figures of the run appear here when it reaches the end.');
  metricsPanel.clear();
  attachLadder(info, m);
}

function onWorkerMessage(m: FromWorker): void {
  lastHeard = performance.now();
  if (m.type === 'handled') unanswered = Math.max(0, unanswered - 1);
  else if (m.type === 'opened') starting = true;
  else if (m.type === 'reset' || m.type === 'error') starting = false;
  onMessage(m);
  watch();
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'hello':
      handlerCell = m.handler ?? null;
      break;
    case 'handled':
      break;
    case 'loading':
      setStatus('loading');
      el.summary.textContent = m.rows
        ? `decoding ${m.name}: ${count(m.rowsDone)} / ${count(m.rows)} rows`
        : m.rowsDone
          ? `converting ${m.name}: ${count(m.rowsDone)} records`
          : `opening ${m.name}…`;
      break;
    case 'opened':
      onOpened(m.info, m);
      break;
    case 'reset':
      if (reviving) {
        // the fresh worker's first run: the run the page asked for; the run kept for comparison stays
        const { play, queue } = reviving;
        reviving = null;
        onReset(runOffset + m.run, 'restart');
        if (play) send({ type: 'play' });
        for (const c of queue) send(c);
      } else {
        onReset(runOffset + m.run, m.reason);
        if (m.reason === 'open' && playWhenOpened) {
          playWhenOpened = false;
          send({ type: 'play' });
        }
      }
      break;
    case 'frame':
      if (runOffset + m.run !== state.run) return;
      // a frame of another instrument than the one charted (sent before the switch reached the worker) is left out
      if ((m.view ?? 0) === view) {
        tables.signals.apply(m.signals);
        tables.trades.apply(m.trades);
        tables.fills.apply(m.ownFills);
        tables.depth.apply(m.depth);
        if (m.ladder) copiedLadder = m.ladder;
      }
      state.localTs = m.localTs;
      state.messages = m.messages;
      state.fills = m.fills;
      state.fillsBySymbol =
        m.fillsOf && state.recording?.instruments
          ? Object.fromEntries(state.recording.instruments.map((x, i) => [x.symbol, m.fillsOf![i] ?? 0]))
          : null;
      state.rows = m.rows;
      state.seeking = m.seeking;
      setStatus(m.status);
      setText(
        el.counts,
        `${count(m.messages)} messages · ${count(m.rows)} records · ${plural(m.fills, 'own fill')}${
          state.fillsBySymbol
            ? ` (${Object.entries(state.fillsBySymbol)
                .map(([k, v]) => `${k} ${count(v)}`)
                .join(', ')})`
            : ''
        }${m.seeking ? ' · seeking…' : ''}`,
      );
      break;
    case 'done':
      if (runOffset + m.run !== state.run) return;
      state.metrics = m.metrics;
      state.report = m.report;
      finishedRun = { metrics: m.metrics, report: m.report, records: m.records };
      recordsView.show(m.records, previousRun?.records ?? null);
      state.records = recordsView.names;
      state.recordScales = recordsView.scales;
      shownFigures = [m.metrics, m.report, previousRun?.metrics ?? null, previousRun?.report ?? null];
      strip.show(...shownFigures);
      metricsPanel.show(...shownFigures);
      break;
    case 'error':
      if (m.fatal) reviving = null; // the recording did not open again: nothing to do once it has
      showError(m.message, m.field, m.kept);
      if (!m.kept) setStatus('error');
      // the progress line and the strip's "Running" would otherwise stand as if work were still going on
      if (m.fatal && state.recording === null && lastSource)
        el.summary.textContent = `${lastSource.name} was not opened: see the error above`;
      else if (!m.kept && state.recording !== null && !finishedRun)
        strip.pending('This run stopped with the error above: no figures. Fix it and press Run (a saved strategy file re-runs by itself).');
      break;
  }
}

function relNow(): number {
  const info = state.recording;
  if (!info || !/^\d+$/.test(state.localTs)) return 0;
  return Number(BigInt(state.localTs) - BigInt(info.firstNs));
}

function seekNs(value: number): string {
  const info = state.recording!;
  const first = BigInt(info.firstNs);
  const span = BigInt(info.lastNs) - first;
  return String(first + (span * BigInt(Math.round(value))) / BigInt(SEEK_STEPS));
}

function frame(): void {
  charts.draw();
  heatmap.area = charts.plotArea();
  heatmap.nowRel = relNow();
  heatmap.draw();
  if (state.recording) ladder.show(reader ? reader.read() : copiedLadder);
  const info = state.recording;
  if (info && !seekDragging) {
    const span = Number(BigInt(info.lastNs) - BigInt(info.firstNs));
    const v = String(span > 0 ? Math.round((relNow() / span) * SEEK_STEPS) : 0);
    if (el.seek.value !== v) el.seek.value = v;
  }
  if (!seekDragging) setText(el.clock, state.localTs ? formatNs(state.localTs) : '–');
  requestAnimationFrame(frame);
}

// controls
el.run.onclick = () => state.controls.run();
el.play.onclick = () => state.controls.play();
el.pause.onclick = () => state.controls.pause();
el.step.onclick = () => state.controls.step();
el.speed.onchange = () => send({ type: 'speed', speed: speed() });
el.seek.oninput = () => {
  seekDragging = true;
  if (state.recording) el.clock.textContent = `→ ${formatNs(seekNs(Number(el.seek.value)))}`;
};
el.seek.onchange = () => {
  seekDragging = false;
  if (state.recording) state.controls.seek(seekNs(Number(el.seek.value)));
};
document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (!state.recording || t.closest('textarea, input, select')) return;
  if (e.key === ' ') {
    e.preventDefault();
    if (state.status === 'running') state.controls.pause();
    else state.controls.play();
  } else if (e.key === 'ArrowRight') {
    state.controls.step();
  }
});
window.addEventListener('resize', () => charts.resize());

strategy.write(DEFAULT_PARAMS);
syncStrategy();
if (!self.crossOriginIsolated) {
  el.banner.textContent = NOT_ISOLATED_BANNER;
  el.banner.hidden = false;
}
setStatus('idle');
void sources.load().then(() => {
  state.served = sources.served;
  syncStrategy();
});
void list.load().then(() => {
  state.recordings = list.entries;
  state.groups = list.groups;
  if (list.entries.length === 0)
    $('placeholder').textContent =
      'No recordings under the --data directory of ringbook serve: record some (ringbook record --out DIR, or ringbook demo), or drop a .parquet file or Tardis.dev data on the page.';
});
requestAnimationFrame(frame);
