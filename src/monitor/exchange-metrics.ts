// The local exchange's metrics: connections, traffic and the faults it injected, so a soak can hold what the
// clients saw (gaps, malformed frames, disconnects) against what was done to them.
import type { Exchange } from '../exchange/index';
import type { Metrics } from './metrics';
import type { Health } from './health';

export function exchangeMetrics(m: Metrics, health: Health, ex: Exchange): void {
  const stats = () => ex.stats();
  m.gauge('ringbook_exchange_connections', 'WebSocket connections open now.', () => stats().connections.open);
  m.total('ringbook_exchange_connections_total', 'WebSocket connections accepted.', () => stats().connections.total);
  m.total('ringbook_exchange_traffic_total', 'Traffic counters of the exchange (frames and bytes in and out, …).', ['counter'], () =>
    Object.entries(stats().traffic).map(([k, v]) => [{ counter: k }, Number(v)]),
  );
  m.total('ringbook_exchange_faults_total', 'Faults injected, by kind (dropped, duplicated, reordered, malformed, …).', ['fault'], () =>
    Object.entries(stats().faults).map(([k, v]) => [{ fault: k }, Number(v)]),
  );
  m.gauge('ringbook_exchange_book_seq', 'seq of the last books push, by symbol.', ['inst_type', 'symbol'], () =>
    stats().markets.map((mk) => [{ inst_type: mk.instType, symbol: mk.symbol }, Number(mk.seq)]),
  );
  health.add('exchange', () => ({ ok: true, detail: `listening on ${ex.url.rest}` }));
}
