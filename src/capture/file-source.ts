// A local recording file as an AsyncBuffer whose every slice is one positional read on a handle opened once. Node
// only (the browser reads Blobs: src/web/recording.ts).
//
// Why not hyparquet's asyncBufferFromFile: it opens a read stream per slice, and a stream moves 64 KiB per event-loop
// turn. A replay computes between its awaits, so a prefetched row group crawled in only while the replay waited for
// it (~90 ms of a 10 M-event backtest spent idle). One read is one request to the I/O threads: it completes while
// the replay works.
import type { FileHandle } from 'node:fs/promises';
import { openRegular } from './regular-file';
import type { AsyncBuffer } from 'hyparquet';

export interface FileSource extends AsyncBuffer {
  /** Releases the handle; slices asked for afterwards fail. */
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileSource> {
  const handle: FileHandle = await openRegular(path);
  let byteLength: number;
  try {
    byteLength = (await handle.stat()).size;
  } catch (err) {
    await handle.close();
    throw err;
  }
  return {
    byteLength,
    async slice(start: number, end = byteLength): Promise<ArrayBuffer> {
      const len = Math.max(0, end - start);
      const buf = new Uint8Array(len);
      let at = 0;
      while (at < len) {
        const { bytesRead } = await handle.read(buf, at, len - at, start + at);
        if (bytesRead === 0) break; // past the end: a short slice, which the readers report as truncation
        at += bytesRead;
      }
      return at === len ? buf.buffer : buf.buffer.slice(0, at);
    },
    close: () => handle.close(),
  };
}

/** Runs `use` on the file opened as a FileSource and closes it afterwards, however `use` ends. */
export async function withFileSource<T>(path: string, use: (file: FileSource) => Promise<T>): Promise<T> {
  const file = await openFileSource(path);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}
