// Row groups of a recording as 64-byte records in core memory, ready for the engine: how backtests, the feeder and
// the optimizer's load read recordings (the browser replay still reads columns). Groups in our own layout are
// decoded by the core itself (assembly/parquet.ts: snappy and delta decoding straight into the record fields, no
// column arrays, no BigInt); any other group (another writer, another encoding, a group larger than the area) goes
// through ./reader's column path and is copied into the same area, in pieces when it does not fit.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { REC_SIZE, type Core } from '../core/index';
import { fetchChunks, plan } from './fastread';
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

  /** Decodes row group `g` into the area; false when the core cannot (the caller reads it another way). */
  async decode(file: AsyncBuffer, metadata: FileMetaData, g: number, inst: number): Promise<boolean> {
    const rows = Number(metadata.row_groups[g].num_rows);
    if (!fastReadEnabled() || rows > this.capacity || rows <= 0) return false;
    const chunks = plan(metadata, g, NAMES);
    if (!chunks || chunks.some((c) => c.end - c.start > this.bytesCap)) return false;
    const bytes = await fetchChunks(file, chunks);
    if (!bytes) return false;
    const { x, bytes: mem } = this.core;
    for (const [k, c] of chunks.entries()) {
      const f = FIELD.get(c.name)!;
      mem.set(bytes[k], this.input);
      let rc: number;
      try {
        rc = x.pqDecodeChunk(this.input, bytes[k].length, rows, c.i64 ? 1 : 0, c.compressed ? 1 : 0, this.ptr, f.at, f.width, this.scratch, this.bytesCap);
      } catch (err) {
        // a trap on a corrupt chunk (a read past the memory): the column path decides and reports it clearly
        if (err instanceof WebAssembly.RuntimeError) return false;
        throw err;
      }
      if (rc !== 0) return false;
    }
    x.pqSetInstrument(this.ptr, rows, inst);
    return true;
  }
}

/** Streams the file's row groups into `area` as records of instrument `inst`; each piece is valid until the next. */
export async function* recordGroups(file: AsyncBuffer, area: RecordArea, inst: number): AsyncGenerator<RecordGroup> {
  const { metadata } = await fileMeta(file);
  let rowStart = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rows = Number(metadata.row_groups[g].num_rows);
    if (await area.decode(file, metadata, g, inst)) {
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
