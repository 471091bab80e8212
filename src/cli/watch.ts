// `ringbook watch`: the live market-data pipeline with a terminal view, or one JSON line per processed message.
import { readSignal, formatScaled, Kind, R, readI64, Status, type SignalSnapshot } from '../core/index';
import { MarketPipeline } from '../feed/pipeline';
import type { InstType } from '../feed/instruments';
import type { Channel } from '../feed/feed-session';
import { resolveEndpoints } from './endpoints';
import { parseCommand, type CommandSpec, type Flag } from './args';
import { logger } from '../log/logger';
import { signalExit, signalText, untilStopped } from './stop-signals';

const INST_TYPES = ['SPOT', 'USDT-FUTURES', 'COIN-FUTURES', 'USDC-FUTURES', 'SUSDT-FUTURES', 'SCOIN-FUTURES', 'SUSDC-FUTURES'];
const BOOK_CHANNELS = ['books', 'books1', 'books5', 'books15'];

/** --ws-url / --rest-url, as every network command takes them. */
export const ENDPOINT_FLAGS = {
  'ws-url': {
    type: 'string',
    arg: 'URL',
    defaultText: 'the local exchange, started if none runs',
    description: 'public WebSocket, e.g. wss://ws.bitget.com/v2/ws/public',
    group: 'endpoints',
  },
  'rest-url': {
    type: 'string',
    arg: 'URL',
    defaultText: 'the local exchange',
    description: 'REST base for instrument metadata and time, e.g. https://api.bitget.com',
    group: 'endpoints',
  },
} as const satisfies Record<string, Flag>;

export const WATCH = {
  name: 'watch',
  usage: '[--symbol BTCUSDT[,ETHUSDT]] [options]',
  summary:
    'Live market data through the core: best bid/ask as the exchange prints them, OBI, OFI, z-score, feed latency, gaps and resyncs; or one JSON line per processed message.',
  flags: {
    symbol: { type: 'list', arg: 'S[,S]', aliases: ['symbols'], noun: 'symbol', default: 'BTCUSDT', description: 'symbols to watch' },
    'inst-type': { type: 'string', arg: 'T', default: 'USDT-FUTURES', choices: INST_TYPES, description: 'instrument type' },
    channel: { type: 'string', arg: 'C', default: 'books', choices: BOOK_CHANNELS, description: 'book channel' },
    json: { type: 'boolean', description: 'one JSON line per processed message instead of the live view' },
    duration: { type: 'duration', arg: 'D', defaultText: 'until Ctrl-C', description: 'stop after D' },
    ...ENDPOINT_FLAGS,
  },
  examples: [
    ['watch', 'BTCUSDT on the local exchange (started if none runs)'],
    ['watch --symbols BTCUSDT,ETHUSDT --json --duration 3s', 'two symbols as JSON lines for 3 seconds'],
  ],
} as const satisfies CommandSpec;

const STATUS_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k]));

