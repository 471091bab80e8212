// One command-line grammar for every ringbook command: each command declares its flags once (name, type, default,
// description) with two examples, and this wrapper around node:util parseArgs parses, checks and converts them, and
// prints --help from the same declaration. So every command takes `--flag value` and `--flag=value`, one duration
// syntax (500ms, 3s, 5m, 1h, 2d), `--symbol`/`--symbols` alike, refuses a flag given twice (only a repeatable one
// repeats), and answers an unknown flag with the nearest known one and a pointer to its help.
import { parseArgs } from 'node:util';
import { closest } from '../format/suggest';
import { DURATION_SYNTAX, DURATION_UNITS, durationNs } from '../format/durations';
import { UsageError } from './usage-error';
import { LOG_FORMATS, setLogFormat, type LogFormat } from '../log/logger';

export type FlagType = 'string' | 'boolean' | 'int' | 'number' | 'duration' | 'list';

export interface Flag {
  type: FlagType;
  /** Placeholder in help: FILE, N, D, S[,S]. */
  arg?: string;
  default?: string | number | boolean | readonly string[];
  /** How help shows a default that is worked out at run time ("the CPU count"). */
  defaultText?: string;
  description: string;
  /** Repeatable (string flags): every occurrence is kept, in order. */
  multiple?: boolean;
  /** The values a string flag accepts. */
  choices?: readonly string[];
  /** Bounds of an int or number flag (inclusive). */
  min?: number;
  max?: number;
  /** What an int or number flag holds, for errors: "a port number" (default "a whole number" / "a number"). */
  noun?: string;
  /** A duration of 0 is allowed (default: durations are > 0). */
  zero?: boolean;
  /** Other names of the same flag (e.g. symbols for symbol). */
  aliases?: readonly string[];
  /** Help section heading; flags without one go under "options". */
  group?: string;
}

export interface CommandSpec {
  /** As typed after `ringbook`: "backtest", "optimize merge". */
  name: string;
  /** What follows the name in the usage line: "<data> [options]". */
  usage: string;
  /** One line: what the command does. */
  summary: string;
  /** More about it, printed under the usage line. */
  details?: string;
  /** Positional arguments: how many (default none). */
  positionals?: { name: string; min: number; max: number };
  flags: Record<string, Flag>;
  /** Two (or more) examples: [command line after `ringbook `, what it does]. */
  examples: ReadonlyArray<readonly [string, string]>;
  /** Printed after the flags: exit codes, where the docs are. */
  notes?: string;
  /** Subcommands listed in help (each parses its own flags). */
  subcommands?: ReadonlyArray<readonly [string, string]>;
}

export { UsageError } from './usage-error';

/** `parse()`'s answer; an error it throws about a flag's value becomes a usage error (exit 2). */
export function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof Error && !(err instanceof UsageError)) throw new UsageError(err.message);
    throw err;
  }
}

type FlagValue<F extends Flag> = F extends { multiple: true }
  ? string[]
  : F extends { type: 'boolean' }
    ? boolean
    : F extends { type: 'int' | 'number' | 'duration' }
      ? number
      : F extends { type: 'list' }
        ? string[]
        : string;

/** Parsed values: durations in ms, lists split on commas; a flag without a default may be undefined. */
export type Values<F extends Record<string, Flag>> = {
  [K in keyof F]: FlagValue<F[K]> | (F[K] extends { default: unknown } | { type: 'boolean' } | { multiple: true } ? never : undefined);
};

export interface Parsed<S extends CommandSpec> {
  values: Values<S['flags']>;
  positionals: string[];
}

const HELP_FLAG: Flag = { type: 'boolean', description: 'this text' };
/** Every command takes it: the format of what it logs on standard error (its reports and --json stay as they are). */
export const LOG_FORMAT_FLAG: Flag = {
  type: 'string',
  arg: 'F',
  default: 'human',
  choices: LOG_FORMATS,
  description: 'log lines as text for people, or json: one object per line (level, time, component, msg, fields)',
};

export { DURATION_SYNTAX } from '../format/durations';

