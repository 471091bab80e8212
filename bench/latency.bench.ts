// `ringbook bench latency`: tick-to-trade on loopback, per hop. The local exchange runs in a child process (its own
// CPU time, as a venue would) at a given rate of `books` updates, keeping the time it sent each update and the time
// each order reached it (`exchange --rate N --stamps`). A trading session (feed, engine, strategy, gateway; with or
// without the recorder) trades it with a configuration that decides on every message and places an order whenever
// its entry rules allow, so every message is a tick → decision sample and every order a tick → wire sample. After
// each run the exchange's stamps are joined with ours by seq and clientOid for the hops outside our process. Each rate
// and recorder setting runs in both thread layouts (src/feed/placement.ts), one after the other against the same
// exchange, so the two are compared under the same load.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TradingSession } from '../src/live/trading-session';
import { loadParams } from '../src/cli/params';
import { LOCAL_DEMO_CREDENTIALS } from '../src/gateway/signing';
import { HopBoard, HOPS, type HopName } from '../src/latency/hops';
import type { MessageSample, OrderSample } from '../src/latency/probe';
import type { HistogramSummary } from '../src/latency/histogram';
import type { StampLog } from '../src/exchange/stamps';
import { wallMinusMonotonicNs } from '../src/core/clock';
import { fmt } from './stats';
import { latencyText, percentileText, samplesFor, SAMPLES_NOTE } from '../src/latency/format';
import type { Layout } from '../src/feed/placement';

/**
 * The strategy settings of the run: decide on every book message (top-of-book imbalance beyond ±0.05, one sample),
 * rest a post-only order at our touch, cancel it after 100 ms, no cooldown, risk limits far above what the run
 * reaches and no cooldown after any exit, so entries are limited by the order life cycle, not by a gate.
 */
export const LATENCY_CONFIG = [
  'signal.source=l1',
  'entry.threshold=0.05',
  'entry.confirmCount=1',
  'entry.mode=passive',
  'entry.workTimeoutNs=100ms',
  'exit.threshold=0',
  'exit.timeStopNs=300ms',
  'hurdle.enabled=false',
  'gates.maxSpreadTicks=1000000',
  'cooldown.ns=0',
  'cooldown.afterStopLossNs=0',
  'cooldown.afterReversalNs=0',
  'risk.maxOrdersPerSecond=1000000',
  'risk.maxOrdersPerMinute=100000000',
];

const UNLIMITED = { limit: 1_000_000, windowMs: 1000 };
/** The local exchange's niceness (see startExchangeChild). */
export const EXCHANGE_NICE = 10;

export interface LatencyRun {
  rate: number;
  /** The local exchange's scheduling policy (VenuePolicy). */
  venuePolicy: VenuePolicy;
  recorder: boolean;
  layout: Layout;
  seconds: number;
  messages: number;
  messagesPerSec: number;
  orders: number;
  /** The run's REST requests: as prepared bytes on the gateway's order connection, and through node:http (every other request, and orders while that connection was down). */
  requests: { prepared: number; http: number };
  /** Signals whose feed/engine stamps another message overwrote (not counted in those hops). */
  unstamped: number;
  hops: Partial<Record<HopName, HistogramSummary>>;
  /** How the strategy ended the run (why it placed few or no orders). */
  phase: string;
  haltReason: string | null;
  counters: Record<string, number>;
}

export interface LatencyBenchOptions {
  quick: boolean;
  rates?: number[];
  seconds?: number;
  recorder?: boolean[];
  /** Thread layouts to run (default both). */
  layouts?: Layout[];
  /** The exchange's scheduling policies to run under (default batch where chrt works, else normal). */
  policies?: VenuePolicy[];
  /** Keep the session's own hot path warm (TradingSession's keepWarm; default true): false measures it cold. */
  keepWarm?: boolean;
  log(s: string): void;
  /** Each run as it finishes (so a later one that fails does not take it along). */
  onRun?(r: LatencyRun): void;
}

/** The local exchange's scheduling policy: SCHED_BATCH (through util-linux's chrt) or the default one. */
export type VenuePolicy = 'batch' | 'normal';

/** Whether `chrt --batch` works here (util-linux installed, the policy allowed). */
export function batchPolicyAvailable(): boolean {
  return spawnSync('chrt', ['--batch', '0', 'true'], { stdio: 'ignore' }).status === 0;
}

/**
 * How the exchange child is started. Under `batch` it runs through `chrt --batch 0`: a SCHED_BATCH task never
 * preempts another on waking (the kernel leaves that to the scheduler tick), yet keeps its full share of the CPU, so
 * the wake-up our order's write gives the venue no longer runs the venue inside that write; SCHED_IDLE did the same
 * but starved the venue at 5,000 messages/s (docs/tuning.md).
 */
