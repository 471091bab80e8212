// What a strategy's author mistypes is said where it happened: a misspelt read of any view, of the context, of an
// order or update, of the params or the limits throws naming the nearest name instead of reading undefined (NaN in
// arithmetic, false in every comparison: a backtest quietly wrong), and a misspelt field of an order request halts
// instead of sending the order without it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineStrategy, type Market, type StrategyContext, type StrategyDefinition } from '../../src/strategy/api';
import { loadBundle } from '../../src/strategy/sandbox';
import { meantText } from '../../src/strategy/strict-reads';
import { Run, scripted } from '../helpers/scripted';

test('"did you mean" is worded one way wherever a strategy is checked: the names meant, then where with all its names', () => {
  const book = ['bestBidTick', 'bestBidLot', 'spreadTicks'];
  assert.is(
    meantText('bestBid', book, 'm.book', true),
    ': did you mean m.book.bestBidTick or m.book.bestBidLot? (m.book has bestBidTick, bestBidLot, spreadTicks)',
  );
  assert.is(meantText('sprad', book, 'a request'), ': did you mean spreadTicks? (a request has bestBidTick, bestBidLot, spreadTicks)');
  assert.is(meantText('zzz', book, 'm.book', true), ' (m.book has bestBidTick, bestBidLot, spreadTicks)', 'nothing near: the list alone');
  assert.is(meantText('bestbidlot', book), ': did you mean bestBidLot?', 'no where: the names meant alone');
  assert.is(meantText('zzz', book), '');
});

test('a misspelt read of a view, the context, an order, an update or the params throws naming the nearest', () => {
  const cases: [string, (ctx: Record<string, never>, m: Record<string, never>) => unknown, RegExp][] = [
    [
      'book',
      (_c, m) => (m.book as Record<string, unknown>).bestBid,
      /m\.book\.bestBid is not defined: did you mean m\.book\.bestBidTick or m\.book\.bestBidLot\?/,
    ],
    [
      'position',
      (_c, m) => (m.position as Record<string, unknown>).lots,
      /m\.position\.lots is not defined: did you mean m\.position\.lot\?/,
    ],
    ['market', (_c, m) => m.postion, /m\.postion is not defined: did you mean m\.position\? \(m has info, index, book/],
    ['info', (_c, m) => (m.info as Record<string, unknown>).tickSz, /m\.info\.tickSz is not defined: did you mean m\.info\.tickSize\?/],
    ['trades', (_c, m) => (m.trades as Record<string, unknown>).size, /m\.trades\.size is not defined: did you mean m\.trades\.sizeLot\?/],
    ['ctx', (c) => c.nwo, /ctx\.nwo is not defined: did you mean ctx\.now\?/],
    [
      'params',
      (c) => (c.params as Record<string, unknown>).treshold,
      /ctx\.params\.treshold is not defined: did you mean ctx\.params\.threshold\?/,
    ],
    [
      'limits',
      (c) => (c.limits as Record<string, unknown>).maxPosition,
      /ctx\.limits\.maxPosition is not defined: did you mean ctx\.limits\.maxPositionLot\?/,
    ],
  ];
  for (const [what, read, re] of cases) {
    const def = defineStrategy({
      name: 'typo',
      params: { threshold: { type: 'number', default: 0.5, description: 't' } },
      create: (ctx) => ({ onBook: (m) => void read(ctx as never, m as never) }),
    }) as unknown as StrategyDefinition;
    const r = new Run(def);
    assert.equal(r.book(), ['cancelAll', 'flatten'], what);
    assert.match(r.rt.haltReason!, re, what);
  }
});

test('an order and an order update read by a misspelt name throw too; generic probes do not', () => {
  const seen: string[] = [];
  const r = new Run(
    scripted(
      (ctx, m) => {
        if (m.orders.length === 0) ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick, tag: 'q' });
        else (m.orders[0] as unknown as Record<string, unknown>).price;
      },
      {
        onOrder(u) {
          seen.push(JSON.stringify({ k: u.kind, o: u.order.tag }), String(u), typeof (u as unknown as { then?: unknown }).then);
          assert.not.ok('kindd' in u);
          void (u as unknown as Record<string, unknown>).kindd;
        },
      },
    ),
  );
  r.book();
  const id = (r.actions[0] as { clientOid: string }).clientOid;
  assert.equal(r.send({ type: 'ack', clientOid: id, orderId: 'x' }), ['cancelAll', 'flatten']);
  assert.equal(seen, ['{"k":"accepted","o":"q"}', '[object Object]', 'undefined']);
  assert.match(r.rt.haltReason!, /^strategy error in onOrder: u\.kindd is not defined: did you mean u\.kind\?/);
  const r2 = new Run(
    scripted((ctx, m) => {
      if (m.orders.length === 0) ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick });
      else void (m.orders[0] as unknown as Record<string, unknown>).price;
    }),
  );
  r2.book();
  r2.book();
  assert.match(r2.rt.haltReason!, /^strategy error in onBook: order\.price is not defined: did you mean order\.priceTick\?/);
});

