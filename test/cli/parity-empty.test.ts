// `backtest --parity` on a session with no decision of the strategy's (it placed and cancelled nothing): nothing was
// compared, which proves nothing, so the check says so and does not pass (exit 1), where it used to report "0 of 0
// live decisions matched … no divergence" and exit 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareIntents, formatParity, parityExitCode } from '../../src/backtest/parity';

const CLI = join(process.cwd(), 'build/ringbook.mjs');

test('parityExitCode: 3 a divergence, 1 nothing compared, 0 every decision matched', () => {
  const none = compareIntents([], [], [], []);
  assert.is(parityExitCode(none), 1);
  assert.match(formatParity(none), /\nnothing to compare: .*parity is not shown$/);
  assert.not.match(formatParity(none), /no divergence/);
});

test('a demo session that decided nothing: --parity says there is nothing to compare and exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ringbook-parity-empty-'));
  try {
    writeFileSync(
      join(dir, 'idle.ts'),
      "import { defineStrategy } from 'ringbook';\n\nexport default defineStrategy({ name: 'idle', params: {}, create: () => ({}) });\n",
    );
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    const demo = run('demo', '--duration', '2s', '--strategy', 'idle.ts', '--out', 'data');
    assert.is(demo.status, 0, demo.stderr);
    const r = run('backtest', 'data', '--parity');
    assert.is(r.status, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\nparity: 0 of 0 live decisions matched \(the backtest took 0\)\n/);
    assert.match(r.stdout, /\nnothing to compare: the session's order log holds no decision of the strategy's .*parity is not shown\n/);
    assert.not.match(r.stdout, /no divergence/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
