// Declared parameters → one field table per run: the strategy's parameters (from its definition) and the runtime's
// settings (risk.*, orders.*: ./settings), with one set of rules for defaults, config files, `--set key=value`, presets,
// search spaces, "did you mean" and the parameter rows every report prints. Pure (no I/O): the CLI reads files, the
// page and the optimizer's workers pass objects.
//
// Values are kept flat (`entry.threshold` → 2); a config file may nest dotted names in sections
// ({"entry": {"threshold": 2}}) or spell them out ({"entry.threshold": 2}); `nest` turns flat values back into sections.
import { didYouMean } from '../format/suggest';
import { meantText } from './strict-reads';
import { duration } from '../format/numbers';
import { durationText, readDuration } from '../format/durations';
import type { ParamSpec, ParamSpecs, ParamValue, StrategyDefinition } from './api';

export type FieldKind = 'number' | 'int' | 'ns' | 'bool' | 'enum';

/** One parameter: where it lives, its type and range, default, unit and meaning (docs and reports are built from this). */
export interface FieldSpec {
  path: string;
  kind: FieldKind;
  def: number | boolean | string | null;
  min?: number;
  max?: number;
  /** min is exclusive (a strict > bound). */
  gt?: boolean;
  nullable?: boolean;
  values?: readonly string[];
  unit: string;
  doc: string;
}

/** A parameter problem, naming the field and what it accepts. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`strategy config: ${field} ${detail}`);
    this.name = 'ConfigError';
  }
}

/** A definition whose own parameter declarations are wrong (a default out of range, a bad name): the author's mistake. */
export class DefinitionError extends Error {
  constructor(strategy: string, detail: string) {
    super(`strategy ${strategy}: ${detail}`);
    this.name = 'DefinitionError';
  }
}

export type Values = Record<string, ParamValue>;

// The longest duration any field accepts by default: a week keeps every ns value an exact integer in a double.
export const MAX_NS = 7 * 86_400e9;
const NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** The keys each type of declared parameter takes (api.ts ParamSpec). */
const SPEC_KEYS = {
  number: ['type', 'default', 'min', 'max', 'greaterThan', 'nullable', 'unit', 'description'],
  integer: ['type', 'default', 'min', 'max', 'greaterThan', 'nullable', 'unit', 'description'],
  duration: ['type', 'default', 'min', 'max', 'nullable', 'description'],
  boolean: ['type', 'default', 'description'],
  choice: ['type', 'default', 'values', 'description'],
} as const;

/** A declared ParamSpec as a field row (throws DefinitionError on a declaration that cannot be honoured). */
export function fieldOfSpec(strategy: string, path: string, s: ParamSpec): FieldSpec {
  const bad = (detail: string) => new DefinitionError(strategy, `parameter ${path}: ${detail}`);
  if (!NAME.test(path)) throw bad('names are letters, digits and _ in dotted parts (e.g. entry.threshold)');
  if (typeof s !== 'object' || s === null) throw bad('must be declared as { type, default, description }');
  // a misspelt key (mni, maxx) would leave the parameter without the bound it was declared with
  const keys: readonly string[] | undefined = SPEC_KEYS[s.type as keyof typeof SPEC_KEYS];
  for (const key of keys ? Object.keys(s) : []) {
    if (keys!.includes(key)) continue;
    throw bad(`${key} is not a key of a ${s.type} parameter${meantText(key, keys!, `a ${s.type} parameter`)}`);
  }
  if (typeof s.description !== 'string' || s.description.trim() === '') throw bad('needs a description (reports and --help show it)');
  let f: FieldSpec;
  switch (s.type) {
    case 'boolean':
      f = { path, kind: 'bool', def: s.default, unit: '–', doc: s.description };
      break;
    case 'choice':
      if (!Array.isArray(s.values) || s.values.length === 0 || s.values.some((v) => typeof v !== 'string'))
        throw bad('a choice needs values: a list of strings');
      f = { path, kind: 'enum', def: s.default, values: [...s.values], unit: '–', doc: s.description };
      break;
    case 'duration':
      f = {
        path,
        kind: 'ns',
        def: s.default,
        min: s.min ?? 0,
        max: s.max ?? MAX_NS,
        ...(s.nullable ? { nullable: true } : {}),
        unit: 'ns',
        doc: s.description,
      };
      break;
    case 'number':
    case 'integer': {
      if (s.greaterThan !== undefined && s.min !== undefined) throw bad('give min or greaterThan, not both');
      f = {
        path,
        kind: s.type === 'integer' ? 'int' : 'number',
        def: s.default,
        ...(s.greaterThan !== undefined ? { min: s.greaterThan, gt: true } : s.min !== undefined ? { min: s.min } : {}),
        ...(s.max !== undefined ? { max: s.max } : {}),
        ...(s.nullable ? { nullable: true } : {}),
        unit: s.unit ?? '–',
        doc: s.description,
      };
      break;
    }
    default:
      throw bad(`type must be number, integer, duration, boolean or choice, got ${show((s as { type: unknown }).type)}`);
  }
  try {
    checkField(f, f.def);
  } catch (err) {
    throw bad(
      `its default ${show(f.def)} is not valid: it ${(err as Error).message.replace(/^strategy config: \S+ /, '').replace(/, got .*$/, '')}`,
    );
  }
  return f;
}

