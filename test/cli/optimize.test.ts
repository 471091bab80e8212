// `ringbook optimize` through the built CLI, where the command line meets the search: --trials belongs to random
// search only (the grid refuses it, naming its size).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRecording } from '../../bench/recording';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-optimize-cli-'));
const data = join(dir, 'rec');
writeRecording(data, 30_000, 5);

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function space(name: string, value: unknown): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(value));
  return p;
}

test('--trials with the grid is refused with exit 2, naming both flags and the grid size', () => {
  const sp = space('grid', { threshold: [0.2, 0.3, 0.4], confirm: [1, 2] });
  const out = join(dir, 'grid-trials');
  const r = cli('optimize', data, '--strategy', 'signal-taker', '--space', sp, '--trials', '2', '--out', out);
  assert.is(r.code, 2, r.err);
  assert.match(r.err, /--trials 2 applies to --method random only/);
  assert.match(r.err, /--method grid, the default\) runs every point of the space: 6 trials here/);
  assert.not.ok(existsSync(join(out, 'manifest.json')), 'nothing ran');
  assert.match(cli('optimize', '--help').out, /--trials N\s+with --method random only/);
});

test.run();
