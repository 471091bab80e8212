// A strategy's named timers (ctx.setTimer / ctx.clearTimer): when each is due on the strategy clock, and the order they
// were set in (ties fire in that order). A strategy that keeps one wake-up timer moves it on most messages, so setting
// and clearing reuse one entry per name: no map entry is added or removed and no number is boxed per call. Cleared
// names are forgotten once there are many of them (a strategy naming timers per order would otherwise grow the table).

interface Entry {
  id: string;
  /** Due time (ns since the runtime's origin); NaN while cleared. */
  due: number;
  /** Order of setting: ties fire in it. */
  seq: number;
}

const byDueThenSeq = (a: Entry, b: Entry) => a.due - b.due || a.seq - b.seq;

/** Cleared entries kept for reuse before they are dropped. */
const KEEP_CLEARED = 64;

export class Timers {
  private readonly byId = new Map<string, Entry>();
  private seq = 0;
  private active = 0;
  private cleared = 0;
  /** The earliest due time while `minDirty` is false (not kept while no timer is set): soonest() makes it so. */
  private min = Infinity;
  private minDirty = false;
  /** dueBy's answer and the entries it is made of, reused (a strategy's wake-up timer fires on most ticks it is set for). */
  private readonly due: Entry[] = [];
  private readonly spare: Entry[] = [];

  /** Timers set and not yet fired or cleared. */
  get size(): number {
    return this.active;
  }

  /** Sets (or moves) timer `id` to `due`. */
  set(id: string, due: number): void {
    let e = this.byId.get(id);
    if (e === undefined) {
      e = { id, due, seq: this.seq++ };
      this.byId.set(id, e);
      this.active++;
    } else {
      if (e.due !== e.due) {
        this.active++;
        this.cleared--;
      } else if (e.due === this.min) this.minDirty = true;
      e.due = due;
      e.seq = this.seq++;
    }
    if (due < this.min) this.min = due;
  }

  /** Clears timer `id`; false when it was not set. */
  clear(id: string): boolean {
    const e = this.byId.get(id);
    if (e === undefined || e.due !== e.due) return false;
    if (e.due === this.min) this.minDirty = true;
    e.due = NaN;
    this.active--;
    if (++this.cleared > KEEP_CLEARED) this.dropCleared();
    return true;
  }

  /** The earliest due time, Infinity when none is set. */
  earliest(): number {
    this.soonest();
    return this.due0;
  }

  /**
   * The earliest due time into `due0` (Infinity when none is set): read as a field, as the runtime does on every tick,
   * it is not a number returned by a call V8 may not inline (a new heap number each time).
   */
  soonest(): void {
    if (this.active === 0) {
      this.due0 = Infinity;
      return;
    }
    if (this.minDirty) {
      let m = Infinity;
      for (const e of this.byId.values()) if (e.due < m) m = e.due;
      this.min = m;
      this.minDirty = false;
    }
    this.due0 = this.min;
  }

  /** soonest()'s answer. */
  due0 = Infinity;

  /**
   * The timers due at or before `now`, earliest first, ties in the order set (each with its due time and sequence).
   * The list and its entries are this object's, reused by the next call: read them before calling again.
   */
  dueBy(now: number): readonly Readonly<Entry>[] {
    const out = this.due;
    out.length = 0;
    for (const e of this.byId.values()) {
      if (!(e.due <= now)) continue;
      let d = this.spare[out.length];
      if (d === undefined) this.spare.push((d = { id: '', due: 0, seq: 0 }));
      d.id = e.id;
      d.due = e.due;
      d.seq = e.seq;
      out.push(d);
    }
    if (out.length > 1) out.sort(byDueThenSeq);
    return out;
  }

  /** True while timer `id` is still set to `due` by the setting `seq` (not moved or cleared since). */
  still(id: string, due: number, seq: number): boolean {
    const e = this.byId.get(id);
    return e !== undefined && e.due === due && e.seq === seq;
  }

  private dropCleared(): void {
    for (const [id, e] of this.byId) if (e.due !== e.due) this.byId.delete(id);
    this.cleared = 0;
  }
}
