// `--strategy FILE|NAME` in Node: a built-in by name, or a user's .ts/.js file bundled with esbuild into one script
// that imports nothing ('ringbook' resolves to the API module; node built-ins and packages are refused, with the file
// and line). The bundle is checked before it runs: a reference to the wall clock, Math.random, timers, the network,
// the file system, the console, the process, eval or Function is refused at load with file:line and what to use
// instead (./sandbox shadows the same globals when the bundle runs, in case one slipped through). The bundle's sha256 is
// the strategy's identity in reports, optimizer trials and recorded sessions; the core's (core.wasm) sits beside it.
// The bundle text loads in any thread (./sandbox loadBundle): the optimizer's workers and the page get the same text.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinModules } from 'node:module';
import { build, type Message, type Plugin } from 'esbuild';
import { didYouMean } from '../format/suggest';
import { UsageError } from '../cli/usage-error';
import { BUILTINS, BUILTIN_NAMES, builtinNamed } from './builtins/index';
import { ASYNC_REFUSAL, REFUSED, loadBundle, loadedBuiltin, refusal, type LoadedStrategy, type StrategyBundle } from './sandbox';
import { SourceMap, positionOf } from './sourcemap';

export type { LoadedStrategy, StrategyBundle } from './sandbox';

/** A strategy whose module could not be bundled or is refused: the message names the file and line. */
export class StrategyLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategyLoadError';
  }
}

const SENTINEL = '__ringbook_refused_';
// What `import … from 'ringbook'` is at run time: the API module's only value (its types are erased by esbuild).
const API_MODULE = 'export function defineStrategy(def) { return def; }\n';
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** esbuild `define`: every refused global becomes a marker the check below finds (with its position). */
const DEFINES = Object.fromEntries(Object.keys(REFUSED).map((name) => [name, `${SENTINEL}${name.replace('.', '_')}`]));

function resolverPlugin(): Plugin {
  return {
    name: 'ringbook-strategy',
    setup(b) {
      b.onResolve({ filter: /^ringbook$/ }, () => ({ path: 'ringbook', namespace: 'ringbook-api' }));
      b.onLoad({ filter: /.*/, namespace: 'ringbook-api' }, () => ({ contents: API_MODULE, loader: 'js' }));
      b.onResolve({ filter: /^[^./]/ }, (a) => {
        if (isAbsolute(a.path)) return undefined;
        const what = NODE_BUILTINS.has(a.path)
          ? `node built-ins are not available in a strategy (${a.path}): a strategy does no I/O and reads no host`
          : `a strategy imports only 'ringbook' and its own files (relative paths), not the package ${JSON.stringify(a.path)}`;
        return { errors: [{ text: what }] };
      });
    },
  };
}

function formatMessages(ms: readonly Message[], dir: string): string {
  return ms
    .map((m) => {
      const l = m.location;
      if (!l) return m.text;
      const file = relative(process.cwd(), resolve(dir, l.file)) || l.file;
      return `${file}:${l.line}:${l.column + 1}: ${m.text}`;
    })
    .join('\n');
}

/** Bundles a strategy file; refuses modules and globals a strategy may not use, naming file:line. */
export async function bundleStrategy(file: string, source = file, shownDir?: string): Promise<StrategyBundle> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw new StrategyLoadError(`${file}: no such file`);
  if (statSync(abs).isDirectory()) throw new StrategyLoadError(`${file} is a directory: give the strategy's .ts or .js file`);
  const dir = dirname(abs);
  let result;
  try {
    result = await build({
      absWorkingDir: dir,
      entryPoints: [basename(abs)],
      outfile: 'strategy.js',
      bundle: true,
      write: false,
      format: 'iife',
      globalName: '__strategy',
      platform: 'neutral',
      target: 'es2022',
      sourcemap: 'external',
      sourcesContent: false,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'silent',
      // the repository's or the user's tsconfig must not change what a strategy compiles to (its hash)
      tsconfigRaw: {},
      define: DEFINES,
      // async functions lowered to esbuild's helper: each one's call site, mapped to its line, is what the check refuses
      supported: { 'async-await': false, 'async-generator': false, 'for-await': false },
      plugins: [resolverPlugin()],
    });
  } catch (err) {
    const e = err as { errors?: Message[]; message?: string };
    throw new StrategyLoadError(e.errors?.length ? formatMessages(e.errors, dir) : `${file}: ${e.message ?? String(err)}`);
  }
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))!;
  const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'));
  // the hash covers the code only (the map comment names the output file, not the strategy)
  const text = js.text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
  const map = mapFile && shownPaths(mapFile.text, shownDir ?? (relative(process.cwd(), dir) || '.'));
  checkBundle(text, map);
  return { text, map, hash: sha256(text), source };
}

