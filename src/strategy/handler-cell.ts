// Which strategy handler a thread is in, for a watchdog on another thread: a thread stuck in strategy code cannot say
// anything, so it writes the handler's number into one shared int32 before calling it (and puts back the one it
// interrupted after), and the watchdog reads it when it gives up on the thread: the replay page's (only where memory
// can be shared, a cross-origin isolated page), a live session's (src/live/hang-watchdog.ts), a backtest's and an
// optimizer trial's (src/backtest/hang-guard.ts). The strategy runtime marks the handlers it calls itself when given a
// cell (RuntimeOptions.handlerCell); trackHandlers wraps a definition's for a caller that cannot give it one.
import type { StrategyDefinition, StrategyHandlers } from './api';

/** Index 0: no strategy code running. */
export const HANDLER_NAMES = [
  '',
  'create',
  'onStart',
  'onBook',
  'onTrade',
  'onOrder',
  'onTimer',
  'onHealth',
  'onReconcile',
  'onResume',
  'onHalt',
  'onStop',
] as const;

/** Codes the runtime writes without a lookup (its hot handlers, and create). */
export const CODE_CREATE = 1;
export const CODE_ON_BOOK = 3;
export const CODE_ON_ORDER = 5;
export const CODE_ON_TIMER = 6;

/** The code of handler `name` (0 for a name that is not one). */
export function handlerCode(name: string): number {
  const i = (HANDLER_NAMES as readonly string[]).indexOf(name);
  return i < 0 ? 0 : i;
}

/** The handler named in `cell` (null when none is running or it is not known). */
export function handlerIn(cell: Int32Array | null): string | null {
  if (!cell) return null;
  return HANDLER_NAMES[Atomics.load(cell, 0)] || null;
}

/** `def` with its create() and every handler it returns marking `cell` while they run. */
export function trackHandlers(def: StrategyDefinition, cell: Int32Array): StrategyDefinition {
  const within = <A extends unknown[], R>(code: number, fn: (...a: A) => R, self: unknown) =>
    function (...a: A): R {
      const was = cell[0];
      cell[0] = code;
      try {
        return fn.apply(self, a);
      } finally {
        cell[0] = was;
      }
    };
  return {
    ...def,
    create(ctx) {
      const h = within(1, def.create, def)(ctx) as StrategyHandlers;
      if (h === null || typeof h !== 'object') return h; // the runtime says what is wrong with it
      const out: Record<string, unknown> = { ...h };
      for (let code = 2; code < HANDLER_NAMES.length; code++) {
        const name = HANDLER_NAMES[code];
        const fn = (h as Record<string, unknown>)[name];
        // an async function or a generator is left as it is, for the runtime to refuse by what it is (its wrapper would not say)
        if (typeof fn === 'function' && Object.prototype.toString.call(fn) === '[object Function]')
          out[name] = within(code, fn as (...a: unknown[]) => unknown, h);
      }
      return out as StrategyHandlers;
    },
  };
}
