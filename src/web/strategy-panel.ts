// The strategy panel: which strategy the next run uses (a built-in, the file `ringbook serve --strategy` keeps
// bundled, or a bundle dropped on the page), a form of that strategy's declared parameters (each with its type,
// default, range and unit, built from its definition: nothing here knows any one strategy), the config JSON under it
// (risk.*, orders.*, or whole sections), the latency and queue models, fees and partial fills; read and written as
// RunParams, and the input a refused run was refused for marked until it changes.
import type { StrategyDefinition } from '../strategy/api';
import { strategyFields, type FieldSpec } from '../strategy/params';
import { RUNTIME_SECTIONS } from '../strategy/settings';
import { startingConfig } from './params';
import type { ParamField, RunParams, StrategyChoice } from './protocol';
import { plural } from '../format/numbers';

export interface StrategyInputs {
  strategy: HTMLSelectElement;
  /** The latency field's suggestions (feed, constant:5ms, and recorded where the recording has its own orders). */
  latencyModels: HTMLDataListElement;
  about: HTMLElement;
  form: HTMLElement;
  config: HTMLTextAreaElement;
  latency: HTMLInputElement;
  queue: HTMLInputElement;
  fees: HTMLInputElement;
  partial: HTMLInputElement;
}

/** One entry of the strategy list. */
export interface StrategyOption {
  /** builtin:NAME, served, or dropped:HASH. */
  key: string;
  choice: StrategyChoice;
  definition: StrategyDefinition;
  /** Where it comes from, in words: "built-in", "my.ts, served and rebuilt on save", "dropped bundle x.js". */
  origin: string;
}

const FIXED = ['config', 'latency', 'queue', 'fees'] as const;

/** A duration in ns as the shortest exact text the parameter parser takes back ("2s", "250ms", "1500ns"). */
export function nsText(ns: number): string {
  for (const [unit, n] of [
    ['d', 86_400e9],
    ['h', 3600e9],
    ['m', 60e9],
    ['s', 1e9],
    ['ms', 1e6],
    ['us', 1e3],
  ] as const)
    if (ns !== 0 && ns % n === 0) return `${ns / n}${unit}`;
  return `${ns}ns`;
}

function shown(f: FieldSpec, v: number | boolean | string | null): string {
  if (v === null) return 'off';
  return f.kind === 'ns' && typeof v === 'number' ? nsText(v) : String(v);
}

/** "> 0 x", "1 – 1000 messages", "≥ 1ms", "one of obiW, obiN, …" (the unit last). */
export function rangeText(f: FieldSpec): string {
  if (f.kind === 'bool') return 'true or false';
  if (f.kind === 'enum') return `one of ${(f.values ?? []).join(', ')}`;
  const v = (x: number) => (f.kind === 'ns' ? nsText(x) : String(x));
  const unit = f.unit && f.unit !== '–' && f.kind !== 'ns' ? ` ${f.unit}` : f.kind === 'ns' ? ' (250ms, 2s, 1m …)' : '';
  const lo = f.min === undefined ? null : `${f.gt ? '>' : '≥'} ${v(f.min)}`;
  const range =
    lo !== null && f.max !== undefined
      ? `${f.gt ? `> ${v(f.min!)}, ≤ ${v(f.max)}` : `${v(f.min!)} – ${v(f.max)}`}`
      : (lo ?? (f.max !== undefined ? `≤ ${v(f.max)}` : 'any'));
  return `${range}${unit}${f.nullable ? ', or off' : ''}`;
}

export class StrategyPanel {
  readonly options = new Map<string, StrategyOption>();
  private fields: FieldSpec[] = [];
  private readonly paramInputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  /** Called after the user picks another strategy (not when the list changes under the same pick). */
  onPick: (o: StrategyOption) => void = () => {};

  constructor(private readonly inputs: StrategyInputs) {
    for (const f of FIXED) inputs[f].addEventListener('input', () => this.markInvalid(null));
    inputs.strategy.addEventListener('change', () => {
      const o = this.selected();
      this.showStrategy(o, false);
      this.inputs.config.value = startingConfig(o.definition.name);
      this.markInvalid(null);
      this.onPick(o);
    });
  }

  selected(): StrategyOption {
    return this.options.get(this.inputs.strategy.value) ?? this.options.values().next().value!;
  }

  /**
   * Adds an entry or replaces the one with its key (a rebuilt served file); `select` picks it. When the replaced
   * entry is the current one the form is rebuilt, keeping what was typed into parameters it still declares.
   */
  upsert(o: StrategyOption, select = false): void {
    const had = this.options.has(o.key);
    this.options.set(o.key, o);
    const sel = this.inputs.strategy;
    let opt = [...sel.options].find((x) => x.value === o.key);
    if (!opt) {
      opt = new Option('', o.key);
      sel.appendChild(opt);
    }
    opt.textContent = `${o.definition.name} (${o.origin})`;
    const current = sel.value === o.key;
    if (select && !current) {
      sel.value = o.key;
      this.showStrategy(o, false);
      this.inputs.config.value = startingConfig(o.definition.name);
    } else if (current || (!had && this.options.size === 1)) this.showStrategy(o, true);
  }

