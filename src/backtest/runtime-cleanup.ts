// What the runtime itself sent in a run, apart from the strategy: its flatten's fills (the venue names that order
// rbflat-N) and the cancel-all it sends when it halts. The activity ratios count the strategy's own orders and their
// fills; the report shows these apart ("fills 2 (1 by the flatten)"). WHEN TO USE: hook a Backtest's onRuntime,
// onAction and onEvent to it, then `apply` it to the trace's counts before computeMetrics.
import type { Action, Event } from '../strategy/events';
import type { OrderCounts } from './trace';
import { isFlattenOid } from '../strategy/ids';

export class RuntimeCleanup {
  flattenFills = 0;
  flattenLot = 0;
  haltCancels = 0;
  private rt: { readonly status: string } | null = null;

  runtime(rt: { readonly status: string }): void {
    this.rt = rt;
  }

  /** A cancel-all sent while halted is the halt's (a halted strategy sends nothing). */
  action(a: Action): void {
    if (a.type === 'cancelAll' && this.rt?.status === 'halted') this.haltCancels++;
  }

  event(e: Event): void {
    if (e.type === 'fill' && isFlattenOid(e.clientOid)) {
      this.flattenFills++;
      this.flattenLot += e.qtyLot;
    }
  }

  apply(counts: OrderCounts): void {
    counts.flattenFills = this.flattenFills;
    counts.flattenLot = this.flattenLot;
    counts.haltCancels = this.haltCancels;
  }
}
