// The identity and grid of the BTCUSDT futures stream the recording tests write (src/capture/meta.ts StreamInfo).
import type { StreamInfo } from '../../src/capture/meta';

export const BTCUSDT_STREAM: StreamInfo = {
  venue: 'bitget',
  instType: 'USDT-FUTURES',
  symbol: 'BTCUSDT',
  tickSize: '0.1',
  lotSize: '0.001',
  priceScale: 1,
  priceStep: 1n,
  sizeScale: 3,
  sizeStep: 1n,
  source: 'simulator',
};

/** The local exchange's BTCUSDT futures (lots of 0.0001 BTC), as the recorder writes it. */
export const EXCHANGE_BTCUSDT_STREAM: StreamInfo = { ...BTCUSDT_STREAM, lotSize: '0.0001', sizeScale: 4 };
