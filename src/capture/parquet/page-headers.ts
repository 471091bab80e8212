// The page headers of a row group, checked before hyparquet decodes it. Page checksums cover a page's bytes but not
// its header, and hyparquet trusts a header: a flipped bit that turns DELTA_BINARY_PACKED into a dictionary encoding
// with no dictionary page made it grow an array past the engine's limit, which ends the process with no error to
// catch. So the general path (another writer's files, or ours when ./page-decoder declines) first walks every header
// of the chunks it will read and refuses, naming the row group, column and byte, anything a well-formed flat file
// cannot hold. WHEN TO USE: ./reader calls it before hyparquet's parquetRead; it reads only the chunks' bytes.
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { crc32 } from './crc32';
import { errorText } from '../../format/errors';

/** Larger pages than this are refused: our writer's pages are ~1 MiB, other writers' default to 1 MiB. */
const MAX_PAGE_BYTES = 256 * 1024 * 1024;
const DICTIONARY_ENCODINGS = new Set(['PLAIN_DICTIONARY', 'RLE_DICTIONARY']);
const DATA_ENCODINGS = new Set([
  'PLAIN',
  'PLAIN_DICTIONARY',
  'RLE_DICTIONARY',
  'RLE',
  'BIT_PACKED',
  'DELTA_BINARY_PACKED',
  'DELTA_LENGTH_BYTE_ARRAY',
  'DELTA_BYTE_ARRAY',
  'BYTE_STREAM_SPLIT',
]);

/** Throws, saying where and what, when a page header of row group `g` (the named columns) is not one a decoder may trust. */
export async function checkPageHeaders(file: AsyncBuffer, metadata: FileMetaData, g: number, columns: readonly string[]): Promise<void> {
  const group = metadata.row_groups[g];
  const rows = Number(group.num_rows);
  const fileBytes = file.byteLength;
  for (const chunk of group.columns) {
    const m = chunk.meta_data;
    if (!m || !columns.includes(m.path_in_schema[0])) continue;
    const name = m.path_in_schema.join('.');
    // a flat required column has no levels and no nulls; a header that says otherwise moves the values' start
    const required = metadata.schema.find((e) => e.name === m.path_in_schema[0])?.repetition_type === 'REQUIRED';
    const plainBody = m.codec === 'UNCOMPRESSED';
    const start = Number(m.dictionary_page_offset ?? m.data_page_offset);
    const end = start + Number(m.total_compressed_size);
    const where = (at: number) => `row group ${g}, column ${name}, page at byte ${at}`;
    if (!(start >= 0 && end <= fileBytes && end > start))
      throw new Error(`row group ${g}, column ${name}: chunk bytes ${start}–${end} lie outside the file`);
    const bytes = await file.slice(start, end);
    const reader = { view: new DataView(bytes), offset: 0 };
    let dictionary = false;
    let values = 0;
    while (reader.offset < bytes.byteLength) {
      const at = start + reader.offset;
      let h: ReturnType<typeof parquetHeader>;
      try {
        h = parquetHeader(reader);
      } catch (e) {
        throw new Error(`${where(at)}: unreadable page header (${errorText(e)})`);
      }
      const size = h.compressed_page_size;
      const sizeFault = pageSizeFault(size, 'compressed');
      if (sizeFault !== undefined) throw new Error(`${where(at)}: ${sizeFault}`);
      if (reader.offset + size > bytes.byteLength)
        throw new Error(
          `${where(at)}: a page of ${size} bytes runs past its column chunk (${bytes.byteLength - reader.offset} bytes left)`,
        );
      const rawFault = pageSizeFault(h.uncompressed_page_size, 'uncompressed');
      if (rawFault !== undefined) throw new Error(`${where(at)}: ${rawFault}`);
      if (h.uncompressed_page_size > MAX_PAGE_BYTES)
        throw new Error(`${where(at)}: an uncompressed page size of ${h.uncompressed_page_size} bytes, more than ${MAX_PAGE_BYTES}`);
      const data = h.data_page_header ?? h.data_page_header_v2;
      if (h.type === 'DICTIONARY_PAGE') {
        const n = h.dictionary_page_header?.num_values;
        if (dictionary || values > 0) throw new Error(`${where(at)}: a dictionary page after the chunk's first page`);
        if (h.dictionary_page_header === undefined) throw new Error(`${where(at)}: a dictionary page with no dictionary header`);
        const countFault = countFaultOf(n, 'dictionary page header');
        if (countFault !== undefined) throw new Error(`${where(at)}: ${countFault}`);
        if (n! > rows) throw new Error(`${where(at)}: dictionary of ${n} values for ${rows} rows`);
        dictionary = true;
      } else if ((h.type === 'DATA_PAGE' || h.type === 'DATA_PAGE_V2') && data) {
        const n = data.num_values;
        const countFault = countFaultOf(n, 'data page header');
        if (countFault !== undefined) throw new Error(`${where(at)}: ${countFault}`);
        if (values + n > rows) throw new Error(`${where(at)}: ${n} values after ${values}, in a row group of ${rows} rows`);
        if (!DATA_ENCODINGS.has(data.encoding)) throw new Error(`${where(at)}: unknown encoding ${String(data.encoding)}`);
        if (DICTIONARY_ENCODINGS.has(data.encoding) && !dictionary)
          throw new Error(`${where(at)}: ${data.encoding} page with no dictionary page`);
        const v2 = h.data_page_header_v2;
        let bodyStart = 0;
        if (v2 !== undefined) {
          const levels = v2.repetition_levels_byte_length + v2.definition_levels_byte_length;
          if (!(v2.repetition_levels_byte_length >= 0 && v2.definition_levels_byte_length >= 0 && levels <= size))
            throw new Error(`${where(at)}: levels of ${levels} bytes in a page of ${size}`);
          if (required && (levels !== 0 || v2.num_nulls !== 0))
            throw new Error(`${where(at)}: a required column's page with ${levels} bytes of levels and ${v2.num_nulls} nulls`);
          if (!(v2.num_nulls >= 0 && v2.num_nulls <= n)) throw new Error(`${where(at)}: ${v2.num_nulls} nulls in ${n} values`);
          bodyStart = levels;
        }
        if (h.crc !== undefined && crc32(new Uint8Array(bytes), reader.offset, reader.offset + size) !== h.crc)
          throw new Error(`${where(at)}: page checksum does not match its bytes`);
        // the delta header sizes the decoder's loops: a bad one can make it run forever instead of failing
        if (data.encoding === 'DELTA_BINARY_PACKED' && required && (plainBody || v2?.is_compressed === false))
          checkDeltaHeader(new DataView(bytes, reader.offset + bodyStart, size - bodyStart), n, where(at));
        values += n;
      } else if (h.type !== 'INDEX_PAGE') {
        throw new Error(`${where(at)}: not a page (type ${String(h.type)})`);
      }
      reader.offset += size;
    }
    if (values !== rows) throw new Error(`row group ${g}, column ${name}: pages hold ${values} values for ${rows} rows`);
  }
}

