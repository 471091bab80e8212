// A whole recording decoded into memory for replay: every file's row groups, files in the order `ringbook backtest`
// replays them (by first local time, then name), concatenated into typed columns, plus two per-row indexes the replay
// steps by (local time relative to the first record, and where market messages end). A recording is all its files:
// the recorder rolls a new one every minute, and a replay across the roll boundaries is one run, as the CLI's is.
// Decoding everything up front costs ~77 bytes a row (77 MB for a million rows) but makes seeking backwards a
// restart over data already in memory rather than a second download.
import type { AsyncBuffer } from 'hyparquet';
import { fileMeta, rowGroups } from '../capture/parquet/reader';
import { COLUMNS, type Columns, type FileMeta } from '../capture/schema';
import { gridOfFiles, type RecordingGrid } from '../backtest/setup';
import type { FundingSource } from '../backtest/funding';
import type { OwnOrders } from './own-orders';
import { endsMessage } from '../core/record';
import { errorText, prefixed } from '../format/errors';
import { MAX_ROWS, type NamedBuffer } from './parts';

export interface Recording {
  name: string;
  /** Files it was read from (1 for dropped Tardis data). */
  files: number;
  meta: Partial<FileMeta>;
  grid: RecordingGrid;
  rows: number;
  cols: Columns;
  /** local_ts − local_ts of row 0, ns (exact in a double for 104 days). */
  rel: Float64Array;
  /** 1 where a market message ends: a level or clear with the `last` flag, or any other record kind. */
  msgEnd: Uint8Array;
  firstNs: bigint;
  lastNs: bigint;
  /**
   * A recording of several symbols (./merged-recording): each instrument's symbol, metadata and grid, in the run's
   * order (instrument i is the core's instrument i), and each row's instrument. Absent for one symbol.
   */
  instruments?: RecordingInstrument[];
  inst?: Uint8Array;
  /**
   * The funding each instrument is charged (in the run's order; one entry for one symbol): its recorded ticker's
   * settlements, as `ringbook backtest` charges them (./ticker). Absent: none.
   */
  funding?: FundingSource[];
  /** The run's symbols' own-order log (./own-orders): its round trips are the recorded latency model. Absent: none. */
  ownOrders?: OwnOrders;
}

export interface RecordingInstrument {
  symbol: string;
  meta: Partial<FileMeta>;
  grid: RecordingGrid;
  rows: number;
}

const TWO32 = 4294967296;

/**
 * Decodes every row group of every file as one recording; `progress(rowsDone, rows)` after each row group. Files of
 * more than one symbol are refused, as `ringbook backtest` refuses them without --symbol.
 */
export async function loadRecording(
  input: AsyncBuffer | NamedBuffer[],
  name: string,
  progress: (done: number, rows: number) => void = () => {},
): Promise<Recording> {
  const parts = Array.isArray(input) ? input : [{ name, buffer: input }];
  if (parts.length === 0) throw new Error(`${name}: no files to open`);
  const files = [];
  for (const p of parts) {
    const { meta, rows } = await named(p.name, fileMeta(p.buffer));
    files.push({ ...p, meta, rows, first: BigInt(meta.first_local_ts || '0') });
  }
  files.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const symbols = [...new Set(files.map((f) => `${f.meta.inst_type}:${f.meta.symbol}`))];
  if (symbols.length > 1) throw new Error(`${name} holds several symbols (${symbols.join(', ')}): open one symbol's files`);
  const grid = gridOfFiles(files.map((f) => ({ path: f.name, meta: f.meta })));
  const rows = files.reduce((n, f) => n + f.rows, 0);
  if (rows === 0) throw new Error(`${name} holds no rows`);
  if (rows > MAX_ROWS)
    throw new Error(
      `${name} holds ${rows.toLocaleString('en-US')} rows in ${files.length} files: the page keeps at most ${MAX_ROWS.toLocaleString('en-US')} in memory; open one of its files, or replay it whole with ringbook backtest`,
    );
  const cols: Columns = {};
  for (const c of COLUMNS) cols[c.name] = c.type === 'INT64' ? new BigInt64Array(rows) : new Int32Array(rows);
  /** Where each file ends: its last row closes a message even when the file was cut inside one. */
  const ends: number[] = [];
  let done = 0;
  progress(0, rows);
  for (const f of files) {
    const base = done;
    let got = 0;
    await named(
      f.name,
      (async () => {
        for await (const g of rowGroups(f.buffer)) {
          if (g.rowStart + g.rows > f.rows) throw new Error(`row group ${g.group} reaches past the ${f.rows} rows the footer declares`);
          for (const c of COLUMNS) (cols[c.name] as BigInt64Array).set(g.columns[c.name] as BigInt64Array, base + g.rowStart);
          got += g.rows;
          done += g.rows;
          progress(done, rows);
        }
      })(),
    );
    if (got !== f.rows) throw new Error(`${f.name}: the row groups hold ${got} rows, the footer says ${f.rows}`);
    if (got > 0) ends.push(done - 1);
  }
  const rec = recordingOf(name, files[0].meta, grid, cols, rows);
  for (const e of ends) rec.msgEnd[e] = 1;
  rec.files = files.length;
  return rec;
}

/** `work`, its failure prefixed with the file it read: of a recording's files, the damaged one is what to act on. */
async function named<T>(file: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const message = errorText(err);
    throw new Error(prefixed(file, message), { cause: err });
  }
}

/** A recording from its columns (a decoded file, or dropped Tardis files converted in the worker). */
export function recordingOf(name: string, meta: Partial<FileMeta>, grid: RecordingGrid, cols: Columns, rows: number): Recording {
  if (rows === 0) throw new Error(`${name} holds no rows`);
  const local = cols.local_ts as BigInt64Array;
  const firstNs = local[0];
  const rel = new Float64Array(rows);
  // through int32 halves: a BigInt subtraction per row would dominate the load of a large file
  const h = new Int32Array(local.buffer, local.byteOffset, rows * 2);
  const hi0 = h[1];
  const lo0 = h[0] >>> 0;
  for (let i = 0; i < rows; i++) rel[i] = (h[2 * i + 1] - hi0) * TWO32 + ((h[2 * i] >>> 0) - lo0);
  const kind = cols.kind as Int32Array;
  const flags = cols.flags as Int32Array;
  const msgEnd = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) msgEnd[i] = endsMessage(kind[i], flags[i]) ? 1 : 0;
  // a file cut inside a message: its tail still counts as one, so stepping always reaches the end
  msgEnd[rows - 1] = 1;
  let maxRel = 0;
  for (let i = 0; i < rows; i++) if (rel[i] > maxRel) maxRel = rel[i];
  const lastNs = firstNs + BigInt(maxRel);
  return { name, files: 1, meta, grid, rows, cols, rel, msgEnd, firstNs, lastNs };
}
