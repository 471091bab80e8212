// What a market pipeline counts, as metrics: the feed thread's counters (messages, gaps, resyncs, checksum
// failures, malformed frames), the fill of each shared ring and its full events, feed latency, the clock offset to
// the exchange, and the recorder's records, files, bytes, write errors and losses with the disk's free space.
import { statSync, statfsSync } from 'node:fs';
import type { Histogram } from 'prom-client';
import { Ring, S, type RingName } from '../core/index';
import type { MarketPipeline } from '../feed/pipeline';
import { lostAll, type RecorderCounters } from '../capture/recorder';
import type { ThreadMemory } from './thread-memory';
import { Metrics, FEED_LATENCY_BUCKETS } from './metrics';
import { Health, feedFreshness, writerHealth } from './health';

const NS = 1e-9;

/** The recorder's events the pipeline hands to callbacks (files, clock, alarms), kept for the metrics. */
export class RecordingWatch {
  files = 0;
  bytes = 0;
  alarms = 0;
  clockOffsetNs: number | undefined;
  clockBoundNs: number | undefined;

  constructor(readonly root: string) {}

  file(f: { path: string; rows: number }): void {
    this.files++;
    try {
      this.bytes += statSync(f.path).size;
    } catch {
      // the file is reported as finished; if it is already gone (moved away), its bytes are not known
    }
  }

  clock(c: { offsetNs: string; boundNs: string }): void {
    this.clockOffsetNs = Number(c.offsetNs);
    this.clockBoundNs = Number(c.boundNs);
  }

  alarm(): void {
    this.alarms++;
  }

  diskFreeBytes(): number | undefined {
    try {
      const s = statfsSync(this.root);
      return s.bavail * s.bsize;
    } catch {
      return undefined;
    }
  }
}

export interface PipelineMetrics {
  /** Exchange timestamp → local receive, per signal (observe from the signal records the command reads). */
  feedLatency: Histogram;
  /** Observes a signal's feed latency in ns. */
  observeFeedLatencyNs(ns: number): void;
}

/**
 * Registers the pipeline's metrics on `m` and its checks on `health`: market data fresh within `staleAfterMs`, and
 * (when recording) the recorder writing.
 */
