// `ringbook backtest <file|dir|glob>`: a recording through the core, the live strategy machine and the simulated
// venue; prints the report (table, --json) and writes the HTML report; --parity checks a recorded trading session.
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { loadCore } from '../core/index';
import { resolveConfig, type Action, type Event } from '../fsm/index';
import { fileMeta } from '../capture/reader';
import { listParquet } from '../capture/recover';
import { createBacktestCore, gridOf, runFiles, DEFAULT_FEES, type RunOptions } from '../backtest/backtest';
import { parseLatency, type LatencyModel } from '../backtest/latency';
import { parseQueue } from '../backtest/queue';
import { readOwnOrders, roundTrips, liveIntents, type Intent } from '../backtest/orders';
import { compareIntents, formatParity, liveFills, type FillSeen } from '../backtest/parity';
import { computeMetrics } from '../backtest/metrics';
import { formatReport } from '../backtest/report-text';
import { htmlReport } from '../backtest/report-html';
import type { ReplayFile } from '../backtest/feeder';
import type { SessionFile } from '../live/session';
import { parseDuration } from './duration';
import { parseShift } from '../backtest/feed-shift';

const HELP = `ringbook backtest <file|dir|glob> [options]

  --config FILE        strategy + risk parameters (JSON, docs/strategy.md); default: the defaults
  --set key=value      override one parameter (repeatable)
  --symbol S           the symbol to replay when the directory holds several
  --from T, --to T     replay window on the local clock: ISO time (2026-11-28T10:00:00Z) or ns since the epoch
  --latency M          constant:5ms[,5ms] | feed[:4,0ms,3,0ms] | recorded (own orders' round trips);
                       default: recorded when the recording has own orders, else feed
  --feed-latency-shift D  move every record's local time by D (e.g. -3ms, +2ms): data received elsewhere (Tardis.dev)
                       rebased to where you trade (docs/import.md); --from/--to are on the shifted clock
  --queue M            risk-averse (default) | power:N | power2:N | power3:N | log | log2
  --no-partial         a resting order fills completely once reached (default: partial fills)
  --fees M,T           maker,taker fee rates (default 0.0002,0.0006: Bitget USDT-M VIP0)
  --funding R          funding rate per 8 h settlement (optional)
  --sample D           equity sampling interval for the report (default 1s)
  --json               print the metrics as JSON (byte-identical for the same data and settings)
  --report FILE        write a self-contained HTML report
  --parity             compare with the recorded live session under <dir>/_orders (its settings, recorded latency)`;

/** Files named by a path: a file, a directory (market data under it) or a glob with * and **. */
export function expandInput(input: string): string[] {
  if (/[*?]/.test(input)) {
    const parts = input.split('/');
    const fixed: string[] = [];
    for (const p of parts) {
      if (/[*?]/.test(p)) break;
      fixed.push(p);
    }
    const base = fixed.join('/') || '.';
    const re = new RegExp(
      `^${input
        .split('**/')
        .map((s) =>
          s
            .split('*')
            .map((x) => x.replace(/[.+^${}()|[\]\\?]/g, '\\$&'))
            .join('[^/]*'),
        )
        .join('(?:.*/)?')}$`,
    );
    if (!existsSync(base)) throw new Error(`${input}: ${base} does not exist`);
    const out = listParquet(base).filter((f) => re.test(f));
    if (!out.length) throw new Error(`${input} matches no market-data Parquet file`);
    return out;
  }
  if (!existsSync(input)) throw new Error(`${input} does not exist: give a recording directory, a .parquet file or a glob`);
  if (statSync(input).isDirectory()) {
    const out = listParquet(input);
    if (!out.length)
      throw new Error(`${input} holds no market-data Parquet files (expected <dir>/venue=…/inst_type=…/symbol=…/date=…/*.parquet)`);
    return out;
  }
  return [input];
}

export async function replayFilesOf(paths: string[], symbol?: string): Promise<ReplayFile[]> {
  const files: ReplayFile[] = [];
  for (const path of paths) {
    const { meta, rows } = await fileMeta(await asyncBufferFromFile(path));
    files.push({ path, meta, rows, firstLocalTs: BigInt(meta.first_local_ts || '0') });
  }
  const symbols = [...new Set(files.map((f) => `${f.meta.inst_type}:${f.meta.symbol}`))];
  let chosen = files;
  if (symbol) {
    chosen = files.filter((f) => f.meta.symbol === symbol);
    if (!chosen.length) throw new Error(`no recording of ${symbol} (found ${symbols.join(', ')})`);
  } else if (symbols.length > 1) {
    throw new Error(`the input holds several symbols (${symbols.join(', ')}): pick one with --symbol`);
  }
  return chosen.sort((a, b) => (a.firstLocalTs < b.firstLocalTs ? -1 : a.firstLocalTs > b.firstLocalTs ? 1 : a.path < b.path ? -1 : 1));
}

