// How the user ran ringbook, so a printed "next:" command works when pasted: `npx ringbook` through npx, `ringbook`
// after npm link, else `node <path to ringbook.mjs>` as they typed it (a clone has no `ringbook` on its PATH).
import { realpathSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve } from 'node:path';

export function selfCommand(script: string | undefined = process.argv[1], cwd = process.cwd(), env = process.env): string {
  if (!script) return 'ringbook';
  if (basename(script) === 'ringbook') return env.npm_command === 'exec' ? 'npx ringbook' : 'ringbook';
  const rel = relative(cwd, script);
  const path = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script;
  return `node ${/[\s'"$]/.test(path) ? `'${path.replace(/'/g, `'\\''`)}'` : path}`;
}

/**
 * The same command as an argv to spawn from any directory (a file that runs ringbook later, elsewhere): ['node', the
 * script's real path] — through a bin link (npx, npm link) too, whose target is the script itself. Never `npx
 * ringbook`: run outside this project, npx would fetch whatever the registry publishes under that name.
 */
export function selfArgv(script: string | undefined = process.argv[1], cwd = process.cwd()): string[] {
  if (!script) return ['ringbook'];
  const path = resolve(cwd, script);
  try {
    return ['node', realpathSync(path)];
  } catch {
    return basename(script) === 'ringbook' ? ['ringbook'] : ['node', path];
  }
}
