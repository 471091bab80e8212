// A misspelt read of a strategy's view (`m.signals.ofiNorn`, `m.book.bestBid`, `ctx.params.treshold`) throws at once,
// naming the field and the nearest right name, instead of reading undefined: NaN in arithmetic and false in every
// comparison, a strategy that backtests quietly wrong. The known names live on the object or its class's prototype and
// are found there; only a read that misses them walks on to the prototype's own prototype, which is this Proxy. A
// correct read never reaches it: the hot path costs nothing (bench backtest measures it).
import { closest } from '../format/suggest';

// Names generic code asks of any object, expecting undefined: JSON.stringify, await / Promise.resolve.
const PROBED = new Set(['toJSON', 'then']);

/**
 * The names `key` is most likely a slip of: every name it begins (`bestBid`: cut short), else the one of the same
 * letters, else the nearest by edits.
 */
function meant(key: string, names: readonly string[]): string[] {
  const k = key.toLowerCase();
  const begun = k.length >= 3 ? names.filter((n) => n.toLowerCase().startsWith(k)) : [];
  if (begun.length > 0) return begun;
  // two letters swapped (mni, pirceTick): the name with the same letters, where edits tie (mni is as near max)
  const letters = (x: string) => [...x.toLowerCase()].sort().join('');
  const swapped = names.filter((n) => letters(n) === letters(k));
  return swapped.length > 0 ? swapped : closest(key, names, 1);
}

/**
 * The one wording of "did you mean" for a name that is not one of `names` (a strategy's reads, its definition and
 * parameter declarations, its order requests; walk-forward parts): `: did you mean a or b?` (the names `key` is most
 * likely a slip of; '' when none is near),
 * then, with `where`, ` (<where> has n1, n2, …)` listing them all. With `dotted`, the names meant are written
 * `<where>.a`, as the read that missed was (m.book.bestBidTick).
 */
export function meantText(key: string, names: readonly string[], where?: string, dotted = false): string {
  const near = meant(key, names).map((n) => (dotted && where !== undefined ? `${where}.${n}` : n));
  return `${near.length ? `: did you mean ${near.join(' or ')}?` : ''}${where === undefined ? '' : ` (${where} has ${names.join(', ')})`}`;
}

/** A prototype over `base` whose misses throw, naming `what` + the name and the nearest of `names`. */
function guard(base: object, what: string, names: readonly string[]): object {
  return new Proxy(base, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target || PROBED.has(key)) return Reflect.get(target, key, receiver);
      throw new TypeError(`${what}.${key} is not defined${meantText(key, names, what, true)}`);
    },
  });
}

/**
 * Makes a read of any name not on `cls.prototype` (nor an instance's own, nor Object.prototype's, nor a symbol) throw a
 * TypeError that names `what` + the name and the nearest of `names` (the view's public API); with `readOnly`, a write
 * to one of its getters throws that advice.
 */
export function strictReads(cls: { prototype: object }, what: string, names: readonly string[], readOnly?: string): void {
  const proto = cls.prototype;
  Object.setPrototypeOf(proto, guard(Object.getPrototypeOf(proto) as object, what, names));
  // JSON.stringify(m.position) in a log line: the API's figures (its getters), not the object's own fields
  Object.defineProperty(proto, 'toJSON', {
    value: function toJSON(this: Record<string, unknown>): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const v = this[name];
        if (typeof v !== 'function') out[name] = typeof v === 'bigint' ? String(v) : v;
      }
      return out;
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  if (readOnly === undefined) return;
  // a write to a getter said in the API's words, not the engine's ("which has only a getter"); reads are untouched
  for (const name of names) {
    const d = Object.getOwnPropertyDescriptor(proto, name);
    if (d === undefined || d.get === undefined || d.set !== undefined) continue;
    Object.defineProperty(proto, name, {
      ...d,
      set() {
        throw new TypeError(`${what}.${name} is read-only: ${readOnly}`);
      },
    });
  }
}

/** A frozen copy of a plain object (`ctx.params`, `ctx.limits`, `m.info`) whose misspelt reads throw as above. */
export function strictCopy<T extends object>(obj: T, what: string): Readonly<T> {
  const names = Object.keys(obj);
  const copy = Object.create(guard(Object.prototype, what, names)) as Record<string, unknown>;
  for (const k of names)
    Object.defineProperty(copy, k, { value: (obj as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
  return Object.freeze(copy) as Readonly<T>;
}

/** The names of an API interface, from an object that must list every one of them (the compiler checks it). */
export function names<T>(all: Record<keyof T, unknown>): string[] {
  return Object.keys(all);
}