/** What is wrong with a header's page size field, in words (undefined when it is a usable byte count). */
function pageSizeFault(size: number | undefined, which: 'compressed' | 'uncompressed'): string | undefined {
  if (size === undefined || size === null) return `the page header has no ${which} size`;
  if (!Number.isSafeInteger(size)) return `the page header's ${which} size ${String(size)} is not a whole number of bytes`;
  if (size < 0) return `a negative ${which} page size ${size}`;
  return undefined;
}

/** What is wrong with a header's value count, in words (undefined when it is a usable count). */
function countFaultOf(n: number | undefined, header: string): string | undefined {
  if (n === undefined || n === null) return `the ${header} has no value count`;
  if (!Number.isSafeInteger(n)) return `the ${header}'s value count ${String(n)} is not a whole number`;
  if (n < 0) return `the ${header} counts a negative ${n} values`;
  return undefined;
}

/** DELTA_BINARY_PACKED's header as parquet-format defines it: block size a multiple of 128, miniblocks of a multiple of 32 values, the page's count. */
function checkDeltaHeader(view: DataView, count: number, where: string): void {
  let p = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= view.byteLength) throw new Error(`${where}: delta header runs past the page`);
      const b = view.getUint8(p++);
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    throw new Error(`${where}: delta header holds a varint of more than 5 bytes`);
  };
  const blockSize = varint();
  const miniblocks = varint();
  const total = varint();
  if (!(blockSize > 0 && blockSize % 128 === 0 && miniblocks > 0 && blockSize % miniblocks === 0 && (blockSize / miniblocks) % 32 === 0))
    throw new Error(`${where}: delta blocks of ${blockSize} values in ${miniblocks} miniblocks`);
  if (total !== count) throw new Error(`${where}: delta header counts ${total} values, the page ${count}`);
}
