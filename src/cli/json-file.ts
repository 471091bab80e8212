// JSON files named on the command line (--config, --space, result manifests, recorded sessions): errors name the flag,
// the file and, for a syntax error or a key given twice, the line, instead of "Unexpected token at position 28", a raw
// ENOENT or JSON.parse silently keeping the last of two values.
import { readFileSync, statSync } from 'node:fs';
import { parseJsonText } from '../format/json-text';

export { lineColumn, lineOfKey, parseJsonText } from '../format/json-text';

export interface JsonFile {
  path: string;
  text: string;
  value: unknown;
}

/**
 * Reads and parses a JSON file given as `flag` (`what` it holds, for a key given twice: "search space"); every failure
 * says which file and what to do.
 */
export function readJsonFile(path: string, flag: string, what?: string): JsonFile {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new Error(`${flag} ${path} is a directory: give a JSON file`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${flag} ${path}: no such file`);
    if (code === 'EACCES') throw new Error(`${flag} ${path}: not allowed to read it (check its permissions)`);
    throw err;
  }
  return { path, text, value: parseJsonText(text, `${flag} ${path}`, what) };
}
