// An ordered outgoing queue for one socket: frames leave in the order they were queued, each no earlier than its
// due time (latency + jitter) and never during a stall. WHEN TO USE: every frame a session sends, so transport
// faults apply uniformly and a close is never overtaken by data. With no latency and no stall, frames go out
// synchronously (no timer), which keeps a fault-free exchange's output order exact and cheap.
import type { Rng } from './rng';

export interface OutboxSink {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface OutboxOptions {
  latencyMs: number;
  jitterMs: number;
  rng: Rng;
  /** Monotonic ms (real time: transport delays are real even when the market clock is simulated). */
  now: () => number;
  /** Called for each frame that could not leave at once. */
  onDelayed: () => void;
}

type Entry = { due: number; text: string } | { due: number; close: { code: number; reason: string } };

export class Outbox {
  private readonly queue: Entry[] = [];
  private lastDue = 0;
  private stallUntil = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly sink: OutboxSink,
    private readonly opts: OutboxOptions,
  ) {}

  send(text: string): void {
    this.enqueue({ due: this.dueTime(), text });
  }

  /** Closes the socket after everything queued before it has been sent. */
  close(code: number, reason: string): void {
    this.enqueue({ due: this.dueTime(), close: { code, reason } });
  }

  /** Holds everything (queued and future frames) for `ms`, then releases it in order. */
  stall(ms: number): void {
    this.stallUntil = Math.max(this.stallUntil, this.opts.now() + ms);
    this.schedule();
  }

  get pending(): number {
    return this.queue.length;
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private dueTime(): number {
    const { latencyMs, jitterMs, rng } = this.opts;
    if (latencyMs === 0 && jitterMs === 0) return 0;
    const due = Math.max(this.opts.now() + latencyMs + (jitterMs > 0 ? rng.next() * jitterMs : 0), this.lastDue);
    this.lastDue = due;
    return due;
  }

  private enqueue(e: Entry): void {
    if (this.disposed) return;
    const now = this.opts.now();
    if (this.queue.length === 0 && e.due <= now && now >= this.stallUntil) {
      this.emit(e);
      return;
    }
    if ('text' in e) this.opts.onDelayed();
    this.queue.push(e);
    this.schedule();
  }

  private emit(e: Entry): void {
    if ('text' in e) this.sink.send(e.text);
    else this.sink.close(e.close.code, e.close.reason);
  }

  private schedule(): void {
    if (this.disposed || this.timer || this.queue.length === 0) return;
    const at = Math.max(this.queue[0].due, this.stallUntil);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.flush();
      },
      Math.max(0, at - this.opts.now()),
    );
  }

  private flush(): void {
    const now = this.opts.now();
    while (!this.disposed && this.queue.length > 0 && this.queue[0].due <= now && now >= this.stallUntil) {
      this.emit(this.queue.shift()!);
    }
    this.schedule();
  }
}
