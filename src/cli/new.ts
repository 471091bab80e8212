// `ringbook new strategy NAME`: writes a commented starter strategy (NAME.ts), a test of it the user runs from their
// own directory (NAME.test.mjs, Node's built-in test runner driving the installed ringbook) and a search space over
// its parameters (NAME.space.json), and a tsconfig.json that gives the user's editor and tsc the API's types for
// `import … from 'ringbook'` (only where none exists: the user's own is left alone, and the output says how to add
// the mapping). Never overwrites: an existing strategy file stops it before anything is written.
import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWritableDir } from '../capture/files';
import { parseCommand, UsageError, type CommandSpec } from './args';
import { selfArgv, selfCommand } from './self';
import { STARTER_SPACE, STARTER_STRATEGY, STARTER_TEST, starterTsconfig } from './new-templates';

export const NEW = {
  name: 'new',
  usage: 'strategy NAME [--out DIR]',
  summary:
    "Writes a starter strategy you edit: NAME.ts (commented, on the strategy API), NAME.test.mjs (a determinism test, node --test), NAME.space.json (for ringbook optimize) and, where none exists, tsconfig.json (your editor's types for import … from 'ringbook').",
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

/**
 * " (did you mean ringbook new strategy my-strategy?)" for a name that is nearly one: another case, underscores or
 * spaces, a file suffix, or a path (its directory is --out).
 */
function nameHint(typed: string, out: string): string {
  const slash = typed.lastIndexOf('/');
  const near = typed
    .slice(slash + 1)
    .replace(/\.(ts|mts|js|mjs)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!NAME.test(near)) return '';
  const typedDir = typed.slice(0, slash) || '/';
  const dir = slash < 0 ? '' : ` --out ${isAbsolute(typedDir) ? typedDir : join(out, typedDir)}`;
  return ` (did you mean ringbook new strategy ${near}${dir}?)`;
}

/** The strategy API's declarations: build/ringbook.d.ts beside the running CLI bundle (scripts/build.mjs writes it). */
export function defaultApiTypes(from: string | URL = import.meta.url): string {
  return fileURLToPath(new URL('./ringbook.d.ts', from));
}

export async function runNew(argv: string[], apiTypes = defaultApiTypes()): Promise<number> {
  const args = parseCommand(NEW, argv);
  if (!args) return 0;
  const [what, typed] = args.positionals;
  if (what !== 'strategy')
    throw new UsageError(
      `new ${JSON.stringify(what)}: ringbook new makes a strategy: ringbook new strategy NAME (see ringbook new --help)`,
    );
  const dir = args.values.out;
  // NAME.ts is the file this writes: typed so, it means NAME
  const name = typed.endsWith('.ts') && NAME.test(typed.slice(0, -3)) ? typed.slice(0, -3) : typed;
  if (!NAME.test(name))
    throw new UsageError(
      `new strategy ${JSON.stringify(typed)}: a strategy's name is lower-case words and dashes, e.g. my-strategy${nameHint(typed, dir)}`,
    );
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
  // the generated test runs the command that generated it, from any directory (RINGBOOK overrides it)
  const command = selfArgv();
  const self = selfCommand();
  for (const [f, text] of files)
    writeFileSync(
      join(dir, f),
      text
        .replaceAll('__NAME__', name)
        .replaceAll('__COMMAND_TEXT__', command.join(' '))
        .replaceAll('__COMMAND__', JSON.stringify(command)),
      { flag: 'wx' },
    );
  const at = (f: string) => relative(process.cwd(), join(dir, f)) || f;
  const ts = at(`${name}.ts`);
  const wrote = [ts, at(`${name}.test.mjs`), at(`${name}.space.json`)];
  const notes: string[] = [];
  const tsconfig = join(dir, 'tsconfig.json');
  if (!existsSync(apiTypes)) notes.push(`no tsconfig.json written: the API's types are missing at ${apiTypes} (npm run build writes them)`);
  else if (existsSync(tsconfig))
    notes.push(
      `left the existing ${at('tsconfig.json')} alone: for types, add to its compilerOptions "paths": { "ringbook": [${JSON.stringify(apiTypes)}] }`,
    );
  else {
    writeFileSync(tsconfig, starterTsconfig(apiTypes), { flag: 'wx' });
    wrote.push(at('tsconfig.json'));
  }
  console.log(
    [
      `wrote ${wrote.slice(0, -1).join(', ')} and ${wrote[wrote.length - 1]}`,
      ...notes,
      'next:',
      `  ${self} backtest data/ --strategy ${ts}`,
      `  RINGBOOK_DATA=data/ node --test ${at(`${name}.test.mjs`)}    (it runs ${command.join(' ')}; RINGBOOK='…' for another)`,
      `  ${self} optimize data/ --strategy ${ts} --space ${at(`${name}.space.json`)}`,
      `(no recording yet? ${self} demo --duration 2m --out data records one from the local exchange)`,
    ].join('\n'),
  );
  return 0;
}
