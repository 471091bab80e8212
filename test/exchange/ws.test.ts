import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startExchange, type Exchange } from '../../src/exchange/index';
import { ClientBook, FUT_BTC, SPOT_A2Z, WsProbe, getText, isSnapshot, isUpdate, rawInt, within, type Lvl } from './helpers';

const FIXTURES = join(process.cwd(), 'test/fixtures/bitget');
const fixture = (name: string) =>
  readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim());

let ex: Exchange;
const probes: WsProbe[] = [];
const open = async (url = ex.url.ws) => {
  const p = await WsProbe.open(url);
  probes.push(p);
  return p;
};
test.before(async () => {
  ex = await startExchange({ seed: 1, manual: true });
});
test.after.each(() => {
  for (const p of probes.splice(0)) p.close();
});
test.after(async () => {
  await ex.close();
});

test('ping → pong as text; acks one per argument, exactly as Bitget', async () => {
  const c = await open();
  await c.barrier();
  c.subscribe(FUT_BTC, { instType: 'SPOT', channel: 'trade', instId: 'A2ZUSDT' });
  assert.is(
    await c.next((f) => f.startsWith('{"event"'), 'first ack'),
    fixture('futures-mavusdt-books-pseq.jsonl')[0].replace(/MAVUSDT/g, 'BTCUSDT'),
  );
  assert.is(
    await c.next((f) => f.startsWith('{"event"'), 'second ack'),
    '{"event":"subscribe","arg":{"instType":"SPOT","channel":"trade","instId":"A2ZUSDT"}}',
  );
  c.send({ op: 'unsubscribe', args: [{ instType: 'SPOT', channel: 'trade', instId: 'A2ZUSDT' }] });
  assert.is(
    await c.next((f) => f.startsWith('{"event"'), 'unsubscribe ack'),
    '{"event":"unsubscribe","arg":{"instType":"SPOT","channel":"trade","instId":"A2ZUSDT"}}',
  );
  const mark = c.frames.length;
  ex.tick(20);
  await c.barrier();
  assert.ok(!c.since(mark).some((f) => f.includes('"channel":"trade"')), 'no trade frames after unsubscribe');
});

test('error frames: unknown instId (30001) and books50 (30016) match the captured frames verbatim', async () => {
  const c = await open();
  const [nope, books50] = fixture('ws-error-frames.jsonl');
  c.send({
    op: 'subscribe',
    args: [
      { instType: 'USDT-FUTURES', channel: 'books', instId: 'NOPEUSDT' },
      { instType: 'USDT-FUTURES', channel: 'books50', instId: 'BTCUSDT' },
    ],
  });
  assert.is(await c.next((f) => f.startsWith('{"event"'), '30001'), nope);
  assert.is(await c.next((f) => f.startsWith('{"event"'), '30016'), books50);
});

test('error frames: bad JSON 30002, bad op 30003, missing args / bad arg 30016; a listed symbol under another type is acked', async () => {
  const c = await open();
  c.send('{not json');
  assert.is(await c.next(() => true, '30002'), '{"event":"error","code":30002,"msg":"Illegal request"}');
  c.send({ op: 'login', args: [] });
  assert.is(await c.next(() => true, '30003'), '{"event":"error","code":30003,"msg":"Invalid op","op":"login"}');
  c.send({ op: 'subscribe' });
  assert.is(await c.next(() => true, '30016 no args'), '{"event":"error","code":30016,"msg":"Param error","op":"subscribe"}');
  c.send({ op: 'subscribe', args: [{ channel: 'books', instId: 'BTCUSDT' }] });
  assert.is(
    await c.next(() => true, '30016 bad arg'),
    '{"event":"error","arg":{"channel":"books","instId":"BTCUSDT"},"code":30016,"msg":"Param error","op":"subscribe"}',
  );
  c.subscribe({ instType: 'USDT-FUTURES', channel: 'books', instId: 'A2ZUSDT' });
  assert.is(
    await c.next(() => true, 'silent ack'),
    '{"event":"subscribe","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"A2ZUSDT"}}',
  );
  const mark = c.frames.length;
  ex.tick(3);
  await c.barrier();
  assert.equal(c.since(mark), ['pong'], 'acked, then silent');
});

test('other WS paths are refused at the upgrade', async () => {
  const ws = new WebSocket(ex.url.ws.replace('/v2/ws/public', '/v2/ws/nope'));
  const err = await within(new Promise<Error>((resolve) => ws.on('error', resolve)), 5000, 'upgrade refusal');
  assert.match(err.message, /Unexpected server response: 404/);
});

