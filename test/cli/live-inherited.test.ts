// A session that finds a position an earlier session left at the venue: its reconcile halts it on the mismatch,
// naming the symbol and saying what differed (the venue answered: it is no reconcile left unanswered), and the stop's
// flatten closes the venue's position. The summary then reports the position the venue has (none), not the one our
// fills would make of the flatten (the inherited lots, short), nor a PnL marked on that phantom position.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange } from '../../src/exchange/index';
import { FUT, client } from '../exchange/private-helpers';
import { liveSession } from '../helpers/live-session';

test("a position left at the venue: halt names the symbol and the mismatch; the summary reports the venue's flat position", async () => {
  const ex = await startExchange({ seed: 11 });
  try {
    const c = client(ex.url.rest);
    // what an earlier session killed without its clean-up left: 2 lots of BTCUSDT, 5 of ETHUSDT, long
    for (const [symbol, size] of [
      ['BTCUSDT', '0.0002'],
      ['ETHUSDT', '0.05'],
    ]) {
      const r = await c.post('/api/v2/mix/order/place-order', {
        ...FUT,
        symbol,
        side: 'buy',
        orderType: 'market',
        size,
        clientOid: `earlier-${symbol}`,
      });
      assert.is(r.json.code, '00000', r.text);
    }
    const child = liveSession(ex, ['--symbols', 'BTCUSDT,ETHUSDT', '--strategy', 'mm-glft', '--duration', '2s'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    assert.is(code, 3, err);
    assert.match(err, /\n\[error\] HALTED: (BTCUSDT|ETHUSDT): (reconcile|resync) mismatch: venue position \d lots ≠ 0 from fills\n/);
    assert.match(
      err,
      /\n {2}ended {9}HALTED at \S+Z: (BTCUSDT|ETHUSDT): the venue does not hold what our fills and orders say \((reconcile|resync) mismatch: venue position \d lots ≠ 0 from fills\)/,
    );
    assert.not.match(err, /did not answer/);
    assert.match(err, /flatten BTCUSDT: sell 2 lots/);
    assert.match(err, /flatten ETHUSDT: sell 5 lots/);
    assert.match(
      err,
      /\n\[info\] fill for rbflat-btcusdt-\S+ \(the stop.s flatten\) moves the position to -?\d+ from our fills; the venue.s is 0 lots\n/,
    );
    // the venue's positions, read at the stop; ours from fills (the flatten's sells of lots we never bought) said beside them
    assert.match(
      err,
      /; positions at the end BTCUSDT 0 lots at the venue, which disagrees with our fills \(-2 lots\): the venue's is the one that counts, ETHUSDT 0 lots at the venue, which disagrees with our fills \(-5 lots\): the venue's is the one that counts\n/,
    );
    // nothing marked on a position the venue does not hold: each symbol's PnL is what its flatten paid; the flatten's
    // order is counted with its fill
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const line = new RegExp(
        `\\n {2}${symbol} +1 order \\(1 by the flatten\\), 0 cancels, 1 fill \\(1 by the flatten\\), 0 rejects; position 0 lots \\([^)]*\\); PnL (-?[\\d.]+) USDT net \\(realised 0\\.00 USDT, fees ([\\d.]+) USDT, no funding charged\\)`,
      ).exec(err);
      assert.ok(line, `${symbol}'s line: ${err}`);
      assert.is(Number(line![1]), -Number(line![2]), `${symbol}: PnL = -fees`);
    }
    const account = ex.trading!.account();
    assert.ok(
      account.futures.positions.every((p) => p.lots === 0),
      `flat at the venue: ${JSON.stringify(account.futures.positions)}`,
    );
  } finally {
    await ex.close();
  }
});

test.run();
