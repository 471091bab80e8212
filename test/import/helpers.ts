// Shared pieces of the import tests: fixture paths, reading a tree of Parquet files back as records, replaying
// records through the core's engine to the book states a replay sees, and DuckDB.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile } from 'hyparquet';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Engine, REC_SIZE, type Core } from '../../src/core/index';
import { columnsToRecords, fileMeta, rowGroups } from '../../src/capture/parquet/reader';
import { listParquet } from '../../src/capture/recover';
import type { FileMeta } from '../../src/capture/schema';
import type { InstrumentGrid } from '../../src/feed/instruments';
import { gridFromTickLot } from '../../src/import/grid';

export const FIX = join(process.cwd(), 'test/fixtures/tardis');
export const fixture = (name: string) => join(FIX, name);
export const WASM = 'build/core.wasm';
export const V2 = fixture('bitget-futures_v2_BTCUSDT.ndjson');
export const V3 = fixture('bitget-futures_v3_BTCUSDT.ndjson');
export const BOOK_CSV = fixture('binance-futures_incremental_book_L2_BTCUSDT.csv');
export const TRADES_CSV = fixture('binance-futures_trades_BTCUSDT.csv');
export const BTC: InstrumentGrid = gridFromTickLot('USDT-FUTURES', 'BTCUSDT', '0.1', '0.001');

const made: string[] = [];
// a test file's directories go with its process (a failed test's too: its error is in the output, not in /tmp)
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `ringbook-${prefix}-`));
  made.push(d);
  return d;
}

/** Every record of the market files under `root`, in file order (first local time), as 16 words each. */
export async function readRecords(root: string): Promise<{ words: Int32Array; rows: number; metas: Array<Partial<FileMeta>> }> {
  const files = listParquet(root);
  const parts: Int32Array[] = [];
  const metas: Array<Partial<FileMeta>> = [];
  let rows = 0;
  for (const f of files) {
    const buf = await asyncBufferFromFile(f);
    metas.push((await fileMeta(buf)).meta);
    for await (const g of rowGroups(buf)) {
      const w = new Int32Array(g.rows * 16);
      columnsToRecords(g.columns, g.rows, w, 0, 0);
      parts.push(w);
      rows += g.rows;
    }
  }
  const words = new Int32Array(rows * 16);
  let at = 0;
  for (const p of parts) {
    words.set(p, at);
    at += p.length;
  }
  return { words, rows, metas };
}

/** Byte contents of every file under `root`, by path relative to it. */
export function treeBytes(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else out.set(p.slice(root.length), readFileSync(p));
    }
  };
  walk(root);
  return out;
}

/**
 * Replays records through a fresh engine message by message; after each message that leaves the book trusted, its
 * state: the message's seq and the whole book (price:qty per level, best first). What a backtest's venue sees.
 */
export function bookStates(core: Core, grid: InstrumentGrid, words: Int32Array, rows: number): string[] {
  const engine = new Engine(core, 1);
  const inst = engine.addInstrument(0, { ...grid, levelsPerSide: 8192 });
  inst.configure({});
  const area = core.x.coreAlloc(rows * REC_SIZE + REC_SIZE);
  const copy = new Int32Array(words.subarray(0, rows * 16));
  for (let i = 0; i < rows; i++) copy[i * 16 + 1] = 0; // instrument 0
  core.words.set(copy, area >> 2);
  const out: string[] = [];
  let i = 0;
  while (i < rows) {
    const n = engine.applyMessage(area + i * REC_SIZE, rows - i);
    const last = i + n - 1;
    i += n;
    const kind = copy[last * 16] & 0xff;
    if (kind !== 1 && kind !== 2 && kind !== 4) continue; // book messages only
    if (!inst.synced) continue;
    const top = inst.book.top(10_000);
    const seq = (BigInt(copy[last * 16 + 11]) << 32n) | BigInt(copy[last * 16 + 10] >>> 0);
    out.push(`${seq} b ${top.bids.map(([p, q]) => `${p}:${q}`).join(',')} a ${top.asks.map(([p, q]) => `${p}:${q}`).join(',')}`);
  }
  return out;
}

/** Rows of one kind as readable tuples, local_ts left out (exch_ts, side, price, qty, seq, flags). */
export function rowsOfKind(words: Int32Array, rows: number, kind: number): string[] {
  const out: string[] = [];
  const i64 = (p: number) => (BigInt(words[p + 1]) << 32n) | BigInt(words[p] >>> 0);
  for (let i = 0; i < rows; i++) {
    const p = i * 16;
    if ((words[p] & 0xff) !== kind) continue;
    out.push(`${i64(p + 2)} ${(words[p] >> 8) & 0xff} ${i64(p + 6)} ${i64(p + 8)} ${i64(p + 10)} ${(words[p] >>> 16) & 0xffff}`);
  }
  return out;
}

export async function duck(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:')).connect();
}

export async function query(db: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  return (await db.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
}