export async function runWatch(argv: string[]): Promise<number> {
  const args = parseCommand(WATCH, argv);
  if (!args) return 0;
  const values = args.values;
  const instType = values['inst-type'].toUpperCase();
  const symbols = values.symbol.map((s) => s.toUpperCase());
  const durationMs = values.duration;
  const json = values.json;
  const log = logger('watch');
  const err = (l: string) => log.info(l);

  const endpoints = await resolveEndpoints({ wsUrl: values['ws-url'], restUrl: values['rest-url'], log: err });
  const pipeline = await MarketPipeline.start({
    wsUrl: endpoints.wsUrl,
    restUrl: endpoints.restUrl,
    instruments: symbols.map((symbol) => ({ instType: instType as InstType, symbol, channels: [values.channel as Channel, 'trade'] })),
    log: err,
    onExchangeError: (e) => err(`exchange error ${e.code}: ${e.msg}`),
  });
  const grids = pipeline.grids;
  const latest: (SignalSnapshot | null)[] = grids.map(() => null);
  const rate = grids.map(() => 0);
  const statusSeen = grids.map(() => new Map<string, number>());

  const price = (i: number, ticks: number, dec: number) => formatScaled(ticks, grids[i].priceStep, grids[i].priceScale, dec);
  const size = (i: number, lots: number, dec: number) => formatScaled(lots, grids[i].sizeStep, grids[i].sizeScale, dec);

  const line = (i: number, s: SignalSnapshot) => {
    const c = pipeline.feedStats?.counters;
    return JSON.stringify({
      symbol: grids[i].symbol,
      // int64 values as strings, as inspect and backtest --json write them: exact for any JSON reader (JavaScript's
      // JSON.parse rounds an integer token above 2^53, and a Bitget seq is one)
      local_ts: s.localTs.toString(),
      exch_ts: s.exchTs.toString(),
      seq: s.seq.toString(),
      valid: s.valid,
      best_bid: s.valid ? price(i, s.bestBid, s.bestBidPriceDec) : null,
      best_ask: s.valid ? price(i, s.bestAsk, s.bestAskPriceDec) : null,
      bid_qty: s.valid ? size(i, s.bidQty, s.bestBidSizeDec) : null,
      ask_qty: s.valid ? size(i, s.askQty, s.bestAskSizeDec) : null,
      spread_ticks: s.spread,
      l1: s.l1,
      obi: s.obiN,
      obi_weighted: s.obiW,
      obi_band: s.obiBand,
      ofi: s.ofi,
      ofi_decay: s.ofiDecay,
      ofi_norm: s.ofiNorm,
      wmid_ticks: s.wmid,
      z: s.zReady ? s.z : null,
      mlofi: s.mlofi.slice(0, 5),
      feed_latency_ms: Number(s.localTs - s.exchTs) / 1e6,
      health: {
        messages: s.msgCount,
        gaps: c?.gaps ?? 0,
        resyncs: c?.resyncs ?? 0,
        malformed: c?.malformed ?? 0,
        ring_full: c?.ringFull ?? 0,
        checksum_fail: pipeline.instruments[i].counter('checksumFail'),
      },
    });
  };

  const drain = () =>
    pipeline.read((at, kind) => {
      const inst = pipeline.core.words[(at + R.inst) >> 2];
      if (kind === Kind.signal) {
        const s = readSignal(pipeline.core, at);
        latest[inst] = s;
        rate[inst]++;
        if (json) process.stdout.write(`${line(inst, s)}\n`);
      } else if (kind === Kind.status) {
        const name = STATUS_NAMES[readI64(pipeline.core.words, at + R.seq)] ?? 'status';
        statusSeen[inst].set(name, (statusSeen[inst].get(name) ?? 0) + 1);
      }
    });

  const fmtMs = (ns: number) => (Number.isFinite(ns) ? `${(ns / 1e6).toFixed(3)} ms` : '–');
  let lastDraw = performance.now();
  const draw = () => {
    const now = performance.now();
    const secs = (now - lastDraw) / 1000;
    lastDraw = now;
    const f = pipeline.feedStats;
    const out = [
      `ringbook watch  ${endpoints.wsUrl}  [${f?.state ?? 'starting'}]  decode p50 ${fmtMs(f?.decode.p50 ?? NaN)} p99 ${fmtMs(f?.decode.p99 ?? NaN)}`,
    ];
    grids.forEach((g, i) => {
      const s = latest[i];
      const msgs = (rate[i] / secs).toFixed(0);
      rate[i] = 0;
      if (!s || !s.valid) {
        out.push(`${g.symbol.padEnd(10)} waiting for a valid book…`);
        return;
      }
      out.push(
        `${g.symbol.padEnd(10)} bid ${price(i, s.bestBid, s.bestBidPriceDec).padStart(12)} × ${size(i, s.bidQty, s.bestBidSizeDec).padEnd(10)}` +
          ` ask ${price(i, s.bestAsk, s.bestAskPriceDec).padStart(12)} × ${size(i, s.askQty, s.bestAskSizeDec).padEnd(10)} spread ${s.spread}t`,
      );
      out.push(
        `           OBI l1 ${s.l1.toFixed(3).padStart(6)} N ${s.obiN.toFixed(3).padStart(6)} band ${s.obiBand.toFixed(3).padStart(6)}` +
          `  OFI ${s.ofi.toFixed(0).padStart(8)} norm ${s.ofiNorm.toFixed(3).padStart(7)} z ${s.zReady ? s.z.toFixed(2) : '–'}` +
          `  ${msgs} msg/s  feed latency ${(Number(s.localTs - s.exchTs) / 1e6).toFixed(1)} ms`,
      );
    });
    const c = f?.counters;
    const st = statusSeen
      .map((m, i) => [...m].map(([k, v]) => `${grids[i].symbol}:${k}×${v}`).join(' '))
      .filter(Boolean)
      .join(' ');
    out.push(
      `health: frames ${c?.frames ?? 0}  gaps ${c?.gaps ?? 0}  resyncs ${c?.resyncs ?? 0}  malformed ${c?.malformed ?? 0}  ring full ${c?.ringFull ?? 0}  disconnects ${c?.disconnects ?? 0}  ${st}`,
    );
    process.stdout.write(`\x1b[H\x1b[J${out.join('\n')}\n`);
  };

  const stop = untilStopped({
    now: (sig) => err(`watch: ${signalText(sig)} while stopping: ended at once (exit ${signalExit(sig)})`),
    durationMs,
  });
  const poll = setInterval(drain, 5);
  const view = json ? null : setInterval(draw, 250);
  await stop.stopped;
  clearInterval(poll);
  if (view) clearInterval(view);
  drain();
  const result = await pipeline.stop();
  await endpoints.close?.();
  const c = result.feed?.counters;
  // with a --duration, a signal before it ran out cuts the run short: said, and the exit code is the signal's (as record's)
  const cut = durationMs && stop.by ? stop.by : null;
  const by = cut
    ? ` (interrupted by ${signalText(cut)} before its --duration ran out; exit ${signalExit(cut)})`
    : stop.by
      ? ` (stopped by ${signalText(stop.by)})`
      : '';
  err(
    `watch: ${c?.bookMessages ?? 0} book messages, ${c?.tradeMessages ?? 0} trade messages, ${c?.gaps ?? 0} gaps, ${c?.resyncs ?? 0} resyncs, ${c?.malformed ?? 0} malformed${by}`,
  );
  stop.release();
  return cut ? signalExit(cut) : 0;
}