test('a misspelt field of an order request is a bug: the order is not sent without it, the session halts naming it', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { reduceonly: true },
      /ctx\.place: "reduceonly" is not a field of the request: did you mean reduceOnly\? \(a ctx\.place request has symbol, side, sizeLot/,
    ],
    [{ postOnly: true }, /ctx\.place: "postOnly" is not a field of the request/],
    [{ timeinforce: 'ioc' }, /ctx\.place: "timeinforce" is not a field of the request: did you mean timeInForce\?/],
    [{ reduceOnly: 'true' }, /ctx\.place: reduceOnly must be true or false, got "true"/],
    [{ price: 999 }, /ctx\.place: "price" is not a field of the request: did you mean priceTick\?/],
  ];
  for (const [extra, re] of cases) {
    const r = new Run(scripted((ctx, m) => void ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick, ...extra } as never)));
    assert.equal(r.book(), ['cancelAll', 'flatten'], JSON.stringify(extra));
    assert.match(r.rt.haltReason!, re);
  }
  const ok = new Run(scripted((ctx, m) => void ctx.place({ side: 'buy', sizeLot: 1, priceTick: m.book.bestBidTick, reduceOnly: false })));
  assert.equal(ok.book(), ['place buy limit 1000x1']);
  let id: string | null = null;
  const amend = new Run(
    scripted((ctx, m) => {
      if (id === null) id = ctx.place({ side: 'buy', sizeLot: 2, priceTick: m.book.bestBidTick });
      else ctx.amend(id, { priceTick: m.book.bestBidTick - 1, size: 1 } as never);
    }),
  );
  amend.book();
  assert.equal(amend.book(), ['cancelAll', 'flatten']);
  assert.match(
    amend.rt.haltReason!,
    /ctx\.amend: "size" is not a field of the request: did you mean sizeLot\? \(a ctx\.amend request has priceTick, sizeLot\)$/,
  );
});

