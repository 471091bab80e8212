// The replay page: wires the controls to the worker (./replay.worker), keeps the page's copy of the chart tables
// and redraws once per animation frame. The page itself never replays anything, so it stays responsive whatever
// the recording's size. Its state is mirrored on window.__ringbook for scripts and tests.
import type { Metrics } from '../backtest/metrics';
import type { RecordingEntry } from '../serve/listing';
import { ReplayCharts } from './charts';
import { DepthHeatmap } from './depth';
import { LadderView, SharedBookReader } from './ladder';
import { renderMetrics } from './metrics-view';
import { DEFAULT_PARAMS } from './params';
import { TableCopy } from './tables';
import {
  SIGNAL_COLS,
  TRADE_COLS,
  FILL_COLS,
  depthWidth,
  type FromWorker,
  type LadderSnapshot,
  type RecordingInfo,
  type RecordingSource,
  type RunParams,
  type Speed,
  type Status,
  type ToWorker,
} from './protocol';

export const NOT_ISOLATED_BANNER =
  'not cross-origin isolated: the order-book ladder is copied from the worker instead of read from shared memory; serve with `ringbook serve` to enable it';

const SEEK_STEPS = 100_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = {
  summary: $('summary'),
  banner: $('banner'),
  error: $('error'),
  recording: $<HTMLSelectElement>('recording'),
  open: $<HTMLButtonElement>('open'),
  file: $<HTMLInputElement>('file'),
  play: $<HTMLButtonElement>('play'),
  pause: $<HTMLButtonElement>('pause'),
  step: $<HTMLButtonElement>('step'),
  speed: $<HTMLSelectElement>('speed'),
  seek: $<HTMLInputElement>('seek'),
  clock: $('clock'),
  status: $('status'),
  counts: $('counts'),
  config: $<HTMLTextAreaElement>('config'),
  latency: $<HTMLInputElement>('latency'),
  queue: $<HTMLInputElement>('queue'),
  fees: $<HTMLInputElement>('fees'),
  partial: $<HTMLInputElement>('partial'),
  run: $<HTMLButtonElement>('run'),
  ladder: $<HTMLTableElement>('ladder'),
  ladderSource: $('ladder-source'),
  metrics: $<HTMLTableElement>('metrics'),
  metricsNote: $('metrics-note'),
  depth: $<HTMLCanvasElement>('depth'),
};

interface Controls {
  /** Opens a recording from /api/recordings by its path. */
  open(path: string): void;
  run(): void;
  play(): void;
  pause(): void;
  step(): void;
  setSpeed(speed: Speed): void;
  /** To local time `ns` (ns since the epoch, as a string). */
  seek(ns: string): void;
}

