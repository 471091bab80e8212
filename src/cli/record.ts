// `ringbook record`: the live pipeline with the recorder on — Parquet per docs/design.md §6 under --out.
import { checkWritableDir } from '../capture/files';
import { warnExisting } from './existing-recording';
import { withDirLock } from './dir-lock';
import { describeRecovery } from '../capture/recover';
import { lossSummary, lostAll } from '../capture/recorder';
import { MarketPipeline } from '../feed/pipeline';
import { UnlistedSymbolError, type InstType } from '../feed/instruments';
import { UsageError } from './usage-error';
import { resolveEndpoints } from './endpoints';
import { parseCommand, type CommandSpec } from './args';
import { ENDPOINT_FLAGS } from './watch';
import { selfCommand } from './self';
import { millis, plural, duration as humanDuration } from '../format/numbers';
import { Kind } from '../core/index';
import { logger } from '../log/logger';
import { MONITOR_FLAGS, startMonitoring } from './monitoring';
import { STATUS_EVERY, statusEveryMs } from './status-every';
import { signalExit, signalText, untilStopped } from './stop-signals';
import { pipelineMetrics, RecordingWatch, signalFeedLatencyNs } from '../monitor/pipeline-metrics';

export const RECORD = {
  name: 'record',
  usage: '[--symbols BTCUSDT[,ETHUSDT]] [--out data/] [options]',
  summary:
    'Records everything the feed publishes to Parquet (hive layout venue=/inst_type=/symbol=/date=), crash-safe, with the measured clock offset.',
  flags: {
    symbols: { type: 'list', arg: 'S[,S]', aliases: ['symbol'], noun: 'symbol', default: 'BTCUSDT', description: 'symbols to record' },
    'inst-type': {
      type: 'string',
      arg: 'T',
      default: 'USDT-FUTURES',
      choices: ['SPOT', 'USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES'],
      description: 'instrument type',
    },
    out: { type: 'string', arg: 'DIR', default: 'data', description: 'recording root' },
    roll: { type: 'duration', arg: 'D', default: '60s', description: 'finish a file after D (or --max-rows rows)' },
    'max-rows': { type: 'int', arg: 'N', default: 1_000_000, min: 1000, description: 'finish a file after N rows' },
    flush: { type: 'duration', arg: 'D', default: '1s', description: 'journal flush interval: the most a killed recorder can lose' },
    'clock-every': { type: 'duration', arg: 'D', default: '60s', description: 'clock-offset measurement interval against the exchange' },
    duration: { type: 'duration', arg: 'D', defaultText: 'until Ctrl-C', description: 'stop after D' },
    source: {
      type: 'string',
      arg: 'S',
      choices: ['live', 'demo', 'simulator'],
      defaultText: 'simulator on the local exchange (also given as --rest-url on 127.0.0.1 or localhost), else live',
      description: 'what the data is, written into each file',
    },
    raw: { type: 'boolean', description: 'also keep every frame as received, with its local receive time, under DIR/_raw/' },
    'status-every': STATUS_EVERY,
    ...ENDPOINT_FLAGS,
    ...MONITOR_FLAGS,
  },
  examples: [
    ['record --symbols BTCUSDT,ETHUSDT --out data/ --duration 3m', 'three minutes of two symbols from the local exchange'],
    [
      'record --out data/ --ws-url wss://ws.bitget.com/v2/ws/public --rest-url https://api.bitget.com',
      "BTCUSDT from Bitget's public feed until Ctrl-C",
    ],
    ['record --out /data --metrics-port 9464 --log-format json', 'as a service: /metrics and /health on 127.0.0.1:9464, JSON logs'],
  ],
} as const satisfies CommandSpec;

export interface RecordCliIo {
  /** Where the worker bundles are (tests put a failing recorder there); default: next to this bundle. */
  workerDir?: URL;
}

