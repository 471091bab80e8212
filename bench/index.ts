// `ringbook bench [names…] [--json] [--quick] [--rounds N]`: runs the benchmarks, prints medians of interleaved
// rounds and the ratios against peers measured in the same run. Benchmarks are not tests: they assert nothing
// about speed, only that the data moved intact.
import { benchRing, ringReport } from './ring.bench';
import { benchBook } from './book.bench';
import { benchFeed, latencyTable } from './feed.bench';
import { benchCapture } from './capture.bench';
import { benchBacktest } from './backtest.bench';
import { benchOptimize } from './optimize.bench';
import { benchImport } from './import.bench';
import { batchPolicyAvailable, benchLatency, latencyRunTable, layoutComparison, type LatencyRun, type VenuePolicy } from './latency.bench';
import type { Layout } from '../src/feed/placement';
import { ratioLines } from './stats';
import { parseCommand, UsageError, type CommandSpec } from '../src/cli/args';
import { didYouMean } from '../src/format/suggest';
import { errorText } from '../src/format/errors';
import { plural } from '../src/format/numbers';

/** Every benchmark, in the order they run: the one list help, the command summary and README show. */
export const BENCHMARKS = [
  {
    name: 'ring',
    summary: '64-byte records producer worker → consumer worker, batch 1 and 64, vs ringbuf.js, a plain JS ring, MessagePort',
  },
  { name: 'book', summary: 'a Bitget-like stream through book + all signals, core vs the TypeScript reference' },
  { name: 'feed', summary: 'Bitget frame decoding vs JSON.parse + walk, and tick-to-signal latency per hop on loopback' },
  { name: 'capture', summary: 'capture ring → finished Parquet: records/s and bytes per record' },
  {
    name: 'backtest',
    summary:
      'Parquet → core → strategy runtime → simulated venue on a generated 10 M-event recording: core only, a no-op user strategy (one and two instruments merged), an empty onBook, obi-ofi, signal-taker and mm-glft in the same run, and the decoder rows; events/s, peak RSS',
  },
  { name: 'optimize', summary: 'optimizer trials/s with 1 and 2 worker threads over one shared recording, and memory per worker' },
  {
    name: 'import',
    summary:
      'Tardis.dev inputs → Parquet (tardis-machine lines, plain and gzip; a CSV pair): rows/s, MB/s, peak RSS at two sizes, against JSON.parse / plain CSV splitting of the same bytes',
  },
  {
    name: 'latency',
    summary:
      'tick-to-trade per hop on loopback: the local exchange (a child process) at 10–5,000 books updates/s, with and without the recorder, in the single- and the multi-thread layout, from its send to our order at its door',
  },
] as const;

const NAMES: readonly string[] = BENCHMARKS.map((b) => b.name);

export const BENCH = {
  name: 'bench',
  usage: `[${NAMES.join('|')} …] [options]`,
  summary: 'Benchmarks: medians of interleaved rounds, and ratios against peers measured in the same run. With no name, all of them.',
  details: BENCHMARKS.map((b) => `  ${b.name.padEnd(9)} ${b.summary}`).join('\n'),
  positionals: { name: 'benchmark names', min: 0, max: NAMES.length },
  flags: {
    json: { type: 'boolean', description: "one JSON object with each row's median, samples and the ratios" },
    quick: { type: 'boolean', description: 'small counts (a smoke run, numbers not meaningful)' },
    rounds: { type: 'int', arg: 'N', min: 1, default: 5, description: 'interleaved rounds' },
    rates: {
      type: 'list',
      arg: 'LIST',
      noun: 'rate',
      defaultText: '10,100,1000,5000',
      description: 'latency: books updates per second to run at',
    },
    duration: { type: 'duration', arg: 'D', defaultText: '10s (--quick 2s)', description: 'latency: how long each run measures' },
    threads: {
      type: 'list',
      arg: 'LIST',
      noun: 'layout',
      defaultText: 'single,multi',
      description: 'latency: the thread layouts to run (single, multi)',
    },
    'venue-policy': {
      type: 'list',
      arg: 'LIST',
      noun: 'policy',
      defaultText: 'batch (normal where chrt is missing)',
      description: "latency: the local exchange's scheduling policies to run under (batch, normal)",
    },
  },
  examples: [
    ['bench', 'every benchmark, 5 rounds each (several minutes)'],
    ['bench ring book --quick --rounds 1 --json', 'a quick smoke run of two benchmarks, as JSON'],
  ],
} as const satisfies CommandSpec;