/** "3s", "500ms", "5m", "1h", "2d", "250us" (a plain number is seconds) → milliseconds. Errors name the flag. */
export function parseDuration(flag: string, text: string, zero = false): number {
  return Number(durationNs(flag, text, { zero })) / 1e6;
}

/** The command line that shows a command's help. */
export const helpHint = (spec: Pick<CommandSpec, 'name'>) => `see ringbook ${spec.name} --help`;

function convert(spec: CommandSpec, name: string, f: Flag, raw: string): unknown {
  const flag = `--${name}`;
  const hint = ` (${helpHint(spec)})`;
  switch (f.type) {
    case 'duration':
      return parseDuration(flag, raw, f.zero);
    case 'int':
    case 'number': {
      const v = raw.trim() === '' ? NaN : Number(raw);
      const whole = f.type === 'int';
      const ok = Number.isFinite(v) && (!whole || Number.isInteger(v)) && v >= (f.min ?? -Infinity) && v <= (f.max ?? Infinity);
      if (!ok) {
        const noun = f.noun ?? (whole ? 'a whole number' : 'a number');
        const range =
          f.min !== undefined && f.max !== undefined
            ? ` from ${f.min} to ${f.max}`
            : f.min !== undefined
              ? ` ≥ ${f.min}`
              : f.max !== undefined
                ? ` ≤ ${f.max}`
                : '';
        throw new UsageError(`${flag} needs ${noun}${range}, got "${raw}"${hint}`);
      }
      return v;
    }
    case 'list': {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (!items.length) throw new UsageError(`${flag} needs at least one ${f.noun ?? 'value'}${f.arg ? `: ${flag} ${f.arg}` : ''}${hint}`);
      return items;
    }
    default:
      if (f.choices && !f.choices.includes(raw)) {
        const near = closest(raw, f.choices, 1);
        throw new UsageError(
          `${flag} "${raw}" is not one of ${f.choices.join(', ')}${near.length ? ` (did you mean ${near[0]}?)` : ''}${hint}`,
        );
      }
      return raw;
  }
}

/** Flags people reach for under another name, and ours (offered when the command has it). */
/** Words users type for a flag of another name, in order of preference (the first the command has is suggested). */
const SYNONYMS: Record<string, readonly string[]> = {
  html: ['report'],
  output: ['out', 'record'],
  out: ['record'], // live and demo write their recording with --record
  params: ['set'],
  param: ['set'],
  parameter: ['set'],
  file: ['config'],
};

/**
 * Parses `argv` for `spec`. Returns null after printing help (for --help or -h); throws UsageError naming the flag,
 * the nearest known one and where the help is.
 */
