// The repository stands alone: every citation of a document section ("docs/design.md §6", or "signals.md §4.2"
// inside docs/) must lead to a file of the repository with a heading for that section, nothing may point outside
// the repository (a sibling folder, the first design, the old fact sheets), and every repository path the docs
// name must exist. Plain text scans of the working tree; no build output is read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = process.cwd();
const SCANNED = ['src', 'assembly', 'test', 'bench', 'scripts', 'docs'];
const TEXT = /\.(ts|mjs|js|md|html|css|json)$/;
/** This file spells the forbidden forms out to look for them. */
const SELF = 'test/docs/citations.test.ts';

function walk(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) return walk(rel);
    return TEXT.test(name) ? [rel] : [];
  });
}

const files = [...SCANNED.flatMap(walk), 'README.md'].filter((f) => f !== SELF);
const texts = new Map(files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));

/** Line number of offset `at` in `text`. */
const lineOf = (text: string, at: number) => text.slice(0, at).split('\n').length;

/**
 * A citation may wrap onto the next comment line ("(docs/bitget.md\n// §5.6)"): join continuation lines of // and
 * block comments with a space, keeping every offset's line by counting the newlines removed.
 */
function joinComments(text: string): { text: string; line(at: number): number } {
  const breaks: number[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/\n[ \t]*(?:\/\/|\*(?!\/))[ \t]?/g)) {
    out += text.slice(last, m.index) + ' ';
    breaks.push(out.length);
    last = m.index! + m[0].length;
  }
  out += text.slice(last);
  return {
    text: out,
    line(at) {
      const joined = breaks.filter((b) => b <= at).length;
      return lineOf(out, at) + joined;
    },
  };
}

const headingCache = new Map<string, Set<string>>();

/** Section numbers a markdown file has headings for: "## 4. The record" → 4, "### 1.10 Continuity" → 1.10. */
function sections(doc: string): Set<string> {
  let s = headingCache.get(doc);
  if (!s) {
    s = new Set<string>();
    for (const m of readFileSync(join(ROOT, doc), 'utf8').matchAll(/^#{1,6}[ \t]+(\d+(?:\.\d+)*)\.?(?=[ \t]|$)/gm)) s.add(m[1]!);
    headingCache.set(doc, s);
  }
  return s;
}

// "docs/design.md §6", "signals.md §4.1", "docs/bitget.md §5.2, §4.1, §1.2", "§1.4–1.8", "§3.1 and §3.3"
const CITATION =
  /(?<![\w./-])((?:docs\/)?[\w-]+)\.md[ \t]+(§[ \t]?\d+(?:\.\d+)*(?:[–-]\d+(?:\.\d+)*)?(?:(?:,[ \t]*|[ \t]+and[ \t]+)§[ \t]?\d+(?:\.\d+)*(?:[–-]\d+(?:\.\d+)*)?)*)/g;

test('every cited section of a repository document exists', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const [file, raw] of texts) {
    const j = joinComments(raw);
    for (const m of j.text.matchAll(CITATION)) {
      const name = m[1]!.replace(/^docs\//, '');
      const doc = `docs/${name}.md`;
      const where = `${file}:${j.line(m.index!)}`;
      if (!existsSync(join(ROOT, doc))) {
        problems.push(`${where}: "${m[0]}" cites ${doc}, which does not exist`);
        continue;
      }
      if (!m[1]!.startsWith('docs/') && !file.startsWith('docs/')) {
        problems.push(`${where}: "${m[0]}": outside docs/, write the path in full (${doc})`);
      }
      for (const n of m[2]!.matchAll(/\d+(?:\.\d+)*/g)) {
        checked++;
        if (!sections(doc).has(n[0])) problems.push(`${where}: "${m[0]}": ${doc} has no heading for §${n[0]}`);
      }
    }
  }
  assert.ok(checked > 50, `only ${checked} section citations found: is the pattern still right?`);
  assert.equal(problems, []);
});

const FORBIDDEN: Array<[RegExp, string]> = [
  [/\.\.\/shared\b/, 'a path outside the repository'],
  [/\bDESIGN(?:\.md| §)/, 'the first design (cite docs/design.md §n)'],
  [/\bbitget-v2\.md\b/, 'the old fact sheet (cite docs/bitget.md §n)'],
  [/\breference\/(?:signals|style|platform)\.md\b/, 'a reference outside the repository'],
];

test('nothing reads or cites a file outside the repository', () => {
  const problems: string[] = [];
  for (const [file, text] of texts) {
    text.split('\n').forEach((line, i) => {
      for (const [re, why] of FORBIDDEN) if (re.test(line)) problems.push(`${file}:${i + 1}: ${why}: ${line.trim()}`);
    });
  }
  assert.equal(problems, []);
});

// A repository path in prose or code spans: src/…, assembly/…, test/…, bench/…, scripts/…, docs/…. The tail of a
// URL or of a longer path is skipped (the look-behind), so another project's file is named by its URL.
const REPO_PATH = /(?<![\w./-])(?:src|assembly|test|bench|scripts|docs)\/[\w.-]+(?:\/[\w.-]+)*\/?/g;

test('every repository path the docs name exists', () => {
  const docs = [...texts.keys()].filter(
    (f) => f.endsWith('.md') && (f.startsWith('docs/') || f === 'README.md' || f.endsWith('/README.md')),
  );
  const problems: string[] = [];
  for (const file of docs) {
    const text = texts.get(file)!;
    for (const m of text.matchAll(REPO_PATH)) {
      const path = m[0].replace(/[.]+$/, '');
      if (existsSync(join(ROOT, path)) || existsSync(join(ROOT, `${path}.ts`))) continue;
      problems.push(`${file}:${lineOf(text, m.index!)}: ${path} does not exist (another project's file? name it by its URL)`);
    }
  }
  assert.equal(problems, []);
});

test('the Bitget fixtures live in the repository, with a README naming their sources', () => {
  const dir = join(ROOT, 'test/fixtures/bitget');
  const frames = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  assert.ok(frames.length >= 3, `fixtures: ${frames.join(', ')}`);
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  for (const f of frames) assert.ok(readme.includes(f), `test/fixtures/bitget/README.md does not say where ${f} came from`);
});

test.run();
