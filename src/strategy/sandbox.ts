// Loading a strategy bundle from its text, on any thread (Node's main thread, a worker thread, the page's worker):
// the bundle is evaluated with every non-deterministic global shadowed by a stand-in that throws a clear error, so a
// strategy that slipped past the static check at bundle time (./loader) still cannot read the clock, draw randomness,
// set a timer or reach the network, the file system, the console or the process. This keeps honest code honest; it is
// not a security sandbox (code that tries hard can still reach the real globals through prototypes).
//
// An error thrown by the strategy is mapped through the bundle's source map to the user's file and line.
import type { StrategyDefinition } from './api';
import { SourceMap } from './sourcemap';
import { checkDefinition, checkSignalSettings } from './definition';
import { errorText } from '../format/errors';

/** Globals a strategy may not use, and why (the advice names what to use instead). */
export const REFUSED: Readonly<Record<string, string>> = {
  Date: "the wall clock makes runs differ: use ctx.now (ns since the run's origin, 00:00 UTC of its first day)",
  performance: 'the wall clock makes runs differ: use ctx.now',
  'Math.random': 'randomness makes runs differ: use ctx.random(), seeded per run',
  crypto: 'randomness makes runs differ: use ctx.random(), seeded per run',
  setTimeout: 'timers of the wall clock make runs differ: use ctx.setTimer (on the 50 ms tick grid, live and in replay)',
  setInterval: 'timers of the wall clock make runs differ: use ctx.setTimer',
  setImmediate: 'timers make runs differ: use ctx.setTimer',
  clearTimeout: 'timers make runs differ: use ctx.clearTimer',
  clearInterval: 'timers make runs differ: use ctx.clearTimer',
  clearImmediate: 'timers make runs differ: use ctx.clearTimer',
  queueMicrotask: 'deferred work makes runs differ: do it in the handler',
  Promise:
    'deferred work runs after the handler returned, at another moment in a replay than live, and its errors escape the halt: do it in the handler',
  FinalizationRegistry: 'garbage collection runs at another moment in every run',
  WeakRef: 'garbage collection runs at another moment in every run: keep a plain reference',
  MessageChannel: 'a strategy runs on one thread, and deferred work makes runs differ',
  BroadcastChannel: 'a strategy runs on one thread, and deferred work makes runs differ',
  Intl: "it formats by the host's locale and time zone and reads the wall clock: runs would differ between hosts and the page",
  Buffer: "it is Node's, not the browser's, and a strategy runs unchanged on the replay page: use Uint8Array or TextEncoder",
  requestAnimationFrame: 'timers make runs differ: use ctx.setTimer',
  fetch: 'a strategy does no I/O (the network makes runs differ and slow)',
  XMLHttpRequest: 'a strategy does no I/O',
  WebSocket: 'a strategy does no I/O',
  EventSource: 'a strategy does no I/O',
  navigator: 'a strategy does not read its host',
  location: 'a strategy does not read its host',
  document: 'a strategy does not read its host',
  localStorage: 'a strategy does no I/O',
  indexedDB: 'a strategy does no I/O',
  console: 'a strategy does no I/O: use ctx.log (kept in the report, printed live)',
  process: 'a strategy does not read its host (environment, arguments, exit): declare parameters instead',
  require: "a strategy imports only 'ringbook' and its own files",
  module: "a strategy imports only 'ringbook' and its own files",
  globalThis: "a strategy does not reach the host's globals",
  global: "a strategy does not reach the host's globals",
  self: "a strategy does not reach the host's globals",
  window: "a strategy does not reach the host's globals",
  eval: 'code generation is not allowed in a strategy',
  Function: 'code generation is not allowed in a strategy',
  WebAssembly: 'a strategy runs as plain JavaScript',
  Atomics: 'a strategy runs on one thread',
  SharedArrayBuffer: 'a strategy runs on one thread',
  Worker: 'a strategy runs on one thread',
  postMessage: 'a strategy runs on one thread',
  importScripts: "a strategy imports only 'ringbook' and its own files",
};

