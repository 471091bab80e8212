// The monitoring flags of the long-running commands (record, live, demo, exchange) and what they start: one
// registry, one health, one HTTP endpoint on loopback unless told otherwise.
import { Metrics } from '../monitor/metrics';
import { Health } from '../monitor/health';
import { startMonitor, type MonitorServer } from '../monitor/server';
import type { Logger } from '../log/logger';
import { STOP_SIGNAL_NAMES } from './stop-signals';

const GROUP = 'monitoring';

export const METRICS_ENDPOINT_FLAGS = {
  'metrics-port': {
    type: 'int',
    arg: 'N',
    min: 0,
    max: 65535,
    noun: 'a port number',
    defaultText: 'off',
    description:
      'serve GET /metrics (Prometheus text format), GET /health (readiness: 200 ready, 503 not: stale feed, failing writer, a halted trading session) and GET /livez (liveness: 200 while the process serves) on port N; 0 = any free port',
    group: GROUP,
  },
  'metrics-host': { type: 'string', arg: 'H', default: '127.0.0.1', description: 'interface for --metrics-port', group: GROUP },
} as const;

export const MONITOR_FLAGS = {
  ...METRICS_ENDPOINT_FLAGS,
  'stale-after': {
    type: 'duration',
    arg: 'D',
    default: '15s',
    description: '/health answers not ready when no market data arrived for D',
    group: GROUP,
  },
  'metrics-linger': {
    type: 'duration',
    arg: 'D',
    default: '0s',
    zero: true,
    description: 'after the run, keep serving the final figures for D so the last scrape sees them (Ctrl-C ends it sooner)',
    group: GROUP,
  },
} as const;

export interface Monitoring {
  readonly metrics: Metrics;
  readonly health: Health;
  readonly server: MonitorServer;
  /** What the command is doing, for /health: ready only while 'running' (and every other check passes). */
  setPhase(phase: 'starting' | 'running' | 'stopping' | 'stopped'): void;
  /** Waits --metrics-linger (or until a stop signal: Ctrl-C, SIGTERM, SIGHUP), then closes the endpoint. */
  finish(): Promise<void>;
}

/** Starts the endpoint when --metrics-port is given; null otherwise. Says where it listens. */
export async function startMonitoring(
  command: string,
  values: { 'metrics-port'?: number; 'metrics-host': string; 'metrics-linger'?: number },
  log: Logger,
): Promise<Monitoring | null> {
  const port = values['metrics-port'];
  if (port === undefined) return null;
  const metrics = new Metrics(command);
  const health = new Health();
  let phase = 'starting';
  health.add('command', () => ({ ok: phase === 'running', detail: phase }));
  const server = await startMonitor({ host: values['metrics-host'], port, metrics, health });
  log.info(`metrics on ${server.url}/metrics, health on ${server.url}/health (readiness; liveness on /livez)`, {
    metricsUrl: `${server.url}/metrics`,
    healthUrl: `${server.url}/health`,
    livenessUrl: `${server.url}/livez`,
  });
  if (!/^(127\.|localhost$|\[?::1\]?$)/.test(values['metrics-host']))
    log.warn(`WARNING: --metrics-host ${values['metrics-host']} serves the metrics beyond this machine; they are not authenticated`);
  const lingerMs = values['metrics-linger'] ?? 0;
  return {
    metrics,
    health,
    server,
    setPhase: (p) => {
      phase = p;
    },
    finish: async () => {
      phase = 'stopped';
      if (lingerMs > 0) {
        log.info(`serving the final figures on ${server.url}/metrics for ${Math.round(lingerMs / 1000)} s (Ctrl-C ends it)`);
        await new Promise<void>((done) => {
          // any stop signal ends the wait (the session's own listener has had its first: this is a later one)
          const end = () => {
            clearTimeout(t);
            for (const sig of STOP_SIGNAL_NAMES) process.off(sig, end);
            done();
          };
          const t = setTimeout(end, lingerMs);
          for (const sig of STOP_SIGNAL_NAMES) process.once(sig, end);
        });
      }
      await server.close();
    },
  };
}
