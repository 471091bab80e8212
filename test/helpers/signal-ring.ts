// The signal ring as a trader reads it (MarketPipeline.read), over a test core: a test writes records onto `signal`
// as the engine would, and the trader drains them through `read`.
import { Ring, type Core } from '../../src/core/index';

export function signalRingReader(core: Core): { signal: Ring; read(fn: (at: number, kind: number) => void): number } {
  const signal = new Ring(core, core.ringOffset('signal'));
  return {
    signal,
    read(fn: (at: number, kind: number) => void): number {
      const n = signal.readable(4096);
      for (let i = 0; i < n; i++) {
        const at = signal.slot(signal.tail + i);
        fn(at, core.bytes[at]);
      }
      if (n) signal.release(n);
      return n;
    },
  };
}
