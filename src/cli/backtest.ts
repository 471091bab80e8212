// `ringbook backtest <file|dir|glob>`: a recording through the core, the strategy runtime with the chosen strategy
// (--strategy, default obi-ofi) and the simulated venue; prints the report (table, --json) and writes the HTML report;
// --parity checks a recorded trading session. This file is the run, in order: the command line (./backtest-args.ts),
// the files and symbols (./replay-files.ts, ./replay-symbols.ts), the strategy and the venue's models
// (./venue-models.ts), the replay, then the report (./backtest-report.ts) and parity (./backtest-parity.ts).
import { loadCore } from '../core/index';
import { SignalWatch, booklessSymbols, type StrategyConfig } from '../strategy/explain';
import { coreHash, loadStrategy, type LoadedStrategy } from '../strategy/loader';
import { loadBundle } from '../strategy/sandbox';
import { DEFAULT_STRATEGY } from '../strategy/builtins/index';
import { DamagedFile, stopOn, type SideFiles } from '../capture/read-file';
import { checkWritableFile } from '../capture/files';
import { checkWindow } from '../backtest/window';
import { basename } from 'node:path';
import { backtestPages, createBacktestCore, gridOfFiles, runSymbols, DEFAULT_FEES, type RunOptions } from '../backtest/backtest';
import type { LatencyModel } from '../backtest/latency';
import { parseQueue } from '../backtest/queue';
import { ordersBetween, readSessionOrders, roundTrips } from '../backtest/orders';
import { parityExitCode } from '../backtest/parity';
import { duration } from '../format/numbers';
import { recordedAnswers } from '../backtest/recorded-venue';
import { computeMetrics, traceEndNs } from '../backtest/metrics';
import { readSessionBundle } from '../live/trading-session';
import { parseShift } from '../backtest/feed-shift';
import { asUsage, dirText, parseCommand, UsageError, type Parsed } from './args';
import { loadParams } from './params';
import { runReport } from './run-report';
import { logger } from '../log/logger';
import { onStopSignals, signalExit, signalText } from './stop-signals';
import { ReplayWatchdog } from '../backtest/hang-guard';
import { BACKTEST, QUEUE_DEFAULT, parseTime } from './backtest-args';
import { expandInput, isDirectory, overlapWarnings, readReplayFiles, recordingRoot } from './replay-files';
import { chooseSymbols } from './replay-symbols';
import { checkInstrumentCount } from './instrument-count';
import { dropDamaged, skippedLines, withDamagedNamed } from './damaged-files';
import {
  checkFundingFlag,
  checkModelFlags,
  fundingReplaced,
  fundingSource,
  latencyFor,
  parseFees,
  spotSymbols,
  tierRates,
} from './venue-models';
import { sessionSpan, sessionsUnder } from './recorded-sessions';
import {
  checkParityBundle,
  paritySession,
  parityReport,
  parityStrategySpec,
  recordDecisions,
  sessionNote,
  storedBundleNote,
  warnUnusedWithAnswers,
} from './backtest-parity';
import { printParity, printReport, writeHtmlReport } from './backtest-report';
import { booklessInstruments } from './replay-contents';

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
  if (answers) warnUnusedWithAnswers(values);
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

  // what obi-ofi's signal did, for "why no trades" (another strategy's counters speak for themselves)
  const watch = params.name === 'obi-ofi' ? new SignalWatch(params.config as unknown as StrategyConfig) : null;
  // a flat rate over recorded funding: the recorded settlements are not charged, and the trader must know it
  const replaced = await fundingReplaced(values.funding, root, chosen, side);
  if (replaced) logger('backtest').warn(`--funding ${values.funding} replaces ${replaced}: its recorded settlements are not charged`);
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
    ...(replaced ? { fundingReplaces: replaced } : {}),
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
  // --parity: the replay's decisions and fills, taken down for the comparison
  const decisions = values.parity ? recordDecisions(run, symbols, answers) : null;
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
  // an instrument whose book was never valid, or a strategy that saw no book message: what the files held, so a
  // recording of trades alone is said to be one
  const noBook = booklessSymbols(symbols, watch?.stats.signals, trace.settings.booksNeverValid);
  const bookless = await booklessInstruments(noBook, chosen, {
    fromNs: run.fromNs,
    toNs: run.toNs,
    shiftNs: feedShiftNs,
  });
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
    bookless,
  });
  const title = `${symbols.join(', ')} ${basename(input)}`;
  if (values.report) writeHtmlReport(values.report, metrics, trace, title, report.ctx);
  if (decisions) {
    const parity = parityReport({ orders, symbols, decisions, metrics, params, session, span, answers });
    printParity(metrics, report, parity.report, parity.units, values.json === true);
    return parityExitCode(parity.report);
  }
  printReport(metrics, report, values.json === true);
  // as a demo or live session that ends HALTED: a script or CI job sees that the strategy threw or a limit stopped it
  return trace.strategy?.haltReason != null ? 3 : 0;
}
