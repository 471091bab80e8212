// Tardis.dev's Bitget data — tardis-machine's replay lines ({"localTimestamp":"…","message":<frame>}, an empty line
// where the collector was disconnected) or Tardis's raw slices ("<timestamp> <frame>") — through the live feed's own
// pieces: the core's frame decoder, FeedSession's seq/pseq continuity and resync, and the engine's book and
// checksum check. The receive time of each line stands in for the local clock, so every record, status and resync
// comes out exactly as the live pipeline would have recorded the same frames; the records go to a sink.
import { Engine, Ring, DecimalParseError, parseSteps, type Core } from '../core/index';
import type { LocalClock } from '../core/clock';
import { FrameDecoder, FrameError } from '../feed/decoder';
import { FeedSession, type FeedInstrument } from '../feed/feed-session';
import { cmp64 } from '../feed/continuity';
import { IsoTime, isoNs } from './iso-time';
import { ImportError, type RecordSink } from './record-sink';
import { decimalWhy, gridHint } from './grid';
import { Kind, R } from '../core/record';

/** The line's time, set before the feed reads the clock. */
class LineClock implements LocalClock {
  hi = 0;
  lo = 0;
  read(): void {}
  get ns(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

export interface FramesOptions {
  /** The symbols to import (grid, `books` and `trade`); frames of any other symbol are counted and skipped. */
  instruments: FeedInstrument[];
  sink: RecordSink;
  /** Verify `books` checksums where frames carry one (default true). */
  verifyChecksum?: boolean;
  log?(line: string): void;
}

export interface FramesCounters {
  lines: number;
  bytes: number;
  disconnectLines: number;
  v3Frames: number;
  /** Lines at an input's start repeating lines at the end of the input before (same local time, same bytes): skipped. */
  repeatedAtJoin: number;
  /** Pushes of symbols or channels not imported: "instType|symbol|channel" → frames (the first 20 kinds). */
  skipped: Map<string, number>;
}

/** Lines of one local time remembered for the join with the next input (more at one time are not looked for). */
const TAIL_MAX = 64;
const PREFIX = new TextEncoder().encode('{"localTimestamp":"');
const MIDDLE = new TextEncoder().encode('","message":');

export class TardisFrames {
  readonly session: FeedSession;
  readonly engine: Engine;
  readonly decoder: FrameDecoder;
  readonly counters: FramesCounters = { lines: 0, bytes: 0, disconnectLines: 0, v3Frames: 0, repeatedAtJoin: 0, skipped: new Map() };
  private readonly market: Ring;
  private readonly capture: Ring;
  private readonly clock = new LineClock();
  private readonly time = new IsoTime();
  private bad: string | null = null;
  private badGrid: ImportError['grid'];
  private input = '';
  private started = false;
  private lastHi = 0;
  private lastLo = 0;
  private prevDisconnect = false;
  /** Where the last timed line was (input and line): an input that starts before it overlaps the one before. */
  private lastInput = '';
  private lastInputIndex = 0;
  private lastLine = 0;
  private inputIndex = 0;
  /**
   * The lines with the last local time so far (references: the splitter never writes a line's bytes again once
   * handed out), copied when the next input begins: its first lines at that same time are compared with them,
   * so two inputs that share their boundary's frames give each frame once.
   */
  private readonly tail: Array<{ b: Uint8Array; start: number; end: number }> = [];
  private tailN = 0;
  private joinTail: Uint8Array[] = [];
  /** Instruments no market record has reached yet: a status of theirs (a disconnect before their first frame) is dropped. */
  private readonly unseen: Set<number>;

  constructor(
    readonly core: Core,
    private readonly o: FramesOptions,
  ) {
    this.unseen = new Set(o.instruments.map((fi) => fi.inst));
    this.engine = new Engine(core, 64, { control: true });
    for (const fi of o.instruments) this.engine.addInstrument(fi.inst, { ...fi.grid, levelsPerSide: 8192 }).configure({});
    this.market = new Ring(core, core.ringOffset('market'));
    this.capture = new Ring(core, core.ringOffset('capture'));
    this.decoder = new FrameDecoder(core);
    this.session = new FeedSession(core, this.market, this.decoder, this.clock, o.instruments, {
      // a recording cannot be asked for a new snapshot: the book waits for the next one in the data
      resubscribe: () => {},
      capture: this.capture,
      watchControl: true,
      nowMs: () => this.clock.hi * 4294.967296 + this.clock.lo / 1e6,
      snapshotTimeoutMs: Infinity,
      verifyChecksum: o.verifyChecksum,
      onBadFrame: (reason, code) => {
        if (this.bad !== null) return;
        this.bad = reason;
        this.badGrid =
          code === FrameError.price || code === FrameError.size
            ? { field: code === FrameError.price ? 'price' : 'size', decimal: this.decoder.decimalCode }
            : undefined;
      },
      log: o.log,
    });
  }

  /** Names the input the next lines come from (errors say "<input>:<line>"). */
  begin(input: string): void {
    this.input = input;
    this.inputIndex++;
    this.joinTail = this.tail.slice(0, this.tailN).map((t) => t.b.slice(t.start, t.end));
    this.tailN = 0;
  }

  /** One line, bytes [start, end) of `b`; throws ImportError for a line that is not a timestamped Bitget frame. */
  line(b: Uint8Array, start: number, end: number, line: number): void {
    const c = this.counters;
    c.lines++;
    c.bytes += end - start + 1;
    // a UTF-8 byte order mark (an editor's, Windows tools') says nothing about the data
    if (line === 1 && end - start >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) start += 3;
    while (end > start && (b[end - 1] === 0x20 || b[end - 1] === 0x09)) end--;
    if (end === start) {
      // tardis-machine writes an empty line where its collector lost the connection: every book waits for a snapshot
      if (!this.prevDisconnect) {
        c.disconnectLines++;
        this.session.onDisconnect();
        this.drain();
      }
      this.prevDisconnect = true;
      return;
    }
    this.prevDisconnect = false;
    let msgStart: number;
    let msgEnd: number;
    if (startsWith(b, start, end, PREFIX)) {
      // tardis-machine's layout, written by concatenation: {"localTimestamp":"<ts>","message":<frame>}
      const tsStart = start + PREFIX.length;
      const tsEnd = b.indexOf(0x22, tsStart);
      if (tsEnd < 0 || tsEnd >= end || !startsWith(b, tsEnd, end, MIDDLE) || b[end - 1] !== 0x7d)
        return this.fail(line, 'expected {"localTimestamp":"…","message":{…}}');
      if (!this.time.parse(b, tsStart, tsEnd))
        return this.fail(line, `localTimestamp "${text(b, tsStart, tsEnd)}" is not an ISO 8601 UTC time`);
      msgStart = tsEnd + MIDDLE.length;
      msgEnd = end - 1;
    } else if (b[start] >= 0x30 && b[start] <= 0x39) {
      // Tardis's raw slices: "<timestamp> <frame>"
      const sp = b.indexOf(0x20, start);
      if (sp < 0 || sp >= end) return this.fail(line, 'expected "<timestamp> <frame>" or {"localTimestamp":"…","message":{…}}');
      if (!this.time.parse(b, start, sp)) return this.fail(line, `timestamp "${text(b, start, sp)}" is not an ISO 8601 UTC time`);
      msgStart = sp + 1;
      msgEnd = end;
    } else {
      const m = looseWrapper(b, start, end, this.time);
      if (typeof m === 'string') return this.fail(line, m);
      [msgStart, msgEnd] = m;
    }
    if (msgEnd - msgStart > this.decoder.maxFrameBytes)
      return this.fail(
        line,
        `a frame of ${msgEnd - msgStart} bytes: larger than the decoder takes (${this.decoder.maxFrameBytes} bytes, the live feed's limit too)`,
      );
    const hi = this.time.hi;
    const lo = this.time.lo;
    const order = this.started ? cmp64(hi, lo, this.lastHi, this.lastLo) : 1;
    if (order < 0) {
      if (this.lastInputIndex !== this.inputIndex)
        return this.fail(
          line,
          `the local time ${isoNs(this.time.ns)} is earlier than the last line of ${this.lastInput} (line ${this.lastLine}: ${isoNs(this.lastNs)}): the inputs overlap in time or are out of order (the same file twice?): give them in time order, each span once`,
        );
      return this.fail(
        line,
        `the local time ${isoNs(this.time.ns)} is earlier than the line before's (${isoNs(this.lastNs)}): give the input in time order`,
      );
    }
    if (order === 0 && this.joinTail.length > 0 && this.repeatsJoin(b, start, end)) {
      c.repeatedAtJoin++;
      return;
    }
    if (order > 0) {
      this.joinTail.length = 0;
      this.tailN = 0;
    }
    if (this.tailN < TAIL_MAX) {
      const t = (this.tail[this.tailN++] ??= { b, start, end });
      t.b = b;
      t.start = start;
      t.end = end;
    }
    this.started = true;
    this.lastHi = hi;
    this.lastLo = lo;
    this.lastInput = this.input;
    this.lastInputIndex = this.inputIndex;
    this.lastLine = line;
    this.clock.hi = hi;
    this.clock.lo = lo;
    const unknown = this.session.counters.unknown;
    this.session.onFrame(b.subarray(msgStart, msgEnd));
    if (this.bad !== null) {
      let reason = this.bad;
      this.bad = null;
      const g = this.badGrid;
      const named = this.offending(b.subarray(msgStart, msgEnd));
      if (named) reason = named;
      else if (g)
        reason = `a ${g.field} ${decimalWhy(g.decimal)}: check ${g.field === 'price' ? '--tick' : '--lot'} against the exchange's instrument (${reason})`;
      throw new ImportError(this.input, line, reason, g);
    }
    if (this.decoder.v3) c.v3Frames++;
    if (this.session.counters.unknown !== unknown) this.skipped();
    this.drain();
  }

  /** Whether bytes [start, end) of `b` are one of the lines the input before ended with (taken out of the list). */
  private repeatsJoin(b: Uint8Array, start: number, end: number): boolean {
    const tail = this.joinTail;
    for (let k = 0; k < tail.length; k++) {
      const t = tail[k];
      if (t.length !== end - start) continue;
      let i = 0;
      while (i < t.length && t[i] === b[start + i]) i++;
      if (i < t.length) continue;
      tail.splice(k, 1);
      return true;
    }
    return false;
  }

  /**
   * The value a refused frame stopped the decoder at, in words, or null: the core's decoder only says it failed, so
   * the frame is read again here as JSON (on the error path only) and its prices, sizes and trade sides are checked
   * in wire order with the core's own decimal parser: "BTCUSDT books bids[2] price "94249.75" has more decimals than
   * the tick 0.1 (…)".
   */
  private offending(frame: Uint8Array): string | null {
    let msg: unknown;
    try {
      msg = JSON.parse(new TextDecoder().decode(frame));
    } catch {
      return null;
    }
    const d = this.decoder;
    const fi = this.o.instruments.find((f) => f.grid.symbol === d.instId);
    const data = (msg as { data?: unknown } | null)?.data;
    if (!fi || !Array.isArray(data)) return null;
    const g = fi.grid;
    const text = { tick: g.tickSize, lot: g.lotSize };
    const head = `${g.symbol} ${d.channel}`;
    const value = (field: 'price' | 'size', v: unknown, where: string): string | null => {
      if (typeof v !== 'string') return `${head} ${where} ${field} ${JSON.stringify(v) ?? 'missing'} is not a decimal string`;
      try {
        if (field === 'price') parseSteps(this.core, v, g.priceScale, g.priceStep);
        else parseSteps(this.core, v, g.sizeScale, g.sizeStep);
        return null;
      } catch (err) {
        if (!(err instanceof DecimalParseError)) throw err;
        return `${head} ${where} ${field} "${v}" ${gridHint(field, v, err.code, text, 'exchange')}`;
      }
    };
    if (d.channel === 'trade' || d.channel === 'publicTrade') {
      for (let i = 0; i < data.length; i++) {
        const t = data[i] as Record<string, unknown>;
        const where = `data[${i}]`;
        if (t === null || typeof t !== 'object') return `${head} ${where} is not a trade object`;
        for (const [k, v] of Object.entries(t)) {
          const field = TRADE_FIELDS[k];
          if (field === 'side' && v !== 'buy' && v !== 'sell') return `${head} ${where} side ${JSON.stringify(v)} is neither buy nor sell`;
          const why = field === 'price' || field === 'size' ? value(field, v, where) : null;
          if (why) return why;
        }
        const has = new Set(Object.keys(t).map((k) => TRADE_FIELDS[k]));
        const missing = (['price', 'size', 'side', 'ts', 'tradeId'] as const).filter((f) => !has.has(f));
        if (missing.length) return `${head} ${where} has no ${missing.join(', ')}`;
      }
      return null;
    }
    const book = data[0] as Record<string, unknown> | undefined;
    if (data.length !== 1 || book === null || typeof book !== 'object')
      return `${head}: data must hold one book object (it holds ${data.length})`;
    for (const [k, levels] of Object.entries(book)) {
      if (k !== 'asks' && k !== 'bids' && k !== 'a' && k !== 'b') continue;
      if (!Array.isArray(levels)) return `${head} ${k} is not a list of levels`;
      for (let i = 0; i < levels.length; i++) {
        const lv = levels[i] as unknown;
        if (!Array.isArray(lv) || lv.length < 2) return `${head} ${k}[${i}] is not a [price, size] level: ${JSON.stringify(lv)}`;
        const why = value('price', lv[0], `${k}[${i}]`) ?? value('size', lv[1], `${k}[${i}]`);
        if (why) return why;
      }
    }
    return null;
  }

  /** Everything the feed published so far through the engine (checksums) and into the sink. */
  drain(): void {
    while (this.engine.drain(this.market, undefined, 65536) > 0);
    this.session.poll();
    const cap = this.capture;
    for (;;) {
      const n = cap.readable(1 << 20);
      if (n === 0) break;
      const first = cap.tail & (cap.capacity - 1);
      const run = Math.min(n, cap.capacity - first);
      if (this.unseen.size) this.beforeFirst(this.core.words, cap.slot(cap.tail) >> 2, run);
      else this.o.sink.records(this.core.words, cap.slot(cap.tail) >> 2, run);
      cap.release(run);
    }
  }

  /**
   * `n` records to the sink without the statuses of instruments that have had no market record yet: a disconnect
   * before a symbol's first frame says nothing about its book (there is none yet), and written alone it would make a
   * recording of a symbol the input does not hold.
   */
  private beforeFirst(words: Int32Array, at: number, n: number): void {
    let from = 0;
    for (let i = 0; i < n; i++) {
      const p = at + i * 16;
      const inst = words[p + (R.inst >> 2)];
      if (!this.unseen.has(inst)) continue;
      if ((words[p] & 0xff) !== Kind.status) this.unseen.delete(inst);
      else {
        if (i > from) this.o.sink.records(words, at + from * 16, i - from);
        from = i + 1;
      }
    }
    if (n > from) this.o.sink.records(words, at + from * 16, n - from);
  }

  /** Checksums verified and failed, summed over the instruments. */
  checksums(): { ok: number; failed: number } {
    let ok = 0;
    let failed = 0;
    for (const fi of this.o.instruments) {
      const inst = this.engine.instrument(fi.inst);
      ok += inst.counter('checksumOk');
      failed += inst.counter('checksumFail');
    }
    return { ok, failed };
  }

  private get lastNs(): bigint {
    return (BigInt(this.lastHi) << 32n) | BigInt(this.lastLo >>> 0);
  }

  private skipped(): void {
    const d = this.decoder;
    if (d.action === '') return; // not a push (a frame of no known shape)
    const key = `${d.instType}|${d.instId}|${d.channel}`;
    const m = this.counters.skipped;
    if (m.has(key) || m.size < 20) m.set(key, (m.get(key) ?? 0) + 1);
  }

  private fail(line: number, reason: string): never {
    throw new ImportError(this.input, line, reason);
  }
}

// A trade's keys the decoder reads (v2 and v3's spellings, assembly/frame.ts), by what they are
const TRADE_FIELDS: Record<string, 'price' | 'size' | 'side' | 'ts' | 'tradeId' | undefined> = {
  price: 'price',
  p: 'price',
  P: 'price',
  size: 'size',
  v: 'size',
  side: 'side',
  S: 'side',
  ts: 'ts',
  T: 'ts',
  tradeId: 'tradeId',
  i: 'tradeId',
};

function startsWith(b: Uint8Array, at: number, end: number, p: Uint8Array): boolean {
  if (end - at < p.length) return false;
  for (let i = 0; i < p.length; i++) if (b[at + i] !== p[i]) return false;
  return true;
}

function text(b: Uint8Array, start: number, end: number): string {
  return new TextDecoder().decode(b.subarray(start, Math.min(end, start + 60)));
}

/**
 * Any other spelling of the wrapper (spaces, the keys in another order): the object is walked at the top level,
 * the message's bytes located without parsing them. Returns [start, end) of the message, or what is wrong.
 */
function looseWrapper(b: Uint8Array, start: number, end: number, time: IsoTime): [number, number] | string {
  const shape = 'expected {"localTimestamp":"…","message":{…}} (tardis-machine) or "<timestamp> <frame>" (Tardis raw data)';
  let p = start;
  const ws = () => {
    while (p < end && (b[p] === 0x20 || b[p] === 0x09)) p++;
  };
  const str = (): [number, number] | null => {
    ws();
    if (b[p] !== 0x22) return null;
    const s = ++p;
    while (p < end && b[p] !== 0x22) p += b[p] === 0x5c ? 2 : 1;
    if (p >= end) return null;
    return [s, p++];
  };
  ws();
  if (b[p++] !== 0x7b) return shape;
  let msg: [number, number] | null = null;
  let ts = false;
  for (;;) {
    const k = str();
    if (!k) return shape;
    ws();
    if (b[p++] !== 0x3a) return shape;
    const key = new TextDecoder().decode(b.subarray(k[0], k[1]));
    ws();
    const v0 = p;
    if (
      !skipValue(
        b,
        end,
        () => p,
        (q) => (p = q),
      )
    )
      return shape;
    if (key === 'localTimestamp') {
      if (b[v0] !== 0x22 || !time.parse(b, v0 + 1, p - 1)) return `localTimestamp ${text(b, v0, p)} is not an ISO 8601 UTC time`;
      ts = true;
    } else if (key === 'message') msg = [v0, p];
    ws();
    if (b[p] === 0x2c) {
      p++;
      continue;
    }
    if (b[p] !== 0x7d) return shape;
    p++;
    break;
  }
  ws();
  if (p !== end || !ts || !msg) return shape;
  return msg;
}

/** Skips one JSON value at get(); strings and brackets are matched, anything else runs to a delimiter. */
function skipValue(b: Uint8Array, end: number, get: () => number, set: (p: number) => void): boolean {
  let p = get();
  if (b[p] === 0x22) {
    p++;
    while (p < end && b[p] !== 0x22) p += b[p] === 0x5c ? 2 : 1;
    if (p >= end) return false;
    set(p + 1);
    return true;
  }
  if (b[p] === 0x7b || b[p] === 0x5b) {
    let depth = 0;
    while (p < end) {
      const c = b[p];
      if (c === 0x22) {
        p++;
        while (p < end && b[p] !== 0x22) p += b[p] === 0x5c ? 2 : 1;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth === 0) {
          set(p + 1);
          return true;
        }
      }
      p++;
    }
    return false;
  }
  const s = p;
  while (p < end && b[p] !== 0x2c && b[p] !== 0x7d && b[p] !== 0x20) p++;
  set(p);
  return p > s;
}
