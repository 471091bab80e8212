// `ringbook inspect <file|dir> [--json]`: what a recording holds and what its timestamps say.
import { inspectRecording, type DamagedEntry, type StreamReport, type LatencyStats } from '../capture/inspect';
import { parseCommand, type CommandSpec } from './args';
import { count, duration, plural } from '../format/numbers';

export const INSPECT = {
  name: 'inspect',
  usage: '<file|dir> [--json]',
  summary:
    'What a recording holds, per stream (venue/inst_type/symbol): rows by kind, time span, gaps and resyncs, feed latency (local_ts − exch_ts) raw and corrected for the measured clock offset, and the share of negative latencies, explained. A file that cannot be read (torn, foreign, failing a page checksum) is listed under DAMAGED with the reason and the others are still inspected; the exit code is then 1.',
  positionals: { name: 'one path: a .parquet file or a recording directory', min: 1, max: 1 },
  flags: {
    json: { type: 'boolean', description: 'the same as JSON: {"streams": [...], "damaged": [{"path", "reason"}]}' },
  },
  examples: [
    ['inspect data/', 'every stream recorded under data/'],
    ['inspect data/ --json', 'the same as JSON, for scripts'],
  ],
} as const satisfies CommandSpec;

const lat = (l: LatencyStats | null) =>
  l
    ? `p1 ${l.p1.toFixed(2)}  p50 ${l.p50.toFixed(2)}  p99 ${l.p99.toFixed(2)}  p99.9 ${l.p999.toFixed(2)} ms  negative ${(l.negativeShare * 100).toFixed(2)}%  (n=${l.count})`
    : '–';

export function renderReport(rs: StreamReport[], damaged: DamagedEntry[] = []): string {
  const out: string[] = [];
  for (const r of rs) {
    out.push(`${r.stream}: ${plural(r.files, 'file')}, ${count(r.rows)} rows over ${duration(r.spanSeconds * 1e9)}`);
    out.push(
      `  rows by kind   ${Object.entries(r.byKind)
        .map(([k, v]) => `${k} ${count(v)}`)
        .join(', ')}`,
    );
    out.push(
      `  book messages  ${count(r.bookMessages)}, snapshots ${r.snapshots}, statuses ${
        Object.entries(r.statuses)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }${r.droppedRecords ? `, DROPPED ${r.droppedRecords}` : ''}`,
    );
    out.push(`  feed latency   raw        ${lat(r.feedLatencyMsRaw)}`);
    out.push(`                 corrected  ${lat(r.feedLatencyMsCorrected)}`);
    out.push(
      `  clock          ${r.clock ? `θ ${(Number(BigInt(r.clock.offsetNs)) / 1e6).toFixed(3)} ms ± ${(Number(BigInt(r.clock.boundNs || '0')) / 1e6).toFixed(3)} ms, round trip ${(Number(BigInt(r.clock.rttNs || '0')) / 1e6).toFixed(3)} ms (${r.clock.method})` : 'not measured'}`,
    );
    out.push(`  why            ${r.explanation}`);
  }
  if (damaged.length) {
    out.push(
      `DAMAGED: ${plural(damaged.length, 'file')} could not be read and ${damaged.length === 1 ? 'is' : 'are'} left out of the figures above:`,
    );
    for (const d of damaged) out.push(`  ${d.path}: ${d.reason}`);
  }
  return out.join('\n');
}

export async function runInspect(argv: string[]): Promise<number> {
  const args = parseCommand(INSPECT, argv);
  if (!args) return 0;
  const { streams, damaged } = await inspectRecording(args.positionals[0]);
  console.log(args.values.json ? JSON.stringify({ streams, damaged }, null, 2) : renderReport(streams, damaged));
  return damaged.length ? 1 : 0;
}
