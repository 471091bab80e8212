// Logs for people and for log shippers from one call site. The human format (the default) prints each message as
// the commands always have; `--log-format json` prints one object per line — level, time, component, msg and the
// event's fields — so journald, Docker or a collector can index it. Both go through the same scrubber: a value
// registered as a secret (API secret, passphrase, key) never leaves the process in either, and fields whose name
// says "secret" are masked whatever they hold.

export const LOG_FORMATS = ['human', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export type LogLevel = 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

const REDACTED = '[redacted]';
/** Field names that hold a secret whatever their value (the key itself is identifying, so it is masked too). */
const SECRET_FIELD = /secret|passphrase|password|signature|token|api-?_?key|credential/i;

const state = {
  format: 'human' as LogFormat,
  secrets: new Set<string>(),
  now: () => new Date(),
};

export function setLogFormat(format: LogFormat): void {
  state.format = format;
}

export function logFormat(): LogFormat {
  return state.format;
}

/** True when logs are JSON lines (commands then leave out what only a person reads: redrawn status lines). */
export const jsonLogs = (): boolean => state.format === 'json';

/** For tests: a fixed clock for `time`. */
export function setLogClock(now: () => Date): void {
  state.now = now;
}

/** From now on `value` is replaced by [redacted] wherever it would be logged (values shorter than 4 are ignored). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) state.secrets.add(value);
}

/** `text` with every registered secret replaced. */
export function scrub(text: string): string {
  let out = text;
  for (const s of state.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

function clean(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Error) return scrub(value.message);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[…]';
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? REDACTED : clean(v, depth + 1);
  return out;
}

export interface Logger {
  readonly component: string;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** Text only a person reads (a status line redrawn in place, a blank line): written as is, nothing in JSON. */
  human(text: string): void;
  /** The same sink under another component name. */
  child(component: string): Logger;
}

const stderr = (line: string) => {
  // a log line never throws into its caller: a closed stream's error is the stream's (src/log/output.ts)
  try {
    process.stderr.write(line);
  } catch {
    /* the output is gone; the work goes on */
  }
};

/**
 * A logger for `component`. `sink` receives whole lines with their newline (default: standard error). In the human
 * format a message is written as given (several lines allowed); in JSON each call is one line.
 */
export function logger(component: string, sink: (text: string) => void = stderr): Logger {
  const write = (level: LogLevel, msg: string, fields?: Fields) => {
    if (state.format === 'json') {
      const extra = clean(fields ?? {}) as Fields;
      for (const k of ['level', 'time', 'component', 'msg']) delete extra[k];
      const event = { level, time: state.now().toISOString(), component, msg: scrub(msg.trim()), ...extra };
      sink(`${JSON.stringify(event)}\n`);
    } else sink(`${scrub(msg)}\n`);
  };
  return {
    component,
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    human: (text) => {
      if (state.format === 'human') sink(scrub(text));
    },
    child: (c) => logger(c, sink),
  };
}

/** The value of --log-format in a raw command line, before any parsing (so even a usage error can be JSON). */
export function logFormatIn(argv: readonly string[]): LogFormat | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = a === '--log-format' ? argv[i + 1] : a.startsWith('--log-format=') ? a.slice('--log-format='.length) : undefined;
    if (v === 'json' || v === 'human') return v;
  }
  return undefined;
}
