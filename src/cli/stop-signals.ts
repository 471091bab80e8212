// The signals that stop a command, handled alike by every long-running one: Ctrl-C (SIGINT), SIGTERM (a scheduler,
// systemd, `docker stop`, `timeout`) and SIGHUP (the terminal or the ssh session gone) each stop it in order, keeping
// what it finished. A command cut short by one exits 128 + its number: 130, 143, 129. A second one while it finishes
// ends the process at once, with that signal's code: a dir lock goes with the exit hook (./dir-lock), and the files
// a command writes are written aside and renamed, so none is left half-written under its name.
import { holdOutput } from '../log/output';

export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;
export const STOP_SIGNAL_NAMES = Object.keys(STOP_SIGNALS) as StopSignal[];

/** A signal as messages name it: Ctrl-C, SIGTERM, SIGHUP. */
export const signalText = (sig: StopSignal): string => (sig === 'SIGINT' ? 'Ctrl-C' : sig);

/** The exit code of a command that `sig` cut short. */
export const signalExit = (sig: StopSignal): number => STOP_SIGNALS[sig];

export interface StopListener {
  /** The first stop signal received, or null. */
  readonly by: StopSignal | null;
  /** Stops listening; idempotent. */
  release(): void;
}

/**
 * Until released, the first stop signal calls `stop(sig)` (the command finishes in order, then returns its exit code)
 * and holds standard output and error from then on (a closed terminal must not turn the finishing into a write
 * error); a second one calls `now(sig)`, which writes what it can at once and says what is lost, and ends the
 * process with that signal's code.
 */
export function onStopSignals(o: { stop(sig: StopSignal): void; now(sig: StopSignal): void }): StopListener {
  let by: StopSignal | null = null;
  let releaseOutput: (() => void) | null = null;
  const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((sig) => {
    const handler = () => {
      if (by === null) {
        by = sig;
        releaseOutput = holdOutput();
        o.stop(sig);
        return;
      }
      try {
        o.now(sig);
      } finally {
        process.exit(signalExit(sig));
      }
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  let released = false;
  return {
    get by() {
      return by;
    },
    release() {
      if (released) return;
      released = true;
      for (const [sig, handler] of handlers) process.off(sig, handler);
      releaseOutput?.();
    },
  };
}

export interface StopWait extends StopListener {
  /** Resolves at the first stop signal, the abort, the duration's end or end(), whichever comes first. */
  readonly stopped: Promise<void>;
  /** Ends the wait (a command's own reason to stop). */
  end(): void;
}

/**
 * The wait of a command that runs until stopped (serve, exchange, watch, record): onStopSignals' listener, whose first
 * signal ends the wait (`now` as there for a second), plus `abort` (an in-process caller's stop) and `durationMs`.
 * Released by the command once it has finished, before any --metrics-linger wait of its own.
 */
export function untilStopped(o: { now(sig: StopSignal): void; abort?: AbortSignal; durationMs?: number }): StopWait {
  let end = () => {};
  const stopped = new Promise<void>((done) => (end = done));
  const listener = onStopSignals({ stop: () => end(), now: o.now });
  const timer = o.durationMs ? setTimeout(end, o.durationMs) : undefined;
  if (o.abort?.aborted) end();
  else o.abort?.addEventListener('abort', end);
  return {
    stopped,
    end,
    get by() {
      return listener.by;
    },
    release() {
      clearTimeout(timer);
      o.abort?.removeEventListener('abort', end);
      listener.release();
    },
  };
}
