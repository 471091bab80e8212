// Row groups of a recording as 64-byte records in core memory, ready for the engine: how backtests, the feeder and
// the optimizer's load read recordings (the browser replay still reads columns). Groups in our own layout are
// decoded by the core itself (assembly/parquet.ts: snappy and delta decoding straight into the record fields, no
// column arrays, no BigInt), a piece of a few thousand rows at a time; any other group (another writer, another
// encoding, chunks larger than the area) goes through ./reader's column path and is copied into the same area in
// pieces of the same size.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { REC_SIZE, type Core } from '../../core/index';
import { fetchChunks, plan, type ChunkPlan } from './page-decoder';
import { columnsToRecords, fastReadEnabled, fileMeta, groupColumns } from './reader';
import { COLUMNS, type Columns } from '../schema';

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

export interface RecordAreaOptions {
  /** Records per piece: the rows the core decodes at once and the consumer replays before the next. */
  rows?: number;
  /** Bytes for a row group's column chunks as read; its decompressed pages get twice as many. */
  bytes?: number;
}

/**
 * The areas the core decodes into, allocated once per core instance (the engine heap never frees): records for a
 * piece of `rows` rows (small enough to stay in cache between the decoder writing them and the engine reading
 * them), a row group's column chunks, and their decompressed pages. A group whose chunks or pages do not fit goes
 * through the column path. A 131072-row group of the bench's book stream takes ~0.75 MB as read and ~1.6 MB
 * decompressed; the defaults (4 MB and 8 MB) leave room for recordings of less regular data.
 */
export class RecordArea {
  readonly ptr: number;
  readonly rows: number;
  private readonly group: number;
  private readonly input: number;
  private readonly scratch: number;
  private readonly bytesCap: number;
  private readonly pagesCap: number;
  /** Row groups decoded by the core / read through the column path. */
  decoded = 0;
  fallback = 0;

  constructor(
    readonly core: Core,
    o: RecordAreaOptions = {},
  ) {
    this.rows = o.rows ?? 4096;
    this.bytesCap = o.bytes ?? 4 << 20;
    this.pagesCap = this.bytesCap * 2;
    this.ptr = core.x.coreAlloc(this.rows * REC_SIZE);
    this.group = core.x.coreAlloc(core.x.pqGroupBytes());
    this.input = core.x.coreAlloc(this.bytesCap + PAD);
    this.scratch = core.x.coreAlloc(this.pagesCap + PAD);
  }

  /**
   * Starts reading row group `g`'s column chunks, if the core can decode the group: the bytes, or null for the
   * column path. Reading the next group while the current one is replayed hides the I/O (a disk, or a server's
   * range requests).
   */
  fetch(file: AsyncBuffer, metadata: FileMetaData, g: number): Promise<Fetched | null> {
    const rows = Number(metadata.row_groups[g].num_rows);
    if (!fastReadEnabled() || rows <= 0) return Promise.resolve(null);
    const chunks = plan(metadata, g, NAMES);
    if (!chunks || chunks.reduce((s, c) => s + c.end - c.start, 0) > this.bytesCap) return Promise.resolve(null);
    return fetchChunks(file, chunks).then((bytes) => (bytes ? { rows, chunks, bytes } : null));
  }

  /** Opens fetched chunks for reading (every page checked and decompressed); false when the core cannot. */
  open(f: Fetched): boolean {
    const { x, bytes: mem } = this.core;
    let at = this.input;
    for (const [k, c] of f.chunks.entries()) {
      const field = FIELD.get(c.name)!;
      mem.set(f.bytes[k], at);
      if (!x.pqGroupColumn(this.group, k, at, f.bytes[k].length, c.i64 ? 1 : 0, c.compressed ? 1 : 0, field.at, field.width)) return false;
      at += f.bytes[k].length;
    }
    try {
      return x.pqGroupOpen(this.group, f.chunks.length, f.rows, this.scratch, this.pagesCap) === 0;
    } catch (err) {
      // a trap on a corrupt chunk (a read past the memory): the column path decides and reports it clearly
      if (err instanceof WebAssembly.RuntimeError) return false;
      throw err;
    }
  }

  /** Writes the open group's next `n` rows (n ≤ this.rows) into the area as records of instrument `inst`. */
  read(n: number, inst: number): void {
    if (n > this.rows || this.core.x.pqGroupRead(this.group, this.ptr, n, inst) !== 0)
      throw new Error(`record area: ${n} rows asked, more than the piece or the group holds`);
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
    if (fetched && area.open(fetched)) {
      area.decoded++;
      for (let from = 0; from < rows; from += area.rows) {
        const n = Math.min(area.rows, rows - from);
        area.read(n, inst);
        yield { group: g, rowStart: rowStart + from, rows: n, ptr: area.ptr };
      }
    } else {
      area.fallback++;
      const cols = await groupColumns(file, metadata, g, rowStart);
      for (let from = 0; from < rows; from += area.rows) {
        const n = Math.min(area.rows, rows - from);
        const part: Columns = {};
        for (const k in cols) part[k] = cols[k].subarray(from, from + n) as Int32Array | BigInt64Array;
        columnsToRecords(part, n, area.core.words, area.ptr >> 2, inst);
        yield { group: g, rowStart: rowStart + from, rows: n, ptr: area.ptr };
      }
    }
    rowStart += rows;
  }
}