/** Why an async function is refused: by the static check, and by the runtime for a handler (a bundle loaded without that check). */
export const ASYNC_REFUSAL =
  'async functions are not available in a strategy: the code after an await runs after the handler returned, at another moment in a replay than live, and a throw there escapes the halt: do the work in the handler, synchronously';

/** The message for a refused global. */
export function refusal(name: string): string {
  return `${name} is not available in a strategy: ${REFUSED[name] ?? 'it would make runs differ'}`;
}

/** A stand-in that throws the refusal on any use (call, new, property read). */
function standIn(name: string): unknown {
  const fail = () => {
    throw new Error(refusal(name));
  };
  return new Proxy(function refused() {}, { apply: fail, construct: fail, get: fail, set: fail, has: fail });
}

/**
 * Math without Math.random: an object whose prototype is Math, with its own `random` that throws. The rest is read
 * through the prototype, the real Math, which the optimizing compiler knows: Math.floor, Math.min, … compile to the
 * machine instructions they are. A copy of Math's functions in a plain object is not known, and each call to one was a
 * call (a market maker makes several per book message).
 */
function safeMath(): Math {
  const random = () => {
    throw new Error(refusal('Math.random'));
  };
  return Object.freeze(Object.create(Math, { random: { value: random } })) as Math;
}

/** The sourceURL prefix every bundle is evaluated under: a stack frame of strategy code names it. */
const BUNDLE_URL = 'strategy:';

/**
 * Closes the Function constructor reached through a prototype (`[].constructor.constructor`, `(async () => {}).constructor`):
 * shadowing the global `Function` does not, and it would run any text, the wall clock included. Each constructor's
 * `constructor` property becomes a getter that hands strategy code (its caller's frame is a bundle's) the stand-in
 * that throws, and everyone else the real constructor, so ringbook's own code and its libraries see no change. Once
 * per realm; reading a function's `constructor` is rare, and only that read pays for the look at the caller.
 */
function guardFunctionConstructors(): void {
  const ErrorCtor = Error as unknown as { new (): Error; stackTraceLimit?: number; prepareStackTrace?: unknown };
  const capture = (ErrorCtor as { captureStackTrace?: (o: object, f: Function) => void }).captureStackTrace;
  const protos = [
    Function.prototype,
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ] as { constructor: unknown }[];
  for (const proto of protos) {
    const d = Object.getOwnPropertyDescriptor(proto, 'constructor');
    if (!d || !('value' in d) || typeof d.value !== 'function' || !d.configurable) continue; // guarded already
    const real = d.value as Function;
    const refused = standIn('Function');
    const get = function constructor(): unknown {
      // the caller's frame, whatever the strategy did to Error's settings (restored after)
      const limit = ErrorCtor.stackTraceLimit;
      const prepare = ErrorCtor.prepareStackTrace;
      ErrorCtor.stackTraceLimit = 1;
      ErrorCtor.prepareStackTrace = undefined;
      const probe: { stack?: string } = {};
      try {
        if (capture) capture(probe, get);
        else probe.stack = new ErrorCtor().stack;
      } finally {
        ErrorCtor.stackTraceLimit = limit;
        ErrorCtor.prepareStackTrace = prepare;
      }
      return String(probe.stack).includes(BUNDLE_URL) ? refused : real;
    };
    Object.defineProperty(proto, 'constructor', {
      get,
      set(v: unknown) {
        // an assignment (`F.prototype.constructor = F` in code that builds classes by hand) shadows, as it would
        Object.defineProperty(this, 'constructor', { value: v, writable: true, configurable: true, enumerable: false });
      },
      configurable: false,
      enumerable: false,
    });
  }
}

// Shadowed by the function the bundle runs in: every refused name that is a plain identifier (eval cannot be a
// parameter name in strict code; the static check refuses it).
const SHADOWED = Object.keys(REFUSED).filter((n) => !n.includes('.') && n !== 'eval');

/** A bundle's text as the loader made it: an IIFE that leaves its module in `__strategy`. */
export interface StrategyBundle {
  /** The bundle (JavaScript). */
  text: string;
  /** Its source map (JSON), for errors in the user's lines. */
  map?: string;
  /** sha256 of `text`, hex. */
  hash: string;
  /** Where it came from: a file path or builtin:<name>. */
  source: string;
}

