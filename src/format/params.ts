// A run's parameters as every report lists them: each parameter's resolved value in its unit, where the value came
// from (default, a preset, the config file, --set) and what it means. Generic over a list of parameter
// descriptions (path, unit, meaning), so any strategy that declares its parameters is listed the same way.
import { duration, groupThousands } from './numbers';

export interface ParamSpec {
  /** Dotted path, e.g. entry.threshold. */
  path: string;
  /** ns, ticks, lots, quote, x, – … */
  unit: string;
  doc: string;
  /** The default value, when known: a value equal to it is not marked, whatever set it. */
  def?: unknown;
}

export interface ParamRow {
  path: string;
  value: string;
  unit: string;
  /** default, preset demo, config strategy.json, --set. */
  source: string;
  doc: string;
  /** The value differs from the default (without a known default: it came from somewhere other than the default). */
  changed?: boolean;
}

/** Whether a row is not at its default. */
export const isChanged = (r: ParamRow): boolean => r.changed ?? r.source !== 'default';

/**
 * Where a run's values came from and how many differ from the default, for a report's header line:
 * "from the defaults, preset demo, --set; 3 not the default (marked *)".
 */
export function paramsOrigin(rows: readonly ParamRow[]): string {
  // in the order they apply: the defaults, then a preset, a file or session, --set
  const order = (x: string) => (x === 'default' ? 0 : x.startsWith('preset ') ? 1 : x === '--set' ? 3 : 2);
  const named = [...new Set(rows.map((r) => r.source))].sort((a, b) => order(a) - order(b));
  const sources = named.map((x) => (x === 'default' ? 'the defaults' : x === 'recorded session' ? 'the recorded session' : x));
  const changed = rows.filter(isChanged).length;
  return `from ${sources.join(', ') || 'the defaults'}; ${changed ? `${changed} not the default (marked *)` : 'all at the default'}`;
}

/** The value at a dotted path of a nested object (undefined when absent). */
export function valueAt(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** Flat path → value for every parameter of `specs` (the JSON form reports carry). */
export function flatParams(specs: readonly ParamSpec[], config: unknown): Record<string, unknown> {
  return Object.fromEntries(specs.map((s) => [s.path, valueAt(config, s.path) ?? null]));
}

/** One value as a person reads it: durations human, null as off, quote in the instrument's currency. */
export function paramValue(v: unknown, unit: string, currency = 'quote'): { value: string; unit: string } {
  if (v === null || v === undefined) return { value: 'off', unit: '' };
  if (unit === 'ns' && typeof v === 'number') return { value: duration(v), unit: '' };
  const u = unit === '–' ? '' : unit === 'quote' ? currency : unit;
  // one lot, one level, one tick: a plain plural unit loses its s at ±1
  if (typeof v === 'number')
    return {
      value: Number.isInteger(v) ? groupThousands(String(v)) : String(v),
      unit: Math.abs(v) === 1 && /^[a-z]+s$/.test(u) ? u.slice(0, -1) : u,
    };
  return { value: String(v), unit: u };
}

/** Every parameter's row, in the order of `specs`. */
export function paramRows(
  specs: readonly ParamSpec[],
  config: unknown,
  sources: Readonly<Record<string, string>> = {},
  currency = 'quote',
): ParamRow[] {
  return specs.map((s) => {
    const { value, unit } = paramValue(valueAt(config, s.path), s.unit, currency);
    const v = valueAt(config, s.path) ?? null;
    const source = sources[s.path] ?? 'default';
    const changed = s.def !== undefined ? v !== s.def : source !== 'default';
    return { path: s.path, value, unit, source, doc: s.doc, changed };
  });
}

// Units the parameter's name or value already says (a threshold of x, a count of samples), left out of the short form.
const QUIET_UNITS = new Set(['x', 'samples', 'retries', 'attempts', 'ticks/edge', '×spread', 'ns', '–']);

/**
 * Every parameter in a few lines, one per section ("entry  threshold 0.4*, confirmCount 2*, mode taker, …"), a star
 * on each value that is not the default: for the start and end of a live session, where a 47-row table is too long.
 */
export function compactParams(rows: readonly ParamRow[], width = 116): string[] {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const dot = r.path.indexOf('.');
    // a strategy's top-level parameters (no section) get a label of their own, not a blank one
    const g = dot < 0 ? 'params' : r.path.slice(0, dot);
    const unit = r.unit && !QUIET_UNITS.has(r.unit) ? ` ${r.unit}` : '';
    const item = `${r.path.slice(dot + 1)} ${r.value}${unit}${isChanged(r) ? '*' : ''}`;
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(item);
  }
  const gw = Math.max(...[...groups.keys()].map((g) => g.length));
  const out: string[] = [];
  for (const [g, items] of groups) {
    let line = `  ${g.padEnd(gw)}  `;
    const indent = ' '.repeat(line.length);
    items.forEach((it, i) => {
      const piece = `${it}${i < items.length - 1 ? ',' : ''}`;
      if (line.length + piece.length + 1 > width && line.trim() !== g) {
        out.push(line.trimEnd());
        line = indent;
      }
      line += line.endsWith('  ') ? piece : ` ${piece}`;
    });
    out.push(line.trimEnd());
  }
  return out;
}
