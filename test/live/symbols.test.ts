// Several symbols in one trading session on the local exchange: one pipeline with both books, the runtime's
// instrument i = the session's symbol i, each action to its own symbol's gateway (one decision for both symbols is
// split between them), each gateway's answers back under its instrument, so a fill moves its own symbol's position
// only (the flatten's too, an order the strategy never placed). The order log files each record under its symbol and
// the session file names the symbols by index. A strategy that orders a watched symbol halts with the reason named.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { startExchange } from '../../src/exchange/index';
import { defineStrategy } from '../../src/strategy/api';
import type { StrategyDefinition } from '../../src/strategy/api';
import { resolveRun } from '../../src/strategy/resolve';
import { nest } from '../../src/strategy/params';
import { LOCAL_DEMO_CREDENTIALS } from '../../src/gateway/index';
import { TradingSession, type SessionFile } from '../../src/live/trading-session';
import { OrderEvent } from '../../src/live/orderlog';
import { rowGroups } from '../../src/capture/parquet/reader';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-symbols-'));

async function until(what: string, cond: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Once both books are valid, one decision: buy 2 lots of BTCUSDT and sell 3 of ETHUSDT at market. */
const both = defineStrategy({
  name: 'both-symbols',
  params: {},
  create(ctx) {
    let done = false;
    return {
      onBook() {
        const [btc, eth] = [ctx.market('BTCUSDT'), ctx.market('ETHUSDT')];
        if (done || !btc.book.valid || !eth.book.valid) return;
        done = true;
        ctx.place({ symbol: 'BTCUSDT', side: 'buy', type: 'market', sizeLot: 2, tag: 'btc' });
        ctx.place({ symbol: 'ETHUSDT', side: 'sell', type: 'market', sizeLot: 3, tag: 'eth' });
      },
    };
  },
}) as unknown as StrategyDefinition;

test('two symbols: each order to its gateway, each fill to its symbol, flattened per symbol at the stop', async () => {
  const ex = await startExchange({ seed: 5 });
  const logs: string[] = [];
  const run = resolveRun(both, [], []);
  const root = join(dir, 'session');
  const session = await TradingSession.start({
    wsUrl: ex.url.ws,
    restUrl: ex.url.rest,
    instType: 'USDT-FUTURES',
    symbol: 'BTCUSDT',
    symbols: ['BTCUSDT', 'ETHUSDT'],
    strategy: {
      strategy: { definition: both, bundle: null, describeError: String },
      params: run.params,
      settings: run.settings,
      config: nest(run.values),
      coreHash: null,
    },
    credentials: LOCAL_DEMO_CREDENTIALS,
    mode: 'local',
    log: (l) => logs.push(l),
    record: { root, source: 'simulator', flushMs: 200 },
  });
  const account = async () => (await (await fetch(new URL('/debug/account', ex.url.rest))).json()) as any;
  const lotsOf = (a: any, symbol: string) => a.futures.positions.find((p: any) => p.symbol === symbol)?.lots ?? 0;
  try {
    assert.equal(
      session.grids.map((g) => g.symbol),
      ['BTCUSDT', 'ETHUSDT'],
    );
    assert.is(session.gateways.length, 2);
    await until('both fills', () => session.runtime.position(0).lot === 2 && session.runtime.position(1).lot === -3, 30_000);
    const a = await account();
    assert.is(lotsOf(a, 'BTCUSDT'), 2, 'the venue holds the BTCUSDT buy');
    assert.is(lotsOf(a, 'ETHUSDT'), -3, 'the venue holds the ETHUSDT sell');
    // each order went through its own symbol's gateway, and only that one
    const oidOf = (symbol: string) => a.fills.find((f: any) => f.symbol === symbol).clientOid as string;
    const [btcOid, ethOid] = [oidOf('BTCUSDT'), oidOf('ETHUSDT')];
    assert.ok(session.gateways[0].tracker.get(btcOid), 'the BTCUSDT gateway placed the BTCUSDT order');
    assert.is(session.gateways[0].tracker.get(ethOid), undefined, 'the BTCUSDT gateway never saw the ETHUSDT order');
    assert.ok(session.gateways[1].tracker.get(ethOid), 'the ETHUSDT gateway placed the ETHUSDT order');
    assert.is(session.gateways[1].tracker.get(btcOid), undefined, 'the ETHUSDT gateway never saw the BTCUSDT order');
    const s = session.summary();
    assert.equal(
      s.symbols.map((y) => [y.symbol, y.orders, y.fills, y.positionLot]),
      [
        ['BTCUSDT', 1, s.symbols[0].fills, 2],
        ['ETHUSDT', 1, s.symbols[1].fills, -3],
      ],
    );
    assert.ok(s.symbols[0].fills >= 1 && s.symbols[1].fills >= 1);
    assert.is(s.fills, s.symbols[0].fills + s.symbols[1].fills, 'the total is the sum');
    assert.ok(Math.abs(s.feesQuote - Number(a.futures.fees)) < 1e-9, `fees ${s.feesQuote} vs the venue's ${a.futures.fees}`);
  } finally {
    const summary = await session.stop(true);
    const a = await account();
    await ex.close();
    assert.is(lotsOf(a, 'BTCUSDT'), 0, 'BTCUSDT flattened at the venue');
    assert.is(lotsOf(a, 'ETHUSDT'), 0, 'ETHUSDT flattened at the venue');
    assert.equal(
      summary.symbols.map((y) => y.positionLot),
      [0, 0],
      `each flatten's fill moved its own symbol (logs: ${logs.slice(-6).join(' | ')})`,
    );
    assert.equal(a.openOrders, [], 'no order left open');
  }
  // the session file names the symbols by index; each symbol's order records are in its own files (the symbol= partition)
  const orders = join(root, '_orders');
  const sessionFile = readdirSync(orders).find((f) => /^session-\d+\.json$/.test(f))!;
  const file = JSON.parse(readFileSync(join(orders, sessionFile), 'utf8')) as SessionFile;
  assert.equal(file.symbols, ['BTCUSDT', 'ETHUSDT']);
  assert.equal(
    file.instruments!.map((i) => i.symbol),
    ['BTCUSDT', 'ETHUSDT'],
  );
  assert.is(file.symbol, 'BTCUSDT');
  const files = (readdirSync(orders, { recursive: true }) as string[]).filter((f) => f.endsWith('.parquet'));
  const per: Record<string, { places: number; fills: number; stops: number }> = {};
  for (const f of files) {
    const symbol = /symbol=([A-Z]+)/.exec(f)![1];
    const p = (per[symbol] ??= { places: 0, fills: 0, stops: 0 });
    for await (const g of rowGroups(await asyncBufferFromFile(join(orders, f)), ['kind', 'flags'])) {
      const [kind, flags] = [g.columns.kind as Int32Array, g.columns.flags as Int32Array];
      for (let i = 0; i < g.rows; i++) {
        if (kind[i] !== 6) continue;
        if (flags[i] === OrderEvent.place) p.places++;
        if (flags[i] === OrderEvent.fill) p.fills++;
        if (flags[i] === OrderEvent.stop) p.stops++;
      }
    }
  }
  assert.is(per.BTCUSDT.places, 1);
  assert.is(per.ETHUSDT.places, 1);
  assert.ok(per.BTCUSDT.fills >= 2 && per.ETHUSDT.fills >= 2, 'each symbol has its entry and its flatten fills');
  assert.is(per.BTCUSDT.stops, 1, "the stop is in each symbol's log");
  assert.is(per.ETHUSDT.stops, 1);
});

test('an order on a watched symbol halts the session with the reason named', () => {
  copyFileSync(join(process.cwd(), 'test/fixtures/strategies/orders-watched.ts'), join(dir, 'orders-watched.ts'));
  const r = spawnSync(
    process.execPath,
    [CLI, 'demo', '--strategy', 'orders-watched.ts', '--symbols', 'BTCUSDT,ETHUSDT', '--duration', '4s', '--out', 'data'],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 90_000 },
  );
  assert.is(r.status, 3, `a session that ended halted exits 3\n${r.stderr}`);
  assert.match(r.stderr, /trading ETHUSDT, watching BTCUSDT for 4 s/);
  assert.match(
    r.stderr,
    /HALTED: strategy error in onBook: ctx\.place: BTCUSDT is watched, not traded \(list it in instruments\.trade\) \(orders-watched\.ts:\d+:\d+\)/,
  );
  assert.match(r.stderr, /^ {2}BTCUSDT +watched: 0 orders/m);
});

test('--symbols with a symbol twice is a command-line error', () => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--symbols', 'BTCUSDT,btcusdt'], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--symbols BTCUSDT,btcusdt: BTCUSDT is named twice/);
});

test('--symbols without a symbol the strategy declares is a command-line error naming it', () => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--strategy', 'lead-lag', '--symbols', 'BTCUSDT'], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(
    r.stderr,
    /--symbols BTCUSDT: the strategy declares ETHUSDT too \(ETHUSDT traded, BTCUSDT watched\): try --symbols ETHUSDT,BTCUSDT/,
  );
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