/** The fields of a definition's declared parameters, in declaration order. */
export function strategyFields(def: Pick<StrategyDefinition, 'name' | 'params'>, reserved: readonly string[] = []): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [path, spec] of Object.entries(def.params as ParamSpecs)) {
    const section = path.split('.')[0];
    if (reserved.includes(section))
      throw new DefinitionError(def.name, `parameter ${path}: ${section}.* are the runtime's settings (the operator's), not a strategy's`);
    out.push(fieldOfSpec(def.name, path, spec));
  }
  return out;
}

/** Defaults of `fields` as flat values. */
export function defaults(fields: readonly FieldSpec[]): Values {
  const out: Values = {};
  for (const f of fields) out[f.path] = f.def;
  return out;
}

/** Flat values → sections: {"entry.threshold": 2, "seed": 1} → {entry: {threshold: 2}, seed: 1}. */
export function nest(values: Readonly<Values>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, v] of Object.entries(values)) {
    const parts = path.split('.');
    let o = out;
    for (let i = 0; i < parts.length - 1; i++) o = (o[parts[i]] ??= {}) as Record<string, unknown>;
    o[parts[parts.length - 1]] = v;
  }
  return out;
}

/** A parsed config object (sections or dotted keys) → its flat entries in file order; errors name the key. */
export function flatten(fields: readonly FieldSpec[], base: unknown): Array<[string, unknown]> {
  if (base === null || typeof base !== 'object' || Array.isArray(base))
    throw new ConfigError('(root)', `must be a JSON object, got ${show(base)}`);
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const paths = fields.map((f) => f.path);
  const sections = [...new Set(fields.filter((f) => f.path.includes('.')).map((f) => f.path.slice(0, f.path.lastIndexOf('.'))))];
  const out: Array<[string, unknown]> = [];
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (byPath.has(path)) {
        out.push([path, value]);
        continue;
      }
      const isSection = sections.some((s) => s === path || s.startsWith(`${path}.`));
      if (isSection) {
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          throw new ConfigError(path, `must be an object, got ${show(value)}`);
        walk(value as Record<string, unknown>, path);
        continue;
      }
      if (!prefix && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const top = [...new Set(sections.map((s) => s.split('.')[0]))];
        throw new ConfigError(path, `is not a known section${didYouMean(path, top)} (sections: ${top.join(', ')})`);
      }
      throw unknownField(path, paths);
    }
  };
  walk(base as Record<string, unknown>, '');
  return out;
}

