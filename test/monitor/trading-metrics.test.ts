// A session of several symbols: its position is told per symbol, since lots of different instruments do not add up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Metrics } from '../../src/monitor/metrics';
import { tradingMetrics, type TradingSnapshot } from '../../src/monitor/trading-metrics';

const base: TradingSnapshot = {
  phase: 'QUOTING',
  positionLot: 2,
  equityQuote: -0.0576,
  realisedQuote: 0,
  feesQuote: 0.0582,
  haltReason: null,
  signals: 1,
  orders: 2,
  cancels: 0,
  cancelAlls: 0,
  amends: 5,
  amendRejects: 1,
  fills: 1,
  rejects: 0,
  trades: 0,
};

test('trading metrics: each symbol its position and net PnL; none without symbols', async () => {
  const m = new Metrics('live');
  let snap: TradingSnapshot = {
    ...base,
    symbols: [
      { symbol: 'BTCUSDT', positionLot: -1, equityQuote: -0.0161 },
      { symbol: 'ETHUSDT', positionLot: 3, equityQuote: -0.0415 },
    ],
  };
  tradingMetrics(m, () => snap, 'USDT');
  let text = await m.text();
  assert.match(text, /^ringbook_symbol_position_lots\{symbol="BTCUSDT"\} -1$/m);
  assert.match(text, /^ringbook_symbol_position_lots\{symbol="ETHUSDT"\} 3$/m);
  assert.match(text, /^ringbook_symbol_pnl_quote\{symbol="ETHUSDT",currency="USDT"\} -0.0415$/m);
  assert.match(text, /^ringbook_position_lots 2$/m);
  assert.match(text, /^ringbook_amends_total 5$/m);
  assert.match(text, /^ringbook_amend_rejects_total 1$/m);
  snap = { ...base };
  const m2 = new Metrics('live');
  tradingMetrics(m2, () => snap, 'USDT');
  text = await m2.text();
  assert.not.match(text, /^ringbook_symbol_position_lots\{/m);
});

test.run();
