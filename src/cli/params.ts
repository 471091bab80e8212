// The strategy's parameters from the command line, the same way for demo, live, backtest and optimize: the defaults,
// then a named preset (--preset), then a config file (--config) or a recorded session's config, then --set key=value
// in order. Remembers where each value came from, so every report can list the full parameters with their source.
import { ConfigError, FIELDS, resolveConfig, type StrategyConfig } from '../fsm/index';
import { PRESETS, PRESET_NAMES, presetNamed } from '../fsm/presets';
import { didYouMean } from '../format/suggest';
import { lineOfKey, readJsonFile } from './json-file';
import { UsageError, type Flag } from './args';

export interface ResolvedParams {
  config: StrategyConfig;
  /** The preset applied, or null. */
  preset: string | null;
  /** Config path → where its value came from: default, preset NAME, config FILE, session, --set. */
  sources: Record<string, string>;
}

/** The flags every trading command takes for its parameters. */
export function strategyFlags(defaultPreset?: string) {
  return {
    preset: {
      type: 'string',
      arg: 'NAME',
      choices: PRESET_NAMES,
      ...(defaultPreset ? { defaultText: defaultPreset } : {}),
      description: `named starting parameters: ${PRESETS.map((p) => p.name).join(', ')} (docs/strategy.md, Presets)`,
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
      description: 'override one parameter, e.g. --set entry.threshold=1.5 (repeatable)',
      group: 'strategy',
    },
  } satisfies Record<string, Flag>;
}

/** The presets as help lines. */
export function presetHelp(): string {
  return ['presets (--preset NAME):', ...PRESETS.map((p) => `  ${p.name.padEnd(13)} ${p.summary}`)].join('\n');
}

const PATHS = FIELDS.map((f) => f.path);

function pathsOf(obj: unknown): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [];
  return Object.entries(obj as Record<string, unknown>).flatMap(([g, sub]) =>
    sub !== null && typeof sub === 'object' && !Array.isArray(sub) ? Object.keys(sub).map((k) => `${g}.${k}`) : [g],
  );
}

/** a's sections with b's keys on top (both partial configs; b already checked on its own). */
function layer(a: Record<string, Record<string, unknown>>, b: unknown): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [g, sub] of Object.entries(a)) out[g] = { ...sub };
  for (const [g, sub] of Object.entries(b as Record<string, Record<string, unknown>>)) out[g] = { ...out[g], ...sub };
  return out;
}

export interface ParamsInput {
  preset?: string;
  /** --config FILE. */
  configFile?: string;
  /** A config from elsewhere (a recorded session), used when no --config is given. */
  base?: { config: unknown; source: string };
  sets?: readonly string[];
}

/** Resolves the parameters; errors name the flag, the file and line, and the nearest parameter name. */
export function resolveParams(o: ParamsInput): ResolvedParams {
  const preset = o.preset ? presetNamed(o.preset) : undefined;
  if (o.preset && !preset)
    throw new UsageError(`--preset "${o.preset}" is not a preset${didYouMean(o.preset, PRESET_NAMES)}: ${PRESET_NAMES.join(', ')}`);
  let file: { value: unknown; source: string; text?: string; where: string } | null = null;
  if (o.configFile) {
    const f = readJsonFile(o.configFile, '--config');
    file = { value: f.value, source: `config ${o.configFile}`, text: f.text, where: `--config ${o.configFile}` };
  } else if (o.base) file = { value: o.base.config, source: o.base.source, where: o.base.source };
  if (file) {
    // the shape first (layering needs sections of keys); fields and values are checked with the preset under them
    const v = file.value;
    const shape =
      v === null || typeof v !== 'object' || Array.isArray(v)
        ? 'must be a JSON object of sections, e.g. {"entry": {"threshold": 1.5}}'
        : Object.entries(v).find(([, sub]) => sub === null || typeof sub !== 'object' || Array.isArray(sub))?.[0];
    if (shape) throw new Error(`${file.where}: ${shape.includes(' ') ? shape : `section "${shape}" must be an object of parameters`}`);
  }
  const sets = o.sets ?? [];
  const base = layer(layer({}, preset?.config ?? {}), file?.value ?? {});
  let config: StrategyConfig;
  try {
    config = resolveConfig(base, sets);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const set = [...sets].reverse().find((x) => x.slice(0, x.indexOf('=')).trim() === err.field || x === err.field);
    if (set) throw new Error(`--set ${set}: ${err.message}`);
    const fromFile = file && [...pathsOf(file.value), ...Object.keys(file.value as object)].includes(err.field);
    if (file && (fromFile || !preset)) {
      const line = file.text ? lineOfKey(file.text, err.field.split('.').pop()!) : null;
      throw new Error(`${file.where}${line ? `, line ${line}` : ''}: ${err.message}`);
    }
    throw new Error(`${preset ? `--preset ${preset.name}: ` : ''}${err.message}`);
  }
  const sources: Record<string, string> = {};
  for (const p of pathsOf(preset?.config)) sources[p] = `preset ${preset!.name}`;
  for (const p of pathsOf(file?.value)) sources[p] = file!.source;
  for (const s of sets) {
    const k = s.slice(0, s.indexOf('=')).trim();
    if (PATHS.includes(k)) sources[k] = '--set';
  }
  return { config, preset: preset?.name ?? null, sources };
}
