// `backtest --parity`: the recorded session it checks (its symbols, strategy, bundle and the parameters changed over
// it), the replay's decisions and fills taken down as it runs, and the comparison with what the session did live.
// Apart from the run, which only hands this its hooks and its metrics.
import { basename, dirname, join, relative } from 'node:path';
import { existsSync } from 'node:fs';
import { bundleStrategy, loadStrategy, type StrategyBundle } from '../strategy/loader';
import type { Action, Event } from '../strategy/events';
import type { DamagedFile } from '../capture/read-file';
import { marketPathParts } from '../capture/schema';
import type { RunOptions } from '../backtest/backtest';
import { flattenFills, liveIntents, type Intent, type OrderRecord } from '../backtest/orders';
import { compareIntents, liveFills, type FillSeen, type ParamChange, type ParityReport, type ParityUnits } from '../backtest/parity';
import { flatParams } from '../format/params';
import { quoteCurrency } from '../format/numbers';
import { RecordedVenue, recordedAnswers } from '../backtest/recorded-venue';
import { utc, type Metrics } from '../backtest/metrics';
import type { ReplayFile } from '../backtest/feeder';
import type { SessionFile } from '../live/trading-session';
import { dirText } from './args';
import { logger } from '../log/logger';
import type { ResolvedParams } from './params';
import { QUEUE_DEFAULT } from './backtest-args';
import { chooseSymbols, heldSymbols } from './replay-symbols';
import { latestSession, namedSession, sessionsUnder, sessionSymbols, type RecordedSession } from './recorded-sessions';

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

/**
 * The session's own answers replace the simulated venue: its latency, queue, partial fills and fee rates (a fill's fee
 * is the one live was charged) are not used, whatever the command line says; the flags given for them are named.
 */
export function warnUnusedWithAnswers(values: {
  latency?: string;
  queue?: string;
  fees?: string;
  'fee-tier'?: string;
  'no-partial'?: boolean;
  'amend-keeps-queue'?: boolean;
}): void {
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

/** What the replay decided and filled, taken down as it runs, and the venue of the session's answers once made. */
export interface ReplayDecisions {
  intents: Intent[];
  fillsSeen: FillSeen[];
  venue: RecordedVenue | null;
}

/**
 * Hooks `run` to take down the replay's decisions and fills for the comparison, and with the session's `answers`
 * makes the venue that hands them over where live had them.
 */
export function recordDecisions(run: RunOptions, symbols: readonly string[], answers: ReturnType<typeof recordedAnswers>): ReplayDecisions {
  const taken: ReplayDecisions = { intents: [], fillsSeen: [], venue: null };
  const { intents, fillsSeen } = taken;
  const orderNo = new Map<string, number>();
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
  if (answers) run.venue = (answerAt) => (taken.venue = new RecordedVenue(answers, answerAt));
  return taken;
}

/** The replay's decisions and fills against the session's, with what answered the replay and the flatten on each side. */
export function parityReport(o: {
  orders: OrderRecord[];
  symbols: string[];
  decisions: ReplayDecisions;
  metrics: Metrics;
  params: ResolvedParams;
  session: RecordedSession | null;
  span: { fromNs: bigint; others: number } | null;
  answers: ReturnType<typeof recordedAnswers>;
}): { report: ParityReport; units: ParityUnits } {
  const { orders, symbols, metrics, session, span } = o;
  // the live session's kill switch at the end is not a strategy decision the replay can take
  const live = liveIntents(orders, symbols).filter((i) => i.type !== 'cancelAll' && i.type !== 'flatten');
  const bt = o.decisions.intents.filter((i) => i.type !== 'cancelAll' && i.type !== 'flatten');
  const units: ParityUnits = {
    tickSize: metrics.instruments
      ? (s) => metrics.instruments!.find((it) => it.symbol === s)?.tickSize ?? metrics.run.tickSize
      : metrics.run.tickSize,
    currency: quoteCurrency(symbols[0]),
  };
  const liveFlatten = flattenFills(orders);
  const report: ParityReport = {
    ...compareIntents(live, bt, liveFills(orders, symbols), o.decisions.fillsSeen, {
      units,
      changed: session ? paramChanges(o.params, session) : [],
    }),
    answers: answerStats(o.answers, o.decisions.venue),
    flatten: { live: liveFlatten.fills, liveFeesQuote: liveFlatten.feesQuote, replay: metrics.activity.flattenFills },
    ...(session && span
      ? { session: { file: basename(session.path), startedNs: session.startedNs, startedUtc: utc(span.fromNs), others: span.others } }
      : {}),
  };
  return { report, units };
}
