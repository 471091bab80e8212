// The backtest loop's agenda: orders on their way to the venue (ARRIVE) and the venue's answers on their way back
// (ANSWER), a min-heap on the loop's clock popped in (time, kind, insertion) order, so equal times always resolve the
// same way. TICK and SIGNAL complete the tie order: the loop (run.ts) keeps its one pending timer tick and the market
// events (a FIFO in local-time order) beside the heap.
//
// A market maker sends an action and gets an answer for most book messages it re-prices on, so the heap holds no
// objects of its own: entries are columns (time, kind and insertion as one key, a payload slot), the payload slots are
// reused, and the entry popped last is read from the agenda's fields (no item object per action or answer).
import { grown } from './columns';
import type { Action, Event } from '../strategy/events';

// Heap entry kinds, in tie order.
export const ARRIVE = 0;
export const TICK = 1;
export const ANSWER = 2;
export const SIGNAL = 3;

/** kind·2^44 + insertion number: one double orders equal times by kind, then insertion (exact below 2^53). */
const KIND = 2 ** 44;

/** A binary min-heap on (t, kind, seq): deterministic order for equal times. */
export class Agenda {
  private cap = 64;
  /** The heap: each entry's time, its (kind, seq) key and its payload slot. */
  private hT = new Float64Array(64);
  private hK = new Float64Array(64);
  private hS = new Int32Array(64);
  private n = 0;
  private seq = 0;
  /** Payloads by slot (a free list of slots no entry uses). */
  private pAction: Array<Action | undefined> = new Array<Action | undefined>(64).fill(undefined);
  private pEvent: Array<Event | undefined> = new Array<Event | undefined>(64).fill(undefined);
  private pExch = new Float64Array(64);
  private pInst = new Int32Array(64);
  private free = Int32Array.from({ length: 64 }, (_, i) => 63 - i);
  private nFree = 64;

  /** The entry popped last: its time, kind, instrument, action (ARRIVE) or event (ANSWER), and an answer's exchange time (NaN: not given). */
  t = 0;
  kind = 0;
  inst = 0;
  action: Action | undefined = undefined;
  event: Event | undefined = undefined;
  exchT = NaN;

  get size(): number {
    return this.n;
  }
  /** Time of the next entry (Infinity when empty). */
  get topT(): number {
    return this.n > 0 ? this.hT[0] : Infinity;
  }
  /** Kind of the next entry (-1 when empty). */
  get topKind(): number {
    return this.n > 0 ? Math.floor(this.hK[0] / KIND) : -1;
  }

  /** An action (ARRIVE) or an answer (ANSWER: `event`, left the venue at `exchT`, NaN when not known) for instrument `inst` at `t`. */
  push(t: number, kind: number, inst: number, action: Action | undefined, event: Event | undefined, exchT: number): void {
    if (this.nFree === 0) this.grow();
    const s = this.free[--this.nFree];
    this.pAction[s] = action;
    this.pEvent[s] = event;
    this.pExch[s] = exchT;
    this.pInst[s] = inst;
    const k = kind * KIND + this.seq++;
    const hT = this.hT;
    const hK = this.hK;
    const hS = this.hS;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hT[p];
      if (!(t < pt || (t === pt && k < hK[p]))) break;
      hT[i] = pt;
      hK[i] = hK[p];
      hS[i] = hS[p];
      i = p;
    }
    hT[i] = t;
    hK[i] = k;
    hS[i] = s;
  }

  /** Takes the next entry off the heap into t, kind, inst, action, event and exchT (callers check size first). */
  pop(): void {
    const hT = this.hT;
    const hK = this.hK;
    const hS = this.hS;
    const s = hS[0];
    this.t = hT[0];
    this.kind = Math.floor(hK[0] / KIND);
    this.inst = this.pInst[s];
    this.exchT = this.pExch[s];
    this.action = this.pAction[s];
    this.event = this.pEvent[s];
    this.pAction[s] = undefined;
    this.pEvent[s] = undefined;
    this.free[this.nFree++] = s;
    const n = --this.n;
    if (n === 0) return;
    const lt = hT[n];
    const lk = hK[n];
    const ls = hS[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (hT[r] < hT[l] || (hT[r] === hT[l] && hK[r] < hK[l]))) c = r;
      const ct = hT[c];
      if (!(ct < lt || (ct === lt && hK[c] < lk))) break;
      hT[i] = ct;
      hK[i] = hK[c];
      hS[i] = hS[c];
      i = c;
    }
    hT[i] = lt;
    hK[i] = lk;
    hS[i] = ls;
  }

  /** Calls `visit` for each answer still on the agenda (not delivered yet), in no particular order. */
  eachAnswer(visit: (e: Event, inst: number, exchT: number) => void): void {
    for (let i = 0; i < this.n; i++) {
      const s = this.hS[i];
      const e = this.pEvent[s];
      if (e !== undefined) visit(e, this.pInst[s], this.pExch[s]);
    }
  }

  /** Doubles the room: heap columns and payload slots (the new slots go on the free list). */
  private grow(): void {
    const old = this.cap;
    const cap = old * 2;
    this.hT = grown(this.hT, cap);
    this.hK = grown(this.hK, cap);
    this.hS = grown(this.hS, cap);
    this.pExch = grown(this.pExch, cap);
    this.pInst = grown(this.pInst, cap);
    for (let i = old; i < cap; i++) {
      this.pAction.push(undefined);
      this.pEvent.push(undefined);
    }
    this.free = new Int32Array(cap);
    for (let i = 0; i < old; i++) this.free[i] = cap - 1 - i;
    this.nFree = old;
    this.cap = cap;
  }
}
