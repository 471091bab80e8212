// A trading session must reach its clean-up (cancel all, flatten, journals, summary) whatever becomes of its output:
// the reader of a pipe gone (`live … | head`), a terminal closed. While the output is held, an error on standard output
// or standard error is swallowed (the stream is written no more) instead of ending the process, as a read-only
// command's "the reader went away: exit" handler does (src/cli/main.ts); that handler is back once released.

type Listener = (...args: unknown[]) => void;

/** Holds stdout and stderr for a session; returns the release. */
export function holdOutput(): () => void {
  const streams = [process.stdout, process.stderr];
  const saved = streams.map((s) => s.listeners('error') as Listener[]);
  const swallow = () => {};
  for (const s of streams) {
    s.removeAllListeners('error');
    s.on('error', swallow);
  }
  return () => {
    streams.forEach((s, i) => {
      s.off('error', swallow);
      for (const l of saved[i]) s.on('error', l);
    });
  };
}

/** `command` with its output held: it runs to its clean-up whatever becomes of its output. */
export function withOutputHeld(command: (argv: string[]) => Promise<number>): (argv: string[]) => Promise<number> {
  return async (argv) => {
    const release = holdOutput();
    try {
      return await command(argv);
    } finally {
      release();
    }
  };
}