function unknownField(path: string, paths: readonly string[]): ConfigError {
  // a field under a known section is first looked for in that section (risk.maxPosLot: risk.maxPositionLot, not a
  // strategy parameter of the same name elsewhere)
  const section = path.includes('.') ? path.slice(0, path.lastIndexOf('.') + 1) : null;
  const near =
    (section &&
      didYouMean(
        path,
        paths.filter((p) => p.startsWith(section)),
      )) ||
    didYouMean(path, paths);
  return new ConfigError(
    path,
    `is not a known field${near || ` (the strategy's parameters and the risk.*, orders.* settings; e.g. ${paths[0] ?? 'none declared'})`}`,
  );
}

/** The field for a path, or a ConfigError with the nearest names. */
export function fieldAt(fields: readonly FieldSpec[], path: string): FieldSpec {
  const f = fields.find((x) => x.path === path);
  if (!f)
    throw unknownField(
      path,
      fields.map((x) => x.path),
    );
  return f;
}

/**
 * Defaults, then each of `layers` (parsed config objects, possibly partial: a preset, a file), then `key=value`
 * overrides in order; every field checked. Throws ConfigError naming the first bad field.
 */
export function resolveValues(fields: readonly FieldSpec[], layers: readonly unknown[] = [], overrides: readonly string[] = []): Values {
  const values = defaults(fields);
  for (const layer of layers) {
    for (const [path, v] of flatten(fields, layer)) values[path] = fromJson(fieldAt(fields, path), v) as ParamValue;
  }
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new ConfigError(o, 'override must look like key=value (e.g. entry.threshold=1.5)');
    const spec = fieldAt(fields, o.slice(0, eq).trim());
    values[spec.path] = fromText(spec, o.slice(eq + 1).trim()) as ParamValue;
  }
  for (const f of fields) checkField(f, values[f.path]);
  return values;
}

/** How a duration parameter is written, for errors: units, or in a JSON file a plain integer of nanoseconds. */
export const NS_SYNTAX = 'e.g. 250ms, 2s, 5m, 1h, 1d; in a JSON file a plain integer is ns';

/**
 * A duration parameter's text → ns, in the grammar every duration follows (src/format/durations.ts: "250ms", "2 s",
 * "1 min 5 s", "-100ms"); NaN when it is not a duration. A plain number other than 0 is refused (ConfigError): on the
 * command line `--duration 30` reads one as seconds and a JSON file as ns, so `--set holdNs=30` would be ambiguous;
 * in a JSON file the number is written without quotes to be ns. `json`: the text is a JSON string.
 */
export function nsOfText(spec: FieldSpec, text: string, json = false): number {
  const d = readDuration(text, 'ns');
  if (!d) return NaN;
  const ns = d.ns === null ? null : d.negative ? -d.ns : d.ns;
  if (d.plain && ns !== 0n) throw new ConfigError(spec.path, `is a duration: ${plainHint(text.trim(), ns, json)}, got ${show(text)}`);
  return ns === null ? NaN : Number(ns);
}

/**
 * What a plain number most likely meant, for the error that refuses it: read as ns (as a JSON file reads it), in the
 * largest unit that says it exactly (2000000000 → 2s); a number that would be under a millisecond so (30 → 30ns) is
 * more likely seconds or milliseconds.
 */
function plainHint(text: string, ns: bigint | null, json: boolean): string {
  const big = ns !== null && (ns >= 1_000_000n || ns <= -1_000_000n);
  const asNs = ns === null ? null : durationText(ns);
  const options = big ? [...new Set([asNs!, `${ns}ns`])] : [`${text}s`, `${text}ms`];
  const eg = options.map((x) => (json ? JSON.stringify(x) : x)).join(' or ');
  if (json) return `give its unit, e.g. ${eg} (in a JSON file a plain integer is ns${asNs ? `: ${text} without quotes is ${asNs}` : ''})`;
  const reading = !asNs
    ? ''
    : big && asNs === `${ns}ns`
      ? '; a JSON file reads it as ns'
      : `; as ns, as a JSON file reads it, ${text} is ${asNs}`;
  return `give its unit, e.g. ${eg} (a plain number is ambiguous here${reading})`;
}

/** A JSON value for `spec`: durations may be strings ("250ms"); "off" switches a nullable field off. */
export function fromJson(spec: FieldSpec, v: unknown): unknown {
  if (spec.nullable && v === 'off') return null;
  if (spec.kind === 'ns' && typeof v === 'string') {
    const ns = nsOfText(spec, v, true);
    if (Number.isNaN(ns)) throw new ConfigError(spec.path, `must be ${mustBe(spec)}, got ${show(v)}`);
    return ns;
  }
  return v;
}

