// A run's parameters for one strategy: its declared parameters and the runtime's settings in one field table, resolved
// from the defaults, a preset, config objects and `--set` overrides, then checked (each field, the runtime's rules,
// the strategy's own validate). Pure: the CLI, the page and the optimizer's workers all resolve the same way.
import type { ParamValue, StrategyDefinition } from './api';
import { ConfigError, fieldAt, resolveValues, show, strategyFields, type FieldSpec, type Values } from './params';
import { RUNTIME_FIELDS, RUNTIME_SECTIONS, runtimeSettings, type RuntimeSettings } from './settings';

export interface RunValues {
  /** Every field's value, flat: the strategy's parameters, then risk.* and orders.*. */
  values: Values;
  /** The strategy's parameters only (ctx.params). */
  params: Values;
  settings: RuntimeSettings;
}

/** The strategy's fields followed by the runtime's (the order reports list them in). */
export function fieldsFor(def: Pick<StrategyDefinition, 'name' | 'params'>): FieldSpec[] {
  return [...strategyFields(def, RUNTIME_SECTIONS), ...RUNTIME_FIELDS];
}

/**
 * Defaults ← each layer (a preset's values, a config file, a recorded session) ← overrides ("key=value"), checked.
 * Throws ConfigError naming the field.
 */
export function resolveRun(
  def: StrategyDefinition,
  layers: readonly unknown[] = [],
  overrides: readonly string[] = [],
  fields: readonly FieldSpec[] = fieldsFor(def),
): RunValues {
  const values = resolveValues(fields, layers, overrides);
  const settings = runtimeSettings(values);
  const params: Values = {};
  for (const f of fields) if (!RUNTIME_FIELDS.includes(f)) params[f.path] = values[f.path];
  const problem = def.validate?.(params as never, settings.risk);
  if (problem) {
    fieldAt(fields, problem.param); // a validate that names no declared parameter is the author's mistake: say so
    throw new ConfigError(problem.param, `${problem.message}, got ${show(values[problem.param] as ParamValue)}`);
  }
  return { values, params, settings };
}

/** The preset `name` of a definition, or undefined. */
export function presetOf(def: StrategyDefinition, name: string) {
  return def.presets?.[name];
}
