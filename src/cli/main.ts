// ringbook's command line: parses the command, dispatches, owns exit codes. No logic lives here.
import { runBench } from '../../bench/index';
import { runExchange } from './exchange';
import { runWatch } from './watch';
import { runDoctor } from './doctor';
import { runRecord } from './record';
import { runInspect } from './inspect';
import { runLive, runDemo } from './live';
import { runBacktestCli } from './backtest';
import { runServe } from './serve';
import { runOptimize } from './optimize';
import { runImport } from './import';

const USAGE = `ringbook <command> [options]

commands:
  demo        the main job: local exchange + live pipeline + recorder + strategy, then a summary
  live        the strategy trading the local exchange (default) or Bitget's demo environment (--demo)
  watch       live market data through the core: best bid/ask, OBI, OFI, latency, health (--json for lines)
  record      records the live pipeline to Parquet (hive layout, crash-safe journals, clock offset)
  inspect     what a recording holds: rows, gaps, feed latency raw and clock-corrected
  import      Tardis.dev history into recordings: Bitget frames (tardis) or CSV datasets of any venue (tardis-csv)
  backtest    replays a recording through the core, the strategy and a simulated venue; report and --parity
  optimize    parameter search over backtests on worker threads: walk-forward, PSR/DSR/PBO, shards and merge
  serve       the browser replay page and the recordings on 127.0.0.1 (--data, --port)
  exchange    the local Bitget-compatible exchange on 127.0.0.1 (market data, fault injection)
  doctor      checks this host's clock, network buffers and CPU, with advice
  bench       benchmarks against peers measured in the same run: ring, book, feed
  help        this text

With no --ws-url/--rest-url, network commands use the local exchange (started if none is running).
Run \`ringbook <command> --help\` for a command's options.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  demo: runDemo,
  live: runLive,
  watch: runWatch,
  record: runRecord,
  inspect: runInspect,
  exchange: (args) => runExchange(args),
  doctor: runDoctor,
  bench: runBench,
  backtest: runBacktestCli,
  serve: (args) => runServe(args),
  optimize: runOptimize,
  import: runImport,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(USAGE);
    return 0;
  }
  const run = COMMANDS[cmd];
  if (!run) {
    console.error(`ringbook: unknown command "${cmd}"\n\n${USAGE}`);
    return 2;
  }
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`ringbook: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