/** A strategy ready to run: its definition, and how to name an error in it. */
export interface LoadedStrategy {
  definition: StrategyDefinition;
  bundle: StrategyBundle | null;
  /** "message (file:line:column)" for an error thrown by the strategy's code. */
  describeError(err: unknown): string;
}

/** A built-in as loaded: its definition, compiled in (no bundle), its errors in their own words. */
export function loadedBuiltin(definition: StrategyDefinition): LoadedStrategy {
  return { definition, bundle: null, describeError: errorText };
}

let lineOffset: number | null = null;

/** Lines the Function constructor puts before the body (engine-specific: measured once). */
function functionLineOffset(): number {
  if (lineOffset !== null) return lineOffset;
  try {
    new Function('a', 'b', 'throw new Error("probe")\n//# sourceURL=ringbook-probe')(0, 0);
  } catch (err) {
    const m = /ringbook-probe:(\d+)/.exec(String((err as Error).stack));
    lineOffset = m ? Number(m[1]) - 1 : 2;
  }
  return lineOffset ?? 2;
}

/** The file each loaded definition came from, for messages about it made far from the loader (the runtime's). */
const SOURCES = new WeakMap<object, string>();

/** Where a definition was loaded from (a file path or builtin:<name>), or null for one made in code. */
export function sourceOf(def: object): string | null {
  return SOURCES.get(def) ?? null;
}

/** Evaluates a bundle (on any thread) and checks its default export is a strategy definition. */
export function loadBundle(bundle: StrategyBundle): LoadedStrategy {
  guardFunctionConstructors();
  const url = `${BUNDLE_URL}${bundle.source.replace(/[^A-Za-z0-9._/:-]/g, '_')}`;
  let map: SourceMap | null = null;
  const describeError = (err: unknown): string => describe(err, url, () => (map ??= bundle.map ? new SourceMap(bundle.map) : null));
  let mod: { default?: unknown } | undefined;
  try {
    // strict, as the modules it was bundled from are (and a plain function's `this` is then not the real global
    // object); on the bundle's first line, so its line numbers stay the source map's
    const fn = new Function(...SHADOWED, 'Math', `'use strict';${bundle.text}\nreturn __strategy;\n//# sourceURL=${url}`);
    mod = fn(...SHADOWED.map(standIn), safeMath()) as { default?: unknown };
  } catch (err) {
    throw new Error(`${bundle.source}: the module failed while loading: ${describeError(err)}`);
  }
  const def = mod?.default as StrategyDefinition | undefined;
  if (!def || typeof def !== 'object' || typeof def.name !== 'string' || typeof def.create !== 'function' || typeof def.params !== 'object')
    throw new Error(
      `${bundle.source}: the default export is not a strategy: write \`export default defineStrategy({ name, params, create })\` (import { defineStrategy } from 'ringbook')`,
    );
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(def.name))
    throw new Error(`${bundle.source}: strategy name ${JSON.stringify(def.name)} must be lower-case words and dashes (e.g. "my-strategy")`);
  checkDefinition(def, bundle.source);
  // a misspelt signal setting is seen only once signals(p) is called with the run's parameters
  const signals = def.signals;
  const definition: StrategyDefinition = signals
    ? { ...def, signals: (p) => checkSignalSettings(signals.call(def, p), bundle.source) }
    : def;
  SOURCES.set(definition, bundle.source);
  return { definition, bundle, describeError };
}

/** "message (file:line:column)": the innermost frame in the bundle, mapped to the user's source. */
function describe(err: unknown, url: string, map: () => SourceMap | null): string {
  const message = errorText(err);
  const stack = err instanceof Error ? String(err.stack ?? '') : '';
  const esc = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${esc}:(\\d+):(\\d+)`).exec(stack);
  if (!m) return message;
  const line = Number(m[1]) - functionLineOffset();
  const column = Number(m[2]);
  const o = map()?.lookup(line, column);
  return o ? `${message} (${o.source}:${o.line}:${o.column})` : `${message} (bundle line ${line})`;
}