/**
 * The map's sources as a reader finds them (an error's "file:line" names the file, not just its base name): relative
 * to the working directory, or for a built-in to the repository root (`shownDir`). The map is not hashed.
 */
function shownPaths(mapText: string, shownDir: string): string {
  const m = JSON.parse(mapText) as { sources?: string[] };
  m.sources = m.sources?.map((src) => join(shownDir, src).replace(/\\/g, '/'));
  return JSON.stringify(m);
}

/** The static check: a refused global's marker in the bundle, mapped to the user's file and line. */
function checkBundle(text: string, map: string | undefined): void {
  const problems: string[] = [];
  const sm = map ? new SourceMap(map) : null;
  const where = (offset: number) => {
    const p = positionOf(text, offset);
    const o = sm?.lookup(p.line, p.column);
    return o ? `${o.source}:${o.line}:${o.column}` : `bundle line ${p.line}`;
  };
  const re = new RegExp(`${SENTINEL}(\\w+)`, 'g');
  for (let m = re.exec(text); m !== null && problems.length < 10; m = re.exec(text)) {
    const name = Object.keys(REFUSED).find((n) => n.replace('.', '_') === m![1]) ?? m[1];
    problems.push(`${where(m.index)}: ${refusal(name)}`);
  }
  const asyncs = /\b__(?:async|asyncGenerator)\d*\(/g;
  for (let m = asyncs.exec(text); m !== null && problems.length < 10; m = asyncs.exec(text))
    problems.push(`${where(m.index)}: ${ASYNC_REFUSAL}`);
  const dyn = /\bimport\s*\(/.exec(text);
  if (dyn)
    problems.push(
      `${where(dyn.index)}: import() is not available in a strategy: a strategy imports only 'ringbook' and its own files, statically`,
    );
  if (problems.length) throw new StrategyLoadError(`strategy refused:\n  ${problems.join('\n  ')}`);
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The repository file `rel` (built-ins' sources), found from this bundle's place (build/, build/test/…, build/workers/). */
function repoFile(rel: string): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', '../..', '../../..', '../../../..', '.']) {
    const p = join(here, up, rel);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * `--strategy FILE|NAME`: a built-in by name, or a file. A built-in is bundled from its source like any file (so its
 * hash is that of the same file copied elsewhere); if the sources are not shipped, its compiled-in definition runs
 * and the report says the hash is unknown.
 */
export async function loadStrategy(spec: string): Promise<LoadedStrategy> {
  const builtin = builtinNamed(spec);
  if (builtin) {
    const file = repoFile(builtin.source);
    if (!file) return loadedBuiltin(builtin.definition);
    return loadBundle(await bundleStrategy(file, `builtin:${builtin.name}`, dirname(builtin.source)));
  }
  const looksLikeFile = /[/\\]|\.(m?[jt]s|cjs)$/.test(spec) || existsSync(spec);
  if (!looksLikeFile) {
    // `--strategy micro` beside micro.ts: the file was meant
    const file = ['.ts', '.js', '.mjs'].map((ext) => spec + ext).find((f) => existsSync(f));
    const hint = file ? ` (did you mean the file ${file}? --strategy ${file})` : didYouMean(spec, BUILTIN_NAMES);
    throw new UsageError(
      `--strategy ${spec}: no built-in strategy ${JSON.stringify(spec)}${hint} and no such file (built-ins: ${BUILTINS.map((b) => b.name).join(', ')}; or give a .ts/.js file)`,
    );
  }
  // a path typed that is not there: a command-line mistake like a misspelt name
  if (!existsSync(spec)) throw new UsageError(`--strategy ${spec}: no such file`);
  return loadBundle(await bundleStrategy(spec));
}

/** sha256 of the core.wasm this process runs (found as the core loader finds it); null when it cannot be read. */
export function coreHash(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['.', '..', '../..', '../../..']) {
    const p = join(here, up, 'core.wasm');
    if (existsSync(p)) return sha256(readFileSync(p));
  }
  return null;
}
