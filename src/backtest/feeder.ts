// The replay feeder: a recording's market files for one symbol, in local-time order, streamed row group by row
// group into 64-byte records in the engine's staging memory and applied by the same core as live. Memory stays flat
// whatever the recording's length: one row group at a time.
import { asyncBufferFromFile } from 'hyparquet';
import type { Core, Engine, Ring } from '../core/index';
import { fileMeta, rowGroups, columnsToRecords, type Columns } from '../capture/reader';
import { listParquet } from '../capture/recover';
import type { FileMeta } from '../capture/schema';

export interface ReplayFile {
  path: string;
  meta: Partial<FileMeta>;
  rows: number;
  firstLocalTs: bigint;
}

/** The market files of `symbol` (and `instType` when given) under `root`, ordered by their first local_ts. */
export async function replayFiles(root: string, symbol: string, instType?: string): Promise<ReplayFile[]> {
  const out: ReplayFile[] = [];
  for (const path of listParquet(root)) {
    if (!path.includes(`/symbol=${symbol}/`) || (instType && !path.includes(`/inst_type=${instType}/`))) continue;
    const { meta, rows } = await fileMeta(await asyncBufferFromFile(path));
    out.push({ path, meta, rows, firstLocalTs: BigInt(meta.first_local_ts || '0') });
  }
  if (!out.length) throw new Error(`no recording of ${instType ? `${instType} ` : ''}${symbol} under ${root} (expected <root>/venue=…/inst_type=…/symbol=${symbol}/date=…/*.parquet)`);
  return out.sort((a, b) => (a.firstLocalTs < b.firstLocalTs ? -1 : a.firstLocalTs > b.firstLocalTs ? 1 : a.path < b.path ? -1 : 1));
}

export interface FeedOptions {
  engine: Engine;
  inst: number;
  /** Staging area in the core's memory (start-up allocation), and its capacity in records. */
  staging: number;
  stagingRecords: number;
  /** Output ring for signal/status/trade records, drained by `onOutput` after every batch (optional). */
  out?: Ring;
  onOutput?(ring: Ring): void;
}

/** Replays `files` through the engine; returns the number of records applied. */
export async function replay(core: Core, files: ReplayFile[], o: FeedOptions): Promise<number> {
  let applied = 0;
  for (const f of files) {
    for await (const g of rowGroups(await asyncBufferFromFile(f.path))) {
      for (let start = 0; start < g.rows; start += o.stagingRecords) {
        const n = Math.min(o.stagingRecords, g.rows - start);
        const cols: Record<string, Int32Array | BigInt64Array> = {};
        for (const [k, v] of Object.entries(g.columns)) cols[k] = v.subarray(start, start + n) as Int32Array | BigInt64Array;
        columnsToRecords(cols, n, core.words, o.staging >> 2, o.inst);
        o.engine.apply(o.staging, n, o.out);
        if (o.out) o.onOutput?.(o.out);
        applied += n;
      }
    }
  }
  return applied;
}
