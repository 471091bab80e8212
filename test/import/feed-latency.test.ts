// The feed latency an import's summary prints is the one `ringbook inspect` prints of the files it wrote: the same
// book messages, the same nearest-rank quantiles, exact nanoseconds (Tardis's CSV times are µs: whole µs here, not the
// 256 ns steps of a difference of doubles at today's epoch). docs/import.md has the user compare the two.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { importTardis, importTardisCsv, type ImportSummary } from '../../src/import/import';
import { gridFromTickLot } from '../../src/import/grid';
import { inspectRecording } from '../../src/capture/inspect';
import { FeedLatencySample } from '../../src/import/feed-latency';
import { Flag, Kind } from '../../src/core/record';
import { BOOK_CSV, BTC, TRADES_CSV, V2, V3, WASM, tmp } from './helpers';

const common = { rollNs: 3_600_000_000_000n, maxRows: 1_000_000, wasm: WASM };

async function sameAsInspect(s: ImportSummary, out: string): Promise<void> {
  const [stream] = (await inspectRecording(out)).streams;
  const raw = stream.feedLatencyMsRaw!;
  assert.ok(s.feedLatency && raw);
  // inspect divides whole ns by 1e6 once: the same ns give the same double
  assert.equal(
    { p1: s.feedLatency.p1 / 1e6, p50: s.feedLatency.p50 / 1e6, p99: s.feedLatency.p99 / 1e6 },
    { p1: raw.p1, p50: raw.p50, p99: raw.p99 },
  );
}

test('import tardis-csv: the summary gives what inspect gives, in whole µs', async () => {
  const out = tmp('latency-csv');
  const s = await importTardisCsv({
    ...common,
    inputs: [BOOK_CSV, TRADES_CSV],
    out,
    tick: '0.1',
    lot: '0.001',
    gridFor: (instType, symbol) => gridFromTickLot(instType, symbol, '0.1', '0.001'),
  });
  await sameAsInspect(s, out);
  for (const v of Object.values(s.feedLatency!)) assert.ok(Number.isInteger(v / 1000), `${v} ns: whole µs`);
});

test('import tardis (v2 and v3 frames): the summary gives what inspect gives', async () => {
  for (const input of [V2, V3]) {
    const out = tmp('latency-frames');
    const s = await importTardis({ ...common, inputs: [input], out, grids: [BTC] });
    await sameAsInspect(s, out);
  }
});

test('nearest rank, exact ns: local − exchange of each book message’s last record', () => {
  const sample = new FeedLatencySample({ records: () => {} });
  const words = new Int32Array(16 * 4);
  const at = (i: number, kind: number, last: boolean, exchNs: bigint, localNs: bigint) => {
    const p = i * 16;
    words[p] = kind | ((last ? Flag.last : 0) << 16);
    words[p + 2] = Number(exchNs & 0xffffffffn) | 0;
    words[p + 3] = Number(exchNs >> 32n);
    words[p + 4] = Number(localNs & 0xffffffffn) | 0;
    words[p + 5] = Number(localNs >> 32n);
  };
  const t = 1777593600061077000n; // beyond 2^53: as doubles, neighbours 256 ns apart
  at(0, Kind.bookLevel, false, t, t + 999_999n); // not a message's last record
  at(1, Kind.bookLevel, true, t, t + 1_000_001n);
  at(2, Kind.msgEnd, true, t + 5n, t + 5n + 3_000_003n);
  at(3, Kind.trade, true, t, t + 7n); // not a book message
  sample.records(words, 0, 4);
  // two samples: p50 the first (⌈0.5·2⌉ = 1st), as inspect ranks them
  assert.equal(sample.quantiles(), { p1: 1_000_001, p50: 1_000_001, p99: 3_000_003 });
});

test.run();
