// The last N distinct keys seen, for duplicate checks whose memory must not grow with the length of a run (a
// backtest over months places hundreds of thousands of orders). Adding is O(1): past capacity the oldest key leaves.

export class RecentKeys {
  private readonly set = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  has(key: string): boolean {
    return this.set.has(key);
  }

  get size(): number {
    return this.set.size;
  }

  /** Remembers `key` (a key already remembered keeps its place), forgetting the oldest one past capacity. */
  add(key: string): void {
    if (this.set.has(key)) return;
    if (this.ring.length < this.capacity) this.ring.push(key);
    else {
      this.set.delete(this.ring[this.next]);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.capacity;
    }
    this.set.add(key);
  }
}
