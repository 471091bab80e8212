// Sends one file: type, validators, single-range reads and HEAD. The file is opened before anything is sent, so a
// file that vanished or is not a regular file becomes a clean 404 rather than a broken 200 — and only a regular file
// is ever opened (a FIFO's open would wait for a writer forever, holding an I/O thread).
import type { FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRange } from './range';
import { openRegular } from '../capture/regular-file';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  // instantiateStreaming refuses anything else
  '.wasm': 'application/wasm',
  '.parquet': 'application/vnd.apache.parquet',
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** What the caller should answer instead when the file cannot be sent. */
export type SendFailure = 404;

/**
 * Sends `path` (a real path already checked to be inside its root) for a GET or HEAD. Headers common to every
 * response are the caller's; this adds the file's own.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<SendFailure | undefined> {
  let fh: FileHandle;
  try {
    // O_NOFOLLOW: the last component was resolved by realpath; a symlink swapped in since then is not followed
    fh = await openRegular(path, constants.O_NOFOLLOW);
  } catch {
    return 404;
  }
  let streaming = false;
  try {
    const st = await fh.stat();
    const size = st.size;
    const etag = `"${size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const lastModified = st.mtime.toUTCString();
    res.setHeader('Content-Type', contentType(path));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', lastModified);

    if (req.headers['if-none-match'] !== undefined && req.headers['if-none-match'].split(',').some((t) => t.trim() === etag)) {
      res.writeHead(304).end();
      return undefined;
    }
    // a range read of a file that changed since the first read would splice two versions: send it whole instead
    const ifRange = req.headers['if-range'];
    const rangeHeader = ifRange === undefined || ifRange === etag || ifRange === lastModified ? req.headers.range : undefined;
    const range = parseRange(rangeHeader, size);
    if (range.kind === 'unsatisfiable') {
      const body = `range not satisfiable: the file has ${size} bytes\n`;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
      return undefined;
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
    const length = end - start + 1;
    if (range.kind === 'partial') res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': length });
    else res.writeHead(200, { 'Content-Length': size });
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return undefined;
    }
    streaming = true;
    // the stream owns the handle from here and closes it on end, error or a client that went away
    await pipeline(fh.createReadStream({ start, end }), res).catch(() => res.destroy());
    return undefined;
  } finally {
    if (!streaming) await fh.close().catch(() => {});
  }
}