/** What the page mirrors on window.__ringbook (scripts and tests read it). */
export interface PageState {
  /** crossOriginIsolated: the worker's memory can be shared with the page. */
  isolated: boolean;
  status: Status;
  error?: string;
  metrics?: Metrics;
  /** The replay's current local time, ns since the epoch. */
  localTs: string;
  messages: number;
  fills: number;
  rows: number;
  /** Bumped by every restart (Run, a seek backwards, a new recording). */
  run: number;
  seeking: boolean;
  recording: RecordingInfo | null;
  recordings: RecordingEntry[];
  ladderSource: 'shared-memory' | 'copied' | null;
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
const heatmap = new DepthHeatmap(el.depth, tables.depth, tables.signals);
const ladder = new LadderView(el.ladder);
let reader: SharedBookReader | null = null;
let copiedLadder: LadderSnapshot | null = null;
let previousMetrics: Metrics | null = null;
/** The metrics of the last run with the current parameters that reached the end (a seek back does not lose them). */
let finishedMetrics: Metrics | null = null;
let seekDragging = false;

const worker = new Worker(new URL('./replay.worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

const state: PageState = {
  isolated: self.crossOriginIsolated === true,
  status: 'idle',
  localTs: '',
  messages: 0,
  fills: 0,
  rows: 0,
  run: 0,
  seeking: false,
  recording: null,
  recordings: [],
  ladderSource: null,
  controls: {
    open: (path) => openPath(path),
    run: () => send({ type: 'run', params: params(), play: true }),
    play: () => send({ type: 'play' }),
    pause: () => send({ type: 'pause' }),
    step: () => send({ type: 'step' }),
    setSpeed: (s) => {
      el.speed.value = String(s);
      send({ type: 'speed', speed: s });
    },
    seek: (ns) => send({ type: 'seek', ns }),
  },
};
(window as unknown as { __ringbook: PageState }).__ringbook = state;

function params(): RunParams {
  return {
    config: el.config.value,
    latency: el.latency.value,
    queue: el.queue.value,
    fees: el.fees.value,
    partialFills: el.partial.checked,
  };
}

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

function showError(message: string | undefined): void {
  state.error = message;
  if (el.error.hidden !== !message) el.error.hidden = !message;
  setText(el.error, message ?? '');
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

/** 2025-11-24 16:00:00.123456789 UTC */
export function formatNs(ns: string): string {
  if (!/^\d+$/.test(ns)) return '–';
  const big = BigInt(ns);
  const iso = new Date(Number(big / 1_000_000n)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(big % 1_000_000_000n).padStart(9, '0')} UTC`;
}

function open(source: RecordingSource): void {
  showError(undefined);
  state.recording = null;
  reader = null;
  copiedLadder = null;
  state.ladderSource = null;
  setStatus('loading');
  el.summary.textContent = `opening ${source.name}…`;
  send({ type: 'open', source, params: params(), speed: speed() });
}

function openPath(path: string): void {
  const entry = state.recordings.find((r) => r.path === path);
  const url = `/data/${path.split('/').map(encodeURIComponent).join('/')}`;
  open({ kind: 'url', url, name: path, byteLength: entry?.size });
}

/** A dropped or chosen Parquet file opens as it is; anything else is taken for Tardis.dev files to convert. */
function openFiles(list: FileList | File[]): void {
  const files = [...list];
  if (!files.length) return;
  if (files.length === 1 && /\.parquet$/i.test(files[0].name)) open({ kind: 'file', file: files[0], name: files[0].name });
  else open({ kind: 'tardis', files, name: files.map((f) => f.name).join(' + ') });
}

async function loadList(): Promise<void> {
  try {
    const res = await fetch('/api/recordings');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    state.recordings = (await res.json()) as RecordingEntry[];
  } catch (err) {
    el.recording.replaceChildren(new Option(`no recording list (${(err as Error).message}): open a local file`, ''));
    return;
  }
  el.recording.replaceChildren();
  if (state.recordings.length === 0) el.recording.appendChild(new Option('no recordings under --data', ''));
  for (const r of state.recordings) {
    const label = r.error
      ? `${r.path} (unreadable: ${r.error})`
      : `${r.symbol ?? '?'} · ${r.path} · ${r.rows?.toLocaleString() ?? '?'} rows`;
    const o = new Option(label, r.path);
    o.disabled = !!r.error;
    el.recording.appendChild(o);
  }
  el.open.disabled = state.recordings.length === 0;
}

function onReset(run: number, reason: 'params' | 'restart' | 'open'): void {
  if (reason === 'params') {
    previousMetrics = finishedMetrics ?? previousMetrics;
    finishedMetrics = null;
    charts.keepAsPrevious();
  }
  state.run = run;
  state.metrics = undefined;
  for (const t of Object.values(tables)) t.clear();
  renderMetrics(el.metrics, null, null);
  el.metricsNote.hidden = false;
}

worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'hello':
      break;
    case 'loading':
      setStatus('loading');
      el.summary.textContent = m.rows
        ? `decoding ${m.name}: ${m.rowsDone.toLocaleString()} / ${m.rows.toLocaleString()} rows`
        : m.rowsDone
          ? `converting ${m.name}: ${m.rowsDone.toLocaleString()} records`
          : `opening ${m.name}…`;
      break;
    case 'opened': {
      state.recording = m.info;
      charts.setRecording(m.info);
      heatmap.setRecording(m.info);
      ladder.setGrid(m.info.tickSize, m.info.lotSize);
      previousMetrics = null;
      finishedMetrics = null;
      el.summary.textContent = `${m.info.symbol} · ${m.info.name} · ${m.info.rows.toLocaleString()} rows · ${formatNs(m.info.firstNs)} → ${formatNs(m.info.lastNs)}${m.info.note ? ` · ${m.info.note}` : ''}`;
      if (m.shared) {
        const shared = m.shared;
        SharedBookReader.attach(shared).then(
          (r) => {
            if (state.recording === m.info) {
              reader = r;
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
      break;
    }
    case 'reset':
      onReset(m.run, m.reason);
      break;
    case 'frame':
      if (m.run !== state.run) return;
      tables.signals.apply(m.signals);
      tables.trades.apply(m.trades);
      tables.fills.apply(m.ownFills);
      tables.depth.apply(m.depth);
      if (m.ladder) copiedLadder = m.ladder;
      state.localTs = m.localTs;
      state.messages = m.messages;
      state.fills = m.fills;
      state.rows = m.rows;
      state.seeking = m.seeking;
      if (m.status !== 'error') showError(undefined);
      setStatus(m.status);
      setText(
        el.counts,
        `${m.messages.toLocaleString()} messages · ${m.rows.toLocaleString()} records · ${m.fills} own fills${m.seeking ? ' · seeking…' : ''}`,
      );
      break;
    case 'done':
      if (m.run !== state.run) return;
      state.metrics = m.metrics;
      finishedMetrics = m.metrics;
      renderMetrics(el.metrics, m.metrics, previousMetrics);
      el.metricsNote.hidden = true;
      break;
    case 'error':
      showError(m.message);
      setStatus('error');
      break;
  }
};
worker.onerror = (ev) => {
  showError(`the replay worker failed: ${ev.message || 'it could not be loaded'}`);
  setStatus('error');
};

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
el.open.onclick = () => {
  if (el.recording.value) openPath(el.recording.value);
};
el.file.onchange = () => {
  if (el.file.files) openFiles(el.file.files);
};
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
// drag and drop anywhere on the page
document.addEventListener('dragover', (e) => {
  e.preventDefault();
  document.body.classList.add('dragging');
});
document.addEventListener('dragleave', (e) => {
  if (e.relatedTarget === null) document.body.classList.remove('dragging');
});
document.addEventListener('drop', (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  if (e.dataTransfer?.files) openFiles(e.dataTransfer.files);
});
window.addEventListener('resize', () => charts.resize());

el.config.value = DEFAULT_PARAMS.config;
el.latency.value = DEFAULT_PARAMS.latency;
el.queue.value = DEFAULT_PARAMS.queue;
el.fees.value = DEFAULT_PARAMS.fees;
el.partial.checked = DEFAULT_PARAMS.partialFills;
if (!self.crossOriginIsolated) {
  el.banner.textContent = NOT_ISOLATED_BANNER;
  el.banner.hidden = false;
}
setStatus('idle');
void loadList();
requestAnimationFrame(frame);