export function parseTime(flag: string, text: string): bigint {
  if (/^\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${flag} "${text}" is not a time: use ISO 8601 (2026-11-28T10:00:00Z) or ns since the epoch`);
  return BigInt(ms) * 1_000_000n;
}

export function parseFees(text: string): { maker: number; taker: number } {
  const [m, t] = text.split(',').map(Number);
  if (!(Number.isFinite(m) && Number.isFinite(t)) || t < 0 || Math.abs(m) > 0.01 || t > 0.01) {
    throw new Error(`--fees "${text}" must be maker,taker as fractions (e.g. 0.0002,0.0006); a negative maker is a rebate`);
  }
  return { maker: m, taker: t };
}

/** The recording root a set of files belongs to (the directory above venue=…). */
export function recordingRoot(path: string): string {
  const i = path.indexOf('/venue=');
  return i >= 0 ? path.slice(0, i) : dirname(path);
}

export function latestSession(root: string, symbol: string): SessionFile | null {
  const dir = join(root, '_orders');
  if (!existsSync(dir)) return null;
  const names = readdirSync(dir)
    .filter((n) => /^session-\d+\.json$/.test(n))
    .sort();
  for (const n of names.reverse()) {
    const s = JSON.parse(readFileSync(join(dir, n), 'utf8')) as SessionFile;
    if (s.symbol === symbol) return s;
  }
  return null;
}

/** `--feed-latency-shift -3ms`: a negative value is the flag's value, not another option. */
function joinNegative(argv: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag && i + 1 < argv.length && /^[-−]\d/.test(argv[i + 1])) out.push(`${flag}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

export async function runBacktestCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: joinNegative(argv, '--feed-latency-shift'),
    options: {
      config: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      symbol: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      latency: { type: 'string' },
      'feed-latency-shift': { type: 'string' },
      queue: { type: 'string', default: 'risk-averse' },
      'no-partial': { type: 'boolean', default: false },
      fees: { type: 'string' },
      funding: { type: 'string' },
      sample: { type: 'string', default: '1s' },
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
      parity: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new Error(
      'backtest needs one input: a recording directory, a .parquet file or a glob (e.g. ringbook backtest data/ --config strategy.json)',
    );
  const files = await replayFilesOf(expandInput(positionals[0]), values.symbol?.toUpperCase());
  const symbol = files[0].meta.symbol!;
  const grid = gridOf(files[0].meta, files[0].path);
  const root = recordingRoot(resolve(files[0].path));
  const session = values.parity ? latestSession(root, symbol) : null;
  if (values.parity && !session)
    throw new Error(
      `--parity: no recorded session of ${symbol} under ${root}/_orders (record one with \`ringbook demo --out DIR\` or \`ringbook live --record DIR\`)`,
    );
  const base = values.config ? JSON.parse(readFileSync(resolve(values.config), 'utf8')) : session ? session.config : {};
  const config = resolveConfig(base, values.set!);
  const orders = await readOwnOrders(root, symbol);
  const trips = roundTrips(orders);
  const latency: LatencyModel = parseLatency(values.latency ?? (trips.length ? 'recorded' : 'feed'), () => trips);
  const queue = parseQueue(values.queue!);
  const fees = values.fees
    ? parseFees(values.fees)
    : session
      ? { maker: session.instrument.makerFeeRate, taker: session.instrument.takerFeeRate }
      : DEFAULT_FEES;
  const funding = values.funding !== undefined ? Number(values.funding) : undefined;
  if (funding !== undefined && !(Math.abs(funding) < 0.1))
    throw new Error(`--funding "${values.funding}" must be a rate per 8 h such as 0.0001`);
  const sampleNs = parseDuration('--sample', values.sample!) * 1e6;

  const intents: Intent[] = [];
  const fillsSeen: FillSeen[] = [];
  const orderNo = new Map<string, number>();
  const run: RunOptions = {
    config,
    fees,
    signals: session?.signals ?? {},
    latency,
    queue,
    partialFills: !values['no-partial'],
    sampleNs,
    fundingRate: funding,
    fromNs: values.from ? parseTime('--from', values.from) : undefined,
    toNs: values.to ? parseTime('--to', values.to) : undefined,
    feedShiftNs: values['feed-latency-shift'] !== undefined ? parseShift(values['feed-latency-shift']) : undefined,
  };
  if (values.parity) {
    run.onAction = (t: bigint, a: Action, decidedTs: bigint) => {
      if (a.type === 'place') {
        orderNo.set(a.clientOid, orderNo.size + 1);
        intents.push({
          localTs: t,
          decidedTs,
          type: 'place',
          side: a.side,
          priceTick: a.priceTick,
          qtyLot: a.qtyLot,
          force: a.force,
          orderType: a.orderType,
          reduceOnly: a.reduceOnly,
        });
      } else if (a.type === 'cancel') intents.push({ localTs: t, decidedTs, type: 'cancel', order: orderNo.get(a.clientOid) });
      else if (a.type === 'cancelAll' || a.type === 'flatten') intents.push({ localTs: t, decidedTs, type: a.type });
    };
    run.onEvent = (t: bigint, e: Event) => {
      if (e.type === 'fill') fillsSeen.push({ localTs: t, side: e.side, priceTick: e.priceTick, qtyLot: e.qtyLot });
    };
  }
  const { core } = await loadCore();
  const bc = createBacktestCore(core, grid);
  const trace = await runFiles(bc, files, grid, run);
  const metrics = computeMetrics(trace);
  const title = `${symbol} ${basename(positionals[0])}`;
  if (values.report) {
    writeFileSync(resolve(values.report), htmlReport(metrics, trace, title));
    process.stderr.write(`report written to ${values.report}\n`);
  }
  let parityFailed = false;
  if (values.parity) {
    // the live session's kill switch at the end is not a strategy decision the replay can take
    const live = liveIntents(orders).filter((i) => i.type !== 'cancelAll' && i.type !== 'flatten');
    const bt = intents.filter((i) => i.type !== 'cancelAll' && i.type !== 'flatten');
    const p = compareIntents(live, bt, liveFills(orders), fillsSeen);
    parityFailed = p.divergence !== null;
    if (values.json) console.log(JSON.stringify({ metrics, parity: p }, (_k, v) => (typeof v === 'bigint' ? String(v) : v), 2));
    else console.log(`${formatReport(metrics)}\n\n${formatParity(p)}`);
    return parityFailed ? 3 : 0;
  }
  console.log(values.json ? JSON.stringify(metrics, null, 2) : formatReport(metrics));
  return 0;
}
