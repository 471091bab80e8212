// How a session is asked to stop: its --duration running out, or a signal (Ctrl-C, SIGTERM, SIGHUP) from whoever runs
// it, listened for from the session's start; and what a second signal, which ends the process at once while the
// session stops, leaves behind on the venue and in the recording.
import { dirText } from './args';
import { selfCommand } from './self';
import { onStopSignals, signalExit, signalText, type StopSignal } from './stop-signals';

/**
 * Listens for the stopping signals (./stop-signals) from its making (a signal while the session starts is kept, not
 * the default death); `after(ms)` resolves with the first of them, or 'duration' once `ms` ran out (never without
 * `ms`). A second signal of any kind while the session stops ends the process at once, saying what it leaves: see
 * endedAtOnce.
 */
export function stopRequest(
  say: (line: string) => void,
  leaves: { venueInProcess: boolean; flatten: boolean; recordDir?: string },
): {
  after(durationMs: number | undefined): Promise<StopSignal | 'duration'>;
  release(): void;
} {
  let cause: StopSignal | 'duration' | null = null;
  let done: ((by: StopSignal | 'duration') => void) | null = null;
  const finish = (by: StopSignal | 'duration') => {
    if (cause !== null) return;
    cause = by;
    done?.(by);
  };
  const listener = onStopSignals({
    stop: (sig) => finish(sig),
    now: (sig) => say(endedAtOnce(sig, leaves)),
  });
  return {
    after: (durationMs) =>
      new Promise((resolve) => {
        if (cause !== null) return resolve(cause);
        done = resolve;
        if (durationMs) setTimeout(() => finish('duration'), durationMs);
      }),
    release: () => listener.release(),
  };
}

/**
 * The line of a session a second signal ended while it stopped: what it may leave and what to do about it. A venue
 * in another process may still hold its orders and position (the stop's cancel-all and flatten unconfirmed), which the
 * next session with the keys names and clears before trading; an exchange this process ran (demo, or live's own local
 * one) ended with it, so nothing is left anywhere. A recording keeps its journals, recovered by the next start there.
 */
export function endedAtOnce(sig: StopSignal, o: { venueInProcess: boolean; flatten: boolean; recordDir?: string }): string {
  const venue = o.venueInProcess
    ? 'its local exchange ran in this process and ended with it, so no order or position of the session is left anywhere'
    : `orders or a position of the session may be left on the venue, the stop's cancel-all${o.flatten ? ' and flatten' : ''} unconfirmed: check it; ` +
      'the next session with these keys names what it finds there and clears it before it trades (a position only with risk.flattenOnBreach, else it refuses to start)';
  const recording = o.recordDir
    ? `; the recording under ${dirText(o.recordDir)} keeps what was flushed, in journals the next start there turns into Parquet files (${selfCommand()} record --out ${dirText(o.recordDir)} --duration 1s)`
    : '';
  return `${signalText(sig)} while stopping: ended at once (exit ${signalExit(sig)}); ${venue}${recording}`;
}
