// The files `ringbook new strategy NAME` writes: a commented starter strategy on the public API (imports only
// 'ringbook'), a test of it that runs from the user's own directory with Node's built-in test runner (no packages, none
// of this repository's test setup: it drives the installed `ringbook` command), and a search space over its
// parameters for `ringbook optimize`. __NAME__ stands for the strategy's name.

export const STARTER_STRATEGY = `// __NAME__: a starter strategy for ringbook. It takes the touch with an IOC order when the weighted book imbalance
// (obiW) stays beyond ±threshold for \`confirm\` book messages in a row, and closes at market \`holdNs\` after the
// entry filled. Change anything; keep the default export.
//
//   ringbook backtest data/ --strategy __NAME__.ts                           the report, in the terminal
//   ringbook backtest data/ --strategy __NAME__.ts --set threshold=0.4 --json
//   ringbook optimize data/ --strategy __NAME__.ts --space __NAME__.space.json
//   RINGBOOK_DATA=data/ node --test __NAME__.test.mjs                     determinism check (see that file)
//   ringbook demo --strategy __NAME__.ts --duration 5m                       trading the local exchange
//
// The rules a strategy lives by (ringbook refuses the file at load otherwise, naming the line):
// - deterministic: time only from ctx.now and ctx.setTimer, randomness only from ctx.random(), no I/O (no Date,
//   Math.random, setTimeout, fetch, fs, console): the same events give the same orders live, in a backtest, in every
//   optimizer trial and on the replay page;
// - synchronous: a handler does its work before it returns (no async, await or Promise: the code after an await
//   would run at another moment in a replay than live);
// - a misspelt name throws, naming the one meant (m.position.lots: did you mean m.position.lot?), and so does a
//   misspelt field of an order request: the run halts with the line;
// - every order passes the runtime's risk checks (risk.* settings: position, order rate, daily loss); a refused
//   order returns null and the reason is logged;
// - units are in the names: *Tick integer price ticks, *Lot integer lots, *Ns nanoseconds, *Quote quote currency.
import { defineStrategy, type Market } from 'ringbook';

export default defineStrategy({
  name: '__NAME__',
  description: 'IOC at the touch when obiW stays beyond ±threshold for confirm messages; out at market after holdNs.',
  // One instrument: the state below is the run's only market's, and place() and ctx.market() need no symbol. Every
  // command refuses to run it over several symbols, before anything starts. To trade several, declare them
  // (instruments: { trade: ['BTCUSDT', 'ETHUSDT'] }), keep state per m.info.symbol and name the symbol in place().
  instruments: { single: true },
  // Declared parameters: --set, --config, --preset and the optimizer's --space are checked against these
  // (a typo gets "did you mean"); reports list them with their values and where each came from.
  params: {
    threshold: { type: 'number', default: 0.3, greaterThan: 0, max: 1, unit: 'x', description: 'enter when |obiW| passes this' },
    confirm: { type: 'integer', default: 2, min: 1, max: 100, unit: 'messages', description: 'book messages in a row beyond it' },
    holdNs: { type: 'duration', default: 2_000_000_000, min: 50_000_000, description: 'how long a position is held' },
  },
  // create() runs once per run; keep the run's state in this closure (never in module variables: the optimizer runs
  // many trials in one process).
  create(ctx) {
    const p = ctx.params;
    const SIZE_LOT = 1; // declare it as a parameter when you want to vary it
    let run = 0; // book messages in a row beyond +threshold (> 0) or -threshold (< 0)

    const close = (m: Market, why: string) => {
      const lot = m.position.lot;
      if (lot === 0 || m.orders.length > 0) return;
      ctx.place({ side: lot > 0 ? 'sell' : 'buy', type: 'market', sizeLot: Math.abs(lot), reduceOnly: true, tag: why });
    };

    return {
      // after the core applied a book message and computed its signals; m and its views are reused: read, don't keep
      onBook(m) {
        if (!m.book.valid || !m.healthy) return;
        const x = m.signals.obiW;
        run = x >= p.threshold ? Math.max(run, 0) + 1 : x <= -p.threshold ? Math.min(run, 0) - 1 : 0;
        if (m.position.lot !== 0 || m.orders.length > 0 || Math.abs(run) < p.confirm) return;
        const buy = run > 0;
        const id = ctx.place({
          side: buy ? 'buy' : 'sell',
          sizeLot: SIZE_LOT,
          priceTick: buy ? m.book.bestAskTick : m.book.bestBidTick,
          timeInForce: 'ioc',
          tag: 'entry', // reports name each round trip after the tag of the order that closed it
        });
        if (id === null) ctx.count('entry.refused'); // counters appear in the report ("why no trades")
        else ctx.record('obiW at entry', x); // a series in the reports and on the replay page
        run = 0;
      },
      // our orders: accepted, filled, partially filled, cancelled, rejected (positions are already updated)
      onOrder(u) {
        if (u.order.tag !== 'entry') return;
        if (u.kind === 'filled' || u.kind === 'partiallyFilled') ctx.setTimer('hold', p.holdNs);
        else if (u.kind === 'cancelled' && u.order.filledLot === 0) ctx.count('entry.missed'); // the IOC found nothing
      },
      // timers fire on the runtime's 50 ms tick grid, the same live and in a replay
      onTimer(id) {
        if (id === 'hold') close(ctx.market(), 'hold');
      },
    };
  },
});
`;

