// The optimize bench measures what users run: its child process runs obi-ofi as `ringbook optimize` does, bundled
// from source and evaluated by each worker, every trial carrying the bundle's and core.wasm's sha256, and those are
// the hashes `ringbook optimize` writes into its manifest for the same strategy. Runs the built child
// (build/bench/optimize.child.mjs) on a small recording, two trials on one worker.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';

const BUILD = join(process.cwd(), 'build');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-bench-optimize-test-'));
const data = join(dir, 'data');
writeRecording(data, 20_000, 5);

test('the bench child runs obi-ofi with the bundle and core hashes ringbook optimize records', () => {
  const child = spawnSync(process.execPath, [join(BUILD, 'bench/optimize.child.mjs'), data, '1', '2'], { encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  const r = JSON.parse(child.stdout) as { trials: number; strategy: { name: string; bundleSha256: string; coreSha256: string } };
  assert.is(r.trials, 2);
  assert.is(r.strategy.name, 'obi-ofi');
  assert.match(r.strategy.bundleSha256, /^[0-9a-f]{64}$/);
  assert.match(r.strategy.coreSha256, /^[0-9a-f]{64}$/);

  const space = join(dir, 'space.json');
  writeFileSync(space, JSON.stringify({ 'entry.threshold': [2.5] }));
  const out = join(dir, 'opt');
  const cli = spawnSync(
    process.execPath,
    [join(BUILD, 'ringbook.mjs'), 'optimize', data, '--space', space, '--workers', '1', '--out', out],
    {
      encoding: 'utf8',
    },
  );
  assert.is(cli.status, 0, cli.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { strategy: Record<string, string> };
  assert.is(manifest.strategy.name, r.strategy.name);
  assert.is(manifest.strategy.bundleSha256, r.strategy.bundleSha256);
  assert.is(manifest.strategy.coreSha256, r.strategy.coreSha256);
});

test.run();
