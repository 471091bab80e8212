// The strategy and its parameters from the command line, the same way for demo, live, backtest and optimize:
// --strategy FILE|NAME (default obi-ofi), then its defaults, a named preset of it (--preset), a config file (--config) or
// a recorded session's parameters, then --set key=value in order. The runtime's risk.* and orders.* settings sit beside
// the strategy's parameters under the same names for every strategy. Remembers where each value came from, so every
// report can list the full parameters with their source.
import { ConfigError, nest, type FieldSpec, type Values } from '../strategy/params';
import { fieldsFor, resolveRun } from '../strategy/resolve';
import type { RuntimeSettings } from '../strategy/settings';
import type { StrategyDefinition } from '../strategy/api';
import { loadStrategy, type LoadedStrategy } from '../strategy/loader';
import { BUILTIN_NAMES, DEFAULT_STRATEGY, builtinNamed } from '../strategy/builtins/index';
import { didYouMean } from '../format/suggest';
import { lineOfKey, readJsonFile } from './json-file';
import { UsageError, type Flag } from './args';

export interface ResolvedParams {
  strategy: LoadedStrategy;
  /** The strategy's name (definition.name). */
  name: string;
  /** The strategy's fields, then the runtime's. */
  fields: FieldSpec[];
  /** Every value, flat (strategy and runtime). */
  values: Values;
  /** The strategy's values only (ctx.params). */
  params: Values;
  settings: RuntimeSettings;
  /** Every value in sections ({"entry": {"threshold": 2}, "risk": {…}}): config files, session files, explain. */
  config: Record<string, unknown>;
  /** The preset applied, or null. */
  preset: string | null;
  /** Path → where its value came from: default, preset NAME, config FILE, session, --set. */
  sources: Record<string, string>;
}

/** --strategy FILE|NAME. */
export const STRATEGY_FLAG = {
  type: 'string',
  arg: 'FILE|NAME',
  default: DEFAULT_STRATEGY,
  description: `a built-in (${BUILTIN_NAMES.join(', ')}) or your strategy's .ts/.js file (its API: src/strategy/api.ts)`,
  group: 'strategy',
} as const satisfies Flag;

/** The flags every trading command takes for its strategy and parameters (--strategy, --preset, --config, --set). */
export function strategyFlags(defaultPreset?: string) {
  return { strategy: STRATEGY_FLAG, ...parameterFlags(defaultPreset) };
}

/** --preset, --config and --set (for a command whose strategy is fixed). */
export function parameterFlags(defaultPreset?: string) {
  return {
    preset: {
      type: 'string',
      arg: 'NAME',
      ...(defaultPreset ? { defaultText: defaultPreset } : {}),
      description: `named starting parameters of the strategy (obi-ofi: ${Object.keys(obiOfi().presets ?? {}).join(', ')}; docs/strategy.md, Presets)`,
      group: 'strategy',
    },
    config: {
      type: 'string',
      arg: 'FILE',
      description: 'strategy + risk parameters (JSON, docs/strategy.md), on top of the preset',
      group: 'strategy',
    },
    set: {
      type: 'string',
      arg: 'key=value',
      multiple: true,
      description: 'override one parameter, e.g. --set entry.threshold=1.5 (repeatable, once per parameter)',
      group: 'strategy',
    },
  } satisfies Record<string, Flag>;
}

function obiOfi(): StrategyDefinition {
  return builtinNamed(DEFAULT_STRATEGY)!.definition;
}

/** A strategy's presets as help lines (default: obi-ofi's). */
export function presetHelp(def: StrategyDefinition = obiOfi()): string {
  const presets = Object.entries(def.presets ?? {});
  if (!presets.length) return `${def.name} has no presets`;
  return [`presets of ${def.name} (--preset NAME):`, ...presets.map(([name, p]) => `  ${name.padEnd(13)} ${p.summary}`)].join('\n');
}

/** Dotted paths of a config object (sections and spelled-out keys alike). */
function pathsOf(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? pathsOf(v, p) : [p];
  });
}

