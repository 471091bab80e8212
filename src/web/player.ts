// Playback over one loaded recording: play/pause at a speed, seek, step, re-run with new parameters. It feeds the
// session in short bursts and gives the thread back between them (the caller's `later`), so commands that arrive
// mid-run are handled within a few tens of milliseconds even at full speed, and it posts the page a frame of chart
// updates at most every FRAME_MS. Clock and scheduling are injected: the worker passes performance.now and timers.
// A run ends with its metrics and what the reports say about them (why no trades, the halt, the parameters), built
// as `ringbook backtest` builds them; a Run with bad parameters is refused and the last run stays as it was.
import { ReplaySession, type ResettableCore, type SessionHooks } from './replay-session';
import { SymbolCharts, depthInterval } from './collect';
import { trackHandlers } from '../strategy/handler-cell';
import { ParamError, runSettings, type RunSettings } from './params';
import { declaredSymbolsProblem, instrumentCountProblem } from '../strategy/instrument-count';
import type { Recording } from './recording';
import { SignalWatch, booklessSymbols, countBookless, type BooklessMarket, type StrategyConfig } from '../strategy/explain';
import { runReport } from '../cli/run-report';
import type { Metrics } from '../backtest/metrics';
import type { RecordedSeries } from '../backtest/trace';
import {
  LADDER_LEVELS,
  type RecordedCopy,
  type Frame,
  type FromWorker,
  type RunParams,
  type RunReport,
  type Speed,
  type Status,
} from './protocol';
import { errorText } from '../format/errors';

/** Points a recorded series keeps on the page (every k-th past it; the last point always). */
const RECORD_POINTS = 4000;

/** A ctx.record series for the page (t: ns since the first record, as the recording's relative times). */
function thin(r: RecordedSeries): RecordedCopy {
  const n = r.t.length;
  const k = Math.max(1, Math.ceil(n / RECORD_POINTS));
  const m = k === 1 ? n : Math.ceil(n / k) + ((n - 1) % k === 0 ? 0 : 1);
  const t = new Float64Array(m);
  const v = new Float64Array(m);
  let j = 0;
  for (let i = 0; i < n; i += k, j++) {
    t[j] = r.t[i];
    v[j] = r.v[i];
  }
  if (j < m) {
    t[j] = r.t[n - 1];
    v[j] = r.v[n - 1];
  }
  return { name: r.name, t, v };
}

/**
 * What the recording held of each instrument in `noBook` (`symbols`: the run's, in its order): its public trades and
 * its book records, counted from the rows' kinds as src/cli/replay-contents.ts counts them from the files (a status
 * record is neither; any other kind is the book's). The page replays the whole recording, so the window is all of
 * it. Named by symbol only in a run of several, as the CLI names them.
 */
export function booklessOf(rec: Recording, symbols: readonly string[], noBook: ReadonlySet<string>): BooklessMarket[] {
  if (!symbols.some((s) => noBook.has(s))) return [];
  const counts = symbols.map(() => ({ trades: 0, bookInWindow: 0, bookInFiles: 0 }));
  const kind = rec.cols.kind as Int32Array;
  for (let i = 0; i < rec.rows; i++) countBookless(counts[rec.inst ? rec.inst[i] : 0], kind[i], true);
  return symbols.flatMap((symbol, i) => (noBook.has(symbol) ? [{ ...(symbols.length > 1 ? { symbol } : {}), ...counts[i] }] : []));
}

/** Rows per feed call: small enough to check the time budget often. */
const SLICE_ROWS = 8192;
/** Longest stretch of work before the thread is given back. */
const BURST_MS = 30;
/** Pause between bursts at a finite speed (about one display frame). */
const TICK_MS = 16;
const FRAME_MS = 80;

