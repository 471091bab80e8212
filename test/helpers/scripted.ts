// A harness for the runtime under small scripted strategies: book messages at ms after T0, ticks and executor events,
// with the actions they produced written as short strings.
import { defineStrategy, type Market, type StrategyContext, type StrategyDefinition } from '../../src/strategy/api';
import type { Action } from '../../src/strategy/events';
import { ObiOfiHarness, T0, MS, signalAt, type Signal } from './obi-ofi';

/** A harness over any definition: signals as book messages at ms after T0, ticks, executor events. */
export class Run {
  readonly h: ObiOfiHarness;
  ms = 0;
  actions: Action[] = [];
  constructor(def: StrategyDefinition, sets: string[] = [], describeError?: (e: unknown) => string, handlerCell?: Int32Array) {
    this.h = new ObiOfiHarness({ definition: def, sets, describeError, handlerCell });
  }
  get rt() {
    return this.h.rt;
  }
  private take(a: Action[]): string[] {
    this.actions = a;
    return a.map((x) =>
      x.type === 'place'
        ? `place ${x.side} ${x.orderType} ${x.priceTick ?? ''}x${x.qtyLot}${x.reduceOnly ? ' ro' : ''}`
        : x.type === 'cancel' || x.type === 'amend'
          ? `${x.type} ${x.clientOid}`
          : x.type,
    );
  }
  book(f: Partial<Signal> = {}, dt = 10): string[] {
    this.ms += dt;
    const localTs = T0 + BigInt(this.ms) * MS;
    return this.take(this.h.handle(signalAt(localTs, f)));
  }
  tick(dt: number): string[] {
    this.ms += dt;
    return this.take(this.h.handle({ type: 'tick', nowNs: T0 + BigInt(this.ms) * MS }));
  }
  send(e: Parameters<ObiOfiHarness['handle']>[0]): string[] {
    return this.take(this.h.handle(e));
  }
  logs(): string[] {
    return this.rt.logs.map((l) => `${l.level} ${l.message}`);
  }
}

/** A strategy driven from the test: `act` runs in onBook with the context. */
export function scripted(act: (ctx: StrategyContext, m: Market) => void, more: Partial<ReturnType<StrategyDefinition['create']>> = {}) {
  return defineStrategy({
    name: 'scripted',
    params: {},
    create: (ctx) => ({ onBook: (m) => act(ctx as unknown as StrategyContext, m), ...more }),
  }) as unknown as StrategyDefinition;
}
