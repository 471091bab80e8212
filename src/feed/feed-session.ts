// The feed's brain, free of sockets: every frame from the connection goes through onFrame(). Book and trade pushes
// become records in the market ring (published only once their continuity is proven); a broken chain (gap, stale
// update, update before snapshot, undecodable frame, full ring, disconnect, or a checksum failure reported by the
// engine) puts a status record on the ring — which makes the engine drop that book — and asks for a fresh
// snapshot. Malformed frames are counted and skipped; nothing here throws on input.

import type { Core, Ring } from '../core/index';
import { R, Kind, Status, REC_SIZE } from '../core/record';
import { controlOffset } from '../core/layout';
import { FrameDecoder, FrameKind, FrameError, Has, DecodeError } from './decoder';
import { BookSequence } from './continuity';
import type { LocalClock } from '../core/clock';
import type { ChannelArg } from './client';
import type { InstrumentGrid } from './instruments';
import { parseTicker, writeTickerRecord } from './ticker';

export type BookChannel = 'books' | 'books1' | 'books5' | 'books15';
/** `ticker` (futures: funding rate, next settlement, mark and index) is recorded, never applied to a book. */
export type Channel = BookChannel | 'trade' | 'ticker';

export interface FeedInstrument {
  /** Index of the instrument in the engine (0..63). */
  inst: number;
  grid: InstrumentGrid;
  /** At most one book channel, plus optionally 'trade' and 'ticker'. */
  channels: Channel[];
}

export interface FeedCounters {
  frames: number;
  bytes: number;
  pongs: number;
  acks: number;
  errorFrames: number;
  malformed: number;
  unknown: number;
  bookMessages: number;
  tradeMessages: number;
  duplicateTrades: number;
  gaps: number;
  stale: number;
  beforeSnapshot: number;
  badFrames: number;
  ringFull: number;
  disconnects: number;
  engineResyncs: number;
  resyncs: number;
  snapshots: number;
  records: number;
  /** Records the capture ring had no room for: each is missing from the recording (an alarm). */
  captureDrops: number;
  /** Ticker pushes recorded, and those that could not be read (skipped, logged). */
  tickers: number;
  badTickers: number;
}

export interface ExchangeError {
  code: number;
  msg: string;
  arg: string;
}

export interface FeedSessionOptions {
  resubscribe(arg: ChannelArg): void;
  onExchangeError?(e: ExchangeError): void;
  log?(line: string): void;
  /** Milliseconds clock for rate limits and resubscribe timeouts (injected for tests). */
  nowMs?(): number;
  /** Every frame as received, with its receive time (`record --raw`). */
  onRaw?(data: Uint8Array, hi: number, lo: number): void;
  /** Copy every published record to this ring too (the recorder's capture ring). */
  capture?: Ring;
  /** Read the engine's resync requests from the shared control lines (live pipeline). */
  watchControl?: boolean;
  /** After this long without the requested snapshot, ask again. */
  snapshotTimeoutMs?: number;
  /**
   * Every frame the decoder refuses (malformed, off the grid, wrong shape), with the reason and the decoder's code
   * (DecodeError; 0 for a frame that is not JSON); imports stop on it.
   */
  onBadFrame?(reason: string, code: number): void;
  /** Verify `books` checksums through the engine (default true). */
  verifyChecksum?: boolean;
  /**
   * Called with the ring index of the first of `n` records just before they are published (the latency trace
   * stamps the message here, so a consumer on another thread never sees the records before their stamp).
   */
  beforePublish?(first: number, n: number): void;
}

interface Route {
  fi: FeedInstrument;
  book: BookChannel | null;
  ticker: boolean;
  seq: BookSequence;
  awaitingSince: number;
  pendingStatus: number;
  handledRequests: number;
}

export function newCounters(): FeedCounters {
  return {
    frames: 0,
    bytes: 0,
    pongs: 0,
    acks: 0,
    errorFrames: 0,
    malformed: 0,
    unknown: 0,
    bookMessages: 0,
    tradeMessages: 0,
    duplicateTrades: 0,
    gaps: 0,
    stale: 0,
    beforeSnapshot: 0,
    badFrames: 0,
    ringFull: 0,
    disconnects: 0,
    engineResyncs: 0,
    resyncs: 0,
    snapshots: 0,
    records: 0,
    captureDrops: 0,
    tickers: 0,
    badTickers: 0,
  };
}

export class FeedSession {
  readonly counters = newCounters();
  private readonly routes = new Map<string, Route>();
  /** Each route once (the map holds some under two keys). */
  private readonly routeSet: Route[] = [];
  /** The last push's route: consecutive frames are mostly for one instrument (the decoder interns the strings). */
  private lastType = '';
  private lastId = '';
  private lastRoute: Route | undefined;
  private readonly captureLoss = new Map<number, number>();
  private lastLogMs = -Infinity;
  private suppressed = 0;
  private readonly nowMs: () => number;
  /** The frame being handled (a ticker push is read from its text, off the core's decoder). */
  private frame: Uint8Array | null = null;
  private readonly utf8 = new TextDecoder();