test("a write to an order, the position, the book, the signals or a trade is said in the API's words, and moves nothing", () => {
  const cases: [(ctx: StrategyContext, m: Market) => void, RegExp][] = [
    [
      (_c, m) => ((m.orders[0] as { sizeLot: number }).sizeLot = 0),
      /order\.sizeLot is read-only: the runtime moves an order with its answers; ctx\.amend\(order\.clientOid, \{ priceTick, sizeLot \}\) or ctx\.cancel/,
    ],
    [(_c, m) => ((m.position as { lot: number }).lot = 0), /m\.position\.lot is read-only: the position moves only with fills/],
    [(_c, m) => ((m.book as { bestBidTick: number }).bestBidTick = 1), /m\.book\.bestBidTick is read-only: the book is the market's/],
    [(_c, m) => ((m.signals as { obiW: number }).obiW = 1), /m\.signals\.obiW is read-only: the core's, from the book/],
    [
      (_c, m) => ((m.trades as unknown as { side: string }).side = 'buy'),
      /m\.trades\.side is read-only: the public trades are the market's/,
    ],
  ];
  for (const [write, re] of cases) {
    let placed = false;
    const r = new Run(
      scripted((ctx, m) => {
        if (!placed) placed = ctx.place({ side: 'buy', sizeLot: 2, priceTick: m.book.bestBidTick }) !== null;
        else write(ctx, m);
      }),
    );
    r.book();
    assert.equal(r.book(), ['cancelAll', 'flatten']);
    assert.match(r.rt.haltReason!, re);
    assert.is(r.rt.ctx.market().orders[0].sizeLot, 2, 'the order is as it was');
  }
});

test('JSON.stringify of a view gives its figures as the API names them, not its inner fields', () => {
  const seen: string[] = [];
  const r = new Run(
    scripted((ctx, m) => {
      if (m.orders.length === 0) ctx.place({ side: 'buy', sizeLot: 2, priceTick: m.book.bestBidTick, tag: 'q' });
      else seen.push(JSON.stringify(m.position), JSON.stringify(m.orders[0]), JSON.stringify(m.book));
    }),
  );
  r.book();
  r.book();
  assert.equal(JSON.parse(seen[0]), { lot: 0, avgEntryTick: null, costTickLot: 0, realisedQuote: 0, feesQuote: 0, unrealisedQuote: 0 });
  const o = JSON.parse(seen[1]);
  assert.equal([o.side, o.type, o.priceTick, o.sizeLot, o.filledLot, o.state, o.tag], ['buy', 'limit', 1000, 2, 0, 'pending', 'q']);
  assert.equal(Object.keys(JSON.parse(seen[2])), [
    'valid',
    'bestBidTick',
    'bestAskTick',
    'bestBidLot',
    'bestAskLot',
    'spreadTicks',
    'midTick',
  ]);
});

test('a misspelt member of the definition, of instruments or of the signal settings is refused at load, naming the one meant', () => {
  const load = (members: string) =>
    loadBundle({
      text: `var __strategy = { default: { name: 'mine', params: {}, ${members} create: () => ({}) } };\n`,
      hash: 'test',
      source: 'mine.js',
    });
  assert.throws(
    () => load('depht: 5,'),
    /^mine\.js: depht is not a member of a strategy definition: did you mean depth\? \(a strategy definition has name, description, params, .*, create\)$/,
  );
  assert.throws(
    () => load("instruments: { trades: ['ETHUSDT'] },"),
    /^mine\.js: instruments\.trades is not a field of instruments: did you mean trade\? \(instruments has trade, watch, single\)$/,
  );
  assert.throws(
    () => load("instruments: { trade: 'ETHUSDT' },"),
    /instruments\.trade must be a list of symbols, e\.g\. \['BTCUSDT'\], got "ETHUSDT"/,
  );
  assert.throws(() => load("instruments: { single: 'yes' },"), /instruments\.single must be true or false, got "yes"/);
  assert.throws(() => load('signals: { obiLevels: 3 },'), /signals must be a function of the parameters/);
  const s = load("signals: (p) => ({ obiLevel: 3, zSource: 'ofinorm' }),");
  assert.throws(
    () => s.definition.signals!({}),
    /^mine\.js: signals\(p\) returned obiLevel is not a signal setting: did you mean obiLevels\? \(a signal settings object has obiLevels, .*, zSource\); zSource must be one of [^;]*, got "ofinorm": did you mean ofiNorm\?$/,
  );
  const good = load(
    "depth: 3, trades: 5, instruments: { trade: ['BTCUSDT'], watch: [] }, signals: () => ({ obiLevels: 3, zSource: 'obiW' }),",
  );
  assert.equal(good.definition.signals!({}), { obiLevels: 3, zSource: 'obiW' });
});

test('an order asked for in create() fails the start, naming the call (it went out before the run had a market, and timed out at once)', () => {
  const def = defineStrategy({
    name: 'early',
    params: {},
    create: (ctx) => {
      ctx.place({ side: 'buy', sizeLot: 1, type: 'market' });
      return {};
    },
  }) as unknown as StrategyDefinition;
  assert.throws(
    () => new Run(def),
    /^strategy early: create\(\) failed: ctx\.place in create\(\): create\(\) makes the handlers before the run has a market/,
  );
  const started = new Run(scripted(() => {}, {}));
  assert.equal(started.rt.creating, false);
});

test('ctx.record takes numbers (NaN a gap), ctx.count whole numbers ≥ 0, ctx.log its three levels: else the handler throws', () => {
  const cases: [(ctx: StrategyContext) => void, RegExp][] = [
    [(ctx) => ctx.record('spread', '3' as never), /^strategy error in onBook: ctx\.record: "spread" takes numbers, got "3"/],
    [(ctx) => ctx.record('spread', 3n as never), /ctx\.record: "spread" takes numbers, got bigint/],
    [(ctx) => ctx.count('fills', 1.5), /ctx\.count: n must be a whole number ≥ 0, got 1\.5 \(for "fills"\)/],
    [(ctx) => ctx.count('fills', NaN), /ctx\.count: n must be a whole number ≥ 0, got NaN/],
    [(ctx) => ctx.count('fills', -1), /ctx\.count: n must be a whole number ≥ 0, got -1/],
    [(ctx) => ctx.count(''), /ctx\.count: a counter needs a name/],
    [(ctx) => ctx.log('x', 'debug' as never), /ctx\.log: level must be 'info', 'warn' or 'error', got "debug"/],
  ];
  for (const [act, re] of cases) {
    const r = new Run(scripted((ctx) => act(ctx)));
    assert.equal(r.book(), ['cancelAll', 'flatten']);
    assert.match(r.rt.haltReason!, re);
  }
  const ok = new Run(
    scripted((ctx) => {
      ctx.record('queue', NaN);
      ctx.record('queue', 2);
      ctx.count('seen');
      ctx.count('seen', 0);
      ctx.count('seen', 2);
      ctx.log('fine', 'warn');
    }),
  );
  assert.equal(ok.book(), []);
  assert.is(ok.rt.status, 'trading');
  assert.is(ok.rt.counters.seen, 3);
});

test('a phase() that throws is shown where the phase is, with its line, instead of a word that hid it', () => {
  const r = new Run(
    scripted(() => {}, {
      phase() {
        throw new Error('no phase yet');
      },
    }),
  );
  r.book();
  assert.match(r.rt.phase, /^phase\(\) threw: no phase yet/);
  assert.is(r.rt.status, 'trading', 'read at any moment by status lines: it does not halt');
});

test.run();
