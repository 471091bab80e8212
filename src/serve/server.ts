// The replay page's server: the page from one root, recordings from another, a listing of the recordings, nothing
// else. node:http only. Every answer, errors included, carries the cross-origin isolation headers: the page shares
// WebAssembly memory between workers, which browsers allow only in a cross-origin isolated document, and an error
// page without them would load as a non-isolated document and fail in confusing ways.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { realpath, stat } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { pathSegments, resolveInside } from './paths';
import { sendFile } from './files';
import { listRecordings, type ListingCache } from './listing';

export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  // recordings grow and the page gets rebuilt: always revalidate (the ETag keeps that cheap)
  'Cache-Control': 'no-cache',
};

export interface ServerOptions {
  /** The page's build output (index.html, *.js, core.wasm). */
  webRoot: string;
  /** The recording root, as given to `ringbook record --out`. */
  dataRoot: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Leave recordings whose footer cannot be read out of /api/recordings (else they are listed with their error). */
  skipDamaged?: boolean;
  /** More /api/* endpoints (GET and HEAD, after the host check): true when it answered the request. */
  api?: ApiHandler;
}

export type ApiHandler = (pathname: string, req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface RunningServer {
  /** Where a browser on this machine opens the page, e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  /** Stops listening and drops open connections (keep-alive ones would otherwise hold the process). */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  403: 'forbidden',
  404: 'not found',
  405: 'method not allowed: only GET and HEAD',
  500: 'internal error',
};

const isLoopbackName = (h: string) => h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);

/** The name part of a Host header: `127.0.0.1:8080` → `127.0.0.1`, `[::1]:8080` → `[::1]`. */
function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export function pageUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/`;
}

function text(req: IncomingMessage, res: ServerResponse, status: number, body = `${STATUS_TEXT[status] ?? 'error'}\n`): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function json(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

interface Context {
  webRoot: string;
  dataRoot: string;
  /** Set when bound to loopback: only loopback Host names are answered. */
  checkHost: boolean;
  cache: ListingCache;
  skipDamaged: boolean;
  api?: ApiHandler;
}

async function serveUnder(req: IncomingMessage, res: ServerResponse, root: string, encoded: string): Promise<void> {
  const parsed = pathSegments(encoded);
  if (!parsed.ok) return text(req, res, parsed.status);
  const resolved = await resolveInside(root, parsed.segments);
  if (!resolved.ok) return text(req, res, resolved.status);
  const failed = await sendFile(req, res, resolved.path);
  if (failed) text(req, res, failed);
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
  // DNS rebinding: a web page whose name was re-pointed at 127.0.0.1 could otherwise read the recordings
  if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1)
    return text(req, res, 400, 'bad request: an HTTP/1.1 request needs a Host header\n');
  if (ctx.checkHost && !isLoopbackName(hostName(req.headers.host ?? ''))) {
    return text(req, res, 403, 'forbidden: open the page through 127.0.0.1 or localhost\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return text(req, res, 405);
  }
  const target = req.url ?? '';
  // absolute-form (`GET http://host/…`) is for proxies, and we are none
  if (!target.startsWith('/')) return text(req, res, 400);
  const pathname = target.slice(0, target.search(/[?#]|$/));
  if (pathname === '/api/recordings') {
    let list;
    try {
      list = await listRecordings(ctx.dataRoot, ctx.cache);
    } catch (err) {
      return json(req, res, 500, { error: `cannot list the recordings (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    return json(req, res, 200, ctx.skipDamaged ? list.filter((e) => !e.error) : list);
  }
  if (ctx.api && pathname.startsWith('/api/') && (await ctx.api(pathname, req, res))) return;
  if (pathname === '/api' || pathname.startsWith('/api/')) return json(req, res, 404, { error: 'no such endpoint; try /api/recordings' });
  if (pathname.startsWith('/data/')) return serveUnder(req, res, ctx.dataRoot, pathname.slice('/data/'.length));
  if (pathname === '/data') return text(req, res, 404);
  const rest = pathname.slice(1);
  return serveUnder(req, res, ctx.webRoot, rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest);
}

async function realDirectory(what: string, dir: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch {
    throw new Error(`${what} ${dir} does not exist`);
  }
  if (!(await stat(real)).isDirectory()) throw new Error(`${what} ${dir} is not a directory`);
  return real;
}

/** Requests Node rejects before our handler runs still get the common headers. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : [400, 'Bad Request'];
  const body = `${reason.toLowerCase()}\n`;
  const headers = Object.entries(COMMON_HEADERS)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  // closed once the answer is out: left half-open with unread bytes, the socket would hold close() forever
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${headers}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/** Starts serving; rejects with the listen error (its `code`, e.g. EADDRINUSE, intact) if it cannot bind. */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  const ctx: Context = {
    webRoot: await realDirectory('web root', o.webRoot),
    dataRoot: await realDirectory('data root', o.dataRoot),
    checkHost: isLoopbackName(host),
    cache: new Map(),
    skipDamaged: o.skipDamaged ?? false,
    api: o.api,
  };
  // a request without Host is answered here, with the isolation headers, not by Node's bare 400
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    handle(req, res, ctx).catch(() => {
      if (!res.headersSent) text(req, res, 500);
      else res.destroy();
    });
  });
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: pageUrl(host, port),
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
