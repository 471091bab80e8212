// End to end on the local exchange: obi-ofi trades through the real pipeline, strategy runtime and gateway; what it
// believes (position, fees, realised PnL) equals the exchange's account; a private-stream drop mid-trade goes
// through RECONCILE back to consistency; the kill switch leaves no open order and no position.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startExchange } from '../../src/exchange/index';
import { builtinNamed } from '../../src/strategy/builtins/index';
import { resolveRun } from '../../src/strategy/resolve';
import { nest } from '../../src/strategy/params';
import { LOCAL_DEMO_CREDENTIALS } from '../../src/gateway/index';
import { TradingSession, instrumentSpec } from '../../src/live/trading-session';
import type { Trader } from '../../src/live/trader';
import { OrderEvent } from '../../src/live/orderlog';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { rowGroups } from '../../src/capture/parquet/reader';

/**
 * Waits on the session's own events, not a timer: every condition is checked again after each thing that can change
 * it, the trader's two ways in (an executor event, a drain of the signal ring) and each log line. `ms` only bounds a
 * wait that would otherwise never end.
 */
class Watch {
  private readonly waiting = new Set<{ cond: () => boolean; done: () => void }>();

  /** Re-checks every waiting condition (from the hooks). */
  check(): void {
    for (const w of [...this.waiting]) if (w.cond()) w.done();
  }

  /** The trader's event handler and signal-ring drain, each followed by a check. */
  hook(trader: Trader): void {
    const handle = trader.handle.bind(trader);
    const drain = trader.drain.bind(trader);
    trader.handle = (e, inst) => {
      handle(e, inst);
      this.check();
    };
    trader.drain = () => {
      drain();
      this.check();
    };
  }

