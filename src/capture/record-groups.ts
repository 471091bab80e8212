// Row groups of a recording as 64-byte records in core memory, ready for the engine: how backtests, the feeder and
// the optimizer's load read recordings (the browser replay still reads columns). Groups in our own layout are
// decoded by the core itself (assembly/parquet.ts: snappy and delta decoding straight into the record fields, no
// column arrays, no BigInt); any other group (another writer, another encoding, a group larger than the area) goes
// through ./reader's column path and is copied into the same area, in pieces when it does not fit.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { REC_SIZE, type Core } from '../core/index';
import { fetchChunks, plan, type ChunkPlan } from './fastread';
import { columnsToRecords, fastReadEnabled, fileMeta, groupColumns, type Columns } from './reader';
import { COLUMNS } from './schema';

const NAMES = COLUMNS.map((c) => c.name);
const FIELD = new Map(COLUMNS.map((c) => [c.name as string, c]));
/** Readable slack after the input and the scratch: the core's bit unpacker loads whole 8-byte words. */
const PAD = 16;

export interface RecordGroup {
  group: number;
  /** First row of this piece in the file. */
  rowStart: number;
  rows: number;
  /** Byte address of the first record in core memory. */
  ptr: number;
}

/**
 * The areas the core decodes into, allocated once per core instance (the engine heap never frees): records for
 * `capacity` rows (our writer's row groups are 131072), and room for one column chunk and one page of it.
 */
export class RecordArea {
  readonly ptr: number;
  private readonly input: number;
  private readonly scratch: number;
  private readonly bytesCap: number;
  /** Row groups decoded by the core / read through the column path. */
  decoded = 0;
  fallback = 0;

  constructor(readonly core: Core, readonly capacity = 131072) {
    this.ptr = core.x.coreAlloc(capacity * REC_SIZE);
    // a delta-packed INT64 value takes at most 9 bytes with its block's share of headers
    this.bytesCap = capacity * 9 + 65536;
    this.input = core.x.coreAlloc(this.bytesCap + PAD);
    this.scratch = core.x.coreAlloc(this.bytesCap + PAD);
  }

  /**
   * Starts reading row group `g`'s column chunks, if the core can decode the group: the bytes, or null for the
   * column path. Reading the next group while the current one is replayed hides the I/O (a disk, or a server's
   * range requests).
   */
  fetch(file: AsyncBuffer, metadata: FileMetaData, g: number): Promise<Fetched | null> {
    const rows = Number(metadata.row_groups[g].num_rows);
    if (!fastReadEnabled() || rows > this.capacity || rows <= 0) return Promise.resolve(null);
    const chunks = plan(metadata, g, NAMES);
    if (!chunks || chunks.some((c) => c.end - c.start > this.bytesCap)) return Promise.resolve(null);
    return fetchChunks(file, chunks).then((bytes) => (bytes ? { rows, chunks, bytes } : null));
  }

  /** Decodes fetched chunks into the area as records of instrument `inst`; false when the core cannot. */
  decode(f: Fetched, inst: number): boolean {
    const { x, bytes: mem } = this.core;
    for (const [k, c] of f.chunks.entries()) {
      const field = FIELD.get(c.name)!;
      mem.set(f.bytes[k], this.input);
      let rc: number;
      try {
        rc = x.pqDecodeChunk(this.input, f.bytes[k].length, f.rows, c.i64 ? 1 : 0, c.compressed ? 1 : 0, this.ptr, field.at, field.width, this.scratch, this.bytesCap);
      } catch (err) {
        // a trap on a corrupt chunk (a read past the memory): the column path decides and reports it clearly
        if (err instanceof WebAssembly.RuntimeError) return false;
        throw err;
      }
      if (rc !== 0) return false;
    }
    x.pqSetInstrument(this.ptr, f.rows, inst);
    return true;
  }
}

/** A row group's column chunks, read and ready for the core. */
export interface Fetched {
  rows: number;
  chunks: ChunkPlan[];
  bytes: Uint8Array[];
}

/** Streams the file's row groups into `area` as records of instrument `inst`; each piece is valid until the next. */
export async function* recordGroups(file: AsyncBuffer, area: RecordArea, inst: number): AsyncGenerator<RecordGroup> {
  const { metadata } = await fileMeta(file);
  const groups = metadata.row_groups.length;
  let rowStart = 0;
  let next = groups > 0 ? area.fetch(file, metadata, 0) : null;
  for (let g = 0; g < groups; g++) {
    const rows = Number(metadata.row_groups[g].num_rows);
    const fetched = await next;
    next = g + 1 < groups ? area.fetch(file, metadata, g + 1) : null;
    // a read that fails while the caller still replays this group must not go unhandled: awaited next round
    next?.catch(() => {});
    if (fetched && area.decode(fetched, inst)) {
      area.decoded++;
      yield { group: g, rowStart, rows, ptr: area.ptr };
    } else {
      area.fallback++;
      const cols = await groupColumns(file, metadata, g, rowStart);
      for (let from = 0; from < rows; from += area.capacity) {
        const n = Math.min(area.capacity, rows - from);
        const part: Columns = {};
        for (const k in cols) part[k] = cols[k].subarray(from, from + n) as Int32Array | BigInt64Array;
        columnsToRecords(part, n, area.core.words, area.ptr >> 2, inst);
        yield { group: g, rowStart: rowStart + from, rows: n, ptr: area.ptr };
      }
    }
    rowStart += rows;
  }
}
