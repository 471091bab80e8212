// The strategy panel: the parameters of the next run (strategy config as JSON, latency and queue models, fees,
// partial fills) read and written as RunParams, and the input a refused run was refused for marked until it changes.
import type { ParamField, RunParams } from './protocol';

export interface StrategyInputs {
  config: HTMLTextAreaElement;
  latency: HTMLInputElement;
  queue: HTMLInputElement;
  fees: HTMLInputElement;
  partial: HTMLInputElement;
}

export class StrategyPanel {
  constructor(private readonly inputs: StrategyInputs) {
    for (const f of ['config', 'latency', 'queue', 'fees'] as const) inputs[f].addEventListener('input', () => this.markInvalid(null));
  }

  read(): RunParams {
    const i = this.inputs;
    return { config: i.config.value, latency: i.latency.value, queue: i.queue.value, fees: i.fees.value, partialFills: i.partial.checked };
  }

  write(p: RunParams): void {
    const i = this.inputs;
    i.config.value = p.config;
    i.latency.value = p.latency;
    i.queue.value = p.queue;
    i.fees.value = p.fees;
    i.partial.checked = p.partialFills;
  }

  /** Marks the input at fault (null: none). */
  markInvalid(field: ParamField | null): void {
    for (const f of ['config', 'latency', 'queue', 'fees'] as const) {
      const bad = f === field;
      if (this.inputs[f].classList.contains('invalid') !== bad) this.inputs[f].classList.toggle('invalid', bad);
      if (bad) this.inputs[f].setAttribute('aria-invalid', 'true');
      else this.inputs[f].removeAttribute('aria-invalid');
    }
  }
}
