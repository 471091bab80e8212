// The runtime needs only `dependencies` (the Dockerfile installs with `npm ci --omit=dev`): every package the built
// CLI and its worker bundles import at load time is one of them, and every one of them is used. esbuild is one: the
// strategy loader bundles a user's strategy file with it at run time (--strategy FILE). The other build tools
// (AssemblyScript, TypeScript), test tools and benchmark peers stay devDependencies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Packages a bundle imports statically (import … from 'x', import 'x', export … from 'x'). */
function staticImports(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm)) {
    const spec = m[1] ?? m[2];
    // 'ringbook' itself appears in the starter strategy `ringbook new strategy` writes (a template, not an import)
    if (spec.startsWith('node:') || spec.startsWith('.') || spec.startsWith('/') || spec === 'ringbook') continue;
    out.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
  return out;
}

const bundles = [
  'build/ringbook.mjs',
  ...readdirSync('build/workers')
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => join('build/workers', f)),
];

test('the CLI and worker bundles import only dependencies, never a devDependency', () => {
  const used = new Set<string>();
  for (const b of bundles) {
    for (const p of staticImports(b)) {
      used.add(p);
      assert.ok(p in pkg.dependencies, `${b} imports ${p}, which ${p in pkg.devDependencies ? 'is a devDependency' : 'is not declared'}`);
    }
  }
  for (const d of Object.keys(pkg.dependencies))
    assert.ok(used.has(d), `dependency ${d} is not used by the runtime: make it a devDependency`);
});

test('build tools are devDependencies (the image builds in a stage of its own); esbuild, which loads strategies, is not', () => {
  assert.ok('esbuild' in pkg.dependencies && !('esbuild' in pkg.devDependencies), 'esbuild bundles --strategy files at run time');
  for (const tool of ['assemblyscript', 'typescript', 'uvu', 'prettier']) {
    assert.ok(tool in pkg.devDependencies && !(tool in pkg.dependencies), tool);
  }
});

test.run();
