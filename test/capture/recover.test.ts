// Start-up recovery: listing a tree survives symlinks, and a journal whose metadata sidecar is torn, empty or
// missing never blocks recording again (it used to: the sidecar was parsed unguarded, the recorder thread died and
// `record` waited for it for ever). Its metadata is rebuilt from the starting recorder's settings or a finished
// file of the same stream, or the journal is set aside, intact; a journal that cannot be written now stays for later.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listParquet, recoverTree, type RecoveryResult } from '../../src/capture/recover';
import { StreamWriter } from '../../src/capture/writer';
import { BTCUSDT_STREAM } from '../helpers/stream-info';
import { RawBatch, RawWriter } from '../../src/capture/raw';
import { fsJournalIo, type JournalIo } from '../../src/capture/journal';
import { readFileMeta } from '../../src/capture/read-file';
import { writeI64Big } from '../../src/core/int64';

const T0 = 1_796_000_000_000_000_000n;
const info = BTCUSDT_STREAM;

function records(n: number, t0 = T0): Int32Array {
  const w = new Int32Array(n * 16);
  for (let i = 0; i < n; i++) {
    w[i * 16] = 1 | (1 << 8);
    writeI64Big(w, (i * 16 + 4) * 4, t0 + BigInt(i) * 1000n);
    writeI64Big(w, (i * 16 + 6) * 4, 900_000n + BigInt(i));
  }
  return w;
}

/** A writer that flushed `n` records and was then killed: its journal and sidecar are left; returns the journal. */
function killedWriter(root: string, n: number, t0 = T0, io?: JournalIo): string {
  const wr = new StreamWriter(root, info, { rollNs: 60_000_000_000n, maxRows: 1_000_000, io });
  const w = records(n, t0);
  for (let i = 0; i < n; i++) wr.add(w, i * 16);
  wr.flush();
  const dir = join(root, 'venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT');
  const rel = (readdirSync(dir, { recursive: true }) as string[]).find((f) => f.endsWith(`${t0}-0.parquet.partial`))!;
  return join(dir, rel);
}

const tmp = () => mkdtempSync(join(tmpdir(), 'ringbook-recover-'));
function recovered(r: RecoveryResult): Extract<RecoveryResult, { kind: 'recovered' }> {
  if (r.kind !== 'recovered') throw new Error(`expected a recovered journal, got ${JSON.stringify(r)}`);
  return r;
}

test('a symlink loop in the tree is walked once', () => {
  const root = mkdtempSync(join(tmpdir(), 'ringbook-loop-'));
  const dir = join(root, 'venue=bitget', 'inst_type=USDT-FUTURES', 'symbol=BTCUSDT', 'date=2026-11-28');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '1-0.parquet'), 'x');
  symlinkSync(root, join(dir, 'up'));
  symlinkSync(dir, join(root, 'again'));
  assert.equal(
    listParquet(root).map((p) => p.slice(root.length)),
    ['/venue=bitget/inst_type=USDT-FUTURES/symbol=BTCUSDT/date=2026-11-28/1-0.parquet'],
  );
});

test('the sidecar is written atomically, through the same durable write as the finished files', () => {
  const root = tmp();
  const written: string[] = [];
  const io: JournalIo = { ...fsJournalIo, writeFile: (p, d) => (written.push(p), fsJournalIo.writeFile(p, d)) };
  const journal = killedWriter(root, 10, T0, io);
  const sidecar = journal.replace(/\.partial$/, '.meta.json');
  assert.equal(written, [sidecar]);
  assert.is(JSON.parse(readFileSync(sidecar, 'utf8')).tick_size, '0.1');
  assert.not.ok(existsSync(`${sidecar}.tmp`));
  // a crash between the temp file and the rename leaves a stale temp file: recovery removes it
  writeFileSync(`${sidecar}.tmp`, '{"torn');
  recoverTree(root, { streams: [info] });
  assert.not.ok(existsSync(`${sidecar}.tmp`));
});