export interface PlayerIo {
  post(m: FromWorker, transfer?: Transferable[]): void;
  now(): number;
  /** Runs `fn` after `ms` (0: as soon as pending messages were handled). */
  later(fn: () => void, ms: number): void;
  /** Frames carry a copy of the ladder only when the page cannot read the shared memory. */
  copyLadder: boolean;
  /** sha256 of the core.wasm running, for the run's provenance (null: not known). */
  coreHash?: string | null;
  /** Where to mark the strategy handler running (src/strategy/handler-cell.ts), for the page's watchdog. */
  handlerCell?: Int32Array | null;
}

type Mode = 'paused' | 'playing' | 'done' | 'error' | 'stopped';

export class Player {
  private session: ReplaySession | null = null;
  private charts: SymbolCharts | null = null;
  /** The instrument the charts show (several symbols). */
  private view = 0;
  private settings: RunSettings | null = null;
  private watch: SignalWatch | null = null;
  private run = 0;
  private mode: Mode = 'paused';
  private speed: Speed;
  private anchor = { wall: 0, rel: 0 };
  private seek: { rel: number; then: 'paused' | 'playing' } | null = null;
  private scheduled = false;
  private lastFrame = -Infinity;
  private readonly depthEveryNs: number;
  private readonly spanNs: number;

  constructor(
    readonly rec: Recording,
    private readonly bc: ResettableCore,
    private params: RunParams,
    speed: Speed,
    private readonly io: PlayerIo,
  ) {
    this.speed = speed;
    this.depthEveryNs = depthInterval(rec);
    this.spanNs = Number(rec.lastNs - rec.firstNs);
  }

  /** Starts run 1 at the first record, paused. */
  open(): void {
    this.restart('open', false);
  }

  /** A new run from the first record with `params`; bad ones are refused and the current run carries on. */
  rerun(params: RunParams, play: boolean): void {
    this.restart('params', play, params);
  }

  /** Charts instrument `i` (several symbols): its tables go to the page whole with the next frame. */
  chart(i: number): void {
    this.view = i;
    if (!this.charts) return;
    this.charts.show(i);
    this.frame(true);
  }

  /** For good (another recording is being opened): pending bursts do nothing and nothing more is posted. */
  stop(): void {
    this.mode = 'stopped';
    this.seek = null;
    this.session = null;
  }

  play(): void {
    if (this.mode === 'error' || this.mode === 'stopped' || !this.session) return;
    if (this.mode === 'done') {
      this.restart('restart', true);
      return;
    }
    if (this.seek) {
      this.seek.then = 'playing';
      return;
    }
    this.mode = 'playing';
    this.anchorNow(this.session.relNs);
    this.frame(true);
    this.schedule();
  }

  pause(): void {
    if (this.seek) this.seek.then = 'paused';
    if (this.mode !== 'playing') return;
    this.mode = 'paused';
    this.frame(true);
  }

  setSpeed(speed: Speed): void {
    const at = this.virtualRel();
    this.speed = speed;
    this.anchorNow(at);
    if (this.mode === 'playing') this.schedule();
  }

  /** To local time `ns` (ns since the epoch): restarts first when that is behind the replay or the run ended. */
  seekTo(ns: bigint): void {
    if (this.mode === 'error' || !this.session) return;
    const rel = Math.min(Math.max(0, Number(ns - this.rec.firstNs)), this.spanNs);
    const then = this.seek?.then ?? (this.mode === 'playing' ? 'playing' : 'paused');
    if (this.mode === 'done' || rel < this.session.relNs) this.restart('restart', false);
    this.seek = { rel, then };
    this.frame(true);
    this.schedule();
  }