export interface ParamsInput {
  /** The loaded strategy (loadStrategy), or a `--strategy` value to load. */
  strategy?: LoadedStrategy | string;
  preset?: string;
  /** --config FILE. */
  configFile?: string;
  /** Parameters from elsewhere (a recorded session), used when no --config is given. */
  base?: { config: unknown; source: string };
  sets?: readonly string[];
  /** The command (for the help hint of a command-line mistake). */
  command?: string;
}

/** Loads the strategy (when given by name or file) and resolves its parameters. */
export async function loadParams(o: ParamsInput): Promise<ResolvedParams> {
  const strategy = typeof o.strategy === 'object' ? o.strategy : await loadStrategy(o.strategy ?? DEFAULT_STRATEGY);
  return resolveParams({ ...o, strategy });
}

/**
 * Each parameter --set once: a second value for the same name is a mistake of the command line (which one was meant
 * is not for the run to guess), refused with both, as a flag given twice is.
 */
function setOnce(sets: readonly string[]): void {
  const first = new Map<string, string>();
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) continue; // malformed: resolveValues says how to write it
    const key = s.slice(0, eq).trim();
    const before = first.get(key);
    if (before !== undefined) throw new UsageError(`--set ${before} and --set ${s}: ${key} is set twice; keep the one you mean`);
    first.set(key, s);
  }
}

/** Resolves the parameters; errors name the flag, the file and line, and the nearest parameter name. */
export function resolveParams(o: ParamsInput & { strategy: LoadedStrategy }): ResolvedParams {
  const def = o.strategy.definition;
  const names = Object.keys(def.presets ?? {});
  const preset = o.preset ? def.presets?.[o.preset] : undefined;
  if (o.preset && !preset) {
    const near = didYouMean(o.preset, names, 1);
    const hint = o.command ? ` (see ringbook ${o.command} --help)` : '';
    throw new UsageError(
      names.length
        ? `--preset "${o.preset}" is not a preset of ${def.name}: ${names.join(', ')}${near}${hint}`
        : `--preset "${o.preset}": ${def.name} has no presets${hint}`,
    );
  }
  let file: { value: unknown; source: string; text?: string; where: string } | null = null;
  if (o.configFile) {
    const f = readJsonFile(o.configFile, '--config', 'strategy config');
    file = { value: f.value, source: `config ${o.configFile}`, text: f.text, where: `--config ${o.configFile}` };
  } else if (o.base) file = { value: o.base.config, source: o.base.source, where: o.base.source };
  if (file && (file.value === null || typeof file.value !== 'object' || Array.isArray(file.value)))
    throw new Error(`${file.where}: must be a JSON object of parameters, e.g. {"entry": {"threshold": 1.5}}`);
  const sets = o.sets ?? [];
  setOnce(sets);
  const fields = fieldsFor(def);
  const paths = fields.map((f) => f.path);
  let run;
  try {
    run = resolveRun(def, [preset?.values ?? {}, file?.value ?? {}], sets, fields);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const set = [...sets].reverse().find((x) => x.slice(0, x.indexOf('=')).trim() === err.field || x === err.field);
    // a value typed on the command line (malformed, out of bounds, an undeclared parameter) is a usage error: exit 2
    if (set) throw new UsageError(`--set ${set}: ${err.message}`);
    const fromFile = file && [...pathsOf(file.value), ...Object.keys(file.value as object)].includes(err.field);
    if (file && (fromFile || !preset)) {
      const line = file.text ? lineOfKey(file.text, err.field.split('.').pop()!) : null;
      throw new Error(`${file.where}${line ? `, line ${line}` : ''}: ${err.message}`);
    }
    throw new Error(`${preset ? `--preset ${o.preset}: ` : ''}${err.message}`);
  }
  const sources: Record<string, string> = {};
  for (const p of pathsOf(preset?.values)) sources[p] = `preset ${o.preset}`;
  for (const p of pathsOf(file?.value)) sources[p] = file!.source;
  for (const s of sets) {
    const k = s.slice(0, s.indexOf('=')).trim();
    if (paths.includes(k)) sources[k] = '--set';
  }
  return {
    strategy: o.strategy,
    name: def.name,
    fields,
    values: run.values,
    params: run.params,
    settings: run.settings,
    config: nest(run.values),
    preset: preset ? o.preset! : null,
    sources,
  };
}
