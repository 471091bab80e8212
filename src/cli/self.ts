// How the user ran ringbook, so a printed "next:" command works when pasted: `ringbook` after npm link or through
// npx, else `node <path to ringbook.mjs>` as they typed it (a clone has no `ringbook` on its PATH).
import { basename, isAbsolute, relative } from 'node:path';

export function selfCommand(script: string | undefined = process.argv[1], cwd = process.cwd()): string {
  if (!script) return 'ringbook';
  if (basename(script) === 'ringbook') return 'ringbook';
  const rel = relative(cwd, script);
  const path = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : script;
  return `node ${/[\s'"$]/.test(path) ? `'${path.replace(/'/g, `'\\''`)}'` : path}`;
}
