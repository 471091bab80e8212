// One measured import (or peer) in a process of its own, so its peak RSS is its own:
// `node import.child.mjs <mode> <input dir> <out dir>` prints {rows, bytes, seconds, maxRssMB}. Modes: tardis and
// tardis-gz (tardis-machine lines → Parquet), csv (incremental_book_L2 + trades → Parquet), json (peer: split the
// NDJSON into lines and JSON.parse each), split (peer: split the CSV into lines, the lines at commas, Number() the
// numbers).
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { importTardis, importTardisCsv } from '../src/import/import';
import { gridFromTickLot } from '../src/import/grid';
import { LineSplitter } from '../src/import/lines';

const [mode, dir, out] = process.argv.slice(2);
// files of 250 000 rows: both sizes of the bench write several, so their peak RSS compares like for like
const common = { out, rollNs: 3_600_000_000_000n, maxRows: 250_000 };
const t0 = performance.now();
let rows = 0;
let bytes = 0;
if (mode === 'tardis' || mode === 'tardis-gz') {
  const s = await importTardis({
    ...common,
    inputs: [join(dir, mode === 'tardis' ? 'frames.ndjson' : 'frames.ndjson.gz')],
    grids: [gridFromTickLot('USDT-FUTURES', 'BTCUSDT', '0.1', '0.0001')],
  });
  rows = s.rows;
  bytes = s.bytes;
} else if (mode === 'csv') {
  const s = await importTardisCsv({
    ...common,
    inputs: [join(dir, 'book.csv'), join(dir, 'trades.csv')],
    tick: '0.1',
    lot: '0.001',
    gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, '0.1', '0.001'),
  });
  rows = s.rows;
  bytes = s.bytes;
} else if (mode === 'json') {
  // the peer reads the same bytes the same way (1 MB chunks, lines split without strings) and parses each line
  const dec = new TextDecoder();
  const split = new LineSplitter((b, s, e) => {
    if (e > s && JSON.parse(dec.decode(b.subarray(s, e))).message) rows++; // rows: lines here
  });
  for await (const c of createReadStream(join(dir, 'frames.ndjson'), { highWaterMark: 1 << 20 })) {
    bytes += c.length;
    split.push(c);
  }
  split.end();
} else if (mode === 'split') {
  const dec = new TextDecoder();
  let sum = 0;
  for (const name of ['book.csv', 'trades.csv']) {
    let header = true;
    const split = new LineSplitter((b, s, e) => {
      if (header) {
        header = false;
        return;
      }
      const f = dec.decode(b.subarray(s, e)).split(',');
      sum += Number(f[2]) + Number(f[3]) + Number(f[6]) + Number(f[7]);
      rows++;
    });
    for await (const c of createReadStream(join(dir, name), { highWaterMark: 1 << 20 })) {
      bytes += c.length;
      split.push(c);
    }
    split.end();
  }
  if (!(sum > 0)) throw new Error('the peer read nothing');
} else throw new Error(`unknown mode ${mode}`);
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ rows, bytes, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