/** A command-line value for `spec`. */
export function fromText(spec: FieldSpec, text: string): unknown {
  if (spec.nullable && (text === 'null' || text === 'off')) return null;
  switch (spec.kind) {
    case 'bool':
      if (text === 'true' || text === 'false') return text === 'true';
      throw new ConfigError(spec.path, `must be ${mustBe(spec)}, got ${show(text)}`);
    case 'enum':
      if (!spec.values!.includes(text))
        throw new ConfigError(spec.path, `must be ${mustBe(spec)}, got ${show(text)}${caseSlip(text, spec.values!)}`);
      return text;
    case 'ns': {
      const ns = nsOfText(spec, text);
      if (Number.isNaN(ns)) throw new ConfigError(spec.path, `must be ${mustBe(spec)}, got ${show(text)}${oneSetEach(text)}`);
      return ns;
    }
    default: {
      // decimal only: Number() would also take 0x10, 0b1 and Infinity, and make 1e400 an Infinity a report shows as null
      const n = DECIMAL.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(n)) throw new ConfigError(spec.path, `must be ${mustBe(spec)}, got ${show(text)}${oneSetEach(text)}`);
      return n;
    }
  }
}

/**
 * A choice written in another case (`obiw` for obiW): the value meant. Only that: a value an edit away may mean the
 * opposite (`maker` is not `taker`).
 */
function caseSlip(text: string, values: readonly string[]): string {
  const meant = values.find((v) => v.toLowerCase() === text.toLowerCase());
  return meant === undefined ? '' : ` (did you mean ${meant}?)`;
}

/** A number as `--set` takes it: decimal, with an optional exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Several parameters in one value ("1,holdNs=5s"): the advice to give each its own --set. */
function oneSetEach(text: string): string {
  return /,\s*[A-Za-z][\w.]*=/.test(text) ? ' (one --set per parameter: --set a=1 --set b=2)' : '';
}

/** Throws ConfigError unless `v` is a value `spec` accepts. */
export function checkField(spec: FieldSpec, v: unknown): void {
  if (v === null && spec.nullable) return;
  // a duration as people write it (10 ms), not as the ns it was read into
  const got = spec.kind === 'ns' && typeof v === 'number' && Number.isFinite(v) ? duration(v) : show(v);
  const fail = () => new ConfigError(spec.path, `must be ${mustBe(spec)}, got ${got}`);
  switch (spec.kind) {
    case 'bool':
      if (typeof v !== 'boolean') throw fail();
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values!.includes(v))
        throw typeof v === 'string'
          ? new ConfigError(spec.path, `must be ${mustBe(spec)}, got ${got}${caseSlip(v, spec.values!)}`)
          : fail();
      return;
    default: {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw fail();
      if ((spec.kind === 'int' || spec.kind === 'ns') && !Number.isInteger(v)) throw fail();
      const lo = spec.min ?? -Infinity;
      if (spec.gt ? !(v > lo) : !(v >= lo)) throw fail();
      if (v > (spec.max ?? Infinity)) throw fail();
    }
  }
}

/** "an integer in [1, 100]", "a number > 0", "one of taker, passive", with "null or " for optional fields. */
export function describe(spec: FieldSpec): string {
  let s: string;
  if (spec.kind === 'bool') s = 'true or false';
  else if (spec.kind === 'enum') s = `one of ${spec.values!.join(', ')}`;
  else {
    const ns = spec.kind === 'ns';
    const noun = spec.kind === 'number' ? 'a number' : ns ? 'a duration' : 'an integer';
    // Bounds of 1e9 and beyond are sanity limits, not advice: they are left out of the message.
    const lo = spec.min ?? -Infinity;
    const hi = spec.max ?? Infinity;
    // a duration's bounds as people read them (50 ms, not 50000000)
    const b = (x: number) => (ns ? duration(x) : String(x));
    if (lo <= -1e9 && hi >= 1e9) s = noun;
    else if (spec.gt) s = hi >= 1e9 ? `${noun} > ${b(lo)}` : `${noun} in (${b(lo)}, ${b(hi)}]`;
    else s = hi >= 1e9 ? `${noun} ≥ ${b(lo)}` : `${noun} in [${b(lo)}, ${b(hi)}]`;
  }
  return spec.nullable ? `null (off) or ${s}` : s;
}

/** What an error says a field must be: describe(), and for a duration how to write one. */
export function mustBe(spec: FieldSpec): string {
  return spec.kind === 'ns' ? `${describe(spec)} (${NS_SYNTAX})` : describe(spec);
}

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
