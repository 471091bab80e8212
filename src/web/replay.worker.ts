// The replay page's worker: owns the core (its own shared memory), decodes the recording and runs the player, so
// nothing heavy ever runs on the page's thread. Each recording gets a fresh memory: the core's heap is laid out once
// and never freed, and a new instrument grid needs a new book. In a cross-origin isolated page that memory and the
// compiled module go to the page, which reads the book straight from it; otherwise frames carry a copied ladder.
import { compileCore, createMemory, instantiateCore, formatMemory } from '../core/index';
import { createBacktestCore } from '../backtest/setup';
import { recordingOf } from './recording';
import { openPart } from './parts';
import { loadSymbols } from './merged-recording';
import { fundingOfRecording } from './ticker';
import { readOwnOrders } from './own-orders';
import { defaultLatencySpec } from '../backtest/latency-choice';
import { gridOf, backtestPages } from '../backtest/setup';
import { convertDropped } from '../import/page';
import { Player } from './player';
import { depthInterval } from './collect';
import { DEPTH_LEVELS, type FromWorker, type ToWorker } from './protocol';
import { errorText, prefixed } from '../format/errors';

const scope = self as unknown as {
  crossOriginIsolated?: boolean;
  postMessage(m: unknown, transfer?: Transferable[]): void;
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
};
// posting a shared memory throws unless isolated (and the page would have no SharedArrayBuffer to read it with)
const isolated = scope.crossOriginIsolated === true;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);
/** The strategy handler running now, for the page's watchdog (src/strategy/handler-cell.ts); shared only when isolated. */
const handlerCell = isolated ? new Int32Array(new SharedArrayBuffer(4)) : null;

let modulePromise: Promise<WebAssembly.Module> | null = null;
/** sha256 of the core.wasm this page runs, as the reports name the core (null where digests are not available). */
let coreHash: string | null = null;

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The core, compiled from the bytes whose hash the reports give. */
async function loadCoreModule(): Promise<WebAssembly.Module> {
  const url = new URL('./core.wasm', import.meta.url);
  const r = await fetch(url);
  if (!r.ok)
    throw new Error(
      `the core did not load: GET ${url.pathname} answered HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}; the page's files are missing or out of date: build them again (npm run build writes build/web/), restart ringbook serve and reload this page`,
    );
  const bytes = await r.arrayBuffer();
  coreHash = await sha256Hex(bytes).catch(() => null);
  return compileCore(bytes);
}
let player: Player | null = null;
/** Bumped by every open: a load overtaken by a newer one is dropped when it finishes. */
let opening = 0;

// A macrotask that is not clamped like nested setTimeout(0): lets queued messages in between bursts of work.
const channel = new MessageChannel();
const soon: Array<() => void> = [];
channel.port1.onmessage = () => soon.shift()?.();
function later(fn: () => void, ms: number): void {
  if (ms > 0) {
    setTimeout(fn, ms);
    return;
  }
  soon.push(fn);
  channel.port2.postMessage(null);
}

async function open(msg: Extract<ToWorker, { type: 'open' }>): Promise<void> {
  const mine = ++opening;
  player?.stop();
  player = null;
  const name = msg.source.name;
  post({ type: 'loading', name, rowsDone: 0, rows: 0 });
  try {
    if (modulePromise === null) {
      const loading = loadCoreModule();
      modulePromise = loading;
      // awaited below, after the recording's files: no unhandled rejection meanwhile, and a later open tries again
      loading.catch(() => {
        if (modulePromise === loading) modulePromise = null;
      });
    }
    const coreModule = modulePromise;
    let lastPost = 0;
    const progress = (done: number, rows: number) => {
      const now = performance.now();
      if (now - lastPost < 100 && done < rows) return;
      lastPost = now;
      if (mine === opening) post({ type: 'loading', name, rowsDone: done, rows });
    };
    let note: string | undefined;
    let rec;
    if (msg.source.kind === 'tardis') {
      // Tardis.dev files: converted here by the same converters as `ringbook import`
      const t = await convertDropped(await coreModule, msg.source.files, (n) => progress(n, 0));
      note = t.note;
      rec = recordingOf(name, t.meta, gridOf(t.meta, name), t.cols, t.rows);
    } else {
      const parts = await Promise.all(msg.source.parts.map(async (p) => ({ name: p.name, buffer: await openPart(p) })));
      rec = await loadSymbols(parts, name, msg.source.symbols ?? [], progress);
      rec.funding = await fundingOfRecording(rec, msg.source.ticker);
    }
    // the run's symbols' own orders, for the recorded latency model (dropped files: none)
    const symbols = rec.instruments?.map((it) => it.symbol) ?? [rec.meta.symbol ?? ''];
    const own = await readOwnOrders(msg.source.kind === 'parquet' ? msg.source.orders : undefined, symbols);
    rec.ownOrders = own;
    const module = await coreModule;
    if (mine !== opening) return;
    const several = rec.instruments && rec.instruments.length > 1 ? rec.instruments : undefined;
    const memory = several ? createMemory(backtestPages(several.length)) : createMemory();
    const core = await instantiateCore(module, memory, { slot: 0 });
    formatMemory(core);
    const bc = createBacktestCore(core, several ? several.map((it) => it.grid) : rec.grid);
    post({
      type: 'opened',
      info: {
        name,
        files: rec.files,
        rows: rec.rows,
        symbol: rec.meta.symbol ?? '',
        tickSize: rec.grid.tickSize,
        lotSize: rec.grid.lotSize,
        firstNs: String(rec.firstNs),
        lastNs: String(rec.lastNs),
        depthEveryNs: depthInterval(rec),
        depthLevels: DEPTH_LEVELS,
        note,
        instruments: several?.map((it) => ({ symbol: it.symbol, tickSize: it.grid.tickSize, lotSize: it.grid.lotSize, rows: it.rows })),
        ownOrders: {
          files: own.files,
          records: own.records,
          roundTrips: own.trips.length,
          defaultLatency: defaultLatencySpec(own.trips.length),
        },
      },
      shared: isolated ? { module, memory, bookPtr: bc.inst.book.ptr, bookPtrs: bc.insts?.map((x) => x.book.ptr) } : undefined,
    });
    player = new Player(rec, bc, msg.params, msg.speed, {
      post,
      now: () => performance.now(),
      later,
      copyLadder: !isolated,
      coreHash,
      handlerCell,
    });
    player.open();
  } catch (err) {
    if (mine === opening) post({ type: 'error', message: `cannot open ${prefixed(name, errorText(err))}`, fatal: true });
  }
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === 'open') {
    void open(msg);
    return;
  }
  // the page's watchdog hears from the worker after every command, even one that changed nothing (play after an
  // error): silence after a command means its thread is stuck in strategy code
  if (player) handle(player, msg);
  post({ type: 'handled' });
};

function handle(player: Player, msg: Exclude<ToWorker, { type: 'open' }>): void {
  switch (msg.type) {
    case 'run':
      player.rerun(msg.params, msg.play);
      break;
    case 'play':
      player.play();
      break;
    case 'pause':
      player.pause();
      break;
    case 'speed':
      player.setSpeed(msg.speed);
      break;
    case 'seek':
      player.seekTo(BigInt(msg.ns));
      break;
    case 'step':
      player.step();
      break;
    case 'chart':
      player.chart(msg.inst);
      break;
  }
}

post({ type: 'hello', isolated, ...(handlerCell ? { handler: handlerCell } : {}) });