export function pipelineMetrics(
  m: Metrics,
  health: Health,
  p: MarketPipeline,
  o: { staleAfterMs: number; recording?: RecordingWatch; flushMs?: number },
): PipelineMetrics {
  const feed = () => p.feedStats?.counters;
  const symbols = p.grids.map((g) => g.symbol);
  m.total('ringbook_feed_messages_total', 'Market-data messages received, by channel.', ['channel'], () => {
    const c = feed();
    return (
      c && [
        [{ channel: 'books' }, c.bookMessages],
        [{ channel: 'trade' }, c.tradeMessages],
      ]
    );
  });
  const feedTotal = (name: string, help: string, read: (c: NonNullable<ReturnType<typeof feed>>) => number) =>
    m.total(name, help, () => {
      const c = feed();
      return c ? read(c) : undefined;
    });
  feedTotal('ringbook_feed_frames_total', 'WebSocket frames received.', (c) => c.frames);
  feedTotal('ringbook_feed_bytes_total', 'WebSocket bytes received.', (c) => c.bytes);
  feedTotal('ringbook_feed_gaps_total', 'Sequence gaps (seq/pseq chain broken): each starts a resync.', (c) => c.gaps);
  feedTotal('ringbook_feed_stale_updates_total', 'Updates older than the book (duplicates, reordering): skipped.', (c) => c.stale);
  feedTotal(
    'ringbook_feed_resyncs_total',
    'Books re-subscribed for a fresh snapshot (after a gap, a checksum failure, …).',
    (c) => c.resyncs,
  );
  feedTotal(
    'ringbook_feed_checksum_failures_total',
    "Book checksums that did not match the exchange's (the engine asked for a resync).",
    (c) => c.engineResyncs,
  );
  feedTotal(
    'ringbook_feed_malformed_frames_total',
    'Frames that could not be decoded (bad JSON, bad fields): skipped.',
    (c) => c.malformed + c.badFrames,
  );
  feedTotal('ringbook_feed_duplicate_trades_total', 'Trades received twice: skipped.', (c) => c.duplicateTrades);
  feedTotal('ringbook_feed_disconnects_total', 'WebSocket connections lost (each reconnects and resubscribes).', (c) => c.disconnects);
  feedTotal('ringbook_feed_snapshots_total', 'Book snapshots applied.', (c) => c.snapshots);
  feedTotal('ringbook_feed_records_total', 'Records published to the market ring.', (c) => c.records);
  feedTotal('ringbook_feed_exchange_errors_total', 'Error frames the exchange sent.', (c) => c.errorFrames);
  m.total(
    'ringbook_ring_full_total',
    'Records a full ring had no room for (market: the engine fell behind; capture: the recorder did).',
    ['ring'],
    () => {
      const c = feed();
      return (
        c && [
          [{ ring: 'market' }, c.ringFull],
          [{ ring: 'capture' }, c.captureDrops],
        ]
      );
    },
  );
  const rings = (['market', 'signal', 'capture', 'order'] as RingName[]).map((name) => ({
    name,
    ring: new Ring(p.core, p.core.ringOffset(name)),
  }));
  m.gauge('ringbook_ring_fill_ratio', 'Share of each shared ring in use (0 = empty, 1 = full).', ['ring'], () =>
    rings.map(({ name, ring }) => [{ ring: name }, Math.min(1, Math.max(0, (ring.head - ring.tail) / ring.capacity))]),
  );
  m.gauge('ringbook_feed_connected', 'Whether the market-data WebSocket is open (1) or not (0).', () =>
    p.feedStats ? (p.feedStats.state === 'open' ? 1 : 0) : undefined,
  );
  m.gauge('ringbook_feed_decode_seconds', 'Frame receive → record published on the feed thread, over recent frames.', ['quantile'], () => {
    const d = p.feedStats?.decode;
    return d && d.count
      ? [
          [{ quantile: '0.5' }, d.p50 * NS],
          [{ quantile: '0.99' }, d.p99 * NS],
          [{ quantile: '1' }, d.max * NS],
        ]
      : undefined;
  });
  const threads = () => {
    const out: Array<[Record<string, string>, ThreadMemory]> = [];
    if (p.feedStats?.memory) out.push([{ thread: 'feed' }, p.feedStats.memory]);
    if (p.recorderMemory) out.push([{ thread: 'recorder' }, p.recorderMemory]);
    return out;
  };
  m.gauge(
    'ringbook_thread_heap_used_bytes',
    "V8 heap in use by each worker thread (the main thread's is nodejs_heap_size_used_bytes).",
    ['thread'],
    () => threads().map(([l, t]) => [l, t.heapUsed]),
  );
  m.gauge(
    'ringbook_thread_external_memory_bytes',
    'ArrayBuffers and other memory outside the V8 heap held by each worker thread.',
    ['thread'],
    () => threads().map(([l, t]) => [l, t.external]),
  );
  m.gauge('ringbook_instruments', 'Instruments in the pipeline, by symbol (always 1).', ['symbol'], () =>
    symbols.map((s) => [{ symbol: s }, 1]),
  );
  const feedLatency = m.histogram(
    'ringbook_feed_latency_seconds',
    'Exchange timestamp → local receive, per signal (includes the clock offset to the exchange; see ringbook_clock_offset_seconds).',
    FEED_LATENCY_BUCKETS,
  );
  const messages = () => {
    const c = feed();
    return c ? c.bookMessages + c.tradeMessages : undefined;
  };
  health.add('feed', feedFreshness(messages, o.staleAfterMs));

  const rec = o.recording;
  if (rec) {
    const counters = () => p.recorderCounters ?? undefined;
    const recTotal = (name: string, help: string, read: (c: RecorderCounters) => number) =>
      m.total(name, help, () => {
        const c = counters();
        return c ? read(c) : undefined;
      });
    recTotal('ringbook_recorder_records_total', 'Records the recorder took from the capture ring.', (c) => c.records);
    recTotal('ringbook_recorder_rows_written_total', 'Rows in finished Parquet files.', (c) => c.rows);
    recTotal(
      'ringbook_recorder_write_errors_total',
      'Failed write attempts (disk full, permissions): see the ALARM lines.',
      (c) => c.writeErrors,
    );
    recTotal(
      'ringbook_recorder_records_lost_total',
      'Records and raw frames that will never reach a file (dropped while writes failed, lost at exit).',
      lostAll,
    );
    m.total('ringbook_recorder_files_total', 'Parquet files finished.', () => rec.files);
    m.total('ringbook_recorder_bytes_written_total', 'Bytes of finished Parquet files.', () => rec.bytes);
    m.total('ringbook_recorder_alarms_total', 'Recorder alarms raised (each is also logged).', () => rec.alarms);
    m.gauge('ringbook_disk_free_bytes', 'Free space on the recording directory’s file system (for an unprivileged user).', () =>
      rec.diskFreeBytes(),
    );
    m.gauge(
      'ringbook_clock_offset_seconds',
      'Measured clock offset, local − exchange (what feed latency includes besides the network).',
      () => (rec.clockOffsetNs === undefined ? undefined : rec.clockOffsetNs * NS),
    );
    m.gauge('ringbook_clock_offset_bound_seconds', 'Error bound of the measured clock offset (half the round trip).', () =>
      rec.clockBoundNs === undefined ? undefined : rec.clockBoundNs * NS,
    );
    // a failing writer retries about once per flush interval: a window of a few intervals rides out the gaps
    health.add(
      'recorder',
      writerHealth(() => counters()?.writeErrors, Math.max(5000, 3 * (o.flushMs ?? 1000))),
    );
  }
  return {
    feedLatency,
    observeFeedLatencyNs: (ns) => feedLatency.observe(ns * NS),
  };
}

/** The feed latency (local receive − exchange timestamp, ns) of the signal record at byte offset `at`. */
export function signalFeedLatencyNs(words: Int32Array, at: number): number {
  const l = (at + S.localTs) >> 2;
  const e = (at + S.exchTs) >> 2;
  return (words[l + 1] - words[e + 1]) * 4294967296 + ((words[l] >>> 0) - (words[e] >>> 0));
}
