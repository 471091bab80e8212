// `ringbook new strategy NAME`: writes a commented starter strategy (NAME.ts), a test of it the user runs from their
// own directory (NAME.test.mjs, Node's built-in test runner driving the installed ringbook) and a search space over
// its parameters (NAME.space.json). Never overwrites: an existing file stops it before anything is written.
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkWritableDir } from '../capture/files';
import { parseCommand, UsageError, type CommandSpec } from './args';
import { STARTER_SPACE, STARTER_STRATEGY, STARTER_TEST } from './new-templates';

export const NEW = {
  name: 'new',
  usage: 'strategy NAME [--out DIR]',
  summary:
    'Writes a starter strategy you edit: NAME.ts (commented, on the strategy API), NAME.test.mjs (a determinism test, node --test) and NAME.space.json (for ringbook optimize).',
  positionals: { name: 'what to make (strategy) and its name: lower-case words and dashes', min: 2, max: 2 },
  flags: {
    out: { type: 'string', arg: 'DIR', default: '.', description: 'the directory the files go to (made if missing)' },
  },
  examples: [
    ['new strategy my-strategy', 'my-strategy.ts, my-strategy.test.mjs and my-strategy.space.json here'],
    ['new strategy mean-revert --out strategies', 'the same under strategies/'],
  ],
  notes:
    'Then: ringbook backtest data/ --strategy NAME.ts; RINGBOOK_DATA=data/ node --test NAME.test.mjs; ringbook optimize data/ --strategy NAME.ts --space NAME.space.json.',
} as const satisfies CommandSpec;

/** The names the strategy loader accepts (src/strategy/sandbox.ts): a file name and a strategy name at once. */
const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export async function runNew(argv: string[]): Promise<number> {
  const args = parseCommand(NEW, argv);
  if (!args) return 0;
  const [what, name] = args.positionals;
  if (what !== 'strategy')
    throw new UsageError(
      `new ${JSON.stringify(what)}: ringbook new makes a strategy: ringbook new strategy NAME (see ringbook new --help)`,
    );
  if (!NAME.test(name))
    throw new UsageError(`new strategy ${JSON.stringify(name)}: a strategy's name is lower-case words and dashes, e.g. my-strategy`);
  const dir = args.values.out;
  const files: Array<[string, string]> = [
    [`${name}.ts`, STARTER_STRATEGY],
    [`${name}.test.mjs`, STARTER_TEST],
    [`${name}.space.json`, STARTER_SPACE],
  ];
  const exists = files.map(([f]) => join(dir, f)).filter((p) => existsSync(p));
  if (exists.length)
    throw new Error(
      `${exists.join(', ')} already exist${exists.length === 1 ? 's' : ''}: ringbook new does not overwrite; choose another NAME or --out DIR`,
    );
  checkWritableDir('--out', dir);
  for (const [f, text] of files) writeFileSync(join(dir, f), text.replaceAll('__NAME__', name), { flag: 'wx' });
  const at = (f: string) => relative(process.cwd(), join(dir, f)) || f;
  const ts = at(`${name}.ts`);
  console.log(
    [
      `wrote ${ts}, ${at(`${name}.test.mjs`)} and ${at(`${name}.space.json`)}`,
      'next:',
      `  ringbook backtest data/ --strategy ${ts}`,
      `  RINGBOOK_DATA=data/ node --test ${at(`${name}.test.mjs`)}`,
      `  ringbook optimize data/ --strategy ${ts} --space ${at(`${name}.space.json`)}`,
      '(no recording yet? ringbook demo --duration 2m --out data records one from the local exchange)',
    ].join('\n'),
  );
  return 0;
}