test('an empty sidecar: the metadata is rebuilt from the starting recorder settings, the rows recovered', async () => {
  const root = tmp();
  const journal = killedWriter(root, 300);
  truncateSync(journal.replace(/\.partial$/, '.meta.json'), 0);
  const [r] = recoverTree(root, { streams: [info] }).map(recovered);
  assert.is(r.rows, 300);
  assert.match(r.note!, /sidecar was empty: metadata rebuilt from this run's instrument settings/);
  const { meta, rows } = await readFileMeta(r.path);
  assert.is(rows, 300);
  assert.equal(
    [meta.symbol, meta.tick_size, meta.price_step, meta.first_local_ts, meta.clock_offset_ns],
    ['BTCUSDT', '0.1', '1', String(T0), ''],
  );
  assert.match((meta as Record<string, string>).recovered_metadata, /the sidecar was empty/);
  assert.equal(recoverTree(root, { streams: [info] }), [], 'nothing left');
});

test('a torn sidecar and another stream recording: metadata from a finished file of the same stream', async () => {
  const root = tmp();
  const done = new StreamWriter(root, info, { rollNs: 60_000_000_000n, maxRows: 1_000_000 });
  const w = records(50, T0 - 10_000_000n);
  for (let i = 0; i < 50; i++) done.add(w, i * 16);
  done.finish();
  const journal = killedWriter(root, 120);
  const sidecar = journal.replace(/\.partial$/, '.meta.json');
  writeFileSync(sidecar, readFileSync(sidecar, 'utf8').slice(0, 40));
  const eth = { ...info, symbol: 'ETHUSDT', tickSize: '0.01', priceScale: 2 };
  const [r] = recoverTree(root, { streams: [eth] }).map(recovered);
  assert.match(r.note!, /sidecar was torn \(40 bytes, not JSON\): metadata rebuilt from the finished file .*\.parquet of the same stream/);
  const { meta } = await readFileMeta(r.path);
  assert.equal([meta.symbol, meta.tick_size, meta.rows], ['BTCUSDT', '0.1', '120']);
});

test('a missing sidecar and nothing to rebuild it from: the journal is set aside, intact, and recording goes on', () => {
  const root = tmp();
  const journal = killedWriter(root, 64);
  const size = statSync(journal).size;
  writeFileSync(journal.replace(/\.partial$/, '.meta.json'), '');
  const results = recoverTree(root, { streams: [] });
  assert.is(results.length, 1);
  const r = results[0];
  assert.is(r.kind, 'set-aside');
  if (r.kind !== 'set-aside') return;
  assert.is(r.keptAs, `${journal}.unrecovered`);
  assert.match(r.reason, /sidecar is empty and no instrument settings for its stream were found/);
  assert.is(statSync(r.keptAs).size, size, 'every record kept');
  assert.equal(recoverTree(root, { streams: [] }), [], 'not tried again');
  assert.equal(listParquet(root), []);
});

test('a journal that cannot be written now (disk full) stays and is recovered at the next start', () => {
  const root = tmp();
  const journal = killedWriter(root, 80);
  const full: JournalIo = {
    ...fsJournalIo,
    writeFile: () => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    },
  };
  const [r] = recoverTree(root, { streams: [info], io: full });
  assert.is(r.kind, 'failed');
  assert.ok(existsSync(journal));
  const [again] = recoverTree(root, { streams: [info] }).map(recovered);
  assert.is(again.rows, 80);
});

test('a raw journal with an empty sidecar: venue from its path, frames intact', async () => {
  const root = tmp();
  const raw = new RawWriter(root, 'bitget', 'simulator', { rollNs: 60_000_000_000n, maxBytes: 1 << 20 });
  const b = new RawBatch();
  for (let i = 0; i < 5; i++) b.add(new TextEncoder().encode(`{"frame":${i}}`), 0x18e0, 0x1000 + i);
  raw.add(b.take());
  raw.flush();
  const dir = join(root, '_raw');
  const partial = join(
    dir,
    (readdirSync(dir, { recursive: true }) as string[]).find((f) => f.endsWith('.rawpartial'))!,
  );
  truncateSync(partial.replace(/\.rawpartial$/, '.meta.json'), 0);
  const [r] = recoverTree(root).map(recovered);
  assert.is(r.rows, 5);
  const { meta } = await readFileMeta(r.path);
  assert.equal([meta.venue, (meta as Record<string, string>).kind], ['bitget', 'raw_frames']);
});

test.run();
