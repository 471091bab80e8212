// A live or demo session from its start to its summary: the strategy's parameters and the threads said, the trading
// session started (with its recording and monitoring), the status line and a word on why no entry is taken while it
// waits, then the stop (cancel all, flatten as asked) and the summary. \`live\` and \`demo\` differ only in what they
// hand it: the venue, the keys, the recording and the commands to run next.
import { resolve } from 'node:path';
import { SignalWatch, type StrategyConfig } from '../strategy/explain';
import { coreHash } from '../strategy/loader';
import type { Credentials } from '../gateway/index';
import { formatPlain } from '../core/format';
import type { InstType } from '../feed/instruments';
import { TradingSession, type SessionSummary } from '../live/trading-session';
import { findingLine } from '../format/findings';
import { duration, quoteCurrency } from '../format/numbers';
import { compactParams, paramRows, paramsOrigin } from '../format/params';
import type { ResolvedParams } from './params';
import { findingsOf } from './run-report';
import { jsonLogs, type Logger } from '../log/logger';
import type { Monitoring } from './monitoring';
import { pipelineMetrics, RecordingWatch } from '../monitor/pipeline-metrics';
import { tradingMetrics } from '../monitor/trading-metrics';
import { tradingHealth } from '../monitor/health';
import { choosePlacement, usableCores, type ThreadsOption } from '../feed/placement';
import { WHY_EVERY_MS, since, statusDue, statusLine, tradingSnapshot } from './session-status';
import { stopRequest } from './session-stop';
import { leftLine, sessionEndSummary } from './session-summary';