export function parseCommand<S extends CommandSpec>(
  spec: S,
  argv: readonly string[],
  print: (text: string) => void = console.log,
): Parsed<S> | null {
  const flags: Record<string, Flag> = { ...spec.flags, 'log-format': LOG_FORMAT_FLAG, help: HELP_FLAG };
  const byName = new Map<string, string>();
  for (const [name, f] of Object.entries(flags)) {
    byName.set(name, name);
    for (const a of f.aliases ?? []) byName.set(a, name);
  }
  const hint = ` (${helpHint(spec)})`;
  // Lenient tokenising (a string flag takes the next word as its value even if it starts with "-": -5s, -250), then
  // every check here, so no raw parser message reaches the user.
  const { tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      [...byName].map(([alias, name]) => [alias, { type: flags[name].type === 'boolean' ? 'boolean' : 'string' }]),
    ) as Record<string, { type: 'boolean' | 'string' }>,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, unknown> = {};
  // how each flag was given (spelling and value), to refuse a second one: which should win is a guess
  const given = new Map<string, string>();
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    if (t.kind !== 'option') continue;
    if (t.name === 'h' && t.rawName === '-h') {
      values.help = true;
      continue;
    }
    const name = byName.get(t.name);
    if (!name) {
      const synonym = SYNONYMS[t.name]?.find((x) => byName.has(x));
      const near = synonym !== undefined ? [synonym] : closest(t.name, [...byName.keys()], 1);
      throw new UsageError(`unknown option ${t.rawName}${near.length ? `: did you mean --${near[0]}?` : ''}${hint}`);
    }
    const f = flags[name];
    if (f.type === 'boolean') {
      if (t.value !== undefined) throw new UsageError(`${t.rawName} takes no value (got "${t.value}")${hint}`);
      if (given.has(name)) throw twice(given.get(name)!, t.rawName, f, hint);
      given.set(name, t.rawName);
      values[name] = true;
      continue;
    }
    if (t.value === undefined || (!t.inlineValue && /^--[a-z]/.test(t.value) && byName.has(t.value.slice(2).split('=')[0]))) {
      throw new UsageError(`${t.rawName} needs a value${f.arg ? ` (${f.arg})` : ''}${hint}`);
    }
    if (!f.multiple && given.has(name)) throw twice(given.get(name)!, `${t.rawName} ${t.value}`, f, hint);
    given.set(name, `${t.rawName} ${t.value}`);
    const v = convert(spec, name, f, t.value);
    if (f.multiple) ((values[name] ??= []) as unknown[]).push(v);
    else values[name] = v;
  }
  if (values.help) {
    print(renderHelp(spec));
    return null;
  }
  if (values['log-format'] !== undefined) setLogFormat(values['log-format'] as LogFormat);
  for (const [name, f] of Object.entries(spec.flags)) {
    if (name in values) continue;
    if (f.type === 'boolean') values[name] = false;
    else if (f.multiple) values[name] = [];
    else if (f.default !== undefined) values[name] = typeof f.default === 'string' ? convert(spec, name, f, f.default) : f.default;
  }
  const pos = spec.positionals ?? { name: '', min: 0, max: 0 };
  if (positionals.length > pos.max) {
    const extra = positionals[pos.max];
    throw new UsageError(
      pos.max === 0
        ? `unexpected argument "${extra}": ringbook ${spec.name} takes only options${hint}`
        : `unexpected argument "${extra}": ringbook ${spec.name} takes ${pos.name}${hint}`,
    );
  }
  if (positionals.length < pos.min)
    throw new UsageError(`ringbook ${spec.name} needs ${pos.name}: ringbook ${spec.name} ${spec.usage}${hint}`);
  return { values: values as Values<S['flags']>, positionals };
}

/**
 * A flag given a second time, under its name or an alias (--symbol A --symbols B): refused, since either could be
 * meant. Only flags declared `multiple` repeat; a list flag takes its items in one value.
 */
function twice(first: string, second: string, f: Flag, hint: string): UsageError {
  // the list suggested holds each item once: --symbol BTCUSDT --symbols BTCUSDT is one symbol, not a list naming it twice
  const items = [...new Set([first, second].flatMap((g) => g.slice(g.indexOf(' ') + 1).split(',')))];
  const one = f.type === 'list' || f.arg?.includes(',') ? `give one list: ${second.split(' ')[0]} ${items.join(',')}` : 'give it once';
  const [a, b] = [first.split(' ')[0], second.split(' ')[0]];
  const alias = a === b ? '' : ` (${b} is another name for ${a})`;
  return new UsageError(`${second}: ${first} was given already${alias}: ${one}${hint}`);
}

const WIDTH = 100;

/** Wraps prose to WIDTH columns under `indent`; lines that start with a space (tables, commands) stay as they are. */
export function wrap(text: string, indent = '', first = indent): string {
  return text
    .split('\n')
    .map((para) => {
      if (/^\s/.test(para) || para === '') return para;
      const out: string[] = [];
      let line = first;
      for (const word of para.split(' ')) {
        const lead = out.length === 0 ? first : indent;
        if (line.length > lead.length && line.length + 1 + word.length > WIDTH) {
          out.push(line);
          line = indent + word;
        } else line = line.length > lead.length ? `${line} ${word}` : line + word;
      }
      out.push(line);
      return out.join('\n');
    })
    .join('\n');
}

function defaultOf(f: Flag): string {
  if (f.defaultText) return f.defaultText;
  if (f.default === undefined || f.type === 'boolean') return '';
  const d = Array.isArray(f.default) ? f.default.join(',') : String(f.default);
  return d === '' ? '' : d;
}

