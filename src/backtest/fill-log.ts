// The fills of a backtest as they happen, in typed columns: a market maker fills every few hundred events, and a row
// object with two bigint stamps each would live through the whole run on the collected heap. The report's rows
// (FillRow, exact ns stamps) are made once, when the run ends.
import { grown } from './columns';
import type { FillRow } from './trace';

export class FillLog {
  private n = 0;
  /** Local and exchange time on the loop's clock (ns after the run's base), price, size, fee. */
  private t = new Float64Array(1024);
  private x = new Float64Array(1024);
  private price = new Float64Array(1024);
  private qty = new Float64Array(1024);
  private fee = new Float64Array(1024);
  /** Bit 0: a buy; bit 1: maker. */
  private flags = new Uint8Array(1024);
  private inst = new Uint8Array(1024);
  /** Fills so far per instrument. */
  private readonly per: number[];

  constructor(instruments: number) {
    this.per = new Array<number>(instruments).fill(0);
  }

  get length(): number {
    return this.n;
  }

  /** A fill of instrument `inst`; returns its number among that instrument's fills (from 0). */
  add(t: number, exchT: number, buy: boolean, priceTick: number, qtyLot: number, feeQuote: number, maker: boolean, inst: number): number {
    if (this.n === this.t.length) this.grow();
    const i = this.n++;
    this.t[i] = t;
    this.x[i] = exchT;
    this.price[i] = priceTick;
    this.qty[i] = qtyLot;
    this.fee[i] = feeQuote;
    this.flags[i] = (buy ? 1 : 0) | (maker ? 2 : 0);
    this.inst[i] = inst;
    return this.per[inst]++;
  }

  /** The rows, stamped `base` + the loop's time: every fill in order, and each instrument's (the same row objects). */
  rows(base: bigint, symbols: readonly string[]): { all: FillRow[]; per: FillRow[][] } {
    const all: FillRow[] = [];
    const per: FillRow[][] = symbols.map(() => []);
    for (let i = 0; i < this.n; i++) {
      const k = this.inst[i];
      const row: FillRow = {
        localTs: base + BigInt(Math.round(this.t[i])),
        exchTs: base + BigInt(Math.round(this.x[i])),
        side: (this.flags[i] & 1) !== 0 ? 'buy' : 'sell',
        priceTick: this.price[i],
        qtyLot: this.qty[i],
        feeQuote: this.fee[i],
        maker: (this.flags[i] & 2) !== 0,
        symbol: symbols[k],
      };
      all.push(row);
      per[k].push(row);
    }
    return { all, per };
  }

  private grow(): void {
    const cap = this.t.length * 2;
    this.t = grown(this.t, cap);
    this.x = grown(this.x, cap);
    this.price = grown(this.price, cap);
    this.qty = grown(this.qty, cap);
    this.fee = grown(this.fee, cap);
    this.flags = grown(this.flags, cap);
    this.inst = grown(this.inst, cap);
  }
}