test('futures books: snapshot (500/side, pseq 0, seq > 2^53 exact, no checksum) then updates whose pseq chains', async () => {
  const fresh = await startExchange({ seed: 9, manual: true });
  try {
    const c = await WsProbe.open(fresh.url.ws);
    probes.push(c);
    c.subscribe(FUT_BTC);
    const snap = await c.next(isSnapshot('books', 'BTCUSDT'), 'books snapshot');
    assert.is(rawInt(snap, 'seq'), '9007199254740993', 'start seq 2^53+1 printed exactly');
    assert.is.not(String(JSON.parse(snap).data[0].seq), '9007199254740993', 'JSON.parse would have lost it');
    assert.is(rawInt(snap, 'pseq'), '0');
    assert.not.match(snap, /checksum/);
    const sd = JSON.parse(snap).data[0];
    assert.equal(Object.keys(sd), ['asks', 'bids', 'ts', 'seq', 'pseq']);
    assert.is(sd.asks.length, 500);
    assert.is(sd.bids.length, 500);
    const book = new ClientBook(1);
    book.apply(sd, true);
    const mark = c.frames.length;
    fresh.tick(30);
    await c.barrier();
    const updates = c.since(mark).filter(isUpdate('books', 'BTCUSDT'));
    assert.ok(updates.length >= 25, `${updates.length} updates in 30 ticks`);
    let last = rawInt(snap, 'seq')!;
    const jumps = new Set<bigint>();
    for (const u of updates) {
      assert.match(
        u,
        /^\{"action":"update","arg":\{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"\},"data":\[\{"asks":\[.*\],"bids":\[.*\],"ts":"\d+","seq":\d+,"pseq":\d+\}\],"ts":\d+\}$/,
      );
      assert.is(rawInt(u, 'pseq'), last, 'pseq = previous seq');
      const seq = rawInt(u, 'seq')!;
      assert.ok(BigInt(seq) > BigInt(last));
      jumps.add(BigInt(seq) - BigInt(last));
      last = seq;
      book.apply(JSON.parse(u).data[0], false);
    }
    assert.ok(jumps.size > 1, 'seq does not step by a constant');
    assert.is(last, fresh.market('USDT-FUTURES', 'BTCUSDT')!.seq.toString());
    const truth = JSON.parse((await getText(`${fresh.url.rest}/debug/book?instType=USDT-FUTURES&symbol=BTCUSDT&depth=25`)).text);
    assert.equal(book.top(25), truth.levels, 'client book = true book');
    assert.is(truth.seq, last);
  } finally {
    await fresh.close();
  }
});

for (const symbol of ['A2ZUSDT', 'BTCUSDT']) {
  test(`spot books ${symbol}: a client applying snapshot + updates reproduces every checksum and ends equal to /debug/book`, async () => {
    const c = await open();
    c.subscribe({ instType: 'SPOT', channel: 'books', instId: symbol });
    const snap = await c.next(isSnapshot('books', symbol), 'spot snapshot');
    const sd = JSON.parse(snap).data[0];
    assert.equal(Object.keys(sd), ['asks', 'bids', 'ts', 'checksum', 'seq']);
    assert.is(sd.checksum, 0);
    assert.not.match(snap, /pseq/);
    const scale = symbol === 'A2ZUSDT' ? 6 : 2;
    if (symbol === 'BTCUSDT') {
      assert.ok(
        sd.bids.every((l: Lvl) => /^\d+\.\d{2}$/.test(l[0]) && /^\d+\.\d{6}$/.test(l[1])),
        'keepTrailingZeros: every decimal printed',
      );
    } else {
      assert.ok(
        sd.asks.every((l: Lvl) => !/\.\d*0$/.test(l[0]) && !/\.\d*0$/.test(l[1])),
        'trailing zeros stripped',
      );
    }
    const book = new ClientBook(scale);
    book.apply(sd, true);
    const mark = c.frames.length;
    ex.tick(40);
    await c.barrier();
    const updates = c.since(mark).filter(isUpdate('books', symbol));
    assert.ok(updates.length >= 10, `${updates.length} updates`);
    let seq = BigInt(rawInt(snap, 'seq')!);
    for (const u of updates) {
      const d = JSON.parse(u).data[0];
      assert.equal(Object.keys(d), ['asks', 'bids', 'ts', 'checksum', 'seq']);
      book.apply(d, false);
      assert.is(book.checksum(), d.checksum, `checksum of update seq ${d.seq}`);
      assert.ok(BigInt(rawInt(u, 'seq')!) > seq);
      seq = BigInt(rawInt(u, 'seq')!);
    }
    const truth = JSON.parse((await getText(`${ex.url.rest}/debug/book?instType=SPOT&symbol=${symbol}&depth=25`)).text);
    assert.equal(book.top(25), truth.levels);
    assert.is(book.checksum(), truth.checksum);
  });
}

test('books1 / books5 / books15: snapshots of the top N (spot checksum:0; futures seq + pseq:0), last one = the true top N', async () => {
  const c = await open();
  c.subscribe(
    { instType: 'SPOT', channel: 'books5', instId: 'A2ZUSDT' },
    { instType: 'USDT-FUTURES', channel: 'books15', instId: 'ETHUSDT' },
    { instType: 'USDT-FUTURES', channel: 'books1', instId: 'BTCUSDT' },
  );
  await c.next(isSnapshot('books1', 'BTCUSDT'), 'the books1 snapshot (the last of the three)');
  const mark = c.frames.length;
  ex.tick(15);
  await c.barrier();
  const all = c.frames;
  for (const [type, channel, instId, n] of [
    ['SPOT', 'books5', 'A2ZUSDT', 5],
    ['USDT-FUTURES', 'books15', 'ETHUSDT', 15],
    ['USDT-FUTURES', 'books1', 'BTCUSDT', 1],
  ] as const) {
    const frames = all.filter((f) => f.includes(`"channel":"${channel}","instId":"${instId}"`) && f.startsWith('{"action"'));
    assert.ok(frames.length >= 2, `${channel}: ${frames.length} frames`);
    assert.ok(
      c.since(mark).some((f) => frames.includes(f)),
      `${channel} pushed after ticks`,
    );
    for (const f of frames) {
      assert.ok(f.startsWith('{"action":"snapshot"'), 'always snapshot');
      const d = JSON.parse(f).data[0];
      if (type === 'SPOT') {
        assert.equal(Object.keys(d), ['asks', 'bids', 'checksum', 'ts']);
        assert.is(d.checksum, 0);
      } else {
        assert.equal(Object.keys(d), ['asks', 'bids', 'ts', 'seq', 'pseq']);
        assert.is(rawInt(f, 'pseq'), '0');
      }
      assert.is(d.asks.length, n);
      assert.is(d.bids.length, n);
    }
    const lastFrame = frames[frames.length - 1];
    const truth = JSON.parse((await getText(`${ex.url.rest}/debug/book?instType=${type}&symbol=${instId}&depth=${n}`)).text);
    assert.equal(JSON.parse(lastFrame).data[0].bids, truth.levels.bids);
    assert.equal(JSON.parse(lastFrame).data[0].asks, truth.levels.asks);
    if (type !== 'SPOT') assert.is(rawInt(lastFrame, 'seq'), truth.seq);
  }
});

test('trade: snapshot of recent trades then updates, newest first, ids strictly increasing', async () => {
  ex.tick(30);
  const c = await open();
  c.subscribe({ instType: 'USDT-FUTURES', channel: 'trade', instId: 'BTCUSDT' });
  const snap = await c.next(isSnapshot('trade', 'BTCUSDT'), 'trade snapshot');
  const mark = c.frames.length;
  ex.tick(40);
  await c.barrier();
  const updates = c.since(mark).filter(isUpdate('trade', 'BTCUSDT'));
  assert.ok(updates.length >= 3, `${updates.length} trade updates`);
  const chronological: { id: bigint; ts: number }[] = [];
  for (const f of [snap, ...updates]) {
    const data = JSON.parse(f).data as Record<string, string>[];
    assert.ok(data.length >= 1);
    for (const t of data) {
      assert.equal(Object.keys(t), ['ts', 'price', 'size', 'side', 'tradeId']);
      assert.match(t.ts, /^\d+$/);
      assert.match(t.price, /^\d+(\.\d)?$/);
      assert.match(t.size, /^\d+(\.\d{1,4})?$/);
      assert.ok(t.side === 'buy' || t.side === 'sell');
      assert.match(t.tradeId, /^\d+$/);
    }
    const ids = data.map((t) => BigInt(t.tradeId));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i] < ids[i - 1], 'newest first');
    for (const t of [...data].reverse()) chronological.push({ id: BigInt(t.tradeId), ts: Number(t.ts) });
  }
  for (let i = 1; i < chronological.length; i++) {
    assert.ok(chronological[i].id > chronological[i - 1].id);
    assert.ok(chronological[i].ts >= chronological[i - 1].ts);
  }
  assert.ok(chronological[0].id > 2n ** 53n);
});