  constructor(
    readonly core: Core,
    readonly ring: Ring,
    readonly decoder: FrameDecoder,
    readonly clock: LocalClock,
    instruments: FeedInstrument[],
    private readonly o: FeedSessionOptions,
  ) {
    this.nowMs = o.nowMs ?? (() => Date.now());
    for (const fi of instruments) {
      const books = fi.channels.filter((c) => c !== 'trade' && c !== 'ticker') as BookChannel[];
      if (books.length > 1) throw new Error(`${fi.grid.symbol}: subscribe to one book channel, not ${books.join(' and ')}`);
      decoder.configure({ inst: fi.inst, ...fi.grid });
      const control = o.watchControl ? Atomics.load(core.words, controlOffset(fi.inst) >> 2) : 0;
      const route: Route = {
        fi,
        book: books[0] ?? null,
        ticker: fi.channels.includes('ticker'),
        seq: new BookSequence(),
        awaitingSince: -1,
        pendingStatus: 0,
        handledRequests: control,
      };
      this.routes.set(`${fi.grid.instType}|${fi.grid.symbol}`, route);
      // Bitget's v3 frames spell the product type in lower case (usdt-futures)
      this.routes.set(`${fi.grid.instType.toLowerCase()}|${fi.grid.symbol}`, route);
      this.routeSet.push(route);
    }
  }

  /** The channel args to subscribe to. */
  args(): ChannelArg[] {
    const out: ChannelArg[] = [];
    for (const r of this.routeSet) {
      for (const channel of r.fi.channels) out.push({ instType: r.fi.grid.instType, channel, instId: r.fi.grid.symbol });
    }
    return out;
  }

  onFrame(data: Uint8Array): void {
    const c = this.counters;
    c.frames++;
    c.bytes += data.length;
    this.clock.read();
    this.o.onRaw?.(data, this.clock.hi, this.clock.lo);
    const d = this.decoder;
    this.frame = data;
    const kind = d.scan(data, this.clock.hi, this.clock.lo);
    if (kind === FrameKind.push) this.onPush();
    else if (kind === FrameKind.pong) c.pongs++;
    else if (kind === FrameKind.event) this.onEvent();
    else if (kind === FrameKind.unknown) c.unknown++;
    else {
      c.malformed++;
      const line = () => `malformed frame (${data.length} bytes, error at byte ${d.errorPosition}): ${preview(data)}`;
      this.o.onBadFrame?.(line(), 0);
      this.logLimited(line);
    }
    this.retryPending();
  }

  /** Down between onDisconnect and onConnect: no snapshot can come, so none is overdue. */
  private connected = true;

  /**
   * The connection is (again) up and subscribes to everything: a book still waiting for its snapshot waits from now
   * (a reconnect after a venue restart took longer than the snapshot timeout, which then fired as soon as it was up).
   */
  onConnect(): void {
    this.connected = true;
    const now = this.nowMs();
    for (const r of this.routeSet) if (r.book && r.awaitingSince >= 0) r.awaitingSince = now;
  }

  /** The connection dropped: every book is stale until its next snapshot (the reconnect resubscribes). */
  onDisconnect(): void {
    this.connected = false;
    this.counters.disconnects++;
    for (const r of this.routeSet) {
      if (!r.book) continue;
      r.seq.invalidate();
      r.awaitingSince = this.nowMs();
      this.status(r, Status.disconnect);
    }
  }

  /** Checks the engine's resync requests and overdue snapshots (call on a timer as well as per frame). */
  poll(): void {
    const now = this.nowMs();
    const timeout = this.o.snapshotTimeoutMs ?? 10_000;
    for (const r of this.routeSet) {
      if (!r.book) continue;
      if (this.o.watchControl) {
        const requests = Atomics.load(this.core.words, controlOffset(r.fi.inst) >> 2);
        if (requests !== r.handledRequests) {
          r.handledRequests = requests;
          this.counters.engineResyncs++;
          this.resync(r, 0); // the engine already dropped its book and said so
          continue;
        }
      }
      if (this.connected && r.awaitingSince >= 0 && now - r.awaitingSince > timeout) {
        this.log(`${r.fi.grid.symbol}: no snapshot ${timeout} ms after asking; asking again`);
        r.awaitingSince = -1;
        this.resync(r, 0);
      }
    }
  }

