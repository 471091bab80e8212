import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, Status, readSignal } from '../../src/core/index';
import { gridFromContract, gridFromSpotSymbol } from '../../src/feed/instruments';
import { harness } from '../helpers/feed';
import { FIXTURES } from '../helpers/bitget';

const lines = (name: string) =>
  readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
const a2z = gridFromSpotSymbol({ symbol: 'A2ZUSDT', pricePrecision: '6', quantityPrecision: '1' });
const mav = gridFromContract(
  { symbol: 'MAVUSDT', pricePlace: '5', priceEndStep: '1', volumePlace: '2', sizeMultiplier: '0.01' },
  'USDT-FUTURES',
);

test('A2ZUSDT: the real snapshot and update pass the checksum; the signal carries the exchange timestamps', async () => {
  const h = await harness([{ inst: 3, grid: a2z, channels: ['books'] }]);
  const [snap, upd] = lines('spot-a2zusdt-books-checksum.jsonl');
  h.push(snap);
  h.push(upd);
  const out = h.take();
  assert.equal(
    out.map((o) => o.kind),
    [Kind.signal, Kind.signal],
  );
  const s = readSignal(h.core, out[1].at);
  assert.ok(s.checksumOk, 'CRC-32 of the top 25 equals the frame checksum 1041484092');
  assert.is(s.exchTs, 1763528715515n * 1_000_000n);
  assert.is(s.seq, 395681167n);
  assert.is(s.bestBid, 3481);
  assert.is(s.bestBidPriceDec, 6);
  assert.is(h.engine.instrument(3).counter('checksumOk'), 1);
  assert.is(h.session.counters.snapshots, 1);
  assert.is(h.resubscribed.length, 0);
});

test('A2ZUSDT corrupted twin: the checksum mismatch is caught, the book dropped and a new snapshot requested', async () => {
  const h = await harness([{ inst: 0, grid: a2z, channels: ['books'] }]);
  const [snap, upd] = lines('spot-a2zusdt-books-checksum.jsonl');
  h.push(snap);
  h.push(upd.replace('"checksum":1041484092', '"checksum":1041484093'));
  const out = h.take();
  assert.equal(out.map((o) => [o.kind, o.code]).slice(1), [[Kind.status, Status.checksumMismatch]]);
  assert.not.ok(h.engine.instrument(0).synced);
  assert.equal(h.resubscribed, [{ instType: 'SPOT', channel: 'books', instId: 'A2ZUSDT' }]);
  assert.is(h.session.counters.engineResyncs, 1);
  // the next update is dropped (no snapshot yet), the next snapshot restores the book
  h.push(upd);
  assert.is(h.take().length, 0);
  h.push(snap);
  assert.ok(h.engine.instrument(0).synced);
  assert.is(h.engine.instrument(0).book.checksum(), -104022879);
});

test('MAVUSDT futures: the pseq chain is accepted and seq beyond the chain is exact', async () => {
  const h = await harness([{ inst: 1, grid: mav, channels: ['books'] }]);
  const frames = lines('futures-mavusdt-books-pseq.jsonl');
  for (const f of frames) h.push(f);
  const out = h.take();
  assert.is(h.session.counters.acks, 1);
  assert.equal(
    out.map((o) => o.kind),
    [Kind.signal, Kind.signal, Kind.signal],
  );
  assert.is(readSignal(h.core, out[2].at).seq, 427583480664n);
  assert.is(h.session.counters.gaps, 0);
  assert.is(h.engine.instrument(1).book.depth(1), 5);
});

test('MAVUSDT with the middle update missing: the broken chain is caught and nothing past it is applied', async () => {
  const h = await harness([{ inst: 1, grid: mav, channels: ['books'] }]);
  const [, snap, , upd2] = lines('futures-mavusdt-books-pseq.jsonl');
  h.push(snap);
  h.push(upd2);
  const out = h.take();
  assert.equal(
    out.map((o) => [o.kind, o.code]),
    [
      [Kind.signal, 0],
      [Kind.status, Status.gap],
    ],
  );
  assert.is(h.session.counters.gaps, 1);
  assert.equal(
    h.resubscribed.map((a) => a.channel),
    ['books'],
  );
  assert.is(h.engine.instrument(1).book.depth(2), 2, 'the update past the gap was not applied');
  assert.not.ok(h.engine.instrument(1).synced);
});

test('seq beyond 2^53 survives exactly; a duplicate update breaks the chain', async () => {
  const h = await harness([{ inst: 0, grid: mav, channels: ['books'] }]);
  const big = 9007199254740993n; // 2^53 + 1: a JSON.parse number would read 9007199254740992
  const frame = (action: string, seq: bigint, pseq: bigint, bids: string) =>
    `{"action":"${action}","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"MAVUSDT"},"data":[{"asks":[["0.01039","1"]],"bids":[${bids}],"ts":"1789456510736","seq":${seq},"pseq":${pseq}}],"ts":1789456511968}`;
  h.push(frame('snapshot', big, 0n, '["0.01038","2"]'));
  h.push(frame('update', big + 7n, big, '["0.01037","3"]'));
  h.push(frame('update', big + 7n, big, '["0.01037","3"]'));
  const out = h.take();
  assert.is(readSignal(h.core, out[1].at).seq, big + 7n);
  assert.equal(out.map((o) => [o.kind, o.code]).slice(2), [[Kind.status, Status.gap]]);
});