export async function runRecord(argv: string[], io: RecordCliIo = {}): Promise<number> {
  const args = parseCommand(RECORD, argv);
  if (!args) return 0;
  const values = args.values;
  const instType = values['inst-type'] as InstType;
  const symbols = values.symbols.map((s) => s.toUpperCase());
  const rollMs = values.roll;
  const flushMs = values.flush;
  const clockEveryMs = values['clock-every'];
  const durationMs = values.duration;
  const maxRows = values['max-rows'];
  // each second for a person at a terminal; to a log (the journal, a file, JSON) each minute
  const statusMs = statusEveryMs(values['status-every']);
  const root = checkWritableDir('--out', values.out);
  const log = logger('record');
  // before anything under it is read: the journals found there are then a killed recorder's, never a running one's
  return withDirLock(
    '--out',
    values.out,
    (l) => log.warn(l),
    async () => {
      warnExisting(log, values.out, root, { session: false, flag: '--out' });
      const err = (l: string) => log.info(l);
      const feedLog = log.child('feed');
      const monitoring = await startMonitoring('record', values, log);
      const endpoints = await resolveEndpoints({ wsUrl: values['ws-url'], restUrl: values['rest-url'], log: err });
      const source = (values.source ?? (endpoints.local || onLoopback(endpoints.restUrl) ? 'simulator' : 'live')) as
        'live' | 'demo' | 'simulator';
      const watch = new RecordingWatch(root);
      let clock = 'not measured yet';
      const alarms: string[] = [];
      let stopNow = () => {};
      let recorderDied: string | null = null;
      // a symbol the venue does not list is a value of the command line (exit 2), as in live, watch and demo; the
      // local exchange this process started goes with it
      const pipeline = await MarketPipeline.start({
        wsUrl: endpoints.wsUrl,
        restUrl: endpoints.restUrl,
        instruments: symbols.map((symbol) => ({ instType, symbol, channels: ['books', 'trade'] })),
        // the feed speaks only of trouble (a lost connection, a gap, a frame it could not read): warnings
        log: (l) => feedLog.warn(l),
        onExchangeError: (e) => log.warn(`exchange error ${e.code}: ${e.msg}`, { code: e.code, arg: e.arg }),
        record: {
          root,
          source,
          flushMs,
          rollMs,
          maxRows,
          clockEveryMs,
          raw: values.raw,
          onFile: (f) => {
            watch.file(f);
            log.info(wroteText(f.path, f.rows), { event: 'file', path: f.path, rows: f.rows });
          },
          onAlarm: (m) => {
            alarms.push(m);
            watch.alarm();
            log.error(`ALARM ${m}`, { event: 'alarm' });
          },
          onClock: (c) => {
            watch.clock(c);
            clock = `${millis(Number(c.offsetNs))} ± ${millis(Number(c.boundNs))}`;
          },
          onRecovered: (r) => log.warn(describeRecovery(r), { event: 'recovered', ...r }),
          onRecorderExit: (m) => {
            recorderDied = m;
            log.error(`ALARM record: ${m}: stopping`, { event: 'alarm' });
            stopNow();
          },
        },
        workerDir: io.workerDir,
      }).catch(async (err: unknown) => {
        await endpoints.close?.();
        await monitoring?.finish();
        throw err instanceof UnlistedSymbolError ? new UsageError(err.message) : err;
      });
      const pm = monitoring
        ? pipelineMetrics(monitoring.metrics, monitoring.health, pipeline, {
            staleAfterMs: values['stale-after'],
            recording: watch,
            flushMs,
          })
        : null;
      log.info(
        `recording ${symbols.join(', ')} (${instType}) from ${endpoints.wsUrl} to ${root}; flush every ${humanDuration(flushMs * 1e6)}, a new file every ${humanDuration(rollMs * 1e6)}`,
        { symbols, instType, wsUrl: endpoints.wsUrl, root, flushMs, rollMs },
      );
      monitoring?.setPhase('running');
      // drain the signal ring (nobody trades here), timing the feed when someone watches; report now and then
      const words = pipeline.core.words;
      const drain = setInterval(
        () =>
          pipeline.read(
            pm
              ? (at, kind) => {
                  if (kind === Kind.signal) pm.observeFeedLatencyNs(signalFeedLatencyNs(words, at));
                }
              : () => {},
          ),
        20,
      );
      const status = setInterval(() => {
        const c = pipeline.recorderCounters;
        const f = pipeline.feedStats?.counters;
        log.info(
          `  ${plural(c?.records ?? 0, 'record')}, ${plural(watch.files, 'file')}, ${plural(f?.resyncs ?? 0, 'resync')}, capture drops ${f?.captureDrops ?? 0}, clock offset to the exchange ${clock}${alarms.length ? `, ${alarms.length} alarm(s)` : ''}`,
          {
            event: 'status',
            records: c?.records ?? 0,
            files: watch.files,
            resyncs: f?.resyncs ?? 0,
            captureDrops: f?.captureDrops ?? 0,
            alarms: alarms.length,
          },
        );
      }, statusMs);
      // Ctrl-C, SIGTERM or SIGHUP (the terminal or the ssh connection gone) finish the files; a second one ends the
      // process at once, its journals left for the next start to turn into files
      const stop = untilStopped({
        now: (sig) =>
          log.warn(
            `record: ${signalText(sig)} while stopping: ended at once (exit ${signalExit(sig)}); what was flushed is recovered by the next start (${selfCommand()} record --out ${values.out})`,
          ),
        durationMs,
      });
      stopNow = stop.end;
      const startedMs = Date.now();
      if (recorderDied) stop.end();
      await stop.stopped;
      // a signal before the --duration ran out: the recording is shorter than asked, which a script must be told
      const interruptedBy = durationMs && !recorderDied ? stop.by : null;
      const ranMs = Date.now() - startedMs;
      clearInterval(drain);
      clearInterval(status);
      monitoring?.setPhase('stopping');
      const result = await pipeline.stop();
      await endpoints.close?.();
      const r = result.recorder;
      const fc = result.feed?.counters;
      log.info(
        `record: ${plural(r?.records ?? 0, 'record')} in ${plural(r?.files ?? 0, 'file')}${r?.rawFiles ? `, ${plural(r.rawFrames ?? 0, 'raw frame')} in ${plural(r.rawFiles, 'file')}` : ''} under ${root}; ${r ? lossSummary(r) : 'recorder counters unknown'}, ${r?.writeErrors ?? 0} write errors, ${fc?.captureDrops ?? 0} capture drops${
          interruptedBy
            ? `; interrupted by ${signalText(interruptedBy)} after ${humanDuration(ranMs * 1e6)} of its ${humanDuration(durationMs! * 1e6)} --duration (exit ${signalExit(interruptedBy)})`
            : ''
        }.`,
        {
          event: 'summary',
          interruptedBy: interruptedBy ?? null,
          records: r?.records ?? 0,
          rows: r?.rows ?? 0,
          files: r?.files ?? 0,
          rawFrames: r?.rawFrames ?? 0,
          rawFiles: r?.rawFiles ?? 0,
          droppedRecords: r?.droppedRecords ?? 0,
          lost: r ? lostAll(r) : 0,
          writeErrors: r?.writeErrors ?? 0,
          captureDrops: fc?.captureDrops ?? 0,
          feed: fc ?? null,
          perInstrument: pipeline.recorderPerInstrument,
        },
      );
      // the endpoint's --metrics-linger, below, listens for its own end
      stop.release();
      const died = recorderDied ?? result.recorderFailed;
      if (died) {
        log.error(
          `record: stopped because ${died}. Records held in memory since the last flush are lost; what was flushed is recovered by the next start (${selfCommand()} record --out ${values.out}).`,
        );
        await monitoring?.finish();
        return 1;
      }
      // nothing ever came from the feed: a wrong --ws-url (404 on the upgrade), a closed port, a firewall — not a
      // recording that worked, whatever the status records say
      if (fc && fc.frames === 0) {
        log.error(
          `record: received nothing from ${endpoints.wsUrl} while it ran: no market data recorded (the log above has the connection errors); check --ws-url, or leave both URLs out for the local exchange`,
        );
        await monitoring?.finish();
        return 1;
      }
      log.info(`next: ${selfCommand()} inspect ${values.out}`);
      await monitoring?.finish();
      // records that never reached a file are a failed recording, whatever else worked
      const lost = r ? lostAll(r) : 0;
      if (lost > 0 || (alarms.length && (r?.files ?? 0) === 0)) return 1;
      return interruptedBy ? signalExit(interruptedBy) : 0;
    },
  );
}

/** A finished file as the log says it: "wrote data/…/x.parquet (3,130 rows)", "(1 row)". */
export function wroteText(path: string, rows: number): string {
  return `wrote ${path} (${plural(rows, 'row')})`;
}

/**
 * Whether `url` names this machine: the venue is then a simulator (`ringbook exchange` given by its URL), never
 * Bitget, and files labelled `live` would pass simulated data off as the market's.
 */
export function onLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
