// Builds everything into build/: core.wasm (asc, release), the Node CLI and worker bundles, the browser bundle,
// and the test and benchmark bundles. `node scripts/build.mjs [--no-tests]`.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, mkdirSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const withTests = !process.argv.includes('--no-tests');

function files(dir, test) {
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(dir, name);
    if (statSync(join(root, p)).isDirectory()) out.push(...files(p, test));
    else if (test(name)) out.push(p);
  }
  return out;
}

rmSync(join(root, 'build'), { recursive: true, force: true });
mkdirSync(join(root, 'build'), { recursive: true });
execFileSync(process.execPath, [join(root, 'node_modules/assemblyscript/bin/asc.js'), '--config', 'asconfig.json', '--target', 'release'], {
  cwd: root,
  stdio: 'inherit',
});

// build/ringbook.d.ts: the types of `import … from 'ringbook'` (the strategy API, src/strategy/api.ts, which imports
// nothing) for a user's editor and tsc: package.json's "types" and the tsconfig.json `ringbook new strategy` writes
// point at it. The bundles below resolve 'ringbook' to the same module, so the types and what runs cannot differ.
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/typescript/bin/tsc'),
    ...['--ignoreConfig', '--declaration', '--emitDeclarationOnly', '--strict', '--skipLibCheck', '--types', ''],
    ...['--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--outDir', 'build/types'],
    'src/strategy/api.ts',
  ],
  { cwd: root, stdio: 'inherit' },
);
writeFileSync(
  join(root, 'build/ringbook.d.ts'),
  "// The strategy API: the types of import … from 'ringbook' (generated from src/strategy/api.ts; docs/strategies.md).\n" +
    readFileSync(join(root, 'build/types/api.d.ts'), 'utf8'),
);
rmSync(join(root, 'build/types'), { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // the built-in strategies import the strategy API as a user's file does: 'ringbook'
  alias: { ringbook: './src/strategy/api.ts' },
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};
await build({
  ...node,
  entryPoints: {
    ringbook: 'src/cli/main.ts',
    'bench/ring.worker': 'bench/ring.worker.ts',
    'bench/optimize.child': 'bench/optimize.child.ts',
    'bench/backtest.child': 'bench/backtest.child.ts',
    'bench/import.child': 'bench/import.child.ts',
    'workers/feed': 'src/feed/feed.worker.ts',
    'workers/engine': 'src/core/engine.worker.ts',
    'workers/recorder': 'src/capture/recorder.worker.ts',
    'workers/optimize': 'src/optimize/optimize.worker.ts',
    'workers/import-encode': 'src/import/encode.worker.ts',
    'workers/hang-watchdog': 'src/live/hang-watchdog.worker.ts',
    'workers/replay-watchdog': 'src/backtest/hang-guard.worker.ts',
  },
  outdir: 'build',
  outExtension: { '.js': '.mjs' },
  banner: { js: '#!/usr/bin/env node' },
});
// The browser side, served by `ringbook serve` from build/web/: the core's own bundle, the replay page and its worker.
// The worker is an entry of its own: esbuild does not follow `new Worker(new URL('./replay.worker.js', …))`, so the
// output name must match that string. The browser platform picks hyparquet's browser export (no node:fs).
await build({
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  external: ['node:*'],
  alias: { ringbook: './src/strategy/api.ts' },
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  entryPoints: { core: 'src/core/index.ts', app: 'src/web/app.ts', 'replay.worker': 'src/web/replay.worker.ts' },
  outdir: 'build/web',
});
copyFileSync(join(root, 'build/core.wasm'), join(root, 'build/web/core.wasm'));
copyFileSync(join(root, 'src/web/index.html'), join(root, 'build/web/index.html'));
copyFileSync(join(root, 'node_modules/uplot/dist/uPlot.min.css'), join(root, 'build/web/uPlot.min.css'));

if (withTests) {
  const entries = Object.fromEntries(
    [...files('test', (n) => n.endsWith('.test.ts') || n.endsWith('.worker.ts'))].map((p) => [
      p.replace(/^test\//, '').replace(/\.ts$/, ''),
      p,
    ]),
  );
  await build({ ...node, entryPoints: entries, outdir: 'build/test', outExtension: { '.js': '.mjs' } });
}
