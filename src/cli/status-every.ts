// `--status-every D`, one grammar and default for the commands that print a status line (record, live, demo): a
// person at a terminal sees it every second; a log (systemd's journal, a file, JSON lines) gets one a minute, not
// 86,400 lines a day, and the metrics carry the live figures in between.
import { jsonLogs } from '../log/logger';
import { UsageError } from './usage-error';

/** On a terminal: each second. */
export const STATUS_EVERY_TERMINAL_MS = 1000;
/** To anything else (a pipe, a file, the journal) and with --log-format json: each minute. */
export const STATUS_EVERY_LOG_MS = 60_000;
/** The status line is looked at once a second: a shorter interval would not be kept. */
const MIN_MS = 1000;

export const STATUS_EVERY = {
  type: 'duration',
  arg: 'D',
  defaultText: '1s on a terminal, else 1m',
  description:
    "how often the status line is printed: by default each second on a terminal, each minute to a pipe, a file, the journal or as JSON (live and demo also at once when the strategy's phase changes)",
} as const;

/** Whether the status line goes to a person at a terminal (redrawn or logged each second), not to a log. */
export const statusToTerminal = (): boolean => !!process.stderr.isTTY && !jsonLogs();

/** The status interval, ms: --status-every as given (at least 1 s), else the default for where the line goes. */
export function statusEveryMs(given: number | undefined, terminal = statusToTerminal()): number {
  if (given === undefined) return terminal ? STATUS_EVERY_TERMINAL_MS : STATUS_EVERY_LOG_MS;
  if (given < MIN_MS)
    throw new UsageError(`--status-every ${given}ms: at least 1s (the status line is looked at once a second); e.g. --status-every 10s`);
  return given;
}
