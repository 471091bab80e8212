// `ringbook record`: the live pipeline with the recorder on — Parquet per docs/design.md §6 under --out.
import { checkWritableDir } from '../capture/files';
import { describeRecovery } from '../capture/recover';
import { lossSummary, lostAll } from '../capture/recorder';
import { MarketPipeline } from '../feed/pipeline';
import type { InstType } from '../feed/instruments';
import { resolveEndpoints } from './endpoints';
import { parseCommand, type CommandSpec } from './args';
import { ENDPOINT_FLAGS } from './watch';
import { selfCommand } from './self';
import { count, millis, duration as humanDuration } from '../format/numbers';

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
      defaultText: 'simulator on the local exchange, else live',
      description: 'what the data is, written into each file',
    },
    raw: { type: 'boolean', description: 'also keep every frame as received, with its local receive time, under DIR/_raw/' },
    ...ENDPOINT_FLAGS,
  },
  examples: [
    ['record --symbols BTCUSDT,ETHUSDT --out data/ --duration 3m', 'three minutes of two symbols from the local exchange'],
    [
      'record --out data/ --ws-url wss://ws.bitget.com/v2/ws/public --rest-url https://api.bitget.com',
      "BTCUSDT from Bitget's public feed until Ctrl-C",
    ],
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
  const root = checkWritableDir('--out', values.out);
  const err = (l: string) => process.stderr.write(`${l}\n`);
  const endpoints = await resolveEndpoints({ wsUrl: values['ws-url'], restUrl: values['rest-url'], log: err });
  const source = (values.source ?? (endpoints.local ? 'simulator' : 'live')) as 'live' | 'demo' | 'simulator';
  let files = 0;
  let clock = 'not measured yet';
  const alarms: string[] = [];
  let stopNow = () => {};
  let recorderDied: string | null = null;
  const pipeline = await MarketPipeline.start({
    wsUrl: endpoints.wsUrl,
    restUrl: endpoints.restUrl,
    instruments: symbols.map((symbol) => ({ instType, symbol, channels: ['books', 'trade'] })),
    log: err,
    onExchangeError: (e) => err(`exchange error ${e.code}: ${e.msg}`),
    record: {
      root,
      source,
      flushMs,
      rollMs,
      maxRows,
      clockEveryMs,
      raw: values.raw,
      onFile: (f) => {
        files++;
        err(`wrote ${f.path} (${f.rows} rows)`);
      },
      onAlarm: (m) => {
        alarms.push(m);
        err(`ALARM ${m}`);
      },
      onClock: (c) => {
        clock = `${millis(Number(c.offsetNs))} ± ${millis(Number(c.boundNs))}`;
      },
      onRecovered: (r) => err(describeRecovery(r)),
      onRecorderExit: (m) => {
        recorderDied = m;
        err(`ALARM record: ${m}: stopping`);
        stopNow();
      },
    },
    workerDir: io.workerDir,
  });
  err(
    `recording ${symbols.join(', ')} (${instType}) from ${endpoints.wsUrl} to ${root}; flush every ${humanDuration(flushMs * 1e6)}, a new file every ${humanDuration(rollMs * 1e6)}`,
  );
  // drain the signal ring (nobody trades here) and report once a second
  const drain = setInterval(() => pipeline.read(() => {}), 20);
  const status = setInterval(() => {
    const c = pipeline.recorderCounters;
    const f = pipeline.feedStats?.counters;
    err(
      `  ${count(c?.records ?? 0)} records, ${files} files, ${f?.resyncs ?? 0} resyncs, capture drops ${f?.captureDrops ?? 0}, clock offset to the exchange ${clock}${alarms.length ? `, ${alarms.length} alarm(s)` : ''}`,
    );
  }, 1000);
  await new Promise<void>((done) => {
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        done();
      }
    };
    stopNow = finish;
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (durationMs) setTimeout(finish, durationMs);
    if (recorderDied) finish();
  });
  clearInterval(drain);
  clearInterval(status);
  const result = await pipeline.stop();
  await endpoints.close?.();
  const r = result.recorder;
  err(
    `record: ${count(r?.records ?? 0)} records in ${r?.files ?? 0} files under ${root}; ${r ? lossSummary(r) : 'recorder counters unknown'}, ${r?.writeErrors ?? 0} write errors, ${result.feed?.counters.captureDrops ?? 0} capture drops.`,
  );
  const died = recorderDied ?? result.recorderFailed;
  if (died) {
    err(
      `record: stopped because ${died}. Records held in memory since the last flush are lost; what was flushed is recovered by the next start (${selfCommand()} record --out ${values.out}).`,
    );
    return 1;
  }
  err(`next: ${selfCommand()} inspect ${values.out}`);
  // records that never reached a file are a failed recording, whatever else worked
  const lost = r ? lostAll(r) : 0;
  return lost > 0 || (alarms.length && (r?.files ?? 0) === 0) ? 1 : 0;
}
