// ringbook's command line: parses the command, dispatches, owns exit codes. No logic lives here.
import { version } from '../../package.json';
import { runBench, BENCHMARKS } from '../../bench/index';
import { runExchange } from './exchange';
import { runWatch } from './watch';
import { runDoctor } from './doctor';
import { runRecord } from './record';
import { withOutputHeld } from '../log/output';
import { runInspect } from './inspect';
import { runLive, runDemo } from './live';
import { runBacktestCli } from './backtest';
import { runServe } from './serve';
import { runOptimize } from './optimize';
import { runImport } from './import';
import { runNew } from './new';
import { UsageError } from './args';
import { closest } from '../format/suggest';
import { logFormatIn, logger, setLogFormat } from '../log/logger';
import { errorText } from '../format/errors';

interface Command {
  run(args: string[]): Promise<number>;
  summary: string;
}

const COMMANDS: Record<string, Command> = {
  demo: { run: runDemo, summary: 'the main job: local exchange + live pipeline + recorder + strategy, then a summary' },
  live: { run: runLive, summary: "the strategy trading the local exchange (default) or Bitget's demo environment (--demo)" },
  watch: { run: runWatch, summary: 'live market data through the core: best bid/ask, OBI, OFI, latency, health (--json for lines)' },
  // a recorder finishes its files whatever becomes of its output (`record … | head`, a log reader restarted)
  record: {
    run: withOutputHeld(runRecord),
    summary: 'records the live pipeline to Parquet (hive layout, crash-safe journals, clock offset)',
  },
  inspect: { run: runInspect, summary: 'what a recording holds: rows, gaps, feed latency raw and clock-corrected' },
  import: {
    run: runImport,
    summary: 'Tardis.dev history into recordings: Bitget frames (tardis) or CSV datasets of any venue (tardis-csv)',
  },
  backtest: {
    run: runBacktestCli,
    summary: 'replays a recording through the core, the strategy and a simulated venue; report and --parity',
  },
  optimize: { run: runOptimize, summary: 'parameter search over backtests on worker threads: walk-forward, PSR/DSR/PBO, shards and merge' },
  new: { run: runNew, summary: 'new strategy NAME: a commented starter strategy file, its test and a search space, to edit' },
  serve: { run: (a) => runServe(a), summary: 'the browser replay page and the recordings on 127.0.0.1 (serve DIR, --port)' },
  exchange: {
    run: (a) => runExchange(a),
    summary: 'the local Bitget-compatible exchange on 127.0.0.1 (market data, trading, fault injection)',
  },
  doctor: { run: runDoctor, summary: "checks this host's clock, network buffers and CPU, with advice" },
  bench: { run: runBench, summary: `benchmarks against peers measured in the same run: ${BENCHMARKS.map((b) => b.name).join(', ')}` },
};

export const EXIT_CODES = `exit codes:
  0    done
  1    failed: bad input (file, config, data), a failed check, an error while running, an optimize that chose nothing
  2    bad command line: unknown command or option, a missing or malformed value, an output directory in use
  3    backtest --parity found a divergence; a backtest, demo or live session ended HALTED (its report says why)
  130  stopped by Ctrl-C before the work was done (143 by SIGTERM, 129 by SIGHUP): optimize and import keep what they
       finished; demo, and live with a --duration, cut short (serve, exchange and watch end with 0: they run until stopped)
  137  backtest, demo, live: a strategy handler that never returned, ended by the watchdog (--hung-after; optimize
       records such a trial as hung and goes on)`;

const USAGE = `ringbook <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}  ${c.summary}`)
  .join('\n')}

Run \`ringbook <command> --help\` for a command's options and examples; \`ringbook --version\` for the version.
With no --ws-url/--rest-url, network commands use the local exchange (started if none is running): no keys, no network.

${EXIT_CODES}`;

const log = logger('ringbook');

async function main(argv: string[]): Promise<number> {
  // before parsing, so that even a mistake on the command line is reported in the format asked for
  const format = logFormatIn(argv);
  if (format) setLogFormat(format);
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    console.log(`ringbook ${version}`);
    return 0;
  }
  const c = COMMANDS[cmd];
  if (!c) {
    const near = closest(cmd.replace(/^-+/, ''), Object.keys(COMMANDS), 1);
    log.error(`ringbook: unknown command "${cmd}"${near.length ? `: did you mean ${near[0]}?` : ''} (see ringbook --help)`);
    return 2;
  }
  return c.run(rest);
}

// `ringbook watch --json | head -2`: the reader went away, which ends the command, quietly (not with a stack trace)
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    log.error(`ringbook: ${errorText(err)}`, { exitCode: err instanceof UsageError ? 2 : 1 });
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