  /** The next whole message, then paused. Ignored while a seek is being fast-forwarded. */
  step(): void {
    const s = this.session;
    if (!s || this.seek || this.mode === 'error' || this.mode === 'done') return;
    this.mode = 'paused';
    try {
      s.feedTo(s.messageEnd(s.cursor));
      this.charts!.afterFeed(s.relNs);
      this.endIfDone();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.frame(true);
  }

  private restart(reason: 'open' | 'params' | 'restart', play: boolean, params = this.params): void {
    let settings;
    try {
      settings = runSettings(params, this.rec.ownOrders);
      // a one-instrument strategy over several symbols fails on its first message, one that declares a symbol the
      // recording lacks at its start: say so before the run, with what to open instead
      const def = settings.strategy.definition;
      const symbols = this.rec.instruments?.map((it) => it.symbol) ?? [this.rec.meta.symbol ?? ''];
      const problem = instrumentCountProblem(def, symbols, 'page') ?? declaredSymbolsProblem(def, symbols, 'page');
      if (problem) throw new ParamError('strategy', problem);
    } catch (err) {
      const field = err instanceof ParamError ? err.field : undefined;
      const message = errorText(err);
      if (reason === 'params' && this.session) {
        // the last run and its charts stay: nothing changed but the message
        this.io.post({ type: 'error', message, fatal: false, field, kept: true });
        return;
      }
      this.seek = null;
      this.run++;
      this.session = null;
      this.charts = null;
      this.settings = null;
      this.mode = 'error';
      this.io.post({ type: 'reset', run: this.run, reason });
      this.io.post({ type: 'error', message, fatal: false, field, kept: false });
      return;
    }
    settings.strategy.coreHash = this.io.coreHash ?? null;
    if (this.io.handlerCell) settings.strategy.definition = trackHandlers(settings.strategy.definition, this.io.handlerCell);
    this.params = params;
    this.settings = settings;
    this.seek = null;
    this.run++;
    const charts = new SymbolCharts(
      this.rec,
      (this.bc.insts ?? [this.bc.inst]).map((x) => x.book),
      this.depthEveryNs,
      this.view,
    );
    // what obi-ofi's signal did, for the summary strip's "what stopped entries" (as the CLI: another strategy's
    // counters speak for themselves)
    const watch = settings.resolved.name === 'obi-ofi' ? new SignalWatch(settings.resolved.config as unknown as StrategyConfig) : null;
    this.watch = watch;
    const hooks: SessionHooks = watch
      ? {
          ...charts.hooks,
          onBook: (m, rt) => {
            watch.observe(m);
            charts.hooks.onBook?.(m, rt);
          },
        }
      : charts.hooks;
    this.session = new ReplaySession(this.rec, this.bc, settings, hooks);
    this.charts = charts;
    this.mode = play ? 'playing' : 'paused';
    this.anchorNow(0);
    this.io.post({ type: 'reset', run: this.run, reason });
    this.frame(true);
    if (play) this.schedule();
  }

  private anchorNow(rel: number): void {
    this.anchor = { wall: this.io.now(), rel };
  }

  /** Where playback at a finite speed should be now. */
  private virtualRel(): number {
    if (this.mode !== 'playing' || this.speed === 'max') return this.session?.relNs ?? 0;
    return Math.min(this.spanNs, this.anchor.rel + (this.io.now() - this.anchor.wall) * 1e6 * this.speed);
  }

  private schedule(): void {
    if (this.scheduled) return;
    const fast = this.seek !== null || (this.mode === 'playing' && this.speed === 'max');
    if (!fast && this.mode !== 'playing') return;
    this.scheduled = true;
    this.io.later(
      () => {
        this.scheduled = false;
        this.tick();
      },
      fast ? 0 : TICK_MS,
    );
  }

  private tick(): void {
    const s = this.session;
    if (!s || this.mode === 'error' || this.mode === 'done' || this.mode === 'stopped') return;
    try {
      if (this.seek) {
        if (this.advance(this.seek.rel)) {
          const then = this.seek.then;
          this.seek = null;
          this.mode = then;
          this.anchorNow(this.session!.relNs);
          this.frame(true);
        }
      } else if (this.mode === 'playing') {
        this.advance(this.speed === 'max' ? Infinity : this.virtualRel());
      }
      this.endIfDone();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.frame(false);
    this.schedule();
  }

  /**
   * Feeds whole messages up to `targetRel` until the burst's time is up; true once nothing more is due. Slices
   * stop at the next depth snapshot time too, so each snapshot shows the book as of its own time.
   */
  private advance(targetRel: number): boolean {
    const s = this.session!;
    const charts = this.charts!;
    const deadline = this.io.now() + BURST_MS;
    while (!s.atEnd) {
      const bound = charts.bound(targetRel);
      const end = s.sliceEnd(bound, SLICE_ROWS);
      if (end > s.cursor) {
        s.feedTo(end);
        charts.afterFeed(s.relNs);
      } else if (bound < targetRel) {
        charts.afterFeed(bound); // a snapshot time with no message since the last one: the book as it stands
      } else {
        return true;
      }
      if (this.io.now() >= deadline) return false;
    }
    return true;
  }

  private endIfDone(): void {
    const s = this.session!;
    if (!s.atEnd || this.mode === 'done') return;
    const metrics = s.finish();
    this.seek = null;
    this.mode = 'done';
    // metrics first: a page that sees status 'done' can read them
    const records = s.records.map(thin);
    this.io.post(
      { type: 'done', run: this.run, metrics, report: this.report(metrics), records },
      records.flatMap((r) => [r.t.buffer, r.v.buffer]),
    );
    this.frame(true);
  }

  /** What `ringbook backtest` would say about this run beyond its metrics (src/cli/run-report.ts). */
  private report(metrics: Metrics): RunReport {
    const symbol = this.rec.meta.symbol ?? '';
    const st = this.settings!;
    const symbols = this.rec.instruments?.map((it) => it.symbol);
    const metas = this.rec.instruments?.map((it) => ({ symbol: it.symbol, meta: it.meta })) ?? [{ symbol, meta: this.rec.meta }];
    const spot = metas.filter((it) => it.meta.inst_type === 'SPOT').map((it) => it.symbol);
    // as the CLI: what the recording held of each instrument whose book was never valid, or of every one when the
    // signal saw no book message, so a recording of trades alone says so rather than "no market data"
    const all = symbols ?? [symbol];
    const bookless = booklessOf(this.rec, all, booklessSymbols(all, this.watch?.stats.signals, metrics.settings.booksNeverValid));
    const r = runReport({ symbol, symbols, metrics, params: st.resolved, signals: this.watch?.stats, spot, bookless });
    const json = r.json as unknown as Pick<RunReport, 'entriesBlocked' | 'halt'>;
    return { symbol, ctx: r.ctx, entriesBlocked: json.entriesBlocked, halt: json.halt };
  }

  private fail(err: unknown): void {
    this.mode = 'error';
    this.seek = null;
    this.io.post({ type: 'error', message: errorText(err), fatal: false });
  }

  private status(): Status {
    if (this.seek) return 'running';
    return this.mode === 'playing' ? 'running' : this.mode === 'stopped' ? 'idle' : this.mode;
  }

  /** Posts what changed, unless one went out less than FRAME_MS ago (`force` for state changes). */
  private frame(force: boolean): void {
    const now = this.io.now();
    if (this.mode === 'stopped' || (!force && now - this.lastFrame < FRAME_MS)) return;
    this.lastFrame = now;
    const s = this.session;
    const c = this.charts;
    const f: Frame = {
      type: 'frame',
      run: this.run,
      status: this.status(),
      localTs: String(s ? s.localNs : this.rec.firstNs),
      messages: s?.messages ?? 0,
      rows: s?.cursor ?? 0,
      fills: s?.fills ?? 0,
      seeking: this.seek !== null,
    };
    const transfer: Transferable[] = [];
    if (s && s.fillsOf.length > 1) f.fillsOf = [...s.fillsOf];
    if (c) {
      const v = c.shown;
      f.view = c.view;
      f.signals = v.signals.update();
      f.trades = v.trades.update();
      f.ownFills = v.fills.update();
      f.depth = v.depth.update();
      for (const u of [f.signals, f.trades, f.ownFills, f.depth]) if (u) for (const col of u.cols) transfer.push(col.buffer);
      if (this.io.copyLadder) f.ladder = v.ladder(LADDER_LEVELS);
    }
    this.io.post(f, transfer);
  }
}
