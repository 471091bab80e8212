// Where the feed, the engine and the strategy run: the thread layout a trading session picks from the cores this
// process may use (`--threads auto`), or the one asked for (`--threads single|multi`).
//
// multi: a feed worker, an engine worker and the main thread (the strategy and the gateway), plus the recorder worker
// when recording. A hand-off between them is cheap only while the consumer can keep spinning on a core of its own;
// when the threads share cores, each hand-off is a futex wake-up and a wait for a core (30–120 µs here, milliseconds
// in the tail), paid twice per message.
// single: the socket, decoding, book, signals, strategy, risk and the order's request all on the main thread, one call
// per frame; only the recorder keeps a thread. Nothing is handed off, at the price of doing each message's whole path
// on one core (a few µs of work once warm, so one core carries thousands of messages a second).
import { availableParallelism, cpus } from 'node:os';
import { readFileSync } from 'node:fs';

export type Layout = 'single' | 'multi';
export type ThreadsOption = 'auto' | Layout;
export const THREADS_CHOICES = ['auto', 'single', 'multi'] as const;

/** Threads of the multi layout that want a core each while messages flow: feed, engine, strategy (+ recorder). */
export function hotThreads(recording: boolean): number {
  return recording ? 4 : 3;
}

/** The cores this process may use: its CPU affinity (taskset, cpuset), capped by a cgroup CPU quota. */
export function usableCores(readFile: (path: string) => string | null = readOrNull): {
  cores: number;
  affinity: number;
  quota: number | null;
} {
  const affinity = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length || 1;
  const quota = cgroupQuota(readFile);
  return { cores: quota === null ? affinity : Math.min(affinity, quota), affinity, quota };
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The cgroup CPU quota in cores (v2 cpu.max, else v1 cfs_quota/period), or null when unlimited or unknown. */
export function cgroupQuota(readFile: (path: string) => string | null): number | null {
  const v2 = readFile('/sys/fs/cgroup/cpu.max');
  if (v2 !== null) {
    const [q, per] = v2.trim().split(/\s+/);
    return q === 'max' || !Number(per) ? null : Number(q) / Number(per);
  }
  const q = readFile('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const per = readFile('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  if (q !== null && per !== null && Number(q) > 0 && Number(per) > 0) return Number(q) / Number(per);
  return null;
}

export interface Placement {
  layout: Layout;
  /** Why, in a sentence a trader can check against the host. */
  reason: string;
}

const coresText = (n: number) => `${+n.toFixed(2)} ${n === 1 ? 'core' : 'cores'}`;

const depthReason = (depth: number) =>
  `the strategy reads ${depth} book ${depth === 1 ? 'level' : 'levels'} a side, which only the single-thread layout hands over exactly as each message left the book`;

/** Why --threads cannot be what was asked for a strategy reading `depth` levels a side, or null: a command-line mistake. */
export function threadsRefusal(option: ThreadsOption, depth: number): string | null {
  return option === 'multi' && depth > 0 ? `--threads multi: ${depthReason(depth)}; use --threads single or auto` : null;
}

/**
 * The rule: multi only when every hot thread gets a core of its own (3, or 4 when recording), single otherwise; an
 * explicit --threads wins. A strategy that reads book levels beyond the best (`depth`, levels a side) runs single:
 * its levels are read from the book as the message left it, which only holds while nothing else applies the next one.
 */
export function choosePlacement(option: ThreadsOption, cores: number, recording: boolean, depth = 0): Placement {
  const need = hotThreads(recording);
  if (option === 'single') return { layout: 'single', reason: '--threads single' };
  if (depth > 0) {
    const refused = threadsRefusal(option, depth);
    if (refused) throw new Error(refused);
    return { layout: 'single', reason: depthReason(depth) };
  }
  if (option === 'multi')
    return {
      layout: 'multi',
      reason: `--threads multi${cores < need ? ` (${coresText(cores)} for ${need} busy threads: every hand-off waits for a core)` : ''}`,
    };
  if (cores >= need)
    return {
      layout: 'multi',
      reason: `${coresText(cores)}: feed, engine and strategy${recording ? ' and recorder' : ''} each on a core of their own, consumers spinning`,
    };
  return {
    layout: 'single',
    reason: `${coresText(cores)}, fewer than the ${need} threads the multi layout keeps busy${recording ? ' when recording' : ''}: socket, book, signals, strategy and order on one thread, no hand-offs`,
  };
}
