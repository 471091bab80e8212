// The replay feeder: a recording's market files for one symbol, in local-time order, streamed row group by row
// group into 64-byte records in the engine's memory and applied by the same core as live. Memory stays flat
// whatever the recording's length: one row group at a time.
import { REC_SIZE, type Engine, type Ring } from '../core/index';
import type { RecordArea } from '../capture/parquet/record-groups';
import { fileRecordGroups, readFileMeta } from '../capture/read-file';
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
    const { meta, rows } = await readFileMeta(path);
    out.push({ path, meta, rows, firstLocalTs: BigInt(meta.first_local_ts || '0') });
  }
  if (!out.length)
    throw new Error(
      `no recording of ${instType ? `${instType} ` : ''}${symbol} under ${root} (expected <root>/venue=…/inst_type=…/symbol=${symbol}/date=…/*.parquet)`,
    );
  return out.sort((a, b) => (a.firstLocalTs < b.firstLocalTs ? -1 : a.firstLocalTs > b.firstLocalTs ? 1 : a.path < b.path ? -1 : 1));
}

export interface FeedOptions {
  engine: Engine;
  inst: number;
  /** Where row groups are decoded (capture/parquet/record-groups), in the engine's core memory. */
  area: RecordArea;
  /** Records applied between two calls of `onOutput` (the output ring must hold their signals). Default 4096. */
  batch?: number;
  /** Output ring for signal/status/trade records, drained by `onOutput` after every batch (optional). */
  out?: Ring;
  onOutput?(ring: Ring): void;
}

/** Replays `files` through the engine; returns the number of records applied. */
export async function replay(files: ReplayFile[], o: FeedOptions): Promise<number> {
  let applied = 0;
  const batch = o.batch ?? 4096;
  for (const f of files) {
    for await (const g of fileRecordGroups(f.path, o.area, o.inst)) {
      for (let start = 0; start < g.rows; start += batch) {
        const n = Math.min(batch, g.rows - start);
        o.engine.apply(g.ptr + start * REC_SIZE, n, o.out);
        if (o.out) o.onOutput?.(o.out);
        applied += n;
      }
    }
  }
  return applied;
}
