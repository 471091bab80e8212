// `ringbook backtest <file|dir|glob>`: a recording through the core, the strategy runtime with the chosen strategy
// (--strategy, default obi-ofi) and the simulated venue; prints the report (table, --json) and writes the HTML report;
// --parity checks a recorded trading session.
import type { StrategyDefinition } from '../strategy/api';
import { declaredSymbolsProblem, instrumentCountProblem } from '../strategy/instrument-count';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { loadCore } from '../core/index';
import type { Action, Event } from '../strategy/events';
import { SignalWatch, type StrategyConfig } from '../strategy/explain';
import { bundleStrategy, coreHash, loadStrategy, type LoadedStrategy, type StrategyBundle } from '../strategy/loader';
import { loadBundle } from '../strategy/sandbox';
import { DEFAULT_STRATEGY } from '../strategy/builtins/index';
import { DamagedFile, readFileMeta, sortOutDamaged, stopOn, verifyFile, type SideFiles } from '../capture/read-file';
import type { RecordArea } from '../capture/parquet/record-groups';
import { checkWritableFile } from '../capture/files';
import { checkWindow } from '../backtest/window';
import { listParquet, unfinishedJournals } from '../capture/recover';
import { gridMetaAgrees } from '../capture/grid-meta';
import { continuityWarnings } from '../capture/inspect-continuity';
import { marketPathParts } from '../capture/schema';
import { SIDE_STREAM_DIRS, sideStreamOf, type SideStream } from '../capture/side-stream';
import { backtestPages, createBacktestCore, gridOfFiles, runSymbols, DEFAULT_FEES, type RunOptions } from '../backtest/backtest';
import { parseLatency, type LatencyModel, type RoundTrip } from '../backtest/latency';
import { latencyOf, ownOrdersLackText } from '../backtest/latency-choice';
import { parseQueue } from '../backtest/queue';
import { flattenFills, ordersBetween, ownOrderFiles, readSessionOrders, roundTrips, liveIntents, type Intent } from '../backtest/orders';
import {
  compareIntents,
  formatParity,
  parityExitCode,
  liveFills,
  type FillSeen,
  type ParamChange,
  type ParityReport,
  type ParityUnits,
} from '../backtest/parity';
import { flatParams } from '../format/params';
import { duration, quoteCurrency } from '../format/numbers';
import { RecordedVenue, recordedAnswers } from '../backtest/recorded-venue';
import { computeMetrics, traceEndNs, utc } from '../backtest/metrics';
import { formatReport } from '../backtest/report-text';
import { htmlReport } from '../backtest/report-html';
import type { ReplayFile } from '../backtest/feeder';
import { readSessionBundle, type SessionFile } from '../live/trading-session';
import { parseShift } from '../backtest/feed-shift';
import { readTicker } from '../backtest/ticker-files';
import { settlementsOf, type FundingSource } from '../backtest/funding';
import { FEE_RATES_FORM, FEE_TIERS, feeTier, readFeeRates, tierList, type FeeRates } from '../backtest/fee-tiers';
import { asUsage, dirText, parseCommand, UsageError, type CommandSpec, type Parsed } from './args';
import { readJsonFile } from './json-file';
import { STRATEGY_FLAG, loadParams, presetHelp, strategyFlags, type ResolvedParams } from './params';
import { runReport } from './run-report';
import { logger } from '../log/logger';
import { noRecordingOf, symbolList } from '../format/symbols';
import { didYouMean } from '../format/suggest';
import { hungAfterFlag } from './hung-after';
import { onStopSignals, signalExit, signalText } from './stop-signals';
import { ReplayWatchdog } from '../backtest/hang-guard';

const { default: _default, ...STRATEGY_FLAG_FREE } = STRATEGY_FLAG;

/** The queue model a backtest takes without --queue. */
const QUEUE_DEFAULT = 'risk-averse';

