// Shared benchmark plumbing: interleaved rounds, medians, and the two output forms (table and --json).
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A sample's median with its quartiles and extremes (ratios of side-by-side pairs: bench ring, bench backtest). */
export interface Spread {
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  n: number;
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => {
    const at = (s.length - 1) * p;
    const lo = Math.floor(at);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
  };
  return { median: median(s), q1: q(0.25), q3: q(0.75), min: s[0], max: s[s.length - 1], n: s.length };
}

/** A pair ratio's spread as printed beside it. */
export function spreadText(p: Spread): string {
  return `pairs: quartiles ${fmt(p.q1)}–${fmt(p.q3)}, all ${fmt(p.min)}–${fmt(p.max)}, n=${p.n}`;
}

export interface Row {
  key: string;
  label: string;
  unit: string;
  samples: number[];
}

export class Results {
  private readonly rows = new Map<string, Row>();

  add(key: string, label: string, unit: string, value: number): void {
    const row = this.rows.get(key) ?? { key, label, unit, samples: [] };
    row.samples.push(value);
    this.rows.set(key, row);
  }

  median(key: string): number {
    const row = this.rows.get(key);
    if (!row) throw new Error(`no benchmark row ${key}`);
    return median(row.samples);
  }

  /** One line per row: its label, the median, the unit, then the range of its samples and how many there are. */
  table(title: string): string {
    const lines = [title];
    const width = Math.max(52, ...[...this.rows.values()].map((r) => r.label.length));
    for (const r of this.rows.values()) {
      const xs = [...r.samples].sort((a, b) => a - b);
      lines.push(
        `  ${r.label.padEnd(width)} ${fmt(median(xs)).padStart(10)} ${r.unit.padEnd(10)} (${fmt(xs[0])}–${fmt(xs[xs.length - 1])}, n=${xs.length})`,
      );
    }
    return lines.join('\n');
  }

  json(): Record<string, { median: number; unit: string; samples: number[] }> {
    const out: Record<string, { median: number; unit: string; samples: number[] }> = {};
    for (const r of this.rows.values()) out[r.key] = { median: median(r.samples), unit: r.unit, samples: r.samples };
    return out;
  }
}

/** Three significant digits down to 0.1, two below (0.0845 stays 0.085, not 0.08; 0.004 not 0.00); n/a if not finite. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 99.95) return x.toFixed(0);
  if (a >= 9.995) return x.toFixed(1);
  if (a >= 0.1 || a === 0) return x.toFixed(2);
  return x.toPrecision(2);
}

/** The ratio lines under a table, names aligned, each pair ratio with its spread beside it. */
export function ratioLines(ratios: Record<string, number>, pairs: Record<string, Spread> = {}): string[] {
  const width = Math.max(40, ...Object.keys(ratios).map((k) => k.length));
  return Object.entries(ratios).map(([k, v]) => {
    const p = pairs[k];
    return `  ratio ${k.padEnd(width)} ${Number.isFinite(v) ? `${fmt(v)}×` : 'n/a'}${p ? `   ${spreadText(p)}` : ''}`;
  });
}

/**
 * Runs a benchmark child bundle (build/bench/<name>.mjs, next to the CLI bundle) in a process of its own, so its
 * peak RSS is its own; returns the JSON object it prints last.
 */
export function runChild<T>(name: string, args: string[]): T {
  return runScript<T>(new URL(`./bench/${name}.mjs`, import.meta.url).pathname, args);
}

/** The lines of a child's stderr kept in the error that names it: the end, where a stack trace says what threw. */
const STDERR_LINES = 12;

/**
 * Runs `script` with node and returns the JSON object it prints last. A child that fails (exits non-zero, is killed,
 * prints no JSON) throws one error naming the script, its arguments, how it ended and the end of its stderr.
 */
export function runScript<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] });
  const what = `the child process \`${basename(script)}${args.length ? ` ${args.join(' ')}` : ''}\``;
  const tail = () => {
    const lines = (r.stderr ?? '')
      .trimEnd()
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (!lines.length) return ' (no stderr)';
    const kept = lines.slice(-STDERR_LINES).map((l) => `    ${l}`);
    return `; the end of its stderr:\n${lines.length > STDERR_LINES ? '    …\n' : ''}${kept.join('\n')}`;
  };
  if (r.error) throw new Error(`${what} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} ${r.signal ? `was killed by ${r.signal}` : `exited with code ${r.status}`}${tail()}`);
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(
      `${what} exited 0 but its last line is not the JSON result: ${last ? JSON.stringify(last.slice(0, 200)) : 'it printed nothing'}${tail()}`,
    );
  }
}

/** Seeded PRNG (mulberry32, the exchange simulator's): benchmarks and generators must be reproducible. */
export { mulberry32 as rng } from '../src/exchange/rng';
