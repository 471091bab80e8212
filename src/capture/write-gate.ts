// Disk trouble turned into alarms a person can act on: one when a writer starts failing, one when it has really
// written again — not one per attempt (a full disk gave ~27 identical lines a second), and not "works again" from a
// writer that merely had nothing to write while the disk stayed full. One gate per writer.

/** What to do about a write error, in a trader's words. */
export function writeHint(code: string | undefined): string {
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk is full: free space or point --out elsewhere';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return 'the output directory is not writable: fix its permissions or choose another --out';
  return 'check the output directory';
}

/**
 * An OS error as one text: Node's messages already begin with the code ("ENOSPC: no space left on device, write"),
 * so the code is added only to one that does not.
 */
export function errnoText(e: { code?: string; message: string }): string {
  const code = e.code ?? 'error';
  return e.message.startsWith(`${code}:`) ? e.message : `${code}: ${e.message}`;
}

export class WriteGate {
  /** In a failing episode: the alarm was given, the next real write gives the all-clear. */
  failing = false;
  /** Failed attempts, all episodes. */
  errors = 0;
  /** Local time (ns) before which no new attempt is made after a failure: retries at most once per interval. */
  private retryAt = -1n;

  constructor(
    /** Names the writer in alarms, e.g. "recorder (BTCUSDT)". */
    readonly what: string,
    /** What a failed write means for the data, appended to the first alarm. */
    readonly consequence: string,
    private readonly alarm: (message: string) => void,
    /** Wait this long (ns) after a failure before trying again. */
    private readonly retryNs = 0n,
  ) {}

  /** False while a failed writer waits out its retry interval. */
  due(nowNs: bigint): boolean {
    return !this.failing || nowNs >= this.retryAt;
  }

  /**
   * Runs one write attempt at local time `nowNs`. `attempt` returns true when it wrote something; only that ends a
   * failing episode. A throw starts one (alarm once) or continues it (silently, counted).
   */
  run(nowNs: bigint, attempt: () => boolean): void {
    try {
      const wrote = attempt();
      if (wrote && this.failing) {
        this.failing = false;
        this.alarm(`${this.what}: writing works again`);
      }
    } catch (err) {
      this.errors++;
      this.retryAt = nowNs + this.retryNs;
      if (this.failing) return;
      this.failing = true;
      const e = err as NodeJS.ErrnoException;
      this.alarm(`${this.what}: cannot write (${errnoText(e)}); ${writeHint(e.code)}. ${this.consequence}`);
    }
  }
}