export const BACKTEST = {
  name: 'backtest',
  usage: '<file|dir|glob> [options]',
  summary:
    'Replays a recording through the same core and strategy as live, with a simulated venue (two timelines, latency and queue models, fees); prints the report, and why entries were blocked.',
  positionals: { name: 'one input: a recording directory, a .parquet file or a glob', min: 1, max: 1 },
  flags: {
    ...strategyFlags(),
    // no fixed default: with --parity the strategy is the session's
    strategy: { ...STRATEGY_FLAG_FREE, defaultText: `${DEFAULT_STRATEGY}, or with --parity the one the session traded` },
    symbol: {
      type: 'string',
      arg: 'S[,S…]',
      aliases: ['symbols'],
      defaultText: "every symbol the strategy's instruments declaration names, else the recording's only one",
      description:
        "the symbols to replay, merged in local-time order (one instrument each; --parity: every symbol of the newest session that traded them, in the session's order)",
    },
    from: { type: 'string', arg: 'T', description: 'replay from this local time: ISO (2026-11-28T10:00:00Z) or ns since the epoch' },
    to: { type: 'string', arg: 'T', description: 'replay up to this local time' },
    latency: {
      type: 'string',
      arg: 'M',
      defaultText: 'recorded when the recording has own orders, else feed',
      description: "constant:5ms[,5ms] | feed[:4,0ms,3,0ms] | recorded (own orders' round trips)",
      group: 'simulated venue',
    },
    queue: {
      type: 'string',
      arg: 'M',
      default: QUEUE_DEFAULT,
      description: 'risk-averse | power:N | power2:N | power3:N | log | log2',
      group: 'simulated venue',
    },
    'no-partial': {
      type: 'boolean',
      description: 'a resting order fills completely once reached (default: partial fills)',
      group: 'simulated venue',
    },
    'amend-keeps-queue': {
      type: 'boolean',
      description:
        "an amendment lowering an order's size at the same price keeps its queue place (default: as Bitget, every amendment re-queues)",
      group: 'simulated venue',
    },
    fees: {
      type: 'string',
      arg: 'M,T',
      defaultText: `${DEFAULT_FEES.maker},${DEFAULT_FEES.taker} (Bitget USDT-M VIP0), or the recorded session's with --parity`,
      description: 'maker,taker fee rates as fractions; a negative maker is a rebate',
      group: 'simulated venue',
    },
    'fee-tier': {
      type: 'string',
      arg: 'T',
      description: `Bitget's published maker,taker rates of a VIP tier instead of --fees: ${tierList('USDT-FUTURES')}`,
      group: 'simulated venue',
    },
    'feed-latency-shift': {
      type: 'string',
      arg: 'D',
      description:
        "move every record's local time by D (e.g. -3ms, +2ms): data received elsewhere (Tardis.dev) rebased to where you trade (docs/import.md); --from/--to are on the shifted clock",
      group: 'simulated venue',
    },
    funding: {
      type: 'number',
      arg: 'R',
      min: -0.1,
      max: 0.1,
      defaultText: "the recorded ticker's settlements, rates and marks when the recording has them, else none",
      description: 'a flat funding rate per 8 h settlement (00:00, 08:00, 16:00 UTC) instead, e.g. 0.0001; longs pay when positive',
      group: 'simulated venue',
    },
    sample: { type: 'duration', arg: 'D', default: '1s', description: 'equity sampling interval of the report', group: 'report' },
    json: { type: 'boolean', description: 'print the report as JSON (byte-identical for the same data and settings)', group: 'report' },
    report: { type: 'string', arg: 'FILE', description: 'also write a self-contained HTML report', group: 'report' },
    parity: {
      type: 'boolean',
      description: 'compare with the recorded live session under <dir>/_orders (its parameters, fees and recorded latency)',
      group: 'report',
    },
    session: {
      type: 'string',
      arg: 'NS',
      defaultText: 'the newest',
      description: 'with --parity: the session to check, by its start as its file under <dir>/_orders names it (session-NS.json)',
      group: 'report',
    },
    'skip-damaged': {
      type: 'boolean',
      description:
        'leave out input files that cannot be read (torn, foreign, failing a page checksum) and name them in the report; without it such a file stops the backtest, named',
    },
    'hung-after': hungAfterFlag('a watchdog thread names it and ends the process (exit 137)'),
  },
  examples: [
    ['backtest data/ --preset demo', 'replay a recording with the demo preset and print the report'],
    ['backtest data/ --strategy my-strategy.ts --set threshold=0.4', 'your own strategy file, one parameter changed'],
    ['backtest data/ --strategy lead-lag.ts --symbols BTCUSDT,ETHUSDT', 'two instruments of one recording, merged in local-time order'],
    [
      'backtest data/ --config strategy.json --set gates.maxSpreadTicks=10 --report r.html',
      'your parameters, one changed, and an HTML report',
    ],
  ],
  notes: `${presetHelp()}\n\nExit codes: 0 done, 1 failed (bad input, config), 2 bad command line, 3 the run ended HALTED (the strategy threw, a risk limit stopped it: the report says which) or --parity found a divergence, 130 stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP; no report), 137 a strategy handler that never returned (--hung-after). See docs/backtest.md.`,
} as const satisfies CommandSpec;

/** A directory at `path` (a glob or a file: false). */
function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

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
    // a recorder killed before its first roll left only journals: say how to turn them into files, as inspect does
    if (!out.length)
      throw (
        unfinishedJournals(input, { marketOnly: true }) ??
        new Error(`${input} holds no market-data Parquet files (expected <dir>/venue=…/inst_type=…/symbol=…/date=…/*.parquet)`)
      );
    return out;
  }
  return [input];
}

/**
 * The market files of one symbol among `paths`, in replay order, their footers read. A file whose footer cannot be
 * read stops everything (naming it and how to leave it out), or with `skipDamaged` is returned in `damaged`.
 */
export async function replayFilesOf(
  paths: string[],
  symbol?: string,
  o: { skipDamaged?: boolean } = {},
): Promise<{ files: ReplayFile[]; damaged: DamagedFile[] }> {
  const { files, damaged } = await readReplayFiles(paths, o);
  const chosen = symbol ? filesOfSymbol(files, symbol) : files;
  if (!symbol && recordedSymbols(files).length > 1)
    throw new Error(`the input holds several symbols (${heldSymbols(files)}): pick one with --symbol`);
  return { files: sortReplay(chosen), damaged };
}

/** Every market file among `paths`, its footer read (a damaged one stops everything, or with `skipDamaged` is set aside). */
export async function readReplayFiles(
  paths: string[],
  o: { skipDamaged?: boolean } = {},
): Promise<{ files: ReplayFile[]; damaged: DamagedFile[] }> {
  // a glob over a whole recording matches its other streams too: left out, as a directory leaves them out; given alone,
  // one of them is no market data to replay
  const market = paths.filter((p) => sideStreamOf(p) === null);
  if (!market.length && paths.length) {
    const s = sideStreamOf(paths[0])!;
    throw new Error(
      `${paths[0]}: a file of the ${SIDE_STREAM_NAMES[s]} (${SIDE_STREAM_DIRS[s]}/) stream, not market data: give the recording's directory or its market files`,
    );
  }
  // a footer whose grid contradicts itself is a damaged file: stopped on, or skipped with --skip-damaged
  const read = await sortOutDamaged(
    market,
    async (p) => {
      const r = await readFileMeta(p);
      gridMetaAgrees(r.meta, p);
      return r;
    },
    o.skipDamaged ?? false,
  );
  if (!read.ok.length) throw new Error(`every input file is damaged: ${read.damaged.map((d) => d.message).join('; ')}`);
  const files: ReplayFile[] = read.ok.map(({ path, value: { meta, rows } }) => ({
    path,
    meta,
    rows,
    firstLocalTs: BigInt(meta.first_local_ts || '0'),
  }));
  return { files, damaged: read.damaged };
}

/** The side streams as an error names them. */
const SIDE_STREAM_NAMES: Record<SideStream, string> = { orders: 'own-order log', ticker: 'ticker', raw: 'raw frames' };

/** The streams the files hold, as inst_type:symbol, in the order first seen. */
function recordedSymbols(files: readonly ReplayFile[]): string[] {
  return [...new Set(files.map((f) => `${f.meta.inst_type}:${f.meta.symbol}`))];
}

/**
 * The symbols the files hold as --symbols takes them (the page says the same, src/format/symbols.ts); qualified with
 * their instrument type only where one symbol is recorded under several.
 */
function heldSymbols(files: readonly ReplayFile[]): string {
  const streams = recordedSymbols(files);
  const plain = new Set(files.map((f) => f.meta.symbol ?? '?'));
  return symbolList(plain.size === streams.length ? plain : streams);
}

