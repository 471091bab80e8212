// A small, strict HTTP/1.1 response parser for the order socket (src/gateway/order-socket.ts): bytes in as they arrive
// (any split, several responses in one packet), whole responses out in order. Only what a REST venue sends is taken:
// a status line, header fields, and a body framed by Content-Length or chunked transfer coding. Anything else (no
// framing, both framings, a folded header, a bad chunk size, an interim 1xx the client never asked for) is an error
// that names what was wrong; the caller drops the connection, since the bytes after it cannot be trusted.
//
// WHEN TO USE: one per connection; `push(chunk)` on every 'data', `reset()` on a new connection.

export interface HttpResponse {
  status: number;
  /** The body as text (UTF-8). */
  text: string;
  /** Retry-After in ms when given as seconds. */
  retryAfterMs?: number;
  /** The server closes the connection after this response (`Connection: close`). */
  close: boolean;
}

export class HttpResponseError extends Error {}

/** A header block longer than this is not a REST answer. */
const MAX_HEAD = 16 * 1024;
/** Nor a body longer than this (the largest answers, orders-pending pages, are tens of KiB). */
const MAX_BODY = 16 * 1024 * 1024;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const STATUS = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [^\r\n]*)?$/;

const enum Phase {
  head,
  body,
  chunkSize,
  chunkData,
  chunkEnd,
  trailer,
}

export class HttpResponseParser {
  private buf: Buffer = Buffer.alloc(0);
  private phase = Phase.head;
  private status = 0;
  private retryAfterMs: number | undefined;
  private close = false;
  private need = 0;
  private parts: Buffer[] = [];
  private bodyBytes = 0;

  constructor(private readonly onResponse: (r: HttpResponse) => void) {}

  /** Forgets a partial response (a new connection). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.phase = Phase.head;
    this.parts = [];
    this.bodyBytes = 0;
  }

  /** Whether bytes of an unfinished response are held. */
  get partial(): boolean {
    return this.buf.length > 0 || this.phase !== Phase.head;
  }

  /** Takes the next bytes; calls onResponse for each response they complete. Throws HttpResponseError. */
  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.phase === Phase.head) {
        const end = this.buf.indexOf('\r\n\r\n', 0, 'latin1');
        if (end < 0) {
          if (this.buf.length > MAX_HEAD) throw new HttpResponseError(`header block longer than ${MAX_HEAD} bytes`);
          return;
        }
        this.head(this.buf.toString('latin1', 0, end));
        this.buf = this.buf.subarray(end + 4);
      } else if (this.phase === Phase.body || this.phase === Phase.chunkData) {
        if (this.buf.length < this.need) {
          if (this.phase === Phase.body && this.buf.length > 0) {
            // keep what came so far and wait for the rest
            this.parts.push(this.buf);
            this.need -= this.buf.length;
            this.buf = Buffer.alloc(0);
          }
          return;
        }
        this.parts.push(this.buf.subarray(0, this.need));
        this.buf = this.buf.subarray(this.need);
        if (this.phase === Phase.body) this.finish();
        else this.phase = Phase.chunkEnd;
      } else {
        const eol = this.buf.indexOf('\r\n', 0, 'latin1');
        if (eol < 0) {
          if (this.buf.length > 1024) throw new HttpResponseError('chunk line longer than 1024 bytes');
          return;
        }
        const line = this.buf.toString('latin1', 0, eol);
        this.buf = this.buf.subarray(eol + 2);
        if (this.phase === Phase.chunkEnd) {
          if (line !== '') throw new HttpResponseError('chunk data not followed by CRLF');
          this.phase = Phase.chunkSize;
        } else if (this.phase === Phase.chunkSize) {
          const m = /^([0-9A-Fa-f]{1,8})(?:[ \t]*;[^\r\n]*)?$/.exec(line);
          if (!m) throw new HttpResponseError(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
          const n = parseInt(m[1], 16);
          if (n === 0) this.phase = Phase.trailer;
          else {
            this.bodyBytes += n;
            if (this.bodyBytes > MAX_BODY) throw new HttpResponseError(`body longer than ${MAX_BODY} bytes`);
            this.need = n;
            this.phase = Phase.chunkData;
          }
        } else if (line === '') this.finish();
        else if (!/^[^:\s]+:/.test(line)) throw new HttpResponseError(`bad trailer field ${JSON.stringify(line.slice(0, 40))}`);
      }
    }
  }

  private head(text: string): void {
    const lines = text.split('\r\n');
    const m = STATUS.exec(lines[0]);
    if (!m) throw new HttpResponseError(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0].slice(0, 60))}`);
    const status = Number(m[1]);
    if (status < 200) throw new HttpResponseError(`unexpected interim response ${status}`);
    let length = -1;
    let chunked = false;
    let close = lines[0].startsWith('HTTP/1.0');
    let retryAfterMs: number | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon) : '';
      if (!TOKEN.test(name)) throw new HttpResponseError(`bad header line ${JSON.stringify(line.slice(0, 40))}`);
      const value = line.slice(colon + 1).trim();
      const key = name.toLowerCase();
      if (key === 'content-length') {
        if (!/^\d{1,10}$/.test(value)) throw new HttpResponseError(`bad Content-Length ${JSON.stringify(value.slice(0, 20))}`);
        const n = Number(value);
        if (length >= 0 && n !== length) throw new HttpResponseError('two different Content-Length values');
        length = n;
      } else if (key === 'transfer-encoding') {
        if (value.toLowerCase() !== 'chunked')
          throw new HttpResponseError(`unsupported Transfer-Encoding ${JSON.stringify(value.slice(0, 20))}`);
        chunked = true;
      } else if (key === 'connection') {
        const v = value.toLowerCase();
        if (v.split(/\s*,\s*/).includes('close')) close = true;
        else if (v.split(/\s*,\s*/).includes('keep-alive')) close = false;
      } else if (key === 'retry-after') {
        const s = Number(value);
        if (value !== '' && Number.isFinite(s) && s >= 0) retryAfterMs = s * 1000;
      }
    }
    if (chunked && length >= 0) throw new HttpResponseError('both Content-Length and chunked');
    this.status = status;
    this.close = close;
    this.retryAfterMs = retryAfterMs;
    this.parts = [];
    this.bodyBytes = 0;
    if (chunked) this.phase = Phase.chunkSize;
    else if (status === 204 || status === 304) this.finish();
    else if (length < 0) throw new HttpResponseError(`HTTP ${status} without Content-Length or chunked coding`);
    else if (length > MAX_BODY) throw new HttpResponseError(`body longer than ${MAX_BODY} bytes`);
    else if (length === 0) this.finish();
    else {
      this.need = length;
      this.phase = Phase.body;
    }
  }

  private finish(): void {
    const body = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.phase = Phase.head;
    this.onResponse({ status: this.status, text: body.toString('utf8'), retryAfterMs: this.retryAfterMs, close: this.close });
  }
}
