// `ringbook record`: the live pipeline with the recorder on — Parquet per DESIGN §6 under --out.
import { parseArgs } from 'node:util';
import { accessSync, constants } from 'node:fs';
import { ensureDir } from '../capture/files';
import { resolve } from 'node:path';
import { MarketPipeline } from '../feed/pipeline';
import type { InstType } from '../feed/instruments';
import { resolveEndpoints } from './endpoints';
import { parseDuration } from './duration';

const HELP = `ringbook record --symbols BTCUSDT[,ETHUSDT] [options]

  --symbols S[,S]     symbols to record (default BTCUSDT)
  --inst-type T       USDT-FUTURES (default), SPOT, COIN-FUTURES, USDC-FUTURES
  --out DIR           recording root (default data/); hive layout venue=/inst_type=/symbol=/date=
  --roll D            finish a file after D (default 60s) or --max-rows rows (default 1000000)
  --flush D           journal flush interval: the most a killed recorder can lose (default 1s)
  --clock-every D     clock-offset measurement interval against the exchange (default 60s)
  --duration D        stop after D (default: until Ctrl-C)
  --source S          live | demo | simulator (default: simulator on the local exchange, else live)
  --raw               also keep every frame as received, with its local receive time, under DIR/_raw/
  --ws-url, --rest-url  endpoints (default: the local exchange, started if none runs)

Durations: 500ms, 60s, 2m, 1h.`;

export async function runRecord(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      symbols: { type: 'string', default: 'BTCUSDT' },
      'inst-type': { type: 'string', default: 'USDT-FUTURES' },
      out: { type: 'string', default: 'data' },
      roll: { type: 'string', default: '60s' },
      flush: { type: 'string', default: '1s' },
      'max-rows': { type: 'string', default: '1000000' },
      'clock-every': { type: 'string', default: '60s' },
      duration: { type: 'string' },
      source: { type: 'string' },
      'ws-url': { type: 'string' },
      'rest-url': { type: 'string' },
      raw: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const instType = values['inst-type']!.toUpperCase() as InstType;
  const symbols = values
    .symbols!.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (!symbols.length) throw new Error('--symbols needs at least one symbol, e.g. --symbols BTCUSDT,ETHUSDT');
  const rollMs = parseDuration('--roll', values.roll!);
  const flushMs = parseDuration('--flush', values.flush!);
  const clockEveryMs = parseDuration('--clock-every', values['clock-every']!);
  const durationMs = values.duration ? parseDuration('--duration', values.duration) : undefined;
  const maxRows = Number(values['max-rows']);
  if (!(Number.isInteger(maxRows) && maxRows >= 1000)) throw new Error(`--max-rows "${values['max-rows']}" must be a whole number ≥ 1000`);
  if (values.source && !['live', 'demo', 'simulator'].includes(values.source))
    throw new Error(`--source "${values.source}" must be live, demo or simulator`);
  const root = resolve(values.out!);
  try {
    ensureDir(root);
    accessSync(root, constants.W_OK);
  } catch (err) {
    throw new Error(
      `cannot write to --out ${root} (${(err as NodeJS.ErrnoException).code}): fix its permissions or choose another directory`,
    );
  }
  const err = (l: string) => process.stderr.write(`${l}\n`);
  const endpoints = await resolveEndpoints({ wsUrl: values['ws-url'], restUrl: values['rest-url'], log: err });
  const source = (values.source ?? (endpoints.local ? 'simulator' : 'live')) as 'live' | 'demo' | 'simulator';
  let files = 0;
  let clock = 'not measured yet';
  const alarms: string[] = [];
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
        clock = `θ ${(Number(c.offsetNs) / 1e6).toFixed(3)} ms ± ${(Number(c.boundNs) / 1e6).toFixed(3)} ms`;
      },
      onRecovered: (r) =>
        err(`recovered ${r.path} (${r.rows} rows${r.tornBytes ? `, cut a torn ${r.tornBytes}-byte tail` : ''}) left by a killed run`),
    },
  });
  err(`recording ${symbols.join(', ')} (${instType}) from ${endpoints.wsUrl} to ${root}; flush ${flushMs} ms, roll ${rollMs} ms`);
  // drain the signal ring (nobody trades here) and report once a second
  const drain = setInterval(() => pipeline.read(() => {}), 20);
  const status = setInterval(() => {
    const c = pipeline.recorderCounters;
    const f = pipeline.feedStats?.counters;
    err(
      `  ${c?.records ?? 0} records, ${files} files, ${f?.resyncs ?? 0} resyncs, capture drops ${f?.captureDrops ?? 0}, clock ${clock}${alarms.length ? `, ${alarms.length} alarm(s)` : ''}`,
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
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (durationMs) setTimeout(finish, durationMs);
  });
  clearInterval(drain);
  clearInterval(status);
  const result = await pipeline.stop();
  await endpoints.close?.();
  const r = result.recorder;
  err(
    `record: ${r?.records ?? 0} records in ${r?.files ?? 0} files under ${root}; ${r?.droppedRecords ?? 0} dropped, ${r?.writeErrors ?? 0} write errors, ${result.feed?.counters.captureDrops ?? 0} capture drops.`,
  );
  err(`next: ringbook inspect ${values.out}`);
  return alarms.length && (r?.files ?? 0) === 0 ? 1 : 0;
}
