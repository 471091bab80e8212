// JSON text as people write it (config and space files, the replay page's strategy box): a syntax error names where
// the text came from, the line and the column, instead of "Unexpected token at position 28"; a key given twice is
// refused, naming the key and both lines, instead of JSON.parse keeping the last; a field's line is found for errors
// about it. No I/O, so the browser uses it too; reading files is src/cli/json-file.ts.

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * The first syntax error of a text JSON.parse refused: its offset and what is wrong, in words. V8 gives a position
 * for some errors only ("Unexpected token ']', …" has none and quotes the text instead), so the text is walked here.
 */
export function jsonSyntaxError(text: string): { offset: number; what: string } | null {
  let p = 0;
  const n = text.length;
  class Stop {
    constructor(
      readonly offset: number,
      readonly what: string,
    ) {}
  }
  const ws = () => {
    while (p < n && (text[p] === ' ' || text[p] === '\t' || text[p] === '\n' || text[p] === '\r')) p++;
  };
  const shown = (c: string) => (c === '\n' || c === '\r' ? 'a line break' : c === '"' ? 'a "' : `"${c}"`);
  const unexpected = (expected: string): never => {
    if (p >= n) throw new Stop(p, `the text ends where ${expected} should follow`);
    const comma = expected.startsWith('","') && /["{[\d\-tfn]/.test(text[p]) ? ' (a missing comma?)' : '';
    throw new Stop(p, `${shown(text[p])} where ${expected} should be${comma}`);
  };
  const str = () => {
    p++;
    for (;;) {
      if (p >= n) throw new Stop(p, 'a string is not closed (a missing ")');
      const c = text.charCodeAt(p);
      if (c === 0x22) break;
      if (c < 0x20) throw new Stop(p, `${shown(text[p])} inside a string (a missing " or an unescaped control character)`);
      if (c === 0x5c) {
        const e = text[p + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(p + 2, p + 6))) throw new Stop(p, 'a \\u escape needs four hex digits');
          p += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) throw new Stop(p, `${e === undefined ? 'a \\' : `\\${e}`} is not a JSON escape`);
        p += 2;
        continue;
      }
      p++;
    }
    p++;
  };
  const value = (): void => {
    ws();
    const c = text[p];
    if (c === '{') return container('}', true);
    if (c === '[') return container(']', false);
    if (c === '"') return str();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(p, p + 400));
    if (m && m[0] !== '' && m[0] !== '-') {
      p += m[0].length;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, p)) {
        p += word.length;
        return;
      }
    }
    if (c === "'") throw new Stop(p, 'a string in single quotes: JSON needs double quotes');
    const word = /^[A-Za-z_][\w.]*/.exec(text.slice(p, p + 40));
    if (word) throw new Stop(p, `${word[0]} is not a JSON value (a string needs double quotes; true, false and null are lower case)`);
    unexpected('a value');
  };
  const container = (close: string, object: boolean): void => {
    p++;
    ws();
    if (text[p] === close) {
      p++;
      return;
    }
    for (;;) {
      ws();
      if (object) {
        if (text[p] === close) throw new Stop(p, `a comma before ${JSON.stringify(close)}: JSON allows no trailing comma`);
        if (text[p] !== '"') {
          if (text[p] === "'") throw new Stop(p, 'a key in single quotes: JSON needs double quotes');
          unexpected('a key in double quotes');
        }
        str();
        ws();
        if (text[p] !== ':') unexpected('":"');
        p++;
      } else if (text[p] === close) throw new Stop(p, `a comma before ${JSON.stringify(close)}: JSON allows no trailing comma`);
      value();
      ws();
      if (text[p] === ',') {
        p++;
        continue;
      }
      if (text[p] === close) {
        p++;
        return;
      }
      unexpected(`"," or ${JSON.stringify(close)}`);
    }
  };
  try {
    value();
    ws();
    if (p < n) throw new Stop(p, `${shown(text[p])} after the end of the JSON value`);
    return null;
  } catch (err) {
    if (err instanceof Stop) return { offset: err.offset, what: err.what };
    throw err;
  }
}

/**
 * Parses JSON text; a syntax error names `where`, the line and the column; a key given twice in one object names
 * `where`, the line of its second occurrence, `what` the text is (a search space, a strategy config) and the key.
 */
export function parseJsonText(text: string, where: string, what?: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const found = jsonSyntaxError(text);
    if (!found) throw new Error(`${where} is not valid JSON: ${(err as Error).message.replace(/\s*in JSON at position \d+$/, '')}`);
    const { line, column } = lineColumn(text, found.offset);
    throw new Error(`${where}, line ${line}, column ${column}: not valid JSON: ${found.what}`);
  }
  // JSON.parse keeps the last of a repeated key: a pasted line would silently replace what the reader saw first
  const dup = duplicateKey(text);
  if (dup) {
    const at = (offset: number) => lineColumn(text, offset).line;
    const key = dup.path.length ? `${dup.path.join('.')} gives "${dup.key}" twice` : `${dup.key} is given twice`;
    throw new Error(
      `${where}, line ${at(dup.offset)}: ${what ? `${what}: ` : ''}${key} (first on line ${at(dup.firstOffset)}): JSON keeps only the last; give each key once`,
    );
  }
  return value;
}

/** The line of a file where `"key":` first appears (for errors about a field of it); null when not found. */
export function lineOfKey(text: string, key: string): number | null {
  const re = new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`);
  const m = re.exec(text);
  return m ? lineColumn(text, m.index).line : null;
}

/**
 * The first key a JSON object of valid JSON `text` gives twice: JSON.parse keeps the last silently, so a space or config
 * with a pasted line runs something other than what was read. `path` is the keys of the objects around it, outermost
 * first; `offset` is where the second occurrence starts; null when every object's keys are distinct.
 */
export function duplicateKey(text: string): { key: string; path: string[]; offset: number; firstOffset: number } | null {
  const stack: Array<{ keys: Map<string, number> | null; expectKey: boolean; key: string | null }> = [];
  let lastKey: string | null = null;
  for (let p = 0; p < text.length; p++) {
    const c = text[p];
    if (c === '"') {
      const start = p;
      for (p++; text[p] !== '"'; p++) if (text[p] === '\\') p++;
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(start, p + 1)) as string;
        const first = top.keys.get(key);
        if (first !== undefined)
          return { key, path: stack.flatMap((s) => (s.key === null ? [] : [s.key])), offset: start, firstOffset: first };
        top.keys.set(key, start);
        top.expectKey = false;
        lastKey = key;
      }
    } else if (c === '{' || c === '[') {
      // the key an object or list is the value of: the path to a duplicate inside it
      const top = stack[stack.length - 1];
      stack.push({ keys: c === '{' ? new Map() : null, expectKey: c === '{', key: top?.keys ? lastKey : null });
    } else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return null;
}
