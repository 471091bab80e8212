// The reads before a session trades: a failure that may pass is asked again (a service restarted on one 40015 would
// spend its start limit on it); keys the venue refuses and failures that will not pass stop the start at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAtStart } from '../../src/live/venue-check';
import { BitgetApiError, type BitgetGateway, type VenueState } from '../../src/gateway/index';
import type { InstrumentGrid } from '../../src/feed/instruments';

const GRID = { symbol: 'BTCUSDT' } as InstrumentGrid;
const KEYS = { apiKey: 'abcdefghijklmnop', secret: 's', passphrase: 'p' };
const FLAT: VenueState = { positionLot: 0, openOrders: [] } as unknown as VenueState;

/** A gateway whose reads fail with each of `failures` in turn, then answer flat. */
function gateway(failures: unknown[]): { g: BitgetGateway; reads: () => number } {
  let n = 0;
  const g = {
    readVenue: async () => {
      const f = failures[n++];
      if (f !== undefined) throw f;
      return FLAT;
    },
  } as unknown as BitgetGateway;
  return { g, reads: () => n };
}

const apiError = (code: string, msg: string) => new BitgetApiError(code, msg, 400, '/api/v2/mix/position/single-position');

test('a venue that fails the read twice (40015, a reset connection) is asked again, and the start goes on', async () => {
  const { g, reads } = gateway([apiError('40015', 'System is abnormal'), new Error('read ECONNRESET')]);
  const said: string[] = [];
  const got = await readAtStart([g], [GRID], KEYS, { retriesMs: [1, 1, 1], log: (l) => said.push(l) });
  assert.equal(got, [FLAT]);
  assert.is(reads(), 3);
  assert.is(said.length, 2);
  assert.match(said[0], /reading the account's BTCUSDT position and orders failed \(.*System is abnormal.*\); asking again in 0\.001 s/);
});

test('still failing after the retries: the start stops, saying how many attempts', async () => {
  const e = apiError('40015', 'System is abnormal');
  const { g, reads } = gateway([e, e, e, e, e]);
  try {
    await readAtStart([g], [GRID], KEYS, { retriesMs: [1, 1, 1] });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /^cannot read the account's BTCUSDT position and orders before trading \(4 attempts\): /);
  }
  assert.is(reads(), 4);
});

test('keys the venue refuses, or a failure that will not pass, stop the start at the first read', async () => {
  for (const [failure, said] of [
    [apiError('40006', 'Invalid ACCESS_KEY'), /the exchange refused the API key \(40006/],
    [apiError('40034', 'Parameter does not exist'), /^cannot read the account's BTCUSDT position and orders before trading: /],
  ] as const) {
    const { g, reads } = gateway([failure, undefined]);
    try {
      await readAtStart([g], [GRID], KEYS, { retriesMs: [1, 1, 1] });
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, said);
    }
    assert.is(reads(), 1);
  }
});

test.run();
