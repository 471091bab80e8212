// Shared benchmark plumbing: interleaved rounds, medians, and the two output forms (table and --json).
import { execFileSync } from 'node:child_process';

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

  table(title: string): string {
    const lines = [title];
    for (const r of this.rows.values()) {
      const xs = [...r.samples].sort((a, b) => a - b);
      lines.push(
        `  ${r.label.padEnd(52)} ${fmt(median(xs)).padStart(10)} ${r.unit.padEnd(10)} (${fmt(xs[0])}–${fmt(xs[xs.length - 1])}, n=${xs.length})`,
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

export function fmt(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/**
 * Runs a benchmark child bundle (build/bench/<name>.mjs, next to the CLI bundle) in a process of its own, so its
 * peak RSS is its own; returns the JSON object it prints last.
 */
export function runChild<T>(name: string, args: string[]): T {
  const script = new URL(`./bench/${name}.mjs`, import.meta.url).pathname;
  return JSON.parse(
    execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 })
      .trim()
      .split('\n')
      .pop()!,
  );
}

/** Seeded PRNG (mulberry32, the exchange simulator's): benchmarks and generators must be reproducible. */
export { mulberry32 as rng } from '../src/exchange/rng';
