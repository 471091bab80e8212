// The error of a mistake on the command line: exit code 2. Its own module, free of Node, so parsers the replay page
// shares with the CLI (durations, --latency) can throw it.

/** A mistake on the command line (unknown flag, bad value): exit code 2, and the message says what to type. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
