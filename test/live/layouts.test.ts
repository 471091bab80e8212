// Both thread layouts decide alike: a demo session recorded with --threads single and one with --threads multi each
// replay decision for decision (backtest --parity: the same events give the same actions), and each says which
// layout it ran and why; the multi session runs cold (--no-keep-warm), so a session with and one without the warm
// steps are both held to their replay. A bad --threads is refused naming the flag and the choices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'build/ringbook.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ringbook-layouts-'));

for (const layout of ['single', 'multi'] as const) {
  test(`--threads ${layout}: the recorded demo session replays decision for decision`, () => {
    const data = join(dir, layout);
    const cold = layout === 'multi' ? ['--no-keep-warm'] : [];
    const demo = spawnSync(process.execPath, [CLI, 'demo', '--duration', '12s', '--out', data, '--threads', layout, ...cold], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.is(demo.status, 0, demo.stderr);
    assert.match(demo.stderr, new RegExp(`^threads: ${layout} \\(--threads ${layout}`, 'm'));
    assert.match(
      demo.stderr,
      cold.length ? /^threads: .*; not kept warm \(--no-keep-warm\)$/m : /^threads: .*; our own code kept warm while idle/m,
    );
    assert.match(demo.stderr, /\n {4}tick→decision +p50 /);
    const r = spawnSync(process.execPath, [CLI, 'backtest', data, '--parity', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.ok(out.parity.live > 0, `the ${layout} session traded`);
    assert.is(out.parity.divergence, null, JSON.stringify(out.parity.divergence));
    assert.is(out.parity.matched, out.parity.live);
    assert.is(out.parity.backtest, out.parity.live);
  });
}

test('--threads refuses anything but auto, single or multi', () => {
  const r = spawnSync(process.execPath, [CLI, 'demo', '--threads', 'one'], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--threads "one" is not one of auto, single, multi/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
