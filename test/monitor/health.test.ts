// The readiness checks on an injected clock: market data stale after the threshold (also when it never came), the
// recorder failing while its write errors grow and healthy again a window after the last one; the registry's
// counters follow their sources at each scrape.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Health, feedFreshness, tradingHealth, writerHealth } from '../../src/monitor/health';
import { Metrics } from '../../src/monitor/metrics';

test('feed freshness: waiting, fresh while the count moves, stale after the threshold, fresh again', () => {
  let n: number | undefined;
  const check = feedFreshness(() => n, 2000, 0);
  assert.equal(check(500), { ok: false, detail: 'waiting for the first market data' });
  assert.equal(check(2500), { ok: false, detail: 'no market data 2.5 s after start (stale after 2.0 s)' });
  n = 10;
  assert.is(check(3000).ok, true);
  n = 20;
  assert.is(check(4000).ok, true);
  assert.is(check(5900).ok, true, 'within the threshold of the last move');
  assert.equal(check(6500), { ok: false, detail: 'no market data for 2.5 s (stale after 2.0 s)' });
  n = 21;
  assert.is(check(6600).ok, true);
});

test('writer health: failing while errors grow, healthy a window after the last', () => {
  let errors = 0;
  const check = writerHealth(() => errors, 5000);
  assert.equal(check(0), { ok: true, detail: 'writing' });
  errors = 1;
  assert.is(check(1000).ok, false);
  errors = 2;
  assert.is(check(2000).ok, false);
  assert.is(check(6999).ok, false);
  assert.equal(check(7001), { ok: true, detail: 'writing (2 write errors earlier, none in the last 5.0 s)' });
});

test('trading health: ready while trading or reconciling, not ready while halted with the reason; a clean stop is no halt', () => {
  let s: { phase: string; haltReason: string | null } = { phase: 'IDLE', haltReason: null };
  const h = new Health().add(
    'trading',
    tradingHealth(() => s),
  );
  assert.equal(h.report(), { ready: true, checks: { trading: { ok: true, detail: 'trading (IDLE)' } } });
  s = { phase: 'RECONCILE', haltReason: null };
  assert.is(h.report().ready, true, 'a reconcile refuses orders for a while; it is not a halt');
  s = { phase: 'HALTED', haltReason: 'risk limit: the loss since the UTC day began passed 100.00 USDT' };
  const r = h.report();
  assert.is(r.ready, false);
  assert.equal(r.checks.trading, {
    ok: false,
    detail:
      'HALTED: risk limit: the loss since the UTC day began passed 100.00 USDT; not ready until the process is stopped (it will not trade again by itself)',
  });
  s = { phase: 'STOPPED', haltReason: null };
  assert.equal(h.report().checks.trading, { ok: true, detail: 'stopped cleanly (not halted)' });
});

test('health: ready only when every check passes', () => {
  let ok = true;
  const h = new Health().add('a', () => ({ ok: true, detail: 'fine' })).add('b', () => ({ ok, detail: ok ? 'fine' : 'broken' }));
  assert.is(h.report().ready, true);
  ok = false;
  const r = h.report();
  assert.is(r.ready, false);
  assert.equal(r.checks.b, { ok: false, detail: 'broken' });
});

test('metrics: totals follow their source at each scrape and never go back; unknown gauges read NaN', async () => {
  const m = new Metrics('test');
  let v: number | undefined;
  let byChannel: Array<[Record<string, string>, number]> = [];
  m.total('t_total', 'a total', () => v);
  m.total('c_total', 'by channel', ['channel'], () => byChannel);
  m.gauge('g', 'a gauge', () => v);
  const read = async () => {
    const text = await m.text();
    const get = (name: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    };
    return { t: get('t_total'), books: get('c_total{channel="books"}'), g: get('g'), text };
  };
  let r = await read();
  assert.ok(Number.isNaN(r.g), 'unknown reads NaN, not 0');
  assert.is(r.books, undefined, 'a labelled series appears once it has a value');
  assert.match(r.text, /ringbook_info\{version="[^"]+",command="test"\} 1/);
  assert.match(r.text, /process_resident_memory_bytes \d+/);
  v = 5;
  byChannel = [[{ channel: 'books' }, 7]];
  r = await read();
  assert.equal([r.t, r.books, r.g], [5, 7, 5]);
  v = 9;
  byChannel = [[{ channel: 'books' }, 8]];
  r = await read();
  assert.equal([r.t, r.books, r.g], [9, 8, 9]);
  v = 3; // a source that restarted: the published total does not go back
  r = await read();
  assert.equal([r.t, r.g], [9, 3]);
});

test.run();