  private showStrategy(o: StrategyOption, keepValues: boolean): void {
    const kept = new Map<string, string>();
    if (keepValues) for (const [p, i] of this.paramInputs) if (i.value !== '') kept.set(p, i.value);
    const d = o.definition;
    const hash = o.choice.kind === 'bundle' ? `bundle sha256 ${o.choice.bundle.hash.slice(0, 12)}…` : 'compiled into the page';
    this.inputs.about.textContent = `${d.description ? `${d.description} ` : ''}(${o.origin}; ${hash})`;
    this.inputs.about.title = o.choice.kind === 'bundle' ? `bundle sha256 ${o.choice.bundle.hash}` : '';
    try {
      this.fields = strategyFields(d, RUNTIME_SECTIONS);
    } catch {
      this.fields = []; // a bad declaration: the run says what is wrong with it
    }
    this.paramInputs.clear();
    const rows: HTMLElement[] = [];
    for (const f of this.fields) {
      const id = `param-${f.path}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = f.path;
      label.title = f.doc;
      let input: HTMLInputElement | HTMLSelectElement;
      if (f.kind === 'bool' || f.kind === 'enum') {
        const s = document.createElement('select');
        s.appendChild(new Option(`${shown(f, f.def)} (default)`, ''));
        for (const v of f.kind === 'bool' ? ['true', 'false'] : (f.values ?? [])) s.appendChild(new Option(v, v));
        input = s;
      } else {
        const t = document.createElement('input');
        t.placeholder = `${shown(f, f.def)} (default)`;
        t.spellcheck = false;
        input = t;
      }
      input.id = id;
      input.dataset.testid = id;
      input.dataset.param = f.path;
      input.title = `${f.doc}: ${rangeText(f)}`;
      input.addEventListener('input', () => this.markInvalid(null));
      const v = kept.get(f.path);
      if (v !== undefined) input.value = v;
      this.paramInputs.set(f.path, input);
      const hint = document.createElement('span');
      hint.className = 'param-hint';
      hint.textContent = rangeText(f);
      const cell = document.createElement('div');
      cell.className = 'param-cell';
      cell.append(input, hint);
      rows.push(label, cell);
    }
    this.inputs.form.replaceChildren(...rows);
  }

  /** The form's filled-in values as --set overrides (empty fields keep the default, or the config's value). */
  private sets(): string[] {
    const out: string[] = [];
    for (const [p, i] of this.paramInputs) if (i.value.trim() !== '') out.push(`${p}=${i.value.trim()}`);
    return out;
  }

  /** Fills in a declared parameter's form field ('' for the default). */
  setParam(path: string, value: string): void {
    const i = this.paramInputs.get(path);
    if (!i) throw new Error(`${this.selected().definition.name} declares no parameter ${path}`);
    i.value = value;
  }

  read(): RunParams {
    const i = this.inputs;
    return {
      strategy: this.selected().choice,
      config: i.config.value,
      sets: this.sets(),
      latency: i.latency.value,
      queue: i.queue.value,
      fees: i.fees.value,
      partialFills: i.partial.checked,
    };
  }

  write(p: RunParams): void {
    const i = this.inputs;
    i.config.value = p.config;
    i.latency.value = p.latency;
    i.queue.value = p.queue;
    i.fees.value = p.fees;
    i.partial.checked = p.partialFills;
    for (const input of this.paramInputs.values()) input.value = '';
    for (const s of p.sets) {
      const eq = s.indexOf('=');
      const input = this.paramInputs.get(s.slice(0, eq).trim());
      if (input) input.value = s.slice(eq + 1).trim();
    }
  }

  /**
   * What an empty latency field runs with on the open recording, as `ringbook backtest` without --latency: `recorded`
   * (offered first) when it holds round trips of its own orders, else `feed`.
   */
  showLatencyDefault(own: { roundTrips: number; defaultLatency: 'recorded' | 'feed' } | null): void {
    const recorded = own?.defaultLatency === 'recorded';
    this.inputs.latency.placeholder = recorded
      ? `recorded (default: ${plural(own.roundTrips, 'round trip')} of own orders)`
      : 'feed (default)';
    const models = [...(recorded ? ['recorded'] : []), 'feed', 'constant:5ms'];
    this.inputs.latencyModels.replaceChildren(...models.map((m) => new Option('', m)));
  }

  /** Marks the input at fault (null: none). */
  markInvalid(field: ParamField | null): void {
    const all: Array<[string, HTMLElement]> = [
      ...FIXED.map((f) => [f, this.inputs[f]] as [string, HTMLElement]),
      ['strategy', this.inputs.strategy],
      ...[...this.paramInputs].map(([p, e]) => [`param:${p}`, e] as [string, HTMLElement]),
    ];
    for (const [f, e] of all) {
      const bad = f === field;
      if (e.classList.contains('invalid') !== bad) e.classList.toggle('invalid', bad);
      if (bad) e.setAttribute('aria-invalid', 'true');
      else e.removeAttribute('aria-invalid');
    }
  }
}
