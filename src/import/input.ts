// An import's input as a stream of byte chunks: a file (plain, or gzip by its magic bytes, whatever its name) or an
// http(s) URL such as tardis-machine's /replay. `read` counts the bytes taken from the file or the socket (before
// gunzip), against `size` when known, for the progress line.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { Readable } from 'node:stream';

export interface Input {
  name: string;
  /** Bytes of the file or response body (compressed), when known. */
  size: number | null;
  /** Bytes taken so far. */
  read(): number;
  chunks: AsyncIterable<Uint8Array>;
  close(): void;
}

const CHUNK = 1 << 20;

export function isUrl(name: string): boolean {
  return /^https?:\/\//i.test(name);
}

function gzipped(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The stream to read (gunzipped when `gz`) and a count of the raw bytes taken. */
function counted(raw: Readable, gz: boolean): { stream: Readable; read: () => number; count?: (n: number) => void } {
  let n = 0;
  if (!gz) return { stream: raw, read: () => n, count: (k) => (n += k) };
  // the pipe and this listener are attached in the same tick: no chunk passes before both see it
  raw.on('data', (c: Buffer) => {
    n += c.length;
  });
  const gunzip = createGunzip({ chunkSize: CHUNK });
  raw.on('error', (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  return { stream: gunzip, read: () => n };
}

export function openFile(path: string): Input {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new Error(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  const gz = gzipped(path);
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  const { stream, read, count } = counted(raw, gz);
  return {
    name: path,
    size: st.size,
    read,
    chunks: withName(stream, path, gz, count),
    close: () => {
      raw.destroy();
      stream.destroy();
    },
  };
}

/** GETs `url`; refuses anything but a 200 with the server's own text as the reason. */
export async function openUrl(url: string): Promise<Input> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = (url.startsWith('https:') ? httpsGet : httpGet)(url, { headers: { 'accept-encoding': 'gzip' } }, resolve);
    req.on('error', (e) => reject(new Error(`${url}: ${e.message}`)));
  });
  if (res.statusCode !== 200) {
    const body: Buffer[] = [];
    for await (const c of res) body.push(c as Buffer);
    const text = Buffer.concat(body).toString('utf8').slice(0, 300);
    throw new Error(`${url}: HTTP ${res.statusCode}${text ? `: ${text}` : ''}`);
  }
  const gz = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
  const len = Number(res.headers['content-length']);
  const { stream, read, count } = counted(res, gz);
  return {
    name: url,
    size: Number.isFinite(len) && len > 0 ? len : null,
    read,
    chunks: withName(stream, url, gz, count),
    close: () => {
      res.destroy();
      stream.destroy();
    },
  };
}

export async function openInput(name: string): Promise<Input> {
  return isUrl(name) ? openUrl(name) : openFile(name);
}

/** The stream's chunks; a read or gunzip error names the input (a truncated .gz is the usual one). */
async function* withName(stream: Readable, name: string, gz: boolean, count?: (n: number) => void): AsyncIterable<Uint8Array> {
  try {
    for await (const c of stream) {
      count?.((c as Uint8Array).length);
      yield c as Uint8Array;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint =
      gz && (e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR') ? ' (the gzip data is cut short or damaged: download it again)' : '';
    throw new Error(`${name}: ${e.message}${hint}`);
  }
}
