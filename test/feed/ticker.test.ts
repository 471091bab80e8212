// The futures `ticker` push (docs/bitget.md §1.9) to a kind-7 record and back, exactly: the decimals as sent, never a
// float; and the feed session puts it on the capture ring only (the engine never sees it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, R, Ring, formatMemory, ringOffsets } from '../../src/core/index';
import { ManualClock } from '../../src/core/clock';
import { FrameDecoder } from '../../src/feed/decoder';
import { FeedSession } from '../../src/feed/feed-session';
import { gridFromContract } from '../../src/feed/instruments';
import { decimalText, parseDecimal, parseTicker, tickerRow, writeTickerRecord, TickerHas } from '../../src/feed/ticker';
import { FIXTURES } from '../helpers/bitget';
import { testCore } from '../helpers/core';

const DOC = readFileSync(join(FIXTURES, 'futures-btcusdt-ticker-doc.jsonl'), 'utf8').trim();

test("Bitget's documented futures ticker push: the funding fields as exact decimals and times in ns", () => {
  const f = parseTicker(DOC);
  assert.ok(typeof f !== 'string', String(f));
  if (typeof f === 'string') return;
  assert.is(f.exchNs, 1695715383021n * 1_000_000n);
  assert.is(f.nextFundingNs, 1695722400000n * 1_000_000n);
  assert.equal(f.rate, { mantissa: 10n, decimals: 6 });
  assert.equal(f.mark, { mantissa: 270000n, decimals: 1 });
  assert.equal(f.index, { mantissa: 257024n, decimals: 1 });
  assert.is(decimalText(f.rate!), '0.000010', 'printed back as received, trailing zero kept');
  assert.is(decimalText(f.mark!), '27000.0');
});

test('decimals: signs, trailing zeros and what is refused', () => {
  assert.equal(parseDecimal('-0.0001'), { mantissa: -1n, decimals: 4 });
  assert.is(decimalText(parseDecimal('-0.0001')!), '-0.0001');
  assert.is(decimalText(parseDecimal('5')!), '5');
  for (const bad of ['', '1e-4', '.5', '0.1.2', ' 1', 0.0001, null, '99999999999999999999.9'])
    assert.is(parseDecimal(bad), null, JSON.stringify(bad));
});

test('a push without funding (spot) keeps what it has; a broken push is a reason, not a throw', () => {
  const spot = parseTicker('{"data":[{"instId":"BTCUSDT","lastPr":"1","ts":"1695715383021"}]}');
  assert.ok(typeof spot !== 'string');
  if (typeof spot !== 'string') assert.equal([spot.rate, spot.mark, spot.nextFundingNs], [null, null, null]);
  assert.type(parseTicker('{"data":[]}'), 'string');
  assert.type(parseTicker('{"data":[{"ts":1.5}]}'), 'string');
  assert.type(parseTicker('not json'), 'string');
});

test('record round trip: the row read back is the push', () => {
  const f = parseTicker(DOC);
  if (typeof f === 'string') throw new Error(f);
  const w = new Int32Array(16);
  writeTickerRecord(w, 0, 3, 42n, f);
  const big = new BigInt64Array(w.buffer);
  assert.is(w[0] & 0xff, Kind.ticker);
  assert.is(w[0] >>> 16, TickerHas.mark | TickerHas.index | TickerHas.rate | TickerHas.nextFunding);
  assert.is(w[R.inst >> 2], 3);
  const row = tickerRow(w[0] >>> 16, big[1], big[2], big[3], big[4], big[5], big[6], big[7]);
  assert.equal(row, { exchNs: f.exchNs, localNs: 42n, mark: f.mark, index: f.index, rate: f.rate, nextFundingNs: f.nextFundingNs });
});

test('the feed session records a ticker push on the capture ring only, stamped with its receive time', async () => {
  const core = await testCore();
  const rings = [
    { name: 'market' as const, capLog2: 10, recShift: 6 },
    { name: 'capture' as const, capLog2: 10, recShift: 6 },
  ];
  formatMemory(core, rings);
  const at = ringOffsets(rings);
  const market = new Ring(core, at.market);
  const capture = new Ring(core, at.capture);
  const clock = new ManualClock(1_800_000_000_000_000_000n);
  const grid = gridFromContract(
    { symbol: 'BTCUSDT', pricePlace: '1', priceEndStep: '1', volumePlace: '3', sizeMultiplier: '0.001' },
    'USDT-FUTURES',
  );
  const session = new FeedSession(
    core,
    market,
    new FrameDecoder(core),
    clock,
    [{ inst: 2, grid, channels: ['books', 'trade', 'ticker'] }],
    {
      resubscribe: () => {},
      capture,
    },
  );
  assert.ok(
    session.args().some((a) => a.channel === 'ticker'),
    'subscribed',
  );
  session.onFrame(new TextEncoder().encode(DOC));
  assert.is(market.readable(100), 0, 'nothing for the engine');
  assert.is(capture.readable(100), 1);
  const p = capture.slot(capture.tail);
  assert.is(core.bytes[p], Kind.ticker);
  assert.is(core.words[(p + R.inst) >> 2], 2);
  assert.is(new BigInt64Array(core.words.buffer, p, 8)[R.localTs / 8], clock.ns);
  assert.is(session.counters.tickers, 1);
  session.onFrame(new TextEncoder().encode(DOC.replace('"ts":"1695715383021"', '"ts":"soon"')));
  assert.is(session.counters.badTickers, 1);
  assert.is(capture.readable(100), 1, 'a push that cannot be read is skipped');
});

test.run();
