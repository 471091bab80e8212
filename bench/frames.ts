// Realistic Bitget v2 `books` frames (USDT-FUTURES BTCUSDT: pricePlace 1, volumePlace 4, seq beyond 2^53) for the
// decode benchmark: a 500-level snapshot now and then, otherwise updates of 1–20 levels near the touch.
import { rng } from './stats';

export const BENCH_GRID = {
  instType: 'USDT-FUTURES' as const,
  symbol: 'BTCUSDT',
  priceScale: 1,
  priceStep: 1n,
  sizeScale: 4,
  sizeStep: 1n,
  tickSize: '0.1',
  lotSize: '0.0001',
};

const px = (t: number) => `${Math.floor(t / 10)}.${t % 10}`.replace(/\.0$/, '');
const sz = (l: number) => (l / 10000).toFixed(4).replace(/\.?0+$/, '');

export function makeFrames(count: number, seed = 7): Buffer[] {
  const rand = rng(seed);
  let seq = 9007199254740993n;
  let ts = 1_789_456_510_736;
  const mid = 900_000;
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const snapshot = i % 2000 === 0;
    const n = snapshot ? 500 : 1 + Math.floor(rand() * 20);
    const bids: string[] = [];
    const asks: string[] = [];
    for (let j = 0; j < n; j++) {
      const d = snapshot ? j : Math.floor(-Math.log(1 - rand()) * 6);
      const lots = rand() < 0.25 && !snapshot ? 0 : 1 + Math.floor(rand() * rand() * 200000);
      if (snapshot || rand() < 0.5) bids.push(`["${px(mid - d)}","${sz(lots)}"]`);
      if (snapshot || rand() < 0.5) asks.push(`["${px(mid + 1 + d)}","${sz(lots)}"]`);
    }
    const pseq = snapshot ? 0n : seq;
    seq += BigInt(1 + Math.floor(rand() * 5000));
    ts += 1 + Math.floor(rand() * 100);
    frames.push(
      Buffer.from(
        `{"action":"${snapshot ? 'snapshot' : 'update'}","arg":{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},` +
          `"data":[{"asks":[${asks.join(',')}],"bids":[${bids.join(',')}],"ts":"${ts}","seq":${seq},"pseq":${pseq}}],"ts":${ts + 2}}`,
      ),
    );
  }
  return frames;
}
