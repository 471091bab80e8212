// `--hung-after D`, one grammar and default for every command that runs strategy code: how long a handler may go
// without returning before the command gives up on it (live and demo end the session, backtest ends the replay,
// optimize the trial).

/** The flag, with what the command does about a hung handler. */
export function hungAfterFlag<const W extends string>(what: W) {
  return {
    type: 'duration',
    arg: 'D',
    default: '10s',
    description: `a strategy handler that has not returned after D is hung: ${what}`,
  } as const;
}