test('connections keep their own subscriptions', async () => {
  const a = await open();
  const b = await open();
  a.subscribe(SPOT_A2Z);
  b.subscribe({ instType: 'USDT-FUTURES', channel: 'trade', instId: 'ETHUSDT' });
  await a.next(isSnapshot('books', 'A2ZUSDT'), 'a snapshot');
  await b.next(isSnapshot('trade', 'ETHUSDT'), 'b snapshot');
  ex.tick(20);
  await a.barrier();
  await b.barrier();
  assert.ok(a.frames.every((f) => !f.includes('ETHUSDT')));
  assert.ok(b.frames.every((f) => !f.includes('A2ZUSDT')));
  assert.ok(a.frames.some(isUpdate('books', 'A2ZUSDT')));
  assert.ok(b.frames.some(isUpdate('trade', 'ETHUSDT')));
});

test('resubscribing sends a fresh snapshot whose seq the next update chains to', async () => {
  const c = await open();
  c.subscribe(FUT_BTC);
  await c.next(isSnapshot('books', 'BTCUSDT'), 'first snapshot');
  ex.tick(5);
  c.subscribe(FUT_BTC);
  const again = await c.next(isSnapshot('books', 'BTCUSDT'), 'second snapshot');
  assert.is(rawInt(again, 'seq'), ex.market('USDT-FUTURES', 'BTCUSDT')!.seq.toString());
  ex.tick(3);
  const u = await c.next(isUpdate('books', 'BTCUSDT'), 'update after resubscribe');
  assert.is(rawInt(u, 'pseq'), rawInt(again, 'seq'));
});

