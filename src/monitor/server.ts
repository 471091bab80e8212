// The monitoring endpoint of a long-running command: GET /metrics (Prometheus text format), readiness on GET /health
// (also /ready, /readyz: 200 when ready, 503 when not, with the checks as JSON) and liveness on GET /livez (also
// /healthz: 200 while the process serves). Readiness fails while a trading session is halted; liveness never does, so
// a probe that restarts on failure cannot restart a halted trader. Loopback by default; only GET and HEAD; anything
// else is answered and closed, so no request can stop the command it watches.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';
import type { Health } from './health';

export interface MonitorServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** How often the health checks look at their counters (a stall shows within this much of its threshold). */
const SAMPLE_MS = 1000;

/** Readiness: the checks (503 when one fails). */
export const READY_PATHS = ['/health', '/ready', '/readyz'];
/**
 * Liveness: the process answers. /healthz is here, not with readiness: Kubernetes' probe examples point the liveness
 * probe at /healthz, and a liveness probe must never restart a halted trader.
 */
export const LIVE_PATHS = ['/livez', '/healthz'];

export async function startMonitor(o: { host: string; port: number; metrics: Metrics; health: Health }): Promise<MonitorServer> {
  const { metrics, health } = o;
  metrics.gauge('ringbook_ready', 'Whether /health answers ready (1) or not (0).', () => (health.report().ready ? 1 : 0));
  const sampler = setInterval(() => health.report(), SAMPLE_MS);
  sampler.unref();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      send(405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
      return;
    }
    if (path === '/metrics') {
      metrics.text().then(
        (text) => send(200, metrics.contentType, text),
        (err: Error) => send(500, 'text/plain; charset=utf-8', `metrics failed: ${err.message}\n`),
      );
    } else if (READY_PATHS.includes(path)) {
      const r = health.report();
      send(r.ready ? 200 : 503, 'application/json', `${JSON.stringify({ status: r.ready ? 'ready' : 'not ready', checks: r.checks })}\n`);
    } else if (LIVE_PATHS.includes(path)) {
      send(200, 'application/json', '{"status":"alive"}\n');
    } else {
      send(404, 'text/plain; charset=utf-8', 'ringbook monitoring: GET /metrics, /health (readiness) or /livez (liveness)\n');
    }
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => {
      clearInterval(sampler);
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`--metrics-port ${o.port} on ${o.host} is in use: pick another, or 0 for any free port`)
          : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
            ? new Error(`cannot bind --metrics-host ${o.host} (${err.code}): use an address of this machine, e.g. 127.0.0.1`)
            : err,
      );
    };
    server.once('error', fail);
    server.listen(o.port, o.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sampler);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
