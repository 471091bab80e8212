// The order path's own connection to the venue's REST host: one kept-alive TCP (or TLS) socket per client, requests
// written as prepared bytes with socket.write in the caller's own turn (node:http writes a request on a later tick,
// after building its header block), answers read by a strict parser (src/gateway/http-response.ts) and matched to the
// requests in order (HTTP/1.1 pipelining: a request may go out while earlier answers are still on their way).
//
// WHEN TO USE: BitgetRestClient sends its order requests here while `ready`, and through node:http otherwise (while
// connecting, after a drop) and for everything else. A bad or unexpected answer, a timeout or a close with answers
// still owed fails every request waiting (the order's outcome is then unknown: the gateway reconciles) and the
// connection is made again. Never sees or logs secrets: it carries bytes made elsewhere and reports only its own
// state and the answer's first bytes.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { GatewayTransportError } from './errors';
import { HttpResponseParser, type HttpResponse } from './http-response';

export interface OrderSocketOptions {
  url: URL;
  /** No answer within this many ms fails every waiting request and drops the connection. */
  timeoutMs: number;
  /** First wait before connecting again after a drop, ms (doubles to reconnectMaxMs). Default 100. */
  reconnectMs?: number;
  reconnectMaxMs?: number;
  log?: (level: 'info' | 'warn' | 'error', line: string) => void;
}

interface Waiting {
  path: string;
  resolve(r: HttpResponse): void;
  reject(e: Error): void;
  deadline: number;
}

export class OrderSocket {
  readonly stats = { connects: 0, drops: 0, requests: 0, badReplies: 0 };
  private sock: Socket | null = null;
  private connected = false;
  private readonly waiting: Waiting[] = [];
  private readonly parser: HttpResponseParser;
  private timer: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private backoff: number;
  private closed = false;
  private connectedAt = 0;

  constructor(private readonly o: OrderSocketOptions) {
    this.backoff = o.reconnectMs ?? 100;
    this.parser = new HttpResponseParser((r) => this.answered(r));
  }

  /** Whether a request written now goes out on an open connection. */
  get ready(): boolean {
    return this.connected && this.sock !== null && this.sock.writable;
  }

  /** Starts connecting (if not connected or connecting); resolves once connected or failed (never rejects). */
  open(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      if (!this.sock) this.dial();
      const s = this.sock!;
      const done = (ok: boolean) => {
        s.off('close', onClose);
        resolve(ok);
      };
      const onClose = () => done(false);
      s.once('close', onClose);
      if (this.connected) done(true);
      else s.once(this.o.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => done(true));
    });
  }

  private dial(): void {
    const u = this.o.url;
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    const tls = u.protocol === 'https:';
    const port = Number(u.port || (tls ? 443 : 80));
    const s = tls ? tlsConnect({ host, port, servername: host, ALPNProtocols: ['http/1.1'] }) : netConnect({ host, port });
    this.sock = s;
    this.connected = false;
    this.parser.reset();
    s.setNoDelay(true); // each order leaves at once
    s.setKeepAlive(true, 30_000);
    s.unref(); // an idle order connection does not keep the process alive; a waiting request's timer does
    s.once(tls ? 'secureConnect' : 'connect', () => {
      if (this.sock !== s) return;
      this.connected = true;
      this.connectedAt = performance.now();
      this.stats.connects++;
    });
    s.on('data', (d: Buffer) => {
      if (this.sock !== s) return;
      try {
        this.parser.push(d);
      } catch (err) {
        this.stats.badReplies++;
        this.drop('RB_ERR_GW_BAD_REPLY', `bad answer on the order connection: ${(err as Error).message}`);
      }
    });
    s.on('error', () => {}); // 'close' follows and says what it means
    s.on('close', () => {
      if (this.sock !== s) return;
      const owed = this.waiting.length > 0;
      this.drop('RB_ERR_GW_NETWORK', owed ? 'the order connection closed before its answer' : 'closed', owed || !this.connected);
    });
  }

  /**
   * Writes one request's bytes now and returns its answer; null (nothing written) when the connection is not ready.
   * `onWritten` runs once the bytes are in the kernel: at once when the write went through whole (the usual case on
   * an idle connection), else when the rest has been flushed.
   */
  request(bytes: string, path: string, onWritten?: () => void): Promise<HttpResponse> | null {
    if (!this.ready) return null;
    const s = this.sock!;
    this.stats.requests++;
    if (!onWritten) s.write(bytes, 'utf8');
    else {
      let told = false;
      const tell = () => {
        if (told) return;
        told = true;
        onWritten();
      };
      s.write(bytes, 'utf8', tell);
      if (s.writableLength === 0) tell();
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ path, resolve, reject, deadline: performance.now() + this.o.timeoutMs });
      if (this.timer === null) this.arm();
    });
  }

  /** Closes the connection; requests still waiting fail. */
  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.drop('RB_ERR_GW_NETWORK', 'the order connection was closed', false);
  }

  private answered(r: HttpResponse): void {
    const w = this.waiting.shift();
    if (!w) {
      this.stats.badReplies++;
      this.drop('RB_ERR_GW_BAD_REPLY', `an answer (HTTP ${r.status}) to no request on the order connection`);
      return;
    }
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.waiting.length) this.arm();
    w.resolve(r);
    if (r.close) this.drop('RB_ERR_GW_NETWORK', 'the venue closed the order connection', false);
  }

  private arm(): void {
    const wait = Math.max(0, this.waiting[0].deadline - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drop('RB_ERR_GW_TIMEOUT', `no answer within ${this.o.timeoutMs} ms on the order connection`);
    }, wait);
  }

  /** Fails every waiting request, closes the socket and (unless closed for good) connects again. */
  private drop(code: GatewayTransportError['code'], detail: string, warn = true): void {
    const s = this.sock;
    const lived = this.connected ? performance.now() - this.connectedAt : 0;
    this.sock = null;
    this.connected = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (s) {
      this.stats.drops++;
      s.destroy();
    }
    const failed = this.waiting.splice(0);
    for (const w of failed) w.reject(new GatewayTransportError(code, w.path, detail));
    if (warn && (failed.length || code !== 'RB_ERR_GW_NETWORK')) this.o.log?.('warn', `${detail}; connecting again`);
    if (this.closed || this.retry) return;
    // an idle close after a while (the venue's keep-alive timeout) reconnects at once; a failure, or a connection
    // that did not last a second, waits, longer each time
    const idle = code === 'RB_ERR_GW_NETWORK' && failed.length === 0 && lived >= 1000;
    const wait = idle ? 0 : this.backoff;
    if (idle) this.backoff = this.o.reconnectMs ?? 100;
    else this.backoff = Math.min(this.backoff * 2, this.o.reconnectMaxMs ?? 5000);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed && !this.sock) this.dial();
    }, wait);
    this.retry.unref();
  }
}
