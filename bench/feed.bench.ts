// `ringbook bench feed`: (1) decode throughput of realistic Bitget frames to 64-byte records, the core's byte-level
// decoder against JSON.parse + an object walk with an exact JS decimal parser (the baseline a careful JS developer
// writes; note JSON.parse cannot even read seq > 2^53 exactly); (2) tick-to-signal latency through the live
// pipeline against the local exchange on loopback, per hop.
import { spawn } from 'node:child_process';
import { loadCore, Ring } from '../src/core/index';
import { FrameDecoder } from '../src/feed/decoder';
import { MarketPipeline } from '../src/feed/pipeline';
import { LatencySamples } from '../src/core/latency';
import { MonotonicClock } from '../src/core/clock';
import { Results } from './stats';
import { latencyText, percentileText } from '../src/latency/format';
import { makeFrames, BENCH_GRID } from './frames';

/** Exact decimal string → scaled integer (number), the JS way: no float ever sees the value. */
function jsScaled(s: string, scale: number): number {
  let v = 0;
  let frac = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      frac = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) throw new Error(`bad decimal ${s}`);
    v = v * 10 + d;
    if (frac >= 0) frac++;
  }
  const f = frac < 0 ? 0 : frac;
  if (f > scale) throw new Error(`too many decimals ${s}`);
  for (let k = f; k < scale; k++) v *= 10;
  return v;
}

function baseline(frames: Buffer[], out: Int32Array): number {
  let records = 0;
  for (const buf of frames) {
    const msg = JSON.parse(buf.toString('utf8'));
    const d = msg.data[0];
    const ts = Number(d.ts) * 1e6;
    let r = 0;
    for (const [side, levels] of [
      [1, d.bids],
      [2, d.asks],
    ] as const) {
      for (const [p, q] of levels) {
        const at = (r++ & 1023) * 16;
        out[at] = 1 | (side << 8);
        out[at + 6] = jsScaled(p, BENCH_GRID.priceScale);
        out[at + 8] = jsScaled(q, BENCH_GRID.sizeScale);
        out[at + 2] = ts;
        out[at + 10] = d.seq; // already rounded by JSON.parse beyond 2^53
      }
    }
    records += r;
  }
  return records;
}

export async function benchFeed(opts: { rounds: number; quick: boolean; latencySeconds?: number }) {
  const results = new Results();
  const frames = makeFrames(opts.quick ? 4000 : 40000);
  const bytes = frames.reduce((a, b) => a + b.length, 0);
  const { core } = await loadCore();
  const ring = new Ring(core, core.ringOffset('market'));
  const decoder = new FrameDecoder(core);
  decoder.configure({ inst: 0, ...BENCH_GRID });
  const sink = new Int32Array(1024 * 16);
  let check = 0;
  for (let round = 0; round < opts.rounds + 1; round++) {
    let t = performance.now();
    let recs = 0;
    for (const f of frames) {
      decoder.scan(f, 0, 0);
      const n = decoder.books(ring.base, 0, true, true);
      ring.publish(n);
      ring.release(n); // same thread consumes: the benchmark measures decoding, not the hand-off
      recs += n;
    }
    const ours = performance.now() - t;
    t = performance.now();
    check += baseline(frames, sink);
    const base = performance.now() - t;
    t = performance.now();
    for (const f of frames) JSON.parse(f.toString('utf8'));
    const parseOnly = performance.now() - t;
    if (round === 0) continue; // warm-up round
    results.add('core_decoder_mb_per_s', 'core decoder: frame bytes → records', 'MB/s', bytes / 1e6 / (ours / 1000));
    results.add('core_decoder_msgs_per_s', 'core decoder: frames', 'k msg/s', frames.length / ours);
    results.add('baseline_mb_per_s', 'JSON.parse + walk + exact JS decimals', 'MB/s', bytes / 1e6 / (base / 1000));
    results.add('baseline_msgs_per_s', 'JSON.parse + walk + exact JS decimals: frames', 'k msg/s', frames.length / base);
    results.add('json_parse_only_mb_per_s', 'JSON.parse alone (no walk, no numbers)', 'MB/s', bytes / 1e6 / (parseOnly / 1000));
    void recs;
  }
  void check;
  const ratios: Record<string, number> = {
    core_decoder_over_baseline: results.median('core_decoder_mb_per_s') / results.median('baseline_mb_per_s'),
    core_decoder_over_json_parse_only: results.median('core_decoder_mb_per_s') / results.median('json_parse_only_mb_per_s'),
  };
  const latency = await benchLatency(opts.latencySeconds ?? (opts.quick ? 2 : 10));
  return { results, ratios, latency, frames: frames.length, bytes };
}

/** Starts `ringbook exchange` in a child process (its own CPU time), runs the pipeline, samples every hop. */
async function benchLatency(seconds: number) {
  const child = spawn(process.execPath, [new URL('./ringbook.mjs', import.meta.url).pathname, 'exchange', '--port', '0', '--seed', '3'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const rest = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += d;
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exchange exited (${code}) before printing its URL`)));
    });
    const ws = rest.replace('http://', 'ws://') + '/v2/ws/public';
    const pipeline = await MarketPipeline.start({
      wsUrl: ws,
      restUrl: rest,
      instruments: [
        { instType: 'USDT-FUTURES', symbol: 'BTCUSDT', channels: ['books'] },
        { instType: 'USDT-FUTURES', symbol: 'ETHUSDT', channels: ['books'] },
      ],
    });
    const endToEnd = new LatencySamples();
    const clock = new MonotonicClock();
    const words = pipeline.core.words;
    const until = performance.now() + seconds * 1000;
    let signals = 0;
    while (performance.now() < until) {
      await pipeline.signal.waitAsync(50);
      clock.read();
      pipeline.read((at, kind) => {
        if (kind !== 16) return;
        signals++;
        const hi = words[(at + 20) >> 2];
        const lo = words[(at + 16) >> 2] >>> 0;
        endToEnd.add((clock.hi - hi) * 4294967296 + (clock.lo - lo));
      });
    }
    const stopped = await pipeline.stop();
    return { signals, decode: stopped.feed?.decode, engine: stopped.engine.latency, endToEnd: endToEnd.summary() };
  } finally {
    child.kill('SIGTERM');
  }
}

export function latencyTable(l: Awaited<ReturnType<typeof benchLatency>>): string {
  const row = (name: string, s: { p50: number; p99: number; p999: number; max: number; count: number } | undefined) => {
    const n = s?.count ?? 0;
    const at = (ns: number | undefined, p: number) => percentileText(ns, p, n).padStart(10);
    return `  ${name.padEnd(52)} p50 ${at(s?.p50, 50)}  p99 ${at(s?.p99, 99)}  p99.9 ${at(s?.p999, 99.9)}  max ${latencyText(s?.max).padStart(10)}  (n=${n})`;
  };
  return [
    `tick-to-signal latency on loopback (${l.signals} signals), cumulative from the socket's message event:`,
    row('socket → market ring (feed decode + publish)', l.decode),
    row('socket → signal ring (+ engine book and signals)', l.engine),
    row('socket → main thread read (+ signal ring hand-off)', l.endToEnd),
  ].join('\n');
}