export const STARTER_TEST = `// Tests of __NAME__.ts, run from this directory with Node's own test runner (Node 20 or later; nothing to install):
//
//   RINGBOOK_DATA=data/ node --test __NAME__.test.mjs
//
// RINGBOOK_DATA is a recording to backtest on (default data/; make one with: ringbook demo --duration 2m --out data);
// RINGBOOK_SYMBOL picks one symbol of a recording that holds several (the strategy trades one).
// RINGBOOK is the ringbook command (default: the one that wrote this file, __COMMAND_TEXT__; e.g.
// RINGBOOK='node /path/to/ringbook/build/ringbook.mjs').
// Each test runs the real command, so the strategy is bundled, checked and run exactly as ringbook runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const STRATEGY = fileURLToPath(new URL('./__NAME__.ts', import.meta.url));
const DATA = process.env.RINGBOOK_DATA || 'data';
const SYMBOL = process.env.RINGBOOK_SYMBOL ? ['--symbol', process.env.RINGBOOK_SYMBOL] : [];
const [COMMAND, ...PREFIX] = process.env.RINGBOOK ? process.env.RINGBOOK.split(/\\s+/) : __COMMAND__;
const skip = existsSync(DATA) ? false : 'no recording at ' + DATA + ': make one with ringbook demo --duration 2m --out ' + DATA;

function ringbook(...args) {
  const r = spawnSync(COMMAND, [...PREFIX, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw new Error('cannot run ' + COMMAND + ' (' + r.error.message + '): install ringbook or set RINGBOOK');
  return r;
}

test('deterministic: two backtests print byte-identical --json', { skip }, () => {
  const a = ringbook('backtest', DATA, ...SYMBOL, '--strategy', STRATEGY, '--json');
  assert.equal(a.status, 0, a.stderr);
  const b = ringbook('backtest', DATA, ...SYMBOL, '--strategy', STRATEGY, '--json');
  assert.equal(b.stdout, a.stdout);
  const report = JSON.parse(a.stdout);
  assert.equal(report.strategy.name, '__NAME__');
  assert.match(report.strategy.bundleSha256, /^[0-9a-f]{64}$/);
});

// A parameter __NAME__.ts declares, and a value below its bound (threshold: greaterThan 0). When you rename, remove or
// rebound it there, update these two lines to one it declares (or the test fails with "is not a known field").
const PARAM = 'threshold';
const OUT_OF_BOUNDS = '0';

test('its parameters are checked: ' + PARAM + '=' + OUT_OF_BOUNDS + ' is refused', { skip }, () => {
  const r = ringbook('backtest', DATA, ...SYMBOL, '--strategy', STRATEGY, '--set', PARAM + '=' + OUT_OF_BOUNDS);
  assert.equal(r.status, 2, 'a bad --set is a usage error');
  assert.ok(r.stderr.includes(PARAM + ' must be'), r.stderr);
});
`;

export const STARTER_SPACE = `{
  "threshold": [0.2, 0.3, 0.4, 0.5],
  "confirm": [1, 2, 4],
  "holdNs": ["1s", "2s", "5s"]
}
`;

/** tsconfig.json for the user's directory: the editor and `npx -p typescript tsc --noEmit` check the strategy against the installed
 * ringbook's API types (TYPES, an absolute path to its ringbook.d.ts), strict, with no DOM or Node globals (a strategy
 * may not use them). */
export function starterTsconfig(types: string): string {
  return `{
  // Written by ringbook new strategy: your editor and \`npx -p typescript tsc --noEmit\` check the strategies in this directory
  // against the strategy API of the ringbook that wrote it. If ringbook moves, point "ringbook" at its build/ringbook.d.ts.
  "compilerOptions": {
    "target": "es2022",
    "module": "esnext",
    "moduleResolution": "bundler",
    "lib": ["es2022"],
    "types": [],
    "strict": true,
    "noEmit": true,
    "isolatedModules": true,
    "paths": { "ringbook": [${JSON.stringify(types)}] }
  },
  "include": ["**/*.ts"]
}
`;
}
