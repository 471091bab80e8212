// ringbook's command line: parses the command, dispatches, owns exit codes. No logic lives here.
import { runBench } from '../../bench/index';

const USAGE = `ringbook <command> [options]

commands:
  bench [ring|book] [--json] [--quick]   benchmarks against peers measured in the same run
  help                                  this text

Run \`ringbook <command> --help\` for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'bench':
      return runBench(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`ringbook: unknown command "${cmd}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`ringbook: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