  private onPush(): void {
    const d = this.decoder;
    const type = d.instType;
    const id = d.instId;
    let r: Route | undefined;
    if (type === this.lastType && id === this.lastId) r = this.lastRoute;
    else {
      r = this.routes.get(`${type}|${id}`);
      this.lastType = type;
      this.lastId = id;
      this.lastRoute = r;
    }
    if (!r) {
      this.counters.unknown++;
      return;
    }
    const channel = d.channel;
    if (channel === 'trade' || channel === 'publicTrade') {
      this.counters.tradeMessages++;
      const n = d.trades(this.ring.base, r.fi.inst);
      this.counters.duplicateTrades += d.duplicates;
      if (n > 0) this.publish(n, r.fi.inst);
      else if (n < 0) this.decodeFailed(r, n);
      return;
    }
    if (channel !== r.book) {
      if (channel === 'ticker' && r.ticker) this.onTicker(r);
      else this.counters.unknown++;
      return;
    }
    this.counters.bookMessages++;
    if (this.o.watchControl) this.poll();
    const incremental = channel === 'books';
    const n = d.books(this.ring.base, r.fi.inst, incremental, incremental && this.o.verifyChecksum !== false);
    if (n < 0) {
      this.decodeFailed(r, n);
      return;
    }
    if (!incremental) {
      this.publish(n, r.fi.inst); // fixed-depth channels: every push is a whole snapshot
      return;
    }
    if (d.action === 'snapshot') {
      r.seq.snapshot(d.seqHi, d.seqLo);
      r.awaitingSince = -1;
      r.pendingStatus = 0; // the snapshot's book clear supersedes any status not yet delivered
      this.counters.snapshots++;
      this.publish(n, r.fi.inst);
      return;
    }
    const verdict = r.seq.update(d.seqHi, d.seqLo, (d.has & Has.pseq) !== 0, d.pseqHi, d.pseqLo);
    if (verdict === 'ok') {
      this.publish(n, r.fi.inst);
      return;
    }
    // The decoded records stay unpublished: the ring never sees an update we cannot vouch for.
    if (verdict === 'no-snapshot') {
      this.counters.beforeSnapshot++;
      if (r.awaitingSince < 0) this.resync(r, Status.gap);
      return;
    }
    if (verdict === 'gap') this.counters.gaps++;
    else this.counters.stale++;
    this.resync(r, verdict === 'gap' ? Status.gap : Status.stale);
  }

  /**
   * A ticker push goes straight to the capture ring as one record (kind 7): only the recorder wants it, and at a few
   * pushes a second per symbol it is read as JSON here rather than by the core's decoder.
   */
  private onTicker(r: Route): void {
    const cap = this.o.capture;
    if (!cap || !this.frame) return;
    const f = parseTicker(this.utf8.decode(this.frame));
    if (typeof f === 'string') {
      this.counters.badTickers++;
      this.logLimited(() => `${r.fi.grid.symbol}: cannot read ticker push: ${f}`);
      return;
    }
    if (cap.writable(1) < 1) {
      this.counters.captureDrops++;
      this.captureLoss.set(r.fi.inst, (this.captureLoss.get(r.fi.inst) ?? 0) + 1);
      return;
    }
    writeTickerRecord(this.core.words, cap.slot(cap.head), r.fi.inst, this.clock.ns, f);
    cap.publish(1);
    this.counters.tickers++;
  }

  private decodeFailed(r: Route, code: number): void {
    if (code === FrameError.ringFull) this.counters.ringFull++;
    else if (code === FrameError.syntax)
      this.counters.malformed++; // broken JSON inside the data (the scan stops at `data`)
    else this.counters.badFrames++;
    const line = () =>
      `${r.fi.grid.symbol}: cannot decode ${this.decoder.channel} push: ${DecodeError[code] ?? code}${code === FrameError.price || code === FrameError.size ? ` (decimal error ${this.decoder.decimalCode})` : ''}`;
    if (code !== FrameError.ringFull) this.o.onBadFrame?.(line(), code);
    this.logLimited(line);
    const channel = this.decoder.channel;
    if (r.book && channel !== 'trade' && channel !== 'publicTrade')
      this.resync(r, code === FrameError.ringFull ? Status.ringFull : Status.badFrame);
  }

  /** Stops trusting the book, tells the engine (status record) and asks the exchange for a new snapshot. */
  private resync(r: Route, statusCode: number): void {
    r.seq.invalidate();
    if (statusCode) this.status(r, statusCode);
    r.awaitingSince = this.nowMs();
    this.counters.resyncs++;
    if (r.book) this.o.resubscribe({ instType: r.fi.grid.instType, channel: r.book, instId: r.fi.grid.symbol });
  }

  private status(r: Route, code: number): void {
    if (!this.writeStatus(r.fi.inst, code)) r.pendingStatus = code; // ring full: deliver as soon as there is room
  }