export async function runBench(args: string[]): Promise<number> {
  const parsed = parseCommand(BENCH, args);
  if (!parsed) return 0;
  const { json, quick, rounds } = parsed.values;
  const rates = (parsed.values.rates ?? ['10', '100', '1000', '5000']).map((r) => {
    const n = Number(r);
    if (!(Number.isInteger(n) && n >= 1 && n <= 20_000)) throw new UsageError(`--rates needs whole numbers from 1 to 20000, got "${r}"`);
    return n;
  });
  const layouts = (parsed.values.threads ?? ['single', 'multi']).map((t) => {
    if (t !== 'single' && t !== 'multi') throw new UsageError(`--threads takes single and/or multi, got "${t}"`);
    return t as Layout;
  });
  const policies = parsed.values['venue-policy']?.map((t) => {
    if (t !== 'batch' && t !== 'normal') throw new UsageError(`--venue-policy takes batch and/or normal, got "${t}"`);
    return t as VenuePolicy;
  });
  const which: string[] = [];
  for (const a of parsed.positionals) {
    if (!NAMES.includes(a)) throw new UsageError(`unknown benchmark "${a}"${didYouMean(a, NAMES, 1)}: expected one of ${NAMES.join(', ')}`);
    which.push(a);
  }
  const all = which.length === 0;
  // Flags of one benchmark given to a run without it would be silently ignored: refused instead, naming why.
  if (!all && !which.includes('latency')) {
    const given = (['rates', 'duration', 'threads', 'venue-policy'] as const).filter((f) => parsed.values[f] !== undefined);
    if (given.length)
      throw new UsageError(
        `--${given[0]} applies to bench latency only, which this run (${which.join(', ')}) does not include: add latency or drop --${given[0]}`,
      );
  }
  // before any benchmark runs, not minutes into the run when bench latency starts the exchange
  if ((all || which.includes('latency')) && policies?.includes('batch') && !batchPolicyAvailable())
    throw new UsageError(
      "--venue-policy batch needs util-linux's chrt (`chrt --batch 0 true` did not run here): install util-linux, or pass --venue-policy normal",
    );
  if (!all && which.every((w) => w === 'latency') && args.some((a) => a === '--rounds' || a.startsWith('--rounds='))) {
    throw new UsageError('--rounds does not apply to bench latency: it runs each rate, recorder setting and layout once for --duration');
  }
  const out: Record<string, unknown> = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, rounds };
  const log = (s: string) => {
    if (!json) console.log(s);
  };
  let failed = false;
  const want = (name: string) => all || which.includes(name);
  // A benchmark that fails (a child process, a peer, the local exchange) is reported and the others still run:
  // minutes of results are not thrown away for one of them, and the exit code is 1.
  const section = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (e) {
      if (e instanceof UsageError) throw e;
      failed = true;
      const message = errorText(e);
      out[name] = { ...(out[name] as object | undefined), error: message };
      console.error(`bench ${name} failed: ${message}`);
    }
  };

  if (want('ring'))
    await section('ring', async () => {
      log(`ring: ${plural(rounds, 'interleaved round')}, the JS-driven and the plain JS ring in side-by-side pairs …`);
      const r = await benchRing({ rounds, quick });
      out.ring = {
        rows: r.results.json(),
        ratios: r.ratios,
        pair_ratios: r.pairs,
        load_average: r.load,
        record_errors: r.errors,
        missing_peers: r.missing,
      };
      log(r.results.table('ring (million 64-byte records per second)'));
      log(ringReport(r));
      log(`  record errors: ${r.errors}`);
      if (r.errors) failed = true;
    });
  if (want('book'))
    await section('book', async () => {
      log(`book: median of ${plural(rounds, 'interleaved round')} …`);
      const b = await benchBook({ rounds, quick });
      out.book = { rows: b.results.json(), ratios: b.ratios, messages_per_round: b.messages, level_updates_per_round: b.levels };
      log(b.results.table(`book (${b.messages} messages, ${b.levels} level updates per round)`));
      for (const line of ratioLines(b.ratios)) log(line);
    });
  if (want('feed'))
    await section('feed', async () => {
      log(`feed: median of ${plural(rounds, 'round')} …`);
      const f = await benchFeed({ rounds, quick });
      out.feed = { rows: f.results.json(), ratios: f.ratios, frames: f.frames, bytes: f.bytes, latency_ns: f.latency };
      log(f.results.table(`feed decode (${f.frames} frames, ${(f.bytes / 1e6).toFixed(1)} MB per round)`));
      for (const line of ratioLines(f.ratios)) log(line);
      log(latencyTable(f.latency));
    });
  if (want('capture'))
    await section('capture', async () => {
      log(`capture: median of ${plural(rounds, 'round')} …`);
      const c = await benchCapture({ rounds, quick });
      out.capture = { rows: c.results.json(), records_per_round: c.events };
      log(c.results.table(`capture (${c.events} records per round)`));
      log('  no ratios: no peer writes the same Parquet here; compare these figures across runs on one host');
    });
  if (want('backtest'))
    await section('backtest', async () => {
      log(`backtest: median of ${plural(rounds, 'round')}, each run in a process of its own …`);
      const b = await benchBacktest({ rounds, quick, log });
      out.backtest = { rows: b.results.json(), ratios: b.ratios, pair_ratios: b.pairs, events: b.events, files: b.files, fills: b.fills };
      log(
        b.results.table(
          `backtest (${b.events} events in ${plural(b.files, 'file')}; fills: ${Object.entries(b.fills)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`,
        ),
      );
      for (const line of ratioLines(b.ratios, b.pairs)) log(line);
    });
  if (want('optimize'))
    await section('optimize', async () => {
      log(`optimize: median of ${plural(rounds, 'round')}, each run in a process of its own …`);
      const o = await benchOptimize({ rounds, quick, log });
      out.optimize = {
        rows: o.results.json(),
        ratios: o.ratios,
        events: o.events,
        trials: o.trials,
        data_mb: o.dataMB,
        added_rss_per_worker_mb: o.perWorkerMB,
        strategy: o.strategy,
      };
      log(o.results.table(`optimize (${o.trials} trials over ${o.events} events; shared data ${o.dataMB.toFixed(0)} MB)`));
      const st = o.strategy;
      log(
        `  every trial ran ${st.name} as ringbook optimize does: bundle sha256 ${st.bundleSha256.slice(0, 12)}…, core ${st.coreSha256.slice(0, 12)}…`,
      );
      log(`  added RSS per worker: ${o.perWorkerMB.one.toFixed(0)} MB with 1, ${o.perWorkerMB.two.toFixed(0)} MB each with 2`);
      for (const line of ratioLines(o.ratios)) log(line);
    });
  if (want('import'))
    await section('import', async () => {
      log(`import: median of ${plural(rounds, 'round')}, each run in a process of its own …`);
      const i = await benchImport({ rounds, quick, log });
      out.import = { rows: i.results.json(), ratios: i.ratios, ndjson_rows: i.rows, ndjson_bytes: i.bytes, csv_rows: i.csvRows };
      log(i.results.table(`import (${i.rows} records from ${(i.bytes / 1e6).toFixed(0)} MB of NDJSON; ${i.csvRows} CSV rows)`));
      for (const line of ratioLines(i.ratios)) log(line);
    });
  if (want('latency'))
    await section('latency', async () => {
      const seconds = parsed.values.duration !== undefined ? parsed.values.duration / 1000 : undefined;
      log(`latency: each rate with and without the recorder, in ${layouts.join(' and ')} layout …`);
      // each run's table as it finishes, and in the JSON as it finishes: a later run that fails loses only itself
      const runs: LatencyRun[] = [];
      out.latency = { runs, units: { hops: 'ns' } };
      await benchLatency({ quick, rates, seconds, layouts, policies, log, onRun: (r) => (runs.push(r), log(latencyRunTable(r))) });
      for (const line of layoutComparison(runs)) log(line);
    });
  if (json) console.log(JSON.stringify(out, null, 2));
  if (failed) console.error('bench: some benchmarks failed (above); the figures printed are from the ones that finished');
  return failed ? 1 : 0;
}
