// A trading session's own-order log made by hand: records of kind order under <root>/_orders/, one file per call, as
// the recorder writes them (src/live/orderlog.ts), for tests of the recorded latency model and its readers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REC_SIZE } from '../../src/core/index';
import { Kind, R } from '../../src/core/record';
import { writeI64Big } from '../../src/core/int64';
import { encodeParquet } from '../../src/capture/parquet/encode';
import { marketPath } from '../../src/capture/schema';
import { recordingMeta } from './recording-files';

export const T0 = 1_800_000_000_000_000_000n;
export const MS = 1_000_000n;

/** `symbol`'s own-order log under <root>/_orders, one file: each event as [ms after T0, event code, order seq]. */
export function writeOrders(root: string, symbol: string, events: Array<[number, number, number]>): void {
  const words = new Int32Array((events.length * REC_SIZE) / 4);
  events.forEach(([ms, code, seq], i) => {
    const at = i * REC_SIZE;
    words[at >> 2] = Kind.order | (code << 16);
    writeI64Big(words, at + R.localTs, T0 + BigInt(ms) * MS);
    writeI64Big(words, at + R.seq, BigInt(seq));
  });
  const first = T0 + BigInt(events[0][0]) * MS;
  const last = T0 + BigInt(events[events.length - 1][0]) * MS;
  const path = marketPath(join(root, '_orders'), 'bitget', 'USDT-FUTURES', symbol, first, 0);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeParquet(words, 0, events.length, recordingMeta(first, last, events.length, { symbol })));
}
