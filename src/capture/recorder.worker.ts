// The recorder thread: recovers leftovers of a killed run, then drains the capture ring to Parquet until told to
// stop, measuring the clock offset against the exchange at start and every `clockEveryMs`.
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateCore, Ring, Kind, Status } from '../core/index';
import { MonotonicClock } from '../core/clock';
import { writeI64Big } from '../core/int64';
import { Recorder } from './recorder';
import { threadMemory } from '../monitor/thread-memory';
import { recoverTree } from './recover';
import { sampleOffset } from './clock-offset';
import { RawRecorder } from './raw';
import type { MessagePort } from 'node:worker_threads';
import type { StreamInfo, ClockEstimate } from './writer';
import { errorText } from '../format/errors';

export interface RecorderWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  slot: number;
  root: string;
  restUrl: string;
  streams: Array<{ inst: number; info: StreamInfo }>;
  flushMs: number;
  rollMs: number;
  maxRows: number;
  clockEveryMs: number;
  /** Int32 [0]: 1 = stop (finish every file and exit). */
  control: SharedArrayBuffer;
  /** Raw frames from the feed thread (`--raw`). */
  rawPort?: MessagePort;
  venue: string;
  source: string;
}

const d = workerData as RecorderWorkerData;
const post = (m: object) => parentPort!.postMessage(m);
// An old crash must never block new recording: recoverTree does not throw for one journal, and a walk that fails
// as a whole (an unreadable directory) is an alarm, not the end of this thread.
try {
  for (const r of recoverTree(d.root, { streams: d.streams.map((s) => s.info) })) post({ type: 'recovered', result: r });
} catch (err) {
  post({
    type: 'alarm',
    message: `recorder: could not look for journals left by a killed run (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); recording goes on`,
  });
}

const core = await instantiateCore(d.module, d.memory, { slot: d.slot });
const ring = new Ring(core, core.ringOffset('capture'));
const clock = new MonotonicClock();
// Own orders and fills (the order ring, produced by the strategy's thread) go to their own files under _orders/.
const orders = new Recorder(core, new Ring(core, core.ringOffset('order')), `${d.root}/_orders`, d.streams, clock, {
  flushNs: BigInt(d.flushMs) * 1_000_000n,
  rollNs: BigInt(d.rollMs) * 1_000_000n,
  maxRows: d.maxRows,
  label: 'own orders',
  onAlarm: (message) => post({ type: 'alarm', message }),
  onFile: (f) => post({ type: 'file', ...f }),
});
const recorder = new Recorder(core, ring, d.root, d.streams, clock, {
  tickerRoot: `${d.root}/_ticker`,
  flushNs: BigInt(d.flushMs) * 1_000_000n,
  rollNs: BigInt(d.rollMs) * 1_000_000n,
  maxRows: d.maxRows,
  onAlarm: (message) => post({ type: 'alarm', message }),
  onFile: (f) => post({ type: 'file', ...f }),
});

const alarm = (message: string) => post({ type: 'alarm', message });
const raw = d.rawPort
  ? new RawRecorder(
      d.root,
      d.venue,
      d.source,
      { rollNs: BigInt(d.rollMs) * 1_000_000n, maxBytes: 256 << 20, retryNs: BigInt(d.flushMs) * 1_000_000n },
      alarm,
      (f) => post({ type: 'file', ...f }),
    )
  : null;
d.rawPort?.on('message', (bytes: Uint8Array) => raw!.add(bytes));
// The feed closes the port after its last batch: only then is the raw stream complete.
let rawClosed = !d.rawPort;
d.rawPort?.on('close', () => {
  rawClosed = true;
});
let stopSeenAt = 0;
const rawTick = (finishNow: boolean) => {
  if (!raw) return;
  clock.read();
  raw.tick(clock.ns, finishNow);
};

/** A clock estimate becomes file metadata and a status record in every stream (so replays see it too). */
function noteClock(c: ClockEstimate): void {
  recorder.setClock(c);
  post({ type: 'clock', offsetNs: String(c.offsetNs), boundNs: String(c.boundNs), rttNs: String(c.rttNs), method: c.method });
  const rec = new Int32Array(16);
  clock.read();
  for (const s of d.streams) {
    rec.fill(0);
    rec[0] = Kind.status;
    rec[1] = s.inst;
    writeI64Big(rec, 16, clock.ns);
    writeI64Big(rec, 24, c.offsetNs);
    writeI64Big(rec, 32, c.boundNs);
    writeI64Big(rec, 40, BigInt(Status.clockOffset));
    writeI64Big(rec, 48, c.rttNs);
    pendingClock.push(rec.slice());
  }
}
const pendingClock: Int32Array[] = [];
let clockBusy = false;
const measure = () => {
  if (clockBusy) return;
  clockBusy = true;
  sampleOffset(d.restUrl, new MonotonicClock())
    .then(noteClock, (err) => post({ type: 'alarm', message: `recorder: clock offset not measured: ${errorText(err)}` }))
    .finally(() => {
      clockBusy = false;
    });
};
measure();
const clockTimer = setInterval(measure, d.clockEveryMs);

const stop = new Int32Array(d.control);
const statsTimer = setInterval(() => post({ type: 'stats', counters: recorder.counters, memory: threadMemory() }), 250);
/** How often an idle recorder looks at its rings (ms). */
const POLL_MS = 10;
// The loop yields to the event loop between passes (fetches, timers), and polls the rings when idle.
const loop = () => {
  let n = 0;
  for (let pass = 0; pass < 64; pass++) {
    while (pendingClock.length) {
      const r = pendingClock.shift()!;
      recorder.addRecord(r);
    }
    n = recorder.drain() + orders.drain();
    if (n === 0) break;
  }
  recorder.tick();
  orders.tick();
  rawTick(false);
  if (Atomics.load(stop, 0) !== 0 && !rawClosed && (stopSeenAt ||= Date.now()) > Date.now() - 2000) {
    ring.waitAsync(20).then(loop); // the last raw batch is still on its way
    return;
  }
  if (Atomics.load(stop, 0) !== 0) {
    recorder.drain(1 << 30);
    orders.drain(1 << 30);
    orders.close();
    rawTick(true);
    clearInterval(clockTimer);
    clearInterval(statsTimer);
    recorder.close();
    post({
      type: 'stopped',
      counters: {
        ...recorder.counters,
        // what never reaches a file, own orders and raw frames included: the summary must not say "0 lost" then
        droppedRecords: recorder.counters.droppedRecords + orders.counters.droppedRecords,
        lostAtClose: recorder.counters.lostAtClose + orders.counters.lostAtClose,
        leftInJournals: recorder.counters.leftInJournals + orders.counters.leftInJournals,
        writeErrors: recorder.counters.writeErrors + orders.counters.writeErrors + (raw?.gate.errors ?? 0),
        rawFrames: raw?.frames ?? 0,
        rawFiles: raw?.files ?? 0,
        rawDropped: raw?.droppedFrames ?? 0,
        rawLostAtClose: raw?.lostAtClose ?? 0,
        rawLeftInJournal: raw?.leftInJournal ?? 0,
        orderRecords: orders.counters.records,
      },
      perInstrument: Object.fromEntries(recorder.perInstrument),
    });
    return;
  }
  // a poll, not a sleep on the ring: a recorder asleep on the ring has every publish of the feed wake it (a futex
  // call in the feed's path per message, and on few cores the woken recorder takes the core the message is on);
  // it only has to keep up (the capture ring holds seconds at the highest rates), so it looks every POLL_MS
  if (n === 0) setTimeout(loop, POLL_MS);
  else setImmediate(loop);
};
loop();
