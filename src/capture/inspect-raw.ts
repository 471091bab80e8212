// Raw WebSocket frames (`record --raw`, <root>/_raw/): kept to re-parse a recording later, not market records, so
// inspect summarises them apart — files, frames, local-time span per venue — rather than reading them as market data
// (which has another schema: a raw file read so once showed as DAMAGED, "parquet column not found: kind").
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { damaged, fileRowGroups, readFileMeta } from './read-file';
import { SIDE_STREAM_DIRS, sideStreamOf } from './side-stream';
import { duration, plural } from '../format/numbers';

export interface RawReport {
  venue: string;
  files: number;
  frames: number;
  firstLocalTs: string;
  lastLocalTs: string;
  spanSeconds: number;
}

/** What a raw-frames file's metadata says it is (src/capture/raw.ts rawMeta). */
export const RAW_KIND = 'raw_frames';

/** The raw-frames files for `path`: under path/_raw/ for a recording root; inside _raw, that file or every file under it. */
export function rawFiles(path: string): string[] {
  const within = sideStreamOf(resolve(path)) === 'raw';
  const dir = within ? path : join(path, SIDE_STREAM_DIRS.raw);
  if (!isDir(dir)) return within && path.endsWith('.parquet') ? [path] : [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => join(dir, f))
    .sort();
}

/** Every raw-frames stream (one per venue) of `files`; a file that cannot be read goes to `bad`. */
export async function inspectRaw(files: readonly string[], bad: Array<{ path: string; reason: string }>): Promise<RawReport[]> {
  const byVenue = new Map<string, { files: number; frames: number; first: bigint; last: bigint }>();
  for (const f of files) {
    try {
      const { meta } = await readFileMeta(f);
      let frames = 0;
      let first = 0n;
      let last = 0n;
      // local_ts only: the frames' text is not needed to count and span them
      for await (const g of fileRowGroups(f, ['local_ts'])) {
        const ts = g.columns.local_ts as BigInt64Array;
        frames += g.rows;
        for (let i = 0; i < g.rows; i++) {
          if (first === 0n || ts[i] < first) first = ts[i];
          if (ts[i] > last) last = ts[i];
        }
      }
      const venue = meta.venue ?? '?';
      const s = byVenue.get(venue) ?? { files: 0, frames: 0, first: 0n, last: 0n };
      s.files++;
      s.frames += frames;
      if (frames) {
        if (s.first === 0n || first < s.first) s.first = first;
        if (last > s.last) s.last = last;
      }
      byVenue.set(venue, s);
    } catch (err) {
      const d = damaged(f, err);
      bad.push({ path: d.path, reason: d.reason });
    }
  }
  return [...byVenue].map(([venue, s]) => ({
    venue,
    files: s.files,
    frames: s.frames,
    firstLocalTs: String(s.first),
    lastLocalTs: String(s.last),
    spanSeconds: Number(s.last - s.first) / 1e9,
  }));
}

/** One line per venue: what the raw frames are and how many. */
export function rawSummary(r: RawReport): string {
  const span = duration(BigInt(r.lastLocalTs) - BigInt(r.firstLocalTs));
  return `raw WebSocket frames ${r.venue} (record --raw): ${plural(r.files, 'file')}, ${plural(r.frames, 'frame')} over ${span}; the frames as received, kept to re-parse, not market records`;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