function exchangeLauncher(policy: VenuePolicy): { command: string; prefix: string[] } {
  if (policy === 'batch') return { command: 'chrt', prefix: ['--batch', '0', process.execPath] };
  return { command: process.execPath, prefix: [] };
}

async function startExchangeChild(rate: number, policy: VenuePolicy): Promise<{ child: ChildProcess; rest: string; ws: string }> {
  const launch = exchangeLauncher(policy);
  const child = spawn(
    launch.command,
    [
      ...launch.prefix,
      new URL('./ringbook.mjs', import.meta.url).pathname,
      'exchange',
      '--port',
      '0',
      '--seed',
      '3',
      '--symbols',
      'USDT-FUTURES:BTCUSDT',
      '--rate',
      String(rate),
      '--stamps',
      '--no-rate-limits',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // The venue yields to the session: a real exchange runs on machines of its own, but this one shares our cores, and
  // at equal priority the wake-up our order's write gives it preempts the session inside that write (gateway→wire
  // then held the exchange's whole handling of the order, wire→exchange read 0). Raising a child's niceness needs no
  // privilege; so does SCHED_BATCH (exchangeLauncher).
  setPriority(child.pid!, EXCHANGE_NICE);
  const rest = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /rest (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exchange exited (${code}) before printing its URL`)));
  });
  return { child, rest, ws: rest.replace('http://', 'ws://') + '/v2/ws/public' };
}

/**
 * hrtime − performance.now() of the exchange child, ns: the median over `pairs` of its clock pairs. One pair can be
 * off by as long as the child (at niceness 10, on a busy host) was descheduled between its two readings: one run
 * here read every exchange-side hop 7 ms off.
 */
function clockShiftNs(pairs: Array<StampLog['clock']>): number {
  const shifts = pairs.map((c) => Number(BigInt(c.hrtimeNs) - BigInt(Math.round(c.nowMs * 1e6)))).sort((a, b) => a - b);
  return shifts[shifts.length >> 1];
}

async function takeStamps(rest: string): Promise<StampLog> {
  const r = await fetch(`${rest}/debug/stamps`);
  if (!r.ok) throw new Error(`GET /debug/stamps: HTTP ${r.status}`);
  return (await r.json()) as StampLog;
}

/**
 * Joins the exchange's stamps with the session's: exchange → socket per message (by seq), our write → the exchange's
 * read per order (by clientOid), and the cumulative spans from the exchange's send.
 */
function joinStamps(
  board: HopBoard,
  probe: { messages: readonly MessageSample[]; orders: readonly OrderSample[] },
  stamps: StampLog,
  shiftNs: number,
): void {
  // Both sides on the system-wide monotonic clock (hrtime, ns): the child's performance.now() through `shiftNs`
  // (clockShiftNs), our local_ts through the process family's anchor (src/core/clock.ts).
  const anchor = wallMinusMonotonicNs();
  const rel = (recvNs: bigint) => Number(recvNs - anchor); // hrtime ns of a local stamp
  const sent = new Map<string, number>();
  for (const [, seq, ms] of stamps.sends) sent.set(seq, ms * 1e6 + shiftNs);
  const sendOf = new Map<bigint, number>(); // recv stamp → send time, for the orders
  for (const m of probe.messages) {
    const s = sent.get(m.seq.toString());
    if (s === undefined) continue;
    const recv = rel(m.recvNs);
    sendOf.set(m.recvNs, s);
    board.record('exchange→socket', recv - s);
    board.record('exchange→decision', recv + m.decisionNs - s);
  }
  const arrived = new Map<string, number>();
  for (const [oid, ms] of stamps.arrivals) arrived.set(oid, ms * 1e6 + shiftNs);
  for (const o of probe.orders) {
    const recv = rel(o.recvNs);
    const s = sendOf.get(o.recvNs);
    if (s !== undefined) board.record('exchange→wire', recv + o.wireNs - s);
    const a = arrived.get(o.clientOid);
    if (a === undefined) continue;
    board.record('wire→exchange', a - (recv + o.wireNs));
    if (s !== undefined) board.record('exchange→exchange', a - s);
  }
}

async function runOnce(
  ex: { rest: string; ws: string },
  rate: number,
  recorder: boolean,
  layout: Layout,
  seconds: number,
  keepWarm = true,
): Promise<Omit<LatencyRun, 'venuePolicy'>> {
  const root = recorder ? mkdtempSync(join(tmpdir(), 'ringbook-bench-latency-')) : '';
  // obi-ofi, as `demo` runs it, with the settings above
  const params = await loadParams({ strategy: 'obi-ofi', sets: LATENCY_CONFIG });
  try {
    const session = await TradingSession.start({
      layout,
      wsUrl: ex.ws,
      restUrl: ex.rest,
      instType: 'USDT-FUTURES',
      symbol: 'BTCUSDT',
      strategy: { strategy: params.strategy, params: params.params, settings: params.settings, config: params.config, coreHash: null },
      credentials: LOCAL_DEMO_CREDENTIALS,
      mode: 'local',
      channels: ['books'],
      latencyLog: true,
      // the exchange runs without its limits and so does our client: every order the strategy sends is a sample
      // (against Bitget, its budget of 10 place-orders/s would queue the rest in the client's limiter)
      restRateLimits: { placeOrder: UNLIMITED, cancelOrder: UNLIMITED, cancelAllOrders: UNLIMITED },
      record: recorder ? { root, source: 'simulator' } : undefined,
      keepWarm,
      log: () => {},
    });
    // warm-up: the snapshot, the JIT, the first orders; then measure from a clean board (and a clean probe: the
    // messages it has yet to split are warm-up ones)
    await new Promise((r) => setTimeout(r, 1500));
    session.probe.reset();
    await takeStamps(ex.rest);
    const orders0 = session.trader.counters.orders;
    const rest0 = { ...session.gateway.rest.stats };
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const elapsed = (performance.now() - t0) / 1000;
    // The window ends here: what the session does while it stops (messages still arriving, the orders that flatten
    // it) is not a sample, so the board and the probe's log are taken now and the exchange's stamps joined to them.
    session.probe.flush();
    const board = HopBoard.attach(session.hops.buffer.slice(0));
    const window = { messages: session.probe.messages.slice(), orders: session.probe.orders.slice() };
    const unstamped = session.probe.unstamped;
    const messages = window.messages.length;
    const orders = session.trader.counters.orders - orders0;
    const end = session.summary();
    const rs = session.gateway.rest.stats;
    const prepared = rs.prepared - rest0.prepared;
    const requests = { prepared, http: rs.requests - rest0.requests - prepared };
    await session.stop(true); // flat, so the next run starts from no position
    const stamps = await takeStamps(ex.rest);
    const pairs = [stamps.clock];
    for (let i = 0; i < 4; i++) pairs.push((await takeStamps(ex.rest)).clock);
    joinStamps(board, window, stamps, clockShiftNs(pairs));
    return {
      rate,
      recorder,
      layout,
      seconds: elapsed,
      messages,
      messagesPerSec: messages / elapsed,
      orders,
      requests,
      unstamped,
      hops: board.summaries(),
      phase: end.phase,
      haltReason: end.haltReason,
      counters: Object.fromEntries(Object.entries(end.counters).filter(([, v]) => v !== 0)),
    };
  } finally {
    if (root) rmSync(root, { recursive: true, force: true });
  }
}

export async function benchLatency(opts: LatencyBenchOptions): Promise<{ runs: LatencyRun[] }> {
  const rates = opts.rates ?? [10, 100, 1000, 5000];
  const seconds = opts.seconds ?? (opts.quick ? 2 : 10);
  const runs: LatencyRun[] = [];
  const batch = batchPolicyAvailable();
  const policies = opts.policies ?? [batch ? 'batch' : 'normal'];
  if (policies.includes('batch') && !batch) throw new Error("the exchange's batch policy needs util-linux's chrt, which did not run here");
  for (const rate of rates) {
    for (const venuePolicy of policies) {
      const ex = await startExchangeChild(rate, venuePolicy);
      try {
        for (const recorder of opts.recorder ?? [false, true]) {
          for (const layout of opts.layouts ?? (['single', 'multi'] as Layout[])) {
            opts.log(
              `  ${rate} messages/s, recorder ${recorder ? 'on' : 'off'}, ${layout} layout, exchange ${venuePolicy}: ${seconds} s …`,
            );
            const r: LatencyRun = { ...(await runOnce(ex, rate, recorder, layout, seconds, opts.keepWarm)), venuePolicy };
            runs.push(r);
            opts.onRun?.(r);
          }
        }
      } finally {
        ex.child.kill('SIGTERM');
      }
    }
  }
  return { runs };
}

/**
 * One table per run: each hop's p50 / p99 / p99.9 / max (ns to s, as `live` prints them) and its sample count; a
 * percentile the count is too small for reads n/a (src/latency/format.ts).
 */
export function latencyRunTable(r: LatencyRun): string {
  const lines = [
    `tick-to-trade at ${r.rate} messages/s (measured ${fmt(r.messagesPerSec)}/s), recorder ${r.recorder ? 'on' : 'off'}, ${r.layout} layout, exchange ${r.venuePolicy}: ${r.messages} messages decided on, ${r.orders} orders (${r.hops['tick→wire']?.count ?? 0} of them placed on a book message: the tick→wire samples; REST requests: ${r.requests.prepared} on the order connection, ${r.requests.http} through node:http)`,
    `  ${'hop'.padEnd(20)} ${'p50'.padStart(11)} ${'p99'.padStart(11)} ${'p99.9'.padStart(11)} ${'max'.padStart(11)} ${'n'.padStart(8)}`,
  ];
  for (const h of HOPS) {
    const s = r.hops[h.name];
    const n = s?.count ?? 0;
    const at = (ns: number | undefined, p: number) => percentileText(ns, p, n).padStart(11);
    if (h.name === 'tick→decision') lines.push('  cumulative');
    lines.push(
      `  ${h.name.padEnd(20)} ${at(s?.p50, 50)} ${at(s?.p99, 99)} ${at(s?.p999, 99.9)} ${latencyText(s?.max).padStart(11)} ${String(n).padStart(8)}`,
    );
  }
  if (HOPS.some((h) => (r.hops[h.name]?.count ?? 0) < samplesFor(99.9))) lines.push(`  ${SAMPLES_NOTE}`);
  // a hop across the two processes can come out below zero when the exchange's clock mapping is off; the histogram
  // counts it as 0, which would pass for a real figure unless said
  for (const h of HOPS) {
    const neg = r.hops[h.name]?.negative ?? 0;
    if (neg)
      lines.push(
        `  (${h.name}: ${neg} of ${r.hops[h.name]!.count} samples were below 0, counted as 0: the two processes' clocks disagreed)`,
      );
  }
  if (r.orders === 0)
    lines.push(
      `  no orders: the strategy ended ${r.phase}${r.haltReason ? ` (halted: ${r.haltReason})` : ''}; ${JSON.stringify(r.counters)}`,
    );
  if (r.unstamped)
    lines.push(
      `  (${r.unstamped === 1 ? '1 message lost its' : `${r.unstamped} messages lost their`} feed/engine stamps to another message's trace row)`,
    );
  return lines.join('\n');
}

const HEADLINE: HopName[] = ['tick→decision', 'tick→wire', 'gateway→wire'];

/**
 * Single against multi at each rate and recorder setting of the same run: each headline span's p50 and p99 in both,
 * and multi's figure over single's (above 1: the single-thread layout is faster). A setting that ran in one layout
 * only says so instead of a comparison.
 */
export function layoutComparison(runs: LatencyRun[]): string[] {
  const lines: string[] = [];
  const same = (a: LatencyRun, b: LatencyRun) => a.rate === b.rate && a.recorder === b.recorder && a.venuePolicy === b.venuePolicy;
  const setting = (r: LatencyRun) => `${r.rate} messages/s, recorder ${r.recorder ? 'on' : 'off'}, exchange ${r.venuePolicy}`;
  for (const [i, r] of runs.entries()) {
    if (runs.findIndex((o) => same(o, r)) !== i) continue; // one comparison per setting
    const s = runs.find((o) => o.layout === 'single' && same(o, r));
    const m = runs.find((o) => o.layout === 'multi' && same(o, r));
    if (!s || !m) {
      const missing = s ? 'multi' : 'single';
      lines.push(`single vs multi at ${setting(r)}: n/a, no ${missing} run to compare with (--threads single,multi runs both)`);
      continue;
    }
    lines.push(`single vs multi at ${setting(s)} (multi ÷ single, above 1: single is faster):`);
    for (const h of HEADLINE) {
      const a = s.hops[h];
      const b = m.hops[h];
      const side = (x: HistogramSummary | undefined, p: 50 | 99) => {
        const n = x?.count ?? 0;
        return n >= samplesFor(p) ? (p === 50 ? x!.p50 : x!.p99) : undefined;
      };
      const cell = (p: 50 | 99) => {
        const x = side(a, p);
        const y = side(b, p);
        const ratio = x && y ? `${fmt(y / x)}×` : 'n/a';
        return `p${p} ${percentileText(x, p, a?.count ?? 0)} vs ${percentileText(y, p, b?.count ?? 0)} (${ratio})`;
      };
      lines.push(`  ${h.padEnd(14)} ${cell(50)}   ${cell(99)}`);
    }
  }
  return lines;
}