/**
 * The help's word on durations, true for every place this command takes one: a plain number is seconds only in the
 * duration flags; the local exchange's -ms flags read it as milliseconds (src/cli/exchange-ms.ts), and a strategy's
 * duration parameter in --config or --set has a grammar of its own (src/strategy/params.ts). Null when the command
 * takes none.
 */
export function durationsFooter(spec: Pick<CommandSpec, 'flags'>): string | null {
  const entries = Object.entries(spec.flags);
  const flags = entries.some(([, f]) => f.type === 'duration');
  const ms = entries.filter(([name, f]) => name.endsWith('-ms') && f.arg === 'D').map(([name]) => `--${name}`);
  const config = 'config' in spec.flags || 'set' in spec.flags;
  if (!flags && !ms.length && !config) return null;
  const msText = `the -ms flags (${ms.join(', ')}: ${ms[0]} 50 is 50 ms)`;
  const where = flags
    ? `; a plain number is seconds wherever a flag above takes a duration${ms.length ? `, except in ${msText}, where it is milliseconds` : ''}`
    : ms.length
      ? `; a plain number is milliseconds in ${msText}`
      : '';
  const params =
    'a strategy\'s duration parameter (*Ns) is not read so: --set needs its unit (cooldown.ns=2s; a plain number other than 0 is refused), and a --config file takes a unit ("2s") or a plain integer of ns';
  return `Durations: ${DURATION_SYNTAX} (units ${DURATION_UNITS})${where}${config ? `; ${params}` : ''}.`;
}

/** The help text: usage, what the command does, flags grouped with their defaults, examples, notes. */
export function renderHelp(spec: CommandSpec): string {
  const out = [`ringbook ${spec.name} ${spec.usage}`.trimEnd(), '', wrap(spec.summary)];
  if (spec.details) out.push('', wrap(spec.details));
  if (spec.subcommands?.length) {
    out.push('', 'subcommands:');
    const w = Math.max(...spec.subcommands.map(([n]) => n.length));
    for (const [n, what] of spec.subcommands) out.push(`  ${n.padEnd(w)}  ${what}`);
  }
  const entries = Object.entries(spec.flags);
  const heads = entries.map(([name, f]) => `--${name}${f.arg ? ` ${f.arg}` : ''}${(f.aliases ?? []).map((a) => `, --${a}`).join('')}`);
  const width = Math.min(30, Math.max(8, ...heads.map((h) => h.length)));
  const groups = new Map<string, string[]>();
  entries.forEach(([, f], i) => {
    const g = f.group ?? 'options';
    const d = defaultOf(f);
    const choices = f.choices && !f.description.includes(f.choices[0]) ? ` (${f.choices.join(' | ')})` : '';
    const text = `${f.description}${choices}${d ? ` [default: ${d}]` : ''}`;
    const head = heads[i];
    const pad = ' '.repeat(width + 4);
    const line = head.length > width ? `  ${head}\n${wrap(text, pad, pad)}` : wrap(text, pad, `  ${head.padEnd(width)}  `);
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(line);
  });
  const options = groups.get('options') ?? groups.set('options', []).get('options')!;
  const logHead = '--log-format F';
  const logText = `${LOG_FORMAT_FLAG.description} [default: human]`;
  const logPad = ' '.repeat(width + 4);
  options.push(
    logHead.length > width ? `  ${logHead}\n${wrap(logText, logPad, logPad)}` : wrap(logText, logPad, `  ${logHead.padEnd(width)}  `),
  );
  options.push(`  ${'--help, -h'.padEnd(width)}  this text`);
  for (const [g, lines] of groups) out.push('', `${g}:`, ...lines);
  const durations = durationsFooter(spec);
  if (durations) out.push('', wrap(durations));
  out.push('', 'examples:');
  for (const [cmd, what] of spec.examples) out.push(`  ringbook ${cmd}`, `      ${what}`);
  if (spec.notes) out.push('', wrap(spec.notes));
  return out.join('\n');
}

export { dirText } from '../format/paths';
