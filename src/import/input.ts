// An import's input as a stream of byte chunks: a file (plain, or gzip by its magic bytes, whatever its name) or an
// http(s) URL such as tardis-machine's /replay. `read` counts the bytes taken from the file or the socket (before
// gunzip), against `size` when known, for the progress line.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { Readable } from 'node:stream';

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
    const text = bodyText(Buffer.concat(body).toString('utf8'));
    throw new Error(`${url}: HTTP ${res.statusCode}${res.statusMessage ? ` ${res.statusMessage}` : ''}${text ? `: ${text}` : ''}`);
  }
  const len = Number(res.headers['content-length']);
  let n = 0;
  // the bytes off the socket are counted (against content-length); a body sent gzip-encoded is decoded, and what it
  // holds is then told by its magic bytes like a file's: a .gz served as a file (no content-encoding) is gunzipped too
  let chunks: AsyncIterable<Uint8Array> = (async function* () {
    for await (const c of res) {
      n += (c as Uint8Array).length;
      yield c as Uint8Array;
    }
  })();
  if (/gzip/i.test(String(res.headers['content-encoding'] ?? ''))) chunks = gunzipped(chunks);
  return {
    name: url,
    size: Number.isFinite(len) && len > 0 ? len : null,
    read: () => n,
    chunks: withName(byMagic(chunks), url, true),
    close: () => {
      res.destroy();
    },
  };
}

/** An error page's words, not its markup: tags and runs of white space dropped, cut to a line's length. */
function bodyText(html: string): string {
  const text = html
    .replace(/<(script|style)[^]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** `chunks` gunzipped. */
function gunzipped(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const gunzip = createGunzip({ chunkSize: CHUNK });
  const src = Readable.from(chunks, { objectMode: false });
  src.on('error', (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  return gunzip;
}

/** `chunks`, gunzipped when they begin with gzip's magic bytes. */
async function* byMagic(chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  let head = new Uint8Array(0);
  let done = false;
  while (head.length < 2 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else {
      const joined = new Uint8Array(head.length + r.value.length);
      joined.set(head);
      joined.set(r.value, head.length);
      head = joined;
    }
  }
  const all = (async function* () {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })();
  yield* head[0] === 0x1f && head[1] === 0x8b ? gunzipped(all) : all;
}

export async function openInput(name: string): Promise<Input> {
  return isUrl(name) ? openUrl(name) : openFile(name);
}

/** The stream's chunks; a read or gunzip error names the input (a truncated .gz is the usual one). */
async function* withName(
  stream: AsyncIterable<Uint8Array>,
  name: string,
  gz: boolean,
  count?: (n: number) => void,
): AsyncIterable<Uint8Array> {
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
