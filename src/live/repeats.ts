// A warning said over and over (every retry while the venue is down) is said once; the repeats are counted and said
// as one line when their spell is over: "… 12 more in the last 30 s: <the latest of them>". Lines that differ only in
// their numbers ("reconnecting in 489 ms", "… in 1247 ms") are one line here. A different line passes at once.

export class RepeatedLines {
  private readonly spells = new Map<string, { firstMs: number; count: number; last: string }>();

  constructor(
    private readonly out: (line: string) => void,
    /** How long a spell of one line lasts before its repeats are counted out. */
    private readonly windowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Says `line`, unless it was said less than windowMs ago: then it is counted. */
  line(line: string): void {
    const t = this.now();
    const key = line.replace(/\d+(\.\d+)?/g, '#');
    const s = this.spells.get(key);
    if (s !== undefined) {
      if (t - s.firstMs < this.windowMs) {
        s.count++;
        s.last = line;
        return;
      }
      this.report(s, t);
    }
    this.spells.set(key, { firstMs: t, count: 0, last: line });
    this.out(line);
  }

  /** Counts out the spells that are over (call it now and then), or every one (`all`, at the end). */
  flush(all = false): void {
    const t = this.now();
    for (const [key, s] of this.spells) {
      if (!all && t - s.firstMs < this.windowMs) continue;
      this.report(s, t);
      this.spells.delete(key);
    }
  }

  private report(s: { firstMs: number; count: number; last: string }, t: number): void {
    if (s.count === 0) return;
    const line = s.last;
    const secs = Math.max(1, Math.round((Math.min(t, s.firstMs + this.windowMs) - s.firstMs) / 1000));
    // the level of the line is its first word ([warn], gateway warn:): the count keeps it, so a filter on it still sees it
    const level = /^(\[\w+\] |gateway \w+: )/.exec(line)?.[1] ?? '';
    this.out(`${level}… ${s.count} more in the last ${secs} s: ${line.slice(level.length)}`);
  }
}
