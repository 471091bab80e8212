// The symbols a recording holds, written as a trader types them back (`--symbols BTCUSDT,ETHUSDT`, the replay page's
// symbols field): one wording for the CLI and the page when a symbol asked for is not there.

/** Each symbol once, by name, comma-separated. */
export function symbolList(symbols: Iterable<string>): string {
  return [...new Set(symbols)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(', ');
}

/** "no recording of X (found A, B)": the missing symbols and those the recording holds (a symbolList). `why` follows the missing ones. */
export function noRecordingOf(missing: readonly string[], found: string, why = ''): string {
  return `no recording of ${missing.join(', ')}${why} (found ${found})`;
}