export async function runSession(o: {
  wsUrl: string;
  restUrl: string;
  symbols: string[];
  params: ResolvedParams;
  credentials: Credentials;
  mode: 'local' | 'demo';
  recordDir?: string;
  durationMs?: number;
  flatten: boolean;
  next: string[];
  source: 'live' | 'demo' | 'simulator';
  log: Logger;
  monitoring: Monitoring | null;
  staleAfterMs: number;
  threads: ThreadsOption;
  /** The hang watchdog's limit, ms, and whether the venue runs in this process (see src/live/hang-watchdog.ts). */
  hungAfterMs: number;
  venueInProcess: boolean;
  /** Run the idle warm steps and the sooner tier-up (src/feed/keep-warm.ts); off with --no-keep-warm. */
  keepWarm: boolean;
  /** The next funding settlement and how many the session passed, where known (demo: its own exchange's grid). */
  fundingSchedule?: () => { nextMs: number; passed: number };
  /** The status line's interval, ms (--status-every, or its default for where the line goes). */
  statusEveryMs: number;
}): Promise<number> {
  const log = o.log;
  const gatewayLog = log.child('gateway');
  const tty = process.stderr.isTTY && !jsonLogs();
  // on a terminal the status line is redrawn in place: a message first ends it
  const err = (l: string, level: 'info' | 'warn' | 'error' = 'info') => {
    if (tty) log.human('\n');
    // the runtime marks its lines "[warn] …" for a person; a JSON line has its level in a field of its own
    log[level](jsonLogs() ? l.replace(/^\[(?:info|warn|error)\] /, '') : l);
  };
  const params = o.params;
  const obiOfi = params.name === 'obi-ofi';
  const config = params.config as unknown as StrategyConfig;
  const ccy = quoteCurrency(o.symbols[0]);
  const watch = o.recordDir && o.monitoring ? new RecordingWatch(resolve(o.recordDir)) : null;
  let haltedAt: Date | null = null;
  const rows = paramRows(params.fields, params.config, params.sources, ccy);
  log.info(
    `strategy ${params.name}${params.strategy.bundle ? ` (${params.strategy.bundle.source.startsWith('builtin:') ? 'built-in' : params.strategy.bundle.source}, sha256 ${params.strategy.bundle.hash.slice(0, 12)}…)` : ''}\n` +
      `parameters (${paramsOrigin(rows)}):\n${compactParams(rows).join('\n')}`,
    {
      event: 'parameters',
      strategy: params.name,
      preset: params.preset ?? null,
      parameters: Object.fromEntries(rows.map((r) => [r.path, r.value])),
    },
  );
  const placement = choosePlacement(o.threads, usableCores().cores, !!o.recordDir, params.strategy.definition.depth ?? 0);
  const warmText = o.keepWarm
    ? '; our own code kept warm while idle, the strategy on a scratch copy (--no-keep-warm not to)'
    : '; not kept warm (--no-keep-warm)';
  log.info(`threads: ${placement.layout} (${placement.reason})${warmText}`, {
    event: 'threads',
    layout: placement.layout,
    reason: placement.reason,
    keepWarm: o.keepWarm,
  });
  // A signal from here on stops the session in order (cancel all, flatten as asked, journals, summary), even one that
  // comes while it starts: SIGHUP (the terminal or the ssh connection gone) as SIGTERM and Ctrl-C.
  const stop = stopRequest((line) => log.error(line), {
    venueInProcess: o.venueInProcess,
    flatten: o.flatten,
    recordDir: o.recordDir,
  });
  const session = await TradingSession.start({
    layout: placement.layout,
    wsUrl: o.wsUrl,
    restUrl: o.restUrl,
    instType: 'USDT-FUTURES' as InstType,
    symbol: o.symbols[0],
    symbols: o.symbols,
    strategy: { strategy: params.strategy, params: params.params, settings: params.settings, config: params.config, coreHash: coreHash() },
    credentials: o.credentials,
    mode: o.mode,
    hang: { limitMs: o.hungAfterMs, flatten: o.flatten, venueInProcess: o.venueInProcess },
    keepWarm: o.keepWarm,
    log: (l) => {
      if (haltedAt === null && l.startsWith('[error] HALTED:')) haltedAt = new Date();
      const gw = /^gateway (info|warn|error): /.exec(l);
      if (gw && jsonLogs()) gatewayLog[gw[1] as 'info' | 'warn' | 'error'](l.slice(gw[0].length));
      else
        err(l, l.startsWith('[error]') || gw?.[1] === 'error' ? 'error' : l.startsWith('[warn]') || gw?.[1] === 'warn' ? 'warn' : 'info');
    },
    record: o.recordDir
      ? {
          root: resolve(o.recordDir),
          source: o.source,
          onAlarm: (m) => {
            watch?.alarm();
            err(`ALARM ${m}`, 'error');
          },
          onFile: (f) => watch?.file(f),
          onClock: (c) => watch?.clock(c),
        }
      : undefined,
  });
  let final: SessionSummary | null = null;
  if (o.monitoring) {
    const { metrics, health } = o.monitoring;
    const pm = pipelineMetrics(metrics, health, session.pipeline, { staleAfterMs: o.staleAfterMs, recording: watch ?? undefined });
    const tm = tradingMetrics(metrics, () => tradingSnapshot(final ?? session.summary()), ccy);
    // a halted session is not ready (a container shows unhealthy) until it is stopped; liveness (/livez) stays up
    health.add(
      'trading',
      tradingHealth(() => session.phaseNow()),
    );
    session.trader.onDecided = (ns) => tm.observeDecisionNs(ns);
    session.trader.onSignal = (feedLatencyNs) => pm.observeFeedLatencyNs(feedLatencyNs);
    o.monitoring.setPhase('running');
  }
  // what obi-ofi's signal did, for "why no trades" (another strategy's counters speak for themselves)
  const total = obiOfi ? new SignalWatch(config) : null;
  let window = obiOfi ? new SignalWatch(config) : null;
  if (total)
    session.runtime.observer = (m) => {
      total.observe(m);
      window?.observe(m);
    };
  const lotOf = (n: number, inst: number) =>
    `${formatPlain(n, session.grids[inst].sizeStep, session.grids[inst].sizeScale)} ${o.symbols[inst].replace(/USDT$/, '')}`;
  const lotsNow = (s: SessionSummary) => (inst: number) => lotOf(s.symbols[inst].positionLot, inst);
  let mark = { at: Date.now(), counters: {} as Record<string, number>, orders: 0, said: '' };
  let lastStatus = { at: 0, phase: '' };
  const status = setInterval(() => {
    const s = session.summary();
    if (statusDue(Date.now(), lastStatus, s.phase, o.statusEveryMs, tty)) {
      lastStatus = { at: Date.now(), phase: s.phase };
      // redrawn in place for a person at a terminal; a log line anywhere else
      if (tty) log.human(`\r\x1b[K${statusLine(s, lotsNow(s), ccy)}`);
      else
        log.info(statusLine(s, lotsNow(s), ccy), {
          event: 'status',
          ...tradingSnapshot(s),
          resyncs: s.resyncs,
          bookMessages: s.bookMessages,
        });
    }
    // waiting without entering: say why, from what was blocked (or what the signal did) since the last word
    if (Date.now() - mark.at < WHY_EVERY_MS) return;
    if (s.orders === mark.orders && s.openOrders === 0 && s.positionLot === 0 && s.phase !== 'HALTED' && s.phase !== 'RECONCILE') {
      const why = findingsOf(params, since(s.counters, mark.counters), 0, 0, window?.stats ?? null)[0];
      const text = why ? findingLine(why) : '';
      if (text && text !== mark.said) err(`no entry in the last ${duration((Date.now() - mark.at) * 1e6)}: ${text}`);
      mark.said = text;
    } else mark.said = '';
    mark = { at: Date.now(), counters: s.counters, orders: s.orders, said: mark.said };
    window = obiOfi ? new SignalWatch(config) : null;
  }, 1000);
  const startedAt = Date.now();
  // what ended the session: its --duration, or a signal (Ctrl-C, SIGTERM, SIGHUP) from whoever runs it
  const endedBy = await stop.after(o.durationMs);
  // A session given a --duration (demo always is) and stopped by a signal before it ran out did not do what was asked:
  // it says so and exits 130 (Ctrl-C), 143 (SIGTERM) or 129 (SIGHUP), as every command stopped before its work was
  // done. Without a --duration the session runs until stopped, so a signal is its normal end.
  const interrupted = endedBy !== 'duration' && o.durationMs !== undefined;
  const ranMs = Date.now() - startedAt;
  clearInterval(status);
  const haltedBefore = session.runtime.haltReason;
  o.monitoring?.setPhase('stopping');
  err(`stopping: cancelling all orders${o.flatten ? ' and flattening' : ''}…`);
  const s = await session.stop(o.flatten);
  final = s;
  const { text, fields, exitCode } = sessionEndSummary({
    s,
    params,
    signals: total?.stats ?? null,
    haltedBefore,
    haltedAt,
    mismatchSymbol: session.trader.mismatchSymbol,
    endedBy,
    interrupted,
    ranMs,
    durationMs: o.durationMs,
    fundingSchedule: o.fundingSchedule,
    lotText: lotsNow(s),
    ccy,
    rows,
    recordDir: o.recordDir,
    next: o.next,
  });
  // what the stop could not close: a failure the operator's supervisor must see (exit 3), and a job for their hands
  for (const l of s.left ?? []) err(leftLine(l), 'error');
  log.info(text, fields);
  stop.release();
  return exitCode;
}