test('error frames surface as clear errors; malformed and unknown frames are counted and skipped', async () => {
  const h = await harness([{ inst: 0, grid: mav, channels: ['books'] }]);
  for (const f of lines('ws-error-frames.jsonl')) h.push(f);
  assert.equal(
    h.errors.map((e) => e.code),
    [30001, 30016, 30015],
  );
  assert.match(h.errors[0].msg, /NOPEUSDT,precision:null doesn't exist/);
  assert.ok(h.logs.some((l) => l.includes('exchange error 30015: Invalid sign')));
  h.push('{"action":"update","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"MAVUSDT"},"data":[{"asks":[["0.0104"');
  h.push('not json at all');
  h.push('{"hello":"world"}');
  h.push('pong');
  h.push(new Uint8Array([0xff, 0xfe, 0x00]));
  const c = h.session.counters;
  assert.is(c.malformed, 3);
  assert.is(c.unknown, 1);
  assert.is(c.pongs, 1);
  assert.is(
    h.logs.filter((l) => l.startsWith('malformed') || l.includes('cannot decode')).length,
    1,
    'bad frames are logged at most once per 5 s',
  );
});

test('prices off the instrument grid are refused, never rounded, and the book resyncs', async () => {
  const h = await harness([{ inst: 0, grid: mav, channels: ['books'] }]);
  const [, snap] = lines('futures-mavusdt-books-pseq.jsonl');
  h.push(snap);
  h.push(
    '{"action":"update","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"MAVUSDT"},"data":[{"asks":[],"bids":[["0.010385","1"]],"ts":"1789456512452","seq":427583480559,"pseq":427583461144}],"ts":1789456512453}',
  );
  assert.is(h.session.counters.badFrames, 1);
  assert.equal(
    h.take().map((o) => [o.kind, o.code]),
    [
      [Kind.signal, 0],
      [Kind.status, Status.badFrame],
    ],
  );
  assert.ok(h.logs.some((l) => /price not on the instrument grid/.test(l)));
});

test('trades: newest-first batches come out oldest first, duplicates by tradeId are dropped', async () => {
  const h = await harness([{ inst: 0, grid: mav, channels: ['books', 'trade'] }]);
  const t = (id: string, price: string, side: string) =>
    `{"ts":"1701910980366","price":"${price}","size":"12.5","side":"${side}","tradeId":"${id}"}`;
  const frame = (action: string, trades: string[]) =>
    `{"action":"${action}","arg":{"instType":"USDT-FUTURES","channel":"trade","instId":"MAVUSDT"},"data":[${trades.join(',')}],"ts":1701910980730}`;
  h.push(frame('snapshot', [t('1116461060594286595', '0.01039', 'buy'), t('1116461060594286593', '0.01038', 'sell')]));
  h.push(frame('update', [t('1116461060594286596', '0.0104', 'buy'), t('1116461060594286595', '0.01039', 'buy')]));
  const out = h.take();
  assert.equal(
    out.map((o) => o.kind),
    [Kind.trade, Kind.trade, Kind.trade],
  );
  const ids = out.map((o) => (BigInt(h.core.words[(o.at + 44) >> 2]) << 32n) | BigInt(h.core.words[(o.at + 40) >> 2] >>> 0));
  assert.equal(ids, [1116461060594286593n, 1116461060594286595n, 1116461060594286596n]);
  assert.equal(
    out.map((o) => h.core.bytes[o.at + 1]),
    [2, 1, 1],
  );
  assert.is(h.session.counters.duplicateTrades, 1);
});

test('a disconnect invalidates every book until its snapshot', async () => {
  const h = await harness([
    { inst: 0, grid: mav, channels: ['books'] },
    { inst: 1, grid: a2z, channels: ['books'] },
  ]);
  const [, snap, upd1] = lines('futures-mavusdt-books-pseq.jsonl');
  h.push(snap);
  h.session.onDisconnect();
  h.push(upd1);
  const out = h.take();
  assert.equal(
    out.map((o) => [o.kind, o.code]),
    [
      [Kind.signal, 0],
      [Kind.status, Status.disconnect],
      [Kind.status, Status.disconnect],
    ],
  );
  assert.not.ok(h.engine.instrument(0).synced);
  assert.is(h.session.counters.beforeSnapshot, 1);
});

test('a reconnect that takes longer than the snapshot timeout: the snapshot is awaited from the reconnect, not asked again at once', async () => {
  const h = await harness([{ inst: 0, grid: mav, channels: ['books'] }]);
  const [, snap] = lines('futures-mavusdt-books-pseq.jsonl');
  h.push(snap);
  h.session.onDisconnect();
  h.wait(15_000); // the venue restarting: no connection, no snapshot due
  h.session.onConnect(); // subscribed again
  h.wait(1_000);
  assert.equal(
    h.logs.filter((l) => /no snapshot/.test(l)),
    [],
    'not overdue: asked a second ago',
  );
  assert.equal(h.resubscribed, []);
  h.wait(9_500);
  assert.equal(h.logs.filter((l) => /no snapshot/.test(l)).length, 1, 'overdue 10 s after the reconnect');
  assert.is(h.resubscribed.length, 1);
});

test.run();
