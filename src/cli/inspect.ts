// `ringbook inspect <file|dir> [--json]`: what a recording holds and what its timestamps say.
import { parseArgs } from 'node:util';
import { inspectRecording, type StreamReport, type LatencyStats } from '../capture/inspect';

const HELP = `ringbook inspect <file|dir> [--json]

Rows by kind, time span, gaps and resyncs, feed latency (local_ts − exch_ts) raw and corrected for the measured
clock offset, and the share of negative latencies, per stream (venue/inst_type/symbol).`;

const lat = (l: LatencyStats | null) =>
  l
    ? `p1 ${l.p1.toFixed(2)}  p50 ${l.p50.toFixed(2)}  p99 ${l.p99.toFixed(2)}  p99.9 ${l.p999.toFixed(2)} ms  negative ${(l.negativeShare * 100).toFixed(2)}%  (n=${l.count})`
    : '–';

export function renderReport(rs: StreamReport[]): string {
  const out: string[] = [];
  for (const r of rs) {
    out.push(`${r.stream}: ${r.files} file(s), ${r.rows} rows over ${r.spanSeconds.toFixed(1)} s`);
    out.push(
      `  rows by kind   ${Object.entries(r.byKind)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    out.push(
      `  book messages  ${r.bookMessages}, snapshots ${r.snapshots}, statuses ${
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
  return out.join('\n');
}

export async function runInspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1)
    throw new Error('inspect needs one path: a .parquet file or a recording directory (e.g. ringbook inspect data/)');
  const reports = await inspectRecording(positionals[0]);
  console.log(values.json ? JSON.stringify(reports, null, 2) : renderReport(reports));
  return 0;
}
