// The Parquet files the page reads, as hyparquet buffers: a dropped File or a served URL, read in pieces (range
// requests), and how many rows the page keeps in memory at most.
import { asyncBufferFromUrl, type AsyncBuffer } from 'hyparquet';
import type { ParquetPart } from './protocol';

/** Reads a File in pieces, the way hyparquet reads a URL with range requests. */
export function asyncBufferFromFile(file: Blob): AsyncBuffer {
  return { byteLength: file.size, slice: (start, end) => file.slice(start, end).arrayBuffer() };
}

/**
 * Rows the page decodes into memory at most (~77 bytes each: ~460 MB). Longer recordings are refused with a pointer
 * to single files and to `ringbook backtest`, which streams any length.
 */
export const MAX_ROWS = 6_000_000;

export async function openPart(part: ParquetPart): Promise<AsyncBuffer> {
  if ('file' in part) return asyncBufferFromFile(part.file);
  return asyncBufferFromUrl({ url: part.url, byteLength: part.byteLength });
}

export interface NamedBuffer {
  name: string;
  buffer: AsyncBuffer;
}