/** The files of `symbol`, or an error naming it and the symbols the input holds. */
function filesOfSymbol(files: readonly ReplayFile[], symbol: string): ReplayFile[] {
  const chosen = files.filter((f) => f.meta.symbol === symbol);
  if (!chosen.length) throw new Error(noRecordingOf([symbol], heldSymbols(files)));
  return chosen;
}

function sortReplay(files: ReplayFile[]): ReplayFile[] {
  return files.sort((a, b) => (a.firstLocalTs < b.firstLocalTs ? -1 : a.firstLocalTs > b.firstLocalTs ? 1 : a.path < b.path ? -1 : 1));
}

/** How to pick among the symbols of an input that holds several: one of them for a strategy that trades one. */
function pickSymbols(files: readonly ReplayFile[], declared: StrategyDefinition['instruments']): string {
  if (!declared?.single) return ': pick them with --symbols A,B (or one with --symbol)';
  const [first, ...others] = [...new Set(files.map((f) => f.meta.symbol ?? '?'))];
  return ` and the strategy trades one instrument: pick it with --symbol ${first} (or ${others.map((s) => `--symbol ${s}`).join(', ')})`;
}

/** A one-instrument strategy over several symbols: a command-line error, before anything starts. */
export function checkInstrumentCount(def: Pick<StrategyDefinition, 'name' | 'instruments'>, symbols: readonly string[]): void {
  const problem = instrumentCountProblem(def, symbols);
  if (problem) throw new UsageError(problem);
}

/**
 * The instruments of a run, in the run's order: those `requested` (--symbols, in the order given); else the symbols
 * the strategy's `instruments` declaration names (trade, then watch); else the recording's only symbol. Each with its
 * files in replay order. A symbol the input does not hold is named with the ones it does.
 */
export function chooseSymbols(
  files: readonly ReplayFile[],
  requested: readonly string[] | undefined,
  declared: StrategyDefinition['instruments'],
): Array<{ symbol: string; files: ReplayFile[] }> {
  const named = requested?.length ? requested : [...new Set([...(declared?.trade ?? []), ...(declared?.watch ?? [])])];
  if (!named.length) {
    const streams = recordedSymbols(files);
    if (streams.length === 1) return [{ symbol: files[0].meta.symbol!, files: sortReplay([...files]) }];
    // a strategy that trades every instrument of its run gets every symbol of the recording, in name order; one that
    // trades one, or one symbol recorded under two instrument types, is asked which
    const plain = [...new Set(files.map((f) => f.meta.symbol ?? '?'))].sort();
    if (declared?.single || plain.length !== streams.length)
      throw new UsageError(`the input holds several symbols (${heldSymbols(files)})${pickSymbols(files, declared)}`);
    return plain.map((symbol) => ({ symbol, files: sortReplay(filesOfSymbol(files, symbol)) }));
  }
  if (new Set(named).size !== named.length) throw new UsageError(`--symbols ${named.join(',')}: a symbol is named twice`);
  const missing = named.filter((s) => !files.some((f) => f.meta.symbol === s));
  // a symbol typed that the input does not hold: a command-line mistake, with the nearest one it holds
  if (missing.length && requested?.length) {
    const held = [...new Set(files.map((f) => f.meta.symbol ?? '?'))];
    throw new UsageError(`${noRecordingOf(missing, heldSymbols(files))}${missing.length === 1 ? didYouMean(missing[0], held) : ''}`);
  }
  // a declared symbol left out would stop the run at its start: said here, with the list to give
  const left = requested?.length ? declaredSymbolsProblem({ name: '', instruments: declared }, requested) : null;
  if (left) throw new UsageError(left);
  if (missing.length) throw new Error(noRecordingOf(missing, heldSymbols(files), ' (the strategy declares it in instruments)'));
  return named.map((symbol) => ({ symbol, files: sortReplay(filesOfSymbol(files, symbol)) }));
}

/**
 * `--skip-damaged`: reads every row of `files` through `area` before the replay (checksums and streams checked), so
 * a damaged page is skipped with its file instead of stopping the replay halfway; adds those to `damaged`.
 */
export async function dropDamaged(
  files: ReplayFile[],
  area: RecordArea,
  damaged: DamagedFile[],
  of?: { symbol: string; symbols: readonly string[] },
): Promise<ReplayFile[]> {
  const checked = await sortOutDamaged(
    files.map((f) => f.path),
    (p) => verifyFile(p, area),
    true,
  );
  damaged.push(...checked.damaged);
  const ok = new Set(checked.ok.map((c) => c.path));
  const kept = files.filter((f) => ok.has(f.path));
  if (!kept.length && of && of.symbols.length > 1) {
    // the other symbols' files may be whole: name the one that cannot be replayed, and what can
    const others = of.symbols.filter((s) => s !== of.symbol);
    throw new Error(
      `every file of ${of.symbol} is damaged: ${checked.damaged.map((d) => d.message).join('; ')}. ` +
        `A run over ${of.symbols.join(',')} needs some of each; replay the others with --symbols ${others.join(',')}`,
    );
  }
  if (!kept.length) throw new Error(`every input file is damaged: ${damaged.map((d) => d.message).join('; ')}`);
  return kept;
}

/** The overlaps and duplicates among one symbol's files (holes are no fault of the replay), in inspect's words. */
export function overlapWarnings(symbol: string, files: readonly ReplayFile[]): string[] {
  const spans = files.map((f) => ({
    path: f.path,
    first: f.firstLocalTs,
    last: BigInt(f.meta.last_local_ts || f.meta.first_local_ts || '0'),
    rows: f.rows,
  }));
  return continuityWarnings(symbol, spans)
    .filter((w) => w.kind !== 'hole')
    .map((w) => w.message);
}

/**
 * Runs `choose`; a symbol it finds no recording of whose files were all left out as damaged (--skip-damaged) is said
 * to be so, with them, instead of a bare "no recording of".
 */
