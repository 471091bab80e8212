// The Prometheus registry of one command, on prom-client (the Prometheus text format, histograms and the process
// metrics: resident memory, heap, open file descriptors, event-loop lag). ringbook's threads already count
// everything; this module only publishes: each metric reads its source when scraped, so nothing on the hot paths
// changes and a scrape shows exactly the totals the command's own summary prints.
import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import { version } from '../../package.json';

type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

export class Metrics {
  readonly registry = new Registry();

  constructor(readonly command: string) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'ringbook_info',
      help: 'The running ringbook: version and command (always 1).',
      labelNames: ['version', 'command'],
      registers: [this.registry],
    }).set({ version, command }, 1);
  }

  /**
   * A counter published from a running total kept elsewhere (a thread's counters): at each scrape it advances by
   * what the total gained. `read` returns one value, or values by label set; undefined while the source has none.
   */
  total(name: string, help: string, read: () => number | undefined): void;
  total(name: string, help: string, labelNames: string[], read: () => Array<[Labels, number]> | undefined): void;
  total(name: string, help: string, a: string[] | (() => number | undefined), b?: () => Array<[Labels, number]> | undefined): void {
    const labelNames = Array.isArray(a) ? a : [];
    const read = Array.isArray(a) ? b! : () => (a() === undefined ? undefined : [[{}, a()!] as [Labels, number]]);
    const seen = new Map<string, number>();
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        for (const [labels, value] of read() ?? []) {
          const k = key(labels);
          const gained = value - (seen.get(k) ?? 0);
          // totals only grow; a source that restarted from zero is not subtracted from what was published
          if (gained > 0) {
            this.inc(labels, gained);
            seen.set(k, value);
          } else if (!seen.has(k)) {
            this.inc(labels, 0);
            seen.set(k, value);
          }
        }
      },
    });
  }

  /** A gauge read at each scrape; undefined (no data yet) reads NaN, and a labelled one leaves the series out. */
  gauge(name: string, help: string, read: () => number | undefined): void;
  gauge(name: string, help: string, labelNames: string[], read: () => Array<[Labels, number]> | undefined): void;
  gauge(name: string, help: string, a: string[] | (() => number | undefined), b?: () => Array<[Labels, number]> | undefined): void {
    const labelNames = Array.isArray(a) ? a : [];
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        if (Array.isArray(a)) {
          for (const [labels, value] of b!() ?? []) this.set(labels, value);
        } else {
          // an unlabelled gauge is always printed: NaN says "not known yet" where 0 would be a claim
          const v = a();
          this.set(v !== undefined && Number.isFinite(v) ? v : NaN);
        }
      },
    });
  }

  /** A histogram the caller observes into (seconds). */
  histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name, help, buckets, registers: [this.registry] });
  }

  /** The text a scrape returns. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Buckets (s) for feed latency: exchange timestamp → local receive, 100 µs to 10 s. */
export const FEED_LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets (s) for tick-to-decision: local receive of the frame → the strategy's decision, 10 µs to 1 s. */
export const DECISION_BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1];