test('more than 10 messages in a second → error 30006, then the socket closes', async () => {
  const c = await open();
  for (let i = 0; i < 11; i++) c.send('ping');
  const closed = await c.waitClose();
  assert.equal(c.frames, [...Array(10).fill('pong'), '{"event":"error","code":30006,"msg":"Request too many"}']);
  assert.is(closed.code, 1008);
});

test('no ping within pingTimeoutMs → the exchange drops the connection', async () => {
  const short = await startExchange({ manual: true, pingTimeoutMs: 150 });
  try {
    const c = await WsProbe.open(short.url.ws);
    probes.push(c);
    const closed = await c.waitClose(5000);
    assert.is(closed.code, 1006);
    assert.is(short.stats().traffic.pingTimeoutCloses, 1);
  } finally {
    await short.close();
  }
});

test('with the default timer, sim time follows the wall clock: updates arrive on their own', async () => {
  const live = await startExchange({ seed: 2 });
  try {
    const c = await WsProbe.open(live.url.ws);
    probes.push(c);
    c.subscribe(FUT_BTC);
    const snap = await c.next(isSnapshot('books', 'BTCUSDT'), 'snapshot');
    let last = rawInt(snap, 'seq');
    for (let i = 0; i < 3; i++) {
      const u = await c.next(isUpdate('books', 'BTCUSDT'), `timer-driven update ${i + 1}`, 5000);
      assert.is(rawInt(u, 'pseq'), last);
      last = rawInt(u, 'seq');
      const d = JSON.parse(u);
      assert.ok(Math.abs(Number(d.data[0].ts) - Date.now()) < 5000, 'data ts ≈ wall clock');
    }
  } finally {
    await live.close();
  }
});

test('determinism: two exchanges with the same seed and clock, ticked alike, send identical frames and books', async () => {
  const clock = { now: () => 1_790_000_000_000 };
  const run = async () => {
    const x = await startExchange({ seed: 77, manual: true, clock });
    const c = await WsProbe.open(x.url.ws);
    c.subscribe(FUT_BTC, SPOT_A2Z, { instType: 'SPOT', channel: 'trade', instId: 'BTCUSDT' });
    await c.next(isSnapshot('trade', 'BTCUSDT'), 'last snapshot');
    x.tick(25);
    await c.barrier();
    const books = x.instruments().map((i) => x.market(i.instType, i.symbol)!.book(100_000));
    c.close();
    await x.close();
    return { frames: c.frames, books };
  };
  const a = await run();
  const b = await run();
  assert.ok(a.frames.length > 30);
  assert.equal(a.frames, b.frames);
  assert.equal(a.books, b.books);
  const other = await startExchange({ seed: 78, manual: true, clock });
  other.tick(25);
  assert.is.not(JSON.stringify(other.market('SPOT', 'A2ZUSDT')!.book(25)), JSON.stringify(a.books[4]));
  await other.close();
});

test.run();
