// Writes the small Tardis.dev-format fixtures under test/fixtures/tardis/ (deterministic: the same bytes every run).
// `node scripts/tardis-fixtures.mjs`. What each file holds: test/fixtures/tardis/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'test/fixtures/tardis');
mkdirSync(dir, { recursive: true });

let seed = 20260501;
const rand = () => {
  // xorshift32: deterministic across Node versions
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const int = (a, b) => a + Math.floor(rand() * (b - a + 1));

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
const crc32 = (s) => {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) c = CRC[(c ^ s.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) | 0;
};

// ---- Bitget books: a book on a 0.1 tick, sizes on a 0.001 lot, wire strings kept for the checksum ----------------
const px = (t) => `${Math.floor(t / 10)}.${t % 10}`;
const sz = (l) => (l / 1000).toFixed(3).replace(/0+$/, '').replace(/\.$/, '');

class Book {
  constructor() {
    this.bids = new Map();
    this.asks = new Map();
  }
  set(side, t, lots) {
    const m = side === 'b' ? this.bids : this.asks;
    if (lots === 0) m.delete(t);
    else m.set(t, lots);
  }
  top(side, n) {
    const m = side === 'b' ? this.bids : this.asks;
    return [...m.keys()].sort((a, b) => (side === 'b' ? b - a : a - b)).slice(0, n);
  }
  checksum() {
    const b = this.top('b', 25);
    const a = this.top('a', 25);
    const parts = [];
    for (let i = 0; i < 25; i++) {
      if (i < b.length) parts.push(px(b[i]), sz(this.bids.get(b[i])));
      if (i < a.length) parts.push(px(a[i]), sz(this.asks.get(a[i])));
    }
    return crc32(parts.join(':'));
  }
}

const DAY_MS = Date.UTC(2026, 4, 1); // 2026-05-01: the first day of a month is free on Tardis.dev
let exchMs = DAY_MS + 1000;
let localNs = 0n;
/** Tardis's local timestamp: 100 ns resolution, 7 fraction digits. */
function stamp(lagMs) {
  const ns = BigInt(exchMs + lagMs) * 1_000_000n + BigInt(int(0, 9999)) * 100n;
  localNs = ns > localNs ? ns : localNs + 100n;
  const ms = Number(localNs / 1_000_000n);
  const frac = String(localNs % 1_000_000_000n)
    .padStart(9, '0')
    .slice(0, 7);
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

function snapshotLevels(book, mid, n) {
  const bids = [];
  const asks = [];
  book.bids.clear();
  book.asks.clear();
  let bt = mid;
  let at = mid;
  for (let i = 0; i < n; i++) {
    bt -= int(1, 3);
    at += int(1, 3);
    const bl = int(1, 4000);
    const al = int(1, 4000);
    book.set('b', bt, bl);
    bids.push([bt, bl]);
    book.set('a', at, al);
    asks.push([at, al]);
  }
  return { bids, asks };
}

function changes(book, mid, n) {
  const bids = [];
  const asks = [];
  for (let i = 0; i < n; i++) {
    const side = rand() < 0.5 ? 'b' : 'a';
    const t = side === 'b' ? mid - 1 - int(0, 12) : mid + 1 + int(0, 12);
    const m = side === 'b' ? book.bids : book.asks;
    const lots = m.has(t) && rand() < 0.3 ? 0 : int(1, 4000);
    if (!m.has(t) && lots === 0) continue;
    if ((side === 'b' ? bids : asks).some(([x]) => x === t)) continue;
    book.set(side, t, lots);
    (side === 'b' ? bids : asks).push([t, lots]);
  }
  return { bids, asks };
}

const levels = (xs) => xs.map(([t, l]) => `["${px(t)}","${sz(l)}"]`).join(',');

// ---- v2 (tardis-machine replay output) ----------------------------------------------------------------------------
function v2() {
  const lines = [];
  const book = new Book();
  let seq = 18446744073n; // Bitget's seq does not step by 1
  let tradeId = 1300000000000000000n;
  const mid = 942_500; // 94250.0
  const arg = (channel, inst = 'BTCUSDT') => `{"instType":"USDT-FUTURES","channel":"${channel}","instId":"${inst}"}`;
  const push = (frame) => lines.push(`{"localTimestamp":"${stamp(int(2, 9))}","message":${frame}}`);
  const acks = () => {
    push(`{"event":"subscribe","arg":${arg('books')}}`);
    push(`{"event":"subscribe","arg":${arg('trade')}}`);
  };
  const snapshot = () => {
    exchMs += int(20, 60);
    const { bids, asks } = snapshotLevels(book, mid, 15);
    seq += BigInt(int(1, 900));
    push(
      `{"action":"snapshot","arg":${arg('books')},"data":[{"asks":[${levels(asks)}],"bids":[${levels(bids)}],"checksum":${book.checksum()},"seq":${seq},"pseq":0,"ts":"${exchMs}"}],"ts":${exchMs + 1}}`,
    );
  };
  const update = ({ corrupt = false, gap = false } = {}) => {
    exchMs += int(20, 200);
    const { bids, asks } = changes(book, mid, int(1, 5));
    const pseq = gap ? seq + 1n : seq;
    seq += BigInt(int(1, 900));
    const cs = book.checksum() + (corrupt ? 1 : 0);
    push(
      `{"action":"update","arg":${arg('books')},"data":[{"asks":[${levels(asks)}],"bids":[${levels(bids)}],"checksum":${cs},"seq":${seq},"pseq":${pseq},"ts":"${exchMs}"}],"ts":${exchMs + 1}}`,
    );
  };
  const trade = () => {
    exchMs += int(1, 50);
    const n = int(1, 3);
    const ts = [];
    for (let i = 0; i < n; i++) {
      tradeId += BigInt(int(1, 40));
      const buy = rand() < 0.5;
      ts.push(
        `{"ts":"${exchMs}","price":"${px(buy ? mid + 1 : mid - 1)}","size":"${sz(int(1, 900))}","side":"${buy ? 'buy' : 'sell'}","tradeId":"${tradeId}"}`,
      );
    }
    push(`{"action":"update","arg":${arg('trade')},"data":[${ts.reverse().join(',')}],"ts":${exchMs + 1}}`); // newest first, like Bitget
  };
  acks();
  snapshot();
  for (let i = 0; i < 12; i++) {
    update();
    if (i % 3 === 1) trade();
  }
  exchMs += 5;
  push(
    `{"action":"update","arg":${arg('books', 'ETHUSDT')},"data":[{"asks":[["3150.12","1.5"]],"bids":[],"checksum":0,"seq":5,"pseq":4,"ts":"${exchMs}"}],"ts":${exchMs + 1}}`,
  );
  push(
    `{"action":"snapshot","arg":${arg('ticker')},"data":[{"instId":"BTCUSDT","lastPr":"${px(mid)}","ts":"${exchMs}"}],"ts":${exchMs + 1}}`,
  );
  update({ corrupt: true }); // the engine's CRC check fails: resync, updates dropped until a snapshot
  update();
  trade();
  update();
  lines.push(''); // the collector lost its connection
  exchMs += 1500;
  acks();
  snapshot();
  for (let i = 0; i < 8; i++) {
    update();
    if (i % 2 === 0) trade();
  }
  update({ gap: true }); // pseq ≠ the last seq: a gap
  update();
  update();
  snapshot(); // the answer to the resubscribe
  for (let i = 0; i < 6; i++) {
    update();
    if (i % 3 === 2) trade();
  }
  return `${lines.join('\n')}\n`;
}

// ---- v3 (Bitget UTA frames, as Tardis records them since 2026-04-28) ----------------------------------------------
function v3() {
  const lines = [];
  const book = new Book();
  let seq = 9007199254740993n; // beyond 2^53
  let id = 1344534089797185549n;
  const mid = 942_400;
  const arg = (topic) => `{"instType":"usdt-futures","topic":"${topic}","symbol":"BTCUSDT"}`;
  const push = (frame) => lines.push(`{"localTimestamp":"${stamp(int(2, 9))}","message":${frame}}`);
  push(`{"event":"subscribe","arg":${arg('books')}}`);
  push(`{"event":"subscribe","arg":${arg('publicTrade')}}`);
  exchMs += 100;
  const { bids, asks } = snapshotLevels(book, mid, 10);
  // Bitget's v3 examples: seq as a string in a snapshot, pseq 0, checksum 0
  push(
    `{"action":"snapshot","arg":${arg('books')},"data":[{"a":[${levels(asks)}],"b":[${levels(bids)}],"checksum":0,"pseq":0,"seq":"${seq}","ts":"${exchMs}"}],"ts":${exchMs + 5}}`,
  );
  for (let i = 0; i < 6; i++) {
    exchMs += int(20, 200);
    const c = changes(book, mid, int(1, 4));
    const pseq = seq;
    seq += BigInt(int(1, 900));
    // one update carries a real CRC-32 (verified), the others 0 (none)
    const cs = i === 3 ? book.checksum() : 0;
    push(
      `{"data":[{"a":[${levels(c.asks)}],"b":[${levels(c.bids)}],"checksum":${cs},"seq":${seq},"pseq":${pseq},"ts":"${exchMs}"}],"arg":${arg('books')},"action":"update","ts":${exchMs + 3}}`,
    );
    if (i % 2 === 1) {
      exchMs += 3;
      const t = [];
      for (let k = 0; k < 2; k++) {
        id += BigInt(int(2, 30));
        t.push(`{"i":"${id}","L":"${id + 1n}","p":"${px(mid + 1)}","v":"${sz(int(1, 500))}","S":"buy","T":"${exchMs}"}`);
      }
      push(`{"action":"update","arg":${arg('publicTrade')},"data":[${t.reverse().join(',')}],"ts":${exchMs + 2}}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// ---- Tardis CSV (binance-futures BTCUSDT: tick 0.1, lot 0.001) -----------------------------------------------------
function csv() {
  const book = new Book();
  const bookRows = ['exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount'];
  const tradeRows = ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount'];
  let t = BigInt(DAY_MS) * 1000n; // µs
  let mid = 941_000;
  let tradeId = 5_912_345_678;
  const row = (snap, side, tick, lots, ts, local) =>
    bookRows.push(
      `binance-futures,BTCUSDT,${ts},${local},${snap},${side === 'b' ? 'bid' : 'ask'},${px(tick)},${lots === 0 ? '0' : sz(lots)}`,
    );
  const message = (snap, bids, asks) => {
    t += BigInt(int(1000, 80000));
    const local = t + BigInt(int(800, 4000));
    for (const [tick, lots] of bids) row(snap, 'b', tick, lots, t, local);
    for (const [tick, lots] of asks) row(snap, 'a', tick, lots, t, local);
    return local;
  };
  const trade = (local, sameLocal) => {
    const ts = local - BigInt(int(500, 3000));
    const l = sameLocal ? local : local + BigInt(int(1, 900));
    const buy = rand() < 0.5;
    tradeRows.push(
      `binance-futures,BTCUSDT,${ts},${l},${tradeId++},${buy ? 'buy' : 'sell'},${px(buy ? mid + 1 : mid - 1)},${sz(int(1, 700))}`,
    );
  };
  // updates buffered before the first snapshot: Tardis says skip them
  for (let i = 0; i < 2; i++) message('false', [[mid - 2, int(1, 100)]], []);
  let s = snapshotLevels(book, mid, 10);
  message('true', s.bids, s.asks);
  for (let i = 0; i < 14; i++) {
    const c = changes(book, mid, int(1, 4));
    const local = message('false', c.bids, c.asks);
    if (i % 3 === 0) trade(local, i % 6 === 0);
  }
  // a reconnect: a snapshot after updates starts a new book
  mid += 7;
  s = snapshotLevels(book, mid, 8);
  message('true', s.bids, s.asks);
  for (let i = 0; i < 8; i++) {
    const c = changes(book, mid, int(1, 3));
    const local = message('false', c.bids, c.asks);
    if (i % 2 === 1) trade(local, false);
  }
  // one amount as Tardis prints tiny numbers: exponent notation (1.5e-2 = 0.015, on the 0.001 lot)
  const last = bookRows.length - 1;
  bookRows[last] = bookRows[last].replace(/,[^,]+$/, ',1.5e-2');
  const offgrid = [...bookRows];
  // line 17 (1-based, the header is line 1): a price between two ticks
  offgrid[16] = offgrid[16].replace(/,(\d+)\.(\d),([^,]+)$/, ',$1.$205,$3');
  return { book: `${bookRows.join('\n')}\n`, trades: `${tradeRows.join('\n')}\n`, offgrid: `${offgrid.join('\n')}\n` };
}

const write = (name, text) => writeFileSync(join(dir, name), text);
const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }); // zlib writes no time into the header: same bytes each run

const v2text = v2();
write('bitget-futures_v2_BTCUSDT.ndjson', v2text);
writeFileSync(join(dir, 'bitget-futures_v2_BTCUSDT.ndjson.gz'), gz(v2text));
write('bitget-futures_v3_BTCUSDT.ndjson', v3());
const c = csv();
write('binance-futures_incremental_book_L2_BTCUSDT.csv', c.book);
writeFileSync(join(dir, 'binance-futures_incremental_book_L2_BTCUSDT.csv.gz'), gz(c.book));
write('binance-futures_trades_BTCUSDT.csv', c.trades);
write('binance-futures_incremental_book_L2_BTCUSDT_offgrid.csv', c.offgrid);
console.log(`wrote the Tardis fixtures to ${dir}`);