export function withDamagedNamed<T>(damaged: readonly DamagedFile[], choose: () => T): T {
  try {
    return choose();
  } catch (err) {
    const m = err instanceof Error ? /^no recording of ([^(]+?) (?:\(|$)/.exec(err.message) : null;
    if (!m) throw err;
    const missing = m[1].split(', ');
    const lost = damaged.filter((d) => missing.includes(marketPathParts(d.path)?.symbol ?? ''));
    if (!lost.length) throw err;
    // a data problem, not a typo: no "did you mean", exit 1
    throw new Error(
      `no recording of ${missing.join(', ')} left to replay: every file of it was left out as damaged (${lost.map((d) => d.path).join(', ')})`,
    );
  }
}

/** One line per damaged file left out, for stderr and the report. */
export function skippedLines(damaged: readonly DamagedFile[]): string[] {
  return damaged.length ? [`skipped ${damaged.length} damaged file(s) (--skip-damaged):`, ...damaged.map((d) => `  ${d.message}`)] : [];
}

/**
 * The venue-model flags' values, checked before any file is read: a malformed one is a usage error (exit 2) whatever
 * the data. `--latency recorded` needs the recording's own orders and is checked with them.
 */
function checkModelFlags(values: { fees?: string; 'fee-tier'?: string; queue?: string; latency?: string }): void {
  if (values.fees !== undefined && values['fee-tier'] !== undefined)
    throw new UsageError(`--fees ${values.fees} and --fee-tier ${values['fee-tier']} both set the fee rates: give one of them`);
  if (values.fees !== undefined) parseFees(values.fees);
  const tier = values['fee-tier'];
  if (tier !== undefined && !Object.values(FEE_TIERS).some((t) => tier.toLowerCase() in t)) tierRates(tier, 'USDT-FUTURES');
  if (values.queue !== undefined) asUsage(() => parseQueue(values.queue!));
  if (values.latency !== undefined && !values.latency.startsWith('recorded')) asUsage(() => parseLatency(values.latency!, () => []));
}

/**
 * The run's latency model by the shared rule (src/backtest/latency-choice.ts): --latency, else `recorded` when the
 * recording's trading session left round trips of own orders under <root>/_orders, else `feed`. `recorded` without any
 * for the run's symbols is a usage error (exit 2) saying what the recording lacks and what to give instead.
 */
export function latencyFor(spec: string | undefined, root: string, symbols: readonly string[], trips: readonly RoundTrip[]): LatencyModel {
  // what is lacking is worked out only on the way to the error: listing the stream twice costs nothing a run pays
  const lacks = () =>
    ownOrdersLackText(
      { root: dirText(root), orders: `${dirText(root)}_orders` },
      symbols,
      !ownOrderFiles(root).length ? 'stream' : !ownOrderFiles(root, symbols).length ? 'symbols' : 'answers',
    );
  return asUsage(() => latencyOf(spec, trips, lacks));
}

/** Below this an integer is no ns stamp of market data (1970-01-12): a time in seconds or ms, most likely. */
const EARLIEST_NS = 10n ** 15n;

export function parseTime(flag: string, text: string): bigint {
  if (/^\d+$/.test(text)) {
    const n = BigInt(text);
    if (n < EARLIEST_NS) {
      const as = (unit: bigint) => `${new Date(Number((n * unit) / 1_000_000n)).toISOString()} (${flag} ${n * unit})`;
      throw new UsageError(
        `${flag} ${text}: a number is ns since the epoch, and this one is in January 1970; as seconds it is ${as(1_000_000_000n)}, as ms ${as(1_000_000n)}. Give ns or ISO 8601 (2026-11-28T10:00:00Z)`,
      );
    }
    return n;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${text}" is not a time: use ISO 8601 (2026-11-28T10:00:00Z) or ns since the epoch`);
  return BigInt(ms) * 1_000_000n;
}

/**
 * Funding for the run: a flat --funding rate overrides; else the settlements of the recorded ticker stream
 * (<root>/_ticker/), when there is one; else none.
 */
export async function fundingSource(
  flat: number | undefined,
  root: string,
  symbol: string,
  instType?: string,
  side?: SideFiles,
): Promise<FundingSource> {
  if (flat !== undefined) return { kind: 'flat', rate: flat };
  const rows = await readTicker(root, symbol, instType, side);
  return rows.length ? { kind: 'recorded', settlements: settlementsOf(rows), tickerRows: rows.length } : { kind: 'none' };
}

/** The symbols among `chosen` recorded as SPOT instruments (inst_type=SPOT): spot has no funding. */
export function spotSymbols(chosen: ReadonlyArray<{ symbol: string; files: readonly ReplayFile[] }>): string[] {
  return chosen.filter((c) => c.files[0]?.meta.inst_type === 'SPOT').map((c) => c.symbol);
}

/**
 * --funding charges a flat rate at every settlement, and spot has none: on a run with a SPOT instrument it is a
 * mistake on the command line (exit 2), not a rate to invent for it.
 */
export function checkFundingFlag(rate: number | undefined, chosen: ReadonlyArray<{ symbol: string; files: readonly ReplayFile[] }>): void {
  const spot = spotSymbols(chosen);
  if (rate === undefined || !spot.length) return;
  const futures = chosen.map((c) => c.symbol).filter((s) => !spot.includes(s));
  throw new UsageError(
    `--funding ${rate}: ${spot.join(', ')} ${spot.length === 1 ? 'is a SPOT instrument' : 'are SPOT instruments'}, and spot has no funding to charge; ` +
      `drop --funding${futures.length ? ` (or replay the futures alone with --symbols ${futures.join(',')})` : ''}`,
  );
}

/** --fee-tier: the tier's rates, or a usage error listing the tiers known for the recording's product type. */
export function tierRates(name: string, instType: string): FeeRates {
  try {
    return feeTier(name, instType);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function parseFees(text: string): { maker: number; taker: number } {
  const rates = readFeeRates(text);
  if (!rates) throw new UsageError(`--fees "${text}" ${FEE_RATES_FORM}`);
  return rates;
}

/** The recording root a set of files belongs to (the directory above venue=…). */
export function recordingRoot(path: string): string {
  const i = path.indexOf('/venue=');
  return i >= 0 ? path.slice(0, i) : dirname(path);
}

/** A recorded session and the path of its file. */
export type RecordedSession = SessionFile & { path: string };

/** Every symbol a session traded or watched, by instrument index (an older file: its one symbol). */
export const sessionSymbols = (s: SessionFile): string[] => (s.symbols?.length ? s.symbols : [s.symbol]);

/**
 * The newest session under <root>/_orders: one of `symbol` (one it traded among others, too), or the first whose
 * symbols `fits` accepts.
 */
export function latestSession(root: string, symbol: string | ((symbols: string[]) => boolean)): RecordedSession | null {
  const fits = typeof symbol === 'string' ? (list: string[]) => list.includes(symbol) : symbol;
  const dir = join(root, '_orders');
  if (!existsSync(dir)) return null;
  const names = readdirSync(dir)
    // regular files only: reading a FIFO named like a session would wait for a writer for ever
    .filter((n) => /^session-\d+\.json$/.test(n) && statSync(join(dir, n)).isFile())
    .sort();
  for (const n of names.reverse()) {
    const s = readJsonFile(join(dir, n), 'recorded session').value as SessionFile;
    if (fits(sessionSymbols(s))) return { ...s, path: join(dir, n) };
  }
  return null;
}

/** Every session under <root>/_orders, oldest first: its file and start (ns since the epoch). */
export function sessionsUnder(root: string): Array<{ path: string; startedNs: bigint }> {
  const dir = join(root, '_orders');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^session-\d+\.json$/.test(n) && statSync(join(dir, n)).isFile())
    .map((n) => ({ path: join(dir, n), startedNs: BigInt(/^session-(\d+)\.json$/.exec(n)![1]) }))
    .sort((a, b) => (a.startedNs < b.startedNs ? -1 : a.startedNs > b.startedNs ? 1 : 0));
}

/**
 * The span of `session` among the sessions of its directory: from its start to the next one's (null: the newest), and
 * how many others the directory holds.
 */
export function sessionSpan(root: string, session: RecordedSession): { fromNs: bigint; toNs: bigint | null; others: number } {
  const all = sessionsUnder(root);
  const fromNs = BigInt(session.startedNs);
  const next = all.find((s) => s.startedNs > fromNs);
  return { fromNs, toNs: next?.startedNs ?? null, others: all.length - 1 };
}

/** --parity: the strategy the session traded (its built-in, or its file as the session named it), unless --strategy says. */
export function parityStrategySpec(session: SessionFile, flag: string | undefined): string | undefined {
  if (flag !== undefined || !session.strategy) return flag;
  const { source } = session.strategy;
  if (source.startsWith('builtin:')) return source.slice('builtin:'.length);
  if (!existsSync(source))
    throw new Error(
      `--parity: the session traded ${session.strategy.name} from ${source}, which is not there from here: give that file with --strategy FILE`,
    );
  return source;
}

/**
 * What --parity says about the stored bundle it replays: where it is, and whether the strategy's file (or the built-in)
 * still bundles to the same text, has changed since, or is not there from here.
 */
export async function storedBundleNote(session: RecordedSession, stored: StrategyBundle): Promise<string> {
  const ran = session.strategy!;
  const where = relative(process.cwd(), join(dirname(session.path), ran.bundleFile!)) || ran.bundleFile!;
  const head = `--parity: replaying the bundle ${ran.name} traded, stored with the session (${where}, sha256 ${stored.hash.slice(0, 12)}…)`;
  const builtin = ran.source.startsWith('builtin:') ? ran.source.slice('builtin:'.length) : null;
  let now: string | null;
  try {
    if (builtin) now = (await loadStrategy(builtin)).bundle?.hash ?? null;
    else if (!existsSync(ran.source)) return `${head}; ${ran.source} is not there from here`;
    else now = (await bundleStrategy(ran.source)).hash;
  } catch (err) {
    return `${head}; ${ran.source} no longer loads (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
  if (now === null || now === stored.hash) return head;
  return `${head}; ${builtin ? `the built-in ${builtin}` : ran.source} has changed since (it bundles to sha256 ${now.slice(0, 12)}… now)`;
}

/**
 * --parity compares decisions, so it replays the bundle the session ran or nothing: a different one (another strategy,
 * or the same file edited since) is refused by name and hash. Sessions recorded before bundles were hashed pass.
 */
export function checkParityBundle(session: SessionFile, name: string, bundle: { hash: string; source: string } | null): void {
  const ran = session.strategy;
  if (!ran?.bundleHash) return;
  if (bundle?.hash === ran.bundleHash) return;
  const given = bundle ? `${name} (${bundle.source}, bundle sha256 ${bundle.hash.slice(0, 12)}…)` : `${name} (bundle hash unknown)`;
  throw new Error(
    `--parity: the session traded ${ran.name} (${ran.source}, bundle sha256 ${ran.bundleHash.slice(0, 12)}…), not ${given}: ` +
      'replay the same bundle (--strategy with the file the session ran, unedited) or drop --parity',
  );
}

/**
 * --parity: the session to replay and its symbols with their files, in the session's order (its instrument indices).
 * With --symbols, the newest session that traded every one of them; without, the newest whose symbols the recording
 * holds, else the newest. A symbol of the session the recording lacks is a data problem, named with what was found.
 */
export function paritySession(
  files: readonly ReplayFile[],
  requested: readonly string[] | undefined,
  root: string,
  startedNs?: string,
  damaged: readonly DamagedFile[] = [],
): { chosen: Array<{ symbol: string; files: ReplayFile[] }>; session: RecordedSession } {
  const held = new Set(files.map((f) => f.meta.symbol));
  const session =
    startedNs !== undefined
      ? namedSession(root, startedNs)
      : requested?.length
        ? latestSession(root, (list) => requested.every((s) => list.includes(s)))
        : (latestSession(root, (list) => list.every((s) => held.has(s))) ?? latestSession(root, () => true));
  if (!session) {
    if (requested?.length) chooseSymbols(files, requested, undefined); // a symbol typed that the input does not hold
    const named = requested?.length ? requested : [...held];
    throw new Error(
      `--parity: no recorded session of ${named.join(', ')} under ${dirText(root)}_orders (record one with \`ringbook demo --out DIR\` or \`ringbook live --record DIR\`)`,
    );
  }
  const list = sessionSymbols(session);
  const missing = list.filter((s) => !held.has(s));
  // the session is there, its market data is not: a data problem, not a typo (no "did you mean", exit 1)
  if (missing.length) throw new Error(missingSessionData(session, list, missing, files, root, damaged));
  if (requested?.length) chooseSymbols(files, requested, undefined); // the command line's own checks (a symbol named twice)
  if (requested?.length && list.length > requested.length)
    process.stderr.write(`--parity: the session traded ${list.join(', ')}: replaying every symbol of it\n`);
  return { chosen: chooseSymbols(files, list, undefined), session };
}

/** "--parity: the session started … traded BTCUSDT, ETHUSDT, but DIR holds no market data of ETHUSDT (found BTCUSDT) …". */
function missingSessionData(
  session: RecordedSession,
  list: readonly string[],
  missing: readonly string[],
  files: readonly ReplayFile[],
  root: string,
  damaged: readonly DamagedFile[],
): string {
  const lost = damaged.filter((d) => missing.includes(marketPathParts(d.path)?.symbol ?? ''));
  return (
    `--parity: the session started ${utc(BigInt(session.startedNs))} (${basename(session.path)}) traded ${list.join(', ')}, ` +
    `but ${dirText(root)} holds no market data of ${missing.join(', ')} (found ${heldSymbols(files)})` +
    (lost.length ? `: every file of it was left out as damaged (${lost.map((d) => d.path).join(', ')})` : '') +
    `; parity replays every symbol the session traded, so ${missing.length === 1 ? 'its' : 'their'} market data must be under ${dirText(root)} too`
  );
}

/** --session NS: that session's file, or a usage error listing the sessions there are. */
function namedSession(root: string, startedNs: string): RecordedSession {
  const ns = startedNs.replace(/^session-/, '').replace(/\.json$/, '');
  const all = sessionsUnder(root);
  const hit = all.find((s) => String(s.startedNs) === ns);
  if (!hit)
    throw new UsageError(
      `--session ${startedNs}: no such session under ${dirText(root)}_orders; there: ${all.length ? all.map((s) => `${s.startedNs} (${utc(s.startedNs)})`).join(', ') : 'none'}`,
    );
  return { ...(readJsonFile(hit.path, 'recorded session').value as SessionFile), path: hit.path };
}

/** "checking the session started …; the directory holds 1 other session (…): --session NS picks one". */
export function sessionNote(session: RecordedSession, span: { fromNs: bigint; others: number }, root: string): string {
  const others = sessionsUnder(root).filter((s) => s.startedNs !== span.fromNs);
  return (
    `--parity: checking the session started ${utc(span.fromNs)} (${basename(session.path)}), its own orders only; ` +
    `${dirText(root)} holds ${others.length === 1 ? '1 other session' : `${others.length} other sessions`} ` +
    `(started ${others.map((s) => `${utc(s.startedNs)}: --session ${s.startedNs}`).join(', ')})`
  );
}

/** --parity: the parameters the replay runs with that are not the session's (a --set, --config or --preset over it). */
export function paramChanges(params: ResolvedParams, session: SessionFile): ParamChange[] {
  const now = flatParams(params.fields, params.config);
  const then = flatParams(params.fields, session.config);
  return Object.keys(now)
    .filter((k) => JSON.stringify(now[k]) !== JSON.stringify(then[k]))
    .map((k) => {
      const unit = params.fields.find((f) => f.path === k)?.unit;
      return { parameter: k, session: then[k], replay: now[k], source: params.sources[k] ?? 'default', ...(unit ? { unit } : {}) };
    });
}

/** What answered the --parity replay: the session's own answers (how many were handed over, withheld, left) or the simulation. */
function answerStats(answers: ReturnType<typeof recordedAnswers>, venue: RecordedVenue | null): ParityReport['answers'] {
  if (!answers || !venue) return { venue: 'simulated' };
  return { venue: 'recorded', recorded: answers.answers.length, ...venue.stats, pending: venue.pending, orphans: answers.orphans };
}

export async function runBacktestCli(argv: string[]): Promise<number> {
  const args = parseCommand(BACKTEST, argv);
  if (!args) return 0;
  // Ctrl-C, SIGTERM or SIGHUP ends it at once: nothing is written before the report, and a report of part of the
  // replay would pass for the whole one
  const replay = { startedMs: null as number | null };
  const stop = onStopSignals({
    stop: (sig) => {
      const when =
        replay.startedMs === null ? 'before the replay began' : `after ${duration((Date.now() - replay.startedMs) * 1e6)} of replay`;
      process.stderr.write(
        `backtest: stopped by ${signalText(sig)} ${when}; no report, its figures need the whole replay (exit ${signalExit(sig)})\n`,
      );
      process.exit(signalExit(sig));
    },
    now: () => {},
  });
  try {
    return await backtest(args, replay);
  } finally {
    stop.release();
  }
}

async function backtest(args: Parsed<typeof BACKTEST>, replay: { startedMs: number | null }): Promise<number> {
  const { values } = args;
  const input = args.positionals[0];
  const requested = values.symbol
    ?.toUpperCase()
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const skipDamaged = values['skip-damaged'] === true;
  if (values.session !== undefined && !values.parity)
    throw new UsageError(`--session ${values.session} picks the session --parity checks: add --parity`);
  checkModelFlags(values);
  if (values.parity && values.from !== undefined)
    throw new UsageError(
      `--from ${values.from} with --parity: parity compares a whole session from its start (a directory of several: pick one with --session)`,
    );
  if (values.parity && values.preset !== undefined)
    logger('backtest').warn(
      `--preset ${values.preset} has no effect with --parity: the replay runs with the session's recorded parameters (--set changes one of them)`,
    );
  if (values.report) checkWritableFile('--report', values.report);
  const fromNs = values.from ? parseTime('--from', values.from) : undefined;
  const toNs = values.to ? parseTime('--to', values.to) : undefined;
  const feedShiftNs = values['feed-latency-shift'] !== undefined ? parseShift(values['feed-latency-shift']) : undefined;
  const input0 = await readReplayFiles(expandInput(input), { skipDamaged });
  const damaged = input0.damaged;
  // the order log and the ticker stream: a damaged file stops the run, or with --skip-damaged is left out like a market file
  const side: SideFiles = { skip: skipDamaged, damaged };
  // --parity replays a session, every symbol of it in its order, found before its strategy; otherwise the strategy's
  // declaration may pick the symbols
  // as typed (relative stays relative): the messages naming it print the path the user gave
  const root = recordingRoot(input0.files[0].path);
  const { chosen: parityChosen, session } = values.parity
    ? paritySession(input0.files, requested, root, values.session, damaged)
    : { chosen: null, session: null };
  let chosen = parityChosen;
  // --parity: the exact bundle the session stored beside it, else the session's strategy if its bundle is the same, or
  // a refusal, before its parameters are read as another strategy's
  let strategy: LoadedStrategy | string | undefined = values.strategy;
  if (session) {
    const stored = values.strategy === undefined ? readSessionBundle(session.path, session) : null;
    if (stored) {
      strategy = loadBundle(stored);
      process.stderr.write(`${await storedBundleNote(session, stored)}\n`);
    } else {
      strategy = await loadStrategy(parityStrategySpec(session, values.strategy) ?? DEFAULT_STRATEGY);
      checkParityBundle(session, strategy.definition.name, strategy.bundle);
    }
  }
  const params = await loadParams({
    command: 'backtest',
    strategy,
    preset: values.preset,
    configFile: values.config,
    base: session ? { config: session.config, source: 'recorded session' } : undefined,
    sets: values.set,
  });
  if (!chosen) {
    chosen = withDamagedNamed(damaged, () => chooseSymbols(input0.files, requested, params.strategy.definition.instruments));
    const decl = params.strategy.definition.instruments;
    if (!requested?.length && !decl?.trade?.length && !decl?.watch?.length && chosen.length > 1)
      process.stderr.write(`replaying every symbol of the recording: ${chosen.map((c) => c.symbol).join(', ')} (--symbols to choose)\n`);
  }
  const symbols = chosen.map((c) => c.symbol);
  checkInstrumentCount(params.strategy.definition, symbols);
  checkFundingFlag(values.funding, chosen);
  const symbol = symbols[0];
  checkWindow(
    fromNs,
    toNs,
    chosen.flatMap((c) => c.files),
    feedShiftNs,
  );
  const grids = chosen.map((c) => gridOfFiles(c.files));
  // --parity compares the chosen session's own records: a directory written into more than once holds other sessions'
  const span = session ? sessionSpan(root, session) : null;
  const allOrders = await readSessionOrders(root, symbols, side);
  const orders = span && span.others > 0 ? ordersBetween(allOrders, span.fromNs, span.toNs) : allOrders;
  if (span && span.others > 0) process.stderr.write(`${sessionNote(session!, span, root)}\n`);
  // without --parity a directory written into by several sessions replays them as one recording: said, not silent
  const sessions = session || !isDirectory(input) ? [] : sessionsUnder(root);
  if (sessions.length > 1)
    logger('backtest').warn(
      `${dirText(root)} holds ${sessions.length} trading sessions (demo/live): their market data is replayed here as one recording, the time between them included; --from/--to replay one of them, --parity --session NS checks one`,
      { event: 'sessions', sessions: sessions.map((x) => String(x.startedNs)) },
    );
  const trips = roundTrips(orders);
  // --parity hands the runtime the session's own answers where live handed them over; a log written before answers
  // carried the strategy clock and fills their fee can only be answered by the simulated venue
  const answers = session ? recordedAnswers(orders) : null;
  if (session && !answers)
    logger('backtest').warn(
      `--parity: ${session.path} is from an order log written before answers carried the strategy clock and fills their fee: ` +
        'the simulated venue answers this replay, so a fill can come out differently and parity diverge from there; record the session again for an exact replay',
    );
  // the session's own answers replace the simulated venue: its latency, queue, partial fills and fee rates (a fill's fee
  // is the one live was charged) are not used, whatever the command line says
  if (answers) {
    const unused = [
      values.latency !== undefined ? `--latency ${values.latency}` : null,
      values.queue !== QUEUE_DEFAULT ? `--queue ${values.queue}` : null,
      values.fees !== undefined ? `--fees ${values.fees}` : null,
      values['fee-tier'] !== undefined ? `--fee-tier ${values['fee-tier']}` : null,
      values['no-partial'] ? '--no-partial' : null,
      values['amend-keeps-queue'] ? '--amend-keeps-queue' : null,
    ].filter((x) => x !== null);
    if (unused.length)
      logger('backtest').warn(
        `${unused.join(', ')} ${unused.length > 1 ? 'have' : 'has'} no effect with --parity: the session's own answers (fills, with the fees live was charged) are replayed where live had them, not the simulated venue's`,
      );
  }
  let venue: RecordedVenue | null = null;
  const latency: LatencyModel = answers
    ? { name: 'recorded answers', entry: () => 0, response: () => 0 }
    : latencyFor(values.latency, root, symbols, trips);
  // the models the session's answers stand in for are left at their defaults: the settings say what the replay used,
  // whatever flags it ignored (with the warning above)
  const flagQueue = asUsage(() => parseQueue(values.queue));
  const queue = answers ? parseQueue(QUEUE_DEFAULT) : flagQueue;
  // --parity: each instrument at the session's own rates. --fees or --fee-tier only count when the simulated venue
  // answers (an order log without answers): with the session's answers its fills carry the fees live was charged, and
  // the strategy and the report's settings must see the rates those are at, not the flag's
  const ownFees = !!session && (answers !== null || (values.fees === undefined && values['fee-tier'] === undefined));
  const sessionFees = (s: string) => {
    const i = ownFees && session ? session.instruments?.find((x) => x.symbol === s) : undefined;
    return i ? { maker: i.makerFeeRate, taker: i.takerFeeRate } : undefined;
  };
  const fees =
    ownFees && session
      ? { maker: session.instrument.makerFeeRate, taker: session.instrument.takerFeeRate }
      : values.fees
        ? parseFees(values.fees)
        : values['fee-tier'] !== undefined
          ? tierRates(values['fee-tier'], chosen[0].files[0].meta.inst_type ?? 'USDT-FUTURES')
          : DEFAULT_FEES;
  const sampleNs = values.sample * 1e6;
  // the replay ends where the session stopped: the messages the live runtime was handed (up to its clock at the stop)
  // and the ticks until then; what the recorder kept after it, live never traded on
  const stopNs = answers?.stopNs ?? null;
  const parityTo = stopNs !== null && (toNs === undefined || stopNs + 1n < toNs) ? stopNs + 1n : toNs;

  const intents: Intent[] = [];
  const fillsSeen: FillSeen[] = [];
  const orderNo = new Map<string, number>();
  // what obi-ofi's signal did, for "why no trades" (another strategy's counters speak for themselves)
  const watch = params.name === 'obi-ofi' ? new SignalWatch(params.config as unknown as StrategyConfig) : null;
  const run: RunOptions = {
    strategy: {
      definition: params.strategy.definition,
      params: params.params,
      settings: params.settings,
      bundleHash: params.strategy.bundle?.hash ?? null,
      coreHash: coreHash(),
      describeError: params.strategy.describeError,
    },
    symbol,
    fees,
    ...(ownFees ? { feesFrom: 'the recorded session' } : { feeTier: values['fee-tier']?.toLowerCase() }),
    signals: session?.signals ?? {},
    latency,
    queue,
    partialFills: answers !== null || !values['no-partial'],
    amendKeepsQueue: answers === null && values['amend-keeps-queue'] === true,
    sampleNs,
    funding: await fundingSource(values.funding, root, symbol, chosen[0].files[0].meta.inst_type, side),
    // several sessions in the directory: the replay starts where the chosen one did (the market data before it is another's)
    fromNs: fromNs ?? (span && span.others > 0 ? span.fromNs : undefined),
    toNs: parityTo,
    endNs: stopNs !== null && parityTo === stopNs + 1n ? stopNs : undefined,
    feedShiftNs,
    onRuntime: (rt) => {
      if (watch) rt.observer = (m) => watch.observe(m);
    },
  };
  // several instruments: each charged the funding recorded for it (a flat --funding applies to each)
  const fundings =
    symbols.length > 1 && values.funding === undefined
      ? await Promise.all(chosen.map((c) => fundingSource(undefined, root, c.symbol, c.files[0].meta.inst_type, side)))
      : null;
  if (values.parity) {
    // a session of several symbols: each decision and fill names its instrument
    const several = symbols.length > 1;
    const named = (inst: number) => (several ? { symbol: symbols[inst] } : {});
    run.onAction = (t: bigint, a: Action, decidedTs: bigint, inst: number) => {
      const at = { localTs: t, decidedTs, ...named(inst) };
      if (a.type === 'place') {
        orderNo.set(a.clientOid, orderNo.size + 1);
        intents.push({
          ...at,
          type: 'place',
          side: a.side,
          priceTick: a.priceTick,
          qtyLot: a.qtyLot,
          force: a.force,
          orderType: a.orderType,
          reduceOnly: a.reduceOnly,
        });
      } else if (a.type === 'cancel') intents.push({ ...at, type: 'cancel', order: orderNo.get(a.clientOid) });
      else if (a.type === 'amend')
        intents.push({ ...at, type: 'amend', order: orderNo.get(a.clientOid), priceTick: a.priceTick, qtyLot: a.qtyLot });
      else if (a.type === 'cancelAll' || a.type === 'flatten') intents.push({ ...at, type: a.type });
    };
    run.onEvent = (t: bigint, e: Event, inst: number) => {
      if (e.type === 'fill') fillsSeen.push({ localTs: t, side: e.side, priceTick: e.priceTick, qtyLot: e.qtyLot, ...named(inst) });
    };
    if (answers) run.venue = (answerAt) => (venue = new RecordedVenue(answers, answerAt));
  }
  const { core } = await loadCore({ pages: backtestPages(symbols.length) });
  const bc = createBacktestCore(core, grids);
  if (skipDamaged) for (const c of chosen) c.files = await dropDamaged(c.files, bc.area(), damaged, { symbol: c.symbol, symbols });
  for (const line of skippedLines(damaged)) logger('backtest').warn(line);
  run.skippedFiles = damaged.map((d) => d.path);
  // a file that overlaps another (a copy, a recording written twice) replays the overlap's events twice: said before
  // the run and in the report, as inspect says it
  run.overlaps = chosen.flatMap((c) => overlapWarnings(c.symbol, c.files));
  for (const line of run.overlaps) logger('backtest').warn(`WARNING ${line}`);
  // the replay runs strategy code on this thread: a handler that never returns is caught from another
  const watchdog = ReplayWatchdog.start(params.strategy.definition.name, values['hung-after']);
  run.hang = watchdog.cells;
  replay.startedMs = Date.now();
  let trace;
  try {
    trace = await runSymbols(
      bc,
      chosen.map((c, i) => ({
        symbol: c.symbol,
        files: c.files,
        grid: grids[i],
        ...(sessionFees(c.symbol) ? { fees: sessionFees(c.symbol) } : {}),
        ...(fundings ? { funding: fundings[i] } : {}),
      })),
      run,
    );
  } catch (err) {
    throw err instanceof DamagedFile ? stopOn(err) : err;
  } finally {
    await watchdog.stop();
  }
  const metrics = computeMetrics(trace);
  const report = runReport({
    symbol,
    symbols,
    metrics,
    params,
    signals: watch?.stats ?? null,
    strategy: trace.strategy,
    endNs: traceEndNs(trace),
    // spot instruments: the report says funding does not apply to them (--json is the same either way)
    spot: spotSymbols(chosen),
  });
  const title = `${symbols.join(', ')} ${basename(input)}`;
  if (values.report) {
    writeFileSync(resolve(values.report), htmlReport(metrics, trace, title, report.ctx));
    logger('backtest').info(`report written to ${values.report}`, { report: values.report });
  }
  const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x), 2);
  if (values.parity) {
    // the live session's kill switch at the end is not a strategy decision the replay can take
    const live = liveIntents(orders, symbols).filter((i) => i.type !== 'cancelAll' && i.type !== 'flatten');
    const bt = intents.filter((i) => i.type !== 'cancelAll' && i.type !== 'flatten');
    const units: ParityUnits = {
      tickSize: metrics.instruments
        ? (s) => metrics.instruments!.find((it) => it.symbol === s)?.tickSize ?? metrics.run.tickSize
        : metrics.run.tickSize,
      currency: quoteCurrency(symbol),
    };
    const liveFlatten = flattenFills(orders);
    const p: ParityReport = {
      ...compareIntents(live, bt, liveFills(orders, symbols), fillsSeen, { units, changed: session ? paramChanges(params, session) : [] }),
      answers: answerStats(answers, venue),
      flatten: { live: liveFlatten.fills, liveFeesQuote: liveFlatten.feesQuote, replay: metrics.activity.flattenFills },
      ...(session && span
        ? { session: { file: basename(session.path), startedNs: session.startedNs, startedUtc: utc(span.fromNs), others: span.others } }
        : {}),
    };
    if (values.json) console.log(json({ metrics: report.json, parity: p }));
    else console.log(`${formatReport(metrics, report.ctx)}\n${formatParity(p, units)}`);
    return parityExitCode(p);
  }
  console.log(values.json ? json(report.json) : formatReport(metrics, report.ctx));
  // as a demo or live session that ends HALTED: a script or CI job sees that the strategy threw or a limit stopped it
  return trace.strategy?.haltReason != null ? 3 : 0;
}
