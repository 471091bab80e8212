// JSON files named on the command line (--config, --space, --keys, result manifests): errors name the flag, the
// file and, for a syntax error, the line and column, instead of "Unexpected token at position 28" or a raw ENOENT.
import { readFileSync, statSync } from 'node:fs';

export interface JsonFile {
  path: string;
  text: string;
  value: unknown;
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Where JSON.parse stopped: "at position N" (Node 20) or "(line L column C)" (later Nodes); null when it does not say. */
function errorOffset(text: string, message: string): number | null {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    let off = 0;
    for (let i = 0; i < Number(lc[1]) - 1 && i < lines.length; i++) off += lines[i].length + 1;
    return off + Number(lc[2]) - 1;
  }
  const pos = /at position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  return null;
}

/** Parses JSON text; a syntax error names `where`, the line and the column. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const off = errorOffset(text, message);
    const reason = message
      .replace(/\s*(in JSON )?at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/^JSON\.parse: /, '');
    if (off === null) throw new Error(`${where} is not valid JSON: ${reason}`);
    const { line, column } = lineColumn(text, off);
    throw new Error(`${where}, line ${line}, column ${column}: not valid JSON: ${reason}`);
  }
}

/** Reads and parses a JSON file given as `flag`; every failure says which file and what to do. */
export function readJsonFile(path: string, flag: string): JsonFile {
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
  return { path, text, value: parseJsonText(text, `${flag} ${path}`) };
}

/** The line of a file where `"key":` first appears (for errors about a field of it); null when not found. */
export function lineOfKey(text: string, key: string): number | null {
  const re = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`);
  const m = re.exec(text);
  return m ? lineColumn(text, m.index).line : null;
}
