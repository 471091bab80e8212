// JSON text as people write it (config and space files, the replay page's strategy box): a syntax error names where
// the text came from, the line and the column, instead of "Unexpected token at position 28"; a field's line is found
// for errors about it. No I/O, so the browser uses it too; reading files is src/cli/json-file.ts.

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

/** The line of a file where `"key":` first appears (for errors about a field of it); null when not found. */
export function lineOfKey(text: string, key: string): number | null {
  const re = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`);
  const m = re.exec(text);
  return m ? lineColumn(text, m.index).line : null;
}
