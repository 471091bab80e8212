// A misspelt read of a strategy's view (`m.signals.ofiNorn`) throws at once, naming the field and the nearest right
// name, instead of reading undefined: NaN in arithmetic and false in every comparison, a strategy that backtests
// quietly wrong. The known getters live on the view class's prototype and are found there; only a read that misses
// them walks on to the prototype's own prototype, which is this Proxy. A correct read never reaches it: the hot path
// costs nothing (bench backtest measures it).
import { closest } from '../format/suggest';

// Names generic code asks of any object, expecting undefined: JSON.stringify, await / Promise.resolve.
const PROBED = new Set(['toJSON', 'then']);

/**
 * Makes a read of any name not on `cls.prototype` (nor Object.prototype's, nor a symbol) throw a TypeError that
 * names `what` + the name and the nearest of `names` (the view's public API).
 */
export function strictReads(cls: { prototype: object }, what: string, names: readonly string[]): void {
  const base = Object.getPrototypeOf(cls.prototype) as object;
  const guard = new Proxy(base, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target || PROBED.has(key)) return Reflect.get(target, key, receiver);
      const near = closest(key, names, 1);
      throw new TypeError(
        `${what}.${key} is not defined${near.length ? `: did you mean ${what}.${near[0]}?` : ''} (${what} has ${names.join(', ')})`,
      );
    },
  });
  Object.setPrototypeOf(cls.prototype, guard);
}