  private retryPending(): void {
    for (const r of this.routeSet) {
      if (r.pendingStatus && this.writeStatus(r.fi.inst, r.pendingStatus)) r.pendingStatus = 0;
    }
  }

  private writeStatus(inst: number, code: number): boolean {
    if (this.ring.writable(1) < 1) return false;
    const at = this.ring.slot(this.ring.head);
    const w = this.core.words;
    this.core.bytes.fill(0, at, at + REC_SIZE);
    this.core.bytes[at + R.kind] = Kind.status;
    w[(at + R.inst) >> 2] = inst;
    this.clock.read();
    w[(at + R.localTs) >> 2] = this.clock.lo;
    w[(at + R.localTs + 4) >> 2] = this.clock.hi;
    w[(at + R.seq) >> 2] = code;
    this.publish(1, inst);
    return true;
  }

  /**
   * A clock mark (Status.clockMark, docs/design.md §9.1), asked for by the strategy's thread in the multi-thread
   * layout: a status record stamped now, on the market ring only (never recorded). This thread stamps and publishes
   * each frame in one call, so everything stamped before the mark is on the ring before it, and the strategy, reading
   * the mark in ring order, may tick its timers up to the mark's stamp (src/live/trader.ts). False when the ring has
   * no room (the next request tries again).
   */
  mark(): boolean {
    const r = this.routeSet[0];
    if (r === undefined || this.ring.writable(1) < 1) return false;
    const at = this.ring.slot(this.ring.head);
    const w = this.core.words;
    this.core.bytes.fill(0, at, at + REC_SIZE);
    this.core.bytes[at + R.kind] = Kind.status;
    w[(at + R.inst) >> 2] = r.fi.inst;
    this.clock.read();
    w[(at + R.localTs) >> 2] = this.clock.lo;
    w[(at + R.localTs + 4) >> 2] = this.clock.hi;
    w[(at + R.seq) >> 2] = Status.clockMark;
    this.ring.publish(1);
    return true;
  }

  private publish(n: number, inst: number): void {
    if (this.o.capture) this.mirror(n, inst);
    this.o.beforePublish?.(this.ring.head, n);
    this.ring.publish(n);
    this.counters.records += n;
  }

  /**
   * Copies the next `n` (still unpublished) market-ring records to the capture ring, across the wrap. Records that
   * do not fit are counted, and a capture-loss status record (aux = how many) goes into the recording as soon as
   * there is room, so the files say where they have a hole.
   */
  private mirror(n: number, inst: number): void {
    const cap = this.o.capture!;
    for (const [i, lost] of this.captureLoss) {
      if (cap.writable(1) < 1) break;
      const at = cap.slot(cap.head);
      const w = this.core.words;
      this.core.bytes.fill(0, at, at + REC_SIZE);
      this.core.bytes[at + R.kind] = Kind.status;
      w[(at + R.inst) >> 2] = i;
      w[(at + R.localTs) >> 2] = this.clock.lo;
      w[(at + R.localTs + 4) >> 2] = this.clock.hi;
      w[(at + R.seq) >> 2] = Status.captureLoss;
      w[(at + R.aux) >> 2] = lost;
      cap.publish(1);
      this.captureLoss.delete(i);
    }
    const head = this.ring.head;
    const first = head & (this.ring.capacity - 1);
    const run = Math.min(n, this.ring.capacity - first);
    let copied = cap.pushFrom(this.ring.slot(head), run);
    if (copied === run && run < n) copied += cap.pushFrom(this.ring.slot(head + run), n - run);
    if (copied < n) {
      this.counters.captureDrops += n - copied;
      this.captureLoss.set(inst, (this.captureLoss.get(inst) ?? 0) + n - copied);
    }
  }

  private onEvent(): void {
    const d = this.decoder;
    const event = d.event;
    if (event === 'error') {
      this.counters.errorFrames++;
      const e = { code: d.code, msg: d.msg, arg: `${d.instType}|${d.channel}|${d.instId}` };
      this.log(`exchange error ${e.code}: ${e.msg}${e.arg !== '||' ? ` (${e.arg})` : ''}`);
      this.o.onExchangeError?.(e);
    } else {
      this.counters.acks++;
    }
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  private logLimited(line: () => string): void {
    const now = this.nowMs();
    if (now - this.lastLogMs < 5000) {
      this.suppressed++;
      return;
    }
    this.lastLogMs = now;
    const extra = this.suppressed ? ` (+${this.suppressed} similar in the last 5 s)` : '';
    this.suppressed = 0;
    this.log(line() + extra);
  }
}

function preview(data: Uint8Array): string {
  const s = Buffer.from(data.subarray(0, 80))
    .toString('utf8')
    .replace(/[\x00-\x1f]/g, '?');
  return data.length > 80 ? `${s}…` : s;
}