  until(what: string, cond: () => boolean, ms: number): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = {
        cond,
        done: () => {
          this.waiting.delete(w);
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting.delete(w);
        reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`));
      }, ms);
      this.waiting.add(w);
    });
  }
}

test('the strategy trades the local exchange and agrees with its account, through a private-stream drop and the kill switch', async () => {
  const ex = await startExchange({ seed: 3 });
  const logs: string[] = [];
  const watch = new Watch();
  const until = (what: string, cond: () => boolean, ms: number) => watch.until(what, cond, ms);
  const obiOfi = builtinNamed('obi-ofi')!.definition;
  const run = resolveRun(
    obiOfi,
    [],
    [
      'signal.source=l1',
      'entry.threshold=0.3',
      'exit.threshold=0',
      'entry.confirmCount=1',
      'hurdle.enabled=false',
      'exit.timeStopNs=3s',
      'cooldown.ns=300ms',
      'risk.maxDailyLossQuote=1000',
    ],
  );
  const root = mkdtempSync(join(tmpdir(), 'ringbook-live-'));
  const session = await TradingSession.start({
    wsUrl: ex.url.ws,
    restUrl: ex.url.rest,
    instType: 'USDT-FUTURES',
    symbol: 'BTCUSDT',
    strategy: {
      strategy: { definition: obiOfi, bundle: null, describeError: String },
      params: run.params,
      settings: run.settings,
      config: nest(run.values),
      coreHash: null,
    },
    credentials: LOCAL_DEMO_CREDENTIALS,
    mode: 'local',
    log: (l) => {
      logs.push(l);
      watch.check();
    },
    record: { root, source: 'simulator', flushMs: 200 },
  });
  watch.hook(session.trader);
  const account = async () => (await (await fetch(new URL('/debug/account', ex.url.rest))).json()) as any;
  const spec = instrumentSpec(session.grid);
  const tickLotQuote = spec.tickSize * spec.lotSize;
  /** Flat or in position with nothing working: a moment where both sides must agree exactly. */
  const settled = () => ['IDLE', 'COOLDOWN', 'IN_POSITION'].includes(session.runtime.phase) && session.runtime.liveOrderCount === 0;
  const agrees = async (label: string) => {
    await until(`${label}: a settled moment`, settled, 20_000);
    const a = await account();
    const pos = a.futures.positions.find((p: any) => p.symbol === 'BTCUSDT');
    const s = session.runtime.position(0);
    assert.is(pos ? pos.lots : 0, s.lot, `${label}: position in lots`);
    assert.ok(Math.abs(Number(a.futures.fees) - s.feesQuote) < 1e-9, `${label}: fees ${a.futures.fees} vs ${s.feesQuote}`);
    assert.ok(
      Math.abs(Number(a.futures.realizedPnl) - s.realisedTickLot * tickLotQuote) < 1e-9,
      `${label}: realised PnL ${a.futures.realizedPnl} vs ${s.realisedTickLot * tickLotQuote}`,
    );
    const expectBalance = Number(a.futures.initialBalance) + Number(a.futures.realizedPnl) - Number(a.futures.fees);
    assert.ok(Math.abs(Number(a.futures.balance) - expectBalance) < 1e-9, `${label}: balance = initial + realised − fees`);
    assert.is(a.fills.filter((f: any) => f.symbol === 'BTCUSDT').length, s.fills, `${label}: every exchange fill reached the runtime once`);
  };
  try {
    await until('a few fills', () => session.summary().fills >= 6, 45_000);
    await agrees('after trading');

    // drop the private stream while an order is working or a position is open
    await until(
      'an order in flight or a position',
      () => session.runtime.phase === 'ENTRY_PENDING' || session.runtime.phase === 'IN_POSITION',
      30_000,
    );
    // the runtime says when it enters RECONCILE in its log, the line checked as it is written: a short reconcile is
    // not missed; its end is the executor's `resynced`, checked as it is handled
    const logsBefore = logs.length;
    const reconciled = () => logs.slice(logsBefore).some((l) => l.includes('RECONCILE: disconnect'));
    const entered = until('RECONCILE', reconciled, 20_000);
    session.gateway.privateWs!.dropConnection('test: private stream dropped');
    await entered;
    await until('out of RECONCILE', () => session.runtime.phase !== 'RECONCILE', 20_000);
    assert.is.not(session.runtime.phase, 'HALTED', `reconcile ended consistent (logs: ${logs.slice(-5).join(' | ')})`);
    await agrees('after the reconcile');
    const fillsBefore = session.summary().fills;
    await until('trading goes on after the reconcile', () => session.summary().fills > fillsBefore, 45_000);
  } finally {
    try {
      await checkAfterKillSwitch();
    } finally {
      await ex.close(); // whatever failed above, no server is left to keep the test process alive
    }
  }

  async function checkAfterKillSwitch(): Promise<void> {
    const summary = await session.stop(true);
    const a = await account();
    assert.equal(
      a.openOrders.filter((o: any) => o.symbol === 'BTCUSDT'),
      [],
      'the kill switch left no open order',
    );
    const pos = a.futures.positions.find((p: any) => p.symbol === 'BTCUSDT');
    assert.is(pos ? pos.lots : 0, 0, 'flattened');
    assert.is(
      summary.positionLot,
      0,
      `runtime position after the kill switch (fills: runtime ${session.runtime.position(0).fills}, exchange ${a.fills.filter((f: any) => f.symbol === 'BTCUSDT').length}; last fills ${JSON.stringify(a.fills.slice(-3).map((f: any) => [f.clientOid, f.side, f.lots]))}; logs: ${logs.slice(-8).join(' | ')})`,
    );
    // an ordinary stop, not a halt: monitoring's kill switch stays 0, and nothing was left at the venue
    assert.is(summary.phase, 'STOPPED');
    assert.is(summary.haltReason, null);
    assert.equal(summary.left, []);
    // own orders and fills went to the recording, next to the market data
    const dir = join(root, '_orders');
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.parquet'));
    let fills = 0;
    let places = 0;
    for (const f of files) {
      for await (const g of rowGroups(await asyncBufferFromFile(join(dir, f)), ['kind', 'flags'])) {
        const kind = g.columns.kind as Int32Array;
        const flags = g.columns.flags as Int32Array;
        for (let i = 0; i < g.rows; i++) {
          if (kind[i] !== 6) continue;
          if (flags[i] === OrderEvent.fill) fills++;
          if (flags[i] === OrderEvent.place) places++;
        }
      }
    }
    assert.is(fills, session.runtime.position(0).fills, 'every fill the runtime counted is in the recording');
    assert.is(places, summary.orders);
  }
});

test.run();
