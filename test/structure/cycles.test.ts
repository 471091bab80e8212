// No import circles under src/: a module that imports (directly or through others) a module that imports it back
// cannot be read, tested or moved on its own, and at run time one side sees the other half-initialised. The graph
// is read with a small regex over `import … from`, `export … from`, `import '…'` and `import('…')` of relative
// paths; type-only imports count too (a circle of types is still two files that cannot be understood apart).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = process.cwd();
const SRC = join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative specifiers a file imports; comments are dropped first so a commented-out import does not count. */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]*)\1/gm;
  for (let m = re.exec(code); m; m = re.exec(code)) out.push(m[2]!);
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec).replace(/\.js$/, '');
  for (const p of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(p) && statSync(p).isFile()) return p;
  return undefined;
}

/** Every elementary circle is too many to list; one circle per strongly connected component says where to look. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const comps: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) comps.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  // Show each component as one concrete path around it, starting from its first file by name.
  return comps.map((comp) => {
    const inComp = new Set(comp);
    const start = [...comp].sort()[0]!;
    const prev = new Map<string, string>();
    const queue = [start];
    const seen = new Set([start]);
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!inComp.has(w)) continue;
        if (w === start) {
          const path = [v];
          while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
          return [...path, start];
        }
        if (!seen.has(w)) {
          seen.add(w);
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [...comp, comp[0]!];
  });
}

test('the parser sees every import form and skips comments', () => {
  const text = [
    "import { a } from './a';",
    "import type { B } from '../b/b';",
    'import {\n  c,\n  d,\n} from "./c";',
    "export { e } from './e';",
    "export * from './f';",
    "import './side-effect';",
    "const g = await import('./g');",
    "let h: import('./h').H;",
    "// import { x } from './commented';",
    "/* import { y } from './block'; */",
    "import { z } from 'node:fs';",
  ].join('\n');
  assert.equal(importsOf(text), ['./a', '../b/b', './c', './e', './f', './side-effect', './g', './h']);
});

test('no import cycles under src/', () => {
  const files = sources(SRC);
  assert.ok(files.length > 50, `found only ${files.length} files under ${SRC}`);
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const f of files) {
    const deps: string[] = [];
    for (const spec of importsOf(readFileSync(f, 'utf8'))) {
      const to = resolveImport(f, spec);
      if (to === undefined) unresolved.push(`${relative(ROOT, f)}: ${spec}`);
      else if (to.startsWith(SRC)) deps.push(to);
    }
    graph.set(f, deps);
  }
  assert.equal(unresolved, [], 'every relative import names a file');
  const found = cycles(graph).map((c) => c.map((f) => relative(SRC, f).replace(/\.ts$/, '')).join(' → '));
  assert.equal(found, [], `import cycles:\n  ${found.join('\n  ')}`);
});

test.run();
