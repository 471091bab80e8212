// An import's input as a stream of byte chunks: a file or an http(s) URL such as tardis-machine's /replay, plain or
// gzip. What is gzip is told the same way for both, by the magic bytes (./gzip), whatever the name or the server's
// headers: a body sent gzip-encoded is decoded first, then looked at like a file. `read` counts the bytes taken from
// the file or the socket (compressed where they are), against `size` when known, for the progress line; `text` the
// bytes handed on (gunzipped), for the summary.
import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { Readable } from 'node:stream';
import { isGzip } from './gzip';

export interface Input {
  name: string;
  /** Bytes of the file or response body as stored or sent (compressed for a .gz or a gzip-encoded body), when known. */
  size: number | null;
  /** Bytes taken so far from the file or the socket: compressed where they are, as `size`. */
  read(): number;
  /** Bytes handed out so far in `chunks`: the text, gunzipped. */
  text(): number;
  chunks: AsyncIterable<Uint8Array>;
  close(): void;
}

const CHUNK = 1 << 20;

export function isUrl(name: string): boolean {
  return /^https?:\/\//i.test(name);
}

/**
 * An input over `body`, the bytes as stored or received: counted, decoded when the server said it encoded them
 * (`encoded`), gunzipped when what is left begins with gzip's magic, and any error of the way named after `name`.
 */
function input(name: string, size: number | null, body: AsyncIterable<Uint8Array>, encoded: boolean, close: () => void): Input {
  let read = 0;
  let text = 0;
  let chunks: AsyncIterable<Uint8Array> = (async function* () {
    for await (const c of body) {
      read += (c as Uint8Array).length;
      yield c as Uint8Array;
    }
  })();
  if (encoded) chunks = gunzipped(chunks);
  return {
    name,
    size,
    read: () => read,
    text: () => text,
    chunks: withName(byMagic(chunks), name, (n) => (text += n)),
    close,
  };
}

export function openFile(path: string): Input {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new Error(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  if (!st.isFile()) throw new Error(`${path} is not a file`);
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  return input(path, st.size, raw, false, () => raw.destroy());
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
  const encoded = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
  return input(url, Number.isFinite(len) && len > 0 ? len : null, res, encoded, () => res.destroy());
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
  let head: Uint8Array = new Uint8Array(0);
  let done = false;
  while (head.length < 2 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else if (!head.length) head = r.value;
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
  yield* isGzip(head) ? gunzipped(all) : all;
}

export async function openInput(name: string): Promise<Input> {
  return isUrl(name) ? openUrl(name) : openFile(name);
}

/** The stream's chunks, counted; a read or gunzip error names the input (a truncated .gz is the usual one). */
async function* withName(stream: AsyncIterable<Uint8Array>, name: string, count: (n: number) => void): AsyncIterable<Uint8Array> {
  try {
    for await (const c of stream) {
      count((c as Uint8Array).length);
      yield c as Uint8Array;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // only zlib's errors carry these codes: the data was gzip, told by its magic or by the server
    const hint = e.code === 'Z_BUF_ERROR' || e.code === 'Z_DATA_ERROR' ? ' (the gzip data is cut short or damaged: download it again)' : '';
    throw new Error(`${name}: ${e.message}${hint}`);
  }
}
